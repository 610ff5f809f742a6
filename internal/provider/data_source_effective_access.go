package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ datasource.DataSource              = (*effectiveAccessDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*effectiveAccessDataSource)(nil)
)

// NewEffectiveAccessDataSource returns the atlassian_effective_access data
// source.
func NewEffectiveAccessDataSource() datasource.DataSource { return &effectiveAccessDataSource{} }

type effectiveAccessDataSource struct {
	accessDataSource
	concurrency int
}

func (d *effectiveAccessDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.view = pd.view
		// The listings are fetched this many at a time: the provider's
		// max_concurrency, which also bounds the client's requests.
		d.concurrency = max(1, pd.settings.MaxConcurrency)
	}
}

type effectiveAccessModel struct {
	ID          types.String `tfsdk:"id"`
	AccountID   types.String `tfsdk:"account_id"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	Role        types.String `tfsdk:"role"`
	Access      types.List   `tfsdk:"access"`
}

// Path of access an account holds itself.
const pathDirect = "direct"

// workspaceLastActive is a workspace role holder's last activity on that
// workspace, or null.
func workspaceLastActive(h access.Holding) types.String {
	if h.Kind != access.AccessWorkspaceRole {
		return types.StringNull()
	}
	for _, p := range h.Account.ProductAccess {
		if p.WorkspaceID == h.ResourceID {
			return timeValue(p.LastActive)
		}
	}
	return types.StringNull()
}

var accessAttrTypes = map[string]attr.Type{
	"account_id":     types.StringType,
	"email":          types.StringType,
	"name":           types.StringType,
	"account_status": types.StringType,
	"claim_status":   types.StringType,
	"access_type":    types.StringType,
	"resource_id":    types.StringType,
	"resource_name":  types.StringType,
	"role":           types.StringType,
	"path":           types.StringType,
	"path_group_id":  types.StringType,
	"last_active":    types.StringType,
}

func (d *effectiveAccessDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_effective_access"
}

func (d *effectiveAccessDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	roles := "`" + strings.Join(access.WorkspaceRoles, "`, `") + "`"
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Effective access, read live: who holds what, and through which path (`direct`, or the " +
			"group it comes through). Ask about one account (`account_id`: its group memberships and every workspace " +
			"and organization role it holds, directly or through its groups) or about one workspace (`workspace_id`, " +
			"optionally one `role`: every account holding a role on it, once per path). Set exactly one of " +
			"`account_id` and `workspace_id`.\n\n" +
			"Made for policy in plans, for example refusing unmanaged administrators or listing who would lose " +
			"access before a change. A `check` block whose assertion fails reports a warning and lets the plan and " +
			"apply go on; to stop the plan, put the condition in a `precondition` (of an output, or in the " +
			"`lifecycle` of a resource such as `terraform_data`), which fails it with an error.\n\n" +
			"Atlassian lists access per holder only, so the answers come from the listings the membership and role " +
			"assignment resources read, shared with them in one run: one listing per group (its members and roles " +
			"together) and an account's own role listing (the only place Atlassian says which roles an account holds " +
			"itself). Atlassian's searches pick whose listings are read: for a workspace, the groups and the accounts " +
			"found holding a role on it, with the other members of those groups looked up in batches; for an " +
			"account, the groups it is a member of. Neither question lists every account or reads each one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`account:<account_id>`, or `workspace:<workspace_id>` with `|<role>` when `role` is set.",
			},
			"account_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: accountIDDescription + " Everything this account holds.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(principalIDPattern, "must be an account id, without spaces or |"),
					stringvalidator.ExactlyOneOf(path.MatchRoot("account_id"), path.MatchRoot("workspace_id")),
				},
			},
			"workspace_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: workspaceIDDescription + " Every account holding a role on this workspace.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(workspaceARIPattern, "must be a workspace ARI such as ari:cloud:jira::site/<uuid>"),
				},
			},
			"role": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only this role on the workspace: one of " + roles + ". Needs `workspace_id`.",
				Validators: []validator.String{
					stringvalidator.OneOf(access.WorkspaceRoles...),
					stringvalidator.AlsoRequires(path.MatchRoot("workspace_id")),
				},
			},
			"access": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "One entry per account, access and path, sorted by email, then resource name, " +
					"then access type, role and path: a workspace role held through a group appears once per member " +
					"of the group, with the group as its path, and once more for a member who also holds it directly.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"account_id":     computed("The account's id."),
					"email":          computed("The account's email address."),
					"name":           computed("The account's name."),
					"account_status": computed("The account's status: `active`, `suspended`, `deactivated`, `not_invited` or `for_deletion`. Access of an account that is not active is still listed: it comes back when the account does."),
					"claim_status":   computed("`managed` for an account of a domain the organization has verified, `unmanaged` for an external one."),
					"access_type":    computed("`group_membership`, `workspace_role` or `organization_role`."),
					"resource_id":    computed("The group id, the workspace ARI or the organization id."),
					"resource_name":  computed("The group's, workspace's or organization's name."),
					"role":           computed("The role held, such as `atlassian/admin`; `member` for a group membership."),
					"path":           computed("`direct` when the account holds the access itself, else the name of the group it comes through."),
					"path_group_id":  computed("The id of the group the access comes through; empty when `path` is `direct`."),
					"last_active": computed("For a workspace role, the account's last activity on that workspace, an RFC 3339 " +
						"time; null when it never used it, when Atlassian did not say, and for other access."),
				}},
			},
		},
	}
}

func (d *effectiveAccessDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model effectiveAccessModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}

	var holdings []access.Holding
	switch {
	case !model.AccountID.IsNull():
		id := model.AccountID.ValueString()
		h, found, err := d.view.AccountAccess(ctx, id, d.concurrency)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Could not read the account's access",
				fmt.Sprintf("Reading what account_id %q holds failed: %s", id, err))
			return
		}
		if !found {
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Account not found",
				fmt.Sprintf("account_id %q names no account of the organization.", id))
			return
		}
		holdings = h
		model.ID = types.StringValue("account:" + id)

	case !model.WorkspaceID.IsNull():
		id, role := model.WorkspaceID.ValueString(), model.Role.ValueString()
		h, found, err := d.view.WorkspaceAccess(ctx, id, role, d.concurrency)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Could not read the workspace's access",
				fmt.Sprintf("Reading who holds a role on workspace_id %q failed: %s", id, err))
			return
		}
		if !found {
			resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Workspace not found",
				fmt.Sprintf("workspace_id %q names no workspace of the organization. The atlassian_workspaces data source lists them.", id))
			return
		}
		holdings = h
		model.ID = types.StringValue("workspace:" + id)
		if role != "" {
			model.ID = types.StringValue("workspace:" + id + "|" + role)
		}

	default:
		// The ExactlyOneOf validator rules this out before Read.
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Missing question", "Set exactly one of account_id and workspace_id.")
		return
	}

	objectType := types.ObjectType{AttrTypes: accessAttrTypes}
	entries := make([]attr.Value, 0, len(holdings))
	for _, h := range holdings {
		via, viaID := pathDirect, ""
		if h.Via != nil {
			via, viaID = h.Via.Name, h.Via.ID
			if via == "" {
				via = h.Via.ID
			}
		}
		obj, diags := types.ObjectValue(accessAttrTypes, map[string]attr.Value{
			"account_id":     types.StringValue(h.Account.ID),
			"email":          types.StringValue(h.Account.Email),
			"name":           types.StringValue(h.Account.Name),
			"account_status": types.StringValue(h.Account.Status),
			"claim_status":   types.StringValue(h.Account.ClaimStatus),
			"access_type":    types.StringValue(h.Kind),
			"resource_id":    types.StringValue(h.ResourceID),
			"resource_name":  types.StringValue(h.ResourceName),
			"role":           types.StringValue(h.Role),
			"path":           types.StringValue(via),
			"path_group_id":  types.StringValue(viaID),
			"last_active":    workspaceLastActive(h),
		})
		resp.Diagnostics.Append(diags...)
		entries = append(entries, obj)
	}
	list, diags := types.ListValue(objectType, entries)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.Access = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
