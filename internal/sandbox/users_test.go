package sandbox_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func TestUsersPaging(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 250 })
	st := h.env.Server.State()

	var first struct {
		Data  []userJSON `json:"data"`
		Links linksJSON  `json:"links"`
	}
	h.call("GET", h.usersPath("-"), nil).wantStatus(t, 200).decode(t, &first)
	if len(first.Data) != 20 {
		t.Fatalf("default page has %d users, want 20", len(first.Data))
	}
	if first.Links.Next == "" || !strings.HasSuffix(first.Links.Self, h.usersPath("-")) {
		t.Fatalf("links = %+v", first.Links)
	}
	if strings.Contains(first.Links.Next, first.Data[19].AccountID) {
		t.Fatal("cursor is not opaque")
	}
	u := first.Data[0]
	if u.AccountID == "" || u.AccountType == "" || u.Status == "" || u.AccountStatus == "" || u.MembershipStatus == "" ||
		u.Name == "" || u.ClaimStatus == "" || u.AddedToOrg == "" || u.PlatformRoles == nil || u.Picture == "" || u.Links.Self == "" {
		t.Fatalf("incomplete user JSON: %+v", u)
	}

	listed := sandbox.ListedUsers(st)
	want := make([]string, len(listed))
	for i, u := range listed {
		want[i] = u.AccountID
	}
	for _, limit := range []string{"", "1", "7", "100"} {
		q := url.Values{}
		if limit != "" {
			q.Set("limit", limit)
		}
		if got := h.listAllUsers("-", q); !slices.Equal(got, want) {
			t.Fatalf("limit %q: paged %d users, want all %d in id order", limit, len(got), len(want))
		}
	}
	// Real directory ids page the same users.
	if got := h.listAllUsers(h.dirID, url.Values{"limit": {"100"}}); !slices.Equal(got, want) {
		t.Fatal("directory listing differs from '-' listing")
	}

	var full struct {
		Data  []userJSON `json:"data"`
		Links linksJSON  `json:"links"`
	}
	h.call("GET", h.usersPath("-")+"?limit=100", nil).wantStatus(t, 200).decode(t, &full)
	if len(full.Data) != 100 {
		t.Fatalf("limit=100 gave %d", len(full.Data))
	}

	for _, bad := range []string{"limit=101", "limit=0", "limit=-1", "limit=abc", "limit=", "cursor=not-a-cursor", "cursor=%21%21"} {
		h.call("GET", h.usersPath("-")+"?"+bad, nil).wantError(t, 400, "ADMIN-UAM-400-1")
	}
	// A groups cursor is not a users cursor.
	var groups struct {
		Links linksJSON `json:"links"`
	}
	h.call("GET", h.groupsPath("-")+"?limit=1", nil).wantStatus(t, 200).decode(t, &groups)
	h.call("GET", h.usersPath("-")+"?cursor="+url.QueryEscape(groups.Links.Next), nil).wantError(t, 400, "ADMIN-UAM-400-1")
}

func TestUsersPagingSurvivesConcurrentChanges(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 60 })
	var page struct {
		Data  []userJSON `json:"data"`
		Links linksJSON  `json:"links"`
	}
	h.call("GET", h.usersPath("-")+"?limit=10", nil).wantStatus(t, 200).decode(t, &page)
	// Remove a user already served: a keyset cursor neither skips nor repeats.
	removed := page.Data[3].AccountID
	h.env.Update(func(st *sandbox.State) error {
		st.Users = slices.DeleteFunc(st.Users, func(u sandbox.User) bool { return u.AccountID == removed })
		for i := range st.Groups {
			st.Groups[i].MemberAccountIDs = slices.DeleteFunc(st.Groups[i].MemberAccountIDs, func(id string) bool { return id == removed })
		}
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == removed })
		return nil
	})
	var next struct {
		Data []userJSON `json:"data"`
	}
	h.call("GET", h.usersPath("-")+"?limit=10&cursor="+url.QueryEscape(page.Links.Next), nil).wantStatus(t, 200).decode(t, &next)
	all := h.env.Server.State().Users
	if next.Data[0].AccountID != all[9].AccountID {
		t.Fatalf("second page starts at %s, want %s", next.Data[0].AccountID, all[9].AccountID)
	}
}

