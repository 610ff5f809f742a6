package sandbox_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

type searchedUserJSON struct {
	userJSON
	PlatformRoles *[]string `json:"platformRoles"`
	MFAEnabled    *bool     `json:"mfaEnabled"`
}

type searchPage struct {
	Data  []searchedUserJSON `json:"data"`
	Links linksJSON          `json:"links"`
}

func (h *harness) searchPath(dirID string) string { return h.usersPath(dirID) + "/search" }

// searchAll pages a users search to its end, resending the filters with
// each cursor as the reference says, and returns the account ids.
func (h *harness) searchAll(filters map[string]any) []searchedUserJSON {
	h.t.Helper()
	var out []searchedUserJSON
	body := map[string]any{}
	for k, v := range filters {
		body[k] = v
	}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			h.t.Fatal("the search never ends")
		}
		var page searchPage
		h.call("POST", h.searchPath("-"), body).wantStatus(h.t, 200).decode(h.t, &page)
		out = append(out, page.Data...)
		if page.Links.Next == "" {
			return out
		}
		body["cursor"] = page.Links.Next
	}
}

func ids(users []searchedUserJSON) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.AccountID
	}
	return out
}

func TestUsersSearchPagesWithResentFilters(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 250 })
	st := h.env.Server.State()
	var active []string
	for _, u := range sandbox.ListedUsers(st) {
		if u.Status == "active" {
			active = append(active, u.AccountID)
		}
	}
	got := ids(h.searchAll(map[string]any{"status": []string{"active"}, "limit": 7}))
	if !slices.Equal(got, active) {
		t.Fatalf("search of active users paged %d ids, want the %d active ones in id order", len(got), len(active))
	}

	var first searchPage
	h.call("POST", h.searchPath("-"), map[string]any{"status": []string{"active"}, "limit": 7}).wantStatus(t, 200).decode(t, &first)
	if first.Links.Next == "" {
		t.Fatal("no next page")
	}
	// The cursor alone, or with other filters, is refused: the filters
	// must be resent.
	item := h.call("POST", h.searchPath("-"), map[string]any{"cursor": first.Links.Next}).wantError(t, 400, "ADMIN-UAM-400-1")
	if !strings.Contains(item.Detail, "same filters") {
		t.Fatalf("detail = %q", item.Detail)
	}
	h.call("POST", h.searchPath("-"), map[string]any{"cursor": first.Links.Next, "status": []string{"suspended"}}).wantError(t, 400, "ADMIN-UAM-400-1")
	// A different limit with the same filters is fine.
	h.call("POST", h.searchPath("-"), map[string]any{"cursor": first.Links.Next, "status": []string{"active"}, "limit": 3}).wantStatus(t, 200)
	// A GET listing's cursor is not a search cursor.
	var listed struct {
		Links linksJSON `json:"links"`
	}
	h.call("GET", h.usersPath("-")+"?limit=5", nil).wantStatus(t, 200).decode(t, &listed)
	h.call("POST", h.searchPath("-"), map[string]any{"cursor": listed.Links.Next}).wantError(t, 400, "ADMIN-UAM-400-1")
}

