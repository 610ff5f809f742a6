package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// expectWorkspaceFields are the attributes a workspace is exposed with. In
// the sandbox's own format TypeKey is the type key (jira-software) and Type
// the product family (jira).
func expectWorkspaceFields(w sandbox.Workspace) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"workspace_id": knownvalue.StringExact(w.ID),
		"name":         knownvalue.StringExact(w.Name),
		"type":         knownvalue.StringExact(w.TypeKey),
		"product":      knownvalue.StringExact(w.Type),
		"status":       knownvalue.StringExact(w.Status),
		"host_url":     knownvalue.StringExact(w.HostURL),
	}
}

// expectWorkspaceList is the exact workspaces list for the sandbox
// workspaces that pass keep, sorted by name ignoring case, then id.
func expectWorkspaceList(workspaces []sandbox.Workspace, keep func(sandbox.Workspace) bool) knownvalue.Check {
	var kept []sandbox.Workspace
	for _, w := range workspaces {
		if keep(w) {
			kept = append(kept, w)
		}
	}
	slices.SortFunc(kept, func(a, b sandbox.Workspace) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	checks := make([]knownvalue.Check, len(kept))
	for i, w := range kept {
		checks[i] = knownvalue.ObjectExact(expectWorkspaceFields(w))
	}
	return knownvalue.ListExact(checks)
}

func TestAccWorkspacesDataSource_filters(t *testing.T) {
	// Seven workspaces: every product type on three sites, plus one, and
	// the seventh offline.
	org := acctest.NewOrg(t, 10, 2, 7)
	workspaces := org.State().Workspaces
	// Filters written in another case than Atlassian's still match.
	const typeKey, product = "JIRA-SOFTWARE", "Jira"
	ofType := func(w sandbox.Workspace) bool { return strings.EqualFold(w.TypeKey, typeKey) }
	ofProduct := func(w sandbox.Workspace) bool { return strings.EqualFold(w.Type, product) }
	isServiceDesk := func(w sandbox.Workspace) bool { return w.TypeKey == "jira-servicedesk" }
	for name, keep := range map[string]func(sandbox.Workspace) bool{"type": ofType, "product": ofProduct, "service desk": isServiceDesk} {
		n := 0
		for _, w := range workspaces {
			if keep(w) {
				n++
			}
		}
		if n == 0 || n == len(workspaces) {
			t.Fatalf("filter %s keeps %d of %d workspaces: the test would prove nothing", name, n, len(workspaces))
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(fmt.Sprintf(`
data "atlassian_workspaces" "all" {}

data "atlassian_workspaces" "type" {
  type = %[1]q
}

data "atlassian_workspaces" "product" {
  product = %[2]q
}

data "atlassian_workspaces" "service_desks" {
  type    = "jira-servicedesk"
  product = "jira"
}

data "atlassian_workspaces" "none" {
  type    = "confluence"
  product = "jira"
}
`, typeKey, product)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.atlassian_workspaces.all", tfjsonpath.New("id"), knownvalue.StringExact("workspaces")),
				statecheck.ExpectKnownValue("data.atlassian_workspaces.all", tfjsonpath.New("workspaces"),
					expectWorkspaceList(workspaces, func(sandbox.Workspace) bool { return true })),
				statecheck.ExpectKnownValue("data.atlassian_workspaces.type", tfjsonpath.New("workspaces"), expectWorkspaceList(workspaces, ofType)),
				statecheck.ExpectKnownValue("data.atlassian_workspaces.product", tfjsonpath.New("workspaces"), expectWorkspaceList(workspaces, ofProduct)),
				statecheck.ExpectKnownValue("data.atlassian_workspaces.service_desks", tfjsonpath.New("workspaces"),
					expectWorkspaceList(workspaces, func(w sandbox.Workspace) bool { return isServiceDesk(w) && w.Type == "jira" })),
				statecheck.ExpectKnownValue("data.atlassian_workspaces.none", tfjsonpath.New("workspaces"), knownvalue.ListExact(nil)),
				statecheck.ExpectKnownValue("data.atlassian_workspaces.type", tfjsonpath.New("id"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{16}$`))),
				statecheck.CompareValuePairs("data.atlassian_workspaces.type", tfjsonpath.New("id"),
					"data.atlassian_workspaces.product", tfjsonpath.New("id"), compare.ValuesDiffer()),
			},
		}},
	})
}
