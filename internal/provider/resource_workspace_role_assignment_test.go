package provider

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

const roleAddr = "atlassian_workspace_role_assignment.test"

// diagnostic matches an error or warning made of these phrases in order,
// whatever line wrapping terraform applies to the words of each.
func diagnostic(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

func userRoleConfig(workspaceID, role, accountID string) string {
	return fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "test" {
  workspace_id = %q
  role         = %q
  account_id   = %q
}
`, workspaceID, role, accountID)
}

func groupRoleConfig(workspaceID, role, groupID string) string {
	return fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "test" {
  workspace_id = %q
  role         = %q
  group_id     = %q
}
`, workspaceID, role, groupID)
}

func hasUserRole(st sandbox.State, accountID, workspaceID, role string) bool {
	return slices.ContainsFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == accountID && a.ResourceID == workspaceID && a.Role == role
	})
}

func hasGroupRole(st sandbox.State, groupID, workspaceID, role string) bool {
	return slices.ContainsFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool {
		return a.GroupID == groupID && a.ResourceID == workspaceID && a.Role == role
	})
}

// newcomer is an active account holding no role on the workspace.
func newcomer(t *testing.T, o *acctest.Org, workspaceID string) sandbox.User {
	t.Helper()
	holders := sandboxtest.LicensedAccounts(o.State(), workspaceID)
	for _, u := range o.ActiveUsers() {
		if !holders[u.AccountID] {
			return u
		}
	}
	t.Fatalf("every active account holds a role on %s", workspaceID)
	return sandbox.User{}
}

// checkSandbox adapts a sandbox assertion to a TestStep Check.
func checkSandbox(o *acctest.Org, check func(sandbox.State) error) resource.TestCheckFunc {
	return func(*terraform.State) error { return check(o.State()) }
}

func expectUserRole(o *acctest.Org, accountID, workspaceID, role string, want bool) resource.TestCheckFunc {
	return checkSandbox(o, func(st sandbox.State) error {
		if got := hasUserRole(st, accountID, workspaceID, role); got != want {
			return fmt.Errorf("sandbox: account %s holds %s on %s: %v, want %v", accountID, role, workspaceID, got, want)
		}
		return nil
	})
}

func expectGroupRole(o *acctest.Org, groupID, workspaceID, role string, want bool) resource.TestCheckFunc {
	return checkSandbox(o, func(st sandbox.State) error {
		if got := hasGroupRole(st, groupID, workspaceID, role); got != want {
			return fmt.Errorf("sandbox: group %s holds %s on %s: %v, want %v", groupID, role, workspaceID, got, want)
		}
		return nil
	})
}

func TestAccWorkspaceRoleAssignment_user(t *testing.T) {
	org := acctest.NewOrg(t, 20, 3, 3)
	ws := org.State().Workspaces[0].ID
	user := newcomer(t, org, ws)
	id := ws + "|atlassian/user|user:" + user.AccountID
	grantID := roleGrantID(access.Principal{Type: access.TypeUser, ID: user.AccountID}, access.Role{WorkspaceID: ws, Role: "atlassian/user"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: checkSandbox(org, func(st sandbox.State) error {
			for _, role := range []string{"atlassian/user", "atlassian/admin"} {
				if hasUserRole(st, user.AccountID, ws, role) {
					return fmt.Errorf("sandbox: %s still holds %s after destroy", user.AccountID, role)
				}
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: org.Config(userRoleConfig(ws, "atlassian/user", user.AccountID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
					// The id is known at plan time.
					plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("account_id"), knownvalue.StringExact(user.AccountID)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("group_id"), knownvalue.Null()),
				},
				Check: expectUserRole(org, user.AccountID, ws, "atlassian/user", true),
			},
			{
				ResourceName:      roleAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The baton grant id of the same assignment imports too.
				ResourceName:      roleAddr,
				ImportState:       true,
				ImportStateId:     grantID,
				ImportStateVerify: true,
			},
			{
				// Taken away outside Terraform: planned again, and re-assigned.
				PreConfig: func() {
					org.Update(func(st *sandbox.State) error {
						st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
							return a.AccountID == user.AccountID && a.ResourceID == ws && a.Role == "atlassian/user"
						})
						return nil
					})
				},
				Config: org.Config(userRoleConfig(ws, "atlassian/user", user.AccountID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
				}},
				Check: expectUserRole(org, user.AccountID, ws, "atlassian/user", true),
			},
			{
				// Another role is another assignment: replaced.
				Config: org.Config(userRoleConfig(ws, "atlassian/admin", user.AccountID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("id"), knownvalue.StringExact(ws+"|atlassian/admin|user:"+user.AccountID)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectUserRole(org, user.AccountID, ws, "atlassian/admin", true),
					expectUserRole(org, user.AccountID, ws, "atlassian/user", false),
				),
			},
		},
	})
}

