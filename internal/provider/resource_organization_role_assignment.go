package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/diagnostics"
)

var (
	_ resource.Resource                = (*organizationRoleAssignmentResource)(nil)
	_ resource.ResourceWithConfigure   = (*organizationRoleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*organizationRoleAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*organizationRoleAssignmentResource)(nil)
	_ resource.ResourceWithIdentity    = (*organizationRoleAssignmentResource)(nil)
)

// orgRoleConfirmationTimeout bounds how long a write waits to see itself in
// Atlassian's reads: the consistency window, and a margin for the requests.
const orgRoleConfirmationTimeout = access.OrganizationRoleConsistencyWindow + 5*time.Second

// NewOrganizationRoleAssignmentResource returns the
// atlassian_organization_role_assignment resource.
func NewOrganizationRoleAssignmentResource() resource.Resource {
	return &organizationRoleAssignmentResource{}
}

type organizationRoleAssignmentResource struct{ accessResourceBase }

type organizationRoleAssignmentModel struct {
	ID        types.String `tfsdk:"id"`
	AccountID types.String `tfsdk:"account_id"`
	Role      types.String `tfsdk:"role"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	Active    types.Bool   `tfsdk:"active"`
}

// existingOrganizationRoleAssignment is the state of an assignment Atlassian
// holds, as import and the list resource find it. Atlassian keeps no
// expiry: such an assignment has none until its configuration's is applied.
func existingOrganizationRoleAssignment(role, accountID string) organizationRoleAssignmentModel {
	return organizationRoleAssignmentModel{
		ID:        types.StringValue(orgRoleAssignmentID(role, accountID)),
		AccountID: types.StringValue(accountID),
		Role:      types.StringValue(role),
		ExpiresAt: types.StringNull(),
		Active:    types.BoolValue(true),
	}
}

// grant names the assignment in expiry warnings.
func (m organizationRoleAssignmentModel) grant() string {
	if !isKnownString(m.AccountID) || !isKnownString(m.Role) {
		return "the organization role assignment"
	}
	return fmt.Sprintf("organization role %s for account %s", m.Role.ValueString(), m.AccountID.ValueString())
}

// stateHoldsGrant reports whether a state's assignment is held: a state
// written before expiries existed (active null) is.
func stateHoldsGrant(active types.Bool) bool {
	return active.IsNull() || active.IsUnknown() || active.ValueBool()
}

type organizationRoleAssignmentIdentityModel struct {
	AccountID types.String `tfsdk:"account_id"`
	Role      types.String `tfsdk:"role"`
}

func (m organizationRoleAssignmentModel) identity() organizationRoleAssignmentIdentityModel {
	return organizationRoleAssignmentIdentityModel{AccountID: m.AccountID, Role: m.Role}
}

// orgRoleAssignmentID is "<role>/<account_id>": the role has a slash of its
// own, account ids never do, so the id splits at its last slash.
func orgRoleAssignmentID(role, accountID string) string { return role + "/" + accountID }

// parseOrgRoleAssignmentID reads "<role>/<account_id>", or a bare account id
// for the organization admin role.
func parseOrgRoleAssignmentID(id string) (role, accountID string, err error) {
	role, accountID = access.RoleOrgAdmin, id
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		role, accountID = id[:i], id[i+1:]
	}
	if !groupMemberIDPattern.MatchString(accountID) || !isOrganizationRole(role) {
		return "", "", malformedImportIDError{fmt.Sprintf("The id %q is not <role>/<account_id> (or a bare <account_id>), such as "+
			"%s/5b10ac8d82e05b22cc7d4ef5: the role must be one of %s and the account id must not be empty or "+
			"contain white space or /", id, access.RoleOrgAdmin, strings.Join(access.OrganizationRoles, ", "))}
	}
	return role, accountID, nil
}

func isOrganizationRole(role string) bool { return slices.Contains(access.OrganizationRoles, role) }

func (r *organizationRoleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization_role_assignment"
}

func (r *organizationRoleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gives one account an organization role: the **organization admin** role " +
			"(`atlassian/org-admin`), the only one Atlassian's API assigns.\n\n" +
			"**An organization admin can do anything in the organization**: grant it to as few accounts as " +
			"possible.\n\n" +
			"Creating it for an account that already holds the role adopts it; destroying it revokes the role, " +
			"whoever granted it. Every argument but `expires_at` forces a new resource. A role revoked outside " +
			"Terraform shows up as a planned re-assignment.\n\n" +
			"Atlassian's reads of organization roles lag behind its writes, so an apply " +
			"waits until the change shows before it finishes, reading without writing again.\n\n" +
			"A plan that would leave the organization without any organization admin fails at plan time, on this " +
			"resource (to stop managing the last admin without revoking the role, `terraform state rm` it); a " +
			"revocation by `expires_at` counts, so an expiry can never take the role from the last admin. Only " +
			"active accounts can be given the role. Organization admins cannot be suspended " +
			"(`atlassian_account_suspension`).\n\n" +
			"With `expires_at`, the role is just-in-time access: the first apply after that time revokes it (see " +
			"`expires_at` and `active`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<role>/<account_id>`, such as `atlassian/org-admin/5b10ac8d82e05b22cc7d4ef5`. " +
					"This is also the import id (a bare account id imports the organization admin role).",
			},
			"account_id": schema.StringAttribute{
				Required:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage)},
				MarkdownDescription: "The Atlassian account id, such as `5b10ac8d82e05b22cc7d4ef5` (the " +
					"`atlassian_account` data source finds it by email). The account must be active. Changing it " +
					"replaces the assignment.",
			},
			"role": schema.StringAttribute{
				Required:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.OneOf(access.OrganizationRoles...)},
				MarkdownDescription: "The organization role: `atlassian/org-admin`, the only organization role " +
					"Atlassian's API assigns. Changing it replaces the assignment.",
			},
			"expires_at": expiresAtAttribute("the organization role assignment"),
			"active":     activeAttribute("the organization role assignment"),
		},
	}
}

