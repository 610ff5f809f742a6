package sandbox_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

func TestAddAndRemoveMember(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	u := nonMember(t, st, g)
	add := func(dirID, groupID, accountID string) response {
		return h.call("POST", h.membershipsPath(dirID, groupID), map[string]string{"accountId": accountID})
	}
	remove := func(dirID, groupID, accountID string) response {
		return h.call("DELETE", h.membershipsPath(dirID, groupID)+"/"+url.PathEscape(accountID), nil)
	}

	add(h.dirID, g.ID, u.AccountID).wantStatus(t, 204)
	if got := h.listAllUsers("-", url.Values{"groupIds": {g.ID}, "limit": {"100"}}); !slices.Contains(got, u.AccountID) {
		t.Fatal("added member not listed")
	}
	add(h.dirID, g.ID, u.AccountID).wantError(t, 409, "ADMIN-UAM-409-2")
	add(h.dirID, "missing", u.AccountID).wantError(t, 404, "ADMIN-UAM-404-3")
	add(h.dirID, g.ID, "nobody").wantError(t, 404, "ADMIN-UAM-404-1")
	add(h.dirID, g.ID, "").wantError(t, 400, "ADMIN-UAM-400-1")
	add("unknown-dir", g.ID, u.AccountID).wantError(t, 404, "ADMIN-UAM-404-1")
	e := add("-", g.ID, u.AccountID).wantError(t, 400, "ADMIN-UAM-400-1")
	if !strings.Contains(e.Detail, "directoryId") {
		t.Fatalf("detail %q", e.Detail)
	}
	h.call("POST", h.membershipsPath(h.dirID, g.ID), "[1,2]").wantError(t, 400, "ADMIN-UAM-400-1")

	synced := pickGroup(t, st, func(g sandbox.Group) bool { return g.ExternalSynced })
	outsider := nonMember(t, st, synced)
	e = add(h.dirID, synced.ID, outsider.AccountID).wantError(t, 403, "ADMIN-UAM-403-1")
	if !strings.Contains(e.Detail, "identity provider") {
		t.Fatalf("detail %q", e.Detail)
	}
	remove(h.dirID, synced.ID, synced.MemberAccountIDs[0]).wantError(t, 403, "ADMIN-UAM-403-1")

	// Default groups accept membership changes.
	def := pickGroup(t, st, func(g sandbox.Group) bool { return g.Default })
	add(h.dirID, def.ID, nonMember(t, st, def).AccountID).wantStatus(t, 204)

	remove(h.dirID, g.ID, u.AccountID).wantStatus(t, 204)
	remove(h.dirID, g.ID, u.AccountID).wantError(t, 404, "ADMIN-UAM-404-1")
	remove(h.dirID, g.ID, "nobody").wantError(t, 404, "ADMIN-UAM-404-1")
	remove(h.dirID, "missing", u.AccountID).wantError(t, 404, "ADMIN-UAM-404-3")
	remove("-", g.ID, g.MemberAccountIDs[0]).wantError(t, 400, "ADMIN-UAM-400-1")

	// The 204-on-repeat variant.
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"repeated_add_returns_204": true}).wantStatus(t, 200)
	member := g.MemberAccountIDs[0]
	add(h.dirID, g.ID, member).wantStatus(t, 204)
	var gotGroup struct {
		Data groupJSON `json:"data"`
	}
	h.call("GET", h.groupPath("-", g.ID), nil).wantStatus(t, 200).decode(t, &gotGroup)
	if gotGroup.Data.Counts.Users != len(g.MemberAccountIDs) {
		t.Fatalf("repeated add changed the count to %d", gotGroup.Data.Counts.Users)
	}
}

