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
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// expectGroupFields are the attributes a group is exposed with.
func expectGroupFields(g sandbox.Group) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"group_id":        knownvalue.StringExact(g.ID),
		"name":            knownvalue.StringExact(g.Name),
		"description":     knownvalue.StringExact(g.Description),
		"directory_id":    knownvalue.StringExact(g.DirectoryID),
		"external_synced": knownvalue.Bool(g.ExternalSynced),
	}
}

// expectGroupList is the exact groups list for the sandbox groups that pass
// keep, sorted by name ignoring case, then id.
func expectGroupList(groups []sandbox.Group, keep func(sandbox.Group) bool) knownvalue.Check {
	var kept []sandbox.Group
	for _, g := range groups {
		if keep(g) {
			kept = append(kept, g)
		}
	}
	slices.SortFunc(kept, func(a, b sandbox.Group) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	checks := make([]knownvalue.Check, len(kept))
	for i, g := range kept {
		checks[i] = knownvalue.ObjectExact(expectGroupFields(g))
	}
	return knownvalue.ListExact(checks)
}

func TestAccGroupsDataSource_search(t *testing.T) {
	org := acctest.NewOrg(t, 40, 14, 3)
	groups := org.State().Groups
	// A term taken from one group's name, in upper case: it must find that
	// group and every other whose name contains it, ignoring case.
	term := strings.ToUpper(groups[0].Name[:min(3, len(groups[0].Name))])
	matches := func(g sandbox.Group) bool { return strings.Contains(strings.ToLower(g.Name), strings.ToLower(term)) }
	matched := 0
	for _, g := range groups {
		if matches(g) {
			matched++
		}
	}
	if matched == 0 || matched == len(groups) {
		t.Fatalf("search %q matches %d of %d groups: the test would prove nothing", term, matched, len(groups))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(fmt.Sprintf(`
data "atlassian_groups" "all" {}

data "atlassian_groups" "search" {
  search = %q
}

data "atlassian_groups" "none" {
  search = "no group is called this"
}
`, term)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.atlassian_groups.all", tfjsonpath.New("id"), knownvalue.StringExact("groups")),
				statecheck.ExpectKnownValue("data.atlassian_groups.all", tfjsonpath.New("groups"),
					expectGroupList(groups, func(sandbox.Group) bool { return true })),
				statecheck.ExpectKnownValue("data.atlassian_groups.search", tfjsonpath.New("groups"), expectGroupList(groups, matches)),
				statecheck.ExpectKnownValue("data.atlassian_groups.none", tfjsonpath.New("groups"), knownvalue.ListExact(nil)),
				statecheck.ExpectKnownValue("data.atlassian_groups.search", tfjsonpath.New("id"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{16}$`))),
				statecheck.CompareValuePairs("data.atlassian_groups.search", tfjsonpath.New("id"),
					"data.atlassian_groups.none", tfjsonpath.New("id"), compare.ValuesDiffer()),
			},
		}},
	})
}
