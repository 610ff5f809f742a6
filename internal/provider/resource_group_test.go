package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// ---- helpers of the group resource tests (atlassian_group*) ----

// grpCheckSandbox turns an assertion about the sandbox into a step Check.
func grpCheckSandbox(f func() error) tfresource.TestCheckFunc {
	return func(*terraform.State) error { return f() }
}

// grpGroupByName finds a sandbox group by exact name.
func grpGroupByName(org *acctest.Org, name string) (sandbox.Group, bool) {
	for _, g := range org.State().Groups {
		if g.Name == name {
			return g, true
		}
	}
	return sandbox.Group{}, false
}

// grpWritableGroups are the groups whose members Terraform may change.
func grpWritableGroups(org *acctest.Org) []sandbox.Group {
	var out []sandbox.Group
	for _, g := range org.State().Groups {
		if !g.ExternalSynced && !g.Default {
			out = append(out, g)
		}
	}
	return out
}

// grpSyncedGroup is a group synced from an identity provider.
func grpSyncedGroup(t *testing.T, org *acctest.Org) sandbox.Group {
	t.Helper()
	for _, g := range org.State().Groups {
		if g.ExternalSynced {
			return g
		}
	}
	t.Fatal("the sandbox org has no externally synced group")
	return sandbox.Group{}
}

// grpNonMembers returns n active accounts that are not members of g.
func grpNonMembers(t *testing.T, org *acctest.Org, g sandbox.Group, n int) []sandbox.User {
	t.Helper()
	var out []sandbox.User
	for _, u := range org.ActiveUsers() {
		if !slices.Contains(g.MemberAccountIDs, u.AccountID) {
			out = append(out, u)
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("group %s has fewer than %d active non-members", g.Name, n)
	return nil
}

// grpUser returns the sandbox account with this id.
func grpUser(t *testing.T, org *acctest.Org, id string) sandbox.User {
	t.Helper()
	for _, u := range org.State().Users {
		if u.AccountID == id {
			return u
		}
	}
	t.Fatalf("no sandbox account %s", id)
	return sandbox.User{}
}

// grpSetMembers replaces a group's members out of band.
func grpSetMembers(org *acctest.Org, groupID string, accountIDs []string) {
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			if st.Groups[i].ID == groupID {
				ids := append([]string{}, accountIDs...)
				sort.Strings(ids)
				st.Groups[i].MemberAccountIDs = ids
				return nil
			}
		}
		return fmt.Errorf("no group %s", groupID)
	})
}

// grpEditMembers adds and removes members of a group out of band, as
// another admin would.
func grpEditMembers(org *acctest.Org, groupID string, add, remove []string) {
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			g := &st.Groups[i]
			if g.ID != groupID {
				continue
			}
			ids := slices.DeleteFunc(append([]string{}, g.MemberAccountIDs...), func(id string) bool { return slices.Contains(remove, id) })
			ids = append(ids, add...)
			sort.Strings(ids)
			g.MemberAccountIDs = slices.Compact(ids)
			return nil
		}
		return fmt.Errorf("no group %s", groupID)
	})
}

// grpDeleteGroup deletes a group out of band, with its role assignments.
func grpDeleteGroup(org *acctest.Org, groupID string) {
	org.Update(func(st *sandbox.State) error {
		st.Groups = slices.DeleteFunc(st.Groups, func(g sandbox.Group) bool { return g.ID == groupID })
		st.GroupRoleAssignments = slices.DeleteFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.GroupID == groupID })
		return nil
	})
}

// grpExpectMembers compares a sandbox group's members with want.
func grpExpectMembers(org *acctest.Org, groupID string, want []string) error {
	g, ok := org.Group(groupID)
	if !ok {
		return fmt.Errorf("sandbox: group %s does not exist", groupID)
	}
	want = append([]string{}, want...)
	sort.Strings(want)
	if !slices.Equal(g.MemberAccountIDs, want) {
		return fmt.Errorf("sandbox: group %s has members %v, want %v", g.Name, g.MemberAccountIDs, want)
	}
	return nil
}

