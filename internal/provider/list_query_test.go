package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// What each list resource yields for its filters, as terraform query shows
// it: identities, display names, resource objects, and plan-time style
// errors on the filter that is wrong.
func TestAccListResources_filters(t *testing.T) {
	org := acctest.NewOrg(t, 40, 10, 3)
	st := org.State()
	synced := grpSyncedGroup(t, org)
	writable := org.WritableGroup(t)
	ws := st.Workspaces[0]

	needle := strings.ToUpper(writable.Name[:3])
	var named []sandbox.Group
	for _, g := range st.Groups {
		if strings.Contains(strings.ToLower(g.Name), strings.ToLower(needle)) {
			named = append(named, g)
		}
	}
	rolesOnWorkspace := 0
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == ws.ID {
			rolesOnWorkspace++
		}
	}
	var groupRole sandbox.GroupRoleAssignment
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == ws.ID {
			groupRole = a
			break
		}
	}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == ws.ID {
			rolesOnWorkspace++
		}
	}
	if groupRole.GroupID == "" {
		t.Fatalf("no group holds a role on %s", ws.ID)
	}
	labels := emailLabels(org, writable.MemberAccountIDs)
	memberChecks := []querycheck.KnownValueCheck{
		{Path: tfjsonpath.New("group_id"), KnownValue: knownvalue.StringExact(writable.ID)},
		{Path: tfjsonpath.New("remove_unlisted_members_on_create"), KnownValue: knownvalue.Bool(false)},
	}
	memberLabels := map[string]knownvalue.Check{}
	for id, email := range labels {
		memberLabels[id] = knownvalue.StringExact(email)
	}
	memberChecks = append(memberChecks, querycheck.KnownValueCheck{Path: tfjsonpath.New("members"), KnownValue: knownvalue.MapExact(memberLabels)})

	query := func(body string) resource.TestStep {
		return resource.TestStep{Query: true, Config: body}
	}
	steps := []resource.TestStep{
		{Config: org.ProviderBlock()},
		func() resource.TestStep {
			s := query(fmt.Sprintf(`
list "atlassian_group" "named" {
  provider = atlassian
  config {
    name_contains = %q
  }
}

list "atlassian_group" "all" {
  provider         = atlassian
  include_resource = true
}
`, needle))
			s.QueryResultChecks = []querycheck.QueryResultCheck{
				querycheck.ExpectLength("atlassian_group.named", len(named)),
				querycheck.ExpectLength("atlassian_group.all", len(st.Groups)),
				querycheck.ExpectIdentity("atlassian_group.named", map[string]knownvalue.Check{"id": knownvalue.StringExact(writable.ID)}),
				querycheck.ExpectResourceDisplayName("atlassian_group.all",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(synced.ID)}),
					knownvalue.StringExact(synced.Name+" (synced from an identity provider)")),
				querycheck.ExpectResourceKnownValues("atlassian_group.all",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(writable.ID)}),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact(writable.Name)},
						{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact(writable.Description)},
					}),
			}
			return s
		}(),
		func() resource.TestStep {
			s := query(fmt.Sprintf(`
list "atlassian_group_membership" "one" {
  provider = atlassian
  config {
    group_id = %[1]q
  }
}

list "atlassian_group_members" "one" {
  provider         = atlassian
  include_resource = true
  config {
    group_id = %[1]q
  }
}
`, writable.ID))
			s.QueryResultChecks = []querycheck.QueryResultCheck{
				querycheck.ExpectLength("atlassian_group_membership.one", len(writable.MemberAccountIDs)),
				querycheck.ExpectIdentity("atlassian_group_membership.one", map[string]knownvalue.Check{
					"group_id": knownvalue.StringExact(writable.ID), "account_id": knownvalue.StringExact(writable.MemberAccountIDs[0]),
				}),
				querycheck.ExpectLength("atlassian_group_members.one", 1),
			}
			// Each membership is named by its member's email, as the
			// other lists name accounts.
			for _, id := range writable.MemberAccountIDs {
				if labels[id] == "" {
					t.Fatalf("member %s of %s has no email in the sandbox", id, writable.ID)
				}
				s.QueryResultChecks = append(s.QueryResultChecks, querycheck.ExpectResourceDisplayName("atlassian_group_membership.one",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
						"group_id": knownvalue.StringExact(writable.ID), "account_id": knownvalue.StringExact(id),
					}),
					knownvalue.StringExact(labels[id]+" in "+writable.Name)))
			}
			s.QueryResultChecks = append(s.QueryResultChecks,
				querycheck.ExpectResourceKnownValues("atlassian_group_members.one",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"group_id": knownvalue.StringExact(writable.ID)}),
					memberChecks))
			return s
		}(),
		func() resource.TestStep {
			s := query(fmt.Sprintf(`
list "atlassian_workspace_role_assignment" "ws" {
  provider = atlassian
  limit    = 1000
  config {
    workspace_id = %q
  }
}
`, ws.ID))
			s.QueryResultChecks = []querycheck.QueryResultCheck{
				querycheck.ExpectLength("atlassian_workspace_role_assignment.ws", rolesOnWorkspace),
				querycheck.ExpectIdentity("atlassian_workspace_role_assignment.ws", map[string]knownvalue.Check{
					"workspace_id": knownvalue.StringExact(ws.ID), "role": knownvalue.StringExact(groupRole.Role),
					"principal_type": knownvalue.StringExact("group"), "principal_id": knownvalue.StringExact(groupRole.GroupID),
				}),
			}
			return s
		}(),
		{
			Query: true,
			Config: fmt.Sprintf(`
list "atlassian_group_membership" "synced" {
  provider = atlassian
  config {
    group_id = %q
  }
}
`, synced.ID),
			ExpectError: regexp.MustCompile(`Group is managed by an identity provider`),
		},
		{
			Query: true,
			Config: `
list "atlassian_workspace_role_assignment" "nowhere" {
  provider = atlassian
  config {
    workspace_id = "ari:cloud:jira::site/00000000-0000-0000-0000-000000000000"
  }
}
`,
			ExpectError: regexp.MustCompile(`Unknown workspace`),
		},
		{
			Query: true,
			Config: `
list "atlassian_group_members" "bad" {
  provider = atlassian
  config {
    group_id = "not a group id"
  }
}
`,
			ExpectError: regexp.MustCompile(`group_id must not be empty or contain white space`),
		},
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps:                    steps,
	})
}
