package sandbox

import (
	"slices"
	"strings"
)

// store is the live organization: a normalized State plus the position
// indexes that let every request find a user, group or workspace in O(1) and
// page with binary search instead of scanning or re-sorting. All access goes
// through Server.mu.
type store struct {
	st State

	userPos      map[string]int // account id -> index in st.Users
	groupPos     map[string]int // group id -> index in st.Groups
	workspacePos map[string]int // workspace ARI -> index in st.Workspaces
	directories  map[string]bool

	// orgRoleChanges are the organization role writes still within their
	// consistency delay, by account id (see visibleUserRoles). A state
	// replaced from outside starts with none: it is consistent at once.
	orgRoleChanges map[string]orgRoleChange
}

// newStore normalizes st (which the store then owns) and indexes it.
func newStore(st State) (*store, error) {
	if err := checkAndCanonicalize(&st); err != nil {
		return nil, err
	}
	s := &store{st: st, orgRoleChanges: map[string]orgRoleChange{}}
	s.reindex()
	return s, nil
}

func (s *store) reindex() {
	s.directories = make(map[string]bool, len(s.st.Directories))
	for _, d := range s.st.Directories {
		s.directories[d.ID] = true
	}
	s.userPos = make(map[string]int, len(s.st.Users))
	for i, u := range s.st.Users {
		s.userPos[u.AccountID] = i
	}
	s.workspacePos = make(map[string]int, len(s.st.Workspaces))
	for i, w := range s.st.Workspaces {
		s.workspacePos[w.ID] = i
	}
	s.reindexGroups()
}

// reindexGroups is needed after a group is inserted or deleted, since both
// shift the positions of the groups after it. Groups are few, so this is cheap.
func (s *store) reindexGroups() {
	s.groupPos = make(map[string]int, len(s.st.Groups))
	for i, g := range s.st.Groups {
		s.groupPos[g.ID] = i
	}
}

func (s *store) user(accountID string) (*User, bool) {
	i, ok := s.userPos[accountID]
	if !ok {
		return nil, false
	}
	return &s.st.Users[i], true
}

func (s *store) group(groupID string) (*Group, bool) {
	i, ok := s.groupPos[groupID]
	if !ok {
		return nil, false
	}
	return &s.st.Groups[i], true
}

func (s *store) workspace(id string) (*Workspace, bool) {
	i, ok := s.workspacePos[id]
	if !ok {
		return nil, false
	}
	return &s.st.Workspaces[i], true
}

func (s *store) hasDirectory(id string) bool { return s.directories[id] }

// groupByName finds a group of a directory by case-insensitive name, as the
// duplicate-name rule of create group requires. Names are unique within a
// directory: an organization with several directories can hold two groups
// of one name.
func (s *store) groupByName(directoryID, name string) (*Group, bool) {
	for i := range s.st.Groups {
		if s.st.Groups[i].DirectoryID == directoryID && strings.EqualFold(s.st.Groups[i].Name, name) {
			return &s.st.Groups[i], true
		}
	}
	return nil, false
}

// insertGroup adds a group at its sorted position.
func (s *store) insertGroup(g Group) {
	i, _ := slices.BinarySearchFunc(s.st.Groups, g.ID, func(x Group, id string) int { return strings.Compare(x.ID, id) })
	s.st.Groups = slices.Insert(s.st.Groups, i, g)
	s.reindexGroups()
}

// deleteGroup removes a group and the role assignments it held.
func (s *store) deleteGroup(groupID string) {
	i, ok := s.groupPos[groupID]
	if !ok {
		return
	}
	s.st.Groups = slices.Delete(s.st.Groups, i, i+1)
	s.st.GroupRoleAssignments = slices.DeleteFunc(s.st.GroupRoleAssignments, func(a GroupRoleAssignment) bool { return a.GroupID == groupID })
	s.reindexGroups()
}

// isMember reports whether accountID is in the group's sorted member list.
func isMember(g *Group, accountID string) bool {
	_, found := slices.BinarySearch(g.MemberAccountIDs, accountID)
	return found
}

// addMember inserts accountID into the group's sorted member list; it reports
// false when the user was already a member.
func addMember(g *Group, accountID string) bool {
	i, found := slices.BinarySearch(g.MemberAccountIDs, accountID)
	if found {
		return false
	}
	g.MemberAccountIDs = slices.Insert(g.MemberAccountIDs, i, accountID)
	return true
}

// removeMember deletes accountID from the group; false when it was not there.
func removeMember(g *Group, accountID string) bool {
	i, found := slices.BinarySearch(g.MemberAccountIDs, accountID)
	if !found {
		return false
	}
	g.MemberAccountIDs = slices.Delete(g.MemberAccountIDs, i, i+1)
	return true
}

// userRoles returns the user's assignments: a contiguous run of the sorted
// slice, ordered by resource then role. The result aliases the store.
func (s *store) userRoles(accountID string) []UserRoleAssignment {
	all := s.st.UserRoleAssignments
	lo, _ := slices.BinarySearchFunc(all, accountID, func(a UserRoleAssignment, id string) int { return strings.Compare(a.AccountID, id) })
	hi := lo
	for hi < len(all) && all[hi].AccountID == accountID {
		hi++
	}
	return all[lo:hi]
}

// groupRoles is userRoles for a group.
func (s *store) groupRoles(groupID string) []GroupRoleAssignment {
	all := s.st.GroupRoleAssignments
	lo, _ := slices.BinarySearchFunc(all, groupID, func(a GroupRoleAssignment, id string) int { return strings.Compare(a.GroupID, id) })
	hi := lo
	for hi < len(all) && all[hi].GroupID == groupID {
		hi++
	}
	return all[lo:hi]
}

// addUserRole inserts an assignment in sorted order; false if it exists.
func (s *store) addUserRole(a UserRoleAssignment) bool {
	i, found := slices.BinarySearchFunc(s.st.UserRoleAssignments, a, compareUserRoleAssignments)
	if found {
		return false
	}
	s.st.UserRoleAssignments = slices.Insert(s.st.UserRoleAssignments, i, a)
	return true
}

// removeUserRole deletes an assignment; false if it did not exist.
func (s *store) removeUserRole(a UserRoleAssignment) bool {
	i, found := slices.BinarySearchFunc(s.st.UserRoleAssignments, a, compareUserRoleAssignments)
	if !found {
		return false
	}
	s.st.UserRoleAssignments = slices.Delete(s.st.UserRoleAssignments, i, i+1)
	return true
}

func (s *store) addGroupRole(a GroupRoleAssignment) bool {
	i, found := slices.BinarySearchFunc(s.st.GroupRoleAssignments, a, compareGroupRoleAssignments)
	if found {
		return false
	}
	s.st.GroupRoleAssignments = slices.Insert(s.st.GroupRoleAssignments, i, a)
	return true
}

func (s *store) removeGroupRole(a GroupRoleAssignment) bool {
	i, found := slices.BinarySearchFunc(s.st.GroupRoleAssignments, a, compareGroupRoleAssignments)
	if !found {
		return false
	}
	s.st.GroupRoleAssignments = slices.Delete(s.st.GroupRoleAssignments, i, i+1)
	return true
}

// groupResourceCounts returns, per group id, how many distinct resources the
// group holds a role on (the group object's counts.resources).
func (s *store) groupResourceCounts() map[string]int {
	counts := make(map[string]int)
	var prev GroupRoleAssignment
	for i, a := range s.st.GroupRoleAssignments {
		if i == 0 || a.GroupID != prev.GroupID || a.ResourceID != prev.ResourceID {
			counts[a.GroupID]++
		}
		prev = a
	}
	return counts
}
