package provider

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

const (
	routeOrgRoleAssign = "POST /admin/v1/orgs/{orgId}/users/{accountId}/role-assignments/assign"
	routeOrgRoleRevoke = "POST /admin/v1/orgs/{orgId}/users/{accountId}/role-assignments/revoke"
	// Account reads go through the users search, the one read that
	// reports platform roles and MFA.
	routeSearchUsers = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search"
	routeSuspend     = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}/suspend"
	routeRestore     = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}/restore"
)

func orgRoleConfig(org *acctest.Org, name, accountID string) string {
	return fmt.Sprintf(`
resource "atlassian_organization_role_assignment" %q {
  account_id = %q
  role       = "atlassian/org-admin"
}
`, name, accountID)
}

// orgAdmins are the accounts the sandbox state holds as organization admins.
func orgAdmins(org *acctest.Org) []string {
	var out []string
	for _, a := range org.State().UserRoleAssignments {
		if a.ResourceOwner == "platform" && a.Role == "atlassian/org-admin" {
			out = append(out, a.AccountID)
		}
	}
	slices.Sort(out)
	return out
}

func isOrgAdminInSandbox(org *acctest.Org, accountID string) bool {
	return slices.Contains(orgAdmins(org), accountID)
}

// plainAccounts are active accounts without any organization role.
func plainAccounts(t *testing.T, org *acctest.Org, n int) []string {
	t.Helper()
	var out []string
	for _, u := range org.ActiveUsers() {
		if len(u.PlatformRoles) == 0 && len(out) < n {
			out = append(out, u.AccountID)
		}
	}
	if len(out) < n {
		t.Fatalf("the sandbox has fewer than %d active accounts without organization roles", n)
	}
	return out
}

func setOrgRoleDelay(org *acctest.Org, ms int) {
	org.Update(func(st *sandbox.State) error { st.Settings.OrgRoleConsistencyDelayMs = ms; return nil })
}

// revokeOrgAdminOutOfBand takes the role away as another admin would.
func revokeOrgAdminOutOfBand(org *acctest.Org, accountID string) {
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
			return a.AccountID == accountID && a.Role == "atlassian/org-admin"
		})
		return nil
	})
}

func grantOrgAdminOutOfBand(org *acctest.Org, accountID string) {
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: accountID, ResourceID: "ari:cloud:platform::org/" + st.Organization.ID, ResourceOwner: "platform", Role: "atlassian/org-admin",
		})
		return nil
	})
}

// Assign, import by id and by identity, drift (revoked outside: the plan
// assigns again), destroy.
func TestAccOrganizationRoleAssignment_lifecycle(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	accountID := plainAccounts(t, org, 1)[0]
	before := orgAdmins(org)
	address := "atlassian_organization_role_assignment.admin"
	config := org.Config(orgRoleConfig(org, "admin", accountID))
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: grpCheckSandbox(func() error {
			if got := orgAdmins(org); !slices.Equal(got, before) {
				return fmt.Errorf("after destroy the organization admins are %v, want %v", got, before)
			}
			return nil
		}),
		Steps: []tfresource.TestStep{
			{
				Config:    config,
				PreConfig: org.ResetStats,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("atlassian/org-admin/"+accountID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact("atlassian/org-admin/"+accountID)),
					statecheck.ExpectIdentity(address, map[string]knownvalue.Check{
						"account_id": knownvalue.StringExact(accountID), "role": knownvalue.StringExact("atlassian/org-admin"),
					}),
				},
				Check: grpCheckSandbox(func() error {
					if !isOrgAdminInSandbox(org, accountID) {
						return fmt.Errorf("account %s is not an organization admin after apply", accountID)
					}
					st := org.Stats()
					t.Logf("assign (plan + apply): %d requests, %d assign writes: %v", st.Total, st.ByRoute[routeOrgRoleAssign], st.ByRoute)
					// The plan's account check, the apply's re-plan check, the
					// write, one confirming read.
					if st.ByRoute[routeOrgRoleAssign] != 1 || st.Total != 4 {
						return fmt.Errorf("%d requests, %d assign writes; want 4 and 1", st.Total, st.ByRoute[routeOrgRoleAssign])
					}
					return nil
				}),
			},
			{ResourceName: address, ImportState: true, ImportStateVerify: true},
			{ResourceName: address, ImportState: true, ImportStateId: accountID, ImportStateVerify: true},
			{Config: config, ResourceName: address, ImportState: true, ImportStateKind: tfresource.ImportBlockWithResourceIdentity},
			{
				// A plan that only refreshes, counted.
				Config:    config,
				PreConfig: org.ResetStats,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
				}},
				Check: grpCheckSandbox(func() error {
					st := org.Stats()
					t.Logf("refresh + plan with nothing to change: %d requests: %v", st.Total, st.ByRoute)
					if st.Total != 1 {
						return fmt.Errorf("refreshing one assignment sent %d requests, want 1", st.Total)
					}
					return nil
				}),
			},
			{
				// Revoked outside Terraform: the plan assigns it again.
				Config:    config,
				PreConfig: func() { revokeOrgAdminOutOfBand(org, accountID) },
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate),
				}},
				Check: grpCheckSandbox(func() error {
					if !isOrgAdminInSandbox(org, accountID) {
						return fmt.Errorf("the re-assignment did not land")
					}
					return nil
				}),
			},
			{
				// Revoke (destroy of the resource), counted.
				Config:    org.Config(""),
				PreConfig: org.ResetStats,
				Check: grpCheckSandbox(func() error {
					st := org.Stats()
					t.Logf("revoke (plan + apply): %d requests, %d revoke writes: %v", st.Total, st.ByRoute[routeOrgRoleRevoke], st.ByRoute)
					if isOrgAdminInSandbox(org, accountID) {
						return fmt.Errorf("account %s is still an organization admin", accountID)
					}
					// The refresh, the last-admin guard's listing, the write, one
					// confirming read.
					if st.ByRoute[routeOrgRoleRevoke] != 1 || st.Total != 4 {
						return fmt.Errorf("%d requests, %d revoke writes; want 4 and 1", st.Total, st.ByRoute[routeOrgRoleRevoke])
					}
					return nil
				}),
			},
		},
	})
}

