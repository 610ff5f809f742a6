package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/diagnostics"
)

var (
	_ resource.Resource                     = (*workspaceRoleAssignmentResource)(nil)
	_ resource.ResourceWithConfigure        = (*workspaceRoleAssignmentResource)(nil)
	_ resource.ResourceWithConfigValidators = (*workspaceRoleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*workspaceRoleAssignmentResource)(nil)
	_ resource.ResourceWithImportState      = (*workspaceRoleAssignmentResource)(nil)
	_ resource.ResourceWithIdentity         = (*workspaceRoleAssignmentResource)(nil)
)

var (
	// workspaceARIPattern is the shape of a workspace id:
	// ari:cloud:<product>:<cloud id, often empty>:<type>/<id>.
	workspaceARIPattern = regexp.MustCompile(`^ari:cloud:[^\s:|]+:[^\s:|]*:\S+$`)
	// principalIDPattern keeps account and group ids free of what would make
	// the composite id ambiguous (see roleAssignmentIDSeparator).
	principalIDPattern = regexp.MustCompile(`^[^\s|]+$`)
)

// NewWorkspaceRoleAssignmentResource returns the
// atlassian_workspace_role_assignment resource.
func NewWorkspaceRoleAssignmentResource() resource.Resource {
	return &workspaceRoleAssignmentResource{}
}

type workspaceRoleAssignmentResource struct {
	view   *access.View
	orgID  string
	expiry expiryPolicy
}

type workspaceRoleAssignmentModel struct {
	ID          types.String `tfsdk:"id"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	Role        types.String `tfsdk:"role"`
	AccountID   types.String `tfsdk:"account_id"`
	GroupID     types.String `tfsdk:"group_id"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
	Active      types.Bool   `tfsdk:"active"`
}

// grant names the assignment in expiry warnings.
func (id roleAssignmentID) grant() string {
	return fmt.Sprintf("role %s on workspace %s for %s %s", id.Role, id.WorkspaceID, principalNoun(id.PrincipalType), id.PrincipalID)
}

// assignment returns the parts of the model as an id; ok is false while any
// of them is unknown (or no principal is set, which validation refuses).
func (m workspaceRoleAssignmentModel) assignment() (id roleAssignmentID, ok bool) {
	if !isKnownString(m.WorkspaceID) || !isKnownString(m.Role) {
		return roleAssignmentID{}, false
	}
	id = roleAssignmentID{WorkspaceID: m.WorkspaceID.ValueString(), Role: m.Role.ValueString()}
	switch {
	case isKnownString(m.AccountID) && m.GroupID.IsNull():
		id.PrincipalType, id.PrincipalID = access.TypeUser, m.AccountID.ValueString()
	case isKnownString(m.GroupID) && m.AccountID.IsNull():
		id.PrincipalType, id.PrincipalID = access.TypeGroup, m.GroupID.ValueString()
	default:
		return roleAssignmentID{}, false
	}
	return id, true
}

// assignmentFromState returns the assignment a state records: from its
// parts, or, for a state without them, from its id. A malformed id is an
// error on id.
func (m workspaceRoleAssignmentModel) assignmentFromState(diags *diag.Diagnostics) (roleAssignmentID, bool) {
	if id, ok := m.assignment(); ok {
		return id, true
	}
	id, err := parseRoleAssignmentID(m.ID.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("id"), "Malformed role assignment id", err.Error())
		return roleAssignmentID{}, false
	}
	return id, true
}

// principalPath is the attribute that names the principal of id.
func (id roleAssignmentID) principalPath() path.Path {
	if id.PrincipalType == access.TypeGroup {
		return path.Root("group_id")
	}
	return path.Root("account_id")
}

func (r *workspaceRoleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace_role_assignment"
}