func TestAccWorkspaceRoleAssignment_group(t *testing.T) {
	org := acctest.NewOrg(t, 20, 4, 3)
	st := org.State()
	ws := st.Workspaces[1].ID
	group := org.WritableGroup(t)
	role := "atlassian/stakeholder"
	if hasGroupRole(st, group.ID, ws, role) {
		t.Fatalf("the sandbox group %s already holds %s on %s", group.ID, role, ws)
	}
	user := newcomer(t, org, ws)
	id := ws + "|" + role + "|group:" + group.ID

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: checkSandbox(org, func(st sandbox.State) error {
			if hasGroupRole(st, group.ID, ws, role) || hasUserRole(st, user.AccountID, ws, role) {
				return fmt.Errorf("sandbox: a role assignment outlived destroy")
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: org.Config(groupRoleConfig(ws, role, group.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("group_id"), knownvalue.StringExact(group.ID)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("account_id"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectGroupRole(org, group.ID, ws, role, true),
					// Through the group endpoint: no member got it directly.
					checkSandbox(org, func(now sandbox.State) error {
						if !slices.Equal(now.UserRoleAssignments, st.UserRoleAssignments) {
							return fmt.Errorf("sandbox: user role assignments changed; the group's role went to the user endpoint")
						}
						return nil
					}),
				),
			},
			{
				ResourceName:      roleAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Taken away from the group outside Terraform.
				PreConfig: func() {
					org.Update(func(st *sandbox.State) error {
						st.GroupRoleAssignments = slices.DeleteFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool {
							return a.GroupID == group.ID && a.ResourceID == ws && a.Role == role
						})
						return nil
					})
				},
				Config: org.Config(groupRoleConfig(ws, role, group.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
				}},
				Check: expectGroupRole(org, group.ID, ws, role, true),
			},
			{
				// From the group to one account: replaced.
				Config: org.Config(userRoleConfig(ws, role, user.AccountID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectGroupRole(org, group.ID, ws, role, false),
					expectUserRole(org, user.AccountID, ws, role, true),
				),
			},
		},
	})
}

// TestAccWorkspaceRoleAssignment_importBlock adopts an assignment made
// outside Terraform with an import block, and leaves it alone afterwards.
func TestAccWorkspaceRoleAssignment_importBlock(t *testing.T) {
	org := acctest.NewOrg(t, 15, 3, 3)
	ws := org.State().Workspaces[2]
	user := newcomer(t, org, ws.ID)
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: user.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin",
		})
		return nil
	})
	id := ws.ID + "|atlassian/admin|user:" + user.AccountID
	config := org.Config(fmt.Sprintf(`
import {
  to = atlassian_workspace_role_assignment.test
  id = %q
}
`, id) + userRoleConfig(ws.ID, "atlassian/admin", user.AccountID))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Imported, nothing to create.
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("role"), knownvalue.StringExact("atlassian/admin")),
				},
				Check: expectUserRole(org, user.AccountID, ws.ID, "atlassian/admin", true),
			},
			{
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// TestAccWorkspaceRoleAssignment_errors covers every input Atlassian or the
// schema refuses, each with its message, and checks that none of them
// changed the sandbox.
func TestAccWorkspaceRoleAssignment_errors(t *testing.T) {
	org := acctest.NewOrg(t, 20, 3, 3)
	st := org.State()
	ws := st.Workspaces[0].ID
	group := org.WritableGroup(t)
	user := newcomer(t, org, ws)
	const missingWorkspace = "ari:cloud:jira::site/00000000-0000-4000-8000-000000000000"
	const missingAccount = "5b10ac8d82e05b22cc7d4ef5"
	const missingGroup = "00000000-0000-4000-8000-00000000beef"

	// A suspended account, made so here rather than found by chance.
	suspended := org.ActiveUsers()[len(org.ActiveUsers())-1]
	if suspended.AccountID == user.AccountID {
		t.Fatal("need two distinct accounts")
	}
	org.Update(func(st *sandbox.State) error {
		for i := range st.Users {
			if st.Users[i].AccountID == suspended.AccountID {
				st.Users[i].Status, st.Users[i].MembershipStatus = "suspended", "suspended"
			}
		}
		return nil
	})
	before := org.State()

	// unknownAtPlan passes a value through terraform_data, so it is known
	// only at apply: the checks then run in the final plan Terraform makes
	// for the resource during the apply, before anything is written.
	unknownAtPlan := func(attribute, value string) string {
		return fmt.Sprintf(`
resource "terraform_data" "late" {
  input = %q
}

resource "atlassian_workspace_role_assignment" "test" {
  workspace_id = %q
  role         = "atlassian/user"
  %s = terraform_data.late.output
}
`, value, ws, attribute)
	}
	setSettings := func(change func(*sandbox.Settings)) func() {
		return func() {
			org.Update(func(st *sandbox.State) error {
				st.Settings = before.Settings
				change(&st.Settings)
				return nil
			})
		}
	}
	resetSettings := setSettings(func(*sandbox.Settings) {})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.Config(userRoleConfig(missingWorkspace, "atlassian/user", user.AccountID)),
				ExpectError: diagnostic("Unknown workspace", "has no workspace "+missingWorkspace, ws),
			},
			{
				Config:      org.Config(userRoleConfig(ws, "atlassian/user", missingAccount)),
				ExpectError: diagnostic("Unknown account", "has no account "+missingAccount, "atlassian_account data source"),
			},
			{
				Config:      org.Config(groupRoleConfig(ws, "atlassian/user", missingGroup)),
				ExpectError: diagnostic("Unknown group", "has no group "+missingGroup),
			},
			{
				Config:      org.Config(userRoleConfig(ws, "atlassian/site-admin", user.AccountID)),
				ExpectError: diagnostic("Invalid Attribute Value Match", `Attribute role value must be one of`, `"atlassian/user"`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "test" {
  workspace_id = %q
  role         = "atlassian/user"
  account_id   = %q
  group_id     = %q
}
`, ws, user.AccountID, group.ID)),
				ExpectError: diagnostic("Invalid Attribute Combination", "Exactly one of these attributes must be configured: [account_id,group_id]"),
			},
			{
				Config: org.Config(fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "test" {
  workspace_id = %q
  role         = "atlassian/user"
}
`, ws)),
				ExpectError: diagnostic("Missing Attribute Configuration", "Exactly one of these attributes must be configured: [account_id,group_id]"),
			},
			{
				Config:      org.Config(userRoleConfig("jira-site-1", "atlassian/user", user.AccountID)),
				ExpectError: diagnostic("Attribute workspace_id must be a workspace ARI"),
			},
			{
				// Suspended, seen at plan time.
				Config:      org.Config(userRoleConfig(ws, "atlassian/user", suspended.AccountID)),
				ExpectError: diagnostic("Account is not active", suspended.AccountID, "is suspended", "Restore the account's access"),
			},
			{
				Config:      org.Config(unknownAtPlan("account_id", suspended.AccountID)),
				ExpectError: diagnostic("Account is not active", suspended.AccountID, "ADMIN-UAM-400-2", "Restore the account's access"),
			},
			{
				Config:      org.Config(unknownAtPlan("account_id", missingAccount)),
				ExpectError: diagnostic("Unknown account", "has no account "+missingAccount),
			},
			{
				PreConfig: setSettings(func(s *sandbox.Settings) { s.LicenceLimit = len(sandboxtest.LicensedAccounts(before, ws)) }),
				Config:    org.Config(userRoleConfig(ws, "atlassian/user", user.AccountID)),
				ExpectError: diagnostic("Licence limit reached", "ADMIN-UAM-409-3",
					"Free seats"),
			},
			{
				// A group role brings its members in: refused the same way.
				PreConfig:   setSettings(func(s *sandbox.Settings) { s.LicenceLimit = len(sandboxtest.LicensedAccounts(before, ws)) }),
				Config:      org.Config(groupRoleConfig(ws, "atlassian/user", groupWithNewcomers(t, before, ws).ID)),
				ExpectError: diagnostic("Licence limit reached", "ADMIN-UAM-409-3"),
			},
			{
				PreConfig:   setSettings(func(s *sandbox.Settings) { s.WorkspaceRolesEnabled = false }),
				Config:      org.Config(userRoleConfig(ws, "atlassian/user", user.AccountID)),
				ExpectError: diagnostic("Workspace role endpoints are not enabled", "Atlassian support must enable the workspace role endpoints"),
			},
			{
				PreConfig:   setSettings(func(s *sandbox.Settings) { s.WorkspaceRolesEnabled = false }),
				Config:      org.Config(groupRoleConfig(ws, "atlassian/user", group.ID)),
				ExpectError: diagnostic("Workspace role endpoints are not enabled", "Atlassian support must enable"),
			},
			{
				PreConfig:     resetSettings,
				Config:        org.Config(userRoleConfig(ws, "atlassian/user", user.AccountID)),
				ResourceName:  roleAddr,
				ImportState:   true,
				ImportStateId: ws + "/atlassian/user/" + user.AccountID,
				ExpectError:   diagnostic("Malformed import id for atlassian_workspace_role_assignment", `has no "|" separators`, "<workspace ARI>|<role>|user:<account id>"),
			},
			{
				Config:        org.Config(userRoleConfig(ws, "atlassian/user", user.AccountID)),
				ResourceName:  roleAddr,
				ImportState:   true,
				ImportStateId: ws + "|atlassian/site-admin|user:" + user.AccountID,
				ExpectError:   diagnostic("Malformed import id", `"atlassian/site-admin" is not a workspace role`),
			},
			{
				// A well-formed id of an assignment that does not exist.
				Config:        org.Config(userRoleConfig(ws, "atlassian/user", user.AccountID)),
				ResourceName:  roleAddr,
				ImportState:   true,
				ImportStateId: ws + "|atlassian/user|user:" + user.AccountID,
				ExpectError:   diagnostic("Cannot import non-existent remote object"),
			},
		},
	})

	after := org.State()
	if !slices.Equal(after.UserRoleAssignments, before.UserRoleAssignments) || !slices.Equal(after.GroupRoleAssignments, before.GroupRoleAssignments) {
		t.Errorf("refused inputs changed the sandbox's role assignments")
	}
}

