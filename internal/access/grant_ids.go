package access

import (
	"errors"
	"slices"
	"strings"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// WorkspaceRoles are the roles a workspace grants, as the connector names
// its entitlements.
var WorkspaceRoles = slices.Clone(connector.WorkspaceRoles)

// LooksLikeRoleGrantID reports whether s starts like a workspace role's
// baton grant id (and so should be read with ParseRoleGrantID).
func LooksLikeRoleGrantID(s string) bool { return strings.HasPrefix(s, TypeWorkspace+":") }

// errNotRoleGrantID is what ParseRoleGrantID refuses.
var errNotRoleGrantID = errors.New("not the grant id of a workspace role")

// ParseRoleGrantID reads the baton grant id of a workspace role.
func ParseRoleGrantID(s string) (Principal, Role, error) {
	ref, err := connector.ParseGrantID(s)
	if err != nil || ref.Entitlement.ResourceType != TypeWorkspace || ref.Entitlement.Role() == "" {
		return Principal{}, Role{}, errNotRoleGrantID
	}
	return Principal{Type: ref.PrincipalType, ID: ref.PrincipalID},
		Role{WorkspaceID: ref.Entitlement.ResourceID, Role: ref.Entitlement.Role()}, nil
}