func (r *workspaceRoleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	roles := "`" + strings.Join(access.WorkspaceRoles, "`, `") + "`"
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One workspace (product) role held by one account or one group: for example " +
			"`atlassian/user` on a Jira site, which is what gives people access to the product. A role given to a " +
			"group is held by every member of the group.\n\n" +
			"The resource is additive: it manages exactly this one assignment and leaves every other role of the " +
			"workspace alone. Every argument but `expires_at` forces a new resource. A role taken away outside Terraform shows up " +
			"as a planned re-assignment.\n\n" +
			"Workspaces, accounts and groups that do not exist, and accounts that are not active, fail at plan " +
			"time when their ids are known then. Atlassian enables the workspace role endpoints per organization: " +
			"where they are not enabled, assignments fail with an error asking to contact Atlassian support. " +
			"A product without a free licence seat refuses new holders (Atlassian error `ADMIN-UAM-409-3`).\n\n" +
			"With `expires_at`, the role is just-in-time access: the first apply after that time revokes it (see " +
			"`expires_at` and `active`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<workspace_id>|<role>|user:<account_id>` or `<workspace_id>|<role>|group:<group_id>`. " +
					"`|` separates the parts because workspace ARIs and account ids hold colons and slashes. " +
					"This is also the import id.",
			},
			"workspace_id": schema.StringAttribute{
				Required:      true,
				PlanModifiers: replace,
				MarkdownDescription: "The workspace (product instance): its ARI, such as " +
					"`ari:cloud:jira::site/9e1f0c7a-3b2d-4c5e-8f60-1a2b3c4d5e6f`. The `atlassian_workspaces` data " +
					"source lists them.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(workspaceARIPattern,
						"must be a workspace ARI such as ari:cloud:jira::site/<uuid>"),
				},
			},
			"role": schema.StringAttribute{
				Required:            true,
				PlanModifiers:       replace,
				MarkdownDescription: "The workspace role: one of " + roles + ".",
				Validators:          []validator.String{stringvalidator.OneOf(access.WorkspaceRoles...)},
			},
			"account_id": schema.StringAttribute{
				Optional:      true,
				PlanModifiers: replace,
				MarkdownDescription: "The account that holds the role, such as `5b10ac8d82e05b22cc7d4ef5` or " +
					"`712020:<uuid>` (the `atlassian_account` data source finds it by email). Exactly one of " +
					"`account_id` and `group_id` is required. The account must be active.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(principalIDPattern, "must not be empty or contain white space or |"),
				},
			},
			"group_id": schema.StringAttribute{
				Optional:      true,
				PlanModifiers: replace,
				MarkdownDescription: "The group that holds the role, for all its members. Exactly one of " +
					"`account_id` and `group_id` is required.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(principalIDPattern, "must not be empty or contain white space or |"),
				},
			},
			"expires_at": expiresAtAttribute("the role assignment"),
			"active":     activeAttribute("the role assignment"),
		},
	}
}

// IdentitySchema: an assignment is named by its workspace, its role and its
// principal. The principal is a type and an id, as in the import id, rather
// than account_id and group_id, so that every identity attribute is set.
func (r *workspaceRoleAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"workspace_id": requiredIdentity("The workspace's ARI."),
			"role":         requiredIdentity("The workspace role, such as atlassian/user."),
			"principal_type": requiredIdentity("`" + access.TypeUser + "` when an account holds the role (account_id), `" +
				access.TypeGroup + "` when a group does (group_id)."),
			"principal_id": requiredIdentity("The account id or the group id of the role holder."),
		},
	}
}

func (id roleAssignmentID) identity() roleAssignmentIdentityModel {
	return roleAssignmentIdentityModel{
		WorkspaceID:   types.StringValue(id.WorkspaceID),
		Role:          types.StringValue(id.Role),
		PrincipalType: types.StringValue(id.PrincipalType),
		PrincipalID:   types.StringValue(id.PrincipalID),
	}
}

// roleAssignmentFromIdentity checks an identity as the import id's parts are
// checked, explaining what is wrong in terms of the identity's attributes.
func roleAssignmentFromIdentity(m roleAssignmentIdentityModel) (roleAssignmentID, error) {
	id := roleAssignmentID{
		WorkspaceID:   m.WorkspaceID.ValueString(),
		Role:          m.Role.ValueString(),
		PrincipalType: m.PrincipalType.ValueString(),
		PrincipalID:   m.PrincipalID.ValueString(),
	}
	if id.PrincipalType != access.TypeUser && id.PrincipalType != access.TypeGroup {
		return roleAssignmentID{}, fmt.Errorf("the identity's principal_type is %q; it must be %q (principal_id is an account id) "+
			"or %q (principal_id is a group id)", id.PrincipalType, access.TypeUser, access.TypeGroup)
	}
	if err := id.check(id.String()); err != nil {
		return roleAssignmentID{}, err
	}
	return id, nil
}

func (r *workspaceRoleAssignmentResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("account_id"), path.MatchRoot("group_id")),
	}
}

func (r *workspaceRoleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.view = pd.view
		r.orgID = pd.settings.OrganizationID
		r.expiry = pd.expiry
	}
}

func (r *workspaceRoleAssignmentResource) configured(diags *diag.Diagnostics) bool {
	return requireConfigured(r.view != nil, "resource was used", diags)
}

