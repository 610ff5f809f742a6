package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// The values Atlassian uses for an account's status and type (the admin
// API's v2 user object).
var (
	accountStatuses = []string{"active", "suspended", "not_invited", "deactivated", "for_deletion"}
	accountTypes    = []string{"atlassian", "customer", "app"}
)

var (
	_ datasource.DataSource              = (*accountsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*accountsDataSource)(nil)
)

// NewAccountsDataSource returns the atlassian_accounts data source.
func NewAccountsDataSource() datasource.DataSource { return &accountsDataSource{} }

type accountsDataSource struct {
	accessDataSource
}

type accountsModel struct {
	ID          types.String `tfsdk:"id"`
	GroupID     types.String `tfsdk:"group_id"`
	Email       types.String `tfsdk:"email"`
	Status      types.String `tfsdk:"status"`
	AccountType types.String `tfsdk:"account_type"`
	Search      types.String `tfsdk:"search"`
	ClaimStatus types.String `tfsdk:"claim_status"`
	MFAEnabled  types.Bool   `tfsdk:"mfa_enabled"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	InactiveFor types.String `tfsdk:"inactive_for"`
	Accounts    accountsList `tfsdk:"accounts"`
}

// claimStatuses are the values of an account's claim status.
var claimStatuses = []string{"managed", "unmanaged"}

// accountAttrTypes is the type of one element of accounts.
var accountAttrTypes = withActivityTypes(map[string]attr.Type{
	"account_id":     types.StringType,
	"name":           types.StringType,
	"email":          types.StringType,
	"status":         types.StringType,
	"account_type":   types.StringType,
	"claim_status":   types.StringType,
	"platform_roles": types.ListType{ElemType: types.StringType},
	"mfa_enabled":    types.BoolType,
})

// withActivityTypes adds the activity attributes' types to an account's.
func withActivityTypes(types map[string]attr.Type) map[string]attr.Type {
	for name, typ := range accountActivityTypes {
		types[name] = typ
	}
	return types
}

// accountsTerraformValue builds accounts as Terraform's own values, of the
// list type the schema gives, rather than as the framework's attribute
// values: the framework's reflection compiles a regular expression for
// every field of every element, and converting attribute values builds each
// element's object type anew (a map per account) while both forms are held
// at once. For a large organization those made most of the data source's
// allocations, time and peak memory (BENCHMARKS.md, the changes made for
// scenario 4, has the figures).
func accountsTerraformValue(listType tftypes.List, accounts []access.Account) tftypes.Value {
	account := listType.ElementType.(tftypes.Object)
	rolesType := account.AttributeTypes["platform_roles"].(tftypes.List)
	shared := sharedStrings{}
	noRoles := tftypes.NewValue(rolesType, []tftypes.Value{})
	elems := make([]tftypes.Value, len(accounts))
	for i, a := range accounts {
		values := accountActivityTerraformValues(account, a, shared)
		values["account_id"] = tfString(a.ID)
		values["name"] = tfString(a.Name)
		values["email"] = tfString(a.Email)
		values["status"] = shared.value(a.Status)
		values["account_type"] = shared.value(a.AccountType)
		values["claim_status"] = shared.value(a.ClaimStatus)
		values["platform_roles"] = noRoles
		if len(a.PlatformRoles) > 0 {
			values["platform_roles"] = platformRolesTerraformValue(rolesType, a.PlatformRoles, shared)
		}
		values["mfa_enabled"] = tfBoolPointer(a.MFAEnabled)
		elems[i] = tftypes.NewValue(account, values)
	}
	return tftypes.NewValue(listType, elems)
}

// accountsListType is the type of accounts. The framework, after Read,
// turns every attribute of the new state into its attribute values to
// compare it with the configuration's (semantic equality), and for a large
// organization that conversion alone held about a quarter of the provider's
// peak memory (BENCHMARKS.md, the changes made for scenario 4). accounts is
// computed: the configuration's is always null, so nothing is compared. Its
// values keep Terraform's value as it is, and convert only when asked for
// the framework's list.
type accountsListType struct {
	basetypes.ListType
}

var _ basetypes.ListTypable = accountsListType{}

func (t accountsListType) Equal(o attr.Type) bool {
	other, ok := o.(accountsListType)
	return ok && t.ListType.Equal(other.ListType)
}

func (t accountsListType) String() string { return "accountsListType" }

func (t accountsListType) ValueFromTerraform(_ context.Context, in tftypes.Value) (attr.Value, error) {
	return accountsList{raw: in}, nil
}

func (t accountsListType) ValueFromList(ctx context.Context, in basetypes.ListValue) (basetypes.ListValuable, diag.Diagnostics) {
	raw, err := in.ToTerraformValue(ctx)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not read accounts", err.Error())
		return nil, diags
	}
	return accountsList{raw: raw}, nil
}

func (t accountsListType) ValueType(context.Context) attr.Value { return accountsList{} }

// accountsList is a value of accountsListType: Terraform's value of the
// list, or null when it holds none.
type accountsList struct {
	raw tftypes.Value
}

var _ basetypes.ListValuable = accountsList{}

func (v accountsList) listType() basetypes.ListType {
	return basetypes.ListType{ElemType: types.ObjectType{AttrTypes: accountAttrTypes}}
}

func (v accountsList) Type(context.Context) attr.Type {
	return accountsListType{ListType: v.listType()}
}

func (v accountsList) ToTerraformValue(ctx context.Context) (tftypes.Value, error) {
	if v.raw.Type() == nil {
		return tftypes.NewValue(v.listType().TerraformType(ctx), nil), nil
	}
	return v.raw, nil
}

func (v accountsList) Equal(o attr.Value) bool {
	other, ok := o.(accountsList)
	if !ok {
		return false
	}
	if v.raw.Type() == nil || other.raw.Type() == nil {
		return v.raw.Type() == nil && other.raw.Type() == nil
	}
	return v.raw.Equal(other.raw)
}

func (v accountsList) IsNull() bool { return v.raw.Type() == nil || v.raw.IsNull() }

func (v accountsList) IsUnknown() bool { return v.raw.Type() != nil && !v.raw.IsKnown() }

func (v accountsList) String() string {
	if v.IsNull() {
		return "<null>"
	}
	return v.raw.String()
}

func (v accountsList) ToListValue(ctx context.Context) (basetypes.ListValue, diag.Diagnostics) {
	if v.raw.Type() == nil {
		return basetypes.NewListNull(v.listType().ElemType), nil
	}
	value, err := v.listType().ValueFromTerraform(ctx, v.raw)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not read accounts", err.Error())
		return basetypes.ListValue{}, diags
	}
	return value.(basetypes.ListValue), nil
}

// withAccounts is the data source's state with its accounts attribute
// replaced by accounts.
func withAccounts(ctx context.Context, state tfsdk.State, accounts []access.Account) (tftypes.Value, error) {
	stateType, ok := state.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("the data source's schema is not an object")
	}
	listType, ok := stateType.AttributeTypes["accounts"].(tftypes.List)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("the schema's accounts attribute is not a list")
	}
	var attributes map[string]tftypes.Value
	if err := state.Raw.As(&attributes); err != nil {
		return tftypes.Value{}, err
	}
	attributes["accounts"] = accountsTerraformValue(listType, accounts)
	return tftypes.NewValue(stateType, attributes), nil
}

// Descriptions shared by the plural and the singular data source.
const (
	accountIDDescription   = "The Atlassian account id, e.g. `5b10ac8d82e05b22cc7d4ef5` or `712020:<uuid>`: what group memberships and role assignments refer to."
	accountNameDescription = "The account's display name."
	accountEmailDesc       = "The account's email address. Empty for app accounts, which have none."
	accountStatusDesc      = "The account's status in the organization: `active`, `suspended`, `not_invited`, `deactivated` or `for_deletion`."
	accountTypeDescription = "The kind of account: `atlassian` (staff), `customer` (a Jira Service Management customer) or `app` (a bot or integration)."
	accountClaimDesc       = "`managed` when the organization has claimed the account through a verified domain, else `unmanaged`."
	accountPlatformRoles   = "The account's organization-level (platform) roles, such as `atlassian/org-admin`, sorted; empty when it has none."
	accountMFADesc         = "Whether the account has two-step verification (MFA) turned on, as the admin API's users search reports it; null when Atlassian did not say."
)

// platformRolesTerraformValue is platformRolesValue as Terraform's value.
func platformRolesTerraformValue(listType tftypes.List, roles []string, shared sharedStrings) tftypes.Value {
	sorted := slices.Clone(roles)
	slices.Sort(sorted)
	elems := make([]tftypes.Value, len(sorted))
	for i, r := range sorted {
		elems[i] = shared.value(r)
	}
	return tftypes.NewValue(listType, elems)
}

// platformRolesValue is the platform_roles list of an account, sorted and
// never null.
func platformRolesValue(roles []string) types.List {
	sorted := slices.Clone(roles)
	slices.Sort(sorted)
	elems := make([]attr.Value, len(sorted))
	for i, r := range sorted {
		elems[i] = types.StringValue(r)
	}
	return types.ListValueMust(types.StringType, elems)
}

func (d *accountsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_accounts"
}

func (d *accountsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the accounts of the organization, optionally filtered. Every filter is optional and " +
			"they combine (an account must match all that are set). Without filters, every account of every directory " +
			"is returned.\n\n" +
			"The organization's accounts are listed once per plan (one admin API request per 100 accounts) " +
			"and shared by every `atlassian_accounts` and `atlassian_account` data source of the plan, so several filtered " +
			"listings cost no more than one. `group_id` adds one listing of that group's members (one request per 100 " +
			"members).\n\n" +
			"`inactive_for` is judged against the time of the plan: the same configuration finds more accounts as time " +
			"passes, so a scheduled apply that acts on it (suspending inactive accounts, say) acts on a set that grows " +
			"between runs. Review the plan's changes before applying, and save the plan when it is applied later: " +
			"`baton-atlassian impact` reads a saved plan and lists who gains and who loses what access if it is applied. " +
			"The documentation of `atlassian_account_suspension` and of `atlassian_workspace_role_assignment` has examples " +
			"that act on activity: suspending the accounts inactive for a time, and taking a product away from the people " +
			"who never used it.\n\n" +
			"To find a single account by email or id, and fail when there is none, use `atlassian_account`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`accounts` when no filter is set; otherwise a stable hash of the filters, " +
					"the same for the same filters.",
			},
			"group_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only members of the group with this id. A group that does not exist is an error " +
					"(not an empty list), so a mistyped id cannot silently empty the result.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"email": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only accounts with exactly this email address, compared ignoring case.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only accounts with this status: one of `" + strings.Join(accountStatuses, "`, `") + "`.",
				Validators:          []validator.String{stringvalidator.OneOf(accountStatuses...)},
			},
			"account_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only accounts of this type: one of `" + strings.Join(accountTypes, "`, `") + "`.",
				Validators:          []validator.String{stringvalidator.OneOf(accountTypes...)},
			},
			"search": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Free text: only accounts whose name or email contains it, ignoring case " +
					"(`smith` finds `Jo Smith` and `ann.smithers@example.com`).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"claim_status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only accounts with this claim status: `managed` or `unmanaged`.",
				Validators:          []validator.String{stringvalidator.OneOf(claimStatuses...)},
			},
			"mfa_enabled": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Only accounts with two-step verification turned on (`true`) or off (`false`), as the " +
					"admin API's users search reports it.",
			},
			"workspace_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only accounts that can reach the workspace with this ARI, through a role of their own " +
					"or of a group (the workspace is in their `product_access`).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"inactive_for": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only accounts whose latest activity in any product is older than this before the time " +
					"of the plan, or that never used a product: a number of days (`\"90d\"`) or a Go duration (`\"2160h\"`).",
				Validators: []validator.String{inactivityValidator},
			},
			"accounts": schema.ListNestedAttribute{
				Computed:            true,
				CustomType:          accountsListType{ListType: basetypes.ListType{ElemType: types.ObjectType{AttrTypes: accountAttrTypes}}},
				MarkdownDescription: "The matching accounts, sorted by email (ignoring case), then by account id.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: withActivity(map[string]schema.Attribute{
						"account_id":     schema.StringAttribute{Computed: true, MarkdownDescription: accountIDDescription},
						"name":           schema.StringAttribute{Computed: true, MarkdownDescription: accountNameDescription},
						"email":          schema.StringAttribute{Computed: true, MarkdownDescription: accountEmailDesc},
						"status":         schema.StringAttribute{Computed: true, MarkdownDescription: accountStatusDesc},
						"account_type":   schema.StringAttribute{Computed: true, MarkdownDescription: accountTypeDescription},
						"claim_status":   schema.StringAttribute{Computed: true, MarkdownDescription: accountClaimDesc},
						"platform_roles": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: accountPlatformRoles},
						"mfa_enabled":    schema.BoolAttribute{Computed: true, MarkdownDescription: accountMFADesc},
					}),
				},
			},
		},
	}
}

