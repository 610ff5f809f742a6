package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	_ resource.Resource                = (*groupMembershipResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupMembershipResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*groupMembershipResource)(nil)
	_ resource.ResourceWithImportState = (*groupMembershipResource)(nil)
	_ resource.ResourceWithIdentity    = (*groupMembershipResource)(nil)
)

// membershipIDSeparator joins the group id and the account id in the id of
// an atlassian_group_membership; neither id can contain it.
const membershipIDSeparator = "/"

// NewGroupMembershipResource returns the atlassian_group_membership resource.
func NewGroupMembershipResource() resource.Resource { return &groupMembershipResource{} }

type groupMembershipResource struct{ accessResourceBase }

type groupMembershipModel struct {
	ID        types.String `tfsdk:"id"`
	GroupID   types.String `tfsdk:"group_id"`
	AccountID types.String `tfsdk:"account_id"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	Active    types.Bool   `tfsdk:"active"`
}

// grant names the membership in expiry warnings.
func (m groupMembershipModel) grant() string {
	return fmt.Sprintf("account %s in group %s", m.AccountID.ValueString(), m.GroupID.ValueString())
}

func membershipID(groupID, accountID string) string {
	return groupID + membershipIDSeparator + accountID
}

// malformedImportIDError is an import id that does not parse. Its text is
// the detail of the diagnostic users see: a sentence of its own, capital
// letter first, unlike the text of an error meant to be wrapped.
type malformedImportIDError struct{ detail string }

func (e malformedImportIDError) Error() string { return e.detail }

// parseMembershipID splits "<group_id>/<account_id>".
func parseMembershipID(id string) (groupID, accountID string, err error) {
	parts := strings.Split(id, membershipIDSeparator)
	if len(parts) != 2 || !groupMemberIDPattern.MatchString(parts[0]) || !groupMemberIDPattern.MatchString(parts[1]) {
		return "", "", malformedImportIDError{fmt.Sprintf("The id %q is not <group_id>/<account_id>, such as "+
			"0f8fad5b-d9cb-469f-a165-70867728950e/5b10ac8d82e05b22cc7d4ef5: a group id and an account id, "+
			"separated by one /, neither empty nor with white space", id)}
	}
	return parts[0], parts[1], nil
}

func (r *groupMembershipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_membership"
}

func (r *groupMembershipResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	idValidators := []validator.String{stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One account's membership of one group. The resource is **additive**: it manages this one " +
			"membership and leaves the group's other members alone, so several configurations (or people) can add " +
			"members to the same group. Use `atlassian_group_members` instead to own a group's whole member list; " +
			"**do not use both on the same group**, or each apply undoes the other's changes: a plan with both for the same " +
			"account and group fails.\n\n" +
			"Creating it for an account that is already a member adopts that membership; destroying it removes the " +
			"account from the group, whoever added it. A membership removed outside Terraform shows up as a planned " +
			"re-add. A group deleted outside Terraform removes the resource from the state, with a warning.\n\n" +
			"Groups and accounts that do not exist, and groups synced from an identity provider (whose members " +
			"Atlassian lets only the identity provider change), fail at plan time when their ids are known then. " +
			"Membership is read from one listing per group, shared by every membership of the group, so thousands " +
			"of these resources refresh with a handful of requests.\n\n" +
			"With `expires_at`, the membership is just-in-time access: the first apply after that time removes the " +
			"account from the group (see `expires_at` and `active`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<group_id>/<account_id>`, such as " +
					"`0f8fad5b-d9cb-469f-a165-70867728950e/5b10ac8d82e05b22cc7d4ef5`. This is also the import id.",
			},
			"group_id": schema.StringAttribute{
				Required:      true,
				PlanModifiers: replace,
				Validators:    idValidators,
				MarkdownDescription: "The group's id (the `id` of an `atlassian_group`, or found by name with the " +
					"`atlassian_group` data source). The group must not be synced from an identity provider. Changing it " +
					"replaces the membership.",
			},
			"account_id": schema.StringAttribute{
				Required:      true,
				PlanModifiers: replace,
				Validators:    idValidators,
				MarkdownDescription: "The member's Atlassian account id, such as `5b10ac8d82e05b22cc7d4ef5` or " +
					"`712020:<uuid>` (the `atlassian_account` data source finds it by email). Any account of the " +
					"organization's directory can be a member, whatever its status. Changing it replaces the membership.",
			},
			"expires_at": expiresAtAttribute("the membership"),
			"active":     activeAttribute("the membership"),
		},
	}
}

// IdentitySchema: a membership is named by its group and its account.
func (r *groupMembershipResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"group_id":   requiredIdentity("The group's id."),
			"account_id": requiredIdentity("The member's Atlassian account id."),
		},
	}
}

func (m groupMembershipModel) identity() groupMembershipIdentityModel {
	return groupMembershipIdentityModel{GroupID: m.GroupID, AccountID: m.AccountID}
}