func TestLicenceLimit(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	ws := st.Workspaces[0]

	// A fresh group with a role on the workspace, and the licence limit set
	// exactly at the workspace's current number of holders.
	createdID := h.createGroup("licensed", "")
	h.call("POST", h.groupPath(h.dirID, createdID)+"/role-assignments/assign",
		map[string]string{"resourceId": ws.ID, "roleId": "atlassian/user"}).wantStatus(t, 200)
	holders := sandboxtest.LicensedAccounts(h.env.Server.State(), ws.ID)
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"licence_limit": len(holders)}).wantStatus(t, 200)

	var outsiders []sandbox.User
	for _, u := range st.Users {
		if !holders[u.AccountID] && u.Status == "active" && u.AccountType == "atlassian" {
			outsiders = append(outsiders, u)
		}
	}
	if len(outsiders) < 2 {
		t.Fatal("not enough users without access")
	}
	add := func(accountID string) response {
		return h.call("POST", h.membershipsPath(h.dirID, createdID), map[string]string{"accountId": accountID})
	}
	e := add(outsiders[0].AccountID).wantError(t, 409, "ADMIN-UAM-409-3")
	if !strings.Contains(e.Detail, "licence limit") {
		t.Fatalf("detail %q", e.Detail)
	}
	h.call("POST", h.v1UserRolesPath(outsiders[0].AccountID, "assign"), map[string]string{"role": "atlassian/user", "resource": ws.ID}).
		wantError(t, 409, "ADMIN-UAM-409-3")

	// Someone who already holds access can join without taking a seat.
	var insider string
	for id := range holders {
		insider = id
		break
	}
	add(insider).wantStatus(t, 204)

	// Raising the limit by one admits exactly one more user.
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"licence_limit": len(holders) + 1}).wantStatus(t, 200)
	add(outsiders[0].AccountID).wantStatus(t, 204)
	add(outsiders[1].AccountID).wantError(t, 409, "ADMIN-UAM-409-3")

	// Unlimited again.
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"licence_limit": 0}).wantStatus(t, 200)
	add(outsiders[1].AccountID).wantStatus(t, 204)
}

// TestConcurrentMembershipChanges hammers one group from several goroutines
// (run with -race); every add and remove must be accounted for.
func TestConcurrentMembershipChanges(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	members := map[string]bool{}
	for _, id := range g.MemberAccountIDs {
		members[id] = true
	}
	var candidates []string
	for _, u := range sandbox.ListedUsers(st) {
		if !members[u.AccountID] {
			candidates = append(candidates, u.AccountID)
		}
	}
	candidates = candidates[:40]

	client := h.env.Client()
	var wg sync.WaitGroup
	errs := make(chan error, len(candidates)*3)
	for _, id := range candidates {
		wg.Go(func() {
			path := h.env.URL + h.membershipsPath(h.dirID, g.ID)
			for step, want := range []int{204, 409, 204} {
				var resp *httpResult
				if step == 2 {
					resp = do(client, "DELETE", path+"/"+url.PathEscape(id), "")
				} else {
					resp = do(client, "POST", path, fmt.Sprintf(`{"accountId":%q}`, id))
				}
				if resp.err != nil || resp.status != want {
					errs <- fmt.Errorf("%s step %d: %v %d, want %d", id, step, resp.err, resp.status, want)
				}
			}
		})
	}
	// Readers page the group meanwhile.
	for range 4 {
		wg.Go(func() {
			resp := do(client, "GET", h.env.URL+h.usersPath("-")+"?limit=100&groupIds="+g.ID, "")
			if resp.err != nil || resp.status != 200 {
				errs <- fmt.Errorf("read: %v %d", resp.err, resp.status)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	final := pickGroup(t, h.env.Server.State(), func(x sandbox.Group) bool { return x.ID == g.ID })
	if !slices.Equal(final.MemberAccountIDs, g.MemberAccountIDs) {
		t.Fatalf("membership changed: %d members, want %d", len(final.MemberAccountIDs), len(g.MemberAccountIDs))
	}
}

// TestWriteErrorsWithoutBody: the document declares the failures of the v2
// writes without a body; under the setting they come as the status alone,
// while the reads keep their documented errors[].
func TestWriteErrorsWithoutBody(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	h.putSettings(map[string]any{"write_errors_without_body": true})
	r := h.call("POST", h.membershipsPath(h.dirID, g.ID), map[string]string{"accountId": g.MemberAccountIDs[0]}).wantStatus(t, 409)
	if len(r.body) != 0 {
		t.Fatalf("body %q, want none", r.body)
	}
	r = h.call("DELETE", h.groupPath(h.dirID, "missing"), nil).wantStatus(t, 404)
	if len(r.body) != 0 {
		t.Fatalf("body %q, want none", r.body)
	}
	h.call("GET", h.groupPath("-", "missing"), nil).wantError(t, 404, "ADMIN-UAM-404-3")
}
