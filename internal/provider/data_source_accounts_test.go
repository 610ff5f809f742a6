package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// expectAccountList is the exact accounts list a data source must return
// for the sandbox users that pass keep: every field, in the documented
// order (email ignoring case, then account id). It is computed from the
// sandbox, independently of the provider's own filtering and sorting.
func expectAccountList(st sandbox.State, keep func(sandbox.User) bool) knownvalue.Check {
	var kept []sandbox.User
	for _, u := range st.Users {
		if keep(u) {
			kept = append(kept, u)
		}
	}
	slices.SortFunc(kept, func(a, b sandbox.User) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)), strings.Compare(a.AccountID, b.AccountID))
	})
	checks := make([]knownvalue.Check, len(kept))
	for i, u := range kept {
		checks[i] = knownvalue.ObjectExact(expectAccountFields(st, u))
	}
	return knownvalue.ListExact(checks)
}

// expectAccountFields are the attributes an account is exposed with.
func expectAccountFields(st sandbox.State, u sandbox.User) map[string]knownvalue.Check {
	return withExpectedActivity(st, u, map[string]knownvalue.Check{
		"account_id":     knownvalue.StringExact(u.AccountID),
		"name":           knownvalue.StringExact(u.Name),
		"email":          knownvalue.StringExact(u.Email),
		"status":         knownvalue.StringExact(u.Status),
		"account_type":   knownvalue.StringExact(u.AccountType),
		"claim_status":   knownvalue.StringExact(u.ClaimStatus),
		"platform_roles": knownvalue.ListExact(expectStrings(u.PlatformRoles)),
		"mfa_enabled":    knownvalue.Bool(u.MFAEnabled),
	})
}

// expectStrings checks a list of these strings, in order.
func expectStrings(values []string) []knownvalue.Check {
	out := make([]knownvalue.Check, len(values))
	for i, v := range values {
		out[i] = knownvalue.StringExact(v)
	}
	return out
}

// diversifyStatuses gives the org at least one account in every status the
// generator rarely or never produces (for_deletion), out of band, so each
// status filter has something to find. It changes atlassian-type accounts
// only and leaves the first active ones alone.
func diversifyStatuses(t *testing.T, org *acctest.Org) {
	t.Helper()
	org.Update(func(st *sandbox.State) error {
		changed := 0
		for i := len(st.Users) - 1; i >= 0 && changed < len(accountStatuses)-1; i-- {
			if st.Users[i].AccountType == "atlassian" && st.Users[i].Status == "active" {
				st.Users[i].Status = accountStatuses[changed+1] // every status but active
				changed++
			}
		}
		if changed < len(accountStatuses)-1 {
			return fmt.Errorf("only %d active staff accounts to change", changed)
		}
		return nil
	})
}

// largestMixedGroup is a group whose members are not all alike, so that a
// combined filter within it selects a strict, non-empty subset.
func largestMixedGroup(t *testing.T, org *acctest.Org) sandbox.Group {
	t.Helper()
	var best sandbox.Group
	for _, g := range org.State().Groups {
		if len(g.MemberAccountIDs) > len(best.MemberAccountIDs) {
			best = g
		}
	}
	if len(best.MemberAccountIDs) < 2 {
		t.Fatal("the sandbox org has no group with two members")
	}
	return best
}

// listEveryAccountType makes the org list its app and customer accounts, as
// the real service may (Atlassian's document lists atlassian accounts only),
// so that the account_type filters have each kind to find.
func listEveryAccountType(org *acctest.Org) {
	org.Update(func(st *sandbox.State) error { st.Settings.ListNonAtlassianAccounts = true; return nil })
}