// With Atlassian's reads lagging behind its writes, an apply waits for the
// change to show, reading only: one write each way, no "inconsistent result"
// and no planned change afterwards.
func TestAccOrganizationRoleAssignment_consistencyDelay(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 2000)
	accountID := plainAccounts(t, org, 1)[0]
	address := "atlassian_organization_role_assignment.admin"
	config := org.Config(orgRoleConfig(org, "admin", accountID))
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: grpCheckSandbox(func() error {
			if isOrgAdminInSandbox(org, accountID) {
				return fmt.Errorf("account %s is still an organization admin after destroy", accountID)
			}
			if n := org.Stats().ByRoute[routeOrgRoleRevoke]; n != 1 {
				return fmt.Errorf("destroy sent %d revoke writes, want 1", n)
			}
			return nil
		}),
		Steps: []tfresource.TestStep{
			{
				Config:    config,
				PreConfig: org.ResetStats,
				Check: grpCheckSandbox(func() error {
					st := org.Stats()
					t.Logf("assign with a 2 s consistency delay: %d requests, %d reads of the user: %v", st.Total, st.ByRoute[routeSearchUsers], st.ByRoute)
					if st.ByRoute[routeOrgRoleAssign] != 1 {
						return fmt.Errorf("%d assign writes, want 1", st.ByRoute[routeOrgRoleAssign])
					}
					if st.ByRoute[routeSearchUsers] < 2 {
						return fmt.Errorf("the apply read the account %d times: it cannot have waited for the change to show", st.ByRoute[routeSearchUsers])
					}
					return nil
				}),
			},
			{
				// The change shows by the time of the next plan: nothing to do.
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
				}},
				PreConfig: org.ResetStats,
			},
			{
				Config:    config,
				PreConfig: org.ResetStats,
				Destroy:   true,
			},
		},
	})
}

// orgAdminResourceNamed is how the last-admin guard names the resource of
// account's organization admin role.
func orgAdminResourceNamed(account string) string {
	return fmt.Sprintf("atlassian_organization_role_assignment with account_id = %q and role = %q", account, "atlassian/org-admin")
}

