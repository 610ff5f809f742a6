package sandbox_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// refusal is a request the document rules out and the field its 400 must
// name.
type refusal struct {
	name  string
	body  map[string]any
	field string
}

func (h *harness) wantRefusals(t *testing.T, path string, refusals []refusal) {
	t.Helper()
	for _, r := range refusals {
		item := h.call("POST", path, r.body).wantError(t, 400, "ADMIN-UAM-400-1")
		if !strings.Contains(item.Detail, r.field) {
			t.Errorf("%s: detail %q does not name %s", r.name, item.Detail, r.field)
		}
	}
}

func strs(n int, format string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}

// TestUsersSearchRefusesWhatTheDocumentRulesOut: every maxItems, enum and
// uniqueItems of the users search body, and sortBy, which the sandbox does
// not implement, are refused naming the field.
func TestUsersSearchRefusesWhatTheDocumentRulesOut(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 30 })
	st := h.env.Server.State()
	var accounts []string
	for _, u := range st.Users {
		accounts = append(accounts, u.AccountID)
	}
	var page searchPage
	h.call("POST", h.searchPath("-"), map[string]any{"accountIds": accounts[:10]}).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 10 {
		t.Fatalf("ten accountIds found %d users", len(page.Data))
	}
	h.wantRefusals(t, h.searchPath("-"), []refusal{
		{"11 accountIds", map[string]any{"accountIds": accounts[:11]}, "accountIds"},
		{"empty accountIds", map[string]any{"accountIds": []string{}}, "accountIds"},
		{"11 directoryIds", map[string]any{"directoryIds": strs(11, "d%d")}, "directoryIds"},
		{"11 groupIds", map[string]any{"groupIds": strs(11, "g%d")}, "groupIds"},
		{"21 resourceIds", map[string]any{"resourceIds": strs(21, "r%d")}, "resourceIds"},
		{"11 emailDomains", map[string]any{"emailDomains": strs(11, "e%d.example")}, "emailDomains"},
		{"101 emails", map[string]any{"emails": strs(101, "p%d@e.example")}, "emails"},
		{"repeated emails", map[string]any{"emails": []string{"a@e.example", "a@e.example"}}, "emails"},
		{"11 roleIds", map[string]any{"roleIds": slices.Repeat([]string{"atlassian/user"}, 11)}, "roleIds"},
		{"a roleId outside the enum", map[string]any{"roleIds": []string{"user"}}, "roleIds"},
		{"5 statuses", map[string]any{"status": []string{"active", "suspended", "not_invited", "deactivated", "for_deletion"}}, "status"},
		{"a status outside the enum", map[string]any{"status": []string{"gone"}}, "status"},
		{"an accountStatus outside the enum", map[string]any{"accountStatus": []string{"suspended"}}, "accountStatus"},
		{"a membershipStatus outside the enum", map[string]any{"membershipStatus": []string{"inactive"}}, "membershipStatus"},
		{"a claimStatus outside the enum", map[string]any{"claimStatus": "claimed"}, "claimStatus"},
		{"a repeated expand", map[string]any{"expand": []string{"groups", "groups"}}, "expand"},
		{"limit 101", map[string]any{"limit": 101}, "limit"},
		{"sortBy", map[string]any{"sortBy": []map[string]string{{"field": "nick_name", "direction": "asc"}}}, "sortBy"},
	})
	// The GET form (deprecated) has the same limits.
	item := h.call("GET", h.usersPath("-")+"?"+url.Values{"accountIds": accounts[:11]}.Encode(), nil).wantError(t, 400, "ADMIN-UAM-400-1")
	if !strings.Contains(item.Detail, "accountIds") {
		t.Fatalf("GET with 11 accountIds: %q", item.Detail)
	}
}

