package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// grpMembersHCL renders a members map, keys sorted.
func grpMembersHCL(labels map[string]string) string {
	ids := make([]string, 0, len(labels))
	for id := range labels {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	b.WriteString("{\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "    %q = %q\n", id, labels[id])
	}
	b.WriteString("  }")
	return b.String()
}

// grpEmails labels accounts with their email, as the examples do.
func grpEmails(users ...sandbox.User) map[string]string {
	out := make(map[string]string, len(users))
	for _, u := range users {
		out[u.AccountID] = u.Email
	}
	return out
}

// grpMembersCheck expects the state's members to be exactly labels.
func grpMembersCheck(address string, labels map[string]string) statecheck.StateCheck {
	want := make(map[string]knownvalue.Check, len(labels))
	for id, label := range labels {
		want[id] = knownvalue.StringExact(label)
	}
	return statecheck.ExpectKnownValue(address, tfjsonpath.New("members"), knownvalue.MapExact(want))
}

// grpStateGroupID is the id of atlassian_group.g in the state.
func grpStateGroupID(s *terraform.State) string {
	id, _ := grpStateID(s, "atlassian_group.g")
	return id
}

func grpKeys(labels map[string]string) []string {
	out := make([]string, 0, len(labels))
	for id := range labels {
		out = append(out, id)
	}
	return out
}

// The whole life of an authoritative member list on a group Terraform
// creates: create, add and remove, relabel (no write), import, empty.
func TestAccGroupMembers_lifecycle(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	users := org.ActiveUsers()
	config := func(labels map[string]string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name = "tf-authoritative"
}

resource "atlassian_group_members" "m" {
  group_id = atlassian_group.g.id
  members  = %s
}
`, grpMembersHCL(labels)))
	}
	first := grpEmails(users[0], users[1], users[2])
	second := grpEmails(users[1], users[2], users[3], users[4])
	relabelled := grpEmails(users[1], users[2], users[3], users[4])
	relabelled[users[1].AccountID] = users[1].Name
	var groupID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: grpCheckSandbox(func() error {
			if _, ok := grpGroupByName(org, "tf-authoritative"); ok {
				return fmt.Errorf("sandbox: the group survived destroy")
			}
			return nil
		}),
		Steps: []tfresource.TestStep{
			{
				Config: config(first),
				ConfigStateChecks: []statecheck.StateCheck{
					grpMembersCheck("atlassian_group_members.m", first),
					statecheck.ExpectKnownValue("atlassian_group_members.m", tfjsonpath.New("remove_unlisted_members_on_create"), knownvalue.Bool(false)),
					statecheck.CompareValuePairs("atlassian_group_members.m", tfjsonpath.New("id"),
						"atlassian_group.g", tfjsonpath.New("id"), compare.ValuesSame()),
				},
				Check: func(s *terraform.State) error {
					groupID = grpStateGroupID(s)
					return grpExpectMembers(org, groupID, grpKeys(first))
				},
			},
			{
				Config: config(second),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_members.m", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{grpMembersCheck("atlassian_group_members.m", second)},
				Check:             grpCheckSandbox(func() error { return grpExpectMembers(org, groupID, grpKeys(second)) }),
			},
			{
				// Labels live in the state only: changing one writes nothing.
				PreConfig:         org.ResetStats,
				Config:            config(relabelled),
				ConfigStateChecks: []statecheck.StateCheck{grpMembersCheck("atlassian_group_members.m", relabelled)},
				Check: grpCheckSandbox(func() error {
					if st := org.Stats(); grpMembershipWrites(st) != 0 {
						return fmt.Errorf("changing a label sent membership writes: %v", st.ByRoute)
					}
					return grpExpectMembers(org, groupID, grpKeys(second))
				}),
			},
			{
				// Imported members are labelled with their email.
				ResourceName:            "atlassian_group_members.m",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"members." + users[1].AccountID},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("%d imported states", len(states))
					}
					attrs := states[0].Attributes
					if got := attrs["members."+users[1].AccountID]; got != users[1].Email {
						return fmt.Errorf("imported label of %s is %q, want its email %q", users[1].AccountID, got, users[1].Email)
					}
					if attrs["members.%"] != "4" || attrs["remove_unlisted_members_on_create"] != "false" {
						return fmt.Errorf("imported attributes: %v", attrs)
					}
					return nil
				},
			},
			{
				Config:            config(map[string]string{}),
				ConfigStateChecks: []statecheck.StateCheck{grpMembersCheck("atlassian_group_members.m", map[string]string{})},
				Check:             grpCheckSandbox(func() error { return grpExpectMembers(org, groupID, nil) }),
			},
		},
	})
}

// A group with members the configuration leaves out is refused on create,
// naming them and the ways out, and nothing changes; with
// remove_unlisted_members_on_create the first apply removes them. Destroy
// then empties the group, which stays.
func TestAccGroupMembers_takeover(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	if len(g.MemberAccountIDs) < 2 {
		t.Fatalf("group %s has fewer than 2 members", g.Name)
	}
	kept := grpUser(t, org, g.MemberAccountIDs[0])
	dropped := g.MemberAccountIDs[1:]
	newcomer := grpNonMembers(t, org, g, 1)[0]
	labels := grpEmails(kept, newcomer)
	config := func(flag string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group_members" "m" {
  group_id = %q
  members  = %s
  %s
}
`, g.ID, grpMembersHCL(labels), flag))
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: grpCheckSandbox(func() error {
			// Destroy removes every listed member; the group stays.
			return grpExpectMembers(org, g.ID, nil)
		}),
		Steps: []tfresource.TestStep{
			{
				Config: config(""),
				ExpectError: grpErrorPattern(`Group already has members that are not in members.*members.*` +
					fmt.Sprintf("has %d members that are not in members: %s \\(%s\\)", len(dropped), dropped[0], regexp.QuoteMeta(grpUser(t, org, dropped[0]).Email)) +
					`.*import the resource.*remove_unlisted_members_on_create = true`),
			},
			{
				PreConfig: func() {
					if err := grpExpectMembers(org, g.ID, g.MemberAccountIDs); err != nil {
						t.Errorf("the refused apply changed the group: %v", err)
					}
				},
				Config: config("remove_unlisted_members_on_create = true"),
				Check:  grpCheckSandbox(func() error { return grpExpectMembers(org, g.ID, grpKeys(labels)) }),
			},
		},
	})
}

