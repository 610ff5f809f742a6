package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
	_ resource.Resource                = (*accountSuspensionResource)(nil)
	_ resource.ResourceWithConfigure   = (*accountSuspensionResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*accountSuspensionResource)(nil)
	_ resource.ResourceWithImportState = (*accountSuspensionResource)(nil)
	_ resource.ResourceWithIdentity    = (*accountSuspensionResource)(nil)
)

// NewAccountSuspensionResource returns the atlassian_account_suspension resource.
func NewAccountSuspensionResource() resource.Resource { return &accountSuspensionResource{} }

type accountSuspensionResource struct{ accessResourceBase }

type accountSuspensionModel struct {
	ID        types.String `tfsdk:"id"`
	AccountID types.String `tfsdk:"account_id"`
}

type accountSuspensionIdentityModel struct {
	AccountID types.String `tfsdk:"account_id"`
}

func (m accountSuspensionModel) identity() accountSuspensionIdentityModel {
	return accountSuspensionIdentityModel{AccountID: m.AccountID}
}

// accountDirectoryKey names, in the private state, the account's directory:
// the suspend and restore writes take it in their path, and keeping it saves
// the read that finds it when the suspension is destroyed.
const accountDirectoryKey = "account_directory"

type accountDirectory struct {
	DirectoryID string `json:"directory_id"`
}

func readAccountDirectory(ctx context.Context, private privateGetter) string {
	raw, diags := private.GetKey(ctx, accountDirectoryKey)
	if diags.HasError() || len(raw) == 0 {
		return ""
	}
	var d accountDirectory
	if err := json.Unmarshal(raw, &d); err != nil {
		return ""
	}
	return d.DirectoryID
}

func writeAccountDirectory(ctx context.Context, private privateSetter, directoryID string, diags *diag.Diagnostics) {
	if directoryID == "" {
		return
	}
	raw, err := json.Marshal(accountDirectory{DirectoryID: directoryID})
	if err != nil {
		return
	}
	diags.Append(private.SetKey(ctx, accountDirectoryKey, raw)...)
}

func (r *accountSuspensionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_suspension"
}

func (r *accountSuspensionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Suspends one account's access to the organization **while the resource exists**; " +
			"destroying the resource restores the access. A suspended account keeps its groups and roles (they apply " +
			"again once it is restored) and stops counting towards product billing; it cannot sign in to the " +
			"organization's products.\n\n" +
			"Creating it for an account that is already suspended adopts the suspension. An account restored outside " +
			"Terraform shows up as a planned suspension.\n\n" +
			"Atlassian refuses to suspend an **organization admin**: such a plan fails at plan time on `account_id` " +
			"when the plan can know it, and the apply fails with a clear error otherwise (for example when the same " +
			"apply makes the account an admin). Revoke the admin role first (`atlassian_organization_role_assignment`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The account id. This is also the import id.",
			},
			"account_id": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage)},
				MarkdownDescription: "The Atlassian account id to suspend, such as `5b10ac8d82e05b22cc7d4ef5` (the " +
					"`atlassian_account` data source finds it by email). Changing it restores the old account and " +
					"suspends the new one.",
			},
		},
	}
}

// IdentitySchema: a suspension is named by its account.
func (r *accountSuspensionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": requiredIdentity("The suspended Atlassian account id."),
		},
	}
}

// ModifyPlan checks, when a suspension is created or moves to another
// account, that the account exists, can be suspended (active or already
// suspended) and is not an organization admin.
func (r *accountSuspensionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.view == nil {
		return // destroy, or the provider is not configured yet
	}
	var plan accountSuspensionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !isKnownString(plan.AccountID) {
		return
	}
	var state *accountSuspensionModel
	if !req.State.Raw.IsNull() {
		state = &accountSuspensionModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	accountID := plan.AccountID.ValueString()
	if (state == nil || !plan.AccountID.Equal(state.AccountID)) && !r.view.Applying() {
		r.checkSuspendable(ctx, accountID, &resp.Diagnostics)
		if !resp.Diagnostics.HasError() && planSuspendsAndAssigns(r.view, accountID, false) {
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Cannot suspend an organization admin",
				fmt.Sprintf("This plan also makes account %s an organization admin (atlassian_organization_role_assignment), "+
					"and Atlassian refuses to suspend an organization admin. Do one or the other.", accountNamed(r.view, accountID)))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), accountID)...)
}

func (r *accountSuspensionResource) checkSuspendable(ctx context.Context, accountID string, diags *diag.Diagnostics) {
	attr := path.Root("account_id")
	a, admin, found, err := r.view.AccountAndAdmin(ctx, accountID)
	switch {
	case err != nil:
		diags.AddAttributeError(attr, "Could not look up the account", err.Error())
	case !found:
		diags.AddAttributeError(attr, "Unknown account",
			fmt.Sprintf("Organization %s has no account %q. The atlassian_account data source finds account ids by email.", r.orgID, accountID))
	case a.Status != access.StatusActive && a.Status != access.StatusSuspended:
		diags.AddAttributeError(attr, "Account cannot be suspended",
			fmt.Sprintf("Account %s is %s: only active accounts can be suspended.", withAccountLabel(a, accountID), a.Status))
	case admin:
		diags.AddAttributeError(attr, "Cannot suspend an organization admin",
			fmt.Sprintf("Account %s is an organization admin of organization %s, and Atlassian refuses to suspend "+
				"an organization admin. Revoke the atlassian/org-admin role first (atlassian_organization_role_assignment), "+
				"in an earlier apply.", withAccountLabel(a, accountID), r.orgID))
	}
}