func TestUsersSearchFilters(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 120 })
	st := h.env.Server.State()
	var person, admin sandbox.User
	var mfa []string
	for _, u := range st.Users {
		if u.MFAEnabled {
			mfa = append(mfa, u.AccountID)
		}
		if u.Email != "" && person.AccountID == "" {
			person = u
		}
		if len(u.PlatformRoles) > 0 && admin.AccountID == "" {
			admin = u
		}
	}
	if len(mfa) == 0 || len(mfa) == len(st.Users) || admin.AccountID == "" {
		t.Fatalf("the generated org should mix MFA states and have a platform role holder: %d of %d with MFA", len(mfa), len(st.Users))
	}

	// emails is exact and case-insensitive.
	found := h.searchAll(map[string]any{"emails": []string{strings.ToUpper(person.Email)}})
	if len(found) != 1 || found[0].AccountID != person.AccountID {
		t.Fatalf("emails search = %v, want %s", ids(found), person.AccountID)
	}
	if found[0].MFAEnabled == nil || *found[0].MFAEnabled != person.MFAEnabled {
		t.Fatalf("mfaEnabled = %v, want %v", found[0].MFAEnabled, person.MFAEnabled)
	}
	if found[0].PlatformRoles != nil {
		t.Fatal("platformRoles without expand")
	}
	if got := h.searchAll(map[string]any{"emails": []string{person.Email[1:]}}); len(got) != 0 {
		t.Fatalf("a partial email matched %v", ids(got))
	}
	h.call("POST", h.searchPath("-"), map[string]any{"emails": []string{person.Email}, "searchTerm": "x"}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.searchPath("-"), map[string]any{"expand": []string{"everything"}}).wantError(t, 400, "ADMIN-UAM-400-1")

	if got := ids(h.searchAll(map[string]any{"mfaEnabled": true, "limit": 100})); !slices.Equal(got, mfa) {
		t.Fatalf("mfaEnabled search found %d, want %d", len(got), len(mfa))
	}

	expanded := h.searchAll(map[string]any{"accountIds": []string{admin.AccountID}, "expand": []string{"platformRoles"}})
	if len(expanded) != 1 || expanded[0].PlatformRoles == nil || !slices.Equal(*expanded[0].PlatformRoles, admin.PlatformRoles) {
		t.Fatalf("expanded search = %+v, want platform roles %v", expanded, admin.PlatformRoles)
	}
	role := admin.PlatformRoles[0]
	var holders []string
	for _, u := range st.Users {
		if slices.Contains(u.PlatformRoles, role) {
			holders = append(holders, u.AccountID)
		}
	}
	if got := ids(h.searchAll(map[string]any{"roleIds": []string{role}})); !slices.Equal(got, holders) {
		t.Fatalf("roleIds %s found %v, want %v", role, got, holders)
	}
	// The body is JSON; a wrong type names the field.
	raw, _ := json.Marshal(map[string]any{"mfaEnabled": "yes"})
	h.call("POST", h.searchPath("-"), string(raw)).wantError(t, 400, "ADMIN-UAM-400-1")
}

// TestUsersSearchResourceIDs: resourceIds finds the accounts that hold a
// role on the resource themselves, and, only when the organization is set
// to, those that hold one through a group as well; more than the search
// takes is refused.
func TestUsersSearchResourceIDs(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 120; o.Groups = 10; o.Workspaces = 3 })
	// A few accounts hold a role on the workspace themselves.
	var ws string
	if err := h.env.Server.Update(func(st *sandbox.State) error {
		w := st.Workspaces[0]
		ws = w.ID
		for _, u := range st.Users[:5] {
			st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{AccountID: u.AccountID, ResourceID: w.ID, ResourceOwner: w.Type, Role: "atlassian/user"})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st := h.env.Server.State()
	direct := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == ws {
			direct[a.AccountID] = true
		}
	}
	throughGroups := map[string]bool{}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID != ws {
			continue
		}
		for _, g := range st.Groups {
			if g.ID == a.GroupID {
				for _, m := range g.MemberAccountIDs {
					throughGroups[m] = true
				}
			}
		}
	}
	groupOnly := 0
	for id := range throughGroups {
		if !direct[id] {
			groupOnly++
		}
	}
	if len(direct) == 0 || len(direct) == len(st.Users) || groupOnly == 0 {
		t.Fatalf("the generated org should have some but not all accounts holding a role on %s directly (%d of %d) and some only through a group (%d)",
			ws, len(direct), len(st.Users), groupOnly)
	}
	sorted := func(set ...map[string]bool) []string {
		var out []string
		for _, s := range set {
			for id := range s {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}

	if got, want := ids(h.searchAll(map[string]any{"resourceIds": []string{ws}, "limit": 17})), sorted(direct); !slices.Equal(got, want) {
		t.Fatalf("resourceIds [%s] found %d accounts, want the %d holding a role on it themselves", ws, len(got), len(want))
	}
	if err := h.env.Server.Update(func(st *sandbox.State) error {
		st.Settings.SearchFindsGroupAccess = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := ids(h.searchAll(map[string]any{"resourceIds": []string{ws}, "limit": 17})), sorted(direct, throughGroups); !slices.Equal(got, want) {
		t.Fatalf("with group access, resourceIds [%s] found %d accounts, want %d", ws, len(got), len(want))
	}

	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = ws
	}
	h.call("POST", h.searchPath("-"), map[string]any{"resourceIds": tooMany}).wantError(t, 400, "ADMIN-UAM-400-1")
}
