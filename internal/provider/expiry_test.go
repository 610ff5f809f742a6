package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Just-in-time access against the real CLI, with the provider's clock in
// the test's hands: the provider is served in the test process
// (newWithClock), so the test moves time across an expiry between two
// terraform commands instead of waiting for it.

// newWithClock is the provider with its own clock.
func newWithClock(version string, clock func() time.Time) provider.Provider {
	return &atlassianProvider{version: version, clock: clock}
}

// testClock is a clock a test sets.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock(at time.Time) *testClock { return &testClock{now: at} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at
}

// The expiry of the tests: written with an offset in the configurations,
// shown in UTC by the diagnostics.
var (
	testExpiry        = time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)
	testExpiryOffset  = "2026-12-08T19:00:00+01:00"
	testExpiryUTCText = "2026-12-08T18:00:00Z"
)

func newExpiryCLI(t *testing.T, clock *testClock) *acctest.CLI {
	t.Helper()
	return newReattachedCLI(t, newWithClock("test", clock.Now), tfdriver.Options{})
}

// resourceChange returns the planned change of address.
func resourceChange(t *testing.T, p *tfjson.Plan, address string) *tfjson.ResourceChange {
	t.Helper()
	for _, rc := range p.ResourceChanges {
		if rc.Address == address {
			return rc
		}
	}
	t.Fatalf("the plan has no change for %s", address)
	return nil
}

func membershipWithExpiry(org *acctest.Org, groupID, accountID, expiresAt string) string {
	expiry := ""
	if expiresAt != "" {
		expiry = fmt.Sprintf("  expires_at = %q\n", expiresAt)
	}
	return org.Config(fmt.Sprintf(`
resource "atlassian_group_membership" "m" {
  group_id   = %q
  account_id = %q
%s}
`, groupID, accountID, expiry))
}

// addMember adds an account to a group outside Terraform.
func addMember(org *acctest.Org, groupID, accountID string) {
	grpEditMembers(org, groupID, []string{accountID}, nil)
}

// TestAccExpiry_groupMembershipLifecycle: granted before the expiry, warned
// about within the window, revoked by the first apply after it (an
// in-place update of active), then empty plans; revoked again when added
// back outside Terraform; granted again by a later expiry; permanent
// without one.
func TestAccExpiry_groupMembershipLifecycle(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	account := grpNonMembers(t, org, g, 1)[0].AccountID
	clock := newTestClock(testExpiry.Add(-10 * 24 * time.Hour))
	cli := newExpiryCLI(t, clock)
	subject := fmt.Sprintf("account %s in group %s", account, g.ID)

	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, testExpiryOffset))
	res := cli.MustApply()
	acctest.ExpectNoOutput(t, res, "Warning:")
	if !grpIsMember(org, g.ID, account) {
		t.Fatal("before its expiry, the membership was not granted")
	}
	if v := cli.StateValues("atlassian_group_membership.m"); v["active"] != true || v["expires_at"] != testExpiryOffset {
		t.Fatalf("state after the grant: active %v, expires_at %v", v["active"], v["expires_at"])
	}
	// The same instant in another offset: the state keeps what was written,
	// so nothing differs.
	cli.ExpectEmptyPlan("before the expiry")

	// Within the default window of 72 hours.
	clock.Set(testExpiry.Add(-5 * time.Hour))
	res = cli.ExpectEmptyPlan("within the warning window")
	acctest.ExpectOutput(t, res, acctest.Warning("Expires soon: "+subject, "expires at "+testExpiryUTCText+", in 5h",
		"Access ends at the first apply after that time"))

	// An hour after the expiry: an in-place update revoking it.
	clock.Set(testExpiry.Add(time.Hour))
	plan, res := cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_membership.m": "update"})
	change := resourceChange(t, plan, "atlassian_group_membership.m").Change
	if before, after := change.Before.(map[string]any)["active"], change.After.(map[string]any)["active"]; before != true || after != false {
		t.Fatalf("the revocation plans active %v -> %v, want true -> false", before, after)
	}
	acctest.ExpectOutput(t, res, acctest.Warning("Expired: "+subject, "expired at "+testExpiryUTCText+" (1h ago)", "this apply revokes it"))
	cli.MustApply()
	if grpIsMember(org, g.ID, account) {
		t.Fatal("the apply after the expiry did not revoke the membership")
	}
	if v := cli.StateValues("atlassian_group_membership.m"); v["active"] != false {
		t.Fatalf("the expired membership's state has active %v, want false", v["active"])
	}
	res = cli.ExpectEmptyPlan("after the revocation")
	acctest.ExpectNoOutput(t, res, "Warning:")

	// Added back outside Terraform: drift, revoked again.
	addMember(org, g.ID, account)
	plan, res = cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_membership.m": "update"})
	acctest.ExpectOutput(t, res, acctest.Warning("Expired: "+subject, "this apply revokes it"))
	cli.MustApply()
	if grpIsMember(org, g.ID, account) {
		t.Fatal("the expired membership added back outside Terraform was not revoked")
	}
	cli.ExpectEmptyPlan("after revoking the drift")

	// Extended by a day: granted again. The plan cannot know whether the
	// apply runs before the new expiry, so active is known after apply.
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, "2026-12-09T18:00:00Z"))
	plan, _ = cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_membership.m": "update"})
	if unknown := resourceChange(t, plan, "atlassian_group_membership.m").Change.AfterUnknown.(map[string]any)["active"]; unknown != true {
		t.Fatalf("the extension plans active as known (%v), want known after apply", unknown)
	}
	cli.MustApply()
	if !grpIsMember(org, g.ID, account) {
		t.Fatal("moving the expiry into the future did not grant the membership again")
	}
	cli.ExpectEmptyPlan("after the extension")

	// Past the extension too, the expiry removed: permanent, nothing revoked.
	clock.Set(testExpiry.Add(3 * 24 * time.Hour))
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, ""))
	plan, res = cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_membership.m": "update"})
	if after := resourceChange(t, plan, "atlassian_group_membership.m").Change.After.(map[string]any)["active"]; after != true {
		t.Fatalf("removing the expiry plans active %v, want true", after)
	}
	acctest.ExpectNoOutput(t, res, "Warning:")
	writes := grpMembershipWrites(org.Stats())
	cli.MustApply()
	if !grpIsMember(org, g.ID, account) {
		t.Fatal("removing the expiry revoked the membership")
	}
	if n := grpMembershipWrites(org.Stats()) - writes; n != 0 {
		t.Fatalf("removing the expiry of a held membership sent %d membership writes, want 0", n)
	}
	cli.ExpectEmptyPlan("after removing the expiry")
}

