package main_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/impact"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// The documentation's example that takes Confluence from the people who
// never used it is reviewed with `baton-atlassian impact`, as its docs
// advise: on the saved plan (imports of the assignments, each updated to
// expired), the impact lists exactly the losses the apply of that plan
// makes, as computed from the sandbox's state before and after; a role
// taken away directly from an account that keeps it through a group is no
// loss.
func TestAccImpact_neverUsedExample(t *testing.T) {
	bin := buildBinary(t)
	org := &acctest.Org{Env: sandboxtest.Start(t, sandbox.DefaultOptions())}
	const role = "atlassian/user"
	var confluence sandbox.Workspace
	for _, w := range org.State().Workspaces {
		if w.TypeKey == "confluence" {
			confluence = w
		}
	}
	if confluence.ID == "" {
		t.Fatal("the demo organization has no Confluence")
	}
	// Confluence given directly to a few people who used it and to a few
	// who did not (some of whom reach it through a group too).
	org.Update(func(st *sandbox.State) error {
		picked := map[bool]int{}
		for _, u := range sandbox.ListedUsers(*st) {
			_, used := u.ProductActivity[confluence.ID]
			if u.Status != "active" || u.AccountType != "atlassian" || picked[used] == 4 {
				continue
			}
			picked[used]++
			st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
				AccountID: u.AccountID, ResourceID: confluence.ID, ResourceOwner: confluence.Type, Role: role,
			})
		}
		return nil
	})

	source, err := os.ReadFile(filepath.Join("..", "..", "examples", "resources", "atlassian_workspace_role_assignment", "never-used.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewPluginCLI(t, tfdriver.Options{})
	cli.WriteConfig(org.Config(string(source)))
	planPath := savedPlanJSON(t, cli)
	jsonPath := filepath.Join(t.TempDir(), "impact.json")
	if out, err := run(t, bin, cleanEnv(), "impact", "--plan", planPath, "--format", "json", "--output", jsonPath,
		"--access-token", org.Token, "--organization-id", org.OrgID, "--base-url", org.URL); err != nil {
		t.Fatalf("impact: %v\n%s", err, out)
	}
	rep := readImpact(t, jsonPath)

	before := org.State()
	cli.MustApply(tfexec.DirOrPlan("impact.tfplan"))
	want := expectedChanges(before, org.State())
	if len(want) == 0 {
		t.Fatal("the apply took nothing away: the example would prove nothing")
	}
	var got []string
	for _, e := range rep.Changes {
		got = append(got, strings.Join([]string{e.AccountID, e.Change, e.Access, e.ResourceID, e.Role}, "|"))
		if e.Change != impact.ChangeLoss || !slices.Equal(e.Paths, []string{impact.PathDirect}) {
			t.Errorf("%s: %s through %v, want a loss of a direct role", e.AccountID, e.Change, e.Paths)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the impact of the plan:\n%s\nthe apply's changes:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