// accountFilter is the set of filters of atlassian_accounts; empty fields
// do not filter.
type accountFilter struct {
	GroupID     string
	Email       string
	Status      string
	AccountType string
	Search      string
	ClaimStatus string
	MFAEnabled  *bool
	WorkspaceID string
	// InactiveSince keeps the accounts that used no product since this
	// time; zero does not filter.
	InactiveSince time.Time
}

// match reports whether an account passes every filter but group_id, which
// is applied against the group's member list.
func (f accountFilter) match(a access.Account) bool {
	switch {
	case f.Email != "" && !strings.EqualFold(a.Email, f.Email):
		return false
	case f.Status != "" && a.Status != f.Status:
		return false
	case f.AccountType != "" && a.AccountType != f.AccountType:
		return false
	case f.Search != "" && !containsFold(a.Name, f.Search) && !containsFold(a.Email, f.Search):
		return false
	case f.ClaimStatus != "" && a.ClaimStatus != f.ClaimStatus:
		return false
	case f.MFAEnabled != nil && (a.MFAEnabled == nil || *a.MFAEnabled != *f.MFAEnabled):
		return false
	case f.WorkspaceID != "" && !a.CanReach(f.WorkspaceID):
		return false
	case !f.InactiveSince.IsZero() && !a.InactiveSince(f.InactiveSince):
		return false
	}
	return true
}