// IdentitySchema: an assignment is named by its account and its role.
func (r *organizationRoleAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": requiredIdentity("The Atlassian account id."),
			"role":       requiredIdentity("The organization role, atlassian/org-admin."),
		},
	}
}

// plannedAdminChanges is what the plans of one provider process change in
// the organization admins: Terraform plans each resource on its own, so the
// last-admin guard of one resource sees the removals planned before it by
// the others. Keyed by the process's access view.
type plannedAdminChanges struct {
	mu      sync.Mutex
	removed map[string]bool // organization admin roles taken away
	added   map[string]bool // ... given by the same change that takes one away
	// assigned and suspended are the accounts this process's plans make
	// organization admins and suspend: Atlassian refuses to suspend an
	// organization admin, so one plan must not do both to an account.
	assigned  map[string]bool
	suspended map[string]bool
}

// adminPlans maps each provider process's access view (weakly: the ledger
// must not keep a configured provider's caches alive) to its ledger.
var adminPlans sync.Map // weak.Pointer[access.View] -> *plannedAdminChanges

func adminPlanOf(d *access.View) *plannedAdminChanges {
	return ledgerOf(&adminPlans, d, func() *plannedAdminChanges {
		return &plannedAdminChanges{
			removed: map[string]bool{}, added: map[string]bool{}, assigned: map[string]bool{}, suspended: map[string]bool{},
		}
	})
}

