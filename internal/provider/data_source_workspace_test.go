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

// expectWorkspace checks every attribute of an atlassian_workspace, id
// included.
func expectWorkspace(address string, w sandbox.Workspace) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(w.ID)),
	}
	for attribute, check := range expectWorkspaceFields(w) {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute), check))
	}
	return checks
}

func TestAccWorkspaceDataSource_lookups(t *testing.T) {
	org := acctest.NewOrg(t, 10, 2, 6)
	workspaces := org.State().Workspaces
	byID, byName := workspaces[0], workspaces[len(workspaces)-1]
	// Two workspaces of one site share its name across products in real
	// organizations: give a Confluence workspace the Jira workspace's name,
	// out of band, and look up each by name and type.
	var jira, confluence sandbox.Workspace
	for _, w := range workspaces {
		switch {
		case w.TypeKey == "jira-software" && jira.ID == "":
			jira = w
		case w.TypeKey == "confluence" && confluence.ID == "":
			confluence = w
		}
	}
	org.Update(func(st *sandbox.State) error {
		for i := range st.Workspaces {
			if st.Workspaces[i].ID == confluence.ID {
				st.Workspaces[i].Name = jira.Name
			}
		}
		return nil
	})
	confluence.Name = jira.Name

	var checks []statecheck.StateCheck
	checks = append(checks, expectWorkspace("data.atlassian_workspace.by_id", byID)...)
	checks = append(checks, expectWorkspace("data.atlassian_workspace.by_name", byName)...)
	checks = append(checks, expectWorkspace("data.atlassian_workspace.jira", jira)...)
	checks = append(checks, expectWorkspace("data.atlassian_workspace.confluence", confluence)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "by_id" {
  workspace_id = %q
}

data "atlassian_workspace" "by_name" {
  name = %q
  type = %q
}

data "atlassian_workspace" "jira" {
  name = %[4]q
  type = "jira-software"
}

data "atlassian_workspace" "confluence" {
  name = %[4]q
  type = "confluence"
}
`, byID.ID, strings.ToLower(byName.Name), byName.TypeKey, jira.Name)),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccWorkspaceDataSource_errors(t *testing.T) {
	org := acctest.NewOrg(t, 10, 2, 6)
	workspaces := org.State().Workspaces
	// Another site's Jira Software workspace renamed, out of band, to the
	// first one's name: name and type no longer identify one workspace.
	var first, second sandbox.Workspace
	for _, w := range workspaces {
		if w.TypeKey != "jira-software" {
			continue
		}
		if first.ID == "" {
			first = w
		} else if second.ID == "" {
			second = w
		}
	}
	if second.ID == "" {
		t.Fatal("the sandbox org has fewer than two Jira Software workspaces")
	}
	org.Update(func(st *sandbox.State) error {
		for i := range st.Workspaces {
			if st.Workspaces[i].ID == second.ID {
				st.Workspaces[i].Name = strings.ToUpper(first.Name)
			}
		}
		return nil
	})
	const missingID = "ari:cloud:jira::site/00000000-0000-4000-8000-00000000dead"
	const missingName = "No Such Site"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "x" {
  workspace_id = %q
}
`, missingID)),
				ExpectError: expectErrorMatching("Workspace not found", `workspace_id "`+missingID+`" names no workspace`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "x" {
  name = %q
  type = "jira-software"
}
`, missingName)),
				ExpectError: expectErrorMatching("Workspace not found", `name "`+missingName+`" with type "jira-software" matches no workspace`),
			},
			{
				// The name exists, but not with this type.
				Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "x" {
  name = %q
  type = "confluence"
}
`, first.Name)),
				ExpectError: expectErrorMatching("Workspace not found", `name "`+first.Name+`" with type "confluence" matches no workspace`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "x" {
  name = %q
  type = "jira-software"
}
`, first.Name)),
				ExpectError: expectErrorMatching("Several workspaces have this name and type",
					`name "`+first.Name+`" with type "jira-software" matches 2 workspaces:`, min(first.ID, second.ID), max(first.ID, second.ID)),
			},
			// Plan-time validation.
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "x" {
  workspace_id = %q
  name         = %q
  type         = "jira-software"
}
`, first.ID, first.Name)),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "2 attributes specified when one (and only one) of [workspace_id,name] is required"),
			},
			{
				Config:      org.Config(`data "atlassian_workspace" "x" {}`),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "No attribute specified when one (and only one) of [workspace_id,name] is required"),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "x" {
  name = %q
}
`, first.Name)),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", `Attribute "type" must be specified when "name" is specified`),
			},
			{
				Config: org.Config(fmt.Sprintf(`
data "atlassian_workspace" "x" {
  workspace_id = %q
  type         = "jira-software"
}
`, first.ID)),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", `Attribute "name" must be specified when "type" is specified`),
			},
		},
	})
}