// TestUsersSearchHonoursEveryFilter: each filter the document declares
// selects exactly the users it describes, on the search and on the GET
// form alike.
func TestUsersSearchHonoursEveryFilter(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 150; o.Groups = 8; o.Workspaces = 2 })
	// A few accounts hold a role on a workspace themselves.
	if err := h.env.Server.Update(func(st *sandbox.State) error {
		w := st.Workspaces[0]
		for _, u := range st.Users[3:9] {
			st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{AccountID: u.AccountID, ResourceID: w.ID, ResourceOwner: w.Type, Role: "atlassian/user"})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st := h.env.Server.State()
	st.Users = sandbox.ListedUsers(st) // the accounts the API lists
	g := pickGroup(t, st, func(g sandbox.Group) bool { return len(g.MemberAccountIDs) > 1 })
	withRole := func(u sandbox.User, role string) bool {
		return slices.ContainsFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == u.AccountID && a.Role == role })
	}
	someDomain := func() string {
		for _, u := range st.Users {
			if _, d, ok := strings.Cut(u.Email, "@"); ok {
				return d
			}
		}
		t.Fatal("no user has an email")
		return ""
	}()
	cases := []struct {
		name   string
		filter map[string]any
		query  url.Values
		want   func(u sandbox.User) bool
	}{
		{"groupIds", map[string]any{"groupIds": []string{g.ID}}, url.Values{"groupIds": {g.ID}},
			func(u sandbox.User) bool { return slices.Contains(g.MemberAccountIDs, u.AccountID) }},
		{"directoryIds", map[string]any{"directoryIds": []string{st.Directories[0].ID}}, url.Values{"directoryIds": {st.Directories[0].ID}},
			func(u sandbox.User) bool { return u.DirectoryID == st.Directories[0].ID }},
		{"roleIds", map[string]any{"roleIds": []string{"atlassian/user"}}, url.Values{"roleIds": {"atlassian/user"}},
			func(u sandbox.User) bool { return withRole(u, "atlassian/user") }},
		{"status", map[string]any{"status": []string{"suspended"}}, url.Values{"status": {"suspended"}},
			func(u sandbox.User) bool { return u.Status == "suspended" }},
		{"accountStatus", map[string]any{"accountStatus": []string{"inactive", "closed"}}, url.Values{"accountStatus": {"inactive", "closed"}},
			func(u sandbox.User) bool { return u.AccountStatus == "inactive" || u.AccountStatus == "closed" }},
		{"membershipStatus", map[string]any{"membershipStatus": []string{"suspended"}}, url.Values{"membershipStatus": {"suspended"}},
			func(u sandbox.User) bool { return u.MembershipStatus == "suspended" }},
		{"claimStatus", map[string]any{"claimStatus": "managed"}, url.Values{"claimStatus": {"managed"}},
			func(u sandbox.User) bool { return u.ClaimStatus == "managed" }},
		{"mfaEnabled", map[string]any{"mfaEnabled": false}, url.Values{"mfaEnabled": {"false"}},
			func(u sandbox.User) bool { return !u.MFAEnabled }},
		{"emailDomains", map[string]any{"emailDomains": []string{someDomain}}, url.Values{"emailDomains": {someDomain}},
			func(u sandbox.User) bool {
				return strings.HasSuffix(strings.ToLower(u.Email), "@"+strings.ToLower(someDomain))
			}},
		{"searchTerm", map[string]any{"searchTerm": st.Users[7].Name}, url.Values{"searchTerm": {st.Users[7].Name}},
			func(u sandbox.User) bool {
				term := strings.ToLower(st.Users[7].Name)
				return strings.Contains(strings.ToLower(u.Name), term) || strings.Contains(strings.ToLower(u.Nickname), term) || strings.Contains(strings.ToLower(u.Email), term)
			}},
	}
	for _, c := range cases {
		var want []string
		for _, u := range st.Users {
			if c.want(u) {
				want = append(want, u.AccountID)
			}
		}
		// The generated org has one directory: directoryIds selects all,
		// and an unknown directory none (checked below).
		if len(want) == 0 || (len(want) == len(st.Users) && c.name != "directoryIds") {
			t.Fatalf("%s: the generated org should have some but not all users matching (%d of %d)", c.name, len(want), len(st.Users))
		}
		filter := map[string]any{"limit": 40}
		for k, v := range c.filter {
			filter[k] = v
		}
		if got := ids(h.searchAll(filter)); !slices.Equal(got, want) {
			t.Errorf("search by %s found %d users, want %d", c.name, len(got), len(want))
		}
		query := url.Values{"limit": {"40"}}
		for k, v := range c.query {
			query[k] = v
		}
		if got := h.listAllUsers("-", query); !slices.Equal(got, want) {
			t.Errorf("GET listing by %s found %d users, want %d", c.name, len(got), len(want))
		}
	}
}

// An unknown directory holds nobody.
func TestUsersSearchUnknownDirectoryIDs(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 10 })
	if got := h.searchAll(map[string]any{"directoryIds": []string{"no-such-directory"}}); len(got) != 0 {
		t.Fatalf("directoryIds [no-such-directory] found %v", ids(got))
	}
}

