package provider

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// Request budgets of applies at a small size, cheap enough for make test:
// the counts (not the times) of `make bench` scenarios 3 and 5, so that a
// change that goes back to one read per member, or to more than one write
// per change, fails CI. The refresh-plan budgets (scenarios 1 and 2) are
// asserted by TestAccGroupMembershipRequestCount and
// TestAccGroupMembersRequestCount (resource_group_membership_test.go,
// resource_group_members_test.go); BENCHMARKS.md has the full-size numbers.
//
// What an apply may read, per Terraform walk (the plan, then the apply,
// each with a provider configured afresh): the groups and accounts its plan
// checks refer to, looked up one by one up to access.IndividualLookups per
// kind and then listed whole, or for a member list, its new accounts by id
// in batches; plus, with refresh, one listing per group already in the
// state. Nothing proportional to the number of resources.

// budgetPages is how many pages a listing of n items takes (100 a page).
func budgetPages(n int) int64 { return int64(n/100 + 1) }

// budgetBatches is how many requests looking up n accounts by id takes
// (the users search's accountIds, at most ten ids a request).
func budgetBatches(n int) int64 { return int64((n + 9) / 10) }

// budgetSplit separates membership writes from everything else.
func budgetSplit(st sandbox.Stats) (writes, reads int64) {
	writes = grpMembershipWrites(st)
	return writes, st.Total - writes
}

// TestAccBudget_addMembers: adding 100 accounts to an authoritative member
// list of 200 writes exactly 100 memberships and reads a bounded amount:
// the refresh (one listing of the group) and, in each walk, one batched
// lookup of the newcomers. Nothing in it grows with the organization.
func TestAccBudget_addMembers(t *testing.T) {
	const users, members, added = 500, 200, 100
	org := acctest.NewOrg(t, users, 6, 1)
	g := org.WritableGroup(t)
	active := org.ActiveUsers()
	if len(active) < members+added {
		t.Fatalf("the sandbox org has %d active accounts, need %d", len(active), members+added)
	}
	initial := grpEmails(active[:members]...)
	grown := grpEmails(active[:members+added]...)
	grpSetMembers(org, g.ID, grpKeys(initial))
	config := func(labels map[string]string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group_members" "m" {
  group_id = %q
  members  = %s
}
`, g.ID, grpMembersHCL(labels)))
	}
	readBudget := budgetPages(members) + 1 + // refresh: the group, its member pages and its role page
		2*budgetBatches(added) // each walk: the newcomers looked up by id; not the group again
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				// Taking over a group whose members are all listed writes nothing.
				PreConfig: org.ResetStats,
				Config:    config(initial),
				Check: func(*terraform.State) error {
					if writes, _ := budgetSplit(org.Stats()); writes != 0 {
						return fmt.Errorf("creating the member list of a group that already has those members sent %d membership writes, want 0", writes)
					}
					return nil
				},
			},
			{
				PreConfig: org.ResetStats,
				Config:    config(grown),
				Check: func(*terraform.State) error {
					st := org.Stats()
					writes, reads := budgetSplit(st)
					if writes != added {
						return fmt.Errorf("adding %d members sent %d membership writes, want %d: %v", added, writes, added, st.ByRoute)
					}
					if reads > readBudget {
						return fmt.Errorf("adding %d members sent %d reads, budget %d: %v", added, reads, readBudget, st.ByRoute)
					}
					return grpExpectMembers(org, g.ID, grpKeys(grown))
				},
			},
		},
	})
}

// TestAccBudget_createMemberships: creating 200 additive memberships in 4
// groups writes each once and reads a bounded amount in each walk: a few
// single lookups of groups and accounts, then one listing of each.
func TestAccBudget_createMemberships(t *testing.T) {
	const users, perGroup = 500, 50
	org := acctest.NewOrg(t, users, 6, 1)
	groups := grpWritableGroups(org)
	if len(groups) < 4 {
		t.Fatalf("the sandbox org has %d writable groups, need 4", len(groups))
	}
	groups = groups[:4]
	type edge struct{ group, account string }
	var edges []edge
	var b strings.Builder
	b.WriteString("locals {\n  memberships = [\n")
	for _, g := range groups {
		for _, u := range grpNonMembers(t, org, g, perGroup) {
			edges = append(edges, edge{g.ID, u.AccountID})
			fmt.Fprintf(&b, "    { group_id = %q, account_id = %q },\n", g.ID, u.AccountID)
		}
	}
	// count, not for_each: the test harness's state shim refuses string
	// instance keys.
	b.WriteString("  ]\n}\n" + `
resource "atlassian_group_membership" "m" {
  count      = length(local.memberships)
  group_id   = local.memberships[count.index].group_id
  account_id = local.memberships[count.index].account_id
}
`)
	groupCount := len(org.State().Groups)
	readBudget := 2 * (2*access.IndividualLookups + budgetPages(groupCount) + budgetPages(users))
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				PreConfig: org.ResetStats,
				Config:    org.Config(b.String()),
				Check: func(*terraform.State) error {
					st := org.Stats()
					writes, reads := budgetSplit(st)
					if writes != int64(len(edges)) {
						return fmt.Errorf("creating %d memberships sent %d membership writes, want %d: %v", len(edges), writes, len(edges), st.ByRoute)
					}
					if reads > readBudget {
						return fmt.Errorf("creating %d memberships sent %d reads, budget %d: %v", len(edges), reads, readBudget, st.ByRoute)
					}
					var missing []string
					for _, e := range edges {
						if !grpIsMember(org, e.group, e.account) {
							missing = append(missing, e.group+"/"+e.account)
						}
					}
					sort.Strings(missing)
					if len(missing) > 0 {
						return fmt.Errorf("sandbox: %d memberships missing, e.g. %s", len(missing), missing[0])
					}
					return nil
				},
			},
		},
	})
}
