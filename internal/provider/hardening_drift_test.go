package provider

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Out-of-band changes: another admin removes a member, deletes a group,
// suspends a user or takes a role away, between two runs or while an apply
// is running. The next plan must say exactly what it will put back (read
// from the plan's JSON), warn about what vanished, refuse what it cannot do
// with an error on the attribute, and the apply after it must converge.

const driftTeamName = "hardening-drift-team"

// driftOrg is the organization and configuration of the out-of-band
// tests.
type driftOrg struct {
	org                  *acctest.Org
	ws                   sandbox.Workspace
	g, h                 sandbox.Group     // an additive group and an authoritative one
	team, gMembers, hSet []string          // account ids
	roleHolders          []string          // accounts given atlassian/admin on ws
	base                 acctest.OrgAccess // the access before the first apply
}

func newDriftOrg(t *testing.T) *driftOrg {
	t.Helper()
	org := acctest.NewOrg(t, 30, 6, 2)
	groups := grpWritableGroups(org)
	if len(groups) < 2 {
		t.Fatalf("need two writable groups, have %d", len(groups))
	}
	st := org.State()
	d := &driftOrg{org: org, ws: st.Workspaces[0], g: groups[0], h: groups[1]}
	users := org.ActiveUsers()
	// Accounts that do not hold atlassian/admin on the workspace get it.
	for _, u := range users {
		if !hasUserRole(st, u.AccountID, d.ws.ID, "atlassian/admin") && len(d.roleHolders) < 3 {
			d.roleHolders = append(d.roleHolders, u.AccountID)
		}
	}
	if len(d.roleHolders) < 3 {
		t.Fatal("need three accounts without atlassian/admin on the workspace")
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.AccountID
	}
	d.team = ids[:3]
	// The first role holder is also a member of g: suspending it must
	// change neither.
	d.gMembers = append([]string{d.roleHolders[0]}, ids[3:7]...)
	d.hSet = ids[7:12]
	grpSetMembers(org, d.h.ID, d.hSet)
	d.base = acctest.AccessOf(org.State())
	return d
}

func (d *driftOrg) config() string {
	quoted := func(ids []string) string {
		q := make([]string, len(ids))
		for i, id := range ids {
			q[i] = fmt.Sprintf("%q", id)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	labels := map[string]string{}
	for _, id := range d.hSet {
		labels[id] = "member " + id
	}
	return d.org.Config(fmt.Sprintf(`
locals {
  team         = %s
  g_members    = %s
  role_holders = %s
}

resource "atlassian_group" "team" {
  name = %q
}

resource "atlassian_group_membership" "team" {
  count      = length(local.team)
  group_id   = atlassian_group.team.id
  account_id = local.team[count.index]
}

resource "atlassian_workspace_role_assignment" "team" {
  workspace_id = %q
  role         = "atlassian/user"
  group_id     = atlassian_group.team.id
}

resource "atlassian_group_membership" "g" {
  count      = length(local.g_members)
  group_id   = %q
  account_id = local.g_members[count.index]
}

resource "atlassian_group_members" "h" {
  group_id = %q
  members  = %s
}

resource "atlassian_workspace_role_assignment" "admin" {
  count        = length(local.role_holders)
  workspace_id = %q
  role         = "atlassian/admin"
  account_id   = local.role_holders[count.index]
}
`, quoted(d.team), quoted(d.gMembers), quoted(d.roleHolders), driftTeamName, d.ws.ID, d.g.ID, d.h.ID,
		grpMembersHCL(labels), d.ws.ID))
}

// want is the access the configuration asks for, given the sandbox's
// current team group (its id changes when it is created again).
func (d *driftOrg) want(t *testing.T) acctest.OrgAccess {
	t.Helper()
	team, ok := grpGroupByName(d.org, driftTeamName)
	if !ok {
		t.Fatalf("the sandbox has no group %q", driftTeamName)
	}
	w := acctest.OrgAccess{Members: map[string]map[string]bool{}, UserRoles: maps.Clone(d.base.UserRoles), GroupRoles: maps.Clone(d.base.GroupRoles)}
	for id, members := range d.base.Members {
		w.Members[id] = maps.Clone(members)
	}
	w.Members[team.ID] = map[string]bool{}
	for _, id := range d.team {
		w.Members[team.ID][id] = true
	}
	for _, id := range d.gMembers {
		w.Members[d.g.ID][id] = true
	}
	w.Members[d.h.ID] = map[string]bool{}
	for _, id := range d.hSet {
		w.Members[d.h.ID][id] = true
	}
	w.GroupRoles[sandbox.GroupRoleAssignment{GroupID: team.ID, ResourceID: d.ws.ID, ResourceOwner: d.ws.Type, Role: "atlassian/user"}] = true
	for _, id := range d.roleHolders {
		w.UserRoles[sandbox.UserRoleAssignment{AccountID: id, ResourceID: d.ws.ID, ResourceOwner: d.ws.Type, Role: "atlassian/admin"}] = true
	}
	return w
}

// converge applies and checks that the sandbox is the configuration and
// that the next plan is empty.
func (d *driftOrg) converge(t *testing.T, cli *acctest.CLI, when string) {
	t.Helper()
	cli.MustApply()
	if diff := d.want(t).Diff(acctest.AccessOf(d.org.State())); diff != "" {
		t.Fatalf("%s: the sandbox differs from the configuration:\n%s", when, diff)
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Fatalf("%s: the plan after the apply is not empty:\n%s", when, res)
	}
}

func setAccountStatus(org *acctest.Org, accountID, status string) {
	org.Update(func(st *sandbox.State) error {
		for i := range st.Users {
			if st.Users[i].AccountID == accountID {
				st.Users[i].Status = status
				st.Users[i].MembershipStatus = map[string]string{"active": "active", "suspended": "suspended"}[status]
				return nil
			}
		}
		return fmt.Errorf("no account %s", accountID)
	})
}

func revokeUserRole(org *acctest.Org, accountID, workspaceID, role string) {
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
			return a.AccountID == accountID && a.ResourceID == workspaceID && a.Role == role
		})
		return nil
	})
}

