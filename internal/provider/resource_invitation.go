package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ resource.Resource                = (*invitationResource)(nil)
	_ resource.ResourceWithConfigure   = (*invitationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*invitationResource)(nil)
	_ resource.ResourceWithImportState = (*invitationResource)(nil)
	_ resource.ResourceWithIdentity    = (*invitationResource)(nil)
)

// invitationEmailPattern is a bare address with a dotted domain: what
// Atlassian's invitation accepts, checked before anything is sent.
var invitationEmailPattern = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

// invitationRoles are the workspace roles an invitation can grant: the
// roles Atlassian's document lists for the invitation endpoint (it has no
// user-access-admin).
var invitationRoles = []string{
	"atlassian/user", "atlassian/admin", "atlassian/guest", "atlassian/contributor",
	"atlassian/customer", "atlassian/basic", "atlassian/stakeholder", "atlassian/viewer",
}

// NewInvitationResource returns the atlassian_invitation resource.
func NewInvitationResource() resource.Resource { return &invitationResource{} }

type invitationResource struct{ accessResourceBase }

type invitationModel struct {
	Email            types.String `tfsdk:"email"`
	WorkspaceRoles   types.Set    `tfsdk:"workspace_roles"`
	Groups           types.Set    `tfsdk:"groups"`
	SendNotification types.Bool   `tfsdk:"send_notification"`
	RemoveOnDestroy  types.Bool   `tfsdk:"remove_on_destroy"`
	AccountID        types.String `tfsdk:"account_id"`
	Adopted          types.Bool   `tfsdk:"adopted"`
	Complete         types.Bool   `tfsdk:"complete"`
}

// anotherAddress: an email written in another case is the same address
// (Atlassian compares them ignoring case), so only a different address
// replaces the invitation. An account imported by id stores Atlassian's
// spelling, which the configuration may not share.
func anotherAddress(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString())
}

type invitationIdentityModel struct {
	AccountID types.String `tfsdk:"account_id"`
}

var invitationRoleAttrTypes = map[string]attr.Type{"workspace_id": types.StringType, "role": types.StringType}

func (r *invitationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invitation"
}

