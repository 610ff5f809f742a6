package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ datasource.DataSource              = (*workspaceDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*workspaceDataSource)(nil)
)

// NewWorkspaceDataSource returns the atlassian_workspace data source.
func NewWorkspaceDataSource() datasource.DataSource { return &workspaceDataSource{} }

type workspaceDataSource struct {
	accessDataSource
}

type workspaceDataModel struct {
	ID          types.String `tfsdk:"id"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	Product     types.String `tfsdk:"product"`
	Status      types.String `tfsdk:"status"`
	HostURL     types.String `tfsdk:"host_url"`
}

func (d *workspaceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace"
}

func (d *workspaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds one workspace (a Jira or Confluence site) of the organization: by `workspace_id`, or " +
			"by `name` and `type` together (a site's Jira and Confluence workspaces can share a name, so the name alone " +
			"does not identify one). It is an error when no workspace matches or when several do.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The same as `workspace_id`.",
			},
			"workspace_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: workspaceIDDescription + " Set it to look the workspace up by id; otherwise it is " +
					"the id of the workspace found by `name` and `type`. Exactly one of `workspace_id` and `name` must be set.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ExactlyOneOf(path.MatchRoot("workspace_id"), path.MatchRoot("name")),
				},
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The workspace's display name, as Atlassian stores it. Set it, with `type`, to look " +
					"the workspace up by name (both compared ignoring case).",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("type")),
				},
			},
			"type": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: workspaceTypeDesc + " Set it together with `name`, and only then, to look the " +
					"workspace up by name.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("name")),
				},
			},
			"product":  schema.StringAttribute{Computed: true, MarkdownDescription: workspaceProductDesc},
			"status":   schema.StringAttribute{Computed: true, MarkdownDescription: workspaceStatusDesc},
			"host_url": schema.StringAttribute{Computed: true, MarkdownDescription: workspaceHostURLDesc},
		},
	}
}

// workspacesNamed returns the workspaces with this name and type key, both
// compared ignoring case.
func workspacesNamed(all []access.Workspace, name, typeKey string) []access.Workspace {
	var out []access.Workspace
	for _, w := range all {
		if strings.EqualFold(w.Name, name) && strings.EqualFold(w.Type, typeKey) {
			out = append(out, w)
		}
	}
	return out
}

func (d *workspaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model workspaceDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}

	var workspace access.Workspace
	switch {
	case !model.WorkspaceID.IsNull():
		id := model.WorkspaceID.ValueString()
		w, found, err := d.view.Workspace(ctx, id)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Could not read the workspace",
				fmt.Sprintf("Reading workspace_id %q failed: %s", id, err))
			return
		}
		if !found {
			resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Workspace not found",
				fmt.Sprintf("workspace_id %q names no workspace of the organization.", id))
			return
		}
		workspace = w

	case !model.Name.IsNull():
		name, typeKey := model.Name.ValueString(), model.Type.ValueString()
		all, err := d.view.Workspaces(ctx)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Could not list the organization's workspaces", err.Error())
			return
		}
		matches := workspacesNamed(all, name, typeKey)
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Workspace not found",
				fmt.Sprintf("name %q with type %q matches no workspace of the organization.", name, typeKey))
			return
		case 1:
			workspace = matches[0]
		default:
			slices.SortFunc(matches, func(a, b access.Workspace) int { return strings.Compare(a.ID, b.ID) })
			ids := make([]string, len(matches))
			for i, w := range matches {
				ids[i] = w.ID + " (" + w.HostURL + ")"
			}
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several workspaces have this name and type",
				fmt.Sprintf("name %q with type %q matches %d workspaces: %s. Look the workspace up by workspace_id instead.",
					name, typeKey, len(matches), quotedList(ids)))
			return
		}

	default:
		// The validators rule this out before Read.
		resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Missing workspace selector",
			"Set either workspace_id, or name and type.")
		return
	}

	model.ID = types.StringValue(workspace.ID)
	model.WorkspaceID = types.StringValue(workspace.ID)
	model.Name = types.StringValue(workspace.Name)
	model.Type = types.StringValue(workspace.Type)
	model.Product = types.StringValue(workspace.Product)
	model.Status = types.StringValue(workspace.Status)
	model.HostURL = types.StringValue(workspace.HostURL)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
