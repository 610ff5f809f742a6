package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// terraform query lists the organization admins and the suspended accounts
// as the resources that manage them, named by email.
func TestAccListOrganizationRolesAndSuspensions(t *testing.T) {
	org := acctest.NewOrg(t, 40, 2, 1)
	admins := orgAdmins(org)
	emails := map[string]string{}
	var suspended []string
	for _, u := range org.State().Users {
		emails[u.AccountID] = u.Email
		if u.Status == "suspended" {
			suspended = append(suspended, u.AccountID)
		}
	}
	if len(admins) == 0 || len(suspended) == 0 {
		t.Fatalf("the sandbox has %d admins and %d suspended accounts", len(admins), len(suspended))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: org.ProviderBlock()},
			{
				Query: true,
				Config: `
list "atlassian_organization_role_assignment" "admins" {
  provider         = atlassian
  include_resource = true
}

list "atlassian_account_suspension" "suspended" {
  provider = atlassian
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("atlassian_organization_role_assignment.admins", len(admins)),
					querycheck.ExpectLength("atlassian_account_suspension.suspended", len(suspended)),
					querycheck.ExpectIdentity("atlassian_organization_role_assignment.admins", map[string]knownvalue.Check{
						"account_id": knownvalue.StringExact(admins[0]), "role": knownvalue.StringExact("atlassian/org-admin"),
					}),
					querycheck.ExpectResourceDisplayName("atlassian_organization_role_assignment.admins",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
							"account_id": knownvalue.StringExact(admins[0]), "role": knownvalue.StringExact("atlassian/org-admin"),
						}),
						knownvalue.StringExact(emails[admins[0]])),
					querycheck.ExpectResourceKnownValues("atlassian_organization_role_assignment.admins",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
							"account_id": knownvalue.StringExact(admins[0]), "role": knownvalue.StringExact("atlassian/org-admin"),
						}),
						[]querycheck.KnownValueCheck{{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("atlassian/org-admin/" + admins[0])}}),
					querycheck.ExpectIdentity("atlassian_account_suspension.suspended", map[string]knownvalue.Check{
						"account_id": knownvalue.StringExact(suspended[0]),
					}),
				},
			},
		},
	})
}

// The configuration terraform query writes for the organization admins and
// the suspended accounts plans imports only, applies without a write, and
// then plans nothing.
func TestAccListOrganizationRolesAndSuspensions_generateConfig(t *testing.T) {
	org := acctest.NewOrg(t, 40, 2, 1)
	setOrgRoleDelay(org, 0)
	admins := orgAdmins(org)
	suspended := 0
	for _, u := range org.State().Users {
		if u.Status == "suspended" {
			suspended++
		}
	}
	cli := queryCLI(t, org, `
list "atlassian_organization_role_assignment" "admins" {
  provider = atlassian
}

list "atlassian_account_suspension" "suspended" {
  provider = atlassian
}
`)
	org.ResetStats()
	cli.Must(cli.Exec("query", "-generate-config-out=generated.tf"))
	t.Logf("query: %d requests: %v", org.Stats().Total, org.Stats().ByRoute)
	plan, res := cli.SavedPlan()
	imports := map[string]int{}
	for _, rc := range plan.ResourceChanges {
		if rc.Change.Importing == nil || !rc.Change.Actions.NoOp() {
			t.Errorf("%s: planned %v, importing %v", rc.Address, rc.Change.Actions, rc.Change.Importing != nil)
		}
		imports[rc.Type]++
	}
	if imports["atlassian_organization_role_assignment"] != len(admins) || imports["atlassian_account_suspension"] != suspended {
		t.Fatalf("imports planned %v, want %d admins and %d suspensions\n%s", imports, len(admins), suspended, tfdriver.LastLines(res.Output, 20))
	}
	before := org.State()
	org.ResetStats()
	cli.MustApply()
	for route, n := range org.Stats().ByRoute {
		if strings.HasPrefix(route, "POST") && route != routeSearchUsers { // the search is a read
			t.Errorf("applying the imports sent %d %s", n, route)
		}
	}
	if got := orgAdmins(org); !slices.Equal(got, admins) {
		t.Errorf("organization admins after the imports %v, want %v", got, admins)
	}
	for i, u := range org.State().Users {
		if u.Status != before.Users[i].Status {
			t.Errorf("account %s went from %s to %s", u.AccountID, before.Users[i].Status, u.Status)
		}
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after the imports wants changes:\n%s", tfdriver.LastLines(res.Output, 40))
	}
}