// An import block takes over a group as it is, and the same apply changes
// its members; then a plain import round-trips.
func TestAccGroupMembers_importThenChange(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	var current []sandbox.User
	for _, id := range g.MemberAccountIDs {
		current = append(current, grpUser(t, org, id))
	}
	if len(current) < 2 {
		t.Fatalf("group %s has fewer than 2 members", g.Name)
	}
	newcomer := grpNonMembers(t, org, g, 1)[0]
	labels := grpEmails(append(current[1:], newcomer)...)
	config := org.Config(fmt.Sprintf(`
import {
  to = atlassian_group_members.m
  id = %[1]q
}

resource "atlassian_group_members" "m" {
  group_id = %[1]q
  members  = %[2]s
}
`, g.ID, grpMembersHCL(labels)))
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_members.m", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{grpMembersCheck("atlassian_group_members.m", labels)},
				Check:             grpCheckSandbox(func() error { return grpExpectMembers(org, g.ID, grpKeys(labels)) }),
			},
			{
				ResourceName:      "atlassian_group_members.m",
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// Changing group_id moves the list: the members are removed from the old
// group and set on the new one.
func TestAccGroupMembers_moveGroup(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	users := org.ActiveUsers()
	labels := grpEmails(users[0], users[1])
	config := func(target string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group" "a" {
  name = "tf-move-a"
}

resource "atlassian_group" "b" {
  name = "tf-move-b"
}

resource "atlassian_group_members" "m" {
  group_id = atlassian_group.%s.id
  members  = %s
}
`, target, grpMembersHCL(labels)))
	}
	ids := map[string]string{}
	remember := func(s *terraform.State) error {
		for _, name := range []string{"a", "b"} {
			ids[name], _ = grpStateID(s, "atlassian_group."+name)
		}
		return nil
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config("a"),
				Check: tfresource.ComposeAggregateTestCheckFunc(remember,
					grpCheckSandbox(func() error { return grpExpectMembers(org, ids["a"], grpKeys(labels)) })),
			},
			{
				Config: config("b"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_members.m", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: grpCheckSandbox(func() error {
					if err := grpExpectMembers(org, ids["a"], nil); err != nil {
						return err
					}
					return grpExpectMembers(org, ids["b"], grpKeys(labels))
				}),
			},
		},
	})
}

// Members removed or added outside Terraform show up in the refreshed state
// (outsiders labelled with their email) and the apply restores the list.
func TestAccGroupMembers_drift(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	users := org.ActiveUsers()
	labels := grpEmails(users[0], users[1], users[2])
	outsider := users[3]
	config := org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name = "tf-drifting"
}

resource "atlassian_group_members" "m" {
  group_id = atlassian_group.g.id
  members  = %s
}
`, grpMembersHCL(labels)))
	var groupID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				Check:  func(s *terraform.State) error { groupID = grpStateGroupID(s); return nil },
			},
			{
				PreConfig: func() {
					grpEditMembers(org, groupID, []string{outsider.AccountID}, []string{users[1].AccountID})
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckResourceAttr("atlassian_group_members.m", "members.%", "3"),
					tfresource.TestCheckNoResourceAttr("atlassian_group_members.m", "members."+users[1].AccountID),
					tfresource.TestCheckResourceAttr("atlassian_group_members.m", "members."+outsider.AccountID, outsider.Email),
				),
			},
			{
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_members.m", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{grpMembersCheck("atlassian_group_members.m", labels)},
				Check:             grpCheckSandbox(func() error { return grpExpectMembers(org, groupID, grpKeys(labels)) }),
			},
		},
	})
}