// grpStateID reads a resource's id from the Terraform state.
func grpStateID(s *terraform.State, address string) (string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return "", fmt.Errorf("%s is not in the state", address)
	}
	return rs.Primary.ID, nil
}

// grpNotInState fails when address is still in the Terraform state.
func grpNotInState(addresses ...string) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, a := range addresses {
			if _, ok := s.RootModule().Resources[a]; ok {
				return fmt.Errorf("%s is still in the state", a)
			}
		}
		return nil
	}
}

// grpPlanCheck is a plan check written as a function.
type grpPlanCheck func(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse)

func (f grpPlanCheck) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	f(ctx, req, resp)
}

// grpRequestBudget is a pair of plan checks for a PlanOnly step: the
// non-refresh plan must send no request at all (a plan that changes nothing
// reads nothing), and the refresh plan at most budget.
func grpRequestBudget(org *acctest.Org, budget int64) (preRefresh, postRefresh []plancheck.PlanCheck) {
	preRefresh = []plancheck.PlanCheck{grpPlanCheck(func(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		if st := org.Stats(); st.Total != 0 {
			resp.Error = fmt.Errorf("a plan without refresh sent %d admin API requests, want 0: %v", st.Total, st.ByRoute)
		}
		org.ResetStats()
	})}
	postRefresh = []plancheck.PlanCheck{grpPlanCheck(func(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		st := org.Stats()
		if st.Total > budget {
			resp.Error = fmt.Errorf("the refresh plan sent %d admin API requests, budget %d: %v", st.Total, budget, st.ByRoute)
		}
		if st.Total == 0 {
			resp.Error = fmt.Errorf("the refresh plan sent no admin API request: the reads were not exercised")
		}
	})}
	return preRefresh, postRefresh
}