// ModifyPlan fills in the id and, when the membership is created or its
// group or account changes, checks that the group exists and accepts
// membership changes and that the account exists. A plan that changes
// nothing reads nothing. Every plan also fails when an
// atlassian_group_members of the same configuration lists the account in
// the group (see plannedMemberships).
func (r *groupMembershipResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.view == nil {
		return // destroy, or the provider is not configured yet
	}
	var plan groupMembershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *groupMembershipModel
	if !req.State.Raw.IsNull() {
		state = &groupMembershipModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if isKnownString(plan.GroupID) && isKnownString(plan.AccountID) &&
		membershipPlanOf(r.view).planAlone(plan.GroupID.ValueString(), plan.AccountID.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), mixedMembershipSummary,
			mixedMembershipDetail(lookedUpGroup(ctx, r.view, plan.GroupID.ValueString()),
				lookedUpAccount(ctx, r.view, plan.AccountID.ValueString()), false))
	}
	if isKnownString(plan.GroupID) && (state == nil || !plan.GroupID.Equal(state.GroupID)) {
		r.checkWritableGroup(ctx, path.Root("group_id"), plan.GroupID.ValueString(), &resp.Diagnostics)
	}
	// Once the provider writes, Terraform is applying: the account was
	// checked when the change was planned (see access.View.Applying).
	if isKnownString(plan.AccountID) && (state == nil || !plan.AccountID.Equal(state.AccountID)) && !r.view.Applying() {
		r.checkAccount(ctx, plan.AccountID.ValueString(), &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if isKnownString(plan.GroupID) && isKnownString(plan.AccountID) {
		id := membershipID(plan.GroupID.ValueString(), plan.AccountID.ValueString())
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), id)...)
	}
	grant := expiringGrant{
		attr: path.Root("expires_at"), subject: plan.grant(), expiresAt: plan.ExpiresAt,
		creating: state == nil, changed: planChanges(req), priorActive: types.BoolNull(), priorExpiresAt: types.StringNull(),
	}
	if state != nil {
		grant.priorActive, grant.priorExpiresAt = state.Active, state.ExpiresAt
	}
	active := r.expiry.planActive(grant, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("active"), active)...)
}

// checkAccount reads the one account through the access layer's single
// lookups: a plan of many membership resources checks each on its own, and
// the access layer switches to one listing of all accounts when they are
// many.
func (r *groupMembershipResource) checkAccount(ctx context.Context, accountID string, diags *diag.Diagnostics) {
	_, found, err := r.view.Account(ctx, accountID)
	switch {
	case err != nil:
		diags.AddAttributeError(path.Root("account_id"), "Could not look up the account", err.Error())
	case !found:
		diags.AddAttributeError(path.Root("account_id"), "Unknown account",
			fmt.Sprintf("Organization %s has no account %q. The atlassian_account data source finds account ids by email.", r.orgID, accountID))
	}
}