func (r *invitationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	roles := "`" + strings.Join(invitationRoles, "`, `") + "`"
	resp.Schema = schema.Schema{
		MarkdownDescription: "Invites a person to the organization by email, optionally with workspace roles and groups, " +
			"and exposes the account id the invitation leads to. An email that already has an account in the organization " +
			"is **adopted**: nothing is sent, and the roles and groups are granted to that account.\n\n" +
			"Atlassian answers an invitation role by role and group by group, and a partial success is normal: a role or " +
			"group that failed is an error naming it, while what succeeded is kept in the state, so the next apply only " +
			"retries what is missing. Roles and groups are granted, never revoked, by this resource: removing one from " +
			"the configuration leaves the access in place (manage ongoing access with `atlassian_workspace_role_assignment` " +
			"and `atlassian_group_membership`).\n\n" +
			"**Destroying this resource does not remove the person**: the account, its groups and roles stay. With " +
			"`remove_on_destroy = true`, destroying removes the account from the organization's directory, which takes " +
			"every group and role away and **cannot be undone from the API**: the person must be invited again.\n\n" +
			"Invitations through the API need an organization with a paid subscription. An account removed outside " +
			"Terraform leaves the state with a warning, and the next apply invites the email again.",
		Attributes: map[string]schema.Attribute{
			"email": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The email address to invite, such as `ada@example.com`. Changing it invites another person (a new resource); " +
					"a change of case only is the same address, updated in place.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(anotherAddress,
					"a change of address, not of case, invites another person",
					"a change of address, not of case, invites another person")},
				Validators: []validator.String{
					stringvalidator.RegexMatches(invitationEmailPattern, "must be an email address such as name@example.com"),
				},
			},
			"workspace_roles": schema.SetNestedAttribute{
				Optional: true,
				MarkdownDescription: "Workspace roles granted with the invitation. The state holds the ones that were " +
					"granted; one that failed is retried by the next apply.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"workspace_id": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The workspace ARI, such as `ari:cloud:jira::site/<uuid>` (see the `atlassian_workspaces` data source).",
							Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^ari:cloud:\S+$`), "must be a workspace ARI such as ari:cloud:jira::site/<uuid>")},
						},
						"role": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The role, one of " + roles + ".",
							Validators:          []validator.String{stringvalidator.OneOf(invitationRoles...)},
						},
					},
				},
			},
			"groups": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Ids of the groups the person joins. The state holds the ones joined; one that failed is retried by the next apply.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(
					stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage),
				)},
			},
			"send_notification": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether Atlassian emails the invitation to the person. Defaults to `true`, as in " +
					"admin.atlassian.com: a person never told of an invitation rarely accepts it. It only matters when the " +
					"invitation is sent; changing it later changes nothing in Atlassian.",
			},
			"remove_on_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, destroying this resource removes the account from the organization's " +
					"directory: it loses every group and role, and **this cannot be undone from the API**. Defaults to " +
					"`false`: destroying leaves the person as they are. An invitation whose last apply left a role or " +
					"group ungranted is never removed, so that replacing it cannot delete a person.",
			},
			"account_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The id of the invited (or adopted) account. This or the email is the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"complete": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "`false` when the last apply could not grant every workspace role and group of the " +
					"configuration. Terraform replaces an invitation whose creation failed that way, and " +
					"`remove_on_destroy` never removes the account of an incomplete invitation, so that such a " +
					"replacement (or a destroy before the access is complete) cannot delete a person.",
			},
			"adopted": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "`true` when the email already had an account, so no invitation was sent.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema: an invitation is named by the account it led to.
func (r *invitationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": requiredIdentity("The id of the invited account."),
		},
	}
}

// invitationRolesOf reads the workspace_roles set.
func invitationRolesOf(ctx context.Context, set types.Set, diags *diag.Diagnostics) []access.Role {
	if set.IsNull() || set.IsUnknown() {
		return nil
	}
	var items []struct {
		WorkspaceID types.String `tfsdk:"workspace_id"`
		Role        types.String `tfsdk:"role"`
	}
	diags.Append(set.ElementsAs(ctx, &items, false)...)
	out := make([]access.Role, 0, len(items))
	for _, it := range items {
		out = append(out, access.Role{WorkspaceID: it.WorkspaceID.ValueString(), Role: it.Role.ValueString()})
	}
	return out
}

func stringsOf(ctx context.Context, set types.Set, diags *diag.Diagnostics) []string {
	if set.IsNull() || set.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(set.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

// rolesSet is the workspace_roles value of roles; null keeps an unset
// argument unset.
func rolesSet(roles []access.Role, null bool) types.Set {
	elemType := types.ObjectType{AttrTypes: invitationRoleAttrTypes}
	if null {
		return types.SetNull(elemType)
	}
	elems := make([]attr.Value, len(roles))
	for i, r := range roles {
		elems[i] = types.ObjectValueMust(invitationRoleAttrTypes, map[string]attr.Value{
			"workspace_id": types.StringValue(r.WorkspaceID), "role": types.StringValue(r.Role),
		})
	}
	return types.SetValueMust(elemType, elems)
}

func groupsSet(groups []string, null bool) types.Set {
	if null {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, len(groups))
	for i, g := range groups {
		elems[i] = types.StringValue(g)
	}
	return types.SetValueMust(types.StringType, elems)
}

// ModifyPlan checks, when an invitation is created or gains roles or
// groups, that their workspaces exist (one workspace listing) and that the
// groups exist and accept members, so a typo fails the plan on its
// attribute rather than the apply. A re-plan during apply skips it.
func (r *invitationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.view == nil || r.view.Applying() {
		return
	}
	var plan invitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state invitationModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	held := map[access.Role]bool{}
	for _, role := range invitationRolesOf(ctx, state.WorkspaceRoles, &resp.Diagnostics) {
		held[role] = true
	}
	for _, role := range invitationRolesOf(ctx, plan.WorkspaceRoles, &resp.Diagnostics) {
		if held[role] {
			continue
		}
		_, found, err := r.view.Workspace(ctx, role.WorkspaceID)
		switch {
		case err != nil:
			resp.Diagnostics.AddAttributeError(path.Root("workspace_roles"), "Could not look up the workspace",
				fmt.Sprintf("Reading workspace %s failed: %s", role.WorkspaceID, err))
			return
		case !found:
			resp.Diagnostics.AddAttributeError(path.Root("workspace_roles"), "Unknown workspace",
				fmt.Sprintf("workspace_id %q names no workspace of the organization (see the atlassian_workspaces data source).", role.WorkspaceID))
		}
	}
	joined := map[string]bool{}
	for _, g := range stringsOf(ctx, state.Groups, &resp.Diagnostics) {
		joined[g] = true
	}
	for _, g := range stringsOf(ctx, plan.Groups, &resp.Diagnostics) {
		if !joined[g] {
			r.checkWritableGroup(ctx, path.Root("groups"), g, &resp.Diagnostics)
		}
	}
}

func (r *invitationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan invitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	roles := invitationRolesOf(ctx, plan.WorkspaceRoles, &resp.Diagnostics)
	groups := stringsOf(ctx, plan.Groups, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	email := plan.Email.ValueString()
	result, err := r.view.Invite(ctx, access.Invitation{
		Email: email, Roles: roles, Groups: groups, SendNotification: plan.SendNotification.ValueBool(),
	})
	if err != nil {
		if errors.Is(err, access.ErrPaymentRequired) {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Invitations need a paid subscription",
				fmt.Sprintf("Atlassian refused to invite %s: inviting through the admin API is only for organizations "+
					"with a paid subscription. Upgrade a product of the organization, or invite from admin.atlassian.com "+
					"and import the account here (terraform import with the email or the account id).\n\n%s", email, err))
			return
		}
		resp.Diagnostics.AddError("Could not invite "+email, err.Error())
		return
	}
	tflog.Debug(ctx, "invited account", map[string]any{"account_id": result.Account.ID, "adopted": result.Adopted})
	plan.AccountID = types.StringValue(result.Account.ID)
	plan.Adopted = types.BoolValue(result.Adopted)
	failedRoles := map[access.Role]string{}
	for _, f := range result.RoleFailures {
		failedRoles[f.Role] = f.Reason
	}
	failedGroups := map[string]string{}
	for _, f := range result.GroupFailures {
		failedGroups[f.GroupID] = f.Reason
	}
	incomplete := keepGranted(ctx, r.view, &plan, roles, groups, failedRoles, failedGroups, &resp.Diagnostics)
	plan.Complete = types.BoolValue(!incomplete)
	// Saved even with errors: what was granted must not be forgotten.
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, invitationIdentityModel{AccountID: plan.AccountID}, &resp.Diagnostics)
}

// keepGranted keeps in the model the roles and groups that were granted,
// reports each that was not as an error naming it, and says whether any is
// missing (the invitation is then incomplete).
func keepGranted(ctx context.Context, v *access.View, model *invitationModel, roles []access.Role, groups []string,
	failedRoles map[access.Role]string, failedGroups map[string]string, diags *diag.Diagnostics,
) (incomplete bool) {
	email, account := model.Email.ValueString(), model.AccountID.ValueString()
	var granted []access.Role
	for _, role := range roles {
		if reason, failed := failedRoles[role]; failed {
			diags.AddAttributeError(path.Root("workspace_roles"), "Workspace role not granted",
				fmt.Sprintf("Atlassian did not grant %s on workspace %s to %s (account %s): %s. The other roles and groups "+
					"are in the state; the next apply tries this one again.", role.Role, lookedUpWorkspace(ctx, v, role.WorkspaceID),
					email, account, reason))
			continue
		}
		granted = append(granted, role)
	}
	var joined []string
	for _, g := range groups {
		if reason, failed := failedGroups[g]; failed {
			diags.AddAttributeError(path.Root("groups"), "Group not joined",
				fmt.Sprintf("Atlassian did not add %s (account %s) to group %s: %s. The other roles and groups are in "+
					"the state; the next apply tries this one again.", email, account, lookedUpGroup(ctx, v, g), reason))
			continue
		}
		joined = append(joined, g)
	}
	model.WorkspaceRoles = rolesSet(granted, model.WorkspaceRoles.IsNull())
	model.Groups = groupsSet(joined, model.Groups.IsNull())
	return len(failedRoles)+len(failedGroups) > 0
}

// Read refreshes the account: one removed outside Terraform leaves the
// state with a warning, so the next apply invites the email again. The
// roles and groups are what the invitation granted; they are not read back
// (they are managed elsewhere once granted).
func (r *invitationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state invitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIdentity(ctx, resp.Identity, invitationIdentityModel{AccountID: state.AccountID}, &resp.Diagnostics)
	id := state.AccountID.ValueString()
	a, found, err := r.view.Account(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the invited account", fmt.Sprintf("Reading account %s failed: %s", id, err))
		return
	}
	if !found {
		resp.Diagnostics.AddWarning("Invited account removed outside Terraform",
			fmt.Sprintf("Account %s (%s) is no longer in the organization, so the invitation is removed from the Terraform "+
				"state; the next apply invites %s again.", id, state.Email.ValueString(), state.Email.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if a.Email != "" && !strings.EqualFold(a.Email, state.Email.ValueString()) {
		// The account's address changed: the configured email is someone
		// to invite anew.
		state.Email = types.StringValue(a.Email)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update grants the roles and groups added to the configuration (one write
// each); removed ones are dropped from the state, not revoked.
func (r *invitationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan, state invitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	planRoles := invitationRolesOf(ctx, plan.WorkspaceRoles, &resp.Diagnostics)
	planGroups := stringsOf(ctx, plan.Groups, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.AccountID, plan.Adopted = state.AccountID, state.Adopted
	account := state.AccountID.ValueString()
	held := map[access.Role]bool{}
	for _, role := range invitationRolesOf(ctx, state.WorkspaceRoles, &resp.Diagnostics) {
		held[role] = true
	}
	joined := map[string]bool{}
	for _, g := range stringsOf(ctx, state.Groups, &resp.Diagnostics) {
		joined[g] = true
	}
	failedRoles := map[access.Role]string{}
	for _, role := range planRoles {
		if held[role] {
			continue
		}
		if _, err := r.view.AssignRole(ctx, access.Principal{Type: access.TypeUser, ID: account}, role); err != nil {
			failedRoles[role] = err.Error()
		}
	}
	failedGroups := map[string]string{}
	for _, g := range planGroups {
		if joined[g] {
			continue
		}
		if _, err := r.view.AddMember(ctx, g, account); err != nil {
			failedGroups[g] = err.Error()
		}
	}
	incomplete := keepGranted(ctx, r.view, &plan, planRoles, planGroups, failedRoles, failedGroups, &resp.Diagnostics)
	plan.Complete = types.BoolValue(!incomplete)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, invitationIdentityModel{AccountID: plan.AccountID}, &resp.Diagnostics)
}

// Delete forgets the invitation; with remove_on_destroy it removes the
// account from the directory first, unless the invitation is incomplete.
// Terraform passes no private state to the destroy half of replacing a
// tainted resource, so the incompleteness lives in the state (complete).
func (r *invitationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state invitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.RemoveOnDestroy.ValueBool() {
		return
	}
	account, email := state.AccountID.ValueString(), state.Email.ValueString()
	if !state.Complete.IsNull() && !state.Complete.ValueBool() {
		resp.Diagnostics.AddWarning("Account not removed",
			fmt.Sprintf("The invitation of %s (account %s) did not grant every role and group, so remove_on_destroy "+
				"does not remove the account: a replacement of an incomplete invitation must never delete a person. "+
				"Remove the account in admin.atlassian.com if that is what you want.", email, account))
		return
	}
	if _, err := r.view.RemoveFromDirectory(ctx, account); err != nil {
		resp.Diagnostics.AddError("Could not remove the invited account",
			fmt.Sprintf("remove_on_destroy is true, but removing %s (account %s) from the directory failed: %s", email, account, err))
	}
}

// ImportState takes an email or an account id (anything with an @ is an
// email), or an identity holding the account id; the account must exist.
func (r *invitationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	raw := req.ID
	var identity invitationIdentityModel
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		raw = identity.AccountID.ValueString()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsAny(raw, " \t\n/") {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("The import id of atlassian_invitation is the invited person's email (name@example.com) or "+
				"account id (such as 5b10ac8d82e05b22cc7d4ef5), not %q.", req.ID))
		return
	}
	var a access.Account
	var found bool
	var err error
	if strings.Contains(raw, "@") {
		a, found, err = r.view.FindAccountByEmail(ctx, raw)
	} else {
		a, found, err = r.view.Account(ctx, raw)
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not look up the account to import", fmt.Sprintf("Looking up %q failed: %s", raw, err))
		return
	}
	if !found {
		resp.Diagnostics.AddError("Cannot import an invitation without an account",
			fmt.Sprintf("No account of the organization has the email or account id %q. Create the invitation with "+
				"Terraform instead.", raw))
		return
	}
	// An email import keeps the spelling given, which is the one the
	// configuration is expected to write.
	email := a.Email
	if strings.Contains(raw, "@") || email == "" {
		email = raw
	}
	model := invitationModel{
		Email:            types.StringValue(email),
		WorkspaceRoles:   rolesSet(nil, true),
		Groups:           groupsSet(nil, true),
		SendNotification: types.BoolValue(true),
		RemoveOnDestroy:  types.BoolValue(false),
		AccountID:        types.StringValue(a.ID),
		Adopted:          types.BoolValue(true),
		Complete:         types.BoolValue(true),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
	setIdentity(ctx, resp.Identity, invitationIdentityModel{AccountID: model.AccountID}, &resp.Diagnostics)
}
