package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

func suspensionConfig(org *acctest.Org, accountID string) string {
	return org.Config(fmt.Sprintf(`
resource "atlassian_account_suspension" "s" {
  account_id = %q
}
`, accountID))
}

func accountStatusInSandbox(org *acctest.Org, accountID string) string {
	for _, u := range org.State().Users {
		if u.AccountID == accountID {
			return u.Status
		}
	}
	return ""
}

func expectStatus(org *acctest.Org, accountID, want string) tfresource.TestCheckFunc {
	return grpCheckSandbox(func() error {
		if got := accountStatusInSandbox(org, accountID); got != want {
			return fmt.Errorf("account %s is %q, want %q", accountID, got, want)
		}
		return nil
	})
}

// Suspend, import by id and by identity, restored outside (the plan
// suspends again), destroy restores.
func TestAccAccountSuspension_lifecycle(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	accountID := plainAccounts(t, org, 1)[0]
	address := "atlassian_account_suspension.s"
	config := suspensionConfig(org, accountID)
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             expectStatus(org, accountID, "active"),
		Steps: []tfresource.TestStep{
			{
				Config:    config,
				PreConfig: org.ResetStats,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(accountID)),
					statecheck.ExpectIdentity(address, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(accountID)}),
				},
				Check: tfresource.ComposeTestCheckFunc(expectStatus(org, accountID, "suspended"), grpCheckSandbox(func() error {
					st := org.Stats()
					t.Logf("suspend (plan + apply): %d requests: %v", st.Total, st.ByRoute)
					// The plan's check, the apply's re-plan check, the read that
					// finds the directory, the write.
					if st.ByRoute[routeSuspend] != 1 || st.Total != 4 {
						return fmt.Errorf("%d requests, %d suspends; want 4 and 1", st.Total, st.ByRoute[routeSuspend])
					}
					return nil
				})),
			},
			{ResourceName: address, ImportState: true, ImportStateVerify: true},
			{Config: config, ResourceName: address, ImportState: true, ImportStateKind: tfresource.ImportBlockWithResourceIdentity},
			{
				Config:    config,
				PreConfig: org.ResetStats,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
				}},
				Check: grpCheckSandbox(func() error {
					st := org.Stats()
					t.Logf("refresh + plan with nothing to change: %d requests: %v", st.Total, st.ByRoute)
					if st.Total != 1 {
						return fmt.Errorf("refreshing one suspension sent %d requests, want 1", st.Total)
					}
					return nil
				}),
			},
			{
				// Restored outside Terraform: the plan suspends again.
				Config:    config,
				PreConfig: func() { setAccountStatus(org, accountID, "active") },
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate),
				}},
				Check: expectStatus(org, accountID, "suspended"),
			},
			{
				// Restore (the resource removed from the configuration), counted:
				// one write, the directory kept from the suspension.
				Config:    org.Config(""),
				PreConfig: org.ResetStats,
				Check: tfresource.ComposeTestCheckFunc(expectStatus(org, accountID, "active"), grpCheckSandbox(func() error {
					st := org.Stats()
					t.Logf("restore (plan + apply): %d requests: %v", st.Total, st.ByRoute)
					if st.ByRoute[routeRestore] != 1 || st.Total != 2 {
						return fmt.Errorf("restore sent %v, want one restore and one refresh read", st.ByRoute)
					}
					return nil
				})),
			},
		},
	})
}

// An already suspended account is adopted by an import block; destroying
// the resource restores it.
func TestAccAccountSuspension_importSuspended(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	accountID := plainAccounts(t, org, 1)[0]
	setAccountStatus(org, accountID, "suspended")
	address := "atlassian_account_suspension.s"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             expectStatus(org, accountID, "active"),
		Steps: []tfresource.TestStep{{
			Config: suspensionConfig(org, accountID) + fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, address, accountID),
			PreConfig: org.ResetStats,
			ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
			}},
			Check: grpCheckSandbox(func() error {
				if n := org.Stats().ByRoute[routeSuspend]; n != 0 {
					return fmt.Errorf("adopting a suspension sent %d suspends", n)
				}
				return nil
			}),
		}},
	})
}

