package sandbox_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

type groupPageJSON struct {
	Data  []groupJSON `json:"data"`
	Links linksJSON   `json:"links"`
}

// allGroups pages GET .../groups (or POST .../groups/search when body is
// non-nil) to the end.
func (h *harness) allGroups(query url.Values, body map[string]any) []groupJSON {
	h.t.Helper()
	var out []groupJSON
	cursor := ""
	for {
		var page groupPageJSON
		if body == nil {
			q := url.Values{}
			for k, v := range query {
				q[k] = v
			}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			h.call("GET", h.groupsPath("-")+"?"+q.Encode(), nil).wantStatus(h.t, 200).decode(h.t, &page)
		} else {
			b := map[string]any{}
			for k, v := range body {
				b[k] = v
			}
			if cursor != "" {
				b["cursor"] = cursor
			}
			h.call("POST", h.groupsPath("-")+"/search", b).wantStatus(h.t, 200).decode(h.t, &page)
		}
		out = append(out, page.Data...)
		if page.Links.Next == "" {
			return out
		}
		cursor = page.Links.Next
	}
}

func groupIDs(gs []groupJSON) []string {
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	return ids
}

func TestListAndSearchGroups(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Groups = 30 })
	st := h.env.Server.State()
	all := make([]string, len(st.Groups))
	for i, g := range st.Groups {
		all[i] = g.ID
	}

	// GET and POST search page through the same id-sorted groups.
	if got := groupIDs(h.allGroups(url.Values{"limit": {"4"}}, nil)); !slices.Equal(got, all) {
		t.Fatalf("GET paging: %d groups, want %d", len(got), len(all))
	}
	if got := groupIDs(h.allGroups(nil, map[string]any{"limit": 4})); !slices.Equal(got, all) {
		t.Fatalf("POST search paging: %d groups, want %d", len(got), len(all))
	}
	var first groupPageJSON
	h.call("GET", h.groupsPath("-"), nil).wantStatus(t, 200).decode(t, &first)
	if len(first.Data) != 20 || first.Links.Next == "" {
		t.Fatalf("default page: %d groups", len(first.Data))
	}

	// Group JSON.
	jsw := pickGroup(t, st, func(g sandbox.Group) bool { return g.Name == "jira-software-users" })
	var one struct {
		Data groupJSON `json:"data"`
	}
	h.call("GET", h.groupPath("-", jsw.ID), nil).wantStatus(t, 200).decode(t, &one)
	g := one.Data
	if g.Name != jsw.Name || g.DirectoryID != h.dirID || g.Counts.Users != len(jsw.MemberAccountIDs) || g.Counts.Resources != 1 ||
		!g.ManagementAccess.Readable || !g.ManagementAccess.Modifiable || g.ManagementAccess.Deletable || g.ManagedBy == "" || g.Links.Self == "" {
		t.Fatalf("group JSON = %+v", g)
	}
	synced := pickGroup(t, st, func(g sandbox.Group) bool { return g.ExternalSynced })
	h.call("GET", h.groupPath(h.dirID, synced.ID), nil).wantStatus(t, 200).decode(t, &one)
	if !one.Data.ExternalSynced || one.Data.ManagementAccess.Modifiable || one.Data.ManagementAccess.Deletable {
		t.Fatalf("synced group JSON = %+v", one.Data)
	}
	h.call("GET", h.groupPath("-", "missing"), nil).wantError(t, 404, "ADMIN-UAM-404-3")

	// Filters, via query and body.
	byName := func(sub string) []string {
		var ids []string
		for _, g := range st.Groups {
			if strings.Contains(strings.ToLower(g.Name), sub) {
				ids = append(ids, g.ID)
			}
		}
		return ids
	}
	if got, want := groupIDs(h.allGroups(url.Values{"searchTerm": {"FINANCE"}}, nil)), byName("finance"); !slices.Equal(got, want) || len(want) < 2 {
		t.Fatalf("searchTerm: %v, want %v", got, want)
	}
	if got, want := groupIDs(h.allGroups(nil, map[string]any{"searchTerm": "Finance"})), byName("finance"); !slices.Equal(got, want) {
		t.Fatalf("search body searchTerm: %v, want %v", got, want)
	}
	pick := []string{st.Groups[3].ID, st.Groups[1].ID}
	want := []string{st.Groups[1].ID, st.Groups[3].ID}
	if got := groupIDs(h.allGroups(url.Values{"groupIds": pick}, nil)); !slices.Equal(got, want) {
		t.Fatalf("repeated groupIds: %v", got)
	}
	if got := groupIDs(h.allGroups(nil, map[string]any{"groupIds": pick})); !slices.Equal(got, want) {
		t.Fatalf("body groupIds: %v", got)
	}
	member := st.Groups[5].MemberAccountIDs[0]
	var withMember []string
	for _, g := range st.Groups {
		if slices.Contains(g.MemberAccountIDs, member) {
			withMember = append(withMember, g.ID)
		}
	}
	if got := groupIDs(h.allGroups(url.Values{"accountIds": {member}}, nil)); !slices.Equal(got, withMember) {
		t.Fatalf("accountIds: %v, want %v", got, withMember)
	}
	if got := groupIDs(h.allGroups(nil, map[string]any{"accountIds": []string{member}})); !slices.Equal(got, withMember) {
		t.Fatalf("body accountIds: %v, want %v", got, withMember)
	}

	h.call("GET", h.groupsPath("-")+"?limit=101", nil).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("GET", h.groupsPath("-")+"?cursor=garbage", nil).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.groupsPath("-")+"/search", map[string]any{"limit": 0}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.groupsPath("-")+"/search", map[string]any{"groupIds": slices.Repeat([]string{"x"}, 11)}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.groupsPath("-")+"/search", "{not json").wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("GET", h.groupsPath("nope"), nil).wantError(t, 404, "ADMIN-UAM-404-1")
}

