package sandbox_test

import (
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// The generated organization has the spreads an access review is about:
// recent, stale and never-used product access, two-step verification on
// and off, accounts synced and invited, and an admin invited by hand.
func TestGenerateActivitySpreads(t *testing.T) {
	opts := sandbox.DefaultOptions()
	asOf := time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC)
	opts.ActivityAsOf = asOf
	st := sandbox.Generate(opts)

	const day = 24 * time.Hour
	var recent, stale, neverAnywhere, mfaOn, mfaOff, synced, invited int
	for _, u := range st.Users {
		if u.AccountType == "atlassian" && u.MFAEnabled {
			mfaOn++
		} else if u.AccountType == "atlassian" {
			mfaOff++
		}
		switch u.ManagementSource {
		case "synced":
			synced++
		case "invited":
			invited++
		case "":
		default:
			t.Errorf("user %s: management source %q", u.AccountID, u.ManagementSource)
		}
		if u.ManagementSource != "" && u.ClaimStatus != "managed" {
			t.Errorf("unmanaged user %s has management source %q", u.AccountID, u.ManagementSource)
		}
		if u.AccountType == "atlassian" && u.Status == "active" && len(u.ProductActivity) == 0 {
			neverAnywhere++
		}
		for ws, at := range u.ProductActivity {
			last, err := time.Parse(time.RFC3339, at)
			if err != nil {
				t.Fatalf("user %s, workspace %s: last active %q: %v", u.AccountID, ws, at, err)
			}
			if last.After(asOf) {
				t.Errorf("user %s was active on %s at %s, after the generation's %s", u.AccountID, ws, at, asOf)
			}
			switch age := asOf.Sub(last); {
			case age <= 30*day:
				recent++
			case age > 90*day:
				stale++
			}
		}
	}
	for name, n := range map[string]int{
		"product access used in the last month": recent, "product access unused for over 90 days": stale,
		"active accounts never active anywhere": neverAnywhere, "accounts with two-step verification": mfaOn,
		"accounts without two-step verification": mfaOff, "synced accounts": synced, "invited accounts": invited,
	} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	if recent < stale {
		t.Errorf("%d recent uses and %d stale ones: most access should be in use", recent, stale)
	}

	users := map[string]sandbox.User{}
	for _, u := range st.Users {
		users[u.AccountID] = u
	}
	invitedAdmins := 0
	for _, a := range st.UserRoleAssignments {
		if a.Role == "atlassian/org-admin" && users[a.AccountID].ManagementSource == "invited" {
			invitedAdmins++
		}
	}
	if invitedAdmins == 0 {
		t.Error("no organization admin was invited by hand")
	}
}