func TestAccAccountsDataSource_filters(t *testing.T) {
	org := acctest.NewOrg(t, 60, 6, 3)
	listEveryAccountType(org)
	diversifyStatuses(t, org)
	st := org.State()
	users := st.Users
	group := largestMixedGroup(t, org)
	inGroup := map[string]bool{}
	for _, id := range group.MemberAccountIDs {
		inGroup[id] = true
	}

	// An email looked up in another case; a search term that is part of a
	// name in the group, written in upper case.
	var probe sandbox.User
	for _, u := range users {
		if inGroup[u.AccountID] && u.Email != "" {
			probe = u
			break
		}
	}
	lastName := strings.Fields(probe.Name)[len(strings.Fields(probe.Name))-1]
	nameSearch := strings.ToUpper(lastName[:min(4, len(lastName))])
	domainSearch := "-EU.EXAMPLE" // the generator's regional staff domain

	searchMatches := func(u sandbox.User, term string) bool {
		term = strings.ToLower(term)
		return strings.Contains(strings.ToLower(u.Name), term) || strings.Contains(strings.ToLower(u.Email), term)
	}

	config := fmt.Sprintf(`
data "atlassian_accounts" "all" {}

data "atlassian_accounts" "group" {
  group_id = %[1]q
}

data "atlassian_accounts" "email" {
  email = %[2]q
}

data "atlassian_accounts" "no_such_email" {
  email = "nobody@nowhere.example"
}

%[3]s
%[4]s

data "atlassian_accounts" "search_name" {
  search = %[5]q
}

data "atlassian_accounts" "search_domain" {
  search = %[6]q
}

data "atlassian_accounts" "combined" {
  group_id     = %[1]q
  status       = "active"
  account_type = "atlassian"
  search       = %[6]q
}
`, group.ID, strings.ToUpper(probe.Email), dataBlocks("status", accountStatuses), dataBlocks("account_type", accountTypes), nameSearch, domainSearch)

	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.atlassian_accounts.all", tfjsonpath.New("id"), knownvalue.StringExact("accounts")),
		statecheck.ExpectKnownValue("data.atlassian_accounts.all", tfjsonpath.New("accounts"),
			expectAccountList(st, func(sandbox.User) bool { return true })),
		statecheck.ExpectKnownValue("data.atlassian_accounts.group", tfjsonpath.New("accounts"),
			expectAccountList(st, func(u sandbox.User) bool { return inGroup[u.AccountID] })),
		statecheck.ExpectKnownValue("data.atlassian_accounts.email", tfjsonpath.New("accounts"),
			expectAccountList(st, func(u sandbox.User) bool { return strings.EqualFold(u.Email, probe.Email) })),
		statecheck.ExpectKnownValue("data.atlassian_accounts.no_such_email", tfjsonpath.New("accounts"), knownvalue.ListExact(nil)),
		statecheck.ExpectKnownValue("data.atlassian_accounts.search_name", tfjsonpath.New("accounts"),
			expectAccountList(st, func(u sandbox.User) bool { return searchMatches(u, nameSearch) })),
		statecheck.ExpectKnownValue("data.atlassian_accounts.search_domain", tfjsonpath.New("accounts"),
			expectAccountList(st, func(u sandbox.User) bool { return searchMatches(u, domainSearch) })),
		statecheck.ExpectKnownValue("data.atlassian_accounts.combined", tfjsonpath.New("accounts"),
			expectAccountList(st, func(u sandbox.User) bool {
				return inGroup[u.AccountID] && u.Status == "active" && u.AccountType == "atlassian" && searchMatches(u, domainSearch)
			})),
		// Filtered listings have their own ids, all different.
		statecheck.ExpectKnownValue("data.atlassian_accounts.group", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{16}$`))),
		statecheck.CompareValuePairs("data.atlassian_accounts.group", tfjsonpath.New("id"),
			"data.atlassian_accounts.combined", tfjsonpath.New("id"), compare.ValuesDiffer()),
		statecheck.CompareValuePairs("data.atlassian_accounts.search_name", tfjsonpath.New("id"),
			"data.atlassian_accounts.search_domain", tfjsonpath.New("id"), compare.ValuesDiffer()),
	}
	for _, status := range accountStatuses {
		checks = append(checks, statecheck.ExpectKnownValue("data.atlassian_accounts.status_"+status,
			tfjsonpath.New("accounts"), expectAccountList(st, func(u sandbox.User) bool { return u.Status == status })))
	}
	for _, accountType := range accountTypes {
		checks = append(checks, statecheck.ExpectKnownValue("data.atlassian_accounts.account_type_"+accountType,
			tfjsonpath.New("accounts"), expectAccountList(st, func(u sandbox.User) bool { return u.AccountType == accountType })))
	}

	// The filters above are only meaningful when each selects a proper,
	// non-empty part of the org: guard against a sandbox change that would
	// make them vacuous.
	nonTrivialFilters(t, users, map[string]func(sandbox.User) bool{
		"group":         func(u sandbox.User) bool { return inGroup[u.AccountID] },
		"search_name":   func(u sandbox.User) bool { return searchMatches(u, nameSearch) },
		"search_domain": func(u sandbox.User) bool { return searchMatches(u, domainSearch) },
		"combined": func(u sandbox.User) bool {
			return inGroup[u.AccountID] && u.Status == "active" && u.AccountType == "atlassian" && searchMatches(u, domainSearch)
		},
		"status for_deletion": func(u sandbox.User) bool { return u.Status == "for_deletion" },
		"type app":            func(u sandbox.User) bool { return u.AccountType == "app" },
		"type customer":       func(u sandbox.User) bool { return u.AccountType == "customer" },
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            org.Config(config),
			ConfigStateChecks: checks,
		}},
	})
}

// nonTrivialFilters fails the test when a filter keeps no user or every
// user.
func nonTrivialFilters(t *testing.T, users []sandbox.User, filters map[string]func(sandbox.User) bool) {
	t.Helper()
	for name, keep := range filters {
		n := 0
		for _, u := range users {
			if keep(u) {
				n++
			}
		}
		if n == 0 || n == len(users) {
			t.Fatalf("filter %s keeps %d of %d sandbox users: the test would prove nothing", name, n, len(users))
		}
	}
}

// dataBlocks renders one atlassian_accounts data source per value of a
// filter, named <attribute>_<value>. (Not for_each: the legacy state shim
// behind Check functions cannot address for_each instances.)
func dataBlocks(attribute string, values []string) string {
	var b strings.Builder
	for _, v := range values {
		fmt.Fprintf(&b, "data \"atlassian_accounts\" \"%s_%s\" {\n  %s = %q\n}\n\n", attribute, v, attribute, v)
	}
	return b.String()
}

// An unknown group is an error naming group_id and the id, not an empty
// list; invalid enum values fail at plan time naming the attribute.
func TestAccAccountsDataSource_errors(t *testing.T) {
	org := acctest.NewOrg(t, 10, 2, 1)
	const missing = "00000000-0000-4000-8000-00000000dead"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_accounts" "x" {
  group_id = %q
}
`, missing)),
				ExpectError: regexp.MustCompile(`(?s)Group not found.*group_id "` + missing + `"\s+names\s+no\s+group`),
			},
			{
				Config: org.Config(`
data "atlassian_accounts" "x" {
  status = "enabled"
}
`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*status.*"enabled"`),
			},
			{
				Config: org.Config(`
data "atlassian_accounts" "x" {
  account_type = "robot"
}
`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*account_type.*"robot"`),
			},
		},
	})
}

