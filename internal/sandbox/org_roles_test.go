package sandbox_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func (h *harness) orgRolePath(accountID, action string) string {
	return "/admin/v1/orgs/" + h.env.OrgID + "/users/" + url.PathEscape(accountID) + "/role-assignments/" + action
}

// orgAdminVisible reports whether the user's role-assignment listing and
// user object both show the organization admin role, failing when the two
// views disagree.
func (h *harness) orgAdminVisible(accountID string) bool {
	h.t.Helper()
	var page struct {
		Data []roleEntryJSON `json:"data"`
	}
	h.call("GET", h.userPath("-", accountID)+"/role-assignments", nil).wantStatus(h.t, 200).decode(h.t, &page)
	listed := false
	for _, e := range page.Data {
		if e.ResourceOwner == "platform" && slices.Contains(e.Roles, "atlassian/org-admin") {
			listed = true
		}
	}
	var user struct {
		Data userJSON `json:"data"`
	}
	h.call("GET", h.userPath("-", accountID), nil).wantStatus(h.t, 200).decode(h.t, &user)
	if onUser := slices.Contains(user.Data.PlatformRoles, "atlassian/org-admin"); onUser != listed {
		h.t.Fatalf("role listing says org admin %v, user object %v", listed, onUser)
	}
	return listed
}

func plainActiveUser(t *testing.T, st sandbox.State) sandbox.User {
	t.Helper()
	return pickUser(t, st, func(u sandbox.User) bool {
		return u.Status == "active" && u.AccountType == "atlassian" && len(u.PlatformRoles) == 0
	})
}

func TestOrgAdminRoleAssignRevoke(t *testing.T) {
	h := start(t, nil)
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"org_role_consistency_delay_ms": 0}).wantStatus(t, 200)
	st := h.env.Server.State()
	u := plainActiveUser(t, st)
	role := map[string]string{"role": "atlassian/org-admin"}

	h.call("POST", h.orgRolePath(u.AccountID, "assign"), role).wantStatus(t, 204)
	if !h.orgAdminVisible(u.AccountID) {
		t.Fatal("assigned org admin role not visible with no consistency delay")
	}
	if !slices.ContainsFunc(h.env.Server.State().UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == u.AccountID && a.Role == "atlassian/org-admin" && a.ResourceOwner == "platform"
	}) {
		t.Fatal("assignment missing from the state")
	}
	// The document gives this operation no 409: assigning a role held is a
	// success that changes nothing.
	h.call("POST", h.orgRolePath(u.AccountID, "assign"), role).wantStatus(t, 204)

	// An organization admin's access cannot be suspended.
	e := h.call("POST", h.userPath(h.dirID, u.AccountID)+"/suspend", nil).wantError(t, 400, "ADMIN-UAM-400-1")
	if !strings.Contains(e.Detail, "organization admin") {
		t.Fatalf("detail %q", e.Detail)
	}

	h.call("POST", h.orgRolePath(u.AccountID, "revoke"), role).wantStatus(t, 204)
	if h.orgAdminVisible(u.AccountID) {
		t.Fatal("revoked org admin role still visible")
	}
	h.call("POST", h.orgRolePath(u.AccountID, "revoke"), role).wantError(t, 404, "ADMIN-UAM-404-1")

	// Bad input.
	h.call("POST", h.orgRolePath(u.AccountID, "assign"), map[string]string{"role": "atlassian/site-admin"}).wantError(t, 400, "ADMIN-UAM-400-3")
	h.call("POST", h.orgRolePath(u.AccountID, "assign"), map[string]string{}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.orgRolePath("nobody", "assign"), role).wantError(t, 404, "ADMIN-UAM-404-1")
	suspended := pickUser(t, st, func(u sandbox.User) bool { return u.Status == "suspended" })
	h.call("POST", h.orgRolePath(suspended.AccountID, "assign"), role).wantError(t, 400, "ADMIN-UAM-400-2")

	// Suspension shows in the listings, and the user can be restored.
	h.call("POST", h.userPath(h.dirID, u.AccountID)+"/suspend", nil).wantStatus(t, 204)
	var user struct {
		Data userJSON `json:"data"`
	}
	h.call("GET", h.userPath("-", u.AccountID), nil).wantStatus(t, 200).decode(t, &user)
	if user.Data.Status != "suspended" {
		t.Fatalf("status after suspend = %q", user.Data.Status)
	}
	if got := h.listAllUsers("-", url.Values{"status": {"suspended"}}); !slices.Contains(got, u.AccountID) {
		t.Fatal("suspended user missing from the status=suspended listing")
	}
	h.call("POST", h.userPath(h.dirID, u.AccountID)+"/restore", nil).wantStatus(t, 204)
	h.call("GET", h.userPath("-", u.AccountID), nil).wantStatus(t, 200).decode(t, &user)
	if user.Data.Status != "active" {
		t.Fatalf("status after restore = %q", user.Data.Status)
	}
}

func TestOrgAdminRoleConsistencyDelay(t *testing.T) {
	h := start(t, nil)
	if d := h.env.Server.Settings().OrgRoleConsistencyDelayMs; d <= 0 || d > sandbox.MaxOrgRoleConsistencyDelayMs {
		t.Fatalf("default delay %d ms", d)
	}
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"org_role_consistency_delay_ms": 30001}).wantStatus(t, 400)
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"org_role_consistency_delay_ms": -1}).wantStatus(t, 400)

	// The longest delay: the write is certainly not visible right after it,
	// yet the state (the truth) has it, and suspension is refused already.
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"org_role_consistency_delay_ms": sandbox.MaxOrgRoleConsistencyDelayMs}).wantStatus(t, 200)
	u := plainActiveUser(t, h.env.Server.State())
	role := map[string]string{"role": "atlassian/org-admin"}
	h.call("POST", h.orgRolePath(u.AccountID, "assign"), role).wantStatus(t, 204)
	if h.orgAdminVisible(u.AccountID) {
		t.Fatal("assignment visible within the consistency delay")
	}
	h.call("POST", h.userPath(h.dirID, u.AccountID)+"/suspend", nil).wantError(t, 400, "ADMIN-UAM-400-1")

	// A short delay: the change becomes visible by itself. Poll for it.
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"org_role_consistency_delay_ms": 200}).wantStatus(t, 200)
	h.call("POST", h.orgRolePath(u.AccountID, "revoke"), role).wantStatus(t, 204)
	if !h.orgAdminVisible(u.AccountID) {
		t.Fatal("revocation visible at once despite the delay")
	}
	deadline := time.Now().Add(10 * time.Second)
	for h.orgAdminVisible(u.AccountID) {
		if time.Now().After(deadline) {
			t.Fatal("revocation never became visible")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