// TestUsersSearchExpands: groups, productAccess and counts.resources come
// only when expanded, in the document's shapes, and say what the
// organization holds.
func TestUsersSearchExpands(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 60; o.Groups = 8; o.Workspaces = 3 })
	st := h.env.Server.State()
	st.Users = sandbox.ListedUsers(st) // the accounts the API lists
	type expandedUser struct {
		AccountID string `json:"accountId"`
		Groups    *[]struct {
			ID   string  `json:"id"`
			Name *string `json:"name"`
		} `json:"groups"`
		ProductAccess *[]struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		} `json:"productAccess"`
		Counts *struct {
			Resources *int `json:"resources"`
		} `json:"counts"`
	}
	read := func(expand []string) []expandedUser {
		var out []expandedUser
		body := map[string]any{"limit": 100}
		if expand != nil {
			body["expand"] = expand
		}
		var page struct {
			Data []expandedUser `json:"data"`
		}
		h.call("POST", h.searchPath("-"), body).wantStatus(t, 200).decode(t, &page)
		out = append(out, page.Data...)
		if len(out) != len(st.Users) {
			t.Fatalf("read %d users of %d", len(out), len(st.Users))
		}
		return out
	}
	for _, u := range read(nil) {
		if u.Groups != nil || u.ProductAccess != nil || u.Counts != nil {
			t.Fatalf("%s: expanded fields without expand: %+v", u.AccountID, u)
		}
	}
	// What the state says: each user's groups, and the workspaces it holds
	// a role on, itself or through a group.
	groupsOf := map[string][]string{}
	workspacesOf := map[string]map[string]bool{}
	held := func(account, resource string) {
		if !slices.ContainsFunc(st.Workspaces, func(w sandbox.Workspace) bool { return w.ID == resource }) {
			return
		}
		if workspacesOf[account] == nil {
			workspacesOf[account] = map[string]bool{}
		}
		workspacesOf[account][resource] = true
	}
	for _, a := range st.UserRoleAssignments {
		held(a.AccountID, a.ResourceID)
	}
	for _, g := range st.Groups {
		for _, m := range g.MemberAccountIDs {
			groupsOf[m] = append(groupsOf[m], g.ID)
			for _, a := range st.GroupRoleAssignments {
				if a.GroupID == g.ID {
					held(m, a.ResourceID)
				}
			}
		}
	}
	keyOf := map[string]string{}
	for _, w := range st.Workspaces {
		keyOf[w.ID] = w.TypeKey
	}
	sawGroups, sawAccess := false, false
	for _, u := range read([]string{"groups", "productAccess", "counts.resources"}) {
		if u.Groups == nil || u.ProductAccess == nil || u.Counts == nil || u.Counts.Resources == nil {
			t.Fatalf("%s: an expand is missing: %+v", u.AccountID, u)
		}
		var gotGroups []string
		for _, g := range *u.Groups {
			gotGroups = append(gotGroups, g.ID)
		}
		want := slices.Sorted(slices.Values(groupsOf[u.AccountID]))
		if !slices.Equal(slices.Sorted(slices.Values(gotGroups)), want) {
			t.Fatalf("%s: groups %v, want %v", u.AccountID, gotGroups, want)
		}
		sawGroups = sawGroups || len(want) > 0
		if len(*u.ProductAccess) != len(workspacesOf[u.AccountID]) || *u.Counts.Resources != len(workspacesOf[u.AccountID]) {
			t.Fatalf("%s: productAccess %+v and counts.resources %d, want the %d workspaces it holds a role on",
				u.AccountID, *u.ProductAccess, *u.Counts.Resources, len(workspacesOf[u.AccountID]))
		}
		for _, p := range *u.ProductAccess {
			if !workspacesOf[u.AccountID][p.ID] || p.Key != keyOf[p.ID] {
				t.Fatalf("%s: productAccess %+v names a workspace it holds no role on, or the wrong key", u.AccountID, p)
			}
		}
		sawAccess = sawAccess || len(*u.ProductAccess) > 0
	}
	if !sawGroups || !sawAccess {
		t.Fatalf("the generated org should have users in groups (%v) and with product access (%v)", sawGroups, sawAccess)
	}
}

// TestGroupsSearchRefusesWhatTheDocumentRulesOut: the groups search's
// maxItems, uniqueItems and expand enum, and sortBy, which the sandbox does
// not implement.
func TestGroupsSearchRefusesWhatTheDocumentRulesOut(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 20; o.Groups = 4 })
	h.wantRefusals(t, h.groupsPath("-")+"/search", []refusal{
		{"11 accountIds", map[string]any{"accountIds": strs(11, "a%d")}, "accountIds"},
		{"11 groupIds", map[string]any{"groupIds": strs(11, "g%d")}, "groupIds"},
		{"101 groupNames", map[string]any{"groupNames": strs(101, "n%d")}, "groupNames"},
		{"repeated groupNames", map[string]any{"groupNames": []string{"n", "n"}}, "groupNames"},
		{"empty groupNames", map[string]any{"groupNames": []string{}}, "groupNames"},
		{"11 directoryIds", map[string]any{"directoryIds": strs(11, "d%d")}, "directoryIds"},
		{"11 roleIds", map[string]any{"roleIds": strs(11, "atlassian/r%d")}, "roleIds"},
		{"11 resourceOwners", map[string]any{"resourceOwners": strs(11, "o%d")}, "resourceOwners"},
		{"an expand outside the enum", map[string]any{"expand": []string{"counts.members"}}, "expand"},
		{"sortBy", map[string]any{"sortBy": []map[string]string{{"field": "name", "direction": "asc"}}}, "sortBy"},
	})
}