// grpErrorPattern matches an error whose words the CLI may wrap onto new
// lines: each space of pattern matches any white space.
func grpErrorPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// grpMembersValue builds a members map value.
func grpMembersValue(t *testing.T, labels map[string]string) types.Map {
	t.Helper()
	elems := make(map[string]attr.Value, len(labels))
	for id, label := range labels {
		elems[id] = types.StringValue(label)
	}
	m, diags := types.MapValue(types.StringType, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return m
}

// grpMembershipWrites counts membership writes in the sandbox stats.
func grpMembershipWrites(st sandbox.Stats) int64 {
	var n int64
	for route, count := range st.ByRoute {
		if strings.HasPrefix(route, "POST ") && strings.HasSuffix(route, "/memberships") ||
			strings.HasPrefix(route, "DELETE ") && strings.HasSuffix(route, "/memberships/{accountId}") {
			n += count
		}
	}
	return n
}

// ---- atlassian_group ----

func TestAccGroup_lifecycle(t *testing.T) {
	org := acctest.NewOrg(t, 20, 6, 1)
	dirID := org.State().Directories[0].ID
	config := func(name, description string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name        = %q
  description = %q
}
`, name, description))
	}
	var firstID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: grpCheckSandbox(func() error {
			for _, name := range []string{"tf-platform", "tf-platform-eng"} {
				if g, ok := grpGroupByName(org, name); ok {
					return fmt.Errorf("sandbox: group %s (%s) survived destroy", name, g.ID)
				}
			}
			return nil
		}),
		Steps: []tfresource.TestStep{
			{
				Config: config("tf-platform", "Platform team"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("atlassian_group.g", tfjsonpath.New("name"), knownvalue.StringExact("tf-platform")),
					statecheck.ExpectKnownValue("atlassian_group.g", tfjsonpath.New("description"), knownvalue.StringExact("Platform team")),
					statecheck.ExpectKnownValue("atlassian_group.g", tfjsonpath.New("directory_id"), knownvalue.StringExact(dirID)),
				},
				Check: func(s *terraform.State) error {
					id, err := grpStateID(s, "atlassian_group.g")
					if err != nil {
						return err
					}
					g, ok := org.Group(id)
					if !ok {
						return fmt.Errorf("sandbox: no group %s", id)
					}
					if g.Name != "tf-platform" || g.Description != "Platform team" || len(g.MemberAccountIDs) != 0 {
						return fmt.Errorf("sandbox: group %+v, want tf-platform / Platform team without members", g)
					}
					firstID = id
					return nil
				},
			},
			{
				ResourceName:      "atlassian_group.g",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// No update endpoint: a new description is a new group.
				Config: config("tf-platform", "Platform engineering"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group.g", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(s *terraform.State) error {
					id, _ := grpStateID(s, "atlassian_group.g")
					if _, ok := org.Group(firstID); ok || id == firstID {
						return fmt.Errorf("sandbox: the old group %s was not replaced (new id %s)", firstID, id)
					}
					if g, ok := org.Group(id); !ok || g.Description != "Platform engineering" {
						return fmt.Errorf("sandbox: replacement group %s: %+v", id, g)
					}
					return nil
				},
			},
			{
				Config: config("tf-platform-eng", "Platform engineering"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group.g", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: grpCheckSandbox(func() error {
					if _, ok := grpGroupByName(org, "tf-platform"); ok {
						return fmt.Errorf("sandbox: the group under its old name survived the rename")
					}
					if _, ok := grpGroupByName(org, "tf-platform-eng"); !ok {
						return fmt.Errorf("sandbox: no group tf-platform-eng")
					}
					return nil
				}),
			},
		},
	})
}

// An existing group is adopted with an import block, and a group without a
// description reads back as "".
func TestAccGroup_importBlock(t *testing.T) {
	org := acctest.NewOrg(t, 20, 6, 1)
	g := grpWritableGroups(org)[0]
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			if st.Groups[i].ID == g.ID {
				st.Groups[i].Description = ""
			}
		}
		return nil
	})
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
import {
  to = atlassian_group.g
  id = %q
}

resource "atlassian_group" "g" {
  name = %q
}
`, g.ID, g.Name)),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group.g", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("atlassian_group.g", tfjsonpath.New("id"), knownvalue.StringExact(g.ID)),
					statecheck.ExpectKnownValue("atlassian_group.g", tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
				Check: grpCheckSandbox(func() error {
					if _, ok := org.Group(g.ID); !ok {
						return fmt.Errorf("sandbox: importing deleted group %s", g.ID)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccGroup_badInputs(t *testing.T) {
	org := acctest.NewOrg(t, 20, 6, 1)
	existing := grpWritableGroups(org)[0]
	config := func(name string) string {
		return org.Config(fmt.Sprintf("resource \"atlassian_group\" \"g\" {\n  name = %q\n}\n", name))
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: config(""), ExpectError: grpErrorPattern(`Attribute name string length must be between 1 and 255`)},
			{Config: config(" padded"), ExpectError: grpErrorPattern(`Attribute name must not start or end with white space`)},
			{Config: config(strings.Repeat("x", 256)), ExpectError: grpErrorPattern(`Attribute name string length must be between 1 and 255`)},
			{
				// Names are unique regardless of case.
				Config:      config(strings.ToUpper(existing.Name)),
				ExpectError: grpErrorPattern(`Group name already taken.*already has a group named "` + regexp.QuoteMeta(existing.Name) + `" \(id ` + existing.ID),
			},
			{
				Config:        config("tf-import-target"),
				ResourceName:  "atlassian_group.g",
				ImportState:   true,
				ImportStateId: "not a group id",
				ExpectError:   grpErrorPattern(`Malformed import id for atlassian_group.*not a group id`),
			},
			{
				Config:        config("tf-import-target"),
				ResourceName:  "atlassian_group.g",
				ImportState:   true,
				ImportStateId: "00000000-0000-4000-8000-000000000000",
				ExpectError:   grpErrorPattern(`Cannot import a group that does not exist.*00000000-0000-4000-8000-000000000000`),
			},
		},
	})
	if got := len(org.State().Groups); got != 6 {
		t.Errorf("sandbox: %d groups after refused configurations, want the 6 it started with", got)
	}
}

// A group deleted outside Terraform leaves the state (with a warning, see
// TestAccGroupReadWarnings) and the next apply creates it again.
func TestAccGroup_deletedOutOfBand(t *testing.T) {
	org := acctest.NewOrg(t, 20, 6, 1)
	config := org.Config(`
resource "atlassian_group" "g" {
  name        = "tf-vanishing"
  description = "deleted behind Terraform's back"
}
`)
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
				Check:              grpNotInState("atlassian_group.g"),
			},
			{
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("atlassian_group.g", plancheck.ResourceActionCreate),
				}},
				Check: func(s *terraform.State) error {
					id, _ := grpStateID(s, "atlassian_group.g")
					g, ok := org.Group(id)
					if !ok || id == firstID || g.Name != "tf-vanishing" {
						return fmt.Errorf("sandbox: group not re-created: id %s (was %s), %+v", id, firstID, g)
					}
					return nil
				},
			},
		},
	})
}

