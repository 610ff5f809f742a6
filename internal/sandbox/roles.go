package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// resourceOwnerPlatform owns org-level roles (resource = the org ARI).
const resourceOwnerPlatform = "platform"

// Roles that may be granted on a workspace. Site and org admin exist but are
// not workspace roles: granting them on a workspace is ADMIN-UAM-400-3.
var workspaceRoles = map[string]bool{
	"atlassian/user":              true,
	"atlassian/admin":             true,
	"atlassian/user-access-admin": true,
	"atlassian/guest":             true,
	"atlassian/contributor":       true,
	"atlassian/customer":          true,
	"atlassian/basic":             true,
	"atlassian/stakeholder":       true,
}

// orgARI is the resource id of org-level (platform) role assignments.
func orgARI(orgID string) string { return "ari:cloud:platform::org/" + orgID }

// roleAssignmentEntry is one item of the role-assignment listings: every
// role a principal holds on one resource.
//
// A user's listing also carries roleAssignments: each role with how the user
// holds it (method "direct" for its own grant, "group_direct" through a
// group), and roles, which the reference marks deprecated, names the direct
// ones only. A group's listing has no roleAssignments.
type roleAssignmentEntry struct {
	ResourceID      string              `json:"resourceId"`
	ResourceOwner   string              `json:"resourceOwner"`
	Roles           []string            `json:"roles"`
	RoleAssignments []roleHeldByMethods `json:"roleAssignments,omitempty"`
	// DirectoryID is in a user's listing only: the document gives a
	// group's listing no directoryId.
	DirectoryID string `json:"directoryId,omitempty"`
}

// roleHeldByMethods is one item of an entry's roleAssignments.
type roleHeldByMethods struct {
	Role    string   `json:"role"`
	Methods []string `json:"roleAssignmentMethods"`
}

// How a user holds a role, as the user listing's roleAssignmentMethods say.
const (
	methodDirect      = "direct"
	methodGroupDirect = "group_direct"
)

type roleAssignmentPage struct {
	Data  []roleAssignmentEntry `json:"data"`
	Links pageLinks             `json:"links"`
}

// roleRow is what both listings need from an assignment. method is empty in
// a group's listing and in the legacy user listing shape, which carry no
// roleAssignments.
type roleRow struct{ resourceID, owner, role, method string }

// compareRoleRows orders rows by resource, then role, then method, with
// direct first (the order the entries' methods are listed in).
func compareRoleRows(a, b roleRow) int {
	if c := strings.Compare(a.resourceID, b.resourceID); c != 0 {
		return c
	}
	if c := strings.Compare(a.role, b.role); c != 0 {
		return c
	}
	return strings.Compare(a.method, b.method)
}

// pageRoleRows groups rows (sorted by resource, then role) into one entry per
// resource and returns the page after the cursor key.
func pageRoleRows(rows []roleRow, after string, limit int, directoryID string, kind cursorKind) ([]roleAssignmentEntry, string) {
	start := 0
	if after != "" {
		start, _ = slices.BinarySearchFunc(rows, after, func(row roleRow, key string) int { return strings.Compare(row.resourceID, key) })
		for start < len(rows) && rows[start].resourceID == after {
			start++
		}
	}
	entries := make([]roleAssignmentEntry, 0, min(limit, len(rows)-start))
	for i := start; i < len(rows); {
		if len(entries) == limit {
			return entries, encodeCursor(kind, entries[limit-1].ResourceID, nil)
		}
		entry := roleAssignmentEntry{ResourceID: rows[i].resourceID, ResourceOwner: rows[i].owner, DirectoryID: directoryID, Roles: []string{}}
		for ; i < len(rows) && rows[i].resourceID == entry.ResourceID; i++ {
			row := rows[i]
			if row.method == "" {
				entry.Roles = append(entry.Roles, row.role)
				continue
			}
			if row.method == methodDirect {
				entry.Roles = append(entry.Roles, row.role)
			}
			if n := len(entry.RoleAssignments); n > 0 && entry.RoleAssignments[n-1].Role == row.role {
				if !slices.Contains(entry.RoleAssignments[n-1].Methods, row.method) {
					entry.RoleAssignments[n-1].Methods = append(entry.RoleAssignments[n-1].Methods, row.method)
				}
				continue
			}
			entry.RoleAssignments = append(entry.RoleAssignments, roleHeldByMethods{Role: row.role, Methods: []string{row.method}})
		}
		entries = append(entries, entry)
	}
	return entries, ""
}