func TestUserFilters(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 400 })
	st := h.env.Server.State()
	expect := func(pred func(u sandbox.User) bool) []string {
		var ids []string
		for _, u := range st.Users {
			if pred(u) {
				ids = append(ids, u.AccountID)
			}
		}
		return ids
	}
	check := func(name string, q url.Values, want []string) {
		t.Helper()
		q.Set("limit", "7") // force several pages
		got := h.listAllUsers("-", q)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: got %d users, want %d", name, len(got), len(want))
		}
		if len(want) == 0 {
			t.Fatalf("%s: vacuous test", name)
		}
	}

	g1 := st.Groups[0]
	g2 := pickGroup(t, st, func(g sandbox.Group) bool { return g.Name == "engineering" })
	inGroups := func(gs ...sandbox.Group) func(u sandbox.User) bool {
		return func(u sandbox.User) bool {
			for _, g := range gs {
				if slices.Contains(g.MemberAccountIDs, u.AccountID) {
					return true
				}
			}
			return false
		}
	}
	check("one group", url.Values{"groupIds": {g1.ID}}, expect(inGroups(g1)))
	check("repeated groups", url.Values{"groupIds": {g1.ID, g2.ID}}, expect(inGroups(g1, g2)))

	ids := []string{st.Users[5].AccountID, st.Users[77].AccountID, st.Users[300].AccountID}
	check("repeated accountIds", url.Values{"accountIds": ids}, ids)

	check("status", url.Values{"status": {"suspended"}}, expect(func(u sandbox.User) bool { return u.Status == "suspended" }))
	check("statuses", url.Values{"status": {"suspended", "deactivated"}}, expect(func(u sandbox.User) bool {
		return u.Status == "suspended" || u.Status == "deactivated"
	}))
	h.call("GET", h.usersPath("-")+"?status=sleeping", nil).wantError(t, 400, "ADMIN-UAM-400-1")

	check("emailDomains", url.Values{"emailDomains": {"sandbox-org-eu.example"}}, expect(func(u sandbox.User) bool {
		return strings.HasSuffix(u.Email, "@sandbox-org-eu.example")
	}))

	target := st.Users[42]
	term := strings.ToUpper(target.Name[1:4]) // case-insensitive substring
	check("searchTerm name", url.Values{"searchTerm": {term}}, expect(func(u sandbox.User) bool {
		l := strings.ToLower(term)
		return strings.Contains(strings.ToLower(u.Name), l) || strings.Contains(strings.ToLower(u.Nickname), l) || strings.Contains(strings.ToLower(u.Email), l)
	}))
	check("searchTerm email", url.Values{"searchTerm": {"@SANDBOX-ORG-EU"}}, expect(func(u sandbox.User) bool {
		return strings.Contains(u.Email, "@sandbox-org-eu")
	}))

	check("combined", url.Values{"groupIds": {g1.ID}, "status": {"active"}}, expect(func(u sandbox.User) bool {
		return u.Status == "active" && inGroups(g1)(u)
	}))

	var eleven []string
	for i := range 11 {
		eleven = append(eleven, fmt.Sprintf("g%d", i))
	}
	h.call("GET", h.usersPath("-")+"?"+url.Values{"groupIds": eleven}.Encode(), nil).wantError(t, 400, "ADMIN-UAM-400-1")
}

