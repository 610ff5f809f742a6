package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

const invRoute = "POST /admin/v2/orgs/{orgId}/users/invite"

// invAccount is the sandbox account with this email (ignoring case).
func invAccount(org *acctest.Org, email string) (sandbox.User, bool) {
	for _, u := range org.State().Users {
		if strings.EqualFold(u.Email, email) {
			return u, true
		}
	}
	return sandbox.User{}, false
}

// invGroupWithoutRoles adds a writable group that grants no workspace
// role, so joining it is never subject to a licence.
func invGroupWithoutRoles(t *testing.T, org *acctest.Org) sandbox.Group {
	t.Helper()
	g := sandbox.Group{ID: "0f0e0d0c-0000-4000-8000-00000000a11e", Name: "invitees", Deletable: true, ManagedBy: "admins"}
	org.Update(func(st *sandbox.State) error {
		st.Groups = append(st.Groups, g)
		return nil
	})
	return g
}

func invHasRole(org *acctest.Org, accountID, ws, role string) bool {
	return slices.ContainsFunc(org.State().UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == accountID && a.ResourceID == ws && a.Role == role
	})
}

func invIsMember(org *acctest.Org, groupID, accountID string) bool {
	g, ok := org.Group(groupID)
	return ok && slices.Contains(g.MemberAccountIDs, accountID)
}

func invConfig(org *acctest.Org, email, extra string) string {
	return org.Config(fmt.Sprintf(`
resource "atlassian_invitation" "i" {
  email = %q
%s}
`, email, extra))
}

func TestAccInvitation_inviteUpdateImport(t *testing.T) {
	org := acctest.NewOrg(t, 20, 6, 2)
	ws := org.State().Workspaces[0].ID
	g1 := invGroupWithoutRoles(t, org)
	var g2 sandbox.Group
	for _, g := range grpWritableGroups(org) {
		if g.ID != g1.ID {
			g2 = g
			break
		}
	}
	const email = "new.hire@invited.example"
	first := fmt.Sprintf(`  workspace_roles = [{ workspace_id = %q, role = "atlassian/user" }]
  groups            = [%q]
  send_notification = false
`, ws, g1.ID)
	second := fmt.Sprintf(`  workspace_roles = [{ workspace_id = %q, role = "atlassian/user" }]
  groups            = [%q, %q]
  send_notification = false
`, ws, g1.ID, g2.ID)
	var accountID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: invConfig(org, email, first),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("atlassian_invitation.i", tfjsonpath.New("adopted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("atlassian_invitation.i", tfjsonpath.New("groups"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(g1.ID)})),
					statecheck.ExpectIdentity("atlassian_invitation.i", map[string]knownvalue.Check{"account_id": knownvalue.NotNull()}),
				},
				Check: func(s *terraform.State) error {
					u, ok := invAccount(org, email)
					if !ok {
						return fmt.Errorf("sandbox: no account for %s", email)
					}
					accountID = u.AccountID
					if got := s.RootModule().Resources["atlassian_invitation.i"].Primary.Attributes["account_id"]; got != u.AccountID {
						return fmt.Errorf("account_id = %q, sandbox has %q", got, u.AccountID)
					}
					if !invHasRole(org, u.AccountID, ws, "atlassian/user") || !invIsMember(org, g1.ID, u.AccountID) {
						return fmt.Errorf("sandbox: the invitation's role or group is missing")
					}
					if n := org.Stats().ByRoute[invRoute]; n != 1 {
						return fmt.Errorf("%d invitations sent, want 1", n)
					}
					return nil
				},
			},
			{
				// A group added later is joined in place; no new invitation.
				Config: invConfig(org, email, second),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_invitation.i", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if !invIsMember(org, g2.ID, accountID) {
						return fmt.Errorf("sandbox: the added group was not joined")
					}
					if n := org.Stats().ByRoute[invRoute]; n != 1 {
						return fmt.Errorf("%d invitations sent, want still 1", n)
					}
					return nil
				},
			},
			{
				// Import by email.
				ResourceName:                         "atlassian_invitation.i",
				ImportState:                          true,
				ImportStateId:                        email,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "account_id",
				ImportStateVerifyIgnore:              []string{"workspace_roles", "groups", "send_notification", "adopted"},
			},
			{
				// Import by account id.
				ResourceName:                         "atlassian_invitation.i",
				ImportState:                          true,
				ImportStateIdFunc:                    func(*terraform.State) (string, error) { return accountID, nil },
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "account_id",
				ImportStateVerifyIgnore:              []string{"workspace_roles", "groups", "send_notification", "adopted"},
			},
			{
				// Import by identity, to a plan without changes.
				Config:          invConfig(org, email, ""),
				ResourceName:    "atlassian_invitation.i",
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
			},
			{
				// The same address in another case is updated in place,
				// never replaced.
				Config: invConfig(org, strings.ToUpper(email), second),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_invitation.i", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("atlassian_invitation.i", tfjsonpath.New("email"), knownvalue.StringExact(strings.ToUpper(email))),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// remove_on_destroy defaults to false: the person stays.
			if _, ok := invAccount(org, email); !ok {
				return fmt.Errorf("destroying the invitation removed %s", email)
			}
			return nil
		},
	})
}