// TestAccGroupReadWarnings calls Read of each group resource directly, for
// a group that no longer exists: the resource leaves the state with a
// warning (which the CLI tests cannot see).
func TestAccGroupReadWarnings(t *testing.T) {
	org := acctest.NewOrg(t, 20, 6, 1)
	ctx := context.Background()
	pd, err := newProviderData(ctx, orgconfig.Config{
		OrganizationID: org.OrgID, APIToken: org.Token, BaseURL: org.URL, MaxConcurrency: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	const gone = "00000000-0000-4000-8000-000000000000"
	account := org.ActiveUsers()[0].AccountID
	cases := []struct {
		resource resource.Resource
		state    any
	}{
		{NewGroupResource(), groupResourceModel{ID: types.StringValue(gone), Name: types.StringValue("gone"), Description: types.StringValue(""), DirectoryID: types.StringValue("d")}},
		{NewGroupMembershipResource(), groupMembershipModel{ID: types.StringValue(gone + "/" + account), GroupID: types.StringValue(gone), AccountID: types.StringValue(account)}},
		{NewGroupMembersResource(), groupMembersModel{ID: types.StringValue(gone), GroupID: types.StringValue(gone), Members: grpMembersValue(t, map[string]string{account: "x"}), RemoveUnlistedMembersOnCreate: types.BoolValue(false), MemberExpiry: types.MapNull(types.StringType), MemberActive: types.MapNull(types.BoolType)}},
	}
	for _, c := range cases {
		var meta resource.MetadataResponse
		c.resource.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "atlassian"}, &meta)
		t.Run(meta.TypeName, func(t *testing.T) {
			var configure resource.ConfigureResponse
			c.resource.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: pd}, &configure)
			var sch resource.SchemaResponse
			c.resource.Schema(ctx, resource.SchemaRequest{}, &sch)
			state := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
			if diags := state.Set(ctx, c.state); diags.HasError() {
				t.Fatalf("building the state: %v", diags)
			}
			resp := resource.ReadResponse{State: state}
			c.resource.Read(ctx, resource.ReadRequest{State: state}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("Read failed: %v", resp.Diagnostics)
			}
			if !resp.State.Raw.IsNull() {
				t.Errorf("the resource of a deleted group stayed in the state")
			}
			warnings := resp.Diagnostics.Warnings()
			if len(warnings) != 1 || warnings[0].Summary() != "Group deleted outside Terraform" ||
				!strings.Contains(warnings[0].Detail(), gone) {
				t.Errorf("want one warning naming the group, got %v", diag.Diagnostics(warnings))
			}
		})
	}
}
