package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// sandboxActivity is an account's activity as the sandbox state holds it,
// computed apart from the provider: the workspaces it reaches (a role of
// its own or of a group) and its last activity on each.
type sandboxActivity struct {
	workspaces []sandbox.Workspace // reached, by id
	lastActive map[string]time.Time
	latest     *time.Time
}

func activityOf(st sandbox.State, u sandbox.User) sandboxActivity {
	reached := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.AccountID == u.AccountID {
			reached[a.ResourceID] = true
		}
	}
	for _, a := range st.GroupRoleAssignments {
		for _, g := range st.Groups {
			if g.ID == a.GroupID && slices.Contains(g.MemberAccountIDs, u.AccountID) {
				reached[a.ResourceID] = true
			}
		}
	}
	out := sandboxActivity{lastActive: map[string]time.Time{}}
	for _, ws := range st.Workspaces {
		if !reached[ws.ID] {
			continue
		}
		out.workspaces = append(out.workspaces, ws)
		if at, ok := u.ProductActivity[ws.ID]; ok {
			last, err := time.Parse(time.RFC3339, at)
			if err != nil {
				panic(fmt.Sprintf("sandbox activity %q: %v", at, err))
			}
			out.lastActive[ws.ID] = last
			if out.latest == nil || last.After(*out.latest) {
				out.latest = &last
			}
		}
	}
	slices.SortFunc(out.workspaces, func(a, b sandbox.Workspace) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func expectTime(t *time.Time) knownvalue.Check {
	if t == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(t.UTC().Format(time.RFC3339Nano))
}

// withExpectedActivity adds the checks of an account's activity attributes.
func withExpectedActivity(st sandbox.State, u sandbox.User, checks map[string]knownvalue.Check) map[string]knownvalue.Check {
	activity := activityOf(st, u)
	items := make([]knownvalue.Check, len(activity.workspaces))
	for i, ws := range activity.workspaces {
		var last *time.Time
		if t, ok := activity.lastActive[ws.ID]; ok {
			last = &t
		}
		items[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"workspace_id": knownvalue.StringExact(ws.ID),
			"product_key":  knownvalue.StringExact(ws.TypeKey),
			"last_active":  expectTime(last),
		})
	}
	checks["last_active"] = expectTime(activity.latest)
	checks["product_access"] = knownvalue.ListExact(items)
	checks["management_source"] = knownvalue.Null()
	if u.ManagementSource != "" {
		checks["management_source"] = knownvalue.StringExact(u.ManagementSource)
	}
	checks["added_to_org"] = knownvalue.Null()
	if added, err := time.Parse(time.RFC3339, u.AddedToOrg); err == nil {
		// The connector keeps the added date to the second.
		added = added.Truncate(time.Second)
		checks["added_to_org"] = expectTime(&added)
	}
	return checks
}

// The filters on two-step verification, claim, workspace and inactivity
// keep exactly the accounts an independent reading of the sandbox state
// keeps; inactivity is judged against the time of the plan.
func TestAccAccountsDataSource_activityFilters(t *testing.T) {
	org := acctest.NewOrg(t, 80, 6, 3)
	listEveryAccountType(org)
	st := org.State()
	const inactiveDays = 90

	// The plan runs after now; an account last active within a minute of
	// the cut-off either side could be judged either way.
	now := time.Now()
	cutoff := now.Add(-inactiveDays * 24 * time.Hour)
	inactive := func(u sandbox.User) bool {
		latest := activityOf(st, u).latest
		if latest != nil && latest.Sub(cutoff).Abs() < 2*time.Minute {
			t.Fatalf("account %s was last active at %s, too near the cut-off to test", u.AccountID, latest)
		}
		return latest == nil || latest.Before(cutoff)
	}
	// The workspace with the most stale accounts without two-step
	// verification, so the combined filter has something to find.
	workspace, most := "", -1
	for _, ws := range st.Workspaces {
		n := 0
		for _, u := range st.Users {
			if !u.MFAEnabled && inactive(u) && slices.ContainsFunc(activityOf(st, u).workspaces, func(w sandbox.Workspace) bool { return w.ID == ws.ID }) {
				n++
			}
		}
		if n > most {
			workspace, most = ws.ID, n
		}
	}
	reaches := func(u sandbox.User) bool {
		return slices.ContainsFunc(activityOf(st, u).workspaces, func(ws sandbox.Workspace) bool { return ws.ID == workspace })
	}
	filters := map[string]func(sandbox.User) bool{
		"mfa_on":    func(u sandbox.User) bool { return u.MFAEnabled },
		"mfa_off":   func(u sandbox.User) bool { return !u.MFAEnabled },
		"managed":   func(u sandbox.User) bool { return u.ClaimStatus == "managed" },
		"workspace": reaches,
		"inactive":  inactive,
		"inactive_hours": func(u sandbox.User) bool {
			return inactive(u) // 2160h is 90 days
		},
		"stale_on_workspace": func(u sandbox.User) bool { return inactive(u) && reaches(u) && !u.MFAEnabled },
	}
	nonTrivialFilters(t, st.Users, filters)

	config := fmt.Sprintf(`
data "atlassian_accounts" "mfa_on" {
  mfa_enabled = true
}

data "atlassian_accounts" "mfa_off" {
  mfa_enabled = false
}

data "atlassian_accounts" "managed" {
  claim_status = "managed"
}

data "atlassian_accounts" "workspace" {
  workspace_id = %[1]q
}

data "atlassian_accounts" "inactive" {
  inactive_for = "%[2]dd"
}

data "atlassian_accounts" "inactive_hours" {
  inactive_for = "%[3]dh"
}

data "atlassian_accounts" "stale_on_workspace" {
  workspace_id = %[1]q
  inactive_for = "%[2]dd"
  mfa_enabled  = false
}
`, workspace, inactiveDays, inactiveDays*24)
	var checks []statecheck.StateCheck
	for name, keep := range filters {
		checks = append(checks, statecheck.ExpectKnownValue("data.atlassian_accounts."+name, tfjsonpath.New("accounts"), expectAccountList(st, keep)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            org.Config(config),
			ConfigStateChecks: checks,
		}},
	})
}

// inactive_for is checked at plan time, naming the attribute.
func TestAccAccountsDataSource_inactiveForInvalid(t *testing.T) {
	org := acctest.NewOrg(t, 5, 2, 1)
	var steps []resource.TestStep
	for _, bad := range []string{"ninety days", "0d", "-5d", "90", "-2h"} {
		steps = append(steps, resource.TestStep{
			Config: org.Config(fmt.Sprintf(`
data "atlassian_accounts" "x" {
  inactive_for = %q
}
`, bad)),
			ExpectError: acctest.AttrError("Invalid inactive_for", "data.atlassian_accounts.x", "inactive_for", bad),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: steps})
}

func TestParseInactivity(t *testing.T) {
	for text, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "2160h": 2160 * time.Hour, "1d": 24 * time.Hour, "36h30m": 36*time.Hour + 30*time.Minute} {
		if got, err := parseInactivity(text); err != nil || got != want {
			t.Errorf("parseInactivity(%q) = %v, %v; want %v", text, got, err, want)
		}
	}
	for _, text := range []string{"", "d", "1.5d", "0h", "-1d", "ninety", "90"} {
		if _, err := parseInactivity(text); err == nil {
			t.Errorf("parseInactivity(%q) accepted it", text)
		}
	}
}
