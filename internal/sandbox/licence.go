package sandbox

// The licence model: a workspace's seats are taken by the distinct users who
// hold any role on it, directly or through a group. When
// settings.licence_limit is positive, no write may push a workspace above it.
// Writes that do not add a new holder are never refused, so an org seeded
// above its limit stays usable.

// accessHolders returns the distinct account ids holding a role on resourceID.
func (d *store) accessHolders(resourceID string) map[string]struct{} {
	holders := make(map[string]struct{})
	for _, a := range d.st.UserRoleAssignments {
		if a.ResourceID == resourceID {
			holders[a.AccountID] = struct{}{}
		}
	}
	for _, a := range d.st.GroupRoleAssignments {
		if a.ResourceID != resourceID {
			continue
		}
		if g, ok := d.group(a.GroupID); ok {
			for _, id := range g.MemberAccountIDs {
				holders[id] = struct{}{}
			}
		}
	}
	return holders
}

// groupWorkspaces lists the distinct workspaces a group holds a role on.
func (d *store) groupWorkspaces(groupID string) []string {
	var out []string
	for _, a := range d.groupRoles(groupID) {
		if _, ok := d.workspace(a.ResourceID); !ok {
			continue
		}
		if len(out) == 0 || out[len(out)-1] != a.ResourceID { // runs are sorted by resource
			out = append(out, a.ResourceID)
		}
	}
	return out
}

// checkLicence refuses (409-3) a write that would give newHolders access to
// any of resourceIDs beyond the licence limit.
func (d *store) checkLicence(resourceIDs []string, newHolders []string) *apiError {
	limit := d.st.Settings.LicenceLimit
	if limit <= 0 {
		return nil
	}
	for _, resourceID := range resourceIDs {
		holders := d.accessHolders(resourceID)
		before := len(holders)
		for _, id := range newHolders {
			holders[id] = struct{}{}
		}
		if len(holders) > before && len(holders) > limit {
			return errLicenceExceeded(resourceID, limit)
		}
	}
	return nil
}
