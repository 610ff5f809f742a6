package provider

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Just-in-time organization admins, against the real CLI with the
// provider's clock in the test's hands (see expiry_test.go). Every write is
// counted: an expiry revokes or grants with one write, confirmed by
// reading, never by writing again.

const orgRoleAddress = "atlassian_organization_role_assignment.admin"

func orgRoleWithExpiry(org *acctest.Org, accountID, expiresAt string) string {
	expiry := ""
	if expiresAt != "" {
		expiry = fmt.Sprintf("  expires_at = %q\n", expiresAt)
	}
	return org.Config(fmt.Sprintf(`
resource "atlassian_organization_role_assignment" "admin" {
  account_id = %q
  role       = "atlassian/org-admin"
%s}
`, accountID, expiry))
}

// orgRoleWrites counts the assign and revoke writes the sandbox has served
// since its statistics were last reset.
func orgRoleWrites(org *acctest.Org) (assigns, revokes int64) {
	st := org.Stats()
	return st.ByRoute[routeOrgRoleAssign], st.ByRoute[routeOrgRoleRevoke]
}

func expectOrgRoleWrites(t *testing.T, org *acctest.Org, when string, assigns, revokes int64) {
	t.Helper()
	if a, r := orgRoleWrites(org); a != assigns || r != revokes {
		t.Fatalf("%s: %d assign and %d revoke writes, want %d and %d", when, a, r, assigns, revokes)
	}
}

// otherAdmins are the organization admins other than accountID; the test
// organization starts with several.
func otherAdmins(t *testing.T, org *acctest.Org, accountID string) []string {
	t.Helper()
	others := slices.DeleteFunc(orgAdmins(org), func(id string) bool { return id == accountID })
	if len(others) == 0 {
		t.Fatal("the sandbox organization has no other organization admin")
	}
	return others
}