// TestAccExpiry_pastAtCreate: created with an expiry already past, a
// membership and a role assignment grant nothing, say so, and stay in the
// state as expired.
func TestAccExpiry_pastAtCreate(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	ws := org.State().Workspaces[0]
	account := grpNonMembers(t, org, g, 1)[0].AccountID
	holder := ""
	for _, u := range org.ActiveUsers() {
		if !hasUserRole(org.State(), u.AccountID, ws.ID, "atlassian/admin") {
			holder = u.AccountID
			break
		}
	}
	clock := newTestClock(testExpiry.Add(2 * time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, testExpiryUTCText) + fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = %q
  role         = "atlassian/admin"
  account_id   = %q
  expires_at   = %q
}
`, ws.ID, holder, testExpiryOffset))
	plan, res := cli.SavedPlan()
	expectActions(t, plan, map[string]string{
		"atlassian_group_membership.m":          "create",
		"atlassian_workspace_role_assignment.r": "create",
	})
	acctest.ExpectOutput(t, res, acctest.Warning(fmt.Sprintf("Already expired: account %s in group %s", account, g.ID),
		"is already past (2h ago), so this apply grants nothing"))
	acctest.ExpectOutput(t, res, acctest.Warning(fmt.Sprintf("Already expired: role atlassian/admin on workspace %s for account %s", ws.ID, holder),
		"The expiry "+testExpiryUTCText))
	cli.MustApply()
	if grpIsMember(org, g.ID, account) {
		t.Fatal("a membership created with a past expiry was granted")
	}
	if hasUserRole(org.State(), holder, ws.ID, "atlassian/admin") {
		t.Fatal("a role assignment created with a past expiry was granted")
	}
	for _, address := range []string{"atlassian_group_membership.m", "atlassian_workspace_role_assignment.r"} {
		if v := cli.StateValues(address); v["active"] != false {
			t.Fatalf("%s: active %v, want false", address, v["active"])
		}
	}
	cli.ExpectEmptyPlan("after creating expired grants")
}

// TestAccExpiry_workspaceRoleAssignment: a role granted before its expiry,
// revoked after it, and then left alone.
func TestAccExpiry_workspaceRoleAssignment(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	ws := org.State().Workspaces[0]
	holder := ""
	for _, u := range org.ActiveUsers() {
		if !hasUserRole(org.State(), u.AccountID, ws.ID, "atlassian/admin") {
			holder = u.AccountID
			break
		}
	}
	clock := newTestClock(testExpiry.Add(-time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(org.Config(fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = %q
  role         = "atlassian/admin"
  account_id   = %q
  expires_at   = %q
}
`, ws.ID, holder, testExpiryOffset)))
	res := cli.MustApply()
	subject := fmt.Sprintf("role atlassian/admin on workspace %s for account %s", ws.ID, holder)
	acctest.ExpectOutput(t, res, acctest.Warning("Expires soon: "+subject, "in 1h"))
	if !hasUserRole(org.State(), holder, ws.ID, "atlassian/admin") {
		t.Fatal("before its expiry, the role was not assigned")
	}
	cli.ExpectEmptyPlan("before the expiry")

	clock.Set(testExpiry.Add(30 * time.Minute))
	plan, res := cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_workspace_role_assignment.r": "update"})
	acctest.ExpectOutput(t, res, acctest.Warning("Expired: "+subject, "expired at "+testExpiryUTCText+" (30m ago)"))
	cli.MustApply()
	if hasUserRole(org.State(), holder, ws.ID, "atlassian/admin") {
		t.Fatal("the apply after the expiry did not revoke the role")
	}
	cli.ExpectEmptyPlan("after the revocation")

	// Given again outside Terraform: revoked again.
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: holder, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin",
		})
		return nil
	})
	if !hasUserRole(org.State(), holder, ws.ID, "atlassian/admin") {
		t.Fatal("the test could not give the role back outside Terraform")
	}
	plan, _ = cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_workspace_role_assignment.r": "update"})
	cli.MustApply()
	if hasUserRole(org.State(), holder, ws.ID, "atlassian/admin") {
		t.Fatal("the expired role given again outside Terraform was not revoked")
	}
	cli.ExpectEmptyPlan("after revoking the drift")
}

