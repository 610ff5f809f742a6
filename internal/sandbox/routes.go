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
	s.handle("GET "+v1Org, envelopeV1, s.getOrganization)

	s.handle("GET "+v2Directory+"/users", envelopeV2, s.listUsers)
	s.handle("GET "+v2User, envelopeV2, s.getUser)
	s.handle("GET "+v2User+"/role-assignments", envelopeV2, s.listUserRoleAssignments)
	s.handle("POST "+v2User+"/suspend", envelopeV2Write, s.suspendUser)
	s.handle("POST "+v2User+"/restore", envelopeV2Write, s.restoreUser)

	s.handle("GET "+v2Directory+"/groups", envelopeV2, s.listGroups)
	s.handle("POST "+v2Directory+"/groups/search", envelopeV2, s.searchGroups)
	s.handle("POST "+v2Directory+"/groups", envelopeV2Write, s.createGroup)
	s.handle("GET "+v2Group, envelopeV2, s.getGroup)
	s.handle("DELETE "+v2Group, envelopeV2Write, s.deleteGroup)

	s.handle("POST "+v2Group+"/memberships", envelopeV2Write, s.addMember)
	s.handle("DELETE "+v2Group+"/memberships/{accountId}", envelopeV2Write, s.removeMember)

	s.handle("GET "+v2Group+"/role-assignments", envelopeV2, s.listGroupRoleAssignments)
	s.handle("POST "+v2Group+"/role-assignments/assign", envelopeV2Write, s.assignGroupRole)
	s.handle("POST "+v2Group+"/role-assignments/revoke", envelopeV2Write, s.revokeGroupRole)

	s.handle("POST "+v1Org+"/users/{accountId}/roles/assign", envelopeV1, s.assignUserRole)
	s.handle("POST "+v1Org+"/users/{accountId}/roles/revoke", envelopeV1, s.revokeUserRole)

	s.handle("POST "+v1Org+"/users/{accountId}/role-assignments/assign", envelopeV1, s.assignOrgRole)
	s.handle("POST "+v1Org+"/users/{accountId}/role-assignments/revoke", envelopeV1, s.revokeOrgRole)

	s.handle("POST /admin/v2/orgs/{orgId}/workspaces", envelopeUnwrapped, s.listWorkspaces)

	s.handle("POST "+v2Directory+"/users/search", envelopeV2, s.searchUsers)
	s.handle("GET /admin/v2/orgs/{orgId}/directories", envelopeV2, s.listDirectories)
	s.handle("DELETE "+v2User, envelopeV2Write, s.removeFromDirectory)
	s.handle("POST /admin/v2/orgs/{orgId}/users/invite", envelopeV2, s.inviteUsers)
}