// TestAccExpiry_organizationRoleAssignmentLifecycle: an organization admin
// role granted before its expiry, revoked by the first apply after it
// (another admin remains), then empty plans; revoked again when given back
// outside Terraform; granted again by a later expiry; permanent without one.
func TestAccExpiry_organizationRoleAssignmentLifecycle(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	account := plainAccounts(t, org, 1)[0]
	others := otherAdmins(t, org, account)
	clock := newTestClock(testExpiry.Add(-10 * 24 * time.Hour))
	cli := newExpiryCLI(t, clock)
	subject := "organization role atlassian/org-admin for account " + account

	cli.WriteConfig(orgRoleWithExpiry(org, account, testExpiryOffset))
	org.ResetStats()
	res := cli.MustApply()
	acctest.ExpectNoOutput(t, res, "Warning:")
	expectOrgRoleWrites(t, org, "the grant", 1, 0)
	if !isOrgAdminInSandbox(org, account) {
		t.Fatal("before its expiry, the organization admin role was not assigned")
	}
	if v := cli.StateValues(orgRoleAddress); v["active"] != true || v["expires_at"] != testExpiryOffset {
		t.Fatalf("state after the grant: active %v, expires_at %v", v["active"], v["expires_at"])
	}
	cli.ExpectEmptyPlan("before the expiry")

	clock.Set(testExpiry.Add(-5 * time.Hour))
	res = cli.ExpectEmptyPlan("within the warning window")
	acctest.ExpectOutput(t, res, acctest.Warning("Expires soon: "+subject, "expires at "+testExpiryUTCText+", in 5h"))

	// An hour after the expiry: an in-place update revoking it, which the
	// last-admin guard lets through, since other admins remain.
	clock.Set(testExpiry.Add(time.Hour))
	plan, res := cli.SavedPlan()
	expectActions(t, plan, map[string]string{orgRoleAddress: "update"})
	change := resourceChange(t, plan, orgRoleAddress).Change
	if before, after := change.Before.(map[string]any)["active"], change.After.(map[string]any)["active"]; before != true || after != false {
		t.Fatalf("the revocation plans active %v -> %v, want true -> false", before, after)
	}
	acctest.ExpectOutput(t, res, acctest.Warning("Expired: "+subject, "expired at "+testExpiryUTCText+" (1h ago)", "this apply revokes it"))
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "the revocation", 0, 1)
	if isOrgAdminInSandbox(org, account) {
		t.Fatal("the apply after the expiry did not revoke the organization admin role")
	}
	if got := orgAdmins(org); !slices.Equal(got, others) {
		t.Fatalf("after the revocation the organization admins are %v, want %v", got, others)
	}
	if v := cli.StateValues(orgRoleAddress); v["active"] != false {
		t.Fatalf("the expired assignment's state has active %v, want false", v["active"])
	}
	res = cli.ExpectEmptyPlan("after the revocation")
	acctest.ExpectNoOutput(t, res, "Warning:")

	// Given back outside Terraform: drift, revoked again.
	grantOrgAdminOutOfBand(org, account)
	plan, res = cli.SavedPlan()
	expectActions(t, plan, map[string]string{orgRoleAddress: "update"})
	acctest.ExpectOutput(t, res, acctest.Warning("Expired: "+subject, "this apply revokes it"))
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "revoking the drift", 0, 1)
	if isOrgAdminInSandbox(org, account) {
		t.Fatal("the expired role given back outside Terraform was not revoked")
	}
	cli.ExpectEmptyPlan("after revoking the drift")

	// Extended by a day: granted again, decided by the apply's clock.
	cli.WriteConfig(orgRoleWithExpiry(org, account, "2026-12-09T18:00:00Z"))
	plan, _ = cli.SavedPlan()
	expectActions(t, plan, map[string]string{orgRoleAddress: "update"})
	if unknown := resourceChange(t, plan, orgRoleAddress).Change.AfterUnknown.(map[string]any)["active"]; unknown != true {
		t.Fatalf("the extension plans active as known (%v), want known after apply", unknown)
	}
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "the extension", 1, 0)
	if !isOrgAdminInSandbox(org, account) {
		t.Fatal("moving the expiry into the future did not assign the role again")
	}
	cli.ExpectEmptyPlan("after the extension")

	// Past the extension too, the expiry removed: permanent, nothing written.
	clock.Set(testExpiry.Add(3 * 24 * time.Hour))
	cli.WriteConfig(orgRoleWithExpiry(org, account, ""))
	plan, res = cli.SavedPlan()
	expectActions(t, plan, map[string]string{orgRoleAddress: "update"})
	if after := resourceChange(t, plan, orgRoleAddress).Change.After.(map[string]any)["active"]; after != true {
		t.Fatalf("removing the expiry plans active %v, want true", after)
	}
	acctest.ExpectNoOutput(t, res, "Warning:")
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "removing the expiry", 0, 0)
	if !isOrgAdminInSandbox(org, account) {
		t.Fatal("removing the expiry revoked the role")
	}
	cli.ExpectEmptyPlan("after removing the expiry")
}

// TestAccExpiry_organizationRoleAssignmentPastAtCreate: created with an
// expiry already past, the assignment grants nothing, says so, and stays in
// the state as expired.
func TestAccExpiry_organizationRoleAssignmentPastAtCreate(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	account := plainAccounts(t, org, 1)[0]
	cli := newExpiryCLI(t, newTestClock(testExpiry.Add(2*time.Hour)))
	cli.WriteConfig(orgRoleWithExpiry(org, account, testExpiryOffset))
	plan, res := cli.SavedPlan()
	expectActions(t, plan, map[string]string{orgRoleAddress: "create"})
	acctest.ExpectOutput(t, res, acctest.Warning("Already expired: organization role atlassian/org-admin for account "+account,
		"The expiry "+testExpiryUTCText, "is already past (2h ago), so this apply grants nothing"))
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "creating an expired assignment", 0, 0)
	if isOrgAdminInSandbox(org, account) {
		t.Fatal("an assignment created with a past expiry was granted")
	}
	if v := cli.StateValues(orgRoleAddress); v["active"] != false {
		t.Fatalf("active %v, want false", v["active"])
	}
	cli.ExpectEmptyPlan("after creating an expired assignment")
}