// TestAccInvitation_partialFailure: a role Atlassian refuses (the licence
// is full) is an error naming it; the group that succeeded is kept. The
// next apply replaces the tainted invitation by adopting the account, so
// no second invitation is sent, and remove_on_destroy does not remove the
// person on the way.
func TestAccInvitation_partialFailure(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 2)
	st := org.State()
	ws := st.Workspaces[0].ID
	holders := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == ws {
			holders[a.AccountID] = true
		}
	}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == ws {
			g, _ := org.Group(a.GroupID)
			for _, m := range g.MemberAccountIDs {
				holders[m] = true
			}
		}
	}
	if len(holders) == 0 {
		t.Fatal("the workspace has no holders to fill its licence with")
	}
	g := invGroupWithoutRoles(t, org)
	const email = "partial@invited.example"
	config := invConfig(org, email, fmt.Sprintf(`  workspace_roles   = [{ workspace_id = %q, role = "atlassian/user" }]
  groups            = [%q]
  remove_on_destroy = true
`, ws, g.ID))
	var accountID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				PreConfig: func() {
					org.Update(func(st *sandbox.State) error { st.Settings.LicenceLimit = len(holders); return nil })
				},
				Config: config,
				ExpectError: acctest.AttrError("Workspace role not granted", "atlassian_invitation.i", "workspace_roles",
					fmt.Sprintf("did not grant atlassian/user on workspace %q (%s) to %s", st.Workspaces[0].Name, ws, email), "licence limit exceeded", "the next apply tries this one again"),
			},
			{
				PreConfig: func() {
					u, ok := invAccount(org, email)
					if !ok || !invIsMember(org, g.ID, u.AccountID) || invHasRole(org, u.AccountID, ws, "atlassian/user") {
						t.Errorf("after the partial failure: account %v, member %v", ok, invIsMember(org, g.ID, u.AccountID))
					}
					accountID = u.AccountID
					org.Update(func(st *sandbox.State) error { st.Settings.LicenceLimit = 0; return nil })
				},
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_invitation.i", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("atlassian_invitation.i", tfjsonpath.New("adopted"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("atlassian_invitation.i", tfjsonpath.New("complete"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					u, ok := invAccount(org, email)
					if !ok || u.AccountID != accountID {
						return fmt.Errorf("the replacement removed or changed the account (%v, %s -> %s)", ok, accountID, u.AccountID)
					}
					if !invHasRole(org, accountID, ws, "atlassian/user") {
						return fmt.Errorf("the role is still missing")
					}
					if n := org.Stats().ByRoute[invRoute]; n != 1 {
						return fmt.Errorf("%d invitations sent, want 1", n)
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// A complete invitation with remove_on_destroy: the person goes.
			if _, ok := invAccount(org, email); ok {
				return fmt.Errorf("remove_on_destroy did not remove %s", email)
			}
			return nil
		},
	})
}

// TestAccInvitation_adoptsExistingAccount: an email that has an account is
// not invited; the roles are granted to that account.
func TestAccInvitation_adoptsExistingAccount(t *testing.T) {
	org := acctest.NewOrg(t, 20, 6, 2)
	ws := org.State().Workspaces[1].ID
	var existing sandbox.User
	for _, u := range org.ActiveUsers() {
		if !invHasRole(org, u.AccountID, ws, "atlassian/guest") {
			existing = u
			break
		}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: invConfig(org, existing.Email, fmt.Sprintf("  workspace_roles = [{ workspace_id = %q, role = \"atlassian/guest\" }]\n", ws)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("atlassian_invitation.i", tfjsonpath.New("account_id"), knownvalue.StringExact(existing.AccountID)),
				statecheck.ExpectKnownValue("atlassian_invitation.i", tfjsonpath.New("adopted"), knownvalue.Bool(true)),
			},
			Check: func(*terraform.State) error {
				if n := org.Stats().ByRoute[invRoute]; n != 0 {
					return fmt.Errorf("an existing account was invited (%d calls)", n)
				}
				if !invHasRole(org, existing.AccountID, ws, "atlassian/guest") {
					return fmt.Errorf("the adopted account lacks the role")
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if _, ok := invAccount(org, existing.Email); !ok {
				return fmt.Errorf("destroying an adoption removed the person")
			}
			return nil
		},
	})
}