func groupMembersWithExpiry(org *acctest.Org, groupID string, members []string, expiry map[string]string) string {
	var m, e strings.Builder
	for _, id := range members {
		fmt.Fprintf(&m, "    %q = %q\n", id, "member "+id)
	}
	for id, at := range expiry {
		fmt.Fprintf(&e, "    %q = %q\n", id, at)
	}
	return org.Config(fmt.Sprintf(`
resource "atlassian_group_members" "g" {
  group_id = %q
  members = {
%s  }
  member_expiry = {
%s  }
}
`, groupID, m.String(), e.String()))
}

// TestAccExpiry_groupMembers: per-member expiry of an authoritative member
// list: the expired member leaves the group (member_active true -> false),
// the others stay, later plans are empty, and the expired member added
// back outside Terraform is removed again.
func TestAccExpiry_groupMembers(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	users := grpNonMembers(t, org, g, 3)
	temp, later, permanent := users[0].AccountID, users[1].AccountID, users[2].AccountID
	grpSetMembers(org, g.ID, nil) // the resource owns the whole list
	members := []string{temp, later, permanent}
	clock := newTestClock(testExpiry.Add(-2 * time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(groupMembersWithExpiry(org, g.ID, members, map[string]string{
		temp: testExpiryOffset, later: "2026-12-20T00:00:00Z",
	}))
	res := cli.MustApply()
	acctest.ExpectOutput(t, res, acctest.Warning("Members of group "+groupInMessage(g)+" expiring soon",
		temp+" (member "+temp+"): expires at "+testExpiryUTCText+", in 2h"))
	if err := grpExpectMembers(org, g.ID, members); err != nil {
		t.Fatal(err)
	}
	cli.ExpectEmptyPlan("before the expiry")

	clock.Set(testExpiry.Add(time.Hour))
	plan, res := cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_members.g": "update"})
	change := resourceChange(t, plan, "atlassian_group_members.g").Change
	before := change.Before.(map[string]any)["member_active"].(map[string]any)
	after := change.After.(map[string]any)["member_active"].(map[string]any)
	if before[temp] != true || after[temp] != false {
		t.Fatalf("member_active of the expired member: %v -> %v, want true -> false", before[temp], after[temp])
	}
	if _, known := after[later]; known {
		t.Fatalf("member_active of the member whose expiry is ahead is known (%v) in a plan that changes the resource", after[later])
	}
	acctest.ExpectOutput(t, res, acctest.Warning("Expired members of group "+groupInMessage(g), "this apply removes them from the group",
		temp+" (member "+temp+"): expired at "+testExpiryUTCText+" (1h ago)"))
	cli.MustApply()
	if err := grpExpectMembers(org, g.ID, []string{later, permanent}); err != nil {
		t.Fatalf("after the expiry: %v", err)
	}
	cli.ExpectEmptyPlan("after the revocation")

	// Added back outside Terraform: removed again.
	addMember(org, g.ID, temp)
	plan, _ = cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_members.g": "update"})
	cli.MustApply()
	if err := grpExpectMembers(org, g.ID, []string{later, permanent}); err != nil {
		t.Fatalf("after revoking the drift: %v", err)
	}
	cli.ExpectEmptyPlan("after revoking the drift")

	// The expiry moved into the future: the member is added again.
	cli.WriteConfig(groupMembersWithExpiry(org, g.ID, members, map[string]string{
		temp: "2026-12-10T18:00:00Z", later: "2026-12-20T00:00:00Z",
	}))
	cli.MustApply()
	if err := grpExpectMembers(org, g.ID, members); err != nil {
		t.Fatalf("after the extension: %v", err)
	}
	cli.ExpectEmptyPlan("after the extension")
}

// TestAccExpiry_savedPlan: an expiry that passes between `plan -out` and
// applying that plan. The plan shows the grant as known after apply, the
// apply decides by its own clock: it grants nothing, without "inconsistent
// final plan", and the next plan is empty.
func TestAccExpiry_savedPlan(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	account := grpNonMembers(t, org, g, 1)[0].AccountID
	clock := newTestClock(testExpiry.Add(-time.Hour))
	cli := newExpiryCLI(t, clock)

	// A creation planned an hour before the expiry, applied after it.
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, testExpiryOffset))
	cli.Must(cli.TryPlan(tfexec.Out("create.tfplan")))
	clock.Set(testExpiry.Add(time.Minute))
	res := cli.MustApply(tfexec.DirOrPlan("create.tfplan"))
	acctest.ExpectOutput(t, res, acctest.Warning(fmt.Sprintf("Already expired: account %s in group %s", account, g.ID), "grants nothing"))
	if grpIsMember(org, g.ID, account) {
		t.Fatal("a saved plan applied after the expiry granted the membership")
	}
	if v := cli.StateValues("atlassian_group_membership.m"); v["active"] != false {
		t.Fatalf("active %v after the late apply, want false", v["active"])
	}
	cli.ExpectEmptyPlan("after the late apply of the creation")

	// An extension planned before its new expiry, applied after it.
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, "2026-12-08T18:30:00Z"))
	cli.Must(cli.TryPlan(tfexec.Out("extend.tfplan")))
	clock.Set(testExpiry.Add(time.Hour))
	cli.MustApply(tfexec.DirOrPlan("extend.tfplan"))
	if grpIsMember(org, g.ID, account) {
		t.Fatal("a saved extension applied after its expiry granted the membership")
	}
	cli.ExpectEmptyPlan("after the late apply of the extension")

	// A revocation planned after the expiry and applied later still revokes.
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, ""))
	cli.MustApply()
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, "2026-12-08T20:00:00Z"))
	clock.Set(testExpiry.Add(3 * time.Hour))
	cli.Must(cli.TryPlan(tfexec.Out("revoke.tfplan")))
	clock.Set(testExpiry.Add(4 * time.Hour))
	cli.MustApply(tfexec.DirOrPlan("revoke.tfplan"))
	if grpIsMember(org, g.ID, account) {
		t.Fatal("a saved revocation did not revoke")
	}
	cli.ExpectEmptyPlan("after the saved revocation")
}

