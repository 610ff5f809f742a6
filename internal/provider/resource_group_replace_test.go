package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// The admin API cannot rename a group or change its description, so a new
// value is a replacement, which deletes the group's members and roles. No
// plan may do that unasked: a change made outside Terraform keeps the group
// (with a warning), a change of the configuration fails the plan while the
// group holds access (unless allow_replace), and an empty group is
// replaced.
func TestAccGroupReplacementGuard(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	org := acctest.NewOrg(t, 20, 4, 1)
	ws := org.State().Workspaces[0].ID
	users := org.ActiveUsers()
	managed, outsiders := users[0], users[1:3]
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	emptyDescription := "nobody here" // of the group without members
	config := func(name, description, extra string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name        = %q
  description = %q
%s}

resource "atlassian_group_membership" "m" {
  group_id   = atlassian_group.g.id
  account_id = %q
}

resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = %q
  role         = "atlassian/user"
  group_id     = atlassian_group.g.id
}

resource "atlassian_group" "empty" {
  name        = "guard-empty"
  description = %q
}
`, name, description, extra, managed.AccountID, ws, emptyDescription))
	}
	cli.WriteConfig(config("guard-team", "the team", ""))
	cli.MustApply()
	team, ok := grpGroupByName(org, "guard-team")
	if !ok {
		t.Fatal("the apply did not create guard-team")
	}
	// Two members that Terraform does not manage: what a replacement would
	// lose for good.
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			if st.Groups[i].ID == team.ID {
				st.Groups[i].MemberAccountIDs = append(st.Groups[i].MemberAccountIDs, outsiders[0].AccountID, outsiders[1].AccountID)
			}
		}
		return nil
	})
	before := acctest.AccessOf(org.State())

	// (a) Name and description edited in admin.atlassian.com (the sandbox's
	// control API): the plan is empty, warns on both, and the apply keeps
	// the group.
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			if st.Groups[i].ID == team.ID {
				st.Groups[i].Name, st.Groups[i].Description = "guard-team-renamed", "edited by hand"
			}
		}
		return nil
	})
	changes, res := cli.PlanChanges()
	if changes {
		t.Errorf("a change made outside Terraform plans changes:\n%s", res)
	}
	for key, phrases := range map[string][]string{
		"Group renamed outside Terraform|name": {fmt.Sprintf(`In Atlassian, the name of group %s is now "guard-team-renamed", while the configuration says "guard-team"`, team.ID),
			"Terraform keeps the group as it is", `set name = "guard-team-renamed"`},
		"Group description changed outside Terraform|description": {fmt.Sprintf(`In Atlassian, the description of group %s is now "edited by hand", while the configuration says "the team"`, team.ID),
			"The admin API cannot change a group's description"},
	} {
		summary, attr, _ := strings.Cut(key, "|")
		if want := attrWarning(summary, "atlassian_group.g", attr, phrases...); !want.MatchString(res.Output) {
			t.Errorf("the plan does not warn on %s (%s):\n%s", attr, want, res)
		}
	}
	org.ResetStats()
	cli.MustApply()
	if n := sandboxWrites(org.Stats()); n != 0 {
		t.Errorf("the apply after a change outside Terraform sent %d writes", n)
	}
	if d := before.Diff(acctest.AccessOf(org.State())); d != "" {
		t.Errorf("the apply after a change outside Terraform changed access: %s", d)
	}
	if g, ok := org.Group(team.ID); !ok || g.Name != "guard-team-renamed" || len(g.MemberAccountIDs) != 3 {
		t.Fatalf("the apply did not keep the group as it is: %+v (found %v)", g, ok)
	}
	// The configuration takes Atlassian's values: an update of the state
	// alone, no request sent.
	cli.WriteConfig(config("guard-team-renamed", "edited by hand", ""))
	p, res := cli.SavedPlan()
	if got := acctest.ActionsByAddress(p); len(got) != 1 || got["atlassian_group.g"] != "update" {
		t.Errorf("following Atlassian's values plans %v, want an update of atlassian_group.g alone", got)
	}
	if strings.Contains(res.Output, "outside Terraform") {
		t.Errorf("the plan still warns once the configuration follows Atlassian:\n%s", res)
	}
	org.ResetStats()
	cli.MustApply()
	if n := sandboxWrites(org.Stats()); n != 0 {
		t.Errorf("the update of the state alone sent %d writes", n)
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after following Atlassian is not empty:\n%s", res)
	}

	// (c) An empty group is replaced as before.
	emptyBefore, _ := grpGroupByName(org, "guard-empty")
	emptyDescription = "still nobody"
	cli.WriteConfig(config("guard-team-renamed", "edited by hand", ""))
	p, _ = cli.SavedPlan()
	if got := acctest.ActionsByAddress(p); len(got) != 1 || got["atlassian_group.empty"] != "delete,create" {
		t.Errorf("a new description of an empty group plans %v, want its replacement alone", got)
	}
	cli.MustApply()
	if emptyAfter, ok := grpGroupByName(org, "guard-empty"); !ok || emptyAfter.ID == emptyBefore.ID || emptyAfter.Description != "still nobody" {
		t.Errorf("the empty group was not replaced: before %+v, after %+v", emptyBefore, emptyAfter)
	}
	before = acctest.AccessOf(org.State())

	// (b) The configuration changes the description and the name of the
	// group that holds three members and a role: the plan fails on each
	// attribute with the counts, and nothing is sent.
	org.ResetStats()
	if changes, res := cli.PlanChanges(); changes {
		t.Fatalf("the plan before the change is not empty:\n%s", res)
	}
	unchanged := org.Stats()
	cli.WriteConfig(config("guard-team-2", "the new team", ""))
	org.ResetStats()
	res = cli.TryPlan()
	refused := org.Stats()
	t.Logf("requests: a plan without changes %d %v; the refused plan %d %v", unchanged.Total, unchanged.ByRoute, refused.Total, refused.ByRoute)
	// Counting what would be lost reads the group's listing, which the
	// refresh of the membership and the role assignment has just read:
	// the refusal costs no request of its own.
	if refused.Total != unchanged.Total {
		t.Errorf("the refused plan sent %d requests, a plan without changes %d: counting the group's access should cost nothing more here", refused.Total, unchanged.Total)
	}
	for attr, from := range map[string]string{"name": "guard-team-renamed", "description": "edited by hand"} {
		to := map[string]string{"name": "guard-team-2", "description": "the new team"}[attr]
		want := acctest.AttrError("Replacing the group would remove access", "atlassian_group.g", attr,
			fmt.Sprintf("The admin API cannot change a group's %s, so changing it from %q to %q replaces group %q (%s)", attr, from, to, "guard-team-renamed", team.ID),
			"its 3 members and 1 product roles would be lost",
			fmt.Sprintf("Keep %s = %q, or set allow_replace = true on this resource", attr, from))
		if res.Err == nil || !want.MatchString(res.Output) {
			t.Errorf("the plan does not fail on %s with %s\n%s", attr, want, res)
		}
	}
	if n := sandboxWrites(org.Stats()); n != 0 {
		t.Errorf("the refused plan sent %d writes", n)
	}
	if d := before.Diff(acctest.AccessOf(org.State())); d != "" {
		t.Errorf("the refused plan changed the organization:\n%s", d)
	}

	// allow_replace = true: the same change replaces the group (and the
	// resources that refer to it).
	cli.WriteConfig(config("guard-team-2", "the new team", "  allow_replace = true\n"))
	p, _ = cli.SavedPlan()
	if got := acctest.ActionsByAddress(p)["atlassian_group.g"]; got != "delete,create" {
		t.Errorf("with allow_replace the change plans %q, want a replacement", got)
	}
	cli.MustApply()
	if _, ok := org.Group(team.ID); ok {
		t.Errorf("with allow_replace the old group %s survived", team.ID)
	}
	replaced, ok := grpGroupByName(org, "guard-team-2")
	if !ok || len(replaced.MemberAccountIDs) != 1 || replaced.MemberAccountIDs[0] != managed.AccountID || !hasGroupRole(org.State(), replaced.ID, ws, "atlassian/user") {
		t.Errorf("the replacement holds %+v; want the managed member and the role", replaced)
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after the replacement is not empty:\n%s", res)
	}
	cli.Must(cli.TryDestroy())
}

// attrWarning matches a warning on one attribute as terraform prints it.
func attrWarning(summary, address, attribute string, phrases ...string) *regexp.Regexp {
	return regexp.MustCompile(strings.Replace(acctest.AttrError(summary, address, attribute, phrases...).String(), "Error: ", "Warning: ", 1))
}

// sandboxWrites counts the admin API writes in stats.
func sandboxWrites(st sandbox.Stats) int64 {
	var n int64
	for route, count := range st.ByRoute {
		// The searches and the workspaces query are reads sent as POST.
		read := strings.HasPrefix(route, "GET ") || strings.HasSuffix(route, "/search") || route == "POST /admin/v2/orgs/{orgId}/workspaces"
		if !read && !strings.Contains(route, "/_sandbox") {
			n += count
		}
	}
	return n
}

// TestAccGroupReplacementGuard_oneListing: for a group that nothing else in
// the configuration reads, counting what a replacement would remove costs
// one listing of the group's access (its members and its roles, a page
// each here), and nothing else.
func TestAccGroupReplacementGuard_oneListing(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	org := acctest.NewOrg(t, 10, 3, 1)
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	config := func(description string) string {
		return org.Config(fmt.Sprintf("\nresource \"atlassian_group\" \"g\" {\n  name        = \"guard-alone\"\n  description = %q\n}\n", description))
	}
	cli.WriteConfig(config("first"))
	cli.MustApply()
	g, ok := grpGroupByName(org, "guard-alone")
	if !ok {
		t.Fatal("the apply did not create guard-alone")
	}
	member := org.ActiveUsers()[0].AccountID
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			if st.Groups[i].ID == g.ID {
				st.Groups[i].MemberAccountIDs = append(st.Groups[i].MemberAccountIDs, member)
			}
		}
		return nil
	})
	org.ResetStats()
	if changes, res := cli.PlanChanges(); changes {
		t.Fatalf("the plan before the change is not empty:\n%s", res)
	}
	unchanged := org.Stats()
	cli.WriteConfig(config("second"))
	org.ResetStats()
	res := cli.TryPlan()
	refused := org.Stats()
	want := acctest.AttrError("Replacing the group would remove access", "atlassian_group.g", "description",
		`changing it from "first" to "second" replaces group "guard-alone"`, "its 1 members and 0 product roles would be lost")
	if res.Err == nil || !want.MatchString(res.Output) {
		t.Fatalf("the plan does not fail with %s\n%s", want, res)
	}
	extra := map[string]int64{}
	for route, n := range refused.ByRoute {
		if d := n - unchanged.ByRoute[route]; d != 0 {
			extra[route] = d
		}
	}
	wantExtra := map[string]int64{
		"POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search":                     1,
		"GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/role-assignments": 1,
	}
	if fmt.Sprint(extra) != fmt.Sprint(wantExtra) {
		t.Errorf("counting sent %v beyond a plan without changes (%v); want one listing, %v", extra, unchanged.ByRoute, wantExtra)
	}
	if n := sandboxWrites(refused); n != 0 {
		t.Errorf("the refused plan sent %d writes", n)
	}
}
