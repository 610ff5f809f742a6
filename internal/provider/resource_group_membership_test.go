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

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
)

func grpMembershipConfig(org *acctest.Org, groupID, accountID string) string {
	return org.Config(fmt.Sprintf(`
resource "atlassian_group_membership" "m" {
  group_id   = %q
  account_id = %q
}
`, groupID, accountID))
}

func grpIsMember(org *acctest.Org, groupID, accountID string) bool {
	g, ok := org.Group(groupID)
	return ok && slices.Contains(g.MemberAccountIDs, accountID)
}

func TestAccGroupMembership_lifecycle(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	others := append([]string{}, g.MemberAccountIDs...)
	newcomers := grpNonMembers(t, org, g, 2)
	a, b := newcomers[0].AccountID, newcomers[1].AccountID
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: grpCheckSandbox(func() error {
			// Destroying revokes this membership and no other.
			return grpExpectMembers(org, g.ID, others)
		}),
		Steps: []tfresource.TestStep{
			{
				Config: grpMembershipConfig(org, g.ID, a),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("atlassian_group_membership.m", tfjsonpath.New("id"), knownvalue.StringExact(g.ID+"/"+a)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("atlassian_group_membership.m", tfjsonpath.New("id"), knownvalue.StringExact(g.ID+"/"+a)),
				},
				Check: grpCheckSandbox(func() error { return grpExpectMembers(org, g.ID, append(slices.Clone(others), a)) }),
			},
			{
				ResourceName:      "atlassian_group_membership.m",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: grpMembershipConfig(org, g.ID, b),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_membership.m", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: grpCheckSandbox(func() error { return grpExpectMembers(org, g.ID, append(slices.Clone(others), b)) }),
			},
		},
	})
}

// An existing membership is adopted, by an import block or by creating it;
// neither changes the group.
func TestAccGroupMembership_existing(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	if len(g.MemberAccountIDs) < 2 {
		t.Fatalf("group %s has fewer than 2 members", g.Name)
	}
	first, second := g.MemberAccountIDs[0], g.MemberAccountIDs[1]
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
import {
  to = atlassian_group_membership.imported
  id = "%[1]s/%[2]s"
}

resource "atlassian_group_membership" "imported" {
  group_id   = %[1]q
  account_id = %[2]q
}

resource "atlassian_group_membership" "adopted" {
  group_id   = %[1]q
  account_id = %[3]q
}
`, g.ID, first, second)),
				PreConfig: org.ResetStats,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_membership.imported", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("atlassian_group_membership.adopted", plancheck.ResourceActionCreate),
				}},
				Check: grpCheckSandbox(func() error {
					// The import writes nothing; the create sends one add, which
					// Atlassian answers "already a member".
					if st := org.Stats(); grpMembershipWrites(st) != 1 {
						return fmt.Errorf("adopting two existing memberships sent %d membership writes, want 1: %v", grpMembershipWrites(st), st.ByRoute)
					}
					return grpExpectMembers(org, g.ID, g.MemberAccountIDs)
				}),
			},
		},
	})
}

// A membership removed outside Terraform is planned as a re-add, and the
// apply restores it.
func TestAccGroupMembership_drift(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	a := grpNonMembers(t, org, g, 1)[0].AccountID
	config := grpMembershipConfig(org, g.ID, a)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: config},
			{
				PreConfig: func() { grpEditMembers(org, g.ID, nil, []string{a}) },
				Config:    config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_membership.m", plancheck.ResourceActionCreate),
				}},
				Check: grpCheckSandbox(func() error {
					if !grpIsMember(org, g.ID, a) {
						return fmt.Errorf("sandbox: %s was not re-added to %s", a, g.Name)
					}
					return nil
				}),
			},
		},
	})
}

// A group deleted outside Terraform takes its memberships out of the state
// (with a warning: TestAccGroupReadWarnings); when the group is managed too,
// the next apply re-creates both.
func TestAccGroupMembership_groupDeleted(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	a := org.ActiveUsers()[0].AccountID
	config := org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name = "tf-membership-vanishing"
}

resource "atlassian_group_membership" "m" {
  group_id   = atlassian_group.g.id
  account_id = %q
}
`, a))
	var firstID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					var err error
					firstID, err = grpStateID(s, "atlassian_group.g")
					return err
				},
			},
			{
				PreConfig:          func() { grpDeleteGroup(org, firstID) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              grpNotInState("atlassian_group.g", "atlassian_group_membership.m"),
			},
			{
				Config: config,
				Check: grpCheckSandbox(func() error {
					g, ok := grpGroupByName(org, "tf-membership-vanishing")
					if !ok || g.ID == firstID {
						return fmt.Errorf("sandbox: the group was not re-created")
					}
					return grpExpectMembers(org, g.ID, []string{a})
				}),
			},
		},
	})
}