func (s *Server) listUserRoleAssignments(w http.ResponseWriter, r *http.Request) error {
	return s.serveRoleAssignments(w, r, cursorUserRoles, func(d *store, dirID string) ([]roleRow, string, *apiError) {
		u, err := d.lookupUser(r.PathValue("accountId"), dirID)
		if err != nil {
			return nil, "", err
		}
		return d.userRoleRows(u.AccountID, time.Now()), u.DirectoryID, nil
	})
}

// userRoleRows are the rows of a user's role listing, sorted: its own
// assignments (as the organization role consistency delay shows them) and,
// unless Settings.UserRolesLegacyShape, the roles of every group it is a
// member of, each with its method.
func (d *store) userRoleRows(accountID string, now time.Time) []roleRow {
	legacy := d.st.Settings.UserRolesLegacyShape
	direct := methodDirect
	if legacy {
		direct = ""
	}
	var rows []roleRow
	for _, a := range d.visibleUserRoles(accountID, now) {
		rows = append(rows, roleRow{a.ResourceID, a.ResourceOwner, a.Role, direct})
	}
	if legacy {
		return rows
	}
	for i := range d.st.Groups {
		g := &d.st.Groups[i]
		if !isMember(g, accountID) {
			continue
		}
		for _, a := range d.groupRoles(g.ID) {
			rows = append(rows, roleRow{a.ResourceID, a.ResourceOwner, a.Role, methodGroupDirect})
		}
	}
	slices.SortFunc(rows, compareRoleRows)
	return slices.CompactFunc(rows, func(a, b roleRow) bool { return compareRoleRows(a, b) == 0 })
}

func (s *Server) listGroupRoleAssignments(w http.ResponseWriter, r *http.Request) error {
	return s.serveRoleAssignments(w, r, cursorGroupRoles, func(d *store, dirID string) ([]roleRow, string, *apiError) {
		g, err := d.lookupGroup(r.PathValue("groupId"), dirID)
		if err != nil {
			return nil, "", err
		}
		assignments := d.groupRoles(g.ID)
		rows := make([]roleRow, len(assignments))
		for i, a := range assignments {
			rows[i] = roleRow{a.ResourceID, a.ResourceOwner, a.Role, ""}
		}
		return rows, "", nil
	})
}