// ModifyPlan fills in the id and checks, when the resource is created (or
// replaced), that the workspace and the principal exist and that an account
// is active: mistakes fail the plan, naming the attribute, rather than
// half-way through an apply. A plan that changes nothing reads nothing.
func (r *workspaceRoleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.view == nil {
		return // destroy, or the provider is not configured yet
	}
	var plan workspaceRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *workspaceRoleAssignmentModel
	if !req.State.Raw.IsNull() {
		state = &workspaceRoleAssignmentModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	changed := func(planned types.String, prior func(workspaceRoleAssignmentModel) types.String) bool {
		return isKnownString(planned) && (state == nil || !planned.Equal(prior(*state)))
	}

	if changed(plan.WorkspaceID, func(m workspaceRoleAssignmentModel) types.String { return m.WorkspaceID }) {
		r.checkWorkspace(ctx, plan.WorkspaceID.ValueString(), &resp.Diagnostics)
	}
	// Once the provider writes, Terraform is applying: the account was
	// checked when the change was planned (see access.View.Applying).
	if changed(plan.AccountID, func(m workspaceRoleAssignmentModel) types.String { return m.AccountID }) && !r.view.Applying() {
		r.checkAccount(ctx, plan.AccountID.ValueString(), &resp.Diagnostics)
	}
	if changed(plan.GroupID, func(m workspaceRoleAssignmentModel) types.String { return m.GroupID }) {
		r.checkGroup(ctx, plan.GroupID.ValueString(), &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	id, ok := plan.assignment()
	if ok {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringValue(id.String()))...)
	}
	grant := expiringGrant{
		attr: path.Root("expires_at"), subject: id.grant(), expiresAt: plan.ExpiresAt,
		creating: state == nil, changed: planChanges(req), priorActive: types.BoolNull(), priorExpiresAt: types.StringNull(),
	}
	if !ok {
		grant.subject = "the role assignment"
	}
	if state != nil {
		grant.priorActive, grant.priorExpiresAt = state.Active, state.ExpiresAt
	}
	active := r.expiry.planActive(grant, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("active"), active)...)
}

func (r *workspaceRoleAssignmentResource) checkWorkspace(ctx context.Context, id string, diags *diag.Diagnostics) {
	_, found, err := r.view.Workspace(ctx, id)
	if err != nil {
		diags.AddAttributeError(path.Root("workspace_id"), "Could not look up the workspace",
			fmt.Sprintf("Reading workspace %s failed: %s", id, err))
		return
	}
	if found {
		return
	}
	detail := fmt.Sprintf("Organization %s has no workspace %s.", r.orgID, id)
	if all, err := r.view.Workspaces(ctx); err == nil && len(all) > 0 {
		var names []string
		for _, w := range all {
			names = append(names, fmt.Sprintf("  %s (%s, %s)", w.ID, w.Name, w.Type))
		}
		sort.Strings(names)
		const shown = 10
		if len(names) > shown {
			names = append(names[:shown], fmt.Sprintf("  ... and %d more", len(names)-shown))
		}
		detail += " Its workspaces are:\n" + strings.Join(names, "\n") +
			"\nThe atlassian_workspaces data source lists them too."
	}
	diags.AddAttributeError(path.Root("workspace_id"), "Unknown workspace", detail)
}

func (r *workspaceRoleAssignmentResource) checkAccount(ctx context.Context, id string, diags *diag.Diagnostics) {
	account, found, err := r.view.Account(ctx, id)
	switch {
	case err != nil:
		diags.AddAttributeError(path.Root("account_id"), "Could not look up the account",
			fmt.Sprintf("Reading account %s failed: %s", id, err))
	case !found:
		diags.AddAttributeError(path.Root("account_id"), "Unknown account",
			fmt.Sprintf("Organization %s has no account %s. The atlassian_account data source finds account ids by email.", r.orgID, id))
	case account.Status != "" && account.Status != "active":
		diags.AddAttributeError(path.Root("account_id"), "Account is not active",
			fmt.Sprintf("Account %s (%s) is %s, and Atlassian gives roles to active accounts only (ADMIN-UAM-400-2). "+
				"Restore the account's access in admin.atlassian.com (Directory > Users > the account > Restore access), "+
				"then plan again.", id, describeAccount(account), account.Status))
	}
}