// filterAccounts returns, in a new slice sorted by email then id, the
// accounts that match f and, when members is not nil, belong to it. The
// input is the directory's shared cached listing and is never modified.
func filterAccounts(all []access.Account, members map[string]bool, f accountFilter) []access.Account {
	out := []access.Account{}
	for _, a := range all {
		if members != nil && !members[a.ID] {
			continue
		}
		if f.match(a) {
			out = append(out, a)
		}
	}
	access.SortAccounts(out)
	return out
}

func (d *accountsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model accountsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}
	filter := accountFilter{
		GroupID:     model.GroupID.ValueString(),
		Email:       model.Email.ValueString(),
		Status:      model.Status.ValueString(),
		AccountType: model.AccountType.ValueString(),
		Search:      model.Search.ValueString(),
		ClaimStatus: model.ClaimStatus.ValueString(),
		MFAEnabled:  model.MFAEnabled.ValueBoolPointer(),
		WorkspaceID: model.WorkspaceID.ValueString(),
	}
	if text := model.InactiveFor.ValueString(); text != "" {
		// The validator refused anything else at plan time.
		inactivity, err := parseInactivity(text)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("inactive_for"), "Invalid inactive_for", err.Error())
			return
		}
		filter.InactiveSince = time.Now().Add(-inactivity)
	}

	// A nil member set means "no group filter"; an empty one, an empty group.
	var members map[string]bool
	if filter.GroupID != "" {
		m, found, err := d.view.GroupMembers(ctx, filter.GroupID)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Could not list the group's members",
				fmt.Sprintf("Listing the members of group_id %q failed: %s", filter.GroupID, err))
			return
		}
		if !found {
			resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Group not found",
				fmt.Sprintf("group_id %q names no group of the organization.", filter.GroupID))
			return
		}
		members = m
	}

	all, err := d.view.Accounts(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list the organization's accounts", err.Error())
		return
	}
	matched := filterAccounts(all, members, filter)
	if members != nil {
		// A member missing from the account listing joined after it was
		// taken; it shows up on the next plan. Worth a trace, not an error.
		if missing := len(members) - countMembers(all, members); missing > 0 {
			tflog.Debug(ctx, "group members absent from the account listing", map[string]any{
				"group_id": filter.GroupID, "missing": missing,
			})
		}
	}

	model.ID = types.StringValue(filtersID("accounts",
		"group_id", filter.GroupID, "email", strings.ToLower(filter.Email), "status", filter.Status,
		"account_type", filter.AccountType, "search", strings.ToLower(filter.Search),
		"claim_status", filter.ClaimStatus, "mfa_enabled", boolFilter(filter.MFAEnabled),
		"workspace_id", filter.WorkspaceID, "inactive_for", model.InactiveFor.ValueString()))
	model.Accounts = accountsList{}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state, err := withAccounts(ctx, resp.State, matched)
	if err != nil {
		resp.Diagnostics.AddError("Could not build the accounts", err.Error())
		return
	}
	resp.State.Raw = state
}

// boolFilter spells an optional boolean filter for filtersID: empty when
// unset.
func boolFilter(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// withActivity adds the activity attributes to an account's attributes.
func withActivity(attributes map[string]schema.Attribute) map[string]schema.Attribute {
	for name, a := range accountActivityAttributes() {
		attributes[name] = a
	}
	return attributes
}

// countMembers counts the accounts of the listing that are in members.
func countMembers(all []access.Account, members map[string]bool) int {
	n := 0
	for _, a := range all {
		if members[a.ID] {
			n++
		}
	}
	return n
}
