package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// accessColumns are the attributes of one entry of access.
var accessColumns = []string{"account_id", "email", "name", "account_status", "claim_status", "access_type", "resource_id", "resource_name", "role", "path", "path_group_id"}

// expectAccess is the exact access list of the entries that pass keep.
// A workspace role entry carries the account's last activity on the
// workspace, from the state.
func expectAccess(st sandbox.State, entries [][]string, keep func(e []string) bool) (knownvalue.Check, int) {
	var checks []knownvalue.Check
	for _, e := range entries {
		if !keep(e) {
			continue
		}
		fields := map[string]knownvalue.Check{}
		for i, c := range accessColumns {
			fields[c] = knownvalue.StringExact(e[i])
		}
		fields["last_active"] = knownvalue.Null()
		if e[5] == "workspace_role" {
			fields["last_active"] = expectTime(lastActiveOf(st, e[0], e[6]))
		}
		checks = append(checks, knownvalue.ObjectExact(fields))
	}
	return knownvalue.ListExact(checks), len(checks)
}

// lastActiveOf is an account's last activity on a workspace in the state;
// nil when never.
func lastActiveOf(st sandbox.State, accountID, workspaceID string) *time.Time {
	for _, u := range st.Users {
		if u.AccountID == accountID {
			if t, err := time.Parse(time.RFC3339, u.ProductActivity[workspaceID]); err == nil {
				return &t
			}
		}
	}
	return nil
}

// accessReviewOrg is an organization with every path the data source must
// show: a suspended account still in groups, a group holding roles on a
// workspace and on the organization, and an account holding a workspace
// role both directly and through a group.
type accessReviewOrg struct {
	*acctest.Org
	suspended, twoPaths sandbox.User
	roleGroup           sandbox.Group
	workspace           sandbox.Workspace
}

func newAccessReviewOrg(t *testing.T) *accessReviewOrg {
	t.Helper()
	org := &accessReviewOrg{Org: acctest.NewOrg(t, 60, 8, 3)}
	org.Update(func(st *sandbox.State) error {
		ws := st.Workspaces[0]
		var group *sandbox.Group
		for i := range st.Groups {
			if !st.Groups[i].ExternalSynced && len(st.Groups[i].MemberAccountIDs) >= 3 {
				group = &st.Groups[i]
				break
			}
		}
		if group == nil {
			return fmt.Errorf("no group of three members")
		}
		st.GroupRoleAssignments = append(st.GroupRoleAssignments,
			sandbox.GroupRoleAssignment{GroupID: group.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin"},
			sandbox.GroupRoleAssignment{GroupID: group.ID, ResourceID: "ari:cloud:platform::org/" + st.Organization.ID, ResourceOwner: "platform", Role: "atlassian/user-access-admin"},
		)
		byID := map[string]*sandbox.User{}
		for i := range st.Users {
			byID[st.Users[i].AccountID] = &st.Users[i]
		}
		suspended, twoPaths := byID[group.MemberAccountIDs[0]], byID[group.MemberAccountIDs[1]]
		suspended.Status, suspended.MembershipStatus = "suspended", "suspended"
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: twoPaths.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin",
		})
		org.suspended, org.twoPaths, org.roleGroup, org.workspace = *suspended, *twoPaths, *group, ws
		return nil
	})
	return org
}

