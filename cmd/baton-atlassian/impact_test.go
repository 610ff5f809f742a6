package main_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/impact"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// impactCase is the organization and the accounts of the impact test.
type impactCase struct {
	org       *acctest.Org
	workspace sandbox.Workspace
	// roleGroup gains atlassian/admin on the workspace; alreadyAdmin, one
	// of its members, holds that role itself.
	roleGroup    sandbox.Group
	alreadyAdmin string
	// leaving is in userGroup, where the first apply adds it, and in
	// otherUserGroup: both hold atlassian/user on the workspace. The plan
	// takes it out of userGroup.
	userGroup, otherUserGroup sandbox.Group
	leaving                   string
	// newAdmin becomes an organization admin; joining joins
	// otherUserGroup until expiresAt; newMembers join a group the plan
	// creates, which gains atlassian/user on the workspace.
	newAdmin   string
	joining    string
	expiresAt  string
	newMembers []string
	// doomed are the members of a group the first apply creates, with a
	// role, and the plan deletes.
	doomed []string
}

// newImpactCase picks the groups and accounts of the test in a sandbox
// organization, and gives them the access the test starts from.
func newImpactCase(t *testing.T) *impactCase {
	t.Helper()
	c := &impactCase{org: acctest.NewOrg(t, 60, 8, 2)}
	c.org.Update(func(st *sandbox.State) error { st.Settings.OrgRoleConsistencyDelayMs = 0; return nil })
	st := c.org.State()
	c.workspace = st.Workspaces[0]
	var writable []sandbox.Group
	for _, g := range st.Groups {
		if !g.ExternalSynced && !g.Default && len(g.MemberAccountIDs) >= 3 {
			writable = append(writable, g)
		}
	}
	if len(writable) < 3 {
		t.Fatalf("the sandbox has %d writable groups with three members, want 3", len(writable))
	}
	c.roleGroup, c.userGroup, c.otherUserGroup = writable[0], writable[1], writable[2]
	c.alreadyAdmin = c.roleGroup.MemberAccountIDs[0]
	inAny := func(id string, groups ...sandbox.Group) bool {
		return slices.ContainsFunc(groups, func(g sandbox.Group) bool { return slices.Contains(g.MemberAccountIDs, id) })
	}
	var free []string // active accounts without organization roles, in none of the three groups
	for _, u := range c.org.ActiveUsers() {
		if len(u.PlatformRoles) == 0 && !inAny(u.AccountID, c.roleGroup, c.userGroup, c.otherUserGroup) {
			free = append(free, u.AccountID)
		}
	}
	if len(free) < 7 {
		t.Fatalf("the sandbox has %d free active accounts, want 7", len(free))
	}
	c.leaving, c.newAdmin, c.joining, c.newMembers, c.doomed = free[0], free[1], free[2], free[3:5], free[5:7]
	c.expiresAt = time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	c.org.Update(func(st *sandbox.State) error {
		ws := c.workspace
		st.UserRoleAssignments = append(st.UserRoleAssignments,
			sandbox.UserRoleAssignment{AccountID: c.alreadyAdmin, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin"})
		st.GroupRoleAssignments = append(st.GroupRoleAssignments,
			sandbox.GroupRoleAssignment{GroupID: c.userGroup.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"},
			sandbox.GroupRoleAssignment{GroupID: c.otherUserGroup.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"})
		for i := range st.Groups {
			if st.Groups[i].ID == c.otherUserGroup.ID {
				st.Groups[i].MemberAccountIDs = append(st.Groups[i].MemberAccountIDs, c.leaving)
				slices.Sort(st.Groups[i].MemberAccountIDs)
			}
		}
		return nil
	})
	return c
}

// firstConfig is the configuration applied before the plan under test:
// the membership and the group the plan removes.
func (c *impactCase) firstConfig() string {
	return c.org.Config(fmt.Sprintf(`
resource "atlassian_group_membership" "leaving" {
  group_id   = %q
  account_id = %q
}

resource "atlassian_group" "doomed" {
  name = "impact-doomed-team"
}

resource "atlassian_group_members" "doomed" {
  group_id = atlassian_group.doomed.id
  members  = { %q = "first", %q = "second" }
}

resource "atlassian_workspace_role_assignment" "doomed_admins" {
  workspace_id = %q
  role         = "atlassian/admin"
  group_id     = atlassian_group.doomed.id
}
`, c.userGroup.ID, c.leaving, c.doomed[0], c.doomed[1], c.workspace.ID))
}

// planConfig is the change under review.
func (c *impactCase) planConfig() string {
	return c.org.Config(fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "group_admin" {
  workspace_id = %[1]q
  role         = "atlassian/admin"
  group_id     = %[2]q
}

resource "atlassian_organization_role_assignment" "admin" {
  account_id = %[3]q
  role       = "atlassian/org-admin"
}

resource "atlassian_group_membership" "joining" {
  group_id   = %[4]q
  account_id = %[5]q
  expires_at = %[6]q
}

resource "atlassian_group" "new" {
  name = "impact-new-team"
}

resource "atlassian_group_members" "new" {
  group_id = atlassian_group.new.id
  members  = { %[7]q = "first", %[8]q = "second" }
}

resource "atlassian_workspace_role_assignment" "new_team_users" {
  workspace_id = %[1]q
  role         = "atlassian/user"
  group_id     = atlassian_group.new.id
}
`, c.workspace.ID, c.roleGroup.ID, c.newAdmin, c.otherUserGroup.ID, c.joining, c.expiresAt, c.newMembers[0], c.newMembers[1]))
}

// listingFloor is what the impact of planConfig needs to read of the
// organization in st, and why: the workspace listing and the organization
// (the names of the entries); the listing (members, then roles) of each
// group whose members or roles the plan changes, or which it deletes; on
// each workspace where the plan changes a role or a changed group holds
// one, the groups search (every group holding a role there, each one's
// listing) and the users search (the accounts holding one themselves);
// the role listing of each touched account the users searches find, and
// of the account whose organization role changes; a lookup by id, ten at
// a time, of the touched accounts no listing carried; and a read of each
// changed group no search named. Nothing per touched account beyond that.
func (c *impactCase) listingFloor(st sandbox.State) (int64, string) {
	pagesOf := func(n int) int64 { return int64(max(1, (n+99)/100)) }
	groups := map[string]sandbox.Group{}
	for _, g := range st.Groups {
		groups[g.ID] = g
	}
	i := slices.IndexFunc(st.Groups, func(g sandbox.Group) bool { return g.Name == "impact-doomed-team" })
	if i < 0 {
		return 0, "no group impact-doomed-team"
	}
	changed := []string{c.roleGroup.ID, c.userGroup.ID, c.otherUserGroup.ID, st.Groups[i].ID}
	workspaces := map[string]bool{c.workspace.ID: true}
	for _, a := range st.GroupRoleAssignments {
		if slices.Contains(changed, a.GroupID) && a.ResourceOwner != "platform" {
			workspaces[a.ResourceID] = true
		}
	}
	read, named := map[string]bool{}, map[string]bool{}
	for _, id := range changed {
		read[id] = true
	}
	ownRole := map[string]bool{}
	var searches int64
	for w := range workspaces {
		holders, holdersOwn := 0, 0
		for _, a := range st.GroupRoleAssignments {
			if a.ResourceID == w {
				read[a.GroupID], named[a.GroupID] = true, true
				holders++
			}
		}
		for _, a := range st.UserRoleAssignments {
			if a.ResourceID == w {
				ownRole[a.AccountID] = true
				holdersOwn++
			}
		}
		searches += pagesOf(holders) + pagesOf(holdersOwn)
	}
	listed := map[string]bool{}
	var listings int64
	for id := range read {
		listings += pagesOf(len(groups[id].MemberAccountIDs)) + 1
		for _, m := range groups[id].MemberAccountIDs {
			listed[m] = true
		}
	}
	touched := append([]string{c.leaving, c.newAdmin, c.joining}, c.newMembers...)
	touched = append(touched, c.roleGroup.MemberAccountIDs...)
	touched = append(touched, st.Groups[i].MemberAccountIDs...)
	slices.Sort(touched)
	touched = slices.Compact(touched)
	roleListings, unlisted := int64(0), 0
	for _, id := range touched {
		if ownRole[id] || id == c.newAdmin {
			roleListings++
		}
		if !listed[id] && !ownRole[id] {
			unlisted++
		}
	}
	lookups := int64((unlisted + 9) / 10)
	var groupReads int64
	for _, id := range changed {
		if !named[id] {
			groupReads++
		}
	}
	floor := 2 + listings + searches + roleListings + lookups + groupReads
	return floor, fmt.Sprintf("2 names, %d group listing pages of %d groups, %d search pages on %d workspaces, %d role listings of %d touched accounts, %d lookups, %d group reads",
		listings, len(read), searches, len(workspaces), roleListings, len(touched), lookups, groupReads)
}

// accessKeys is every account's access in a sandbox state, as
// "access|resource|role" keys: computed from the state itself, not
// through the connector.
func accessKeys(st sandbox.State) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	add := func(account, access, resource, role string) {
		if out[account] == nil {
			out[account] = map[string]bool{}
		}
		out[account][access+"|"+resource+"|"+role] = true
	}
	roleKey := func(resourceOwner, resourceID string) (string, string) {
		if resourceOwner == "platform" {
			return impact.AccessOrganizationRole, st.Organization.ID
		}
		return impact.AccessWorkspaceRole, resourceID
	}
	members := map[string][]string{}
	for _, g := range st.Groups {
		members[g.ID] = g.MemberAccountIDs
		for _, m := range g.MemberAccountIDs {
			add(m, impact.AccessGroupMembership, g.ID, impact.RoleMember)
		}
	}
	for _, r := range st.UserRoleAssignments {
		access, resource := roleKey(r.ResourceOwner, r.ResourceID)
		add(r.AccountID, access, resource, r.Role)
	}
	for _, r := range st.GroupRoleAssignments {
		access, resource := roleKey(r.ResourceOwner, r.ResourceID)
		for _, m := range members[r.GroupID] {
			add(m, access, resource, r.Role)
		}
	}
	for _, u := range st.Users {
		if u.Status == "suspended" {
			add(u.AccountID, impact.AccessSuspension, st.Organization.ID, impact.RoleSuspended)
		}
	}
	return out
}

// expectedChanges are the gains and losses between two states, as
// "account|change|access|resource|role".
func expectedChanges(before, after sandbox.State) []string {
	b, a := accessKeys(before), accessKeys(after)
	var out []string
	for _, account := range slices.Sorted(maps.Keys(mergeKeys(a, b))) {
		for k := range a[account] {
			if !b[account][k] {
				out = append(out, account+"|"+impact.ChangeGain+"|"+k)
			}
		}
		for k := range b[account] {
			if !a[account][k] {
				out = append(out, account+"|"+impact.ChangeLoss+"|"+k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func mergeKeys(a, b map[string]map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func readImpact(t *testing.T, path string) impact.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep impact.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("the impact JSON does not parse: %v\n%s", err, data)
	}
	return rep
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestAccImpact plans a change with the real terraform CLI against the
// sandbox, runs `baton-atlassian impact` on the saved plan, applies the
// plan, and checks the impact's entries against the gains and losses
// computed from the sandbox's state before and after the apply. The plan:
// a group gains atlassian/admin (one member already holds it), an account
// leaves a group while another group still gives it the same role, an
// account becomes organization admin, an account joins a group until a
// date, and a group created in the same plan gets members and a role.
func TestAccImpact(t *testing.T) {
	bin := buildBinary(t)
	c := newImpactCase(t)
	cli := acctest.NewPluginCLI(t, tfdriver.Options{})
	cli.WriteConfig(c.firstConfig())
	cli.MustApply()

	cli.WriteConfig(c.planConfig())
	planPath := savedPlanJSON(t, cli)
	dir := t.TempDir()
	// The impact reads only: a pull request's job runs it with a key that
	// has the read scopes alone.
	const readOnlyKey = "read-only-scoped-key"
	c.org.Server.AddScopedKey(readOnlyKey, atlassian.ReadScopes...)
	creds := []string{"--access-token", readOnlyKey, "--organization-id", c.org.OrgID, "--base-url", c.org.URL}
	jsonPath, mdPath := filepath.Join(dir, "impact.json"), filepath.Join(dir, "impact.md")
	args := append([]string{"impact", "--plan", planPath, "--format", "markdown", "--output", mdPath, "--json-output", jsonPath}, creds...)
	c.org.ResetStats()
	if out, err := run(t, bin, cleanEnv(), args...); err != nil {
		t.Fatalf("impact: %v\n%s", err, out)
	}
	stats := c.org.Stats()
	t.Logf("impact: %d requests: %v", stats.Total, stats.ByRoute)
	rep := readImpact(t, jsonPath)

	t.Run("--fail-on exits with status 2 when a listed flag is raised", func(t *testing.T) {
		// Before the apply: after it the plan changes nothing the organization lacks.
		out, err := run(t, bin, cleanEnv(), append([]string{"impact", "--plan", planPath, "--format", "json", "--fail-on", impact.FlagLastOrgAdminLost + "," + impact.FlagOrgAdminGained}, creds...)...)
		if exitCode(err) != 2 || !strings.Contains(out, impact.FlagOrgAdminGained+" (listed in --fail-on)") || !strings.Contains(out, `"changes"`) {
			t.Errorf("exit %d, want 2 with the report and the flag named:\n%s", exitCode(err), out)
		}
		out, err = run(t, bin, cleanEnv(), append([]string{"impact", "--plan", planPath, "--format", "json", "--fail-on", impact.FlagLastOrgAdminLost}, creds...)...)
		if err != nil {
			t.Errorf("a flag not raised fails the command: %v\n%s", err, out)
		}
		out, err = run(t, bin, cleanEnv(), append([]string{"impact", "--plan", planPath, "--fail-on", "admin"}, creds...)...)
		if exitCode(err) != 1 || !strings.Contains(out, `--fail-on: unknown flag "admin"`) {
			t.Errorf("an unknown flag: exit %d, want 1 naming it:\n%s", exitCode(err), out)
		}
	})
	t.Run("--markdown-limit leaves room in the comment for the plan", func(t *testing.T) {
		limited := filepath.Join(dir, "limited.md")
		if out, err := run(t, bin, cleanEnv(), append([]string{"impact", "--plan", planPath, "--markdown-limit", "600", "--output", limited}, creds...)...); err != nil {
			t.Fatalf("impact --markdown-limit 600: %v\n%s", err, out)
		}
		md, err := os.ReadFile(limited)
		if err != nil {
			t.Fatal(err)
		}
		if n := len([]rune(string(md))); n > 600 || !strings.HasPrefix(string(md), "## Access impact of this plan") {
			t.Errorf("%d characters, want the summary within 600:\n%s", n, md)
		}
		full, err := os.ReadFile(mdPath)
		if err != nil {
			t.Fatal(err)
		}
		if len(full) <= 600 {
			t.Fatalf("the full Markdown has %d characters: the case does not test the limit", len(full))
		}
		if out, err := run(t, bin, cleanEnv(), append([]string{"impact", "--plan", planPath, "--markdown-limit", "0"}, creds...)...); exitCode(err) != 1 || !strings.Contains(out, "--markdown-limit 0") {
			t.Errorf("--markdown-limit 0: exit %d, want 1 naming the flag:\n%s", exitCode(err), out)
		}
	})
	before := c.org.State()
	cli.MustApply(tfexec.DirOrPlan("impact.tfplan"))
	after := c.org.State()
	newGroupID, _ := cli.StateValues("atlassian_group.new")["id"].(string)
	if newGroupID == "" {
		t.Fatal("atlassian_group.new has no id after apply")
	}

	t.Run("requests: no more than the listings the changed resources need", func(t *testing.T) {
		floor, explained := c.listingFloor(before)
		t.Logf("listing floor %d: %s", floor, explained)
		if stats.Total > floor {
			t.Errorf("%d requests, the listing floor is %d (%s): %v", stats.Total, floor, explained, stats.ByRoute)
		}
	})
	t.Run("entries equal the sandbox's own before and after", func(t *testing.T) {
		var got []string
		for _, e := range rep.Changes {
			resource := e.ResourceID
			if resource == "atlassian_group.new" {
				resource = newGroupID
			}
			got = append(got, strings.Join([]string{e.AccountID, e.Change, e.Access, resource, e.Role}, "|"))
		}
		slices.Sort(got)
		want := expectedChanges(before, after)
		if !slices.Equal(got, want) {
			t.Errorf("impact entries differ from the sandbox's change of access\n got: %q\nwant: %q", got, want)
		}
	})

	find := func(account, change, access, resource, role string) *impact.Entry {
		for i, e := range rep.Changes {
			if e.AccountID == account && e.Change == change && e.Access == access && e.ResourceID == resource && e.Role == role {
				return &rep.Changes[i]
			}
		}
		return nil
	}
	t.Run("a group gaining a role: every member gains, except who holds it already", func(t *testing.T) {
		for _, m := range c.roleGroup.MemberAccountIDs {
			e := find(m, impact.ChangeGain, impact.AccessWorkspaceRole, c.workspace.ID, "atlassian/admin")
			if m == c.alreadyAdmin {
				if e != nil {
					t.Errorf("%s holds atlassian/admin itself, yet gains it: %+v", m, *e)
				}
				continue
			}
			if e == nil {
				t.Errorf("member %s of %s does not gain atlassian/admin", m, c.roleGroup.ID)
				continue
			}
			if !slices.Equal(e.Paths, []string{c.roleGroup.ID}) || !slices.Equal(e.Addresses, []string{"atlassian_workspace_role_assignment.group_admin"}) {
				t.Errorf("member %s gains through %v by %v, want the group by its role assignment", m, e.Paths, e.Addresses)
			}
			if e.Email == "" || e.ResourceName != c.workspace.Name {
				t.Errorf("the entry lacks the account's email or the workspace's name: %+v", *e)
			}
		}
	})
	t.Run("a membership removed where another group still gives the role", func(t *testing.T) {
		if e := find(c.leaving, impact.ChangeLoss, impact.AccessGroupMembership, c.userGroup.ID, impact.RoleMember); e == nil ||
			!slices.Equal(e.Addresses, []string{"atlassian_group_membership.leaving"}) {
			t.Errorf("%s's membership of %s: %+v, want a loss by atlassian_group_membership.leaving", c.leaving, c.userGroup.ID, e)
		}
		if e := find(c.leaving, impact.ChangeLoss, impact.AccessWorkspaceRole, c.workspace.ID, "atlassian/user"); e != nil {
			t.Errorf("%s still holds atlassian/user through %s, yet loses it: %+v", c.leaving, c.otherUserGroup.ID, *e)
		}
	})
	t.Run("an organization admin added is flagged", func(t *testing.T) {
		if e := find(c.newAdmin, impact.ChangeGain, impact.AccessOrganizationRole, c.org.OrgID, "atlassian/org-admin"); e == nil ||
			!slices.Equal(e.Paths, []string{impact.PathDirect}) {
			t.Errorf("%s's organization admin role: %+v, want a direct gain", c.newAdmin, e)
		}
		flags := map[string]impact.Flag{}
		for _, f := range rep.Flags {
			flags[f.Name] = f
		}
		if f := flags[impact.FlagOrgAdminGained]; !slices.Equal(f.Accounts, []string{c.newAdmin}) ||
			!slices.Equal(f.Addresses, []string{"atlassian_organization_role_assignment.admin"}) {
			t.Errorf("flag %s: %+v, want %s by its assignment", impact.FlagOrgAdminGained, f, c.newAdmin)
		}
		var adminGains []string
		for _, e := range rep.Changes {
			if e.Change == impact.ChangeGain && e.Access == impact.AccessWorkspaceRole && slices.Contains(impact.AdminWorkspaceRoles, e.Role) {
				adminGains = append(adminGains, e.AccountID)
			}
		}
		slices.Sort(adminGains)
		if f := flags[impact.FlagAdminRoleGained]; len(adminGains) < len(c.roleGroup.MemberAccountIDs)-1 || !slices.Equal(f.Accounts, slices.Compact(adminGains)) {
			t.Errorf("flag %s: %v, want the accounts gaining an admin role, %v", impact.FlagAdminRoleGained, f.Accounts, adminGains)
		}
		if _, raised := flags[impact.FlagLastOrgAdminLost]; raised {
			t.Errorf("flag %s raised, yet no admin is lost", impact.FlagLastOrgAdminLost)
		}
	})
	t.Run("an expiring grant is a gain with its end", func(t *testing.T) {
		e := find(c.joining, impact.ChangeGain, impact.AccessGroupMembership, c.otherUserGroup.ID, impact.RoleMember)
		if e == nil || e.ExpiresAt != c.expiresAt {
			t.Errorf("%s joining %s: %+v, want a gain until %s", c.joining, c.otherUserGroup.ID, e, c.expiresAt)
		}
	})
	t.Run("a group created in the same plan", func(t *testing.T) {
		for _, m := range c.newMembers {
			e := find(m, impact.ChangeGain, impact.AccessGroupMembership, "atlassian_group.new", impact.RoleMember)
			if e == nil || e.ResourceName != "impact-new-team" || !slices.Equal(e.Addresses, []string{"atlassian_group_members.new"}) {
				t.Errorf("%s joining the new group: %+v, want a gain named impact-new-team by atlassian_group_members.new", m, e)
			}
			if e := find(m, impact.ChangeGain, impact.AccessWorkspaceRole, c.workspace.ID, "atlassian/user"); e != nil &&
				!slices.Equal(e.Paths, []string{"atlassian_group.new"}) {
				t.Errorf("%s gains atlassian/user through %v, want the new group", m, e.Paths)
			}
		}
	})
	t.Run("a group deleted: its members lose it and what it gave", func(t *testing.T) {
		i := slices.IndexFunc(before.Groups, func(g sandbox.Group) bool { return g.Name == "impact-doomed-team" })
		if i < 0 {
			t.Fatal("the first apply created no group impact-doomed-team")
		}
		doomedID := before.Groups[i].ID
		for _, m := range c.doomed {
			e := find(m, impact.ChangeLoss, impact.AccessGroupMembership, doomedID, impact.RoleMember)
			if e == nil || !slices.Equal(e.Addresses, []string{"atlassian_group.doomed", "atlassian_group_members.doomed"}) || e.ResourceName != "impact-doomed-team" {
				t.Errorf("%s's membership of the deleted group: %+v, want a loss by the group and its members", m, e)
			}
			if e := find(m, impact.ChangeLoss, impact.AccessWorkspaceRole, c.workspace.ID, "atlassian/admin"); e != nil &&
				!slices.Equal(e.Addresses, []string{"atlassian_group.doomed", "atlassian_group_members.doomed", "atlassian_workspace_role_assignment.doomed_admins"}) {
				t.Errorf("%s's atlassian/admin through the deleted group ends by %v", m, e.Addresses)
			}
		}
	})
	t.Run("the Markdown summarises first, then the people", func(t *testing.T) {
		data, err := os.ReadFile(mdPath)
		if err != nil {
			t.Fatal(err)
		}
		md := string(data)
		flagsAt, roleAt, peopleAt := strings.Index(md, "### Risk flags"), strings.Index(md, "### By role"), strings.Index(md, "### People")
		if flagsAt < 0 || roleAt < flagsAt || peopleAt < roleAt {
			t.Fatalf("the Markdown's sections are out of order (flags %d, roles %d, people %d):\n%s", flagsAt, roleAt, peopleAt, md)
		}
		if !strings.Contains(md[flagsAt:roleAt], "`"+impact.FlagOrgAdminGained+"`") {
			t.Errorf("the flags table does not name %s:\n%s", impact.FlagOrgAdminGained, md[flagsAt:roleAt])
		}
		for _, e := range rep.Changes {
			if !strings.Contains(md[peopleAt:], "`"+e.AccountID+"`") {
				t.Errorf("the people section does not name %s", e.AccountID)
			}
		}
	})
}

// TestAccImpactFlags plans, with the real terraform CLI against the
// sandbox, the removal of one of two organization admins, a suspension, a
// role for an unmanaged account and a role for a whole group; the other
// admin then loses the role outside Terraform before the impact runs, which
// reads the organization as it is then.
func TestAccImpactFlags(t *testing.T) {
	bin := buildBinary(t)
	org := acctest.NewOrg(t, 60, 8, 2)
	st := org.State()
	ws := st.Workspaces[0]
	var plain, unmanaged []string
	for _, u := range st.Users {
		switch {
		case u.Status != "active" || u.AccountType != "atlassian" || len(u.PlatformRoles) > 0:
		case u.ClaimStatus == "unmanaged":
			unmanaged = append(unmanaged, u.AccountID)
		default:
			plain = append(plain, u.AccountID)
		}
	}
	if len(plain) < 3 || len(unmanaged) == 0 {
		t.Fatalf("the sandbox has %d plain managed and %d unmanaged active accounts, want 3 and 1", len(plain), len(unmanaged))
	}
	admin, otherAdmin, suspended := plain[0], plain[1], plain[2]
	group := org.WritableGroup(t)
	organization := "ari:cloud:platform::org/" + st.Organization.ID
	// Two organization admins: admin, whom Terraform manages, and otherAdmin.
	org.Update(func(st *sandbox.State) error {
		st.Settings.OrgRoleConsistencyDelayMs = 0
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.Role == "atlassian/org-admin" })
		for _, id := range []string{admin, otherAdmin} {
			st.UserRoleAssignments = append(st.UserRoleAssignments,
				sandbox.UserRoleAssignment{AccountID: id, ResourceID: organization, ResourceOwner: "platform", Role: "atlassian/org-admin"})
		}
		return nil
	})
	cli := acctest.NewPluginCLI(t, tfdriver.Options{})
	cli.WriteConfig(org.Config(fmt.Sprintf(`
resource "atlassian_organization_role_assignment" "admin" {
  account_id = %q
  role       = "atlassian/org-admin"
}
`, admin)))
	cli.MustApply()

	cli.WriteConfig(org.Config(fmt.Sprintf(`
resource "atlassian_account_suspension" "leaver" {
  account_id = %[1]q
}

resource "atlassian_workspace_role_assignment" "contractor" {
  workspace_id = %[2]q
  role         = "atlassian/user-access-admin"
  account_id   = %[3]q
}

resource "atlassian_workspace_role_assignment" "whole_group" {
  workspace_id = %[2]q
  role         = "atlassian/admin"
  group_id     = %[4]q
}
`, suspended, ws.ID, unmanaged[0], group.ID)))
	cli.Must(cli.TryPlan(tfexec.Out("impact.tfplan")))
	planJSON, err := cli.Command(context.Background(), "show", "-json", "impact.tfplan").Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	// The other admin goes outside Terraform after the plan was made.
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
			return a.AccountID == otherAdmin && a.Role == "atlassian/org-admin"
		})
		return nil
	})

	// The plan from standard input, the credentials from the environment
	// as the connector's own commands read them.
	cmd := exec.Command(bin, "impact", "--plan", "-", "--format", "json", "--max-accounts", "1", "--fail-on", impact.FlagLastOrgAdminLost)
	cmd.Env = cleanEnv("BATON_API_TOKEN="+org.Token, "BATON_ORG="+org.OrgID, "BATON_BASE_URL="+org.URL)
	cmd.Stdin = strings.NewReader(string(planJSON))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if exitCode(err) != 2 || !strings.Contains(stderr.String(), impact.FlagLastOrgAdminLost) {
		t.Fatalf("exit %d, want 2 naming %s\nstderr: %s", exitCode(err), impact.FlagLastOrgAdminLost, stderr.String())
	}
	var rep impact.Report
	if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
		t.Fatalf("the JSON does not parse: %v\n%s", err, stdout.String())
	}
	flags := map[string]impact.Flag{}
	for _, f := range rep.Flags {
		flags[f.Name] = f
	}
	for name, want := range map[string][]string{
		impact.FlagLastOrgAdminLost: {admin},
		impact.FlagUnmanagedGained:  {unmanaged[0]},
	} {
		if got := flags[name].Accounts; !slices.Equal(got, want) {
			t.Errorf("flag %s: accounts %v, want %v", name, got, want)
		}
	}
	var groupGains []string
	for _, e := range rep.Changes {
		if slices.Contains(e.Addresses, "atlassian_workspace_role_assignment.whole_group") {
			groupGains = append(groupGains, e.AccountID)
		}
	}
	if f := flags[impact.FlagManyAccounts]; len(groupGains) < 2 || !slices.Equal(f.Addresses, []string{"atlassian_workspace_role_assignment.whole_group"}) ||
		len(f.Accounts) != len(groupGains) {
		t.Errorf("flag %s: %+v, want the group's assignment, which reaches %d accounts", impact.FlagManyAccounts, f, len(groupGains))
	}
	var sawSuspension, sawAdminLoss bool
	for _, e := range rep.Changes {
		switch {
		case e.AccountID == suspended && e.Access == impact.AccessSuspension:
			sawSuspension = e.Change == impact.ChangeGain && slices.Equal(e.Addresses, []string{"atlassian_account_suspension.leaver"})
		case e.AccountID == admin && e.Access == impact.AccessOrganizationRole:
			sawAdminLoss = e.Change == impact.ChangeLoss && e.Role == "atlassian/org-admin" && e.ResourceName == st.Organization.Name
		}
	}
	if !sawSuspension || !sawAdminLoss {
		t.Errorf("the suspension (%v) or the admin's loss, named after the organization (%v), is missing or wrong: %+v", sawSuspension, sawAdminLoss, rep.Changes)
	}
}

// TestImpactBadInput: what the command refuses, each named, before any
// request (the organization is a sandbox the binary never reaches unless
// the input is good).
func TestImpactBadInput(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	emptyPlan := write("empty-plan.json", `{"format_version":"1.2","terraform_version":"1.14.0","resource_changes":[]}`)
	creds := []string{"--access-token", "key", "--organization-id", "org"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no plan", append([]string{"impact"}, creds...), `required flag(s) "plan" not set`},
		{"a missing file", append([]string{"impact", "--plan", filepath.Join(dir, "absent.json")}, creds...), "--plan: open"},
		{"an empty file", append([]string{"impact", "--plan", write("empty.json", "\n")}, creds...), "--plan: the file is empty"},
		{"not JSON", append([]string{"impact", "--plan", write("text.txt", "Terraform will perform the following actions:")}, creds...),
			"--plan: not a plan in Terraform's JSON form"},
		{"JSON that is not a plan", append([]string{"impact", "--plan", write("other.json", `{"resources":[]}`)}, creds...),
			"--plan: not a plan in Terraform's JSON form"},
		{"an unknown format", append([]string{"impact", "--plan", emptyPlan, "--format", "html"}, creds...), `--format "html": use one of markdown, json`},
		{"an unknown flag to fail on", append([]string{"impact", "--plan", emptyPlan, "--fail-on", "org_admin_gained,everything"}, creds...),
			`--fail-on: unknown flag "everything"`},
		{"no reach", append([]string{"impact", "--plan", emptyPlan, "--max-accounts", "0"}, creds...), "--max-accounts 0: must be at least 1"},
		{"no credentials", []string{"impact", "--plan", emptyPlan}, "baton-atlassian impact:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, bin, cleanEnv(), tc.args...)
			if exitCode(err) != 1 || !strings.Contains(out, tc.want) || strings.Contains(out, "panic") {
				t.Errorf("exit %d, want 1 with %q:\n%s", exitCode(err), tc.want, out)
			}
		})
	}
}

// TestAccImpactInvitation plans, with the real terraform CLI against the
// sandbox, an invitation of a person not yet in the organization, one of an
// email that already has an account (which the invitation adopts), and the
// destroy of an invitation with remove_on_destroy, which removes its
// account from the directory; the impact's entries must equal the gains
// and losses of the apply, the invited person named by email.
func TestAccImpactInvitation(t *testing.T) {
	bin := buildBinary(t)
	org := acctest.NewOrg(t, 60, 8, 2)
	st := org.State()
	ws := st.Workspaces[0]
	group := org.WritableGroup(t)
	var existing *sandbox.User
	for _, u := range org.ActiveUsers() {
		if u.AccountType == "atlassian" && len(u.PlatformRoles) == 0 && !slices.Contains(group.MemberAccountIDs, u.AccountID) {
			existing = &u
			break
		}
	}
	if existing == nil {
		t.Fatal("the sandbox has no active account outside the group")
	}
	const leaverEmail, newcomerEmail = "leaver@contractor.example", "newcomer@contractor.example"
	cli := acctest.NewPluginCLI(t, tfdriver.Options{})
	cli.WriteConfig(org.Config(fmt.Sprintf(`
resource "atlassian_invitation" "leaver" {
  email             = %q
  groups            = [%q]
  workspace_roles   = [{ workspace_id = %q, role = "atlassian/user" }]
  send_notification = false
  remove_on_destroy = true
}
`, leaverEmail, group.ID, ws.ID)))
	cli.MustApply()
	leaverID, _ := cli.StateValues("atlassian_invitation.leaver")["account_id"].(string)
	if leaverID == "" {
		t.Fatal("atlassian_invitation.leaver has no account_id after apply")
	}

	cli.WriteConfig(org.Config(fmt.Sprintf(`
resource "atlassian_invitation" "newcomer" {
  email             = %[1]q
  groups            = [%[2]q]
  workspace_roles   = [{ workspace_id = %[3]q, role = "atlassian/guest" }]
  send_notification = false
}

resource "atlassian_invitation" "adopted" {
  email  = %[4]q
  groups = [%[2]q]
}
`, newcomerEmail, group.ID, ws.ID, existing.Email)))
	planPath := savedPlanJSON(t, cli)
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "impact.json")
	out, err := run(t, bin, cleanEnv(), "impact", "--plan", planPath, "--format", "json", "--output", jsonPath,
		"--access-token", org.Token, "--organization-id", org.OrgID, "--base-url", org.URL)
	if err != nil {
		t.Fatalf("impact: %v\n%s", err, out)
	}
	rep := readImpact(t, jsonPath)
	before := org.State()
	cli.MustApply(tfexec.DirOrPlan("impact.tfplan"))
	after := org.State()
	newcomer, found := "", false
	for _, u := range after.Users {
		if strings.EqualFold(u.Email, newcomerEmail) {
			newcomer, found = u.AccountID, true
		}
	}
	if !found {
		t.Fatalf("the apply created no account for %s", newcomerEmail)
	}

	var got []string
	for _, e := range rep.Changes {
		account := e.AccountID
		if account == "" {
			if !strings.EqualFold(e.Email, newcomerEmail) {
				t.Errorf("an entry without an account id is not the invited person's: %+v", e)
			}
			account = newcomer
		}
		got = append(got, strings.Join([]string{account, e.Change, e.Access, e.ResourceID, e.Role}, "|"))
	}
	slices.Sort(got)
	if want := expectedChanges(before, after); !slices.Equal(got, want) {
		t.Errorf("impact entries differ from the sandbox's change of access\n got: %q\nwant: %q", got, want)
	}
	seen := map[string]int{}
	for _, e := range rep.Changes {
		seen[cmp.Or(e.AccountID, e.Email)]++
		switch {
		case e.AccountID == "" && e.Access == impact.AccessWorkspaceRole && e.Role == "atlassian/guest":
			if !slices.Equal(e.Addresses, []string{"atlassian_invitation.newcomer"}) || e.Change != impact.ChangeGain {
				t.Errorf("the invited person's role: %+v, want a gain by atlassian_invitation.newcomer", e)
			}
		case e.AccountID == existing.AccountID:
			if e.Change != impact.ChangeGain || !slices.Equal(e.Addresses, []string{"atlassian_invitation.adopted"}) {
				t.Errorf("the adopted account's entry: %+v, want a gain by atlassian_invitation.adopted", e)
			}
		case e.AccountID == leaverID:
			if e.Change != impact.ChangeLoss || !slices.Equal(e.Addresses, []string{"atlassian_invitation.leaver"}) {
				t.Errorf("the removed account's entry: %+v, want a loss by atlassian_invitation.leaver", e)
			}
		}
	}
	// The newcomer gains the membership, the role and the group's roles;
	// the adopted account, the membership; the leaver loses its own.
	if seen[newcomerEmail] < 2 || seen[existing.AccountID] < 1 || seen[leaverID] < 2 {
		t.Errorf("entries by account: %v, want at least 2 for %s, 1 for %s, 2 for %s", seen, newcomerEmail, existing.AccountID, leaverID)
	}
}

// savedPlanJSON saves the plan of the CLI's configuration as impact.tfplan
// in the CLI's directory, and writes its JSON form (terraform show -json) to a file, as a pull request's job hands
// it to impact; it returns the file's path.
func savedPlanJSON(t *testing.T, cli *acctest.CLI) string {
	t.Helper()
	cli.Must(cli.TryPlan(tfexec.Out("impact.tfplan")))
	planJSON, err := cli.Command(context.Background(), "show", "-json", "impact.tfplan").Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, planJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
