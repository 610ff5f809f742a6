package provider

import (
	"context"
	"fmt"
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
	_ datasource.DataSource              = (*accountDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*accountDataSource)(nil)
)

// NewAccountDataSource returns the atlassian_account data source.
func NewAccountDataSource() datasource.DataSource { return &accountDataSource{} }

type accountDataSource struct {
	accessDataSource
}

type accountDataModel struct {
	ID               types.String `tfsdk:"id"`
	AccountID        types.String `tfsdk:"account_id"`
	Email            types.String `tfsdk:"email"`
	Name             types.String `tfsdk:"name"`
	Status           types.String `tfsdk:"status"`
	AccountType      types.String `tfsdk:"account_type"`
	ClaimStatus      types.String `tfsdk:"claim_status"`
	PlatformRoles    types.List   `tfsdk:"platform_roles"`
	MFAEnabled       types.Bool   `tfsdk:"mfa_enabled"`
	LastActive       types.String `tfsdk:"last_active"`
	ProductAccess    types.List   `tfsdk:"product_access"`
	ManagementSource types.String `tfsdk:"management_source"`
	AddedToOrg       types.String `tfsdk:"added_to_org"`
}

func (d *accountDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (d *accountDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds one account of the organization, by account id or by email address (set exactly one). " +
			"It is an error when no account matches, or when several accounts share the email address, so a " +
			"configuration never grants access to the wrong person. The usual way to turn the email addresses people " +
			"know into the account ids that memberships and role assignments need.",
		Attributes: withActivity(map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The same as `account_id`.",
			},
			"account_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: accountIDDescription + " Set it to look the account up by id (one admin API request); " +
					"otherwise it is the id of the account found by `email`. Exactly one of `account_id` and `email` must be set.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ExactlyOneOf(path.MatchRoot("account_id"), path.MatchRoot("email")),
				},
			},
			"email": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The account's email address, as Atlassian stores it (empty for app accounts). Set it to " +
					"look the account up by email, compared ignoring case: this reads the organization's account listing, " +
					"once per plan, shared with every other account data source. Exactly one of `account_id` and `email` " +
					"must be set.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name":           schema.StringAttribute{Computed: true, MarkdownDescription: accountNameDescription},
			"status":         schema.StringAttribute{Computed: true, MarkdownDescription: accountStatusDesc},
			"account_type":   schema.StringAttribute{Computed: true, MarkdownDescription: accountTypeDescription},
			"claim_status":   schema.StringAttribute{Computed: true, MarkdownDescription: accountClaimDesc},
			"platform_roles": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: accountPlatformRoles},
			"mfa_enabled":    schema.BoolAttribute{Computed: true, MarkdownDescription: accountMFADesc},
		}),
	}
}

// accountsWithEmail returns the accounts whose email is email, ignoring case.
func accountsWithEmail(all []access.Account, email string) []access.Account {
	var out []access.Account
	for _, a := range all {
		if strings.EqualFold(a.Email, email) {
			out = append(out, a)
		}
	}
	access.SortAccounts(out)
	return out
}

func (d *accountDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model accountDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}

	var account access.Account
	switch {
	case !model.AccountID.IsNull():
		id := model.AccountID.ValueString()
		a, found, err := d.view.Account(ctx, id)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Could not read the account",
				fmt.Sprintf("Reading account_id %q failed: %s", id, err))
			return
		}
		if !found {
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Account not found",
				fmt.Sprintf("account_id %q names no account of the organization.", id))
			return
		}
		account = a

	case !model.Email.IsNull():
		email := model.Email.ValueString()
		all, err := d.view.Accounts(ctx)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Could not list the organization's accounts", err.Error())
			return
		}
		matches := accountsWithEmail(all, email)
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Account not found",
				fmt.Sprintf("email %q matches no account of the organization.", email))
			return
		case 1:
			account = matches[0]
		default:
			ids := make([]string, len(matches))
			for i, a := range matches {
				ids[i] = a.ID
			}
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Several accounts have this email",
				fmt.Sprintf("email %q matches %d accounts: %s. Look the account up by account_id instead.",
					email, len(matches), quotedList(ids)))
			return
		}

	default:
		// The ExactlyOneOf validator rules this out before Read.
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Missing account selector",
			"Set exactly one of account_id and email.")
		return
	}

	model.ID = types.StringValue(account.ID)
	model.AccountID = types.StringValue(account.ID)
	model.Email = types.StringValue(account.Email)
	model.Name = types.StringValue(account.Name)
	model.Status = types.StringValue(account.Status)
	model.AccountType = types.StringValue(account.AccountType)
	model.ClaimStatus = types.StringValue(account.ClaimStatus)
	model.PlatformRoles = platformRolesValue(account.PlatformRoles)
	model.MFAEnabled = types.BoolPointerValue(account.MFAEnabled)
	activity, err := accountActivityValues(ctx, account)
	if err != nil {
		resp.Diagnostics.AddError("Could not build the account's activity", err.Error())
		return
	}
	model.LastActive = activity["last_active"].(types.String)
	model.ProductAccess = activity["product_access"].(types.List)
	model.ManagementSource = activity["management_source"].(types.String)
	model.AddedToOrg = activity["added_to_org"].(types.String)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