func describeAccount(a access.Account) string {
	switch {
	case a.Name != "" && a.Email != "":
		return a.Name + ", " + a.Email
	case a.Email != "":
		return a.Email
	case a.Name != "":
		return a.Name
	}
	return "no name"
}

func (r *workspaceRoleAssignmentResource) checkGroup(ctx context.Context, id string, diags *diag.Diagnostics) {
	_, found, err := r.view.Group(ctx, id)
	switch {
	case err != nil:
		diags.AddAttributeError(path.Root("group_id"), "Could not look up the group",
			fmt.Sprintf("Reading group %s failed: %s", id, err))
	case !found:
		diags.AddAttributeError(path.Root("group_id"), "Unknown group",
			fmt.Sprintf("Organization %s has no group %s. The atlassian_group data source finds group ids by name.", r.orgID, id))
	}
}

func (r *workspaceRoleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan workspaceRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := plan.assignment()
	if !ok {
		resp.Diagnostics.AddError("Incomplete role assignment",
			"workspace_id, role and exactly one of account_id and group_id must be known when the role is assigned.")
		return
	}
	// An expiry already past grants nothing (the plan said so, or the
	// apply's clock says so now).
	plan.Active = r.expiry.resolveActive(plan.Active, plan.ExpiresAt)
	if grant, _ := grantTransition(types.BoolValue(false), plan.Active); grant {
		already, err := r.view.AssignRole(ctx, id.principal(), id.role())
		if err != nil {
			addRoleWriteError(&resp.Diagnostics, r.view, "assign", id, err)
			return
		}
		tflog.Debug(ctx, "assigned workspace role", map[string]any{"id": id.String(), "already_held": already})
	}
	// The state is the plan: an immediate re-read could be stale on the real
	// service, and the write succeeded.
	plan.ID = types.StringValue(id.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, id.identity(), &resp.Diagnostics)
}

