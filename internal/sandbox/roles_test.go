package sandbox_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func TestUserWorkspaceRoles(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	ws := st.Workspaces[1]
	u := pickUser(t, st, func(u sandbox.User) bool {
		if u.Status != "active" || u.AccountType != "atlassian" {
			return false
		}
		for _, a := range st.UserRoleAssignments {
			if a.AccountID == u.AccountID {
				return false
			}
		}
		// No roles through groups either: the listing then has one entry.
		for _, a := range st.GroupRoleAssignments {
			if slices.ContainsFunc(st.Groups, func(g sandbox.Group) bool {
				return g.ID == a.GroupID && slices.Contains(g.MemberAccountIDs, u.AccountID)
			}) {
				return false
			}
		}
		return true
	})
	body := func(role, resource string) map[string]string {
		return map[string]string{"role": role, "resource": resource}
	}
	assign := h.v1UserRolesPath(u.AccountID, "assign")
	revoke := h.v1UserRolesPath(u.AccountID, "revoke")

	for _, role := range []string{"atlassian/user", "atlassian/admin", "atlassian/user-access-admin", "atlassian/guest",
		"atlassian/contributor", "atlassian/customer", "atlassian/basic", "atlassian/stakeholder"} {
		h.call("POST", assign, body(role, ws.ID)).wantStatus(t, 204)
	}
	var page struct {
		Data []roleEntryJSON `json:"data"`
	}
	h.call("GET", h.userPath("-", u.AccountID)+"/role-assignments", nil).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].ResourceID != ws.ID || len(page.Data[0].Roles) != 8 || page.Data[0].ResourceOwner != ws.Type {
		t.Fatalf("assignments = %+v", page.Data)
	}

	h.call("POST", assign, body("atlassian/user", ws.ID)).wantError(t, 409, "ADMIN-UAM-409-2")
	for _, role := range []string{"atlassian/site-admin", "atlassian/org-admin", "atlassian/wizard", "admin"} {
		h.call("POST", assign, body(role, ws.ID)).wantError(t, 400, "ADMIN-UAM-400-3")
	}
	h.call("POST", assign, body("atlassian/user", "ari:cloud:jira::site/00000000-0000-4000-8000-000000000000")).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("POST", h.v1UserRolesPath("nobody", "assign"), body("atlassian/user", ws.ID)).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("POST", assign, map[string]string{"role": "atlassian/user"}).wantError(t, 400, "ADMIN-UAM-400-1")

	suspended := pickUser(t, st, func(u sandbox.User) bool { return u.Status == "suspended" })
	h.call("POST", h.v1UserRolesPath(suspended.AccountID, "assign"), body("atlassian/user", ws.ID)).wantError(t, 400, "ADMIN-UAM-400-2")

	h.call("POST", revoke, body("atlassian/guest", ws.ID)).wantStatus(t, 204)
	h.call("POST", revoke, body("atlassian/guest", ws.ID)).wantError(t, 404, "ADMIN-UAM-404-1")

	// Workspace role endpoints switched off by "Atlassian support".
	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"workspace_roles_enabled": false}).wantStatus(t, 200)
	e := h.call("POST", assign, body("atlassian/guest", ws.ID)).wantError(t, 403, "ADMIN-UAM-403-1")
	if !strings.Contains(e.Detail, "Atlassian support") {
		t.Fatalf("detail %q", e.Detail)
	}
	h.call("POST", revoke, body("atlassian/user", ws.ID)).wantError(t, 403, "ADMIN-UAM-403-1")
}

func TestGroupWorkspaceRoles(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	base := h.groupPath(h.dirID, g.ID) + "/role-assignments"
	body := func(resource, role string) map[string]string {
		return map[string]string{"resourceId": resource, "roleId": role}
	}

	h.env.Update(func(s *sandbox.State) error {
		s.GroupRoleAssignments = slices.DeleteFunc(s.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.GroupID == g.ID })
		return nil
	})
	for _, ws := range st.Workspaces {
		h.call("POST", base+"/assign", body(ws.ID, "atlassian/contributor")).wantStatus(t, 200)
	}
	h.call("POST", base+"/assign", body(st.Workspaces[0].ID, "atlassian/admin")).wantStatus(t, 200)

	var entries []roleEntryJSON
	cursor := ""
	for {
		path := h.groupPath("-", g.ID) + "/role-assignments?limit=2"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Data  []roleEntryJSON `json:"data"`
			Links linksJSON       `json:"links"`
		}
		h.call("GET", path, nil).wantStatus(t, 200).decode(t, &page)
		entries = append(entries, page.Data...)
		if page.Links.Next == "" {
			break
		}
		cursor = page.Links.Next
	}
	if len(entries) != len(st.Workspaces) {
		t.Fatalf("%d entries, want %d", len(entries), len(st.Workspaces))
	}
	for _, e := range entries {
		if e.DirectoryID != "" || len(e.Roles) == 0 { // the document gives a group's entries no directoryId
			t.Fatalf("entry %+v", e)
		}
		if e.ResourceID == st.Workspaces[0].ID && len(e.Roles) != 2 {
			t.Fatalf("first workspace roles %v", e.Roles)
		}
	}
	var one struct {
		Data groupJSON `json:"data"`
	}
	h.call("GET", h.groupPath("-", g.ID), nil).wantStatus(t, 200).decode(t, &one)
	if one.Data.Counts.Resources != len(st.Workspaces) {
		t.Fatalf("counts.resources = %d", one.Data.Counts.Resources)
	}

	// A role the group holds is assigned again without change (the
	// document's only 409 here is the licence limit).
	h.call("POST", base+"/assign", body(st.Workspaces[0].ID, "atlassian/admin")).wantStatus(t, 200)
	h.putSettings(map[string]any{"group_role_assign_returns_204": true})
	h.call("POST", base+"/assign", body(st.Workspaces[0].ID, "atlassian/admin")).wantStatus(t, 204)
	h.call("POST", base+"/assign", body(st.Workspaces[0].ID, "atlassian/site-admin")).wantError(t, 400, "ADMIN-UAM-400-3")
	h.call("POST", base+"/assign", body("ari:cloud:jira::site/unknown", "atlassian/user")).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("POST", h.groupPath(h.dirID, "missing")+"/role-assignments/assign", body(st.Workspaces[0].ID, "atlassian/user")).wantError(t, 404, "ADMIN-UAM-404-3")
	h.call("POST", h.groupPath("-", g.ID)+"/role-assignments/assign", body(st.Workspaces[0].ID, "atlassian/user")).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("GET", h.groupPath("-", "missing")+"/role-assignments", nil).wantError(t, 404, "ADMIN-UAM-404-3")

	h.call("POST", base+"/revoke", body(st.Workspaces[0].ID, "atlassian/admin")).wantStatus(t, 204)
	h.call("POST", base+"/revoke", body(st.Workspaces[0].ID, "atlassian/admin")).wantError(t, 404, "ADMIN-UAM-404-1")

	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"workspace_roles_enabled": false}).wantStatus(t, 200)
	h.call("POST", base+"/assign", body(st.Workspaces[0].ID, "atlassian/admin")).wantError(t, 403, "ADMIN-UAM-403-1")
	h.call("POST", base+"/revoke", body(st.Workspaces[0].ID, "atlassian/contributor")).wantError(t, 403, "ADMIN-UAM-403-1")
	// Listing is unaffected.
	h.call("GET", h.groupPath("-", g.ID)+"/role-assignments", nil).wantStatus(t, 200)
}
