package main_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// activityFindings are the report's findings on activity, two-step
// verification and management source, as the JSON report writes them.
type activityFindings struct {
	InactiveDays int       `json:"inactive_days"`
	AsOf         time.Time `json:"as_of"`
	Unused       []struct {
		AccountID   string     `json:"account_id"`
		WorkspaceID string     `json:"workspace_id"`
		LastActive  *time.Time `json:"last_active"`
	} `json:"unused_product_access"`
	NeverUsed []struct {
		AccountID   string     `json:"account_id"`
		WorkspaceID string     `json:"workspace_id"`
		LastActive  *time.Time `json:"last_active"`
	} `json:"never_used_product_access"`
	Seats []struct {
		WorkspaceID string `json:"workspace_id"`
		Seats       int    `json:"seats"`
	} `json:"reclaimable_seats"`
	AdminsWithoutTwoStep []accountRoles `json:"admins_without_two_step_verification"`
	HandInvitedAdmins    []accountRoles `json:"hand_invited_admins"`
}

// checkActivityFindings compares the findings with what the sandbox's
// state gives: the workspaces each account holds a role on and its last
// activity there, its two-step verification and how it came in.
func checkActivityFindings(t *testing.T, st sandbox.State, held map[string][]stateRole, got activityFindings, inactiveDays int) {
	t.Helper()
	if got.InactiveDays != inactiveDays {
		t.Errorf("the findings judge %d days of inactivity, want %d", got.InactiveDays, inactiveDays)
	}
	cutoff := got.AsOf.Add(-time.Duration(inactiveDays) * 24 * time.Hour)
	users := map[string]sandbox.User{}
	synced := false
	for _, u := range sandbox.ListedUsers(st) {
		users[u.AccountID] = u
		synced = synced || u.ManagementSource == "synced"
	}
	isWorkspace := map[string]bool{}
	for _, w := range st.Workspaces {
		isWorkspace[w.ID] = true
	}
	wantUnused, wantNever := map[string]string{}, map[string]bool{}
	wantSeats := map[string]int{}
	for accountID, roles := range held {
		for _, r := range roles {
			key := accountID + " on " + r.resourceID
			if !isWorkspace[r.resourceID] || wantNever[key] || wantUnused[key] != "" {
				continue
			}
			at, used := users[accountID].ProductActivity[r.resourceID]
			last, _ := time.Parse(time.RFC3339, at)
			switch {
			case !used:
				wantNever[key] = true
			case last.Before(cutoff):
				wantUnused[key] = last.UTC().Format(time.RFC3339Nano)
			default:
				continue
			}
			wantSeats[r.resourceID]++
		}
	}
	gotUnused, gotNever, gotSeats := map[string]string{}, map[string]bool{}, map[string]int{}
	for _, u := range got.Unused {
		if u.LastActive == nil {
			t.Errorf("unused access of %s on %s has no last activity", u.AccountID, u.WorkspaceID)
			continue
		}
		gotUnused[u.AccountID+" on "+u.WorkspaceID] = u.LastActive.UTC().Format(time.RFC3339Nano)
	}
	for _, u := range got.NeverUsed {
		if u.LastActive != nil {
			t.Errorf("never used access of %s on %s has a last activity, %s", u.AccountID, u.WorkspaceID, u.LastActive)
		}
		gotNever[u.AccountID+" on "+u.WorkspaceID] = true
	}
	for _, s := range got.Seats {
		gotSeats[s.WorkspaceID] = s.Seats
	}
	if !maps.Equal(gotUnused, wantUnused) {
		t.Errorf("product access unused for %d days:\n got %v\nwant %v", inactiveDays, gotUnused, wantUnused)
	}
	if !maps.Equal(gotNever, wantNever) {
		t.Errorf("product access never used:\n got %v\nwant %v", gotNever, wantNever)
	}
	if !maps.Equal(gotSeats, wantSeats) {
		t.Errorf("reclaimable seats per workspace:\n got %v\nwant %v", gotSeats, wantSeats)
	}

	wantWithoutTwoStep := heldBy(held, func(accountID string, r stateRole) bool {
		return slices.Contains(administrativeRoles, r.role) && !users[accountID].MFAEnabled
	})
	if gotWithoutTwoStep := accountsOf(t, got.AdminsWithoutTwoStep); !maps.EqualFunc(gotWithoutTwoStep, wantWithoutTwoStep, slices.Equal) {
		t.Errorf("admins without two-step verification:\n got %v\nwant %v", gotWithoutTwoStep, wantWithoutTwoStep)
	}
	wantInvited := heldBy(held, func(accountID string, r stateRole) bool {
		return synced && slices.Contains(administrativeRoles, r.role) && users[accountID].ManagementSource == "invited"
	})
	if gotInvited := accountsOf(t, got.HandInvitedAdmins); !maps.EqualFunc(gotInvited, wantInvited, slices.Equal) {
		t.Errorf("hand-invited admins:\n got %v\nwant %v", gotInvited, wantInvited)
	}
	// The generated organization holds something for every finding.
	for name, n := range map[string]int{
		"unused access": len(wantUnused), "never used access": len(wantNever),
		"admins without two-step verification": len(wantWithoutTwoStep), "hand-invited admins": len(wantInvited),
	} {
		if n == 0 {
			t.Errorf("the sandbox state gives no %s: the finding is not tested", name)
		}
	}
}

// TestReportInactiveDays: --inactive-days sets how long access may go
// unused; the findings follow it, and a number below one is refused.
func TestReportInactiveDays(t *testing.T) {
	bin := buildBinary(t)
	env := reviewOrganization(t)
	st := env.State()
	syncPath, _, _ := syncAndReport(t, bin, env)
	out := filepath.Join(t.TempDir(), "report.json")
	if output, err := run(t, bin, cleanEnv(), "report", "-f", syncPath, "--format", "json", "--inactive-days", "30", "--output", out); err != nil {
		t.Fatalf("report --inactive-days 30: %v\n%s", err, output)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings activityFindings `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	checkActivityFindings(t, st, rolesFromState(st), doc.Findings, 30)

	output, err := run(t, bin, cleanEnv(), "report", "-f", syncPath, "--inactive-days", "0")
	if err == nil || !strings.Contains(output, "--inactive-days 0") {
		t.Errorf("--inactive-days 0: error %v, output %s; want a refusal naming the flag", err, output)
	}
}
