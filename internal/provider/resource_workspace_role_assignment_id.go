package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// The id of an atlassian_workspace_role_assignment is
//
//	<workspace ARI>|<role>|user:<account id>
//	<workspace ARI>|<role>|group:<group id>
//
// for example
//
//	ari:cloud:jira::site/9e1f0c7a-…|atlassian/user|user:712020:5f3b…
//	ari:cloud:confluence::site/41d2…|atlassian/admin|group:0c1e…
//
// Workspace ARIs hold colons and slashes, account ids may hold a colon and
// roles a slash, so neither ":" nor "/" can separate the parts. "|" can:
// roles never contain it (they are one of access.WorkspaceRoles) and the
// schema refuses it in account and group ids. The id is therefore split from
// its right end: the principal after the last "|", the role before it, and
// the workspace ARI is whatever remains on the left, so even an ARI holding
// a "|" would round-trip. The principal type comes first in its part and its
// id is everything after the first ":", colons included.
//
// Import also accepts the baton grant id of the same assignment, as a
// ConductorOne sync or a .c1z file shows it:
//
//	workspace:<workspace ARI>:role:<role>:user:<account id>
//	workspace:<workspace ARI>:role:<role>:group:<group id>
const roleAssignmentIDSeparator = "|"

// asciiSpace is the white space of RE2's \s.
const asciiSpace = "\t\n\f\r "

// roleAssignmentID is the parsed composite id of a workspace role assignment.
type roleAssignmentID struct {
	WorkspaceID   string
	Role          string
	PrincipalType string // access.TypeUser or access.TypeGroup
	PrincipalID   string
}

// String formats the id; parseRoleAssignmentID reads it back.
func (id roleAssignmentID) String() string {
	return id.WorkspaceID + roleAssignmentIDSeparator + id.Role + roleAssignmentIDSeparator + id.PrincipalType + ":" + id.PrincipalID
}

func (id roleAssignmentID) principal() access.Principal {
	return access.Principal{Type: id.PrincipalType, ID: id.PrincipalID}
}

func (id roleAssignmentID) role() access.Role {
	return access.Role{WorkspaceID: id.WorkspaceID, Role: id.Role}
}

// roleAssignmentIDFormat is quoted in every parse error.
const roleAssignmentIDFormat = "<workspace ARI>|<role>|user:<account id> or <workspace ARI>|<role>|group:<group id>" +
	" (or the baton grant id workspace:<workspace ARI>:role:<role>:user:<account id>)"

// parseRoleAssignmentID reads a composite id (or a baton grant id), checking
// every part, and explains what is wrong with a malformed one.
func parseRoleAssignmentID(raw string) (roleAssignmentID, error) {
	// Trim exactly what the id patterns call white space (\s), so that
	// trimming can never eat a character a valid id ends with.
	s := strings.Trim(raw, asciiSpace)
	if s == "" {
		return roleAssignmentID{}, fmt.Errorf("the id is empty; expected %s", roleAssignmentIDFormat)
	}
	if !strings.Contains(s, roleAssignmentIDSeparator) && access.LooksLikeRoleGrantID(s) {
		return parseRoleAssignmentGrantID(s)
	}

	i := strings.LastIndex(s, roleAssignmentIDSeparator)
	if i < 0 {
		return roleAssignmentID{}, fmt.Errorf("%q has no %q separators; expected %s", raw, roleAssignmentIDSeparator, roleAssignmentIDFormat)
	}
	rest, principal := s[:i], s[i+1:]
	j := strings.LastIndex(rest, roleAssignmentIDSeparator)
	if j < 0 {
		return roleAssignmentID{}, fmt.Errorf("%q has one %q separator, not two; expected %s", raw, roleAssignmentIDSeparator, roleAssignmentIDFormat)
	}
	id := roleAssignmentID{WorkspaceID: rest[:j], Role: rest[j+1:]}

	principalType, principalID, ok := strings.Cut(principal, ":")
	switch {
	case !ok || (principalType != access.TypeUser && principalType != access.TypeGroup):
		return roleAssignmentID{}, fmt.Errorf("%q: the part after the last %q, %q, must be user:<account id> or group:<group id>",
			raw, roleAssignmentIDSeparator, principal)
	case principalID == "":
		return roleAssignmentID{}, fmt.Errorf("%q: the %s id after %q is empty", raw, principalType, principalType+":")
	}
	id.PrincipalType, id.PrincipalID = principalType, principalID
	if err := id.check(raw); err != nil {
		return roleAssignmentID{}, err
	}
	return id, nil
}

// parseRoleAssignmentGrantID reads a baton grant id of a workspace role.
func parseRoleAssignmentGrantID(s string) (roleAssignmentID, error) {
	principal, role, err := access.ParseRoleGrantID(s)
	if err != nil {
		return roleAssignmentID{}, fmt.Errorf("%q is not a workspace role grant id; expected %s", s, roleAssignmentIDFormat)
	}
	id := roleAssignmentID{
		WorkspaceID:   role.WorkspaceID,
		Role:          role.Role,
		PrincipalType: principal.Type,
		PrincipalID:   principal.ID,
	}
	if err := id.check(s); err != nil {
		return roleAssignmentID{}, err
	}
	return id, nil
}

// check applies the rules the schema applies to the same values, so an
// imported id can never hold what a configuration could not.
func (id roleAssignmentID) check(raw string) error {
	switch {
	case !workspaceARIPattern.MatchString(id.WorkspaceID):
		return fmt.Errorf("%q: the workspace %q is not a workspace ARI such as ari:cloud:jira::site/<uuid>", raw, id.WorkspaceID)
	case !slices.Contains(access.WorkspaceRoles, id.Role):
		return fmt.Errorf("%q: %q is not a workspace role; use one of %s", raw, id.Role, strings.Join(access.WorkspaceRoles, ", "))
	case !principalIDPattern.MatchString(id.PrincipalID):
		return fmt.Errorf("%q: the %s id %q must not contain white space or %q", raw, id.PrincipalType, id.PrincipalID, roleAssignmentIDSeparator)
	}
	return nil
}
