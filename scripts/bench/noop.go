package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/cureigad/terraform-provider-atlassian/internal/plugindefaults"
)

// The no-op provider isolates what a plugin costs Terraform per resource:
// the gRPC round trips (ReadResource, PlanResourceChange, ...), msgpack
// encoding and the plugin framework's own work, with nothing behind them.
// Its one resource, noop_item, has the shape of atlassian_group_membership
// (id, group_id, account_id) and does nothing. `bench -serve-noop` serves
// it in debug mode, like the Atlassian provider, so both are attached the
// same way; the gap between terraform_data (built into Terraform, no
// plugin) and noop_item is the plugin overhead, and the gap between
// noop_item and atlassian_group_membership is the Atlassian provider's own
// work (requests, latency, the access layer).

const noopAddress = "registry.terraform.io/bench/noop"

func serveNoopProvider() error {
	// The provider's own process defaults, so that the difference between
	// the two is the provider's work.
	plugindefaults.Apply()
	return providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} },
		providerserver.ServeOpts{Address: noopAddress, Debug: true})
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return noopItem{} },
		func() resource.Resource { return noopMembers{} },
	}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type noopItem struct{}

var _ resource.ResourceWithImportState = noopItem{}

type noopItemModel struct {
	ID        types.String `tfsdk:"id"`
	GroupID   types.String `tfsdk:"group_id"`
	AccountID types.String `tfsdk:"account_id"`
}

func (noopItem) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

func (noopItem) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_id":   schema.StringAttribute{Required: true, PlanModifiers: replace},
			"account_id": schema.StringAttribute{Required: true, PlanModifiers: replace},
		},
	}
}

func (noopItem) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m noopItemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue(m.GroupID.ValueString() + "/" + m.AccountID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// ImportState takes the id a membership's import block gives,
// "<group_id>/<account_id>", so that a plan of imports costs the no-op
// provider what it costs the Atlassian provider's plugin stack.
func (noopItem) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	groupID, accountID, ok := strings.Cut(req.ID, "/")
	if !ok {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("want <group_id>/<account_id>, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, noopItemModel{
		ID: types.StringValue(req.ID), GroupID: types.StringValue(groupID), AccountID: types.StringValue(accountID),
	})...)
}

// Read leaves the state as it is: resp.State starts as the prior state.
func (noopItem) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (noopItem) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m noopItemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (noopItem) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// noopMembers has the shape of atlassian_group_members' arguments (group_id,
// and members, a map from account id to label) and does nothing: 12f's
// comparison.
type noopMembers struct{}

type noopMembersModel struct {
	ID      types.String `tfsdk:"id"`
	GroupID types.String `tfsdk:"group_id"`
	Members types.Map    `tfsdk:"members"`
}

func (noopMembers) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_members"
}

func (noopMembers) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_id": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"members":  schema.MapAttribute{ElementType: types.StringType, Required: true},
		},
	}
}

func (noopMembers) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m noopMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.GroupID
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read leaves the state as it is: resp.State starts as the prior state.
func (noopMembers) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (noopMembers) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m noopMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (noopMembers) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