// A group deleted outside Terraform takes the member list out of the state
// (with a warning: TestAccGroupReadWarnings); the next apply re-creates the
// group and its members.
func TestAccGroupMembers_groupDeleted(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	users := org.ActiveUsers()
	labels := grpEmails(users[0], users[1])
	config := org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name = "tf-members-vanishing"
}

resource "atlassian_group_members" "m" {
  group_id = atlassian_group.g.id
  members  = %s
}
`, grpMembersHCL(labels)))
	var firstID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				Check:  func(s *terraform.State) error { firstID = grpStateGroupID(s); return nil },
			},
			{
				PreConfig:          func() { grpDeleteGroup(org, firstID) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              grpNotInState("atlassian_group.g", "atlassian_group_members.m"),
			},
			{
				Config: config,
				Check: grpCheckSandbox(func() error {
					g, ok := grpGroupByName(org, "tf-members-vanishing")
					if !ok || g.ID == firstID {
						return fmt.Errorf("sandbox: the group was not re-created")
					}
					return grpExpectMembers(org, g.ID, grpKeys(labels))
				}),
			},
		},
	})
}

func TestAccGroupMembers_badInputs(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	synced := grpSyncedGroup(t, org)
	outsider := grpNonMembers(t, org, g, 1)[0]
	labels := grpEmails(outsider)
	for _, id := range g.MemberAccountIDs {
		labels[id] = ""
	}
	config := func(groupID string, members map[string]string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group_members" "m" {
  group_id = %q
  members  = %s
}
`, groupID, grpMembersHCL(members)))
	}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range labels {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	importStep := func(id, pattern string) tfresource.TestStep {
		return tfresource.TestStep{
			Config:        config(g.ID, labels),
			ResourceName:  "atlassian_group_members.m",
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   grpErrorPattern(pattern),
		}
	}
	before := org.State().Groups
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config(g.ID, with(map[string]string{"5b10ac8d82e05b22deadbeef": "ghost"})),
				// The CLI points at the map key's line: the error is on members["<id>"].
				ExpectError: grpErrorPattern(`Unknown account.*"5b10ac8d82e05b22deadbeef" = "ghost".*no account "5b10ac8d82e05b22deadbeef"`),
			},
			{
				Config:      config("00000000-0000-4000-8000-000000000000", labels),
				ExpectError: grpErrorPattern(`Unknown group.*group_id.*no group with id "00000000-0000-4000-8000-000000000000"`),
			},
			{
				Config:      config(synced.ID, grpEmails(outsider)),
				ExpectError: grpErrorPattern(`Group is managed by an identity provider.*group_id.*synced from an identity provider`),
			},
			{
				Config:      config("", labels),
				ExpectError: grpErrorPattern(`Attribute group_id must not be empty or contain white space or /`),
			},
			{
				Config:      config(g.ID, with(map[string]string{"": "nobody"})),
				ExpectError: grpErrorPattern(`Attribute members\[""\] must not be empty or contain white space or /`),
			},
			importStep("not a group", `Malformed import id for atlassian_group_members.*not a group id`),
			importStep(g.ID+"/"+outsider.AccountID, `Malformed import id for atlassian_group_members`),
			importStep("00000000-0000-4000-8000-000000000000", `Cannot import the members of a group that does not exist`),
		},
	})
	for i, after := range org.State().Groups {
		if !slices.Equal(after.MemberAccountIDs, before[i].MemberAccountIDs) {
			t.Errorf("sandbox: refused configurations changed the members of %s", after.Name)
		}
	}
}