// Suspending an organization admin fails at plan time on account_id; when
// the plan cannot know it (the account becomes an admin after the plan),
// the apply fails with Atlassian's refusal explained. Bad import ids are
// refused with their diagnostics.
func TestAccAccountSuspension_refusals(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	admin := orgAdmins(org)[0]
	plain := plainAccounts(t, org, 1)[0]
	address := "atlassian_account_suspension.s"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:      suspensionConfig(org, admin),
				ExpectError: acctest.AttrError("Cannot suspend an organization admin", address, "account_id", "Account "+accountInMessage(org, admin)+" is an organization admin", "Revoke the atlassian/org-admin role first"),
			},
			{
				// One plan that both suspends an account and makes it an
				// admin: whichever resource is planned second fails.
				Config:      suspensionConfig(org, plain) + orgRoleConfig(org, "both", plain),
				ExpectError: regexp.MustCompile(`(?s)Error: Cannot (make a suspended account an organization admin|suspend an organization admin).*` + acctest.WordsPattern("This plan also")),
			},
			{
				Config:      suspensionConfig(org, "5b10ac8d82e05b22cc7d0000"),
				ExpectError: acctest.AttrError("Unknown account", address, "account_id", `has no account "5b10ac8d82e05b22cc7d0000"`),
			},
			{
				Config:      suspensionConfig(org, "has space"),
				ExpectError: acctest.AttrError("Invalid Attribute Value Match", address, "account_id", "must not be empty or contain white space or /, got: has space"),
			},
			{
				Config:        suspensionConfig(org, plain),
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: plain,
				ExpectError:   acctest.PlainError("Cannot import the suspension of an account that is not suspended", "Account "+accountInMessage(org, plain)+" is active"),
			},
			{
				Config:        suspensionConfig(org, plain),
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: "a/b",
				ExpectError:   acctest.PlainError("Malformed import id for atlassian_account_suspension", `The id "a/b" is not an account id`),
			},
		},
	})
	// The apply-time refusal: Atlassian makes the account an admin, but its
	// reads do not show it yet, so the plan cannot know.
	setOrgRoleDelay(org, 30000)
	assignOrgAdminThroughAPI(t, org, plain)
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(suspensionConfig(org, plain))
	res := cli.TryApply()
	if res.Err == nil {
		t.Fatalf("applying the suspension of an organization admin succeeded")
	}
	if want := acctest.AttrError("Atlassian refused to suspend the account", address, "account_id", "as it does for an organization admin"); !want.MatchString(res.Output) {
		t.Fatalf("apply output does not explain the refusal:\n%s", res.Output)
	}
	cli.ExpectNoCrash(res)
	if got := accountStatusInSandbox(org, plain); got != "active" {
		t.Fatalf("the refused suspension left the account %q", got)
	}
}

// assignOrgAdminThroughAPI makes an account an organization admin as
// another admin would, through the admin API, so that the sandbox's
// consistency delay applies to it.
func assignOrgAdminThroughAPI(t *testing.T, org *acctest.Org, accountID string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, org.URL+"/admin/v1/orgs/"+org.OrgID+"/users/"+accountID+"/role-assignments/assign",
		strings.NewReader(`{"role":"atlassian/org-admin"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+org.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("assigning the organization admin role: %s", resp.Status)
	}
}

// The documentation's examples of both resources apply, as written, to the
// demo organization.
func TestAccOrganizationRoleAndSuspension_examples(t *testing.T) {
	org := newDemoOrg(t)
	setOrgRoleDelay(org, 0)
	emails := map[string]string{}
	for _, u := range org.State().Users {
		emails[u.Email] = u.AccountID
	}
	ingrid, liam := emails["ingrid.watanabe@sandbox-org.example"], emails["liam.reddy@sandbox-org.example"]
	if ingrid == "" || liam == "" || emails["ivan.nwosu@sandbox-org.example"] != "57517bc6cc009900ad755128" || liam != "504054724dbc69eb92ef6fc7" {
		t.Fatalf("the demo organization lacks what the examples refer to")
	}
	config := org.Config(exampleConfig(t, "examples/resources/atlassian_organization_role_assignment/resource.tf") +
		exampleConfig(t, "examples/resources/atlassian_account_suspension/resource.tf"))
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: config,
			Check: tfresource.ComposeTestCheckFunc(expectStatus(org, liam, "suspended"), grpCheckSandbox(func() error {
				if !isOrgAdminInSandbox(org, ingrid) {
					return fmt.Errorf("the example did not make %s an organization admin", ingrid)
				}
				return nil
			})),
		}},
	})
}

// An account deleted outside Terraform: the refresh drops its suspension
// with a warning, and the plan to suspend it again fails on account_id.
func TestAccAccountSuspension_accountDeleted(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	accountID := plainAccounts(t, org, 1)[0]
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: suspensionConfig(org, accountID), Check: expectStatus(org, accountID, "suspended")},
			{
				PreConfig: func() {
					org.Update(func(st *sandbox.State) error {
						for i := range st.Groups {
							st.Groups[i].MemberAccountIDs = slices.DeleteFunc(st.Groups[i].MemberAccountIDs, func(id string) bool { return id == accountID })
						}
						st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == accountID })
						st.Users = slices.DeleteFunc(st.Users, func(u sandbox.User) bool { return u.AccountID == accountID })
						return nil
					})
				},
				Config:      suspensionConfig(org, accountID),
				ExpectError: acctest.AttrError("Unknown account", "atlassian_account_suspension.s", "account_id", `has no account "`+accountID+`"`),
			},
		},
	})
}