// TestAccExpiry_organizationRoleAssignmentLastAdmin: an expiry never takes
// the role from the organization's only admin. The plan fails on
// expires_at, nothing is written, and the revocation goes through once
// another admin exists.
func TestAccExpiry_organizationRoleAssignmentLastAdmin(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	accounts := plainAccounts(t, org, 2)
	sole, next := accounts[0], accounts[1]
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.Role == "atlassian/org-admin" })
		return nil
	})
	grantOrgAdminOutOfBand(org, sole)
	clock := newTestClock(testExpiry.Add(-time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(orgRoleWithExpiry(org, sole, testExpiryOffset))
	cli.Must(cli.TryImport(orgRoleAddress, "atlassian/org-admin/"+sole))
	cli.MustApply() // records the expiry
	cli.ExpectEmptyPlan("before the expiry")

	clock.Set(testExpiry.Add(time.Hour))
	org.ResetStats()
	for _, res := range []tfdriver.Result{cli.TryPlan(), cli.TryApply()} {
		cli.ExpectNoCrash(res)
		if res.ExitCode != 1 {
			t.Fatalf("terraform %s revoking the only admin by its expiry did not fail:\n%s", res.Command, res)
		}
		acctest.ExpectOutput(t, res, acctest.AttrError("The organization would have no organization admin", orgRoleAddress, "expires_at",
			"The expires_at "+testExpiryUTCText+" of the "+orgAdminResourceNamed(sole)+" has passed",
			"would revoke the organization admin role of account "+sole+" ("+emailLabels(org, []string{sole})[sole]+")",
			"Move expires_at into the future or remove it"))
	}
	expectOrgRoleWrites(t, org, "the refused revocations", 0, 0)
	if got := orgAdmins(org); !slices.Equal(got, []string{sole}) {
		t.Fatalf("after the refused revocations the organization admins are %v, want [%s]", got, sole)
	}

	// A resource that creates another admin in the same plan does not count
	// (it is applied in the same run): the guard still refuses.
	cli.WriteConfig(orgRoleWithExpiry(org, sole, testExpiryOffset) + orgRoleConfig(org, "next", next))
	if res := cli.TryPlan(); res.ExitCode != 1 {
		t.Fatalf("the plan creating another admin while revoking the only one did not fail:\n%s", res)
	}

	// Another admin, applied first: the expiry is revoked.
	cli.MustApply(tfexec.Target("atlassian_organization_role_assignment.next"))
	plan, _ := cli.SavedPlan()
	expectActions(t, plan, map[string]string{orgRoleAddress: "update"})
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "the revocation with another admin", 0, 1)
	if got := orgAdmins(org); !slices.Equal(got, []string{next}) {
		t.Fatalf("after the revocation the organization admins are %v, want [%s]", got, next)
	}
	cli.ExpectEmptyPlan("after the revocation")

	// Now next is the only admin held: an expiry on it is refused in turn,
	// while the expired sole is no admin and does not count.
	cli.WriteConfig(orgRoleWithExpiry(org, sole, testExpiryOffset) + fmt.Sprintf(`
resource "atlassian_organization_role_assignment" "next" {
  account_id = %q
  role       = "atlassian/org-admin"
  expires_at = "2026-12-08T18:30:00Z"
}
`, next))
	res := cli.TryPlan()
	if res.ExitCode != 1 {
		t.Fatalf("the plan expiring the last admin held did not fail:\n%s", res)
	}
	acctest.ExpectOutput(t, res, acctest.AttrError("The organization would have no organization admin", "atlassian_organization_role_assignment.next",
		"expires_at", "The expires_at", orgAdminResourceNamed(next)+" has passed",
		"organization admin role of account "+next+" ("+emailLabels(org, []string{next})[next]+")"))
}

