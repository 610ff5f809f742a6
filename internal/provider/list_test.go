package provider

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// queryCLI is a working directory configured for the test org, with a
// query file, for terraform 1.14 and later.
func queryCLI(t *testing.T, org *acctest.Org, query string) *acctest.CLI {
	t.Helper()
	acctest.RequireTerraform(t)
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.SkipBelow(tfversion.Version1_14_0, "terraform query")
	cli.WriteConfig(org.ProviderBlock())
	if err := cli.WriteFile("adopt.tfquery.hcl", query); err != nil {
		t.Fatal(err)
	}
	return cli
}

// memberListsQuery lists the groups and their member lists, and nothing
// that needs every account.
const memberListsQuery = `
list "atlassian_group" "all" {
  provider = atlassian
  limit    = 10000
}

list "atlassian_group_members" "all" {
  provider = atlassian
  limit    = 10000
}
`

// adoptionQuery lists everything an organization's adoption takes with
// group member lists: groups, member lists, role assignments.
const adoptionQuery = memberListsQuery + `
list "atlassian_workspace_role_assignment" "all" {
  provider = atlassian
  limit    = 10000
}
`

// membershipQuery lists every membership instead of member lists.
const membershipQuery = `
list "atlassian_group_membership" "all" {
  provider = atlassian
  limit    = 10000
}
`

// expectedAdoption counts what adoptionQuery should find in st, by type.
func expectedAdoption(st sandbox.State) map[string]int {
	workspaces := map[string]bool{}
	for _, w := range st.Workspaces {
		workspaces[w.ID] = true
	}
	roles := 0
	for _, a := range st.GroupRoleAssignments {
		if workspaces[a.ResourceID] && slices.Contains(access.WorkspaceRoles, a.Role) {
			roles++
		}
	}
	listed := map[string]bool{}
	for _, u := range sandbox.ListedUsers(st) {
		listed[u.AccountID] = true
	}
	for _, a := range st.UserRoleAssignments {
		if workspaces[a.ResourceID] && slices.Contains(access.WorkspaceRoles, a.Role) && listed[a.AccountID] {
			roles++
		}
	}
	return map[string]int{
		"atlassian_group":                     len(st.Groups),
		"atlassian_group_members":             writableGroupCount(st),
		"atlassian_workspace_role_assignment": roles,
	}
}

func expectedMemberLists(st sandbox.State) map[string]int {
	return map[string]int{"atlassian_group": len(st.Groups), "atlassian_group_members": writableGroupCount(st)}
}

// writableGroupCount is how many groups of st accept membership changes.
func writableGroupCount(st sandbox.State) int {
	n := 0
	for _, g := range st.Groups {
		if !g.ExternalSynced {
			n++
		}
	}
	return n
}

func expectedMemberships(st sandbox.State) map[string]int {
	n := 0
	for _, g := range st.Groups {
		if !g.ExternalSynced {
			n += len(g.MemberAccountIDs)
		}
	}
	return map[string]int{"atlassian_group_membership": n}
}

// pages is how many pages of the connector's size a listing of n takes
// (an empty listing is one page).
func pages(n int) int64 { return int64(max(1, (n+99)/100)) }

// groupListingPages is what reading a group's listing takes: its member
// pages, then its role page.
func groupListingPages(g sandbox.Group) int64 { return pages(len(g.MemberAccountIDs)) + 1 }

// adoptionFloor is what adoptionQuery must read at least: the group and
// account listings, the workspaces, every group's listing and every
// account's role listing (Atlassian lists roles per holder).
func adoptionFloor(st sandbox.State) int64 {
	n := pages(len(st.Groups)) + pages(len(st.Users)) + 1 + int64(len(st.Users))
	for _, g := range st.Groups {
		n += groupListingPages(g)
	}
	return n
}

// membershipFloor: the group listing and the listing of every group that
// accepts membership changes. It is memberListsQuery's floor too: the
// member listings carry the members' accounts, which label them.
func membershipFloor(st sandbox.State) int64 {
	n := pages(len(st.Groups))
	for _, g := range st.Groups {
		if !g.ExternalSynced {
			n += groupListingPages(g)
		}
	}
	return n
}