// grpWorkspaceHolders are the accounts holding any role on the org's first
// workspace, directly or through a group (the sandbox's licence seats).
func grpWorkspaceHolders(org *acctest.Org) map[string]bool {
	st := org.State()
	ws := st.Workspaces[0]
	holders := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == ws.ID {
			holders[a.AccountID] = true
		}
	}
	granted := map[string]bool{}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == ws.ID {
			granted[a.GroupID] = true
		}
	}
	for _, g := range st.Groups {
		if granted[g.ID] {
			for _, id := range g.MemberAccountIDs {
				holders[id] = true
			}
		}
	}
	return holders
}

// grpSqueezeLicence makes the group give access to the org's first
// workspace and caps the licence at the workspace's holders plus headroom,
// out of band: adding more than headroom new holders to the group then
// fails for the extra ones only (ADMIN-UAM-409-3).
func grpSqueezeLicence(org *acctest.Org, groupID string, headroom int) {
	ws := org.State().Workspaces[0]
	org.Update(func(st *sandbox.State) error {
		st.GroupRoleAssignments = append(st.GroupRoleAssignments, sandbox.GroupRoleAssignment{
			GroupID: groupID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user",
		})
		return nil
	})
	holders := len(grpWorkspaceHolders(org))
	org.Update(func(st *sandbox.State) error { st.Settings.LicenceLimit = holders + headroom; return nil })
}

func grpLiftLicence(org *acctest.Org) {
	org.Update(func(st *sandbox.State) error { st.Settings.LicenceLimit = 0; return nil })
}

// grpNonHolders frees every seat of the org's first workspace (out of
// band) and returns n active accounts, skipping those in except.
func grpNonHolders(t *testing.T, org *acctest.Org, n int, except map[string]string) []sandbox.User {
	t.Helper()
	wsID := org.State().Workspaces[0].ID
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.ResourceID == wsID })
		st.GroupRoleAssignments = slices.DeleteFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.ResourceID == wsID })
		return nil
	})
	var out []sandbox.User
	for _, u := range org.ActiveUsers() {
		if _, skip := except[u.AccountID]; !skip {
			out = append(out, u)
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("fewer than %d active accounts", n)
	return nil
}

// grpPriorMembers is a plan check that the state a plan started from holds
// exactly the sandbox group's members, and how many.
func grpPriorMembers(org *acctest.Org, groupID *string, want int) plancheck.PlanCheck {
	return grpPlanCheck(func(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil {
			resp.Error = fmt.Errorf("the plan has no prior state")
			return
		}
		for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
			if r.Address != "atlassian_group_members.m" {
				continue
			}
			members, _ := r.AttributeValues["members"].(map[string]any)
			var ids []string
			for id := range members {
				ids = append(ids, id)
			}
			if len(ids) != want {
				resp.Error = fmt.Errorf("the state holds %d members, want %d: %v", len(ids), want, ids)
				return
			}
			resp.Error = grpExpectMembers(org, *groupID, ids)
			return
		}
		resp.Error = fmt.Errorf("atlassian_group_members.m is not in the prior state")
	})
}