// The organization must keep an organization admin: removing the last one
// fails at plan time, on the resource; moving the role to another account
// in one change is fine.
func TestAccOrganizationRoleAssignment_lastAdminGuard(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	accounts := plainAccounts(t, org, 2)
	sole, next := accounts[0], accounts[1]
	// One organization admin only: sole.
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.Role == "atlassian/org-admin" })
		return nil
	})
	grantOrgAdminOutOfBand(org, sole)
	address := "atlassian_organization_role_assignment.admin"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				// Adopt the one admin.
				Config: org.Config(fmt.Sprintf(`
import {
  to = %s
  id = "atlassian/org-admin/%s"
}
`, address, sole) + orgRoleConfig(org, "admin", sole)),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
				}},
			},
			{
				// Removing it would leave nobody.
				Config: org.Config(""),
				// The detail names the account by email, the resource by
				// type and attributes (Terraform gives providers no
				// address), and the way out the docs describe.
				ExpectError: regexp.MustCompile(`(?s)Error: The organization would have no organization admin.*` +
					acctest.WordsPattern("takes the organization admin role from account "+sole+" ("+emailLabels(org, []string{sole})[sole]+
						") (the "+orgAdminResourceNamed(sole)+")") +
					`.*` + acctest.WordsPattern("replace the resource block with a removed block") +
					`.*` + acctest.WordsPattern("from = atlassian_organization_role_assignment.<name>") +
					`.*` + acctest.WordsPattern("destroy = false")),
			},
			{
				// Moving it to another account keeps one.
				Config: org.Config(orgRoleConfig(org, "admin", next)),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: grpCheckSandbox(func() error {
					if got := orgAdmins(org); !slices.Equal(got, []string{next}) {
						return fmt.Errorf("organization admins %v, want [%s]", got, next)
					}
					return nil
				}),
			},
			{
				// Two resources, both removed: whichever is planned last fails.
				Config: org.Config(orgRoleConfig(org, "admin", next) + orgRoleConfig(org, "second", sole)),
			},
			{
				Config:      org.Config(""),
				ExpectError: regexp.MustCompile(`Error: The organization would have no organization admin`),
			},
			{
				// Another admin appears outside Terraform: now both may go,
				// and the test's final destroy succeeds.
				PreConfig: func() { grantOrgAdminOutOfBand(org, plainAccounts(t, org, 1)[0]) },
				Config:    org.Config(orgRoleConfig(org, "admin", next) + orgRoleConfig(org, "second", sole)),
			},
		},
	})
}

// Bad input, each with its exact diagnostic; none writes anything.
func TestAccOrganizationRoleAssignment_badInput(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	plain := plainAccounts(t, org, 1)[0]
	var suspended string
	for _, u := range org.State().Users {
		if u.Status == "suspended" {
			suspended = u.AccountID
			break
		}
	}
	if suspended == "" {
		suspended = plainAccounts(t, org, 2)[1]
		setAccountStatus(org, suspended, "suspended")
	}
	address := "atlassian_organization_role_assignment.bad"
	roleConfig := func(accountID, role string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_organization_role_assignment" "bad" {
  account_id = %q
  role       = %q
}
`, accountID, role))
	}
	org.ResetStats()
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: grpCheckSandbox(func() error {
			st := org.Stats()
			if st.ByRoute[routeOrgRoleAssign]+st.ByRoute[routeOrgRoleRevoke] != 0 {
				return fmt.Errorf("refused input wrote to Atlassian: %v", st.ByRoute)
			}
			return nil
		}),
		Steps: []tfresource.TestStep{
			{
				Config:      roleConfig(plain, "atlassian/site-admin"),
				ExpectError: acctest.AttrError("Invalid Attribute Value Match", address, "role", `Attribute role value must be one of: ["atlassian/org-admin"], got: "atlassian/site-admin"`),
			},
			{
				Config:      roleConfig("not an id", "atlassian/org-admin"),
				ExpectError: acctest.AttrError("Invalid Attribute Value Match", address, "account_id", "must not be empty or contain white space or /, got: not an id"),
			},
			{
				Config:      roleConfig("5b10ac8d82e05b22cc7d0000", "atlassian/org-admin"),
				ExpectError: acctest.AttrError("Unknown account", address, "account_id", `has no account "5b10ac8d82e05b22cc7d0000"`),
			},
			{
				Config:      roleConfig(suspended, "atlassian/org-admin"),
				ExpectError: acctest.AttrError("Account is not active", address, "account_id", "Account "+accountInMessage(org, suspended)+" is suspended: Atlassian gives organization roles to active accounts only."),
			},
			{
				Config:        roleConfig(plain, "atlassian/org-admin"),
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: "atlassian/site-admin/" + plain,
				ExpectError:   acctest.PlainError("Malformed import id for atlassian_organization_role_assignment", `The id "atlassian/site-admin/`+plain+`" is not <role>/<account_id>`),
			},
			{
				Config:        roleConfig(plain, "atlassian/org-admin"),
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: "atlassian/org-admin/",
				ExpectError:   acctest.PlainError("Malformed import id for atlassian_organization_role_assignment", `The id "atlassian/org-admin/" is not <role>/<account_id>`),
			},
			{
				Config:        roleConfig(plain, "atlassian/org-admin"),
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: plain,
				ExpectError:   acctest.PlainError("Cannot import an organization role that is not assigned", "Account "+accountInMessage(org, plain)+" does not hold the organization role atlassian/org-admin"),
			},
		},
	})
}