// TestAccEffectiveAccessDataSource_questions: the account and workspace
// questions answer exactly what the sandbox's state gives, in order: a
// suspended account's access, a role through a group (and the same role
// held directly too, listed once per path), an organization role through a
// group, and a workspace's holders with and without a role filter.
func TestAccEffectiveAccessDataSource_questions(t *testing.T) {
	org := newAccessReviewOrg(t)
	st := org.State()
	all := sandboxtest.AccessRows(st)
	suspendedAccess, n := expectAccess(st, all, func(e []string) bool { return e[0] == org.suspended.AccountID })
	if n == 0 {
		t.Fatal("the suspended account holds nothing: the test arranged group access")
	}
	twoPathAccess, _ := expectAccess(st, all, func(e []string) bool { return e[0] == org.twoPaths.AccountID })
	// Some holders of the workspace used it and some never did, so the
	// entries' last_active is checked both ways.
	used, unused := 0, 0
	for _, e := range all {
		if e[5] == "workspace_role" && e[6] == org.workspace.ID {
			if lastActiveOf(st, e[0], e[6]) != nil {
				used++
			} else {
				unused++
			}
		}
	}
	if used == 0 || unused == 0 {
		t.Fatalf("of the workspace's holders, %d used it and %d never did: the test needs both", used, unused)
	}
	workspaceAccess, _ := expectAccess(st, all, func(e []string) bool {
		return e[5] == "workspace_role" && e[6] == org.workspace.ID
	})
	adminAccess, admins := expectAccess(st, all, func(e []string) bool {
		return e[5] == "workspace_role" && e[6] == org.workspace.ID && e[8] == "atlassian/admin"
	})
	// The account with two paths to atlassian/admin appears twice: directly
	// and through the group.
	twice := 0
	for _, e := range all {
		if e[0] == org.twoPaths.AccountID && e[6] == org.workspace.ID && e[8] == "atlassian/admin" {
			twice++
		}
	}
	if twice != 2 || admins < 3 {
		t.Fatalf("the arranged org gives %d paths to the admin role for one account and %d admin entries", twice, admins)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(fmt.Sprintf(`
data "atlassian_effective_access" "suspended" {
  account_id = %q
}
data "atlassian_effective_access" "two_paths" {
  account_id = %q
}
data "atlassian_effective_access" "workspace" {
  workspace_id = %q
}
data "atlassian_effective_access" "admins" {
  workspace_id = %q
  role         = "atlassian/admin"
}
`, org.suspended.AccountID, org.twoPaths.AccountID, org.workspace.ID, org.workspace.ID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.atlassian_effective_access.suspended", tfjsonpath.New("access"), suspendedAccess),
				statecheck.ExpectKnownValue("data.atlassian_effective_access.suspended", tfjsonpath.New("access").AtSliceIndex(0).AtMapKey("account_status"), knownvalue.StringExact("suspended")),
				statecheck.ExpectKnownValue("data.atlassian_effective_access.two_paths", tfjsonpath.New("access"), twoPathAccess),
				statecheck.ExpectKnownValue("data.atlassian_effective_access.workspace", tfjsonpath.New("access"), workspaceAccess),
				statecheck.ExpectKnownValue("data.atlassian_effective_access.admins", tfjsonpath.New("access"), adminAccess),
				statecheck.ExpectKnownValue("data.atlassian_effective_access.admins", tfjsonpath.New("id"), knownvalue.StringExact("workspace:"+org.workspace.ID+"|atlassian/admin")),
			},
		}},
	})
}

// TestAccEffectiveAccessDataSource_errors: the question is checked at plan
// time, with the attribute named.
func TestAccEffectiveAccessDataSource_errors(t *testing.T) {
	org := acctest.NewOrg(t, 10, 3, 2)
	st := org.State()
	account, ws := st.Users[0].AccountID, st.Workspaces[0].ID
	block := func(body string) string {
		return org.Config(`data "atlassian_effective_access" "q" {` + "\n" + body + "\n}\n")
	}
	const address = "data.atlassian_effective_access.q"
	steps := []resource.TestStep{
		{Config: block(fmt.Sprintf("account_id = %q\nworkspace_id = %q", account, ws)), ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*account_id.*workspace_id`)},
		{Config: block(`role = "atlassian/admin"`), ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*account_id.*workspace_id`)},
		{Config: block(fmt.Sprintf("account_id = %q\nrole = \"atlassian/admin\"", account)), ExpectError: acctest.AttrError("Invalid Attribute Combination", address, "role", "workspace_id")},
		{Config: block(fmt.Sprintf("workspace_id = %q\nrole = \"owner\"", ws)), ExpectError: acctest.AttrError("Invalid Attribute Value Match", address, "role", "atlassian/admin")},
		{Config: block(`workspace_id = "not-an-ari"`), ExpectError: acctest.AttrError("Invalid Attribute Value Match", address, "workspace_id", "ARI")},
		{Config: block(`account_id = "5b10ac8d82e05b22cc7d0000"`), ExpectError: acctest.AttrError("Account not found", address, "account_id", "names no account")},
		{Config: block(`workspace_id = "ari:cloud:jira::site/00000000-0000-4000-8000-000000000000"`), ExpectError: acctest.AttrError("Workspace not found", address, "workspace_id", "names no workspace")},
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: steps})
}