// expectActions compares a plan's changes with want (address =>
// actions, every other resource a no-op).
func expectActions(t *testing.T, plan *tfjson.Plan, want map[string]string) {
	t.Helper()
	got := acctest.ActionsByAddress(plan)
	var problems []string
	for addr, actions := range want {
		if got[addr] != actions {
			problems = append(problems, fmt.Sprintf("%s: planned %q, want %q", addr, got[addr], actions))
		}
	}
	for addr, actions := range got {
		if _, ok := want[addr]; !ok {
			problems = append(problems, fmt.Sprintf("%s: planned %q, want no change", addr, actions))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Errorf("the plan is not the one the out-of-band changes call for:\n%s", strings.Join(problems, "\n"))
	}
}

// TestAccOutOfBandChanges changes the organization between runs.
func TestAccOutOfBandChanges(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	d := newDriftOrg(t)
	org := d.org
	cli := newReattachedCLI(t, newCountingProvider(), tfdriver.Options{})
	cli.WriteConfig(d.config())
	d.converge(t, cli, "first apply")
	oldTeam, _ := grpGroupByName(org, driftTeamName)

	// Another admin: removes a member of g and one of h, adds an outsider
	// to h, deletes the team group (its members and role go with it),
	// suspends the first role holder (still a member of g, still holding
	// its role) and takes the second one's role away.
	outsider := org.ActiveUsers()[20].AccountID
	grpEditMembers(org, d.g.ID, nil, []string{d.gMembers[2]})
	grpEditMembers(org, d.h.ID, []string{outsider}, []string{d.hSet[0]})
	grpDeleteGroup(org, oldTeam.ID)
	setAccountStatus(org, d.roleHolders[0], "suspended")
	revokeUserRole(org, d.roleHolders[1], d.ws.ID, "atlassian/admin")

	plan, res := cli.SavedPlan()
	expectActions(t, plan, map[string]string{
		"atlassian_group_membership.g[2]":              "create", // re-added
		"atlassian_group_members.h":                    "update", // the member back, the outsider out
		"atlassian_group.team":                         "create", // created again, with a new id
		"atlassian_group_membership.team[0]":           "create",
		"atlassian_group_membership.team[1]":           "create",
		"atlassian_group_membership.team[2]":           "create",
		"atlassian_workspace_role_assignment.team":     "create",
		"atlassian_workspace_role_assignment.admin[1]": "create", // re-assigned
	})
	for _, rc := range plan.ResourceChanges {
		if rc.Address != "atlassian_group_members.h" {
			continue
		}
		beforeValues, _ := rc.Change.Before.(map[string]any)
		afterValues, _ := rc.Change.After.(map[string]any)
		before, _ := beforeValues["members"].(map[string]any)
		after, _ := afterValues["members"].(map[string]any)
		if _, ok := before[outsider]; !ok {
			t.Errorf("the refreshed members of h do not show the outsider %s: %v", outsider, slices.Sorted(maps.Keys(before)))
		}
		if _, ok := after[outsider]; ok {
			t.Errorf("the plan keeps the outsider %s in h", outsider)
		}
		if _, ok := after[d.hSet[0]]; !ok {
			t.Errorf("the plan does not put %s back into h", d.hSet[0])
		}
	}
	for _, warning := range []string{"Group deleted outside Terraform", "Role holder no longer exists"} {
		if !diagnostic("Warning: " + warning).MatchString(res.Output) {
			t.Errorf("the plan does not warn %q:\n%s", warning, tfdriver.LastLines(res.Output, 40))
		}
	}
	d.converge(t, cli, "after the out-of-band changes")
	if newTeam, _ := grpGroupByName(org, driftTeamName); newTeam.ID == oldTeam.ID {
		t.Errorf("the team group kept its id %s after being deleted and created again", oldTeam.ID)
	}

	// A role taken away from a suspended account cannot be given back: the
	// plan fails on account_id, naming the account and the fix.
	setAccountStatus(org, d.roleHolders[2], "suspended")
	revokeUserRole(org, d.roleHolders[2], d.ws.ID, "atlassian/admin")
	failed := cli.TryPlan()
	cli.ExpectNoCrash(failed)
	want := acctest.AttrError("Account is not active", "atlassian_workspace_role_assignment.admin[2]", "account_id",
		d.roleHolders[2], "is suspended", "Restore the account's access")
	if failed.Err == nil || !want.MatchString(failed.Output) {
		t.Errorf("the plan for a suspended account's lost role does not fail as expected (%s):\n%s", want, failed)
	}
	// Restored, the role comes back.
	setAccountStatus(org, d.roleHolders[2], "active")
	plan, _ = cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_workspace_role_assignment.admin[2]": "create"})
	d.converge(t, cli, "after the account was restored")
}

// TestAccOutOfBandDuringApply changes the organization while an apply is
// writing: a membership the apply has just made is removed and a role it
// has just assigned is taken away. The apply records what it did; the next
// plan notices and puts exactly those two back.
func TestAccOutOfBandDuringApply(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	size := faultSize{membershipGroups: 2, membersPerGroup: 40, userRoles: 10, groupRoles: 2, users: 50, orgGroups: 6}
	fx := newFaultFixture(t, size)
	org := fx.org
	cli := newReattachedCLI(t, newCountingProvider(), tfdriver.Options{})
	cli.WriteConfig(fx.config)
	before := acctest.AccessOf(org.State())
	org.Server.SetFaults(sandbox.Faults{LatencyMS: 60, Routes: []string{
		"POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/memberships",
		"POST /admin/v1/orgs/{orgId}/users/{accountId}/roles/assign",
	}})

	// Half-way through, take away one membership of an additive group and
	// one user role that the apply already made.
	type removal struct {
		groupID, accountID string
		role               sandbox.UserRoleAssignment
	}
	removed := make(chan removal, 1)
	applyDone := make(chan struct{})
	go func() {
		defer close(removed)
		for {
			select {
			case <-applyDone:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if writesSoFar(org) < fx.writes/3 {
				continue
			}
			now := acctest.AccessOf(org.Server.State())
			var r removal
			for groupID, members := range now.Members {
				for id := range members {
					if r.accountID == "" && !before.Members[groupID][id] && fx.want.Members[groupID][id] && !inAuthoritative(fx.config, id) {
						r.groupID, r.accountID = groupID, id
					}
				}
			}
			for a := range now.UserRoles {
				if r.role.AccountID == "" && !before.UserRoles[a] {
					r.role = a
				}
			}
			if r.accountID == "" || r.role.AccountID == "" {
				continue
			}
			_ = org.Server.Update(func(st *sandbox.State) error {
				for i := range st.Groups {
					if st.Groups[i].ID == r.groupID {
						st.Groups[i].MemberAccountIDs = slices.DeleteFunc(st.Groups[i].MemberAccountIDs, func(id string) bool { return id == r.accountID })
					}
				}
				st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a == r.role })
				return nil
			})
			removed <- r
			return
		}
	}()
	cli.MustApply()
	close(applyDone)
	org.Server.SetFaults(sandbox.Faults{})
	r, ok := <-removed
	if !ok {
		t.Fatal("the apply ended before the out-of-band change could be made: the test proves nothing")
	}

	// Terraform recorded both (its writes succeeded); the refresh finds
	// them gone and the plan makes exactly those two again.
	var membershipAddr, roleAddr string
	for _, res := range cli.StateResources() {
		v := func(key string) string { s, _ := res.AttributeValues[key].(string); return s }
		switch {
		case res.Type == "atlassian_group_membership" && v("group_id") == r.groupID && v("account_id") == r.accountID:
			membershipAddr = res.Address
		case res.Type == "atlassian_workspace_role_assignment" && v("account_id") == r.role.AccountID &&
			v("workspace_id") == r.role.ResourceID && v("role") == r.role.Role:
			roleAddr = res.Address
		}
	}
	if membershipAddr == "" || roleAddr == "" {
		t.Fatalf("the state lacks the membership %s/%s (%q) or the role %+v (%q) the apply made", r.groupID, r.accountID, membershipAddr, r.role, roleAddr)
	}
	plan, _ := cli.SavedPlan()
	expectActions(t, plan, map[string]string{membershipAddr: "create", roleAddr: "create"})
	cli.MustApply()
	if diff := fx.want.Diff(acctest.AccessOf(org.State())); diff != "" {
		t.Errorf("the sandbox differs from the configuration:\n%s", diff)
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after the repairing apply is not empty:\n%s", res)
	}
}

