package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ datasource.DataSource              = (*workspacesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*workspacesDataSource)(nil)
)

// NewWorkspacesDataSource returns the atlassian_workspaces data source.
func NewWorkspacesDataSource() datasource.DataSource { return &workspacesDataSource{} }

type workspacesDataSource struct {
	accessDataSource
}

type workspacesModel struct {
	ID         types.String     `tfsdk:"id"`
	Type       types.String     `tfsdk:"type"`
	Product    types.String     `tfsdk:"product"`
	Workspaces []workspaceModel `tfsdk:"workspaces"`
}

type workspaceModel struct {
	WorkspaceID string `tfsdk:"workspace_id"`
	Name        string `tfsdk:"name"`
	Type        string `tfsdk:"type"`
	Product     string `tfsdk:"product"`
	Status      string `tfsdk:"status"`
	HostURL     string `tfsdk:"host_url"`
}

// Descriptions shared by the plural and the singular data source.
const (
	workspaceIDDescription = "The workspace id, an ARI such as `ari:cloud:jira::site/<uuid>`: what workspace role " +
		"assignments refer to."
	workspaceNameDesc    = "The workspace's display name."
	workspaceTypeDesc    = "The product type key, e.g. `jira-software`, `jira-servicedesk` or `confluence`."
	workspaceProductDesc = "The product family the workspace belongs to, e.g. `jira` (for Jira Software and Jira " +
		"Service Management) or `confluence`."
	workspaceStatusDesc  = "The workspace's status, e.g. `online`, `offline` or `deprecated`."
	workspaceHostURLDesc = "The workspace's URL, e.g. `https://example.atlassian.net`."
)

func workspaceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"workspace_id": schema.StringAttribute{Computed: true, MarkdownDescription: workspaceIDDescription},
		"name":         schema.StringAttribute{Computed: true, MarkdownDescription: workspaceNameDesc},
		"type":         schema.StringAttribute{Computed: true, MarkdownDescription: workspaceTypeDesc},
		"product":      schema.StringAttribute{Computed: true, MarkdownDescription: workspaceProductDesc},
		"status":       schema.StringAttribute{Computed: true, MarkdownDescription: workspaceStatusDesc},
		"host_url":     schema.StringAttribute{Computed: true, MarkdownDescription: workspaceHostURLDesc},
	}
}

func workspaceModelOf(w access.Workspace) workspaceModel {
	return workspaceModel{
		WorkspaceID: w.ID, Name: w.Name, Type: w.Type, Product: w.Product, Status: w.Status, HostURL: w.HostURL,
	}
}

func (d *workspacesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspaces"
}

func (d *workspacesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the workspaces (product instances: Jira and Confluence sites) of the organization, " +
			"optionally only those of one product type or product family. Both filters combine. The listing is read " +
			"once per plan. To find one workspace, and fail when there is none, use `atlassian_workspace`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`workspaces` when no filter is set; otherwise a stable hash of the filters.",
			},
			"type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only workspaces of this product type key, e.g. `jira-software`, `jira-servicedesk` " +
					"or `confluence` (compared ignoring case).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"product": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only workspaces of this product family, e.g. `jira` or `confluence` (compared " +
					"ignoring case).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"workspaces": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching workspaces, sorted by name (ignoring case), then by id.",
				NestedObject:        schema.NestedAttributeObject{Attributes: workspaceAttributes()},
			},
		},
	}
}

// filterWorkspaces returns, in a new slice sorted by name then id, the
// workspaces of the type key and product ("" matches any). The input is the
// view's shared listing and is never modified.
func filterWorkspaces(all []access.Workspace, typeKey, product string) []access.Workspace {
	out := []access.Workspace{}
	for _, w := range all {
		if typeKey != "" && !strings.EqualFold(w.Type, typeKey) {
			continue
		}
		if product != "" && !strings.EqualFold(w.Product, product) {
			continue
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b access.Workspace) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (d *workspacesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model workspacesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}
	all, err := d.view.Workspaces(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list the organization's workspaces", err.Error())
		return
	}
	typeKey, product := model.Type.ValueString(), model.Product.ValueString()
	matched := filterWorkspaces(all, typeKey, product)
	model.ID = types.StringValue(filtersID("workspaces", "type", strings.ToLower(typeKey), "product", strings.ToLower(product)))
	model.Workspaces = make([]workspaceModel, len(matched))
	for i, w := range matched {
		model.Workspaces[i] = workspaceModelOf(w)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