// TestAccEffectiveAccessPolicyFailsPlan runs the documentation's example
// with the real CLI: in the demo organization it plans; once an unmanaged
// account holds atlassian/admin on Jira, the output's precondition fails
// the plan, while the check block alone only warns.
func TestAccEffectiveAccessPolicyFailsPlan(t *testing.T) {
	example := readExample(t, "atlassian_effective_access")
	org := &acctest.Org{Env: startDemoOrg(t)}
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(org.Config(example))
	cli.Must(cli.TryPlan())

	var unmanaged sandbox.User
	org.Update(func(st *sandbox.State) error {
		var jira sandbox.Workspace
		for _, w := range st.Workspaces {
			if w.Name == "sandbox-org Jira Software" {
				jira = w
			}
		}
		for _, u := range st.Users {
			if u.ClaimStatus == "unmanaged" && u.Status == "active" && u.AccountType == "atlassian" {
				unmanaged = u
				break
			}
		}
		if jira.ID == "" || unmanaged.AccountID == "" {
			return fmt.Errorf("the demo org has no Jira workspace (%q) or no unmanaged account (%q)", jira.ID, unmanaged.AccountID)
		}
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: unmanaged.AccountID, ResourceID: jira.ID, ResourceOwner: jira.Type, Role: "atlassian/admin",
		})
		return nil
	})

	res := cli.TryPlan()
	cli.ExpectNoCrash(res)
	if res.Err == nil {
		t.Fatalf("the plan succeeded with an unmanaged Jira admin:\n%s", res)
	}
	failed := regexp.MustCompile(`(?s)Error: Module output value precondition failed.*` + acctest.WordsPattern("Unmanaged accounts hold atlassian/admin on Jira: "+unmanaged.Email+" (direct)."))
	if !failed.MatchString(res.Output) {
		t.Fatalf("the plan failed, but not on the precondition naming %s:\n%s", unmanaged.Email, res)
	}

	// The check block alone: a warning, and the plan goes on.
	checkOnly, _, found := strings.Cut(example, "# A precondition fails the plan")
	if !found {
		t.Fatal("the example has no comment starting its precondition")
	}
	cli.WriteConfig(org.Config(checkOnly))
	res = cli.Must(cli.TryPlan())
	warned := regexp.MustCompile(`(?s)Warning: Check block assertion failed.*` + acctest.WordsPattern(unmanaged.Email+" (direct)"))
	if !warned.MatchString(res.Output) {
		t.Fatalf("the check block did not warn about %s:\n%s", unmanaged.Email, res)
	}
}