func grpPartialConfig(org *acctest.Org, name string, labels map[string]string) string {
	return org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name = %q
}

resource "atlassian_group_members" "m" {
  group_id = atlassian_group.g.id
  members  = %s
}
`, name, grpMembersHCL(labels)))
}

// A write that fails part-way (the product's licence runs out after three
// of five adds) leaves the state equal to what was applied: the state the
// next plan starts from holds exactly the sandbox's members; once the
// licence allows it, the next apply adds the rest.
func TestAccGroupMembers_partialFailure(t *testing.T) {
	org := acctest.NewOrg(t, 40, 6, 1)
	users := org.ActiveUsers()
	initial := grpEmails(users[0], users[1])
	grown := grpEmails(append([]sandbox.User{users[0], users[1]}, grpNonHolders(t, org, 5, initial)...)...)
	var groupID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: grpPartialConfig(org, "tf-partial", initial),
				Check:  func(s *terraform.State) error { groupID = grpStateGroupID(s); return nil },
			},
			{
				PreConfig:   func() { grpSqueezeLicence(org, groupID, 3) },
				Config:      grpPartialConfig(org, "tf-partial", grown),
				ExpectError: grpErrorPattern(`Could not change all members of the group.*2 of the membership changes of group .* failed \(3 added, 0 removed\).*records the changes that were made.*adding [0-9a-f]+ \([^)]*@[^)]*\): .*licence`),
			},
			{
				// The plan (without refresh) starts from the state that the
				// failed apply left: the two old and three new members.
				Config:             grpPartialConfig(org, "tf-partial", grown),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{grpPriorMembers(org, &groupID, 2+3)},
				},
			},
			{
				PreConfig: func() { grpLiftLicence(org) },
				Config:    grpPartialConfig(org, "tf-partial", grown),
				Check:     grpCheckSandbox(func() error { return grpExpectMembers(org, groupID, grpKeys(grown)) }),
			},
		},
	})
}

// After ten failed writes the rest of the batch is not attempted (an
// outage is not retried thousands of times), and the state keeps what was
// there.
func TestAccGroupMembers_failureLimit(t *testing.T) {
	org := acctest.NewOrg(t, 60, 6, 1)
	users := org.ActiveUsers()
	initial := grpEmails(users[0])
	grown := grpEmails(append([]sandbox.User{users[0]}, grpNonHolders(t, org, 30, initial)...)...)
	var groupID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: grpPartialConfig(org, "tf-failure-limit", initial),
				Check:  func(s *terraform.State) error { groupID = grpStateGroupID(s); return nil },
			},
			{
				PreConfig:   func() { grpSqueezeLicence(org, groupID, 0) },
				Config:      grpPartialConfig(org, "tf-failure-limit", grown),
				ExpectError: grpErrorPattern(`Could not change all members of the group.*were not attempted after 10 failures \(0 added, 0 removed\)`),
			},
			{
				Config:             grpPartialConfig(org, "tf-failure-limit", grown),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{grpPriorMembers(org, &groupID, 1)},
				},
			},
		},
	})
	if st := org.Stats(); st.ByRoute["POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/memberships"] > 10+8+1 {
		t.Errorf("%d adds were sent after the failure limit", st.ByRoute["POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/memberships"])
	}
}

// On create, a partial failure records nothing, and the next apply
// completes without refusing the members it added.
func TestAccGroupMembers_partialFailureOnCreate(t *testing.T) {
	org := acctest.NewOrg(t, 40, 6, 1)
	labels := grpEmails(grpNonHolders(t, org, 3, nil)...)
	var groupID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: org.Config("resource \"atlassian_group\" \"g\" {\n  name = \"tf-partial-create\"\n}\n"),
				Check:  func(s *terraform.State) error { groupID = grpStateGroupID(s); return nil },
			},
			{
				PreConfig:   func() { grpSqueezeLicence(org, groupID, 2) },
				Config:      grpPartialConfig(org, "tf-partial-create", labels),
				ExpectError: grpErrorPattern(`Could not change all members of the group.*1 of the membership changes .* failed \(2 added, 0 removed\).*Nothing is recorded in the Terraform state`),
			},
			{
				PreConfig: func() {
					if g, _ := org.Group(groupID); len(g.MemberAccountIDs) != 2 {
						t.Errorf("sandbox: %d members after the partial create, want 2", len(g.MemberAccountIDs))
					}
					grpLiftLicence(org)
				},
				Config: grpPartialConfig(org, "tf-partial-create", labels),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group_members.m", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{grpMembersCheck("atlassian_group_members.m", labels)},
				Check:             grpCheckSandbox(func() error { return grpExpectMembers(org, groupID, grpKeys(labels)) }),
			},
		},
	})
}

// TestAccGroupMembersRequestCount: refreshing a member list of 1,000
// accounts costs one read of the group and one listing of its grants (ten
// pages of 100 members, and its role page), whatever the number of members
// in the configuration.
func TestAccGroupMembersRequestCount(t *testing.T) {
	org := acctest.NewOrg(t, 1100, 6, 1)
	g := org.WritableGroup(t)
	var ids []string
	labels := map[string]string{}
	for _, u := range sandbox.ListedUsers(org.State()) {
		if len(ids) == 1000 {
			break
		}
		ids = append(ids, u.AccountID)
		labels[u.AccountID] = u.Email
	}
	grpSetMembers(org, g.ID, ids)
	config := org.Config(fmt.Sprintf(`