// inAuthoritative reports whether an account is a key of the
// fixture's atlassian_group_members (whose removal shows as an update of
// that one resource, not as a membership to create).
func inAuthoritative(config, accountID string) bool {
	i := strings.Index(config, `resource "atlassian_group_members"`)
	return i >= 0 && strings.Contains(config[i:], fmt.Sprintf("%q =", accountID))
}

// TestAccWrongOrganizationIsNotDrift points an applied configuration at an
// organization id the API key does not reach (a typo in organization_id or
// $ATLASSIAN_ORGANIZATION_ID). Atlassian answers every call 404
// ADMIN-UAM-404-2. That must not read as "everything was deleted outside
// Terraform" (which would drop the resources from the state), and above
// all a destroy must not report memberships, roles and groups removed that
// still exist in the real organization.
func TestAccWrongOrganizationIsNotDrift(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	d := newDriftOrg(t)
	org := d.org
	cli := newReattachedCLI(t, newCountingProvider(), tfdriver.Options{})
	cli.WriteConfig(d.config())
	d.converge(t, cli, "first apply")
	applied := acctest.AccessOf(org.State())
	resources := managedCount(cli.StateResources())

	cli.WriteConfig(strings.Replace(d.config(), fmt.Sprintf("organization_id = %q", org.OrgID),
		fmt.Sprintf("organization_id = %q", absentOrg), 1))
	for _, command := range []struct {
		name string
		run  func() tfdriver.Result
	}{
		{"plan", func() tfdriver.Result { return cli.TryPlan() }},
		// Without a refresh, destroy goes straight to the deletes.
		{"destroy", func() tfdriver.Result { return cli.TryDestroy(tfexec.Refresh(false)) }},
		{"apply", func() tfdriver.Result { return cli.TryApply(tfexec.RefreshOnly(true)) }},
	} {
		res := command.run()
		cli.ExpectNoCrash(res)
		if res.Err == nil {
			t.Errorf("terraform %s succeeded against an organization the key does not reach:\n%s", command.name, res)
		}
		if !strings.Contains(res.Output, "ADMIN-UAM-404-2") || !diagnostic("Check the organization id").MatchString(res.Output) {
			t.Errorf("terraform %s does not say that the organization id is wrong:\n%s", command.name, res)
		}
		for _, misleading := range []string{"deleted outside Terraform", "no longer exists", "Unknown group", "Unknown account"} {
			if strings.Contains(res.Output, misleading) {
				t.Errorf("terraform %s reports %q for a wrong organization id:\n%s", command.name, misleading, res)
			}
		}
	}
	if n := managedCount(cli.StateResources()); n != resources {
		t.Errorf("the state holds %d resources after the commands against the wrong organization, want the %d applied", n, resources)
	}
	if diff := applied.Diff(acctest.AccessOf(org.State())); diff != "" {
		t.Errorf("the real organization changed:\n%s", diff)
	}
}

