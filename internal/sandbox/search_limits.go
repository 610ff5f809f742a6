package sandbox

import "slices"

// The limits of the search bodies and listing queries, as Atlassian's
// document declares them (maxItems, enums, uniqueItems). A value outside
// them is a 400 naming the field, never served: a client that sends eleven
// account ids must learn it here, not from Atlassian.
const (
	maxAccountIDsFilter    = 10
	maxDirectoryIDsFilter  = 10
	maxEmailDomainsFilter  = 10
	maxRoleIDsFilter       = 10
	maxSearchResourceIDs   = 20
	maxSearchEmails        = 100
	maxStatusFilter        = 4
	maxAccountStatusFilter = 3
	maxMembershipStatus    = 3
	maxGroupNamesFilter    = 100
	maxResourceOwners      = 10
)

// searchRoleIDs are the values roleIds takes, on the users and the groups
// searches alike.
var searchRoleIDs = enumOf("atlassian/user", "atlassian/admin", "atlassian/guest", "atlassian/customer",
	"atlassian/user-access-admin", "atlassian/contributor", "atlassian/basic", "atlassian/stakeholder",
	"atlassian/org-admin", "atlassian/site-admin", "atlassian/ai-access")

var (
	accountStatuses    = enumOf("active", "inactive", "closed")
	membershipStatuses = enumOf("active", "suspended", "no_membership")
	claimStatuses      = enumOf("managed", "unmanaged")
)

func enumOf(values ...string) map[string]bool {
	out := make(map[string]bool, len(values))
	for _, v := range values {
		out[v] = true
	}
	return out
}

// arrayRule is what the document says of one array field.
type arrayRule struct {
	field   string
	max     int
	allowed map[string]bool // nil: any string
	unique  bool
}

// check refuses values the rule rules out. nil means the field was absent;
// an empty array given explicitly breaks minItems (1).
func (rule arrayRule) check(values []string) *apiError {
	switch {
	case values == nil:
		return nil
	case len(values) == 0:
		return errBadRequest("%s must hold at least one value when given", rule.field)
	case len(values) > rule.max:
		return errBadRequest("%s accepts at most %d values", rule.field, rule.max)
	}
	for i, v := range values {
		if rule.allowed != nil && !rule.allowed[v] {
			return errBadRequest("%s: %q is not an allowed value", rule.field, v)
		}
		if rule.unique && slices.Contains(values[:i], v) {
			return errBadRequest("%s: %q is given twice; its values must be unique", rule.field, v)
		}
	}
	return nil
}

// checkArrays applies each rule to its values, in order, and answers the
// first refusal.
func checkArrays(checks ...arrayCheck) *apiError {
	for _, c := range checks {
		if err := c.rule.check(c.values); err != nil {
			return err
		}
	}
	return nil
}

type arrayCheck struct {
	rule   arrayRule
	values []string
}

func checkOf(rule arrayRule, values []string) arrayCheck { return arrayCheck{rule, values} }