// The adoption of an organization as a user runs it: terraform query
// writes resource and import blocks for everything, the generated
// configuration plans imports and nothing else, applies, and then plans
// nothing.
func TestAccListResources_generateConfig(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		query    string
		expected func(sandbox.State) map[string]int
		floor    func(sandbox.State) int64
		// exact: the query reads its floor and nothing else, every member
		// list labelled from the member listings (no walk of the accounts).
		exact bool
	}{
		"member lists":       {adoptionQuery, expectedAdoption, adoptionFloor, false},
		"member lists alone": {memberListsQuery, expectedMemberLists, membershipFloor, true},
		"memberships":        {membershipQuery, expectedMemberships, membershipFloor, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := acctest.NewOrg(t, 60, 10, 3)
			cli := queryCLI(t, org, tc.query)
			want := tc.expected(org.State())
			for typ, n := range want {
				if n == 0 {
					t.Fatalf("the sandbox org has nothing for %s to list", typ)
				}
			}
			org.ResetStats()
			cli.Must(cli.Exec("query", "-generate-config-out=generated.tf"))
			// Every listing is read once, whichever list blocks need it.
			if stats, floor := org.Stats(), tc.floor(org.State()); stats.Total > floor {
				t.Errorf("the query sent %d requests, more than the %d pages of its listings: %v", stats.Total, floor, stats.ByRoute)
			}
			generated, err := os.ReadFile(filepath.Join(cli.Dir(), "generated.tf"))
			if err != nil {
				t.Fatal(err)
			}
			if tc.exact {
				expectFloorOnly(t, org, org.Stats(), tc.floor(org.State()))
				expectEmailLabels(t, org.State(), generated)
			}

			plan, res := cli.SavedPlan()
			imports := map[string]int{}
			for _, rc := range plan.ResourceChanges {
				if rc.Change.Importing == nil {
					t.Errorf("%s: planned %v without importing it", rc.Address, rc.Change.Actions)
					continue
				}
				if !rc.Change.Actions.NoOp() {
					t.Errorf("%s: the import plans %v, not a no-op", rc.Address, rc.Change.Actions)
				}
				imports[rc.Type]++
			}
			for typ, n := range want {
				if imports[typ] != n {
					t.Errorf("%s: %d imports planned, want %d", typ, imports[typ], n)
				}
			}
			if len(imports) != len(want) {
				t.Errorf("imports planned by type %v, want %v", imports, want)
			}
			total := 0
			for _, n := range want {
				total += n
			}
			summary := "Plan: " + strconv.Itoa(total) + " to import, 0 to add, 0 to change, 0 to destroy."
			if !strings.Contains(res.Output, summary) {
				t.Errorf("the plan does not say %q:\n%s", summary, tfdriver.LastLines(res.Output, 20))
			}
			if t.Failed() {
				t.Fatalf("generated configuration (first lines):\n%s", firstLines(string(generated), 60))
			}

			before := acctest.AccessOf(org.State())
			cli.MustApply()
			if diff := before.Diff(acctest.AccessOf(org.State())); diff != "" {
				t.Errorf("applying the imports changed the organization:\n%s", diff)
			}
			if changes, res := cli.PlanChanges(); changes {
				t.Errorf("the plan after the imports wants changes:\n%s", tfdriver.LastLines(res.Output, 40))
			}
		})
	}
}

// expectFloorOnly checks that a query of member lists sent exactly floor
// requests, and that its users searches were the member listings' pages:
// a walk of the organization's accounts goes through the same search.
func expectFloorOnly(t *testing.T, org *acctest.Org, stats sandbox.Stats, floor int64) {
	t.Helper()
	if stats.Total != floor {
		t.Errorf("the query sent %d requests, want its floor %d: %v", stats.Total, floor, stats.ByRoute)
	}
	var memberPages int64
	for _, g := range org.State().Groups {
		if !g.ExternalSynced {
			memberPages += pages(len(g.MemberAccountIDs))
		}
	}
	if got := stats.ByRoute[routeSearchUsers]; got != memberPages {
		t.Errorf("the query sent %d users searches, want the %d pages of the member listings (%d account pages over)",
			got, memberPages, got-memberPages)
	}
}

// expectEmailLabels checks the generated member lists: one per group that
// accepts membership changes, each holding the group's members (the
// accounts the directory API shows), each labelled with its account's
// email.
func expectEmailLabels(t *testing.T, st sandbox.State, generated []byte) {
	t.Helper()
	emails := map[string]string{}
	for _, u := range sandbox.ListedUsers(st) {
		emails[u.AccountID] = u.Email
	}
	want := map[string]map[string]string{}
	labelled := 0
	for _, g := range st.Groups {
		if g.ExternalSynced {
			continue
		}
		want[g.ID] = map[string]string{}
		for _, id := range g.MemberAccountIDs {
			if email, listed := emails[id]; listed {
				want[g.ID][id] = email
				if email != "" {
					labelled++
				}
			}
		}
	}
	if labelled == 0 {
		t.Fatal("no member of a group that accepts membership changes has an email in the sandbox")
	}
	file, diags := hclparse.NewParser().ParseHCL(generated, "generated.tf")
	if diags.HasErrors() {
		t.Fatalf("generated.tf: %s", diags.Error())
	}
	got := map[string]map[string]string{}
	for _, block := range file.Body.(*hclsyntax.Body).Blocks {
		if block.Type != "resource" || block.Labels[0] != "atlassian_group_members" {
			continue
		}
		var groupID string
		members := map[string]string{}
		for _, name := range []string{"group_id", "members"} {
			attr, set := block.Body.Attributes[name]
			if !set {
				continue
			}
			v, diags := attr.Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("%s.%s: %s", block.Labels[1], name, diags.Error())
			}
			switch {
			case v.IsNull():
			case name == "group_id":
				groupID = v.AsString()
			default:
				for id, label := range v.AsValueMap() {
					members[id] = label.AsString()
				}
			}
		}
		got[groupID] = members
	}
	for groupID, members := range want {
		if _, found := got[groupID]; !found {
			t.Errorf("no member list generated for group %s", groupID)
			continue
		}
		if !maps.Equal(got[groupID], members) {
			t.Errorf("group %s: generated members %v, want %v", groupID, got[groupID], members)
		}
	}
	for groupID := range got {
		if want[groupID] == nil {
			t.Errorf("a member list generated for %s, which is no group accepting membership changes", groupID)
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
