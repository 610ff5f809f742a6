package sandbox_test

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// setLag sets read_after_write_lag_ms through the control endpoint.
func (h *harness) setLag(ms int) {
	h.t.Helper()
	var settings sandbox.Settings
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"read_after_write_lag_ms": ms}).wantStatus(h.t, 200).decode(h.t, &settings)
	if settings.ReadAfterWriteLagMS != ms {
		h.t.Fatalf("settings after PUT = %+v, want read_after_write_lag_ms %d", settings, ms)
	}
}

func (h *harness) groupMembers(groupID string) []string {
	h.t.Helper()
	return h.listAllUsers("-", url.Values{"groupIds": {groupID}})
}

func (h *harness) groupNames() map[string]string {
	h.t.Helper()
	var page struct {
		Data []groupJSON `json:"data"`
	}
	h.call("GET", h.groupsPath("-")+"?limit=100", nil).wantStatus(h.t, 200).decode(h.t, &page)
	out := map[string]string{}
	for _, g := range page.Data {
		out[g.Name] = g.ID
	}
	return out
}

func (h *harness) userRoleCount(accountID string) int {
	h.t.Helper()
	var page struct {
		Data []roleEntryJSON `json:"data"`
	}
	h.call("GET", h.userPath("-", accountID)+"/role-assignments", nil).wantStatus(h.t, 200).decode(h.t, &page)
	n := 0
	for _, e := range page.Data {
		n += len(e.Roles)
	}
	return n
}

func (h *harness) groupRoleCount(groupID string) int {
	h.t.Helper()
	var page struct {
		Data []roleEntryJSON `json:"data"`
	}
	h.call("GET", h.groupPath("-", groupID)+"/role-assignments", nil).wantStatus(h.t, 200).decode(h.t, &page)
	n := 0
	for _, e := range page.Data {
		n += len(e.Roles)
	}
	return n
}