func TestCreateAndDeleteGroup(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()

	createdID := h.createGroup("platform-team", "Platform")
	var created struct {
		Data groupJSON `json:"data"`
	}
	h.call("GET", h.groupPath("-", createdID), nil).wantStatus(t, 200).decode(t, &created)
	if created.Data.ID != createdID || created.Data.Name != "platform-team" || created.Data.Description != "Platform" ||
		created.Data.DirectoryID != h.dirID || created.Data.Counts.Users != 0 || !created.Data.ManagementAccess.Deletable {
		t.Fatalf("created = %+v", created.Data)
	}

	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "PLATFORM-team"}).wantError(t, 409, "ADMIN-UAM-409-2")
	// Names are unique within a directory: another directory may hold one
	// of the same name.
	const other = "0f5c3b9e-2a7d-4e61-8c4f-6d2b1a9e3c70"
	h.env.Update(func(st *sandbox.State) error {
		st.Directories = append(st.Directories, sandbox.Directory{ID: other, Name: "Contractors"})
		return nil
	})
	h.call("POST", h.groupsPath(other), map[string]string{"name": "PLATFORM-team"}).wantStatus(t, 201)
	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "  "}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.groupsPath(h.dirID), map[string]string{}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": strings.Repeat("x", 256)}).wantError(t, 400, "ADMIN-UAM-400-1")
	e := h.call("POST", h.groupsPath("-"), map[string]string{"name": "via-dash"}).wantError(t, 400, "ADMIN-UAM-400-1")
	if !strings.Contains(e.Detail, "directoryId") {
		t.Fatalf("detail %q does not mention the directory id", e.Detail)
	}
	h.call("POST", h.groupsPath("nope"), map[string]string{"name": "x"}).wantError(t, 404, "ADMIN-UAM-404-1")

	// The other plausible answers: the new group as the body, a Location
	// header naming it.
	h.putSettings(map[string]any{"create_group_returns_body": true, "create_group_location": true})
	var withBody struct {
		Data groupJSON `json:"data"`
	}
	r := h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "talkative"}).wantStatus(t, 201)
	r.decode(t, &withBody)
	if withBody.Data.ID == "" || withBody.Data.Name != "talkative" {
		t.Fatalf("created = %+v", withBody.Data)
	}
	if loc := r.header.Get("Location"); !strings.HasSuffix(loc, h.groupPath(h.dirID, withBody.Data.ID)) {
		t.Fatalf("Location = %q, want the new group's path", loc)
	}

	h.call("DELETE", h.groupPath(h.dirID, createdID), nil).wantStatus(t, 204)
	h.call("GET", h.groupPath("-", createdID), nil).wantError(t, 404, "ADMIN-UAM-404-3")
	h.call("DELETE", h.groupPath(h.dirID, createdID), nil).wantError(t, 404, "ADMIN-UAM-404-3")

	synced := pickGroup(t, st, func(g sandbox.Group) bool { return g.ExternalSynced })
	e = h.call("DELETE", h.groupPath(h.dirID, synced.ID), nil).wantError(t, 403, "ADMIN-UAM-403-1")
	if !strings.Contains(e.Detail, "identity provider") {
		t.Fatalf("detail %q", e.Detail)
	}
	def := pickGroup(t, st, func(g sandbox.Group) bool { return g.Default })
	h.call("DELETE", h.groupPath(h.dirID, def.ID), nil).wantError(t, 403, "ADMIN-UAM-403-1")
	ordinary := pickGroup(t, st, ordinaryGroup)
	h.call("DELETE", h.groupPath("-", ordinary.ID), nil).wantError(t, 400, "ADMIN-UAM-400-1")

	// Deleting a group drops its role assignments.
	withRole := pickGroup(t, st, func(g sandbox.Group) bool {
		if !ordinaryGroup(g) {
			return false
		}
		for _, a := range st.GroupRoleAssignments {
			if a.GroupID == g.ID {
				return true
			}
		}
		return false
	})
	h.call("DELETE", h.groupPath(h.dirID, withRole.ID), nil).wantStatus(t, 204)
	for _, a := range h.env.Server.State().GroupRoleAssignments {
		if a.GroupID == withRole.ID {
			t.Fatal("role assignment of a deleted group survived")
		}
	}
}

// TestGroupsSearchResourceIDs: the search's resourceIds keeps the groups
// that hold a role on one of the resources themselves, page after page.
func TestGroupsSearchResourceIDs(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users = 60; o.Groups = 12; o.Workspaces = 3 })
	st := h.env.Server.State()
	ws := st.Workspaces[0].ID
	var want []string
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == ws {
			want = append(want, a.GroupID)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) < 2 || len(want) == len(st.Groups) {
		t.Fatalf("the generated org should have some but not all groups holding a role on %s: %d of %d", ws, len(want), len(st.Groups))
	}
	var got []string
	for _, g := range h.allGroups(nil, map[string]any{"resourceIds": []string{ws}, "limit": 1}) {
		got = append(got, g.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("resourceIds [%s] found groups %v, want %v", ws, got, want)
	}
	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = ws
	}
	h.call("POST", h.groupsPath("-")+"/search", map[string]any{"resourceIds": tooMany}).wantError(t, 400, "ADMIN-UAM-400-1")
}