// TestAccExpiry_import: Atlassian keeps no expiry, so an import records
// none; the next plan adds the configuration's in place, without a write
// while it is ahead, and revoking once it has passed.
func TestAccExpiry_import(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	account := g.MemberAccountIDs[0]
	clock := newTestClock(testExpiry.Add(-24 * time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, testExpiryOffset))
	cli.Must(cli.TryImport("atlassian_group_membership.m", g.ID+"/"+account))
	if v := cli.StateValues("atlassian_group_membership.m"); v["expires_at"] != nil || v["active"] != true {
		t.Fatalf("imported state: expires_at %v, active %v; want none and true", v["expires_at"], v["active"])
	}
	plan, _ := cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_membership.m": "update"})
	writes := grpMembershipWrites(org.Stats())
	cli.MustApply()
	if n := grpMembershipWrites(org.Stats()) - writes; n != 0 || !grpIsMember(org, g.ID, account) {
		t.Fatalf("recording the expiry of an imported membership sent %d writes (member: %v)", n, grpIsMember(org, g.ID, account))
	}
	if v := cli.StateValues("atlassian_group_membership.m"); v["expires_at"] != testExpiryOffset || v["active"] != true {
		t.Fatalf("state after the apply: expires_at %v, active %v", v["expires_at"], v["active"])
	}
	cli.ExpectEmptyPlan("after recording the expiry")

	clock.Set(testExpiry.Add(time.Hour))
	cli.MustApply()
	if grpIsMember(org, g.ID, account) {
		t.Fatal("the imported membership was not revoked after its expiry")
	}
	cli.ExpectEmptyPlan("after the revocation of the imported membership")
}