// ModifyPlan checks, when the assignment is created, moves to another
// account or is granted again (an expiry moved into the future), that the
// account exists and is active; and, when an organization admin role is
// taken away (destroy, replacement, or a revocation by expires_at), that the
// organization keeps at least one organization admin. It also plans
// `active` from expires_at, as every resource with an expiry does.
func (r *organizationRoleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.view == nil {
		return // the provider is not configured yet
	}
	var plan, state *organizationRoleAssignmentModel
	if !req.Plan.Raw.IsNull() {
		plan = &organizationRoleAssignmentModel{}
		resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	}
	if !req.State.Raw.IsNull() {
		state = &organizationRoleAssignmentModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// replacing: the assignment moves to another account (Terraform plans
	// the replacement's creation next); adding: it is created or moved to
	// an account known now.
	replacing := state != nil && plan != nil && (!plan.AccountID.Equal(state.AccountID) || !plan.Role.Equal(state.Role))
	adding := plan != nil && isKnownString(plan.AccountID) && (state == nil || replacing)
	active := types.BoolNull()
	if plan != nil {
		grant := expiringGrant{
			attr: path.Root("expires_at"), subject: plan.grant(), expiresAt: plan.ExpiresAt,
			creating: state == nil || replacing, changed: planChanges(req), priorActive: types.BoolNull(),
			priorExpiresAt: types.StringNull(),
		}
		warnings := &resp.Diagnostics
		if replacing {
			// The replacement's creation is planned next and warns then.
			warnings = &diag.Diagnostics{}
		} else if state != nil {
			grant.priorActive, grant.priorExpiresAt = state.Active, state.ExpiresAt
		}
		active = r.expiry.planActive(grant, warnings)
	}
	revokedByExpiry := !active.IsUnknown() && !active.IsNull() && !active.ValueBool()
	// granting: the plan may give the account the role (a new or moved
	// assignment, or an expired one granted again), unless its expiry has
	// already passed; one still ahead is decided by the apply, and counts.
	granting := plan != nil && isKnownString(plan.AccountID) && !revokedByExpiry && (adding || (state != nil && !stateHoldsGrant(state.Active)))
	if (adding || granting) && !r.view.Applying() {
		r.checkActiveAccount(ctx, plan.AccountID.ValueString(), &resp.Diagnostics)
	}
	if granting && !r.view.Applying() && plan.Role.ValueString() == access.RoleOrgAdmin &&
		planSuspendsAndAssigns(r.view, plan.AccountID.ValueString(), true) {
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Cannot make a suspended account an organization admin",
			fmt.Sprintf("This plan also suspends account %s (atlassian_account_suspension), and Atlassian refuses to "+
				"suspend an organization admin. Do one or the other.", accountNamed(r.view, plan.AccountID.ValueString())))
	}
	// The role is taken away when the state holds it and the plan destroys
	// the resource, moves it, or revokes it by its expiry.
	expiring := state != nil && plan != nil && !replacing && revokedByExpiry
	removing := state != nil && state.Role.ValueString() == access.RoleOrgAdmin && stateHoldsGrant(state.Active) &&
		(plan == nil || replacing || expiring)
	if removing {
		var keeps string
		if adding && granting && plan.Role.ValueString() == access.RoleOrgAdmin {
			keeps = plan.AccountID.ValueString()
		}
		removal := adminRemoval{attr: path.Root("account_id"), accountID: state.AccountID.ValueString()}
		switch {
		case plan == nil:
			removal.attr, removal.destroying = path.Root("role"), true
		case expiring:
			removal.attr, removal.expiresAt = path.Root("expires_at"), plan.ExpiresAt.ValueString()
		}
		r.checkKeepsAnAdmin(ctx, removal, keeps, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() || plan == nil {
		return
	}
	if isKnownString(plan.AccountID) && isKnownString(plan.Role) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), orgRoleAssignmentID(plan.Role.ValueString(), plan.AccountID.ValueString()))...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("active"), active)...)
}

// remainingAdmins records that this process's plan takes the organization
// admin role from removed (and gives it to keeps, when not empty), and
// counts the organization admins that remain: admins, the ones Atlassian
// lists, minus every removal planned so far, plus every addition.
func (p *plannedAdminChanges) remainingAdmins(admins []string, removed, keeps string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.removed[removed] = true
	if keeps != "" {
		p.added[keeps] = true
	}
	remaining := 0
	for _, id := range admins {
		if !p.removed[id] {
			remaining++
		}
	}
	for id := range p.added {
		if !p.removed[id] && !slices.Contains(admins, id) {
			remaining++
		}
	}
	return remaining
}

