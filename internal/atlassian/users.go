package atlassian

import (
	"context"
	"iter"
	"net/http"
	"slices"
)

const (
	routeUser                = "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"
	routeUserRoleAssignments = "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments"
	routeUserSuspend         = "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend"
	routeUserRestore         = "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore"
)

// MaxGroupIDsPerSearch is how many groupIds one users search may filter
// by (the document's maxItems).
const MaxGroupIDsPerSearch = 10

// GroupMembers lists every member of a group: the users search filtered by
// groupIds.
func (c *Client) GroupMembers(ctx context.Context, groupID string) iter.Seq2[User, error] {
	return c.SearchUsers(ctx, AllDirectories, UserSearch{GroupIDs: []string{groupID}, ProductAccess: true})
}

// GetUser reads one user; an unknown account id is ErrNotFound.
func (c *Client) GetUser(ctx context.Context, directoryID, accountID string) (*User, error) {
	var out struct {
		Data User `json:"data"`
	}
	err := c.do(ctx, request{
		method: http.MethodGet, route: routeUser,
		path: pathf(routeUser, c.orgID, directoryID, accountID), replaySafe: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out.Data, nil
}

// ListUserRoleAssignmentsPage reads one page of a user's role assignments:
// the roles the user holds itself. The listing may also name roles the user
// holds through a group or that are inferred; those are not the user's own
// grants and are left out (see ownRoles), and an item left with none is
// dropped, so a page may hold fewer items than the server sent.
func (c *Client) ListUserRoleAssignmentsPage(ctx context.Context, directoryID, accountID, cursor string) (Page[RoleAssignment], error) {
	page, err := c.listUserRoleListingPage(ctx, directoryID, accountID, cursor)
	own := Page[RoleAssignment]{Next: page.Next, Items: make([]RoleAssignment, 0, len(page.Items))}
	for _, item := range page.Items {
		a := item.RoleAssignment
		a.Roles = item.ownRoles()
		if len(a.Roles) > 0 {
			own.Items = append(own.Items, a)
		}
	}
	return own, err
}

// listUserRoleListingPage reads one page of a user's role listing as the
// server sent it, every item kept.
func (c *Client) listUserRoleListingPage(ctx context.Context, directoryID, accountID, cursor string) (Page[userRoleListingItem], error) {
	var out listResponse[userRoleListingItem]
	err := c.do(ctx, request{
		method: http.MethodGet, route: routeUserRoleAssignments,
		path:  pathf(routeUserRoleAssignments, c.orgID, directoryID, accountID),
		query: c.pageQuery(cursor), replaySafe: true,
	}, &out)
	return pageOf(out), err
}

// userRoleListingItem is one item of a user's role listing. The reference
// gives two shapes: an older one with roles alone, and one where roles is
// deprecated and roleAssignments says how the user holds each role.
type userRoleListingItem struct {
	RoleAssignment
	// RoleAssignments is nil when the server sent none (the older shape).
	RoleAssignments *[]roleHeldBy `json:"roleAssignments"`
}

// roleHeldBy is one role of an item and the ways the user holds it.
type roleHeldBy struct {
	Role    string   `json:"role"`
	Methods []string `json:"roleAssignmentMethods"`
}

// roleMethodDirect is the one method that makes a role the user's own
// grant; "group_direct" (through a group) and "inferred" do not, nor does
// a method this client does not know.
const roleMethodDirect = "direct"

// ownRoles are the roles of an item the user holds itself: with
// roleAssignments, those whose methods include direct; without, roles.
func (item userRoleListingItem) ownRoles() []string {
	if item.RoleAssignments == nil {
		return item.Roles
	}
	var own []string
	for _, held := range *item.RoleAssignments {
		if held.Role != "" && slices.Contains(held.Methods, roleMethodDirect) && !slices.Contains(own, held.Role) {
			own = append(own, held.Role)
		}
	}
	return own
}

// UserRoleAssignments lists all of a user's role assignments.
func (c *Client) UserRoleAssignments(ctx context.Context, directoryID, accountID string) iter.Seq2[RoleAssignment, error] {
	return All(ctx, func(ctx context.Context, cursor string) (Page[RoleAssignment], error) {
		return c.ListUserRoleAssignmentsPage(ctx, directoryID, accountID, cursor)
	})
}

// SuspendUser suspends a user's access in a directory.
func (c *Client) SuspendUser(ctx context.Context, directoryID, accountID string) error {
	return c.do(ctx, request{
		method: http.MethodPost, route: routeUserSuspend,
		path: pathf(routeUserSuspend, c.orgID, directoryID, accountID), replaySafe: true,
	}, nil)
}

// RestoreUser restores a suspended user's access in a directory.
func (c *Client) RestoreUser(ctx context.Context, directoryID, accountID string) error {
	return c.do(ctx, request{
		method: http.MethodPost, route: routeUserRestore,
		path: pathf(routeUserRestore, c.orgID, directoryID, accountID), replaySafe: true,
	}, nil)
}
