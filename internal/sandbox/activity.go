package sandbox

import (
	"hash/fnv"
	"slices"
	"time"
)

// activityEpoch is the moment generated activity is measured back from when
// Options.ActivityAsOf is zero.
var activityEpoch = time.Date(2026, time.January, 5, 12, 0, 0, 0, time.UTC)

// timestampLayout is the layout of the sandbox's own timestamps (addedToOrg,
// lastActiveTimestamp): UTC with milliseconds.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// hashOf is a stable number for a few strings. The activity and management
// source generators draw from it rather than from the generator's random
// source, so every value generated before they were modelled stays what it
// was.
func hashOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// generateManagementSource says how each managed account came in. In an
// organization with groups synced from an identity provider most managed
// accounts are synced and a few were invited by hand; elsewhere all were
// invited. The last organization admin (by id) of a synced organization is
// one invited by hand, the leftover a review looks for. Unmanaged accounts
// have no management source.
func generateManagementSource(st *State) {
	synced := slices.ContainsFunc(st.Groups, func(g Group) bool { return g.ExternalSynced })
	for i := range st.Users {
		u := &st.Users[i]
		switch {
		case u.AccountType != "atlassian" || u.ClaimStatus != "managed":
			u.ManagementSource = ""
		case synced && hashOf("management", u.AccountID)%100 < 85:
			u.ManagementSource = "synced"
		default:
			u.ManagementSource = "invited"
		}
	}
	if !synced {
		return
	}
	var lastAdmin string
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner == resourceOwnerPlatform && a.Role == "atlassian/org-admin" && a.AccountID > lastAdmin {
			lastAdmin = a.AccountID
		}
	}
	for i := range st.Users {
		if st.Users[i].AccountID == lastAdmin {
			st.Users[i].ManagementSource = "invited"
		}
	}
}

// generateActivity gives each account a last activity on the workspaces it
// can reach, with the spread of a real organization: most people used their
// products in the last month, some in the last quarter, some not for
// months, and some never used a product they were given; a few accounts
// never used any. Suspended and deactivated accounts were last active long
// ago, app accounts never show activity.
func generateActivity(st *State, asOf time.Time) {
	if asOf.IsZero() {
		asOf = activityEpoch
	}
	workspaces := make(map[string]bool, len(st.Workspaces))
	for _, ws := range st.Workspaces {
		workspaces[ws.ID] = true
	}
	reach := map[string]map[string]bool{} // account id -> workspace ids
	add := func(accountID, resourceID string) {
		if !workspaces[resourceID] {
			return
		}
		if reach[accountID] == nil {
			reach[accountID] = map[string]bool{}
		}
		reach[accountID][resourceID] = true
	}
	for _, a := range st.UserRoleAssignments {
		add(a.AccountID, a.ResourceID)
	}
	groupWorkspaces := map[string][]string{}
	for _, a := range st.GroupRoleAssignments {
		groupWorkspaces[a.GroupID] = append(groupWorkspaces[a.GroupID], a.ResourceID)
	}
	for _, g := range st.Groups {
		for _, member := range g.MemberAccountIDs {
			for _, ws := range groupWorkspaces[g.ID] {
				add(member, ws)
			}
		}
	}
	const day = 24 * time.Hour
	for i := range st.Users {
		u := &st.Users[i]
		u.ProductActivity = nil
		if u.AccountType == "app" || u.Status == statusNotInvited || hashOf("never", u.AccountID)%100 < 6 {
			continue
		}
		for ws := range reach[u.AccountID] {
			h := hashOf("activity", u.AccountID, ws)
			roll, spread := h%100, h/100
			var from, to time.Duration
			switch {
			case roll < 10:
				continue // never used this product
			case u.Status != statusActive:
				from, to = 120*day, 900*day
			case roll < 65:
				from, to = 0, 30*day
			case roll < 82:
				from, to = 30*day, 90*day
			default:
				from, to = 90*day, 720*day
			}
			last := asOf.Add(-(from + time.Duration(spread%uint64(to-from))))
			// Nobody is active before they joined the organization.
			if added, err := time.Parse(time.RFC3339, u.AddedToOrg); err == nil && last.Before(added) {
				last = added.Add(time.Duration(spread % uint64(30*day)))
				if last.After(asOf) {
					last = asOf
				}
			}
			if u.ProductActivity == nil {
				u.ProductActivity = map[string]string{}
			}
			u.ProductActivity[ws] = last.UTC().Truncate(time.Millisecond).Format(timestampLayout)
		}
	}
}