// planSuspendsAndAssigns records that this process's plan makes the
// account an organization admin (assign true) or suspends it, and reports
// whether it plans the other as well.
func planSuspendsAndAssigns(d *access.View, accountID string, assign bool) bool {
	planned := adminPlanOf(d)
	planned.mu.Lock()
	defer planned.mu.Unlock()
	if assign {
		planned.assigned[accountID] = true
		return planned.suspended[accountID]
	}
	planned.suspended[accountID] = true
	return planned.assigned[accountID]
}

// checkActiveAccount makes the plan fail on account_id when the account does
// not exist or is not active (Atlassian gives roles to active accounts only).
func (r *organizationRoleAssignmentResource) checkActiveAccount(ctx context.Context, accountID string, diags *diag.Diagnostics) {
	a, found, err := r.view.Account(ctx, accountID)
	switch {
	case err != nil:
		diags.AddAttributeError(path.Root("account_id"), "Could not look up the account", err.Error())
	case !found:
		diags.AddAttributeError(path.Root("account_id"), "Unknown account",
			fmt.Sprintf("Organization %s has no account %q. The atlassian_account data source finds account ids by email.", r.orgID, accountID))
	case a.Status != access.StatusActive:
		diags.AddAttributeError(path.Root("account_id"), "Account is not active",
			fmt.Sprintf("Account %s is %s: Atlassian gives organization roles to active accounts only. Restore the account first.", withAccountLabel(a, accountID), a.Status))
	}
}

// adminRemoval is an organization admin role a plan takes away: attr is
// where the last-admin guard's error points, expiresAt the configured
// expiry when the plan revokes the role by it.
type adminRemoval struct {
	attr      path.Path
	accountID string
	expiresAt string
	// destroying: the plan destroys the resource, rather than moving it to
	// another account or revoking it by its expiry, so the way out may be
	// to stop managing it.
	destroying bool
}

// checkKeepsAnAdmin makes the plan fail when taking the organization admin
// role from removal's account leaves no organization admin: the admins
// Atlassian lists, minus the removals planned so far in this process, plus
// the additions planned so far and keeps (an admin this same change adds).
func (r *organizationRoleAssignmentResource) checkKeepsAnAdmin(ctx context.Context, removal adminRemoval, keeps string, diags *diag.Diagnostics) {
	admins, err := r.view.OrganizationAdmins(ctx)
	if err != nil {
		diags.AddAttributeError(removal.attr, "Could not list the organization admins", err.Error())
		return
	}
	if adminPlanOf(r.view).remainingAdmins(admins, removal.accountID, keeps) > 0 {
		return
	}
	// Terraform never tells a provider the address of the resource it
	// plans, so the error names it by type and identifying attributes.
	const consequence = "nobody could administer the organization any more."
	account := lookedUpAccount(ctx, r.view, removal.accountID)
	resourceNamed := fmt.Sprintf("atlassian_organization_role_assignment with account_id = %q and role = %q",
		removal.accountID, access.RoleOrgAdmin)
	if removal.expiresAt != "" {
		expiry := removal.expiresAt
		if at, err := parseExpiry(expiry); err == nil {
			expiry = formatExpiry(at)
		}
		diags.AddAttributeError(removal.attr, "The organization would have no organization admin",
			fmt.Sprintf("The expires_at %s of the %s has passed, so this plan would revoke the organization admin "+
				"role of account %s, and no other account of organization %s would keep the role: %s Move "+
				"expires_at into the future or remove it, or assign the role to another account first (another "+
				"atlassian_organization_role_assignment, applied before this change).",
				expiry, resourceNamed, account, r.orgID, consequence))
		return
	}
	detail := fmt.Sprintf("This plan takes the organization admin role from account %s (the %s), and no other "+
		"account of organization %s would keep it: %s Assign the role to another account first (another "+
		"atlassian_organization_role_assignment, applied before this change), or keep this one.",
		account, resourceNamed, r.orgID, consequence)
	if removal.destroying {
		detail += "\n\n" + stopManagingAdvice("atlassian_organization_role_assignment.<name>")
	}
	diags.AddAttributeError(removal.attr, "The organization would have no organization admin", detail)
}