// groupWithNewcomers is a writable group with at least one member holding
// no role on the workspace (so giving the group a role takes a new seat).
func groupWithNewcomers(t *testing.T, st sandbox.State, workspaceID string) sandbox.Group {
	t.Helper()
	holders := sandboxtest.LicensedAccounts(st, workspaceID)
	for _, g := range st.Groups {
		if g.ExternalSynced || g.Default || hasGroupRole(st, g.ID, workspaceID, "atlassian/user") {
			continue
		}
		for _, m := range g.MemberAccountIDs {
			if !holders[m] {
				return g
			}
		}
	}
	t.Fatal("no writable group brings a new role holder")
	return sandbox.Group{}
}

// TestAccWorkspaceRoleAssignment_vanishedGroup: a group deleted outside
// Terraform takes its roles with it; the resource leaves the state with a
// warning and is planned again (and that plan fails: the group is unknown).
func TestAccWorkspaceRoleAssignment_vanishedGroup(t *testing.T) {
	org := acctest.NewOrg(t, 15, 4, 3)
	ws := org.State().Workspaces[0].ID
	group := org.WritableGroup(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(groupRoleConfig(ws, "atlassian/guest", group.ID)),
				Check:  expectGroupRole(org, group.ID, ws, "atlassian/guest", true),
			},
			{
				PreConfig: func() {
					org.Update(func(st *sandbox.State) error {
						st.Groups = slices.DeleteFunc(st.Groups, func(g sandbox.Group) bool { return g.ID == group.ID })
						st.GroupRoleAssignments = slices.DeleteFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.GroupID == group.ID })
						return nil
					})
				},
				Config:      org.Config(groupRoleConfig(ws, "atlassian/guest", group.ID)),
				ExpectError: diagnostic("Unknown group", "has no group "+group.ID),
			},
			{
				// Removed from the configuration too: nothing left to do.
				Config: org.Config(""),
			},
		},
	})
}