// TestAccExpiry_organizationRoleAssignmentImport: Atlassian keeps no
// expiry, so an import records none; the next apply adds the
// configuration's without a write while it is ahead, and revokes the role
// once it has passed.
func TestAccExpiry_organizationRoleAssignmentImport(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	account := plainAccounts(t, org, 1)[0]
	grantOrgAdminOutOfBand(org, account)
	otherAdmins(t, org, account)
	clock := newTestClock(testExpiry.Add(-24 * time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(orgRoleWithExpiry(org, account, testExpiryOffset))
	cli.Must(cli.TryImport(orgRoleAddress, account))
	if v := cli.StateValues(orgRoleAddress); v["expires_at"] != nil || v["active"] != true {
		t.Fatalf("imported state: expires_at %v, active %v; want none and true", v["expires_at"], v["active"])
	}
	plan, _ := cli.SavedPlan()
	expectActions(t, plan, map[string]string{orgRoleAddress: "update"})
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "recording the expiry of an imported assignment", 0, 0)
	if v := cli.StateValues(orgRoleAddress); v["expires_at"] != testExpiryOffset || v["active"] != true {
		t.Fatalf("state after the apply: expires_at %v, active %v", v["expires_at"], v["active"])
	}
	cli.ExpectEmptyPlan("after recording the expiry")

	clock.Set(testExpiry.Add(time.Hour))
	org.ResetStats()
	cli.MustApply()
	expectOrgRoleWrites(t, org, "the revocation of the imported assignment", 0, 1)
	if isOrgAdminInSandbox(org, account) {
		t.Fatal("the imported assignment was not revoked after its expiry")
	}
	cli.ExpectEmptyPlan("after the revocation of the imported assignment")
}

// TestAccExpiry_organizationRoleAssignmentConsistencyDelay: with
// Atlassian's reads lagging behind its writes, the revocation by expiry and
// the re-grant by an extension each send one write and wait for it to show
// by reading; no apply ends inconsistent and the next plans are empty.
func TestAccExpiry_organizationRoleAssignmentConsistencyDelay(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 1500)
	account := plainAccounts(t, org, 1)[0]
	otherAdmins(t, org, account)
	clock := newTestClock(testExpiry.Add(-time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(orgRoleWithExpiry(org, account, testExpiryOffset))
	cli.MustApply()
	cli.ExpectEmptyPlan("after the grant")

	for _, step := range []struct {
		name             string
		at               time.Time
		expiresAt        string
		assigns, revokes int64
		admin            bool
		// Without a delay each of these applies reads accounts four times
		// (the refresh, the plan's own reads, one confirming read); with
		// one, the first confirming read still sees the old value, so
		// there must be more.
		minReads int64
	}{
		{"the revocation by expiry", testExpiry.Add(time.Minute), testExpiryOffset, 0, 1, false, 5},
		{"the re-grant by an extension", testExpiry.Add(time.Minute), "2026-12-09T18:00:00Z", 1, 0, true, 5},
	} {
		clock.Set(step.at)
		cli.WriteConfig(orgRoleWithExpiry(org, account, step.expiresAt))
		org.ResetStats()
		res := cli.MustApply()
		acctest.ExpectNoOutput(t, res, "inconsistent")
		acctest.ExpectNoOutput(t, res, "not visible yet")
		expectOrgRoleWrites(t, org, step.name, step.assigns, step.revokes)
		t.Logf("%s with a consistency delay: %v", step.name, org.Stats().ByRoute)
		if reads := org.Stats().ByRoute[routeSearchUsers]; reads < step.minReads {
			t.Fatalf("%s read the accounts %d times, want at least %d: it cannot have waited for the change to show", step.name, reads, step.minReads)
		}
		if got := isOrgAdminInSandbox(org, account); got != step.admin {
			t.Fatalf("after %s the account is an organization admin: %v, want %v", step.name, got, step.admin)
		}
		cli.ExpectEmptyPlan("after " + step.name)
	}
}

// TestAccExpiry_organizationRoleAssignmentSavedPlan: an extension planned
// before its new expiry and applied after it grants nothing, without
// "inconsistent final plan"; a revocation saved in a plan is applied as
// planned, and the last-admin guard checks it again while applying.
func TestAccExpiry_organizationRoleAssignmentSavedPlan(t *testing.T) {
	org := acctest.NewOrg(t, 30, 2, 1)
	setOrgRoleDelay(org, 0)
	account := plainAccounts(t, org, 1)[0]
	otherAdmins(t, org, account)
	clock := newTestClock(testExpiry.Add(time.Hour))
	cli := newExpiryCLI(t, clock)
	cli.WriteConfig(orgRoleWithExpiry(org, account, testExpiryOffset))
	cli.MustApply() // created expired: nothing granted
	cli.WriteConfig(orgRoleWithExpiry(org, account, "2026-12-08T19:30:00Z"))
	cli.Must(cli.TryPlan(tfexec.Out("extend.tfplan")))
	clock.Set(testExpiry.Add(2 * time.Hour))
	org.ResetStats()
	res := cli.MustApply(tfexec.DirOrPlan("extend.tfplan"))
	acctest.ExpectNoOutput(t, res, "inconsistent")
	expectOrgRoleWrites(t, org, "a saved extension applied after its expiry", 0, 0)
	if isOrgAdminInSandbox(org, account) {
		t.Fatal("a saved extension applied after its expiry granted the role")
	}
	if v := cli.StateValues(orgRoleAddress); v["active"] != false {
		t.Fatalf("active %v after the late apply, want false", v["active"])
	}
	cli.ExpectEmptyPlan("after the late apply of the extension")

	// Granted for good, then given an expiry that has passed: the saved
	// revocation is applied as planned.
	cli.WriteConfig(orgRoleWithExpiry(org, account, ""))
	cli.MustApply()
	cli.WriteConfig(orgRoleWithExpiry(org, account, testExpiryOffset))
	cli.Must(cli.TryPlan(tfexec.Out("revoke.tfplan")))
	org.ResetStats()
	cli.MustApply(tfexec.DirOrPlan("revoke.tfplan"))
	expectOrgRoleWrites(t, org, "a saved revocation", 0, 1)
	if isOrgAdminInSandbox(org, account) {
		t.Fatal("a saved revocation did not revoke the role")
	}
	cli.ExpectEmptyPlan("after the saved revocation")

	// A revocation saved while other admins existed, applied after they
	// were removed outside Terraform: the apply's own plan refuses it.
	cli.WriteConfig(orgRoleWithExpiry(org, account, ""))
	cli.MustApply()
	cli.WriteConfig(orgRoleWithExpiry(org, account, testExpiryOffset))
	cli.Must(cli.TryPlan(tfexec.Out("last.tfplan")))
	org.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
			return a.Role == "atlassian/org-admin" && a.AccountID != account
		})
		return nil
	})
	org.ResetStats()
	res = cli.TryApply(tfexec.DirOrPlan("last.tfplan"))
	cli.ExpectNoCrash(res)
	if res.ExitCode != 1 {
		t.Fatalf("a saved revocation of the admin left alone was applied:\n%s", res)
	}
	acctest.ExpectOutput(t, res, acctest.AttrError("The organization would have no organization admin", orgRoleAddress, "expires_at",
		orgAdminResourceNamed(account)+" has passed", "organization admin role of account "+account))
	expectOrgRoleWrites(t, org, "a refused saved revocation", 0, 0)
	if !isOrgAdminInSandbox(org, account) {
		t.Fatal("the refused saved revocation took the role away")
	}
}