func (r *groupMembershipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan groupMembershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, accountID := plan.GroupID.ValueString(), plan.AccountID.ValueString()
	// An expiry already past grants nothing (the plan said so, or the
	// apply's clock says so now).
	plan.Active = r.expiry.resolveActive(plan.Active, plan.ExpiresAt)
	if grant, _ := grantTransition(types.BoolValue(false), plan.Active); grant {
		already, err := r.view.AddMember(ctx, groupID, accountID)
		if err != nil {
			addMembershipWriteError(&resp.Diagnostics, "add account "+accountNamed(r.view, accountID)+" to group "+groupNamed(r.view, groupID), err)
			return
		}
		tflog.Debug(ctx, "added group member", map[string]any{"group_id": groupID, "account_id": accountID, "already_member": already})
	}
	// The state is the plan: the write succeeded, and a re-read right after
	// it could be stale on the real service.
	plan.ID = types.StringValue(membershipID(groupID, accountID))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// addMembershipWriteError explains a failed add or remove, on the attribute
// a user can act on.
func addMembershipWriteError(diags *diag.Diagnostics, what string, err error) {
	diags.Append(diagnostics.WriteFailed(diagnostics.Write{
		What: what, Verb: "change", Subject: "group membership",
		Names:  []diagnostics.Name{diagnostics.Group, diagnostics.Account},
		Holder: path.Root("account_id"),
		Refusal: diagnostics.Refusal{Attribute: path.Root("group_id"),
			Explanation: "Groups synced from an identity provider are managed by that identity provider and accept no " +
				"membership changes here: make the change in the identity provider, and to stop managing this " +
				"membership with Terraform, remove the resource from the state (a removed block, or `terraform state rm`)."},
	}, err))
}

// Read answers from the group's one member listing, shared by every
// membership resource of the provider process. A membership removed outside
// Terraform removes the resource (the next plan re-adds it), unless it has
// expired: then it stays, as expired; a vanished group removes it with a
// warning.
func (r *groupMembershipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state groupMembershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	groupID, accountID := state.GroupID.ValueString(), state.AccountID.ValueString()
	member, groupFound, err := r.view.IsMember(ctx, groupID, accountID)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the group membership",
			fmt.Sprintf("Listing the members of group %s failed: %s", groupNamed(r.view, groupID), err))
		return
	}
	switch {
	case !groupFound:
		resp.Diagnostics.AddWarning("Group deleted outside Terraform",
			fmt.Sprintf("Group %s no longer exists in the organization, so the membership of account %s is removed "+
				"from the Terraform state.", groupNamed(r.view, groupID), accountNamed(r.view, accountID)))
		resp.State.RemoveResource(ctx)
	default:
		active, keep := r.expiry.readActive(member, state.Active, state.ExpiresAt)
		if !keep {
			tflog.Info(ctx, "group membership removed outside Terraform", map[string]any{"group_id": groupID, "account_id": accountID})
			resp.State.RemoveResource(ctx)
			return
		}
		state.ID = types.StringValue(membershipID(groupID, accountID))
		state.Active = active
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

// Update changes only the expiry: it adds the account again when a moved
// or removed expiry grants it again, and removes it when the expiry has
// passed (or an expired grant was added again outside Terraform).
func (r *groupMembershipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan, state groupMembershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, accountID := plan.GroupID.ValueString(), plan.AccountID.ValueString()
	plan.Active = r.expiry.resolveActive(plan.Active, plan.ExpiresAt)
	switch grant, revoke := grantTransition(state.Active, plan.Active); {
	case grant:
		if _, err := r.view.AddMember(ctx, groupID, accountID); err != nil {
			addMembershipWriteError(&resp.Diagnostics, "add account "+accountNamed(r.view, accountID)+" to group "+groupNamed(r.view, groupID), err)
			return
		}
		tflog.Debug(ctx, "granted group membership again", map[string]any{"group_id": groupID, "account_id": accountID})
	case revoke:
		if _, err := r.view.RemoveMember(ctx, groupID, accountID); err != nil && !errors.Is(err, access.ErrNotFound) {
			addMembershipWriteError(&resp.Diagnostics, "remove account "+accountNamed(r.view, accountID)+" from group "+groupNamed(r.view, groupID)+" (its membership expired)", err)
			return
		}
		tflog.Debug(ctx, "revoked expired group membership", map[string]any{"group_id": groupID, "account_id": accountID})
	}
	plan.ID = types.StringValue(membershipID(groupID, accountID))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Delete removes the account from the group; a membership, account or group
// already gone is fine. An expired membership is removed too, in case it
// was added again since the last refresh.
func (r *groupMembershipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state groupMembershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, accountID := state.GroupID.ValueString(), state.AccountID.ValueString()
	already, err := r.view.RemoveMember(ctx, groupID, accountID)
	if err != nil && !errors.Is(err, access.ErrNotFound) {
		addMembershipWriteError(&resp.Diagnostics, "remove account "+accountNamed(r.view, accountID)+" from group "+groupNamed(r.view, groupID), err)
		return
	}
	tflog.Debug(ctx, "removed group member", map[string]any{"group_id": groupID, "account_id": accountID, "already_gone": already || err != nil})
}

// ImportState takes "<group_id>/<account_id>" of an existing membership,
// or an identity holding both.
func (r *groupMembershipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	rawID := req.ID
	var identity groupMembershipIdentityModel
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		rawID = membershipID(identity.GroupID.ValueString(), identity.AccountID.ValueString())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, accountID, err := parseMembershipID(rawID)
	if err != nil {
		resp.Diagnostics.AddError("Malformed import id for atlassian_group_membership", err.Error())
		return
	}
	if !r.configured(&resp.Diagnostics) {
		return
	}
	member, groupFound, err := r.view.IsMember(ctx, groupID, accountID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Could not read the group membership",
			fmt.Sprintf("Listing the members of group %s failed: %s", groupNamed(r.view, groupID), err))
		return
	case !groupFound:
		resp.Diagnostics.AddError("Cannot import a membership of a group that does not exist",
			fmt.Sprintf("Organization %s has no group with id %q.", r.orgID, groupID))
		return
	case !member:
		resp.Diagnostics.AddError("Cannot import a membership that does not exist",
			fmt.Sprintf("Account %s is not a member of group %s, so there is nothing to import: create the "+
				"atlassian_group_membership instead, and Terraform adds the account.",
				lookedUpAccount(ctx, r.view, accountID), lookedUpGroup(ctx, r.view, groupID)))
		return
	}
	imported := groupMembershipModel{
		ID:        types.StringValue(membershipID(groupID, accountID)),
		GroupID:   types.StringValue(groupID),
		AccountID: types.StringValue(accountID),
		// Atlassian keeps no expiry: the configuration's, if any, is planned
		// as an in-place change after the import.
		ExpiresAt: types.StringNull(),
		Active:    types.BoolValue(true),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, imported)...)
	setIdentity(ctx, resp.Identity, imported.identity(), &resp.Diagnostics)
}
