package sandbox

// Route templates. They double as the keys of Stats.ByRoute and of
// Faults.Routes, so they are spelled exactly like the reference's paths.
const (
	v1Org       = "/admin/v1/orgs/{orgId}"
	v2Directory = "/admin/v2/orgs/{orgId}/directories/{dirId}"
	v2User      = v2Directory + "/users/{accountId}"
	v2Group     = v2Directory + "/groups/{groupId}"
)

func (s *Server) registerAdminRoutes() {
	s.handle("GET "+v1Org, styleNumericStatus, s.getOrganization)

	s.handle("GET "+v2Directory+"/users", styleNumericStatus, s.listUsers)
	s.handle("GET "+v2User, styleNumericStatus, s.getUser)
	s.handle("GET "+v2User+"/role-assignments", styleNumericStatus, s.listUserRoleAssignments)
	s.handle("POST "+v2User+"/suspend", styleNumericStatus, s.suspendUser)
	s.handle("POST "+v2User+"/restore", styleNumericStatus, s.restoreUser)

	s.handle("GET "+v2Directory+"/groups", styleNumericStatus, s.listGroups)
	s.handle("POST "+v2Directory+"/groups/search", styleNumericStatus, s.searchGroups)
	s.handle("POST "+v2Directory+"/groups", styleNumericStatus, s.createGroup)
	s.handle("GET "+v2Group, styleNumericStatus, s.getGroup)
	s.handle("DELETE "+v2Group, styleNumericStatus, s.deleteGroup)

	// Membership endpoints answer 4xx with a string status, the variant a
	// client is most likely to trip over.
	s.handle("POST "+v2Group+"/memberships", styleStringStatus, s.addMember)
	s.handle("DELETE "+v2Group+"/memberships/{accountId}", styleStringStatus, s.removeMember)

	s.handle("GET "+v2Group+"/role-assignments", styleNumericStatus, s.listGroupRoleAssignments)
	s.handle("POST "+v2Group+"/role-assignments/assign", styleNumericStatus, s.assignGroupRole)
	s.handle("POST "+v2Group+"/role-assignments/revoke", styleNumericStatus, s.revokeGroupRole)

	s.handle("POST "+v1Org+"/users/{accountId}/roles/assign", styleNumericStatus, s.assignUserRole)
	s.handle("POST "+v1Org+"/users/{accountId}/roles/revoke", styleNumericStatus, s.revokeUserRole)

	s.handle("POST "+v1Org+"/users/{accountId}/role-assignments/assign", styleNumericStatus, s.assignOrgRole)
	s.handle("POST "+v1Org+"/users/{accountId}/role-assignments/revoke", styleNumericStatus, s.revokeOrgRole)

	s.handle("POST /admin/v2/orgs/{orgId}/workspaces", styleUnwrapped, s.listWorkspaces)

	s.handle("POST "+v2Directory+"/users/search", styleNumericStatus, s.searchUsers)
	s.handle("GET /admin/v2/orgs/{orgId}/directories", styleNumericStatus, s.listDirectories)
	s.handle("DELETE "+v2User, styleNumericStatus, s.removeFromDirectory)
	s.handle("POST /admin/v2/orgs/{orgId}/users/invite", styleNumericStatus, s.inviteUsers)
}
