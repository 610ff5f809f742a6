package provider

import (
	"slices"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// The documentation's example that suspends inactive accounts, applied as
// written to the demo organization, suspends exactly the managed accounts
// that used no product for 90 days, organization admins and its
// exceptions left out, and changes no other account.
func TestAccAccountSuspension_inactiveExample(t *testing.T) {
	opts := sandbox.DefaultOptions()
	opts.ActivityAsOf = time.Now().UTC()
	org := &acctest.Org{Env: sandboxtest.Start(t, opts)}
	before := org.State()
	exceptions := []string{"ingrid.watanabe@sandbox-org.example", "xiu.doyle@sandbox-org.example"}

	cutoff := time.Now().Add(-90 * 24 * time.Hour)
	inactive := func(u sandbox.User) bool {
		latest := activityOf(before, u).latest
		if latest != nil && latest.Sub(cutoff).Abs() < 5*time.Minute {
			t.Fatalf("account %s was last active at %s, too near the cut-off to test", u.AccountID, latest)
		}
		return latest == nil || latest.Before(cutoff)
	}
	want := map[string]bool{}
	for _, u := range sandbox.ListedUsers(before) {
		eligible := u.ClaimStatus == "managed" && (u.Status == "active" || u.Status == "suspended") &&
			!slices.Contains(u.PlatformRoles, "atlassian/org-admin")
		switch {
		case !eligible || !inactive(u):
		case slices.Contains(exceptions, u.Email):
		default:
			want[u.AccountID] = true
		}
	}
	for _, email := range exceptions {
		u := firstUser(t, before.Users, email, func(u sandbox.User) bool { return u.Email == email })
		if u.Status != "active" || !inactive(u) {
			t.Fatalf("the exception %s is not an active inactive account: the example would prove nothing", email)
		}
	}
	if len(want) == 0 {
		t.Fatal("the demo organization has no inactive account to suspend")
	}

	// The CLI, not resource.Test: the legacy state the test framework
	// builds cannot address for_each instances keyed by strings.
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(org.Config(exampleConfig(t, "examples/resources/atlassian_account_suspension/inactive.tf")))
	cli.MustApply()
	after := map[string]string{}
	for _, u := range org.State().Users {
		after[u.AccountID] = u.Status
	}
	for _, u := range before.Users {
		switch {
		case want[u.AccountID] && after[u.AccountID] != "suspended":
			t.Errorf("inactive account %s (%s) is %q, want suspended", u.AccountID, u.Email, after[u.AccountID])
		case !want[u.AccountID] && after[u.AccountID] != u.Status:
			t.Errorf("account %s (%s) went from %q to %q", u.AccountID, u.Email, u.Status, after[u.AccountID])
		}
	}
	// Suspended, the accounts stay inactive: the next plan changes nothing.
	cli.ExpectEmptyPlan("after suspending the inactive accounts")
}
