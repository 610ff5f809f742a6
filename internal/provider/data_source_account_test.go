package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// expectAccount checks every attribute of an atlassian_account against the
// sandbox user, id included.
func expectAccount(st sandbox.State, address string, u sandbox.User) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(u.AccountID)),
	}
	for attribute, check := range expectAccountFields(st, u) {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute), check))
	}
	return checks
}

// firstUser returns the first sandbox user that satisfies keep.
func firstUser(t *testing.T, users []sandbox.User, what string, keep func(sandbox.User) bool) sandbox.User {
	t.Helper()
	for _, u := range users {
		if keep(u) {
			return u
		}
	}
	t.Fatalf("the sandbox org has no %s", what)
	return sandbox.User{}
}

// addAppAccount adds, out of band, an app account (a bot: no email) to the
// org, which small generated orgs rarely have, and returns it as stored.
// The org then lists app and customer accounts, as the real service may
// (Atlassian's document lists none).
func addAppAccount(t *testing.T, org *acctest.Org) sandbox.User {
	t.Helper()
	const id = "557058:0b6d8a1e-3c2f-4e5a-9d7b-1f0e2c3d4a5b"
	org.Update(func(st *sandbox.State) error {
		st.Settings.ListNonAtlassianAccounts = true
		st.Users = append(st.Users, sandbox.User{
			AccountID: id, AccountType: "app", Status: "active", AccountStatus: "active",
			MembershipStatus: "active", Name: "Automation for Jira", Nickname: "Automation for Jira",
			ClaimStatus: "unmanaged", AddedToOrg: "2021-03-04T05:06:07.000Z",
		})
		return nil
	})
	return firstUser(t, org.State().Users, "app account", func(u sandbox.User) bool { return u.AccountID == id })
}

func TestAccAccountDataSource_lookups(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	users := org.State().Users
	staff := firstUser(t, users, "staff account", func(u sandbox.User) bool { return u.AccountType == "atlassian" && u.Email != "" })
	byEmail := firstUser(t, users, "second staff account", func(u sandbox.User) bool {
		return u.AccountType == "atlassian" && u.Email != "" && u.AccountID != staff.AccountID
	})
	app := addAppAccount(t, org)
	// The account looked up by id is an organization admin with MFA, so
	// platform_roles and mfa_enabled have something to show.
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: staff.AccountID, ResourceID: "ari:cloud:platform::org/" + st.Organization.ID, ResourceOwner: "platform", Role: "atlassian/org-admin",
		})
		for i := range st.Users {
			if st.Users[i].AccountID == staff.AccountID {
				st.Users[i].MFAEnabled = true
			}
		}
		return nil
	})
	staff = firstUser(t, org.State().Users, "the admin", func(u sandbox.User) bool { return u.AccountID == staff.AccountID })
	if !slices.Contains(staff.PlatformRoles, "atlassian/org-admin") || !staff.MFAEnabled {
		t.Fatalf("the sandbox did not make %s an admin with MFA: %+v", staff.AccountID, staff)
	}

	st := org.State()
	var checks []statecheck.StateCheck
	checks = append(checks, expectAccount(st, "data.atlassian_account.by_id", staff)...)
	checks = append(checks, expectAccount(st, "data.atlassian_account.app", app)...)
	// Looked up by email in another case: the same account, its email as
	// Atlassian stores it.
	checks = append(checks, expectAccount(st, "data.atlassian_account.by_email", byEmail)...)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(fmt.Sprintf(`
data "atlassian_account" "by_id" {
  account_id = %q
}

data "atlassian_account" "app" {
  account_id = %q
}

data "atlassian_account" "by_email" {
  email = %q
}
`, staff.AccountID, app.AccountID, strings.ToUpper(byEmail.Email))),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccAccountDataSource_errors(t *testing.T) {
	org := acctest.NewOrg(t, 20, 2, 1)
	users := org.State().Users
	first := firstUser(t, users, "staff account", func(u sandbox.User) bool { return u.AccountType == "atlassian" && u.Email != "" })
	second := firstUser(t, users, "second staff account", func(u sandbox.User) bool {
		return u.AccountType == "atlassian" && u.Email != "" && u.AccountID != first.AccountID
	})
	// Another admin gives a second account the same address (in another
	// case): looking it up by email is now ambiguous.
	org.Update(func(st *sandbox.State) error {
		for i := range st.Users {
			if st.Users[i].AccountID == second.AccountID {
				st.Users[i].Email = strings.ToUpper(first.Email)
			}
		}
		return nil
	})
	const missingID = "5b10ac8d82e05b22cc7ddead"
	const missingEmail = "nobody@nowhere.example"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_account" "x" {
  account_id = %q
}
`, missingID)),
				ExpectError: expectErrorMatching("Account not found", `account_id "`+missingID+`" names no account`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_account" "x" {
  email = %q
}
`, missingEmail)),
				ExpectError: expectErrorMatching("Account not found", `email "`+missingEmail+`" matches no account`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_account" "x" {
  email = %q
}
`, first.Email)),
				// Both account ids are named, so the user can pick one.
				// (Listed in email order, then id: the two emails are equal
				// ignoring case.)
				ExpectError: expectErrorMatching("Several accounts have this email", `email "`+first.Email+`" matches 2 accounts:`,
					`"`+min(first.AccountID, second.AccountID)+`"`, `"`+max(first.AccountID, second.AccountID)+`"`),
			},
			// Plan-time validation: exactly one selector.
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_account" "x" {
  account_id = %q
  email      = %q
}
`, first.AccountID, first.Email)),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "2 attributes specified when one (and only one) of [account_id,email] is required"),
			},
			{
				Config:      org.Config(`data "atlassian_account" "x" {}`),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "No attribute specified when one (and only one) of [account_id,email] is required"),
			},
		},
	})
}