resource "atlassian_group_members" "m" {
  group_id = %q
  members  = %s
}
`, g.ID, grpMembersHCL(labels)))
	const budget = 1000/100 + 2
	preRefresh, postRefresh := grpRequestBudget(org, budget)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckResourceAttr("atlassian_group_members.m", "members.%", "1000"),
					grpCheckSandbox(func() error { return grpExpectMembers(org, g.ID, ids) }),
				),
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

// TestAccGroupMembers_groupFactsFromRefresh: the refresh records what it
// read about the group in the resource's private state, so that the plans
// of a change need not read the group again, and neither do the writes
// (which need its directory id). A group that an identity provider took
// over since the resource was created still fails the plan, on group_id.
func TestAccGroupMembers_groupFactsFromRefresh(t *testing.T) {
	org := acctest.NewOrg(t, 300, 6, 1)
	g := org.WritableGroup(t)
	active := org.ActiveUsers()
	initial, grown, more := grpEmails(active[:20]...), grpEmails(active[:30]...), grpEmails(active[:31]...)
	grpSetMembers(org, g.ID, grpKeys(initial))
	config := func(labels map[string]string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group_members" "m" {
  group_id = %q
  members  = %s
}
`, g.ID, grpMembersHCL(labels)))
	}
	const routeGroup = "GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: config(initial)},
			{
				// The refresh reads the group once; the plan and the apply's
				// plan and writes do not read it again.
				PreConfig: org.ResetStats,
				Config:    config(grown),
				Check: func(*terraform.State) error {
					st := org.Stats()
					if got := st.ByRoute[routeGroup]; got != 1 {
						return fmt.Errorf("adding members read the group %d times, want once (by the refresh): %v", got, st.ByRoute)
					}
					return grpExpectMembers(org, g.ID, grpKeys(grown))
				},
			},
			{
				PreConfig: func() {
					org.Update(func(st *sandbox.State) error {
						for i := range st.Groups {
							if st.Groups[i].ID == g.ID {
								st.Groups[i].ExternalSynced = true
							}
						}
						return nil
					})
				},
				Config:      config(more),
				ExpectError: grpErrorPattern(`Group is managed by an identity provider.*group_id.*synced from an identity provider`),
			},
			{
				// Nothing was written to the synced group; released again,
				// it can be managed (and destroyed) as before.
				PreConfig: func() {
					org.Update(func(st *sandbox.State) error {
						for i := range st.Groups {
							if st.Groups[i].ID == g.ID {
								st.Groups[i].ExternalSynced = false
							}
						}
						return nil
					})
				},
				Config: config(grown),
				Check:  grpCheckSandbox(func() error { return grpExpectMembers(org, g.ID, grpKeys(grown)) }),
			},
		},
	})
}