func (r *organizationRoleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan organizationRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID, role := plan.AccountID.ValueString(), plan.Role.ValueString()
	plan.ID = types.StringValue(orgRoleAssignmentID(role, accountID))
	// An expiry already past grants nothing (the plan said so, or the
	// apply's clock says so now).
	plan.Active = r.expiry.resolveActive(plan.Active, plan.ExpiresAt)
	if grant, _ := grantTransition(types.BoolValue(false), plan.Active); !grant {
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
		return
	}
	r.assign(ctx, plan, resp.Identity, &resp.State, &resp.Diagnostics)
}

// assign gives the account the role. The state is the plan: the write
// succeeded. Atlassian's reads lag behind it; wait for them to show it, so
// that the next plan does not see it missing, but never write again.
func (r *organizationRoleAssignmentResource) assign(ctx context.Context, plan organizationRoleAssignmentModel, identity *tfsdk.ResourceIdentity, state *tfsdk.State, diags *diag.Diagnostics) {
	accountID, role := plan.AccountID.ValueString(), plan.Role.ValueString()
	already, err := r.view.AssignOrganizationRole(ctx, accountID, role)
	if err != nil {
		addOrgRoleWriteError(diags, "give account "+accountNamed(r.view, accountID)+" the organization role "+role, err)
		return
	}
	diags.Append(state.Set(ctx, plan)...)
	setIdentity(ctx, identity, plan.identity(), diags)
	r.confirm(ctx, accountID, role, true, already, diags)
}

// confirm waits for Atlassian's reads to show the write; when they do not in
// time, it says so with a warning: the write itself was accepted.
func (r *organizationRoleAssignmentResource) confirm(ctx context.Context, accountID, role string, holds, already bool, diags *diag.Diagnostics) {
	confirmed, reads, err := r.view.ConfirmOrganizationRole(ctx, accountID, role, holds, orgRoleConfirmationTimeout)
	tflog.Debug(ctx, "organization role write confirmed", map[string]any{
		"account_id": accountID, "role": role, "holds": holds, "already": already, "confirmed": confirmed, "reads": reads,
	})
	verb := "assignment"
	if !holds {
		verb = "revocation"
	}
	account := accountNamed(r.view, accountID)
	switch {
	case err != nil:
		diags.AddWarning("Could not confirm the organization role "+verb,
			fmt.Sprintf("Atlassian accepted the %s of %s for account %s, but reading it back failed: %s", verb, role, account, err))
	case !confirmed:
		diags.AddWarning("Organization role "+verb+" not visible yet",
			fmt.Sprintf("Atlassian accepted the %s of %s for account %s, but its reads did not show it within %s. "+
				"Atlassian applies organization role changes eventually; the next plan may still show the old value "+
				"for a while.", verb, role, account, orgRoleConfirmationTimeout))
	}
}

// addOrgRoleWriteError explains a failed assignment or revocation.
func addOrgRoleWriteError(diags *diag.Diagnostics, what string, err error) {
	diags.Append(diagnostics.WriteFailed(diagnostics.Write{
		What: what, Verb: "change", Subject: "organization role",
		Names:   []diagnostics.Name{diagnostics.Account},
		Holder:  path.Root("account_id"),
		RolesOf: "organization",
	}, err))
}