// readExample reads the documentation's example of a data source.
func readExample(t *testing.T, dataSource string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", dataSource, "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// startDemoOrg serves the organization `make demo` serves, which the
// examples are written for.
func startDemoOrg(t *testing.T) *sandboxtest.Env {
	t.Helper()
	return sandboxtest.Start(t, sandbox.DefaultOptions())
}

// TestAccEffectiveAccessWorkspaceReadsHoldersOnly: the workspace question
// reads the role listing of the accounts the users search finds on the
// workspace, not of every account, and the listings of the groups holding
// a role there, not of every group; it answers what the sandbox's state
// gives whether the search finds the accounts that hold a role there
// themselves only, or those holding one through a group as well (the
// reference does not say which).
func TestAccEffectiveAccessWorkspaceReadsHoldersOnly(t *testing.T) {
	t.Parallel()
	const (
		roleListings      = "GET /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}/role-assignments"
		groupRoleListings = "GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/role-assignments"
	)
	for name, throughGroups := range map[string]bool{"own roles": false, "group roles too": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := newAccessReviewOrg(t)
			org.Update(func(st *sandbox.State) error {
				st.Settings.SearchFindsGroupAccess = throughGroups
				// Two more accounts, outside the role group, hold a role on the
				// workspace themselves.
				added := 0
				for _, u := range st.Users {
					if added < 2 && !slices.Contains(org.roleGroup.MemberAccountIDs, u.AccountID) {
						st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
							AccountID: u.AccountID, ResourceID: org.workspace.ID, ResourceOwner: org.workspace.Type, Role: "atlassian/user",
						})
						added++
					}
				}
				return nil
			})
			st := org.State()
			// Who the search finds: the accounts holding a role on the
			// workspace themselves, and with group access the members of the
			// groups that hold one.
			found := map[string]bool{}
			for _, a := range st.UserRoleAssignments {
				if a.ResourceID == org.workspace.ID {
					found[a.AccountID] = true
				}
			}
			direct := len(found)
			holdingGroups := map[string]bool{}
			for _, a := range st.GroupRoleAssignments {
				if a.ResourceID == org.workspace.ID {
					holdingGroups[a.GroupID] = true
				}
			}
			if len(holdingGroups) == 0 || len(holdingGroups) == len(st.Groups) {
				t.Fatalf("some but not all of the %d groups should hold a role on the workspace: %d do", len(st.Groups), len(holdingGroups))
			}
			if throughGroups {
				for _, a := range st.GroupRoleAssignments {
					if a.ResourceID != org.workspace.ID {
						continue
					}
					for _, g := range st.Groups {
						if g.ID == a.GroupID {
							for _, m := range g.MemberAccountIDs {
								found[m] = true
							}
						}
					}
				}
			}
			if direct < 3 || direct*2 > len(st.Users) || (throughGroups && len(found) == direct) {
				t.Fatalf("the arranged org should have a few direct holders among %d accounts (%d) and, with group access, more found (%d)", len(st.Users), direct, len(found))
			}
			var want [][]string
			for _, e := range sandboxtest.AccessRows(st) {
				if e[5] == "workspace_role" && e[6] == org.workspace.ID {
					want = append(want, e)
				}
			}

			cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
			cli.WriteConfig(org.Config(fmt.Sprintf(`
data "atlassian_effective_access" "workspace" {
  workspace_id = %q
}
`, org.workspace.ID)))
			org.ResetStats()
			cli.MustApply()
			stats := org.Stats()
			if got := stats.ByRoute[roleListings]; got != int64(len(found)) {
				t.Errorf("the workspace question read %d accounts' role listings, want the %d the search finds (of %d accounts): %v", got, len(found), len(st.Users), stats.ByRoute)
			}
			if got := stats.ByRoute[groupRoleListings]; got != int64(len(holdingGroups)) {
				t.Errorf("the workspace question read %d groups' role listings, want the %d holding a role on the workspace (of %d groups): %v", got, len(holdingGroups), len(st.Groups), stats.ByRoute)
			}

			if got := accessInState(cli, "data.atlassian_effective_access.workspace"); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("the workspace question answered %d entries, the state gives %d:\ngot  %v\nwant %v", len(got), len(want), got, want)
			}
		})
	}
}

// accessInState is the access list of a data source in the CLI's state,
// as rows of accessColumns.
func accessInState(cli *acctest.CLI, address string) [][]string {
	var rows [][]string
	entries, _ := cli.StateValues(address)["access"].([]any)
	for _, item := range entries {
		fields, _ := item.(map[string]any)
		row := make([]string, len(accessColumns))
		for i, c := range accessColumns {
			row[i], _ = fields[c].(string)
		}
		rows = append(rows, row)
	}
	return rows
}

// TestAccEffectiveAccessAccountReadsItsGroupsOnly: the account question
// reads the account's own role listing and the listings of the groups it
// is a member of, not of every group.
func TestAccEffectiveAccessAccountReadsItsGroupsOnly(t *testing.T) {
	const (
		groupRoleListings = "GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/role-assignments"
		userRoleListings  = "GET /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}/role-assignments"
	)
	org := newAccessReviewOrg(t)
	st := org.State()
	account := org.twoPaths.AccountID
	groups := 0
	for _, g := range st.Groups {
		if slices.Contains(g.MemberAccountIDs, account) {
			groups++
		}
	}
	if groups == 0 || groups == len(st.Groups) {
		t.Fatalf("the account should be in some but not all of the %d groups, it is in %d", len(st.Groups), groups)
	}
	var want [][]string
	for _, e := range sandboxtest.AccessRows(st) {
		if e[0] == account {
			want = append(want, e)
		}
	}

	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(org.Config(fmt.Sprintf(`
data "atlassian_effective_access" "account" {
  account_id = %q
}
`, account)))
	org.ResetStats()
	cli.MustApply()
	stats := org.Stats()
	if got := stats.ByRoute[groupRoleListings]; got != int64(groups) {
		t.Errorf("the account question read %d groups' role listings, want the %d groups it is in (of %d): %v", got, groups, len(st.Groups), stats.ByRoute)
	}
	if got := stats.ByRoute[userRoleListings]; got != 1 {
		t.Errorf("the account question read %d accounts' role listings, want its own: %v", got, stats.ByRoute)
	}
	if got := accessInState(cli, "data.atlassian_effective_access.account"); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("the account question answered %d entries, the state gives %d:\ngot  %v\nwant %v", len(got), len(want), got, want)
	}
}
