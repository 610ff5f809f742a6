package sandbox

import (
	"net/http"
	"slices"
	"time"
)

// roleOrgAdmin is the one role the organization role endpoints accept.
const roleOrgAdmin = "atlassian/org-admin"

// MaxOrgRoleConsistencyDelayMs is the longest the reference says an
// organization role change may take to show in role-assignment reads.
const MaxOrgRoleConsistencyDelayMs = 30000

// defaultOrgRoleConsistencyDelayMs is the delay of a fresh organization:
// short, yet long enough that a client reading back right after a write
// sees the stale answer the real service gives.
const defaultOrgRoleConsistencyDelayMs = 3000

// orgRoleChange is an organization role write not yet visible to reads:
// until visibleAt, reads show the assignment as it was before the write.
type orgRoleChange struct {
	visibleAt time.Time
	assigned  bool // the state after the write
}

// orgAdminAssignment is the platform assignment that makes a user an org admin.
func (d *store) orgAdminAssignment(accountID string) UserRoleAssignment {
	return UserRoleAssignment{AccountID: accountID, ResourceID: orgARI(d.st.Organization.ID), ResourceOwner: resourceOwnerPlatform, Role: roleOrgAdmin}
}

// isOrgAdmin reports the true, already consistent, org admin status.
func (d *store) isOrgAdmin(accountID string) bool {
	return slices.Contains(d.userRoles(accountID), d.orgAdminAssignment(accountID))
}

// visibleUserRoles is what role-assignment reads show of a user's
// assignments at now: the truth, except for an organization role change
// still within its consistency delay, which reads as not yet made.
func (d *store) visibleUserRoles(accountID string, now time.Time) []UserRoleAssignment {
	roles := d.userRoles(accountID)
	change, pending := d.orgRoleChanges[accountID]
	if !pending || !now.Before(change.visibleAt) {
		return roles
	}
	admin := d.orgAdminAssignment(accountID)
	if change.assigned {
		return slices.DeleteFunc(slices.Clone(roles), func(a UserRoleAssignment) bool { return a == admin })
	}
	if slices.Contains(roles, admin) {
		return roles
	}
	out := append(slices.Clone(roles), admin)
	slices.SortFunc(out, compareUserRoleAssignments)
	return out
}

// visiblePlatformRoles is the user object's platformRoles as reads show it.
func (d *store) visiblePlatformRoles(u *User, now time.Time) []string {
	if _, pending := d.orgRoleChanges[u.AccountID]; !pending {
		return slices.Clone(u.PlatformRoles)
	}
	out := []string{}
	for _, a := range d.visibleUserRoles(u.AccountID, now) {
		if a.ResourceOwner == resourceOwnerPlatform && !slices.Contains(out, a.Role) {
			out = append(out, a.Role)
		}
	}
	slices.Sort(out)
	return out
}

type orgRoleBody struct {
	Role string `json:"role"`
}

func (s *Server) assignOrgRole(w http.ResponseWriter, r *http.Request) error {
	return s.changeOrgRole(w, r, true)
}

func (s *Server) revokeOrgRole(w http.ResponseWriter, r *http.Request) error {
	return s.changeOrgRole(w, r, false)
}

// changeOrgRole is POST /v1/orgs/{orgId}/users/{accountId}/role-assignments/
// assign|revoke. The write is immediate; reads of it lag by the configured
// consistency delay. A repeated assign is 409-2, a revoke of a role not held
// is 404, and success is 204 with no body (the reference leaves it open).
func (s *Server) changeOrgRole(w http.ResponseWriter, r *http.Request, assign bool) error {
	var body orgRoleBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	accountID := r.PathValue("accountId")
	err := s.write(func(d *store) error {
		if body.Role == "" {
			return errBadRequest("role is required")
		}
		if body.Role != roleOrgAdmin {
			return errInvalidRole(body.Role, orgARI(d.st.Organization.ID))
		}
		u, err := d.lookupUser(accountID, "")
		if err != nil {
			return err
		}
		a := d.orgAdminAssignment(u.AccountID)
		if assign {
			if u.Status != statusActive {
				return errInactiveUser(accountID)
			}
			// The document gives this operation no 409: assigning a role the
			// user holds changes nothing and succeeds.
			if !d.addUserRole(a) {
				return nil
			}
			u.PlatformRoles = append(u.PlatformRoles, roleOrgAdmin)
			slices.Sort(u.PlatformRoles)
		} else {
			if !d.removeUserRole(a) {
				return errNotFound("user %s has no role %s", accountID, roleOrgAdmin)
			}
			u.PlatformRoles = slices.DeleteFunc(u.PlatformRoles, func(role string) bool { return role == roleOrgAdmin })
		}
		delay := time.Duration(d.st.Settings.OrgRoleConsistencyDelayMs) * time.Millisecond
		if delay > 0 {
			d.orgRoleChanges[u.AccountID] = orgRoleChange{visibleAt: time.Now().Add(delay), assigned: assign}
		} else {
			delete(d.orgRoleChanges, u.AccountID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