// TestAccInvitation_lostAnswer: the invitation went out but its answer was
// lost; the create looks the email up again and adopts what it created,
// without a second invitation.
func TestAccInvitation_lostAnswer(t *testing.T) {
	org := acctest.NewOrg(t, 10, 4, 1)
	org.SetFaults(sandbox.Faults{LoseAnswerRate: 1, Routes: []string{invRoute}})
	const email = "lost.answer@invited.example"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: invConfig(org, email, ""),
			Check: func(s *terraform.State) error {
				u, ok := invAccount(org, email)
				if !ok || s.RootModule().Resources["atlassian_invitation.i"].Primary.Attributes["account_id"] != u.AccountID {
					return fmt.Errorf("the state does not hold the account created by the lost invitation")
				}
				if n := org.Stats().ByRoute[invRoute]; n != 1 {
					return fmt.Errorf("%d invitations sent, want 1", n)
				}
				return nil
			},
		}},
	})
}

func TestAccInvitation_noPaidSubscription(t *testing.T) {
	org := acctest.NewOrg(t, 10, 4, 1)
	org.Update(func(st *sandbox.State) error { st.Settings.PaidSubscription = false; return nil })
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: invConfig(org, "unpaid@invited.example", ""),
			ExpectError: acctest.AttrError("Invitations need a paid subscription", "atlassian_invitation.i", "email",
				"only for organizations with a paid subscription", "import the account here"),
		}},
	})
}

func TestAccInvitation_badInputs(t *testing.T) {
	org := acctest.NewOrg(t, 10, 4, 1)
	ws := org.State().Workspaces[0].ID
	role := func(workspace, role string) string {
		return fmt.Sprintf("  workspace_roles = [{ workspace_id = %q, role = %q }]\n", workspace, role)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: invConfig(org, "not-an-email", ""), ExpectError: grpErrorPattern(`Attribute email must be an email address such as name@example.com, got: not-an-email`)},
			{Config: invConfig(org, "", ""), ExpectError: grpErrorPattern(`Attribute email must be an email address such as name@example.com, got: \n`)},
			{Config: invConfig(org, "bad.role@invited.example", role(ws, "atlassian/site-admin")), ExpectError: grpErrorPattern(`Attribute workspace_roles\[Value\(\{.*\}\)\].role value must be one of: \["atlassian/user" "atlassian/admin"`)},
			{Config: invConfig(org, "bad.ws@invited.example", role("jira", "atlassian/user")), ExpectError: grpErrorPattern(`must be a workspace ARI such as ari:cloud:jira::site/<uuid>, got: jira`)},
			{
				Config:      invConfig(org, "unknown.ws@invited.example", role("ari:cloud:jira::site/00000000-0000-0000-0000-000000000000", "atlassian/user")),
				ExpectError: acctest.AttrError("Unknown workspace", "atlassian_invitation.i", "workspace_roles", `workspace_id "ari:cloud:jira::site/00000000-0000-0000-0000-000000000000" names no workspace`),
			},
			{
				Config:      invConfig(org, "unknown.group@invited.example", "  groups = [\"no-such-group\"]\n"),
				ExpectError: acctest.AttrError("Unknown group", "atlassian_invitation.i", "groups", `no group with id "no-such-group"`),
			},
			{
				Config:        invConfig(org, "importer@invited.example", ""),
				ResourceName:  "atlassian_invitation.i",
				ImportState:   true,
				ImportStateId: "has space",
				ExpectError:   acctest.PlainError("Invalid import id", "is the invited person's email", `not "has space"`),
			},
			{
				Config:        invConfig(org, "importer@invited.example", ""),
				ResourceName:  "atlassian_invitation.i",
				ImportState:   true,
				ImportStateId: "nobody@nowhere.example",
				ExpectError:   acctest.PlainError("Cannot import an invitation without an account", `"nobody@nowhere.example"`),
			},
		},
	})
	if n := org.Stats().ByRoute[invRoute]; n != 0 {
		t.Fatalf("bad inputs sent %d invitations", n)
	}
}

