package provider

import (
	"cmp"
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ list.ListResource              = (*workspaceRoleAssignmentListResource)(nil)
	_ list.ListResourceWithConfigure = (*workspaceRoleAssignmentListResource)(nil)
)

// NewWorkspaceRoleAssignmentListResource returns the
// atlassian_workspace_role_assignment list resource.
func NewWorkspaceRoleAssignmentListResource() list.ListResource {
	return &workspaceRoleAssignmentListResource{}
}

type workspaceRoleAssignmentListResource struct{ listBase }

type workspaceRoleAssignmentListConfig struct {
	WorkspaceID types.String `tfsdk:"workspace_id"`
}

func (r *workspaceRoleAssignmentListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace_role_assignment"
}

func (r *workspaceRoleAssignmentListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists workspace (product) roles as `atlassian_workspace_role_assignment` resources, for " +
			"`terraform query` (Terraform 1.14 and later): first the roles groups hold, then the roles accounts hold " +
			"directly. Roles that accounts hold only through a group are the group's, listed once with it. Atlassian " +
			"lists roles per holder, so this reads one role listing per group and one per account of the organization " +
			"(the group's is the one its members are read from, shared with the group member lists).",
		Attributes: map[string]schema.Attribute{
			"workspace_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only the roles on this workspace: its ARI, such as " +
					"`ari:cloud:jira::site/9e1f0c7a-3b2d-4c5e-8f60-1a2b3c4d5e6f`. Without it, the roles on every workspace.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(workspaceARIPattern, "must be a workspace ARI such as ari:cloud:jira::site/<uuid>"),
				},
			},
		},
	}
}

func (r *workspaceRoleAssignmentListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config workspaceRoleAssignmentListConfig
	r.stream(ctx, req, stream, &config, func(out *results) {
		workspaces, err := r.view.Workspaces(ctx)
		if err != nil {
			out.fail(listError("Could not list the organization's workspaces", err))
			return
		}
		names := make(map[string]string, len(workspaces))
		for _, w := range workspaces {
			names[w.ID] = w.Name
		}
		only := config.WorkspaceID.ValueString()
		if _, found := names[only]; only != "" && !found {
			var diags diag.Diagnostics
			diags.AddAttributeError(path.Root("workspace_id"), "Unknown workspace",
				fmt.Sprintf("Organization %s has no workspace %s. The atlassian_workspaces data source lists them.", r.orgID, only))
			out.fail(diags)
			return
		}
		// emit pushes the roles of one page of holders; it reports whether
		// the list goes on.
		emit := func(principals []access.Principal, holderName map[string]string) bool {
			for held, err := range r.view.RolesOf(ctx, principals, r.concurrency) {
				if err != nil {
					out.fail(listError("Could not list the role assignments", err))
					return false
				}
				for _, role := range held.Roles {
					id := roleAssignmentID{
						WorkspaceID: role.WorkspaceID, Role: role.Role,
						PrincipalType: held.Principal.Type, PrincipalID: held.Principal.ID,
					}
					// Only what the resource can hold: a role outside its
					// schema's would fail the generated configuration.
					if (only != "" && role.WorkspaceID != only) || id.check(id.String()) != nil {
						continue
					}
					display := fmt.Sprintf("%s on %s for %s %s", role.Role, cmp.Or(names[role.WorkspaceID], role.WorkspaceID),
						principalNoun(held.Principal.Type), holderName[held.Principal.ID])
					if !out.add(ctx, display, id.identity(), modelOf(id)) {
						return false
					}
				}
			}
			return true
		}
		for page, err := range r.view.GroupPages(ctx) {
			if err != nil {
				out.fail(listError("Could not list the organization's groups", err))
				return
			}
			principals := make([]access.Principal, len(page))
			holderName := make(map[string]string, len(page))
			for i, g := range page {
				principals[i] = access.Principal{Type: access.TypeGroup, ID: g.ID}
				holderName[g.ID] = g.Name
			}
			if !emit(principals, holderName) {
				return
			}
		}
		for page, err := range r.view.AccountPages(ctx) {
			if err != nil {
				out.fail(listError("Could not list the organization's accounts", err))
				return
			}
			principals := make([]access.Principal, len(page))
			holderName := make(map[string]string, len(page))
			for i, a := range page {
				principals[i] = access.Principal{Type: access.TypeUser, ID: a.ID}
				holderName[a.ID] = cmp.Or(a.Email, a.ID)
			}
			if !emit(principals, holderName) {
				return
			}
		}
	})
}