func TestGetUserAndDirectories(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	target := sandbox.ListedUsers(st)[10]
	var one struct {
		Data userJSON `json:"data"`
	}
	h.call("GET", h.userPath("-", target.AccountID), nil).wantStatus(t, 200).decode(t, &one)
	if one.Data.AccountID != target.AccountID || one.Data.Email != target.Email || one.Data.Name != target.Name {
		t.Fatalf("user = %+v, want %+v", one.Data, target)
	}
	h.call("GET", h.userPath(h.dirID, target.AccountID), nil).wantStatus(t, 200)
	h.call("GET", h.userPath("-", "no-such-user"), nil).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("GET", h.userPath("unknown-directory", target.AccountID), nil).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("GET", h.usersPath("unknown-directory"), nil).wantError(t, 404, "ADMIN-UAM-404-1")

	// Account ids with colons work in paths.
	prefixed := pickUser(t, st, func(u sandbox.User) bool { return strings.Contains(u.AccountID, ":") && u.AccountType == "atlassian" })
	h.call("GET", h.userPath("-", prefixed.AccountID), nil).wantStatus(t, 200)

	// The document gives accountType "atlassian" only: app and customer
	// accounts are not shown, unless the setting shows them with their own
	// type, as the real service may.
	for _, kind := range []string{"app", "customer"} {
		other := pickUser(t, st, func(u sandbox.User) bool { return u.AccountType == kind })
		h.call("GET", h.userPath("-", other.AccountID), nil).wantError(t, 404, "ADMIN-UAM-404-1")
		h.putSettings(map[string]any{"list_non_atlassian_accounts": true})
		h.call("GET", h.userPath("-", other.AccountID), nil).wantStatus(t, 200).decode(t, &one)
		if one.Data.AccountType != kind {
			t.Fatalf("accountType = %q, want %q", one.Data.AccountType, kind)
		}
		h.putSettings(map[string]any{"list_non_atlassian_accounts": false})
	}
}

