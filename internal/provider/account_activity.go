package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// What an account exposes of its activity, two-step verification and how it
// came in: the users search reports it with the pages the account listing
// reads anyway, so none of it costs a request.

// productAccessAttrTypes is the type of one element of product_access.
var productAccessAttrTypes = map[string]attr.Type{
	"workspace_id": types.StringType,
	"product_key":  types.StringType,
	"last_active":  types.StringType,
}

const (
	accountLastActiveDesc = "The account's latest activity in any product, an RFC 3339 time; null when it never used one. " +
		"Atlassian reports activity per product instance (see `product_access`)."
	accountProductAccessDesc = "The product instances (workspaces) the account can reach, through a role of its own or of " +
		"a group, sorted by workspace id, each with its last activity there; empty when it reaches none."
	accountManagementSourceDesc = "How a managed account came into its directory: `invited` (by an admin) or `synced` (from " +
		"an identity provider); null when Atlassian cannot tell, as for unmanaged accounts."
	accountAddedToOrgDesc = "When the account was first added to the organization, an RFC 3339 time; null when Atlassian did not say."
)

// accountActivityAttributes are the schema attributes of accountActivityValues.
func accountActivityAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"last_active": schema.StringAttribute{Computed: true, MarkdownDescription: accountLastActiveDesc},
		"product_access": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: accountProductAccessDesc,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"workspace_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The workspace's ARI."},
				"product_key":  schema.StringAttribute{Computed: true, MarkdownDescription: "The product key, e.g. `jira-software` or `confluence`."},
				"last_active": schema.StringAttribute{Computed: true, MarkdownDescription: "The account's last activity on this " +
					"workspace, an RFC 3339 time; null when it never used it."},
			}},
		},
		"management_source": schema.StringAttribute{Computed: true, MarkdownDescription: accountManagementSourceDesc},
		"added_to_org":      schema.StringAttribute{Computed: true, MarkdownDescription: accountAddedToOrgDesc},
	}
}

// accountActivityTypes are the attribute types of accountActivityAttributes.
var accountActivityTypes = map[string]attr.Type{
	"last_active":       types.StringType,
	"product_access":    types.ListType{ElemType: types.ObjectType{AttrTypes: productAccessAttrTypes}},
	"management_source": types.StringType,
	"added_to_org":      types.StringType,
}

// timeValue is an RFC 3339 time in UTC, or null.
func timeValue(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

// accountActivityValues are the values of accountActivityAttributes for an
// account, as the framework's values: accountActivityTerraformValues'
// converted, so that both data sources say the same.
func accountActivityValues(ctx context.Context, a access.Account) (map[string]attr.Value, error) {
	objectType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	for name, typ := range accountActivityTypes {
		objectType.AttributeTypes[name] = typ.TerraformType(ctx)
	}
	values := map[string]attr.Value{}
	for name, value := range accountActivityTerraformValues(objectType, a, sharedStrings{}) {
		converted, err := accountActivityTypes[name].ValueFromTerraform(ctx, value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		values[name] = converted
	}
	return values, nil
}

// accountActivityTerraformValues are accountActivityValues as Terraform's
// values, for an element of the given account object type.
func accountActivityTerraformValues(account tftypes.Object, a access.Account, shared sharedStrings) map[string]tftypes.Value {
	listType := account.AttributeTypes["product_access"].(tftypes.List)
	itemType := listType.ElementType.(tftypes.Object)
	items := slices.Clone(a.ProductAccess)
	slices.SortFunc(items, func(x, y access.ProductAccess) int { return strings.Compare(x.WorkspaceID, y.WorkspaceID) })
	elems := make([]tftypes.Value, len(items))
	for i, p := range items {
		elems[i] = tftypes.NewValue(itemType, map[string]tftypes.Value{
			"workspace_id": shared.value(p.WorkspaceID),
			"product_key":  shared.value(p.Product),
			"last_active":  tfTime(p.LastActive),
		})
	}
	values := make(map[string]tftypes.Value, len(account.AttributeTypes))
	values["last_active"] = tfTime(a.LastActive)
	values["product_access"] = tftypes.NewValue(listType, elems)
	values["management_source"] = tfOptionalString(a.ManagementSource, shared)
	values["added_to_org"] = tfTime(a.AddedToOrg)
	return values
}

// tfString, tfOptionalString, tfTime and tfBoolPointer are the string,
// optional string, time and optional bool values timeValue and its kin
// give, as Terraform's values.
func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func tfOptionalString(s string, shared sharedStrings) tftypes.Value {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return shared.value(s)
}

// sharedStrings gives one Terraform value per distinct string, for the
// attributes that repeat across accounts (statuses, account types, product
// keys, workspace ids): a value is immutable, and one string boxed once
// instead of once per account keeps the data source's peak down for a large
// organization.
type sharedStrings map[string]tftypes.Value

func (s sharedStrings) value(text string) tftypes.Value {
	if v, ok := s[text]; ok {
		return v
	}
	v := tfString(text)
	s[text] = v
	return v
}

func tfTime(t *time.Time) tftypes.Value {
	if t == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tfString(t.UTC().Format(time.RFC3339Nano))
}

func tfBoolPointer(b *bool) tftypes.Value {
	if b == nil {
		return tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(tftypes.Bool, *b)
}

// parseInactivity reads inactive_for: a whole number of days ("90d") or a
// Go duration ("2160h"), longer than zero.
func parseInactivity(text string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(text, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a whole number of days above zero, such as \"90d\"", text)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a number of days (\"90d\") nor a Go duration (\"2160h\")", text)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not longer than zero", text)
	}
	return d, nil
}

// inactivityValidator checks inactive_for at plan time.
var inactivityValidator = parsingValidator{
	description: `must be a number of days such as "90d" or a Go duration such as "2160h", longer than zero`,
	summary:     "Invalid inactive_for",
	advice:      `inactive_for takes a number of days ("90d") or a Go duration ("2160h")`,
	parse:       func(s string) error { _, err := parseInactivity(s); return err },
}