// TestGroupsSearchHonoursEveryFilter: groupNames is exact (case aside),
// roleIds, resourceOwners and directoryIds select what they say, and
// counts come only as expanded.
func TestGroupsSearchHonoursEveryFilter(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 60; o.Groups = 12; o.Workspaces = 3 })
	st := h.env.Server.State()
	g := st.Groups[4]
	byName := h.allGroups(nil, map[string]any{"groupNames": []string{strings.ToUpper(g.Name), "no such group"}})
	if len(byName) != 1 || byName[0].ID != g.ID {
		t.Fatalf("groupNames [%q] found %v, want %s", strings.ToUpper(g.Name), groupIDs(byName), g.ID)
	}
	if got := h.allGroups(nil, map[string]any{"groupNames": []string{g.Name[:len(g.Name)-1]}}); len(got) != 0 {
		t.Fatalf("a name's prefix found %v", groupIDs(got))
	}

	holding := func(pred func(a sandbox.GroupRoleAssignment) bool) []string {
		var out []string
		for _, a := range st.GroupRoleAssignments {
			if pred(a) {
				out = append(out, a.GroupID)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	a := st.GroupRoleAssignments[0]
	for name, c := range map[string]struct {
		body map[string]any
		want []string
	}{
		"roleIds": {map[string]any{"roleIds": []string{a.Role}}, holding(func(x sandbox.GroupRoleAssignment) bool { return x.Role == a.Role })},
		"resourceOwners": {map[string]any{"resourceOwners": []string{a.ResourceOwner}},
			holding(func(x sandbox.GroupRoleAssignment) bool { return x.ResourceOwner == a.ResourceOwner })},
		"roleIds and resourceIds on one role": {map[string]any{"roleIds": []string{a.Role}, "resourceIds": []string{a.ResourceID}},
			holding(func(x sandbox.GroupRoleAssignment) bool { return x.Role == a.Role && x.ResourceID == a.ResourceID })},
	} {
		if len(c.want) == 0 || len(c.want) == len(st.Groups) {
			t.Fatalf("%s: the generated org should have some but not all groups matching (%d of %d)", name, len(c.want), len(st.Groups))
		}
		c.body["limit"] = 3
		if got := groupIDs(h.allGroups(nil, c.body)); !slices.Equal(got, c.want) {
			t.Errorf("%s found %v, want %v", name, got, c.want)
		}
	}
	if got := h.allGroups(nil, map[string]any{"directoryIds": []string{"no-such-directory"}}); len(got) != 0 {
		t.Fatalf("an unknown directory's groups: %v", groupIDs(got))
	}
	if got := h.allGroups(nil, map[string]any{"directoryIds": []string{g.DirectoryID}}); !slices.Contains(groupIDs(got), g.ID) {
		t.Fatalf("directoryIds [%s] misses %s", g.DirectoryID, g.ID)
	}

	type countedGroup struct {
		ID     string `json:"id"`
		Counts *struct {
			Users     *int `json:"users"`
			Resources *int `json:"resources"`
		} `json:"counts"`
	}
	search := func(body map[string]any) countedGroup {
		var page struct {
			Data []countedGroup `json:"data"`
		}
		body["groupIds"] = []string{g.ID}
		h.call("POST", h.groupsPath("-")+"/search", body).wantStatus(t, 200).decode(t, &page)
		if len(page.Data) != 1 {
			t.Fatalf("groupIds [%s] found %d groups", g.ID, len(page.Data))
		}
		return page.Data[0]
	}
	if got := search(map[string]any{}); got.Counts != nil {
		t.Fatalf("counts without expand: %+v", got.Counts)
	}
	if got := search(map[string]any{"expand": []string{"counts.users"}}); got.Counts == nil || got.Counts.Users == nil ||
		*got.Counts.Users != len(g.MemberAccountIDs) || got.Counts.Resources != nil {
		t.Fatalf("expand counts.users: %+v, want users %d alone", got.Counts, len(g.MemberAccountIDs))
	}
	if got := search(map[string]any{"expand": []string{"counts.resources", "counts.users"}}); got.Counts == nil || got.Counts.Resources == nil || got.Counts.Users == nil {
		t.Fatalf("expand of both counts: %+v", got.Counts)
	}
}