func TestUserRoleAssignments(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	admin := pickUser(t, st, func(u sandbox.User) bool { return slices.Contains(u.PlatformRoles, "atlassian/org-admin") })

	var page struct {
		Data  []roleEntryJSON `json:"data"`
		Links linksJSON       `json:"links"`
	}
	h.call("GET", h.userPath("-", admin.AccountID)+"/role-assignments", nil).wantStatus(t, 200).decode(t, &page)
	found := false
	for _, e := range page.Data {
		if e.ResourceOwner == "platform" && e.ResourceID == "ari:cloud:platform::org/"+h.env.OrgID && slices.Contains(e.Roles, "atlassian/org-admin") && e.DirectoryID == h.dirID {
			found = true
		}
	}
	if !found {
		t.Fatalf("org-admin role not listed: %+v", page.Data)
	}

	// Give one user roles on every workspace, two roles on the first, and page
	// one resource at a time.
	user := pickUser(t, st, func(u sandbox.User) bool {
		return u.Status == "active" && u.AccountType == "atlassian" && len(u.PlatformRoles) == 0
	})
	h.env.Update(func(s *sandbox.State) error {
		s.UserRoleAssignments = slices.DeleteFunc(s.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == user.AccountID })
		for _, ws := range s.Workspaces {
			s.UserRoleAssignments = append(s.UserRoleAssignments, sandbox.UserRoleAssignment{AccountID: user.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"})
		}
		ws := s.Workspaces[0]
		s.UserRoleAssignments = append(s.UserRoleAssignments, sandbox.UserRoleAssignment{AccountID: user.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin"})
		return nil
	})
	var entries []roleEntryJSON
	cursor := ""
	for {
		path := h.userPath(h.dirID, user.AccountID) + "/role-assignments?limit=1"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var p struct {
			Data  []roleEntryJSON `json:"data"`
			Links linksJSON       `json:"links"`
		}
		h.call("GET", path, nil).wantStatus(t, 200).decode(t, &p)
		entries = append(entries, p.Data...)
		if p.Links.Next == "" {
			break
		}
		cursor = p.Links.Next
	}
	if len(entries) != len(st.Workspaces) {
		t.Fatalf("%d entries, want one per workspace (%d)", len(entries), len(st.Workspaces))
	}
	for _, e := range entries {
		if e.ResourceID == st.Workspaces[0].ID && !slices.Equal(e.Roles, []string{"atlassian/admin", "atlassian/user"}) {
			t.Fatalf("roles on first workspace = %v", e.Roles)
		}
		if e.ResourceOwner != "jira" && e.ResourceOwner != "confluence" {
			t.Fatalf("resourceOwner = %q", e.ResourceOwner)
		}
	}
	h.call("GET", h.userPath("-", "nobody")+"/role-assignments", nil).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("GET", h.userPath("-", user.AccountID)+"/role-assignments?limit=101", nil).wantError(t, 400, "ADMIN-UAM-400-1")
}

func TestSuspendAndRestore(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	u := pickUser(t, st, func(u sandbox.User) bool { return u.Status == "active" })

	noBody := func(r response) {
		t.Helper()
		if len(r.body) != 0 {
			t.Fatalf("body %q; the document gives none", r.body)
		}
	}
	noBody(h.call("POST", h.userPath(h.dirID, u.AccountID)+"/suspend", nil).wantStatus(t, 204))
	got := pickUser(t, h.env.Server.State(), func(x sandbox.User) bool { return x.AccountID == u.AccountID })
	if got.Status != "suspended" || got.MembershipStatus != "suspended" {
		t.Fatalf("after suspend: %+v", got)
	}
	noBody(h.call("POST", h.userPath(h.dirID, u.AccountID)+"/suspend", nil).wantStatus(t, 204)) // idempotent
	noBody(h.call("POST", h.userPath(h.dirID, u.AccountID)+"/restore", nil).wantStatus(t, 204))
	got = pickUser(t, h.env.Server.State(), func(x sandbox.User) bool { return x.AccountID == u.AccountID })
	if got.Status != "active" || got.MembershipStatus != "active" {
		t.Fatalf("after restore: %+v", got)
	}

	// The other plausible answer: 200 with a {message} body.
	h.putSettings(map[string]any{"suspend_restore_return_body": true})
	var said struct {
		Message string `json:"message"`
	}
	h.call("POST", h.userPath(h.dirID, u.AccountID)+"/suspend", nil).wantStatus(t, 200).decode(t, &said)
	h.call("POST", h.userPath(h.dirID, u.AccountID)+"/restore", nil).wantStatus(t, 200).decode(t, &said)
	if said.Message == "" {
		t.Fatal("200 answer without its message")
	}

	h.call("POST", h.userPath("-", u.AccountID)+"/suspend", nil).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.userPath(h.dirID, "nobody")+"/suspend", nil).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("POST", h.userPath("other-dir", u.AccountID)+"/restore", nil).wantError(t, 404, "ADMIN-UAM-404-1")
	gone := pickUser(t, st, func(u sandbox.User) bool { return u.Status == "deactivated" })
	h.call("POST", h.userPath(h.dirID, gone.AccountID)+"/restore", nil).wantError(t, 400, "ADMIN-UAM-400-2")
}

// TestCursorCarriesFilters: on the real API "if a cursor is present, all
// other parameters are discarded", so a client may send the cursor alone.
func TestCursorCarriesFilters(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 300 })
	st := h.env.Server.State()
	g := pickGroup(t, st, func(g sandbox.Group) bool { return g.Name == "engineering" })
	want := h.listAllUsers("-", url.Values{"groupIds": {g.ID}, "status": {"active"}, "limit": {"5"}})

	var got []string
	path := h.usersPath("-") + "?limit=5&status=active&groupIds=" + g.ID
	for {
		var page struct {
			Data  []userJSON `json:"data"`
			Links linksJSON  `json:"links"`
		}
		h.call("GET", path, nil).wantStatus(t, 200).decode(t, &page)
		for _, u := range page.Data {
			got = append(got, u.AccountID)
		}
		if page.Links.Next == "" {
			break
		}
		path = h.usersPath("-") + "?cursor=" + url.QueryEscape(page.Links.Next) // cursor only
	}
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("cursor-only paging gave %d users, want %d", len(got), len(want))
	}

	// Groups: a GET cursor continues in the POST search form, alone.
	var first groupPageJSON
	h.call("GET", h.groupsPath("-")+"?limit=1&searchTerm=USERS", nil).wantStatus(t, 200).decode(t, &first)
	var second groupPageJSON
	h.call("POST", h.groupsPath("-")+"/search", map[string]any{"cursor": first.Links.Next}).wantStatus(t, 200).decode(t, &second)
	if len(second.Data) != 1 || !strings.HasSuffix(second.Data[0].Name, "-users") || second.Data[0].ID == first.Data[0].ID {
		t.Fatalf("second page %+v after %+v", second.Data, first.Data)
	}
}