// TestAccExpiry_warningWindow: the provider's expiry_warning_window decides
// which grants a plan lists as about to expire.
func TestAccExpiry_warningWindow(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	account := g.MemberAccountIDs[0]
	clock := newTestClock(testExpiry.Add(-5 * time.Hour))
	cli := newExpiryCLI(t, clock)
	withWindow := func(window string) string {
		cfg := membershipWithExpiry(org, g.ID, account, testExpiryOffset)
		return strings.Replace(cfg, "provider \"atlassian\" {\n", fmt.Sprintf("provider \"atlassian\" {\n  expiry_warning_window = %q\n", window), 1)
	}
	cli.WriteConfig(withWindow("4h"))
	res := cli.MustApply()
	acctest.ExpectNoOutput(t, res, "Expires soon")
	res = cli.ExpectEmptyPlan("outside a window of 4h")
	acctest.ExpectNoOutput(t, res, "Expires soon")

	cli.WriteConfig(withWindow("6h"))
	res = cli.ExpectEmptyPlan("within a window of 6h")
	acctest.ExpectOutput(t, res, acctest.Warning(fmt.Sprintf("Expires soon: account %s in group %s", account, g.ID), "in 5h"))

	cli.WriteConfig(withWindow("0"))
	res = cli.ExpectEmptyPlan("with the window off")
	acctest.ExpectNoOutput(t, res, "Expires soon")

	// The default is 72 hours.
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, testExpiryOffset))
	clock.Set(testExpiry.Add(-71 * time.Hour))
	res = cli.ExpectEmptyPlan("within the default window")
	acctest.ExpectOutput(t, res, acctest.Warning("Expires soon", "in 2d 23h"))
	clock.Set(testExpiry.Add(-73 * time.Hour))
	res = cli.ExpectEmptyPlan("outside the default window")
	acctest.ExpectNoOutput(t, res, "Expires soon")

	// The data sources know nothing of expiries.
	cli.WriteConfig(membershipWithExpiry(org, g.ID, account, testExpiryOffset) + fmt.Sprintf(`
data "atlassian_group" "g" {
  group_id = %q
}
`, g.ID))
	clock.Set(testExpiry.Add(-time.Hour))
	res = cli.Must(cli.TryPlan())
	if n := strings.Count(res.Output, "Warning: Expires soon"); n != 1 {
		t.Fatalf("the plan shows %d expiry warnings, want the membership's one:\n%s", n, tfdriver.LastLines(res.Output, 60))
	}
}

