package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// An organization with several directories can hold two groups of one
// name, which a lookup by name must refuse to choose between.
func TestAccGroupDataSource_ambiguousName(t *testing.T) {
	org := acctest.NewOrg(t, 6, 3, 1)
	const contractors = "5a0e6c1e-7d1f-4c52-9a43-0b5f3f4d2c11"
	var first, second sandbox.Group
	org.Update(func(st *sandbox.State) error {
		st.Directories = append(st.Directories, sandbox.Directory{ID: contractors, Name: "Contractors"})
		st.Groups[0].Name = "Engineering Guild"
		st.Groups[1].Name, st.Groups[1].DirectoryID = "engineering guild", contractors
		first, second = st.Groups[0], st.Groups[1]
		return nil
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(`
data "atlassian_group" "guild" {
  name = "ENGINEERING GUILD"
}
`),
			ExpectError: acctest.AttrError("Several groups have this name", "data.atlassian_group.guild", "name",
				`name "ENGINEERING GUILD" matches 2 groups`,
				first.ID+" (directory "+first.DirectoryID+")", second.ID+" (directory "+contractors+")", "group_id"),
		}},
	})
}

// expectGroup checks every attribute of an atlassian_group against the
// sandbox group, id and member_count included.
func expectGroup(address string, g sandbox.Group) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(g.ID)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("member_count"), knownvalue.Int64Exact(int64(len(g.MemberAccountIDs)))),
	}
	for attribute, check := range expectGroupFields(g) {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute), check))
	}
	return checks
}

func TestAccGroupDataSource_lookups(t *testing.T) {
	org := acctest.NewOrg(t, 40, 10, 3)
	groups := org.State().Groups
	var synced, large, empty sandbox.Group
	for _, g := range groups {
		switch {
		case g.ExternalSynced && synced.ID == "":
			synced = g
		case !g.ExternalSynced && len(g.MemberAccountIDs) > len(large.MemberAccountIDs):
			large = g
		}
	}
	if synced.ID == "" || large.ID == "" {
		t.Fatal("the sandbox org lacks an externally synced group or a group with members")
	}
	// An empty group, made out of band, counts zero members.
	org.Update(func(st *sandbox.State) error {
		st.Groups = append(st.Groups, sandbox.Group{
			ID: "0f2b7c4e-1a3d-4b5c-8e9f-a0b1c2d3e4f5", Name: "Nobody Yet", Description: "Created empty",
			Deletable: true, ManagedBy: "admins", MemberAccountIDs: []string{},
		})
		return nil
	})
	for _, g := range org.State().Groups {
		if g.Name == "Nobody Yet" {
			empty = g
		}
	}

	var checks []statecheck.StateCheck
	checks = append(checks, expectGroup("data.atlassian_group.by_id", large)...)
	checks = append(checks, expectGroup("data.atlassian_group.by_name", synced)...)
	checks = append(checks, expectGroup("data.atlassian_group.empty", empty)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(fmt.Sprintf(`
data "atlassian_group" "by_id" {
  group_id = %q
}

data "atlassian_group" "by_name" {
  name = %q
}

data "atlassian_group" "empty" {
  name = "nobody yet"
}
`, large.ID, strings.ToUpper(synced.Name))),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccGroupDataSource_errors(t *testing.T) {
	org := acctest.NewOrg(t, 10, 3, 1)
	group := org.State().Groups[0]
	const missingID = "00000000-0000-4000-8000-00000000dead"
	const missingName = "No Such Team"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_group" "x" {
  group_id = %q
}
`, missingID)),
				ExpectError: expectErrorMatching("Group not found", `group_id "`+missingID+`" names no group`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_group" "x" {
  name = %q
}
`, missingName)),
				ExpectError: expectErrorMatching("Group not found", `name "`+missingName+`" matches no group`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_group" "x" {
  group_id = %q
  name     = %q
}
`, group.ID, group.Name)),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "2 attributes specified when one (and only one) of [group_id,name] is required"),
			},
			{
				Config:      org.Config(`data "atlassian_group" "x" {}`),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "No attribute specified when one (and only one) of [group_id,name] is required"),
			},
		},
	})
}