// Read answers from the organization admins listing, one per provider
// process. A role revoked outside Terraform removes the resource, so the
// next plan assigns it again.
func (r *organizationRoleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state organizationRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	accountID := state.AccountID.ValueString()
	holds, err := r.view.IsOrganizationAdmin(ctx, accountID)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the organization role", fmt.Sprintf("Listing the organization admins failed: %s", err))
		return
	}
	active, keep := r.expiry.readActive(holds, state.Active, state.ExpiresAt)
	if !keep {
		tflog.Info(ctx, "organization role revoked outside Terraform", map[string]any{"account_id": accountID})
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(orgRoleAssignmentID(state.Role.ValueString(), accountID))
	state.Active = active
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes only the expiry: it assigns the role again when a moved or
// removed expiry grants it again, and revokes it when the expiry has passed
// (or an expired role was given again outside Terraform). Either write is
// confirmed as Create's and Delete's are: by reading, never by writing again.
func (r *organizationRoleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan, state organizationRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID, role := plan.AccountID.ValueString(), plan.Role.ValueString()
	plan.ID = types.StringValue(orgRoleAssignmentID(role, accountID))
	plan.Active = r.expiry.resolveActive(plan.Active, plan.ExpiresAt)
	switch grant, revoke := grantTransition(state.Active, plan.Active); {
	case grant:
		tflog.Debug(ctx, "assigning the organization role again", map[string]any{"account_id": accountID, "role": role})
		r.assign(ctx, plan, resp.Identity, &resp.State, &resp.Diagnostics)
	case revoke:
		already, err := r.view.RevokeOrganizationRole(ctx, accountID, role)
		if err != nil && !errors.Is(err, access.ErrNotFound) {
			addOrgRoleWriteError(&resp.Diagnostics, "take the expired organization role "+role+" away from account "+accountNamed(r.view, accountID), err)
			return
		}
		tflog.Debug(ctx, "revoked expired organization role", map[string]any{"account_id": accountID, "role": role, "already": already})
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
		if err == nil && !already {
			r.confirm(ctx, accountID, role, false, already, &resp.Diagnostics)
		}
	default:
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
	}
}

// Delete revokes the role, then waits for Atlassian's reads to show it
// gone; a role or account already gone is fine.
func (r *organizationRoleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state organizationRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID, role := state.AccountID.ValueString(), state.Role.ValueString()
	already, err := r.view.RevokeOrganizationRole(ctx, accountID, role)
	if errors.Is(err, access.ErrNotFound) {
		return
	}
	if err != nil {
		addOrgRoleWriteError(&resp.Diagnostics, "take the organization role "+role+" away from account "+accountNamed(r.view, accountID), err)
		return
	}
	if !already {
		r.confirm(ctx, accountID, role, false, already, &resp.Diagnostics)
	}
}

// ImportState takes "<role>/<account_id>", a bare account id, or an
// identity, of an account that holds the role.
func (r *organizationRoleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	rawID := req.ID
	var identity organizationRoleAssignmentIdentityModel
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		rawID = orgRoleAssignmentID(identity.Role.ValueString(), identity.AccountID.ValueString())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	role, accountID, err := parseOrgRoleAssignmentID(rawID)
	if err != nil {
		resp.Diagnostics.AddError("Malformed import id for atlassian_organization_role_assignment", err.Error())
		return
	}
	if !r.configured(&resp.Diagnostics) {
		return
	}
	holds, err := r.view.IsOrganizationAdmin(ctx, accountID)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the organization role", fmt.Sprintf("Listing the organization admins failed: %s", err))
		return
	}
	if !holds {
		resp.Diagnostics.AddError("Cannot import an organization role that is not assigned",
			fmt.Sprintf("Account %s does not hold the organization role %s in organization %s, so there is nothing to "+
				"import: create the atlassian_organization_role_assignment instead, and Terraform assigns it.",
				lookedUpAccount(ctx, r.view, accountID), role, r.orgID))
		return
	}
	imported := existingOrganizationRoleAssignment(role, accountID)
	resp.Diagnostics.Append(resp.State.Set(ctx, imported)...)
	setIdentity(ctx, resp.Identity, imported.identity(), &resp.Diagnostics)
}