// Read answers from the principal's one role listing (shared by every
// resource of the provider process). A role taken away outside Terraform
// removes the resource, so the next plan re-assigns it, unless it has
// expired: then it stays, as expired.
func (r *workspaceRoleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state workspaceRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := state.assignmentFromState(&resp.Diagnostics)
	if !ok {
		return
	}
	setIdentity(ctx, resp.Identity, id.identity(), &resp.Diagnostics)
	has, principalFound, err := r.view.HasRole(ctx, id.principal(), id.role())
	if err != nil {
		resp.Diagnostics.AddError("Could not read the workspace role assignment",
			fmt.Sprintf("Reading the roles of %s %s failed: %s", id.PrincipalType, id.PrincipalID, err))
		return
	}
	if !principalFound {
		resp.Diagnostics.AddWarning("Role holder no longer exists",
			fmt.Sprintf("The %s %s that held %s on %s no longer exists in the organization, so the assignment is "+
				"removed from the Terraform state.", principalNoun(id.PrincipalType), id.PrincipalID, id.Role, id.WorkspaceID))
		resp.State.RemoveResource(ctx)
		return
	}
	active, keep := r.expiry.readActive(has, state.Active, state.ExpiresAt)
	if !keep {
		// Tell a vanished workspace apart from a revoked role: the workspace
		// listing is one cached call per provider process.
		if _, found, err := r.view.Workspace(ctx, id.WorkspaceID); err == nil && !found {
			resp.Diagnostics.AddWarning("Workspace no longer exists",
				fmt.Sprintf("Workspace %s no longer exists in the organization, so the assignment of %s to %s %s is "+
					"removed from the Terraform state.", id.WorkspaceID, id.Role, principalNoun(id.PrincipalType),
					principalNamed(r.view, id.PrincipalType, id.PrincipalID)))
		}
		resp.State.RemoveResource(ctx)
		return
	}
	expiresAt := state.ExpiresAt
	state = modelOf(id)
	state.ExpiresAt, state.Active = expiresAt, active
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func principalNoun(principalType string) string {
	if principalType == access.TypeGroup {
		return "group"
	}
	return "account"
}

// modelOf is the state of an existing assignment.
func modelOf(id roleAssignmentID) workspaceRoleAssignmentModel {
	m := workspaceRoleAssignmentModel{
		ID:          types.StringValue(id.String()),
		WorkspaceID: types.StringValue(id.WorkspaceID),
		Role:        types.StringValue(id.Role),
		AccountID:   types.StringNull(),
		GroupID:     types.StringNull(),
		// Atlassian keeps no expiry: an imported or listed assignment has
		// none until its configuration's is applied.
		ExpiresAt: types.StringNull(),
		Active:    types.BoolValue(true),
	}
	if id.PrincipalType == access.TypeGroup {
		m.GroupID = types.StringValue(id.PrincipalID)
	} else {
		m.AccountID = types.StringValue(id.PrincipalID)
	}
	return m
}

// Update changes only the expiry: it assigns the role again when a moved or
// removed expiry grants it again, and revokes it when the expiry has passed
// (or an expired role was given again outside Terraform).
func (r *workspaceRoleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan, state workspaceRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := plan.assignment()
	if !ok {
		resp.Diagnostics.AddError("Incomplete role assignment",
			"workspace_id, role and exactly one of account_id and group_id must be known when the role is assigned.")
		return
	}
	plan.Active = r.expiry.resolveActive(plan.Active, plan.ExpiresAt)
	switch grant, revoke := grantTransition(state.Active, plan.Active); {
	case grant:
		if _, err := r.view.AssignRole(ctx, id.principal(), id.role()); err != nil {
			addRoleWriteError(&resp.Diagnostics, r.view, "assign", id, err)
			return
		}
		tflog.Debug(ctx, "assigned workspace role again", map[string]any{"id": id.String()})
	case revoke:
		if _, err := r.view.RevokeRole(ctx, id.principal(), id.role()); err != nil && !errors.Is(err, access.ErrNotFound) {
			addRoleWriteError(&resp.Diagnostics, r.view, "revoke", id, err)
			return
		}
		tflog.Debug(ctx, "revoked expired workspace role", map[string]any{"id": id.String()})
	}
	plan.ID = types.StringValue(id.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, id.identity(), &resp.Diagnostics)
}

func (r *workspaceRoleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state workspaceRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := state.assignmentFromState(&resp.Diagnostics)
	if !ok {
		return
	}
	already, err := r.view.RevokeRole(ctx, id.principal(), id.role())
	if err != nil {
		if errors.Is(err, access.ErrNotFound) {
			// The principal or the workspace is gone, and the role with it.
			tflog.Debug(ctx, "workspace role already gone", map[string]any{"id": id.String(), "reason": err.Error()})
			return
		}
		addRoleWriteError(&resp.Diagnostics, r.view, "revoke", id, err)
		return
	}
	tflog.Debug(ctx, "revoked workspace role", map[string]any{"id": id.String(), "already_revoked": already})
}

// ImportState takes the composite id (or a baton grant id), or an identity;
// Read then checks that the assignment exists.
func (r *workspaceRoleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var (
		id       roleAssignmentID
		err      error
		identity roleAssignmentIdentityModel
	)
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		if resp.Diagnostics.HasError() {
			return
		}
		if id, err = roleAssignmentFromIdentity(identity); err != nil {
			resp.Diagnostics.AddError("Malformed identity for atlassian_workspace_role_assignment", err.Error())
			return
		}
	} else if id, err = parseRoleAssignmentID(req.ID); err != nil {
		resp.Diagnostics.AddError("Malformed import id for atlassian_workspace_role_assignment", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelOf(id))...)
	setIdentity(ctx, resp.Identity, id.identity(), &resp.Diagnostics)
}

// addRoleWriteError explains a failed assign or revoke: the Atlassian
// conditions a user can act on get their own summary and advice, on the
// attribute they concern.
func addRoleWriteError(diags *diag.Diagnostics, v *access.View, verb string, id roleAssignmentID, err error) {
	workspace, principal := workspaceNamed(v, id.WorkspaceID), principalNamed(v, id.PrincipalType, id.PrincipalID)
	what := fmt.Sprintf("%s the role %s on workspace %s to %s %s", verb, id.Role, workspace, principalNoun(id.PrincipalType), principal)
	if verb == "revoke" {
		what = fmt.Sprintf("revoke the role %s on workspace %s from %s %s", id.Role, workspace, principalNoun(id.PrincipalType), principal)
	}
	holder := diagnostics.Account
	if id.PrincipalType == access.TypeGroup {
		holder = diagnostics.Group
	}
	diags.Append(diagnostics.WriteFailed(diagnostics.Write{
		What: what, Verb: verb, Subject: "workspace role",
		Names:  []diagnostics.Name{diagnostics.Workspace, holder},
		Holder: id.principalPath(),
		Refusal: diagnostics.Refusal{Summary: "Workspace role endpoints are not enabled",
			Explanation: "Atlassian support must enable the workspace role endpoints for this organization before roles " +
				"can be managed through the admin API; contact Atlassian support and ask for them."},
		RolesOf: "workspace",
	}, err))
}