// serveRoleAssignments is the one page-serving path of both role-assignment
// listings: directory, limit and cursor are checked in the same order, and
// rowsOf picks the principal's assignments and its directory.
func (s *Server) serveRoleAssignments(w http.ResponseWriter, r *http.Request, kind cursorKind,
	rowsOf func(d *store, dirID string) ([]roleRow, string, *apiError),
) error {
	q := r.URL.Query()
	var page roleAssignmentPage
	err := s.read(func(d *store) error {
		dirID, err := d.readDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		limit, err := parseLimit(q)
		if err != nil {
			return err
		}
		pos, err := decodeCursor(kind, q.Get("cursor"))
		if err != nil {
			return err
		}
		rows, directoryID, lookupErr := rowsOf(d, dirID)
		if lookupErr != nil {
			return lookupErr
		}
		page.Data, page.Links.Next = pageRoleRows(rows, pos.after, limit, directoryID, kind)
		page.Links.Self = selfLink(r)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// workspaceGrant is a validated (resource, role) pair for a workspace.
type workspaceGrant struct {
	workspace *Workspace
	role      string
}

// validateWorkspaceGrant checks the resource exists (404-1) and the role is
// a workspace role (400-3).
func (d *store) validateWorkspaceGrant(resourceID, role string) (workspaceGrant, *apiError) {
	if resourceID == "" || role == "" {
		return workspaceGrant{}, errBadRequest("both a resource and a role are required")
	}
	ws, ok := d.workspace(resourceID)
	if !ok {
		return workspaceGrant{}, errNotFound("resource %s not found", resourceID)
	}
	if !workspaceRoles[role] {
		return workspaceGrant{}, errInvalidRole(role, resourceID)
	}
	return workspaceGrant{workspace: ws, role: role}, nil
}

// requireWorkspaceRoles answers 403 when Atlassian support has not enabled
// the workspace role endpoints for the organization.
func (d *store) requireWorkspaceRoles() *apiError {
	if !d.st.Settings.WorkspaceRolesEnabled {
		return errForbidden(detailWorkspaceRolesOff)
	}
	return nil
}

type userRoleBody struct {
	Role     string `json:"role"`
	Resource string `json:"resource"`
}

func (s *Server) assignUserRole(w http.ResponseWriter, r *http.Request) error {
	return s.changeUserRole(w, r, true)
}

func (s *Server) revokeUserRole(w http.ResponseWriter, r *http.Request) error {
	return s.changeUserRole(w, r, false)
}

// changeUserRole is the v1 POST .../users/{accountId}/roles/assign|revoke.
func (s *Server) changeUserRole(w http.ResponseWriter, r *http.Request, assign bool) error {
	var body userRoleBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	accountID := r.PathValue("accountId")
	err := s.write(func(d *store) error {
		if err := d.requireWorkspaceRoles(); err != nil {
			return err
		}
		u, err := d.lookupUser(accountID, "")
		if err != nil {
			return err
		}
		grant, err := d.validateWorkspaceGrant(body.Resource, body.Role)
		if err != nil {
			return err
		}
		a := UserRoleAssignment{AccountID: u.AccountID, ResourceID: grant.workspace.ID, ResourceOwner: grant.workspace.Type, Role: grant.role}
		if !assign {
			if !slices.Contains(d.userRoles(u.AccountID), a) {
				return errNotFound("user %s has no role %s on %s", accountID, a.Role, a.ResourceID)
			}
			s.journalUserRoles(d, u.AccountID)
			d.removeUserRole(a)
			return nil
		}
		if u.Status != statusActive {
			return errInactiveUser(accountID)
		}
		if slices.Contains(d.userRoles(u.AccountID), a) {
			return errConflict("user %s already has role %s on %s", accountID, a.Role, a.ResourceID)
		}
		if err := d.checkLicence([]string{a.ResourceID}, []string{u.AccountID}); err != nil {
			return err
		}
		s.journalUserRoles(d, u.AccountID)
		d.addUserRole(a)
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type groupRoleBody struct {
	ResourceID string `json:"resourceId"`
	RoleID     string `json:"roleId"`
}

func (s *Server) assignGroupRole(w http.ResponseWriter, r *http.Request) error {
	return s.changeGroupRole(w, r, true)
}

func (s *Server) revokeGroupRole(w http.ResponseWriter, r *http.Request) error {
	return s.changeGroupRole(w, r, false)
}

// changeGroupRole is POST .../groups/{groupId}/role-assignments/assign|revoke.
// Granting a role to a group grants access to all its members, so it is
// subject to the licence limit too.
func (s *Server) changeGroupRole(w http.ResponseWriter, r *http.Request, assign bool) error {
	var body groupRoleBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	err := s.write(func(d *store) error {
		if err := d.requireWorkspaceRoles(); err != nil {
			return err
		}
		dirID, err := d.writeDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		g, err := d.lookupGroup(r.PathValue("groupId"), dirID)
		if err != nil {
			return err
		}
		grant, err := d.validateWorkspaceGrant(body.ResourceID, body.RoleID)
		if err != nil {
			return err
		}
		a := GroupRoleAssignment{GroupID: g.ID, ResourceID: grant.workspace.ID, ResourceOwner: grant.workspace.Type, Role: grant.role}
		if !assign {
			if !slices.Contains(d.groupRoles(g.ID), a) {
				return errNotFound("group %s has no role %s on %s", g.ID, a.Role, a.ResourceID)
			}
			s.journalGroupRoles(d, g.ID)
			d.removeGroupRole(a)
			return nil
		}
		// The document's only 409 here is the licence limit: a role the
		// group already holds is granted again, which changes nothing.
		if slices.Contains(d.groupRoles(g.ID), a) {
			return nil
		}
		if err := d.checkLicence([]string{a.ResourceID}, g.MemberAccountIDs); err != nil {
			return err
		}
		s.journalGroupRoles(d, g.ID)
		d.addGroupRole(a)
		return nil
	})
	if err != nil {
		return err
	}
	// Documented: assign answers 200 and revoke 204, neither with a body.
	if assign && !s.Settings().GroupRoleAssignReturns204 {
		w.WriteHeader(http.StatusOK)
		return nil
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