// TestAccInvitation_outOfBandRemovalAndRequestCounts runs the real CLI:
// it counts the requests of each operation, and checks that an account
// removed outside Terraform plans a new invitation with a warning.
func TestAccInvitation_outOfBandRemovalAndRequestCounts(t *testing.T) {
	org := acctest.NewOrg(t, 50, 6, 2)
	ws := org.State().Workspaces[0].ID
	g := invGroupWithoutRoles(t, org)
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	const email = "counted@invited.example"
	cli.WriteConfig(invConfig(org, email, fmt.Sprintf(`  workspace_roles   = [{ workspace_id = %q, role = "atlassian/user" }]
  groups            = [%q]
  remove_on_destroy = true
`, ws, g.ID)))

	org.ResetStats()
	cli.MustApply()
	create := org.Stats()
	org.ResetStats()
	if changes, res := cli.PlanChanges(); changes {
		t.Fatalf("a plan right after the apply wants changes:\n%s", tfdriver.LastLines(res.Output, 40))
	}
	refresh := org.Stats()
	t.Logf("requests: apply of a new invitation %d %v; refresh plan %d %v", create.Total, create.ByRoute, refresh.Total, refresh.ByRoute)
	// The plan walk and the apply walk's re-plan each check the workspace
	// (one listing) and the group (one read); the apply looks the email
	// up, invites, and reads the account back.
	if create.ByRoute[invRoute] != 1 || create.Total != 7 {
		t.Errorf("creating an invitation cost %d requests (%v), want 7 with one invitation", create.Total, create.ByRoute)
	}
	if refresh.Total != 1 {
		t.Errorf("refreshing an invitation cost %d requests, want 1 (the account)", refresh.Total)
	}

	u, ok := invAccount(org, email)
	if !ok {
		t.Fatal("no account")
	}
	// Removed outside Terraform.
	org.Update(func(st *sandbox.State) error {
		st.Users = slices.DeleteFunc(st.Users, func(x sandbox.User) bool { return x.AccountID == u.AccountID })
		for i := range st.Groups {
			st.Groups[i].MemberAccountIDs = slices.DeleteFunc(st.Groups[i].MemberAccountIDs, func(id string) bool { return id == u.AccountID })
		}
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == u.AccountID })
		return nil
	})
	p, res := cli.SavedPlan()
	if got := acctest.ActionsByAddress(p)["atlassian_invitation.i"]; got != "create" {
		t.Fatalf("after an out-of-band removal the plan is %q, want create", got)
	}
	if !regexp.MustCompile(`(?s)Warning: Invited account removed outside Terraform.*invites\s+` + regexp.QuoteMeta(email) + `\s+again`).MatchString(res.Output) {
		t.Errorf("the plan does not warn of the removal:\n%s", tfdriver.LastLines(res.Output, 30))
	}
	cli.MustApply()
	again, ok := invAccount(org, email)
	if !ok {
		t.Fatal("the re-invitation created no account")
	}

	org.ResetStats()
	cli.Must(cli.TryDestroy())
	destroy := org.Stats()
	t.Logf("requests: destroy with remove_on_destroy %d %v", destroy.Total, destroy.ByRoute)
	if _, ok := invAccount(org, email); ok {
		t.Fatal("remove_on_destroy left the account")
	}
	if destroy.ByRoute["DELETE /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}"] != 1 {
		t.Errorf("destroy sent %v, want one removal of %s", destroy.ByRoute, again.AccountID)
	}
}

// TestAccInvitation_example applies the documentation's example to the demo
// organization and destroys it: the contractor is removed, Ada stays.
func TestAccInvitation_example(t *testing.T) {
	org := newDemoOrg(t)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: org.Config(exampleConfig(t, "examples/resources/atlassian_invitation/resource.tf")),
			Check: func(s *terraform.State) error {
				ada, ok := invAccount(org, "ada.lovelace@sandbox-org.example")
				if !ok || s.RootModule().Outputs["ada_account_id"].Value != ada.AccountID {
					return fmt.Errorf("the example's invitation of Ada is not in the sandbox")
				}
				if _, ok := invAccount(org, "grace.hopper@contractor.example"); !ok {
					return fmt.Errorf("the example's contractor is not in the sandbox")
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if _, ok := invAccount(org, "ada.lovelace@sandbox-org.example"); !ok {
				return fmt.Errorf("destroying the example removed Ada")
			}
			if _, ok := invAccount(org, "grace.hopper@contractor.example"); ok {
				return fmt.Errorf("destroying the example left the contractor (remove_on_destroy)")
			}
			return nil
		},
	})
}