// The cost of listing every account of a 2,000-user organization: one
// account listing of 100 per page, shared by every account data source of
// the run, whatever their filters; a group filter adds the group's member
// listing.
func TestAccAccountsDataSource_requestBudget(t *testing.T) {
	const users, pageSize = 2000, 100
	org := acctest.NewOrg(t, users, 4, 3)
	listEveryAccountType(org)
	group := largestMixedGroup(t, org)
	listingPages := (users + pageSize - 1) / pageSize
	memberPages := (len(group.MemberAccountIDs) + pageSize - 1) / pageSize
	workspaceID := org.State().Workspaces[0].ID

	// measure resets the counters before the step's plan (the only command
	// before the check that reads data sources: apply uses the saved plan)
	// and checks them right after apply. For the record it also logs what
	// the previous step cost in all: the harness plans twice more after
	// apply, each Terraform command a fresh provider process with an empty
	// cache.
	previous := ""
	logWholeStep := func() {
		if previous != "" {
			stats := org.Stats()
			t.Logf("%s, whole step (plan, apply, two more plans): %d admin API requests", previous, stats.Total)
		}
	}
	measure := func(label string, budget int) (func(), resource.TestCheckFunc) {
		reset := func() {
			logWholeStep()
			previous = label
			org.ResetStats()
		}
		check := func(*terraform.State) error {
			stats := org.Stats()
			t.Logf("%s: %d admin API requests (budget %d): %v", label, stats.Total, budget, stats.ByRoute)
			if stats.Total > int64(budget) {
				return fmt.Errorf("%s cost %d admin API requests, more than %d", label, stats.Total, budget)
			}
			if stats.Total < int64(listingPages) {
				return fmt.Errorf("%s cost %d admin API requests, fewer than the %d pages of the account listing: the measurement is broken", label, stats.Total, listingPages)
			}
			return nil
		}
		return reset, check
	}

	allReset, allCheck := measure("every account", listingPages+3)
	filteredReset, filteredCheck := measure("eight filtered listings", listingPages+3)
	groupReset, groupCheck := measure("group members", listingPages+memberPages+3)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: allReset,
				Config:    org.Config(`data "atlassian_accounts" "all" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.atlassian_accounts.all", tfjsonpath.New("accounts"), knownvalue.ListSizeExact(users)),
				},
				Check: allCheck,
			},
			{
				PreConfig: filteredReset,
				Config: org.Config(fmt.Sprintf(`
data "atlassian_accounts" "active" {
  status = "active"
}
data "atlassian_accounts" "apps" {
  account_type = "app"
}
data "atlassian_accounts" "search" {
  search = "eu.example"
}
data "atlassian_accounts" "customers" {
  account_type = "customer"
  status       = "active"
}
data "atlassian_accounts" "inactive" {
  inactive_for = "90d"
}
data "atlassian_accounts" "without_mfa" {
  mfa_enabled  = false
  claim_status = "managed"
}
data "atlassian_accounts" "on_a_workspace" {
  workspace_id = %q
}
data "atlassian_accounts" "all" {}
`, workspaceID)),
				Check: filteredCheck,
			},
			{
				PreConfig: groupReset,
				Config: org.Config(fmt.Sprintf(`
data "atlassian_accounts" "group" {
  group_id = %q
}
`, group.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.atlassian_accounts.group", tfjsonpath.New("accounts"),
						knownvalue.ListSizeExact(len(group.MemberAccountIDs))),
				},
				Check: groupCheck,
			},
		},
	})
	logWholeStep()
}

// filtersID: no filter gives the kind, the same filters the same id,
// different filters (even with values that could be confused when joined)
// different ids.
func TestFiltersID(t *testing.T) {
	if got := filtersID("accounts", "email", "", "status", ""); got != "accounts" {
		t.Errorf("no filters: got %q, want accounts", got)
	}
	a := filtersID("accounts", "email", "a@b", "status", "active")
	if a != filtersID("accounts", "email", "a@b", "status", "active") {
		t.Error("the same filters gave different ids")
	}
	for _, other := range []string{
		filtersID("accounts", "email", "a@b", "status", ""),
		filtersID("accounts", "email", "", "status", "active"),
		filtersID("accounts", "email", "a@b|status=active", "status", ""),
		filtersID("groups", "email", "a@b", "status", "active"),
	} {
		if other == a {
			t.Errorf("different filters share the id %q", a)
		}
	}
}

// filterAccounts never reorders or modifies the shared cached listing.
func TestFilterAccountsLeavesListingAlone(t *testing.T) {
	listing := []access.Account{
		{ID: "3", Email: "c@x"}, {ID: "1", Email: "B@x"}, {ID: "2", Email: "a@x"},
	}
	before := slices.Clone(listing)
	got := filterAccounts(listing, nil, accountFilter{})
	if !slices.EqualFunc(listing, before, func(a, b access.Account) bool { return a.ID == b.ID && a.Email == b.Email }) {
		t.Errorf("the listing was modified: %v", listing)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	if want := []string{"2", "1", "3"}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v (email ignoring case)", ids, want)
	}
}