// TestAccWorkspaceRoleAssignment_cheapRefresh: a plan that changes nothing
// reads each principal's roles once, whatever the number of assignments,
// and looks up no account, group or workspace.
func TestAccWorkspaceRoleAssignment_cheapRefresh(t *testing.T) {
	org := acctest.NewOrg(t, 15, 3, 3)
	st := org.State()
	group := org.WritableGroup(t)
	user := newcomer(t, org, st.Workspaces[0].ID)
	var config strings.Builder
	for i, ws := range st.Workspaces {
		if hasUserRole(st, user.AccountID, ws.ID, "atlassian/guest") || hasGroupRole(st, group.ID, ws.ID, "atlassian/guest") {
			t.Fatalf("the sandbox already holds a guest role on %s", ws.ID)
		}
		fmt.Fprintf(&config, `
resource "atlassian_workspace_role_assignment" "user_%d" {
  workspace_id = %q
  role         = "atlassian/guest"
  account_id   = %q
}

resource "atlassian_workspace_role_assignment" "group_%d" {
  workspace_id = %q
  role         = "atlassian/guest"
  group_id     = %q
}
`, i, ws.ID, user.AccountID, i, ws.ID, group.ID)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(config.String()),
				Check: checkSandbox(org, func(st sandbox.State) error {
					for _, ws := range st.Workspaces {
						if !hasUserRole(st, user.AccountID, ws.ID, "atlassian/guest") || !hasGroupRole(st, group.ID, ws.ID, "atlassian/guest") {
							return fmt.Errorf("sandbox: a guest role on %s is missing", ws.ID)
						}
					}
					return nil
				}),
			},
			{
				PreConfig: org.ResetStats,
				Config:    org.Config(config.String()),
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					// One grant listing per principal, each one page: the
					// user's role assignments; the group's role assignments
					// and its members (the connector lists a group's grants
					// as one, memberships included). No lookups.
					want := map[string]int64{
						"GET /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}/role-assignments": 1,
						"GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/role-assignments":  1,
						"POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search":                      1,
					}
					if stats := org.Stats(); !maps.Equal(stats.ByRoute, want) {
						t.Errorf("a no-op plan of 6 assignments of 2 principals sent %v, want %v", stats.ByRoute, want)
					}
				},
				Config:   org.Config(config.String()),
				PlanOnly: true,
			},
		},
	})
}