// TestAccExpiry_badInput: each malformed expiry fails the plan on its
// attribute (or map key) with what is wrong and how to write it.
func TestAccExpiry_badInput(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	ws := org.State().Workspaces[0]
	account := g.MemberAccountIDs[0]
	other := grpNonMembers(t, org, g, 1)[0].AccountID
	cli := newExpiryCLI(t, newTestClock(testExpiry.Add(-time.Hour)))
	const m = "atlassian_group_membership.m"
	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"not a time", membershipWithExpiry(org, g.ID, account, "next friday"),
			acctest.AttrError("Invalid expiry time", m, "expires_at", `"next friday" is not an RFC 3339 time`,
				"such as 2026-12-08T18:00:00Z or 2026-12-08T19:00:00+01:00")},
		{"no offset", membershipWithExpiry(org, g.ID, account, "2026-12-08T18:00:00"),
			acctest.AttrError("Invalid expiry time", m, "expires_at", `the time "2026-12-08T18:00:00" has no UTC offset`,
				"add Z for UTC (2026-12-08T18:00:00Z)")},
		{"date only", membershipWithExpiry(org, g.ID, account, "2026-12-08"),
			acctest.AttrError("Invalid expiry time", m, "expires_at", `"2026-12-08" is a date without a time of day`,
				"such as 2026-12-08T00:00:00Z")},
		{"month 13", org.Config(fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = %q
  role         = "atlassian/user"
  account_id   = %q
  expires_at   = "2026-13-01T00:00:00Z"
}
`, ws.ID, account)),
			acctest.AttrError("Invalid expiry time", "atlassian_workspace_role_assignment.r", "expires_at",
				`"2026-13-01T00:00:00Z" is not an RFC 3339 time`)},
		{"member expiry without offset", groupMembersWithExpiry(org, g.ID, []string{account}, map[string]string{account: "2026-12-08 18:00"}),
			regexp.MustCompile(`(?s)Error: Invalid expiry time\s+with atlassian_group_members\.g,.*` +
				acctest.WordsPattern(`the time "2026-12-08 18:00" has no UTC offset`))},
		{"member expiry for an account not in members", groupMembersWithExpiry(org, g.ID, []string{account}, map[string]string{
			account: testExpiryOffset, other: testExpiryOffset,
		}), regexp.MustCompile(`(?s)Error: Expiry for an account not in members\s+with atlassian_group_members\.g,.*` +
			acctest.WordsPattern(fmt.Sprintf(`member_expiry gives account %q an expiry, but members does not list it`, other)))},
		{"malformed window", strings.Replace(membershipWithExpiry(org, g.ID, account, testExpiryOffset),
			"provider \"atlassian\" {\n", "provider \"atlassian\" {\n  expiry_warning_window = \"3 days\"\n", 1),
			regexp.MustCompile(`(?s)Error: Malformed expiry_warning_window.*` +
				acctest.WordsPattern(`The expiry warning window "3 days" is not a duration such as 72h, 24h or 90m`))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cli.WriteConfig(c.config)
			res := cli.TryPlan()
			cli.ExpectNoCrash(res)
			if res.ExitCode != 1 {
				t.Fatalf("the plan did not fail:\n%s", res)
			}
			if !c.want.MatchString(res.Output) {
				t.Fatalf("the plan's error does not match %s:\n%s", c.want, tfdriver.LastLines(res.Output, 40))
			}
		})
	}
	if slices.ContainsFunc(org.State().Groups, func(x sandbox.Group) bool { return x.ID == g.ID && !slices.Contains(x.MemberAccountIDs, account) }) {
		t.Fatal("a failed plan changed the group")
	}
}

// TestAccExpiry_groupMembersSavedPlan: a member list whose plan, saved an
// hour before a member's expiry, is applied after it: the member is not
// added, Terraform's second plan agrees with the first, and the next plan
// is empty.
func TestAccExpiry_groupMembersSavedPlan(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	g := org.WritableGroup(t)
	users := grpNonMembers(t, org, g, 2)
	temp, permanent := users[0].AccountID, users[1].AccountID
	grpSetMembers(org, g.ID, nil)
	clock := newTestClock(testExpiry.Add(-time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(groupMembersWithExpiry(org, g.ID, []string{permanent}, nil))
	cli.MustApply()

	cli.WriteConfig(groupMembersWithExpiry(org, g.ID, []string{temp, permanent}, map[string]string{temp: testExpiryOffset}))
	plan, _ := cli.SavedPlan()
	expectActions(t, plan, map[string]string{"atlassian_group_members.g": "update"})
	if _, known := resourceChange(t, plan, "atlassian_group_members.g").Change.After.(map[string]any)["member_active"].(map[string]any)[temp]; known {
		t.Fatal("the plan adding a member whose expiry is ahead knows member_active; the apply's clock must decide")
	}
	cli.Must(cli.TryPlan(tfexec.Out("add.tfplan")))
	clock.Set(testExpiry.Add(time.Minute))
	res := cli.MustApply(tfexec.DirOrPlan("add.tfplan"))
	acctest.ExpectOutput(t, res, acctest.Warning("Expired members of group "+groupInMessage(g), temp+" (member "+temp+"): expired at "+testExpiryUTCText))
	if err := grpExpectMembers(org, g.ID, []string{permanent}); err != nil {
		t.Fatalf("a saved plan applied after the member's expiry: %v", err)
	}
	if active := cli.StateValues("atlassian_group_members.g")["member_active"].(map[string]any); active[temp] != false {
		t.Fatalf("member_active after the late apply: %v, want %s false", active, temp)
	}
	cli.ExpectEmptyPlan("after the late apply")
}