func (r *accountSuspensionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan accountSuspensionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID := plan.AccountID.ValueString()
	directoryID, err := r.view.SuspendAccount(ctx, accountID, "")
	if err != nil {
		addSuspensionWriteError(&resp.Diagnostics, "suspend account "+accountNamed(r.view, accountID), err)
		return
	}
	tflog.Debug(ctx, "suspended account", map[string]any{"account_id": accountID})
	plan.ID = types.StringValue(accountID)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
	writeAccountDirectory(ctx, resp.Private, directoryID, &resp.Diagnostics)
}

func addSuspensionWriteError(diags *diag.Diagnostics, what string, err error) {
	diags.Append(diagnostics.WriteFailed(diagnostics.Write{
		What: what, Verb: "change", Subject: "account's access",
		Names:  []diagnostics.Name{diagnostics.Account},
		Holder: path.Root("account_id"),
	}, err))
}

// Read keeps the suspension while the account is suspended. An account
// restored outside Terraform removes the resource, so the next plan
// suspends it again; an account gone or no longer suspendable (deactivated,
// being deleted) removes it with a warning.
func (r *accountSuspensionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state accountSuspensionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	accountID := state.AccountID.ValueString()
	a, found, err := r.view.Account(ctx, accountID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Could not read the account", fmt.Sprintf("Reading account %s failed: %s", accountID, err))
	case !found:
		resp.Diagnostics.AddWarning("Account deleted outside Terraform",
			fmt.Sprintf("Account %s no longer exists in the organization, so its suspension is removed from the Terraform state.", accountID))
		resp.State.RemoveResource(ctx)
	case a.Status == access.StatusActive:
		tflog.Info(ctx, "account restored outside Terraform", map[string]any{"account_id": accountID})
		resp.State.RemoveResource(ctx)
	case a.Status != access.StatusSuspended:
		resp.Diagnostics.AddWarning("Account no longer suspendable",
			fmt.Sprintf("Account %s is now %s, so its suspension is removed from the Terraform state.", withAccountLabel(a, accountID), a.Status))
		resp.State.RemoveResource(ctx)
	default:
		state.ID = types.StringValue(accountID)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

// Update is never called: the one argument forces a new suspension.
func (r *accountSuspensionResource) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Unexpected update",
		"The account_id of atlassian_account_suspension forces a new resource, so it is never updated in place. This is a bug in the provider; please report it.")
}

// Delete restores the account's access; an account already gone is fine.
func (r *accountSuspensionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state accountSuspensionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID := state.AccountID.ValueString()
	_, err := r.view.RestoreAccount(ctx, accountID, readAccountDirectory(ctx, req.Private))
	if err != nil && !errors.Is(err, access.ErrNotFound) {
		addSuspensionWriteError(&resp.Diagnostics, "restore the access of account "+accountNamed(r.view, accountID), err)
		return
	}
	tflog.Debug(ctx, "restored account", map[string]any{"account_id": accountID, "already_gone": err != nil})
}

// ImportState adopts the suspension of an already suspended account, by
// account id or identity.
func (r *accountSuspensionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	accountID := req.ID
	var identity accountSuspensionIdentityModel
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		accountID = identity.AccountID.ValueString()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if !groupMemberIDPattern.MatchString(accountID) {
		resp.Diagnostics.AddError("Malformed import id for atlassian_account_suspension",
			fmt.Sprintf("The id %q is not an account id, such as 5b10ac8d82e05b22cc7d4ef5: it must not be empty or contain white space or /.", accountID))
		return
	}
	if !r.configured(&resp.Diagnostics) {
		return
	}
	a, found, err := r.view.Account(ctx, accountID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Could not read the account", fmt.Sprintf("Reading account %s failed: %s", accountID, err))
		return
	case !found:
		resp.Diagnostics.AddError("Cannot import the suspension of an account that does not exist",
			fmt.Sprintf("Organization %s has no account %q.", r.orgID, accountID))
		return
	case a.Status != access.StatusSuspended:
		resp.Diagnostics.AddError("Cannot import the suspension of an account that is not suspended",
			fmt.Sprintf("Account %s is %s, so there is no suspension to import: create the atlassian_account_suspension "+
				"instead, and Terraform suspends the account.", withAccountLabel(a, accountID), a.Status))
		return
	}
	imported := accountSuspensionModel{ID: types.StringValue(accountID), AccountID: types.StringValue(accountID)}
	resp.Diagnostics.Append(resp.State.Set(ctx, imported)...)
	setIdentity(ctx, resp.Identity, imported.identity(), &resp.Diagnostics)
}
