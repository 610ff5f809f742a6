package provider

import (
	"fmt"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
)

// readOnlyProviderBlock configures the provider with an API key that has
// the read scopes alone, as a pull request's plan job holds.
func readOnlyProviderBlock(org *acctest.Org, key string) string {
	return fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}
`, org.OrgID, key, org.URL)
}

// A key with the read scopes alone refreshes and plans the resources and
// reads the data sources; an apply that needs a write scope fails naming
// the scope to add, and changes nothing. A key with the scopes the guide
// lists for a resource applies it.
func TestAccReadOnlyScopedKey(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	const readOnlyKey = "read-only-scoped-key"
	org.Server.AddScopedKey(readOnlyKey, atlassian.ReadScopes...)
	documented := documentedScopes(t)
	const membershipKey, orgRoleKey = "membership-scoped-key", "org-role-scoped-key"
	org.Server.AddScopedKey(membershipKey, documented["atlassian_group_membership|resource"]...)
	org.Server.AddScopedKey(orgRoleKey, documented["atlassian_organization_role_assignment|resource"]...)
	g := org.WritableGroup(t)
	newcomers := grpNonMembers(t, org, g, 2)
	workspace := org.State().Workspaces[0]
	admin := plainAccounts(t, org, 1)[0]

	managed := fmt.Sprintf(`
resource "atlassian_group_membership" "m" {
  group_id   = %q
  account_id = %q
}

resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = %q
  role         = "atlassian/user"
  group_id     = %q
}

data "atlassian_groups" "all" {}
data "atlassian_workspaces" "all" {}
data "atlassian_account" "member" { account_id = %q }
data "atlassian_group" "g" { group_id = %q }
data "atlassian_effective_access" "member" { account_id = %q }
`, g.ID, newcomers[0].AccountID, workspace.ID, g.ID, newcomers[0].AccountID, g.ID, newcomers[0].AccountID)
	secondMember := fmt.Sprintf(`
resource "atlassian_group_membership" "second" {
  group_id   = %q
  account_id = %q
}
`, g.ID, newcomers[1].AccountID)
	orgAdmin := orgRoleConfig(org, "admin", admin)

	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: org.Config(managed)}, // the write key creates them
			{
				// Refresh and plan with the read-only key: nothing to do.
				Config:           readOnlyProviderBlock(org, readOnlyKey) + managed,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: readOnlyProviderBlock(org, readOnlyKey) + managed + secondMember,
				ExpectError: acctest.BlockError("API key lacks the scope write:group:admin", "atlassian_group_membership.second",
					"the API key (the provider's api_token) lacks the scope write:group:admin, which this change needs"),
			},
			{
				Config: readOnlyProviderBlock(org, readOnlyKey) + managed + orgAdmin,
				ExpectError: acctest.BlockError("API key lacks the scope write:org:admin", "atlassian_organization_role_assignment.admin",
					"lacks the scope write:org:admin, which this change needs"),
			},
			{
				// A key with the scopes the API key scopes guide lists for
				// each resource applies it.
				Config: readOnlyProviderBlock(org, membershipKey) + managed + secondMember,
				Check: grpCheckSandbox(func() error {
					if !grpIsMember(org, g.ID, newcomers[1].AccountID) {
						return fmt.Errorf("the apply with the documented scopes did not add the member")
					}
					return nil
				}),
			},
			{
				Config: readOnlyProviderBlock(org, orgRoleKey) + managed + secondMember + orgAdmin,
				Check: grpCheckSandbox(func() error {
					if !isOrgAdminInSandbox(org, admin) {
						return fmt.Errorf("the apply with the documented scopes did not give the organization role")
					}
					return nil
				}),
			},
			{
				// The write key destroys what the steps made.
				Config: org.Config(managed),
				Check: grpCheckSandbox(func() error {
					if grpIsMember(org, g.ID, newcomers[1].AccountID) || isOrgAdminInSandbox(org, admin) {
						return fmt.Errorf("the write key's apply left the second membership or the organization role")
					}
					return nil
				}),
			},
		},
	})
}

// terraform query reads only: a key with the read scopes alone lists an
// organization's groups and a group's members.
func TestAccReadOnlyScopedKey_query(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	const readOnlyKey = "read-only-scoped-key"
	org.Server.AddScopedKey(readOnlyKey, atlassian.ReadScopes...)
	g := org.WritableGroup(t)
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: readOnlyProviderBlock(org, readOnlyKey)},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "atlassian_group" "all" {
  provider = atlassian
}

list "atlassian_group_membership" "members" {
  provider = atlassian
  config {
    group_id = %q
  }
}
`, g.ID),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("atlassian_group.all", len(org.State().Groups)),
					querycheck.ExpectLength("atlassian_group_membership.members", len(g.MemberAccountIDs)),
				},
			},
		},
	})
}