// Inside the lag window every read answers with the value from before the
// write, for each kind of write, while writes and the control state see
// the truth; with the lag lifted, reads see every write.
func TestReadAfterWriteLagHidesRecentWrites(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users, o.Groups, o.Workspaces = 30, 4, 1 })
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	other := pickGroup(t, st, func(x sandbox.Group) bool { return ordinaryGroup(x) && x.ID != g.ID })
	newMember := nonMember(t, st, g)
	oldMember := pickUser(t, st, func(u sandbox.User) bool { return slices.Contains(g.MemberAccountIDs, u.AccountID) })
	roleHolder := pickUser(t, st, func(u sandbox.User) bool { return u.Status == "active" })
	ws := st.Workspaces[0]
	h.env.Update(func(s *sandbox.State) error {
		s.UserRoleAssignments = slices.DeleteFunc(s.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == roleHolder.AccountID })
		s.GroupRoleAssignments = slices.DeleteFunc(s.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.GroupID == other.ID })
		return nil
	})
	membersBefore := h.groupMembers(g.ID)

	// A lag no test run outlasts: inside the window for the whole phase.
	h.setLag(int(time.Hour / time.Millisecond))

	h.call("POST", h.membershipsPath(h.dirID, g.ID), map[string]string{"accountId": newMember.AccountID}).wantStatus(t, 204)
	h.call("DELETE", h.membershipsPath(h.dirID, g.ID)+"/"+oldMember.AccountID, nil).wantStatus(t, 204)
	createdID := h.createGroup("lagging group", "")
	h.call("DELETE", h.groupPath(h.dirID, other.ID), nil).wantStatus(t, 204)
	h.call("POST", h.v1UserRolesPath(roleHolder.AccountID, "assign"), map[string]string{"role": "atlassian/user", "resource": ws.ID}).wantStatus(t, 204)

	if got := h.groupMembers(g.ID); !slices.Equal(got, membersBefore) {
		t.Errorf("members inside the lag window = %v, want the old %v", got, membersBefore)
	}
	names := h.groupNames()
	if _, ok := names["lagging group"]; ok {
		t.Errorf("the group created inside the lag window is already listed")
	}
	if id := names[other.Name]; id != other.ID {
		t.Errorf("the group deleted inside the lag window is no longer listed (%v)", names)
	}
	h.call("GET", h.groupPath("-", createdID), nil).wantError(t, 404, "ADMIN-UAM-404-3")
	h.call("GET", h.groupPath("-", other.ID), nil).wantStatus(t, 200)
	if n := h.userRoleCount(roleHolder.AccountID); n != 0 {
		t.Errorf("roles inside the lag window = %d, want the old 0", n)
	}

	// Writes see the truth: the repeated add, the repeated name and the
	// repeated assignment are conflicts, the deleted group is gone.
	h.call("POST", h.membershipsPath(h.dirID, g.ID), map[string]string{"accountId": newMember.AccountID}).wantError(t, 409, "ADMIN-UAM-409-2")
	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "Lagging Group"}).wantStatus(t, 409)
	h.call("POST", h.v1UserRolesPath(roleHolder.AccountID, "assign"), map[string]string{"role": "atlassian/user", "resource": ws.ID}).wantError(t, 409, "ADMIN-UAM-409-2")
	h.call("DELETE", h.groupPath(h.dirID, other.ID), nil).wantStatus(t, 404)
	truth := h.env.Server.State()
	if g2 := findGroup(truth, g.ID); !slices.Contains(g2.MemberAccountIDs, newMember.AccountID) || slices.Contains(g2.MemberAccountIDs, oldMember.AccountID) {
		t.Errorf("the control state does not show the membership writes: %v", g2.MemberAccountIDs)
	}

	// A group role written inside the window lags too (on a group of its own).
	h.call("POST", h.groupPath(h.dirID, g.ID)+"/role-assignments/assign", map[string]string{"resourceId": ws.ID, "roleId": "atlassian/admin"}).wantStatus(t, 200)
	before := 0
	for _, a := range st.GroupRoleAssignments {
		if a.GroupID == g.ID {
			before++
		}
	}
	if n := h.groupRoleCount(g.ID); n != before {
		t.Errorf("group roles inside the lag window = %d, want the old %d", n, before)
	}

	// Without the lag, reads see every write.
	h.setLag(0)
	got := h.groupMembers(g.ID)
	if !slices.Contains(got, newMember.AccountID) || slices.Contains(got, oldMember.AccountID) {
		t.Errorf("members without the lag = %v", got)
	}
	names = h.groupNames()
	if _, ok := names["lagging group"]; !ok {
		t.Errorf("the created group is not listed without the lag")
	}
	if _, ok := names[other.Name]; ok {
		t.Errorf("the deleted group is still listed without the lag")
	}
	if n := h.userRoleCount(roleHolder.AccountID); n != 1 {
		t.Errorf("roles without the lag = %d, want 1", n)
	}
	if n := h.groupRoleCount(g.ID); n != before+1 {
		t.Errorf("group roles without the lag = %d, want %d", n, before+1)
	}
}

// The old value shows until the lag has passed since the write, then the
// new one, with no further write needed.
func TestReadAfterWriteLagEnds(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users, o.Groups, o.Workspaces = 20, 3, 1 })
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	u := nonMember(t, st, g)
	const lag = 300 * time.Millisecond
	h.setLag(int(lag / time.Millisecond))
	written := time.Now()
	h.call("POST", h.membershipsPath(h.dirID, g.ID), map[string]string{"accountId": u.AccountID}).wantStatus(t, 204)
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Contains(h.groupMembers(g.ID), u.AccountID) {
		if time.Now().After(deadline) {
			t.Fatalf("the membership written %s ago never showed", time.Since(written))
		}
		time.Sleep(20 * time.Millisecond) // polling the condition, not waiting for it
	}
	if seen := time.Since(written); seen < lag {
		t.Errorf("the membership showed %s after the write, before the lag of %s", seen, lag)
	}
}

// A negative lag is refused.
func TestReadAfterWriteLagValidation(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users, o.Groups, o.Workspaces = 5, 1, 1 })
	h.callWithToken("", "PUT", "/_sandbox/settings", `{"read_after_write_lag_ms": -1}`).wantStatus(t, 400)
}

func findGroup(st sandbox.State, id string) sandbox.Group {
	for _, g := range st.Groups {
		if g.ID == id {
			return g
		}
	}
	return sandbox.Group{}
}