// newDemoOrg is the organization the examples are written for: the
// sandbox's defaults, as `make demo` starts it (seed 1, 200 users).
func newDemoOrg(t *testing.T) *acctest.Org {
	t.Helper()
	return &acctest.Org{Env: sandboxtest.Start(t, sandbox.DefaultOptions())}
}

// exampleConfig reads an example file of the documentation.
func exampleConfig(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestAccWorkspaceRoleAssignment_example applies the documentation's
// example to the demo organization, and imports with its import ids.
func TestAccWorkspaceRoleAssignment_example(t *testing.T) {
	org := newDemoOrg(t)
	config := org.Config(exampleConfig(t, "examples/resources/atlassian_workspace_role_assignment/resource.tf"))
	var jira, confluence, ingrid, engineering string
	for _, w := range org.State().Workspaces {
		switch w.Name {
		case "sandbox-org Jira Software":
			jira = w.ID
		case "sandbox-org Confluence":
			confluence = w.ID
		}
	}
	for _, u := range org.State().Users {
		if u.Email == "ingrid.watanabe@sandbox-org.example" {
			ingrid = u.AccountID
		}
	}
	for _, g := range org.State().Groups {
		if g.Name == "engineering" {
			engineering = g.ID
		}
	}
	if jira == "" || confluence == "" || ingrid == "" || engineering == "" {
		t.Fatalf("the demo organization lacks what the example refers to: %q %q %q %q", jira, confluence, ingrid, engineering)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectUserRole(org, ingrid, jira, "atlassian/user", true),
					expectGroupRole(org, engineering, confluence, "atlassian/admin", true),
				),
			},
			{
				ResourceName:      "atlassian_workspace_role_assignment.ingrid_jira",
				ImportState:       true,
				ImportStateId:     jira + "|atlassian/user|user:" + ingrid,
				ImportStateVerify: true,
			},
			{
				ResourceName:      "atlassian_workspace_role_assignment.engineering_confluence_admins",
				ImportState:       true,
				ImportStateId:     confluence + "|atlassian/admin|group:" + engineering,
				ImportStateVerify: true,
			},
		},
	})
}
