package provider

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// The data source examples of the documentation are applied, as written,
// against the organization `make demo` serves (the sandbox defaults: 200
// users, 12 groups, 3 workspaces, seed 1), and their outputs are checked
// against that organization.
func TestAccDataSourceExamples(t *testing.T) {
	demo := func(t *testing.T) (*acctest.Org, sandbox.State) {
		t.Helper()
		org := &acctest.Org{Env: sandboxtest.Start(t, sandbox.DefaultOptions())}
		st := org.State()
		return org, st
	}
	userWithEmail := func(t *testing.T, st sandbox.State, email string) sandbox.User {
		t.Helper()
		return firstUser(t, st.Users, email, func(u sandbox.User) bool { return u.Email == email })
	}
	groupNamed := func(t *testing.T, st sandbox.State, name string) sandbox.Group {
		t.Helper()
		for _, g := range st.Groups {
			if g.Name == name {
				return g
			}
		}
		t.Fatalf("the demo org has no group %q", name)
		return sandbox.Group{}
	}

	examples := map[string]func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck{
		"atlassian_accounts": func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck {
			t.Helper()
			var suspended []sandbox.User
			for _, u := range sandbox.ListedUsers(st) {
				if u.Status == "suspended" {
					suspended = append(suspended, u)
				}
			}
			if len(suspended) == 0 {
				t.Fatal("the demo org has no suspended account")
			}
			slices.SortFunc(suspended, func(a, b sandbox.User) int {
				return cmp.Or(strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)), strings.Compare(a.AccountID, b.AccountID))
			})
			ids := make([]knownvalue.Check, len(suspended))
			for i, u := range suspended {
				ids[i] = knownvalue.StringExact(u.AccountID)
			}
			engineering := groupNamed(t, st, "engineering")
			var confluence sandbox.Workspace
			for _, w := range st.Workspaces {
				if w.TypeKey == "confluence" {
					confluence = w
				}
			}
			activeEngineer := func(u sandbox.User) bool {
				return slices.Contains(engineering.MemberAccountIDs, u.AccountID) && u.Status == "active" && u.AccountType == "atlassian"
			}
			return []statecheck.StateCheck{
				// The example's role assignments reached the organization:
				// every active engineer now holds atlassian/user on
				// Confluence.
				sandboxCheck(func() error {
					now := org.State()
					for _, u := range now.Users {
						if !activeEngineer(u) {
							continue
						}
						if !slices.ContainsFunc(now.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
							return a.AccountID == u.AccountID && a.ResourceID == confluence.ID && a.Role == "atlassian/user"
						}) {
							return fmt.Errorf("%s (%s) does not hold atlassian/user on %s", u.Email, u.AccountID, confluence.Name)
						}
					}
					return nil
				}),
				statecheck.ExpectKnownOutputValue("account_count", knownvalue.Int64Exact(int64(len(sandbox.ListedUsers(st))))),
				statecheck.ExpectKnownOutputValue("suspended_account_ids", knownvalue.ListExact(ids)),
				statecheck.ExpectKnownOutputValue("active_engineer_emails", knownvalue.ListSizeExact(countUsers(st.Users, activeEngineer))),
			}
		},
		"atlassian_account": func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck {
			t.Helper()
			byID := firstUser(t, st.Users, "account 504054724dbc69eb92ef6fc7", func(u sandbox.User) bool { return u.AccountID == "504054724dbc69eb92ef6fc7" })
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("ingrid_account_id",
					knownvalue.StringExact(userWithEmail(t, st, "ingrid.watanabe@sandbox-org.example").AccountID)),
				statecheck.ExpectKnownOutputValue("by_id", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact(byID.Name), "email": knownvalue.StringExact(byID.Email), "status": knownvalue.StringExact(byID.Status),
				})),
			}
		},
		"atlassian_groups": func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck {
			t.Helper()
			byName := map[string]knownvalue.Check{}
			var synced []sandbox.Group
			for _, g := range st.Groups {
				byName[g.Name] = knownvalue.StringExact(g.ID)
				if g.ExternalSynced {
					synced = append(synced, g)
				}
			}
			slices.SortFunc(synced, func(a, b sandbox.Group) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
			syncedNames := make([]knownvalue.Check, len(synced))
			for i, g := range synced {
				syncedNames[i] = knownvalue.StringExact(g.Name)
			}
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("group_ids_by_name", knownvalue.ObjectExact(byName)),
				statecheck.ExpectKnownOutputValue("identity_provider_groups", knownvalue.TupleExact(syncedNames)),
			}
		},
		"atlassian_group": func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck {
			t.Helper()
			g := groupNamed(t, st, "engineering")
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("engineering", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"group_id":        knownvalue.StringExact(g.ID),
					"member_count":    knownvalue.Int64Exact(int64(len(g.MemberAccountIDs))),
					"external_synced": knownvalue.Bool(g.ExternalSynced),
				})),
			}
		},
		"atlassian_workspaces": func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck {
			t.Helper()
			urls := map[string]knownvalue.Check{}
			for _, w := range st.Workspaces {
				urls[w.Name] = knownvalue.StringExact(w.HostURL)
			}
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("workspace_urls", knownvalue.ObjectExact(urls)),
			}
		},
		"atlassian_effective_access": func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck {
			t.Helper()
			all := sandboxtest.AccessRows(st)
			var jira, jiraUsers, ingrid string
			for _, w := range st.Workspaces {
				if w.Name == "sandbox-org Jira Software" {
					jira = w.ID
				}
			}
			jiraUsers = groupNamed(t, st, "jira-software-users").ID
			ingrid = userWithEmail(t, st, "ingrid.watanabe@sandbox-org.example").AccountID
			// Computed from the state: the admins' emails, the accounts
			// whose every path to Jira is the group, Ingrid's entries.
			admins := map[string]bool{}
			otherPath := map[string]bool{}
			viaGroup := map[string]string{}
			var ingridAccess []knownvalue.Check
			for _, e := range all {
				onJira := e[5] == "workspace_role" && e[6] == jira
				if onJira && e[8] == "atlassian/admin" {
					admins[e[1]] = true
				}
				if onJira && e[10] != jiraUsers {
					otherPath[e[0]] = true
				}
				if onJira && e[10] == jiraUsers {
					viaGroup[e[0]] = e[1]
				}
				if e[0] == ingrid {
					ingridAccess = append(ingridAccess, knownvalue.StringExact(e[5]+" "+e[8]+" on "+e[7]+" ("+e[9]+")"))
				}
			}
			lose := map[string]bool{}
			for id, email := range viaGroup {
				if !otherPath[id] {
					lose[email] = true
				}
			}
			sortedChecks := func(set map[string]bool) knownvalue.Check {
				keys := slices.Sorted(maps.Keys(set))
				checks := make([]knownvalue.Check, len(keys))
				for i, k := range keys {
					checks[i] = knownvalue.StringExact(k)
				}
				return knownvalue.ListExact(checks)
			}
			if len(admins) == 0 || len(lose) == 0 || len(ingridAccess) == 0 {
				t.Fatalf("the demo org gives the example nothing to show: %d Jira admins, %d would lose access, %d entries for Ingrid", len(admins), len(lose), len(ingridAccess))
			}
			return []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("jira_admin_emails", sortedChecks(admins)),
				statecheck.ExpectKnownOutputValue("would_lose_jira_access", sortedChecks(lose)),
				statecheck.ExpectKnownOutputValue("ingrid_access", knownvalue.TupleExact(ingridAccess)),
			}
		},
		"atlassian_workspace": func(t *testing.T, org *acctest.Org, st sandbox.State) []statecheck.StateCheck {
			t.Helper()
			for _, w := range st.Workspaces {
				if w.Name == "sandbox-org Jira Software" && w.TypeKey == "jira-software" {
					return []statecheck.StateCheck{
						statecheck.ExpectKnownOutputValue("jira", knownvalue.ObjectExact(map[string]knownvalue.Check{
							"workspace_id": knownvalue.StringExact(w.ID),
							"host_url":     knownvalue.StringExact(w.HostURL),
							"status":       knownvalue.StringExact(w.Status),
						})),
					}
				}
			}
			t.Fatal("the demo org has no sandbox-org Jira Software workspace")
			return nil
		},
	}

	dirs, err := filepath.Glob(filepath.Join("..", "..", "examples", "data-sources", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != len(examples) {
		t.Fatalf("found %d data source examples, expected checks for %d: %v", len(dirs), len(examples), dirs)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		checksFor, ok := examples[name]
		if !ok {
			t.Fatalf("no checks for the example of %s", name)
		}
		t.Run(name, func(t *testing.T) {
			source, err := os.ReadFile(filepath.Join(dir, "data-source.tf"))
			if err != nil {
				t.Fatal(err)
			}
			org, st := demo(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:            org.Config(string(source)),
						ConfigStateChecks: checksFor(t, org, st),
					},
					// Remove everything with a config of its own: the
					// harness's post-test destroy first converts the state
					// to its legacy form, which cannot address for_each
					// instances (as the accounts example creates), and
					// fails; an empty state needs no destroy.
					{Config: org.Config("")},
				},
			})
		})
	}
}

// countUsers counts the users that pass keep.
func countUsers(users []sandbox.User, keep func(sandbox.User) bool) int {
	n := 0
	for _, u := range users {
		if keep(u) {
			n++
		}
	}
	return n
}