func TestAccGroupMembership_badInputs(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	synced := grpSyncedGroup(t, org)
	member := g.MemberAccountIDs[0]
	outsider := grpNonMembers(t, org, g, 1)[0].AccountID
	before := org.State().Groups
	importStep := func(id, pattern string) tfresource.TestStep {
		return tfresource.TestStep{
			Config:        grpMembershipConfig(org, g.ID, member),
			ResourceName:  "atlassian_group_membership.m",
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   grpErrorPattern(pattern),
		}
	}
	const malformed = `Malformed import id for atlassian_group_membership.*is not <group_id>/<account_id>`
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:      grpMembershipConfig(org, g.ID, "5b10ac8d82e05b22deadbeef"),
				ExpectError: grpErrorPattern(`Unknown account.*account_id.*no account "5b10ac8d82e05b22deadbeef"`),
			},
			{
				Config:      grpMembershipConfig(org, "00000000-0000-4000-8000-000000000000", member),
				ExpectError: grpErrorPattern(`Unknown group.*group_id.*no group with id "00000000-0000-4000-8000-000000000000"`),
			},
			{
				Config:      grpMembershipConfig(org, synced.ID, outsider),
				ExpectError: grpErrorPattern(`Group is managed by an identity provider.*group_id.*synced from an identity provider`),
			},
			{
				Config:      grpMembershipConfig(org, "", member),
				ExpectError: grpErrorPattern(`Attribute group_id must not be empty or contain white space or /`),
			},
			{
				Config:      grpMembershipConfig(org, g.ID, ""),
				ExpectError: grpErrorPattern(`Attribute account_id must not be empty or contain white space or /`),
			},
			importStep("no-separator", malformed),
			importStep("/"+member, malformed),
			importStep(g.ID+"/", malformed),
			importStep(g.ID+"/"+member+"/extra", malformed),
			importStep(g.ID+"/ "+member, malformed),
			importStep(g.ID+"/"+outsider, `Cannot import a membership that does not exist.*`+regexp.QuoteMeta(accountInMessage(org, outsider))+` is not a member of group `+regexp.QuoteMeta(groupInMessage(g))),
			importStep("00000000-0000-4000-8000-000000000000/"+member, `Cannot import a membership of a group that does not exist`),
		},
	})
	for i, after := range org.State().Groups {
		if !slices.Equal(after.MemberAccountIDs, before[i].MemberAccountIDs) {
			t.Errorf("sandbox: refused configurations changed the members of %s", after.Name)
		}
	}
}

// TestAccGroupMembershipRequestCount is the regression check for reads: a
// refresh of 200 memberships in 4 groups of 50 lists each group once (one
// member page and one role page: 2 requests per group), not once per member.
func TestAccGroupMembershipRequestCount(t *testing.T) {
	org := acctest.NewOrg(t, 220, 8, 1)
	groups := grpWritableGroups(org)[:4]
	users := org.ActiveUsers()
	var b strings.Builder
	// count, not for_each: the test harness's state shim refuses string
	// instance keys.
	b.WriteString("locals {\n  memberships = [\n")
	for i, g := range groups {
		var ids []string
		for j := range 50 {
			ids = append(ids, users[(i*37+j)%len(users)].AccountID)
		}
		grpSetMembers(org, g.ID, ids)
		for _, id := range ids {
			fmt.Fprintf(&b, "    { group_id = %q, account_id = %q },\n", g.ID, id)
		}
	}
	b.WriteString("  ]\n}\n" + `
resource "atlassian_group_membership" "m" {
  count      = length(local.memberships)
  group_id   = local.memberships[count.index].group_id
  account_id = local.memberships[count.index].account_id
}
`)
	config := org.Config(b.String())
	const budget = 2*4 + 2
	preRefresh, postRefresh := grpRequestBudget(org, budget)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					n := 0
					for address := range s.RootModule().Resources {
						if strings.HasPrefix(address, "atlassian_group_membership.m.") {
							n++
						}
					}
					if n != 200 {
						return fmt.Errorf("%d memberships in the state, want 200", n)
					}
					return nil
				},
			},
			{
				PreConfig: org.ResetStats,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PostApplyPreRefresh:  preRefresh,
					PostApplyPostRefresh: postRefresh,
				},
			},
		},
	})
}
