package access_test

import (
	"context"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// The accounts listing carries each account's activity per workspace, two-
// step verification, management source and added date, from the pages it
// reads anyway: as many users searches as the listing has pages.
func TestAccountPagesCarryActivity(t *testing.T) {
	d, env := newView(t, 250)
	st := env.State()
	env.ResetStats()
	got := map[string]access.Account{}
	for page, err := range d.AccountPages(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page {
			got[a.ID] = a
		}
	}
	if n, floor := env.Stats().ByRoute[routeUserSearch], int64((len(got)+atlassian.MaxPageSize-1)/atlassian.MaxPageSize); n != floor {
		t.Errorf("listing %d accounts took %d users searches, want %d", len(got), n, floor)
	}
	reachable := reachableWorkspaces(st)
	checked, inactive := 0, 0
	for _, u := range st.Users {
		a, ok := got[u.AccountID]
		if !ok {
			continue
		}
		checked++
		if a.MFAEnabled == nil || *a.MFAEnabled != u.MFAEnabled {
			t.Errorf("account %s: MFA %v, want %v", u.AccountID, a.MFAEnabled, u.MFAEnabled)
		}
		if a.ManagementSource != u.ManagementSource {
			t.Errorf("account %s: management source %q, want %q", u.AccountID, a.ManagementSource, u.ManagementSource)
		}
		if added, _ := time.Parse(time.RFC3339, u.AddedToOrg); a.AddedToOrg == nil || !a.AddedToOrg.Equal(added.Truncate(time.Second)) {
			t.Errorf("account %s: added %v, want %s", u.AccountID, a.AddedToOrg, u.AddedToOrg)
		}
		var latest *time.Time
		if len(a.ProductAccess) != len(reachable[u.AccountID]) {
			t.Errorf("account %s: product access on %d workspaces, want %d", u.AccountID, len(a.ProductAccess), len(reachable[u.AccountID]))
		}
		for _, p := range a.ProductAccess {
			at, used := u.ProductActivity[p.WorkspaceID]
			want, _ := time.Parse(time.RFC3339, at)
			switch {
			case !reachable[u.AccountID][p.WorkspaceID]:
				t.Errorf("account %s: product access on %s, which it cannot reach", u.AccountID, p.WorkspaceID)
			case used != (p.LastActive != nil) || used && !p.LastActive.Equal(want):
				t.Errorf("account %s on %s: last active %v, want %q", u.AccountID, p.WorkspaceID, p.LastActive, at)
			}
			if used && (latest == nil || want.After(*latest)) {
				latest = &want
			}
		}
		if (latest == nil) != (a.LastActive == nil) || latest != nil && !latest.Equal(*a.LastActive) {
			t.Errorf("account %s: last active %v, want %v", u.AccountID, a.LastActive, latest)
		}
		if a.LastActive == nil {
			inactive++
		}
	}
	if checked == 0 || inactive == 0 || inactive == checked {
		t.Errorf("checked %d accounts, %d never active: the sandbox should hold both", checked, inactive)
	}
}

// reachableWorkspaces: account id -> the workspaces it holds a role on,
// itself or through a group, from the sandbox state.
func reachableWorkspaces(st sandbox.State) map[string]map[string]bool {
	isWorkspace := map[string]bool{}
	for _, w := range st.Workspaces {
		isWorkspace[w.ID] = true
	}
	out := map[string]map[string]bool{}
	add := func(accountID, ws string) {
		if !isWorkspace[ws] {
			return
		}
		if out[accountID] == nil {
			out[accountID] = map[string]bool{}
		}
		out[accountID][ws] = true
	}
	for _, a := range st.UserRoleAssignments {
		add(a.AccountID, a.ResourceID)
	}
	for _, a := range st.GroupRoleAssignments {
		for _, g := range st.Groups {
			if g.ID == a.GroupID {
				for _, m := range g.MemberAccountIDs {
					add(m, a.ResourceID)
				}
			}
		}
	}
	return out
}