// TestAccAccountDeletedBetweenPlanAndApply deletes an account after a saved
// plan that adds it to a group, before the plan is applied. The plan
// checked the account; while applying, the provider leaves the check to the
// write once it has started writing (access.View.Applying), so the
// write must still fail clearly, on that membership only, and the others
// must be made.
func TestAccAccountDeletedBetweenPlanAndApply(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	org := acctest.NewOrg(t, 80, 4, 1)
	g := org.WritableGroup(t)
	var ids []string
	for _, u := range org.ActiveUsers() {
		if !slices.Contains(g.MemberAccountIDs, u.AccountID) && len(ids) < 30 {
			ids = append(ids, u.AccountID)
		}
	}
	if len(ids) < 30 {
		t.Fatalf("the sandbox group leaves only %d accounts to add", len(ids))
	}
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	config := func(accounts []string) string {
		return org.Config(fmt.Sprintf(`
locals {
  accounts = [%s]
}

resource "atlassian_group_membership" "m" {
  count      = length(local.accounts)
  group_id   = %q
  account_id = local.accounts[count.index]
}
`, strings.Join(accounts, ", "), g.ID))
	}
	cli := newReattachedCLI(t, newCountingProvider(), tfdriver.Options{})
	cli.WriteConfig(config(quoted))
	cli.Must(cli.TryPlan(tfexec.Out("add.tfplan")))

	// The last membership is among the last to be applied, after the first
	// writes (Terraform applies ten at a time).
	gone := ids[len(ids)-1]
	org.Update(func(st *sandbox.State) error {
		st.Users = slices.DeleteFunc(st.Users, func(u sandbox.User) bool { return u.AccountID == gone })
		for i := range st.Groups {
			st.Groups[i].MemberAccountIDs = slices.DeleteFunc(st.Groups[i].MemberAccountIDs, func(id string) bool { return id == gone })
		}
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == gone })
		return nil
	})
	res := cli.TryApply(tfexec.DirOrPlan("add.tfplan"))
	cli.ExpectNoCrash(res)
	if res.Err == nil {
		t.Fatalf("the apply succeeded although account %s was deleted after the plan:\n%s", gone, res)
	}
	// Which of the two says so depends on whether Terraform re-planned
	// that membership before or after the provider's first write.
	address := fmt.Sprintf("atlassian_group_membership.m[%d]", len(ids)-1)
	// The account and group carry their email and name beside the id when
	// the apply's provider has read them, which depends on the same order.
	byWrite := acctest.BlockError("Group or account not found", address, "Could not add account "+gone, "to group", g.ID)
	byCheck := acctest.AttrError("Unknown account", address, "account_id", fmt.Sprintf("has no account %q", gone))
	if !byWrite.MatchString(res.Output) && !byCheck.MatchString(res.Output) {
		t.Fatalf("the failed apply does not say which membership failed and why:\n%s", res)
	}
	if strings.Count(res.Output, "Error: ") != 1 {
		t.Fatalf("the apply reported other errors than the deleted account's:\n%s", res)
	}
	now, _ := org.Group(g.ID)
	for _, id := range ids[:len(ids)-1] {
		if !slices.Contains(now.MemberAccountIDs, id) {
			t.Errorf("account %s was not added: one deleted account must not stop the others", id)
		}
	}

	// Without the deleted account, the configuration converges.
	cli.WriteConfig(config(quoted[:len(quoted)-1]))
	cli.MustApply()
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after the deleted account was dropped is not empty:\n%s", res)
	}
}
