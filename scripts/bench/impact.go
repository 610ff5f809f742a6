package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"unicode/utf8"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/impact"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Scenario 11: the impact of a plan (baton-atlassian impact) that gives a
// group of every listed account a workspace role and destroys memberships of a
// team group holding the same role, in the organization of scenario 10.

// impactRole is the role the group gains: one the generated organization
// gives few, so that nearly every member gains it.
const impactRole = "atlassian/contributor"

func impactOfPlan(ctx context.Context, b *bench) ([]*result, error) {
	users, removed := b.n(5000), b.n(100)
	st := generatedOrg(users, b.n(100), 5, 16)
	teams, err := addGroups(&st, 1, 2*removed, 0, activeStaff(st), 11)
	if err != nil {
		return nil, err
	}
	team := teams[0]
	target := st.Workspaces[0] // addGroups gives the team atlassian/user here
	everyone := sandbox.Group{ID: "0b0e0f0a-0000-4000-8000-00000000e11e", Name: "bench-everyone", DirectoryID: st.Directories[0].ID,
		Deletable: true, ManagedBy: "admins"}
	// Every account the API lists (atlassian accounts, whatever their
	// status): the others are in no listing a group's members come from.
	for _, u := range sandbox.ListedUsers(st) {
		everyone.MemberAccountIDs = append(everyone.MemberAccountIDs, u.AccountID)
	}
	slices.Sort(everyone.MemberAccountIDs)
	st.Groups = append(st.Groups, everyone)
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	edges := map[string]membershipEdge{}
	for _, a := range team.Members[:removed] {
		edges[team.ID+"/"+a] = membershipEdge{GroupID: team.ID, AccountID: a}
	}
	scope := fmt.Sprintf("%s users, %d groups", thousands(len(st.Users)), len(st.Groups))
	fmt.Printf("   %s; a group of %d gains %s on %s; %d memberships of %s (atlassian/user there) destroyed\n",
		scope, len(everyone.MemberAccountIDs), impactRole, target.Name, len(edges), team.ID)

	ws, err := b.workspace("11-impact")
	if err != nil {
		return nil, err
	}
	config := b.providerBlock("") + fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "everyone" {
  workspace_id = %q
  role         = %q
  group_id     = %q
}
`, target.ID, impactRole, everyone.ID)
	if err := ws.write("main.tf", config); err != nil {
		return nil, err
	}
	if err := ws.writeJSON("terraform.tfstate", b.membershipState("atlassian_group_membership", providerAddress, edges)); err != nil {
		return nil, err
	}
	// The saved plan and its JSON, with one provider process (unmeasured).
	planAndShow := command{"plan", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
		_, res, err := w.Plan(ctx, tfexec.Out("impact.tfplan"))
		if err != nil || res.ExitCode != 2 {
			return res, err
		}
		plan, showRes, err := w.ShowPlanFile(ctx, "impact.tfplan")
		if err != nil {
			return showRes, err
		}
		data, err := json.Marshal(plan)
		if err != nil {
			return showRes, err
		}
		showRes.ExitCode = res.ExitCode
		return showRes, os.WriteFile(ws.path("plan.json"), data, 0o644)
	}}
	b.sb.SetFaults(b.latencyFaults())
	if _, err := b.measure(ctx, ws, atlassianPlugin, exitChanges, planAndShow); err != nil {
		return nil, err
	}
	// The Markdown a pull request comment gets, and the JSON beside it.
	m, err := b.runBaton(ctx, ws.dir, ws.path("impact.log"), "impact", "--plan", ws.path("plan.json"), "--format", "markdown",
		"--output", ws.path("impact.md"), "--json-output", ws.path("impact.json"), "--base-url", b.sb.URL)
	if err != nil {
		return nil, err
	}
	var rep struct {
		Changes []json.RawMessage `json:"changes"`
	}
	data, err := os.ReadFile(ws.path("impact.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("impact.json: %w", err)
	}

	// What the apply changes, from the state itself.
	after := st
	after.GroupRoleAssignments = append(slices.Clone(st.GroupRoleAssignments),
		sandbox.GroupRoleAssignment{GroupID: everyone.ID, ResourceID: target.ID, ResourceOwner: target.Type, Role: impactRole})
	after.Groups = slices.Clone(st.Groups)
	for i := range after.Groups {
		if after.Groups[i].ID == team.ID {
			after.Groups[i].MemberAccountIDs = slices.Clone(team.Members[removed:])
		}
	}
	want := accessChanges(listedView(st), listedView(after))

	floor, explained := impactFloor(st, []sandbox.Group{everyone, groupOf(st, team.ID)}, target.ID, len(edges))
	r := &result{id: "11", m: m,
		title: fmt.Sprintf("`baton-atlassian impact` of a plan giving a group of %s members a workspace role and destroying %d memberships, in the org of %s",
			thousands(len(everyone.MemberAccountIDs)), len(edges), scope),
		budget: fmt.Sprintf("≤ %d requests (the listing floor)", floor)}
	r.expect(len(rep.Changes) == want, "%d entries, the organization's state gives %d", len(rep.Changes), want)
	r.expect(m.requests <= floor, "%d admin API requests, the listing floor %d", m.requests, floor)
	md, err := os.ReadFile(ws.path("impact.md"))
	if err != nil {
		return nil, err
	}
	chars := utf8.RuneCount(md)
	r.expect(chars <= impact.MarkdownLimit, "the Markdown has %d characters, GitHub's comment limit %d", chars, impact.MarkdownLimit)
	r.note("Requests by route: %s.", routes(m))
	r.note("The floor: %s. Nothing is read per touched account but the role listings of those the users search finds "+
		"holding a role on the workspace themselves; no listing of every account or every group. Peak RSS is baton-atlassian's.", explained)
	return []*result{r}, nil
}

func groupOf(st sandbox.State, id string) sandbox.Group {
	for _, g := range st.Groups {
		if g.ID == id {
			return g
		}
	}
	return sandbox.Group{ID: id}
}

// impactFloor is what the impact needs to read when the plan changes the
// roles or memberships of changed groups and a role on one workspace: the
// workspace listing (names); each changed group's listing (members, a page
// of a hundred each, then its roles) and a read of it by id for its name;
// on the workspace, the groups search (every group holding a role there,
// each one's listing) and the users search (the accounts holding one
// themselves), and the role listing of each of those the plan touches;
// a lookup by id, ten at a time, of the touched accounts no listing
// carried.
func impactFloor(st sandbox.State, changed []sandbox.Group, workspaceID string, removed int) (int64, string) {
	pagesOf := func(n int) int64 { return int64(max(1, (n+99)/100)) }
	read := map[string]sandbox.Group{}
	for _, g := range changed {
		read[g.ID] = g
	}
	holders := 0
	named := map[string]bool{}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == workspaceID {
			holders++
			named[a.GroupID] = true
			read[a.GroupID] = groupOf(st, a.GroupID)
		}
	}
	own := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == workspaceID {
			own[a.AccountID] = true
		}
	}
	listed := map[string]bool{}
	var listings int64
	for _, g := range read {
		listings += pagesOf(len(g.MemberAccountIDs)) + 1
		for _, m := range g.MemberAccountIDs {
			listed[m] = true
		}
	}
	touched := map[string]bool{}
	for _, m := range changed[0].MemberAccountIDs {
		touched[m] = true
	}
	for _, m := range changed[1].MemberAccountIDs[:removed] {
		touched[m] = true
	}
	var roleListings int64
	unlisted := 0
	for id := range touched {
		if own[id] {
			roleListings++
		}
		if !listed[id] && !own[id] {
			unlisted++
		}
	}
	var groupReads int64
	for _, g := range changed {
		if !named[g.ID] {
			groupReads++
		}
	}
	searches := pagesOf(holders) + pagesOf(len(own))
	lookups := int64((unlisted + 9) / 10)
	floor := 1 + listings + searches + roleListings + lookups + groupReads
	return floor, fmt.Sprintf("the workspace listing; %d listing pages of %d groups (the changed ones and the %d holding a role on the workspace); "+
		"%d search pages; %d role listings of the %d touched accounts holding a role there themselves; %d lookups; %d group reads by id: %d",
		listings, len(read), holders, searches, roleListings, len(touched), lookups, groupReads, floor)
}

// accessChanges counts the gains and losses between two states: every
// membership, every role held directly, every group role once per member,
// on the resources the provider models.
func accessChanges(before, after sandbox.State) int {
	keys := func(st sandbox.State) map[string]bool {
		out := map[string]bool{}
		members := map[string][]string{}
		for _, g := range st.Groups {
			members[g.ID] = g.MemberAccountIDs
			for _, m := range g.MemberAccountIDs {
				out[m+"|member|"+g.ID] = true
			}
		}
		modelled := func(owner string) bool { return owner != "project" && owner != "goal" }
		for _, a := range st.UserRoleAssignments {
			if modelled(a.ResourceOwner) {
				out[a.AccountID+"|"+a.ResourceID+"|"+a.Role] = true
			}
		}
		for _, a := range st.GroupRoleAssignments {
			if modelled(a.ResourceOwner) {
				for _, m := range members[a.GroupID] {
					out[m+"|"+a.ResourceID+"|"+a.Role] = true
				}
			}
		}
		return out
	}
	b, a := keys(before), keys(after)
	n := 0
	for k := range a {
		if !b[k] {
			n++
		}
	}
	for k := range b {
		if !a[k] {
			n++
		}
	}
	return n
}
