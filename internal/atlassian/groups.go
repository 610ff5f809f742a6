package atlassian

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"path"
	"strings"
)

const (
	routeGroups               = "/v2/orgs/{orgId}/directories/{directoryId}/groups"
	routeGroupsSearch         = "/v2/orgs/{orgId}/directories/{directoryId}/groups/search"
	routeGroup                = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}"
	routeGroupMemberships     = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships"
	routeGroupMembership      = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}"
	routeGroupRoleAssignments = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments"
	routeGroupRoleAssign      = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign"
	routeGroupRoleRevoke      = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/revoke"
)

// SearchGroupsPage reads one page of groups with POST .../groups/search (the
// GET listing is deprecated). Filters, limit and cursor travel in the JSON
// body; the filters are sent again with every cursor.
func (c *Client) SearchGroupsPage(ctx context.Context, directoryID string, filter GroupFilter, cursor string) (Page[Group], error) {
	body := struct {
		SearchTerm  string   `json:"searchTerm,omitempty"`
		GroupNames  []string `json:"groupNames,omitempty"`
		GroupIDs    []string `json:"groupIds,omitempty"`
		AccountIDs  []string `json:"accountIds,omitempty"`
		ResourceIDs []string `json:"resourceIds,omitempty"`
		Limit       int      `json:"limit"`
		Cursor      string   `json:"cursor,omitempty"`
	}{filter.SearchTerm, filter.GroupNames, filter.GroupIDs, filter.AccountIDs, filter.ResourceIDs, c.pageSize, cursor}
	var out listResponse[Group]
	err := c.do(ctx, request{
		method: http.MethodPost, route: routeGroupsSearch,
		path: pathf(routeGroupsSearch, c.orgID, directoryID), body: body, replaySafe: true,
	}, &out)
	return pageOf(out), err
}

// SearchGroups walks every page of a groups search, resending its filters
// with each cursor.
func (c *Client) SearchGroups(ctx context.Context, directoryID string, filter GroupFilter) iter.Seq2[Group, error] {
	return All(ctx, func(ctx context.Context, cursor string) (Page[Group], error) {
		return c.SearchGroupsPage(ctx, directoryID, filter, cursor)
	})
}

// GetGroup reads one group; an unknown id is ErrNotFound.
func (c *Client) GetGroup(ctx context.Context, directoryID, groupID string) (*Group, error) {
	var out struct {
		Data Group `json:"data"`
	}
	err := c.do(ctx, request{
		method: http.MethodGet, route: routeGroup,
		path: pathf(routeGroup, c.orgID, directoryID, groupID), replaySafe: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out.Data, nil
}

// CreateGroup creates a group in a real directory. The document gives the
// 201 no body; the group is learnt from a body should one come, else from a
// Location header naming it, else by looking its name up.
func (c *Client) CreateGroup(ctx context.Context, directoryID, name, description string) (*Group, error) {
	body := struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
	}{name, description}
	// A body, when one comes, is either {data: Group} or the bare Group.
	var out struct {
		Data *Group `json:"data"`
		Group
	}
	var header http.Header
	// Not replay-safe: a create that reached Atlassian before the connection
	// dropped would come back as a name conflict on the second try. The
	// caller, which knows whether the name was free before, decides.
	err := c.do(ctx, request{
		method: http.MethodPost, route: routeGroups,
		path: pathf(routeGroups, c.orgID, directoryID), body: body, answerHeader: &header,
	}, &out)
	if err != nil {
		return nil, err
	}
	if out.Data != nil && out.Data.ID != "" {
		return out.Data, nil
	}
	if out.ID != "" {
		return &out.Group, nil
	}
	if id := groupIDFromLocation(header.Get("Location")); id != "" {
		return &Group{ID: id, Name: name, Description: description, DirectoryID: directoryID}, nil
	}
	g, err := c.FindGroupByName(ctx, directoryID, name)
	if errors.Is(err, ErrNotFound) && !errors.Is(err, ErrOrganizationNotFound) {
		return nil, &APIError{
			Method: http.MethodPost, Route: routeGroups, StatusCode: http.StatusCreated,
			Detail: fmt.Sprintf("group %q was created, but reads do not show it yet", name),
			kinds:  []error{ErrCreatedNotVisible},
		}
	}
	return g, err
}

// groupIDFromLocation is the group id a Location header names
// (.../groups/{groupId}), or "" when it names none.
func groupIDFromLocation(location string) string {
	if location == "" {
		return ""
	}
	u, err := url.Parse(location)
	if err != nil {
		return ""
	}
	// Split the escaped path, so that an escaped slash stays in the id.
	parent, escapedID := path.Split(strings.TrimSuffix(u.EscapedPath(), "/"))
	id, err := url.PathUnescape(escapedID)
	if err != nil || !strings.HasSuffix(parent, "/groups/") || id == "" {
		return ""
	}
	return id
}

// FindGroupByName returns the group whose name equals name (Atlassian group
// names are case-insensitive), or ErrNotFound. It asks the groups search for
// the exact name (groupNames); the name is compared again, so a server that
// matched more loosely cannot hand back another group.
func (c *Client) FindGroupByName(ctx context.Context, directoryID, name string) (*Group, error) {
	for g, err := range c.SearchGroups(ctx, directoryID, GroupFilter{GroupNames: []string{name}}) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(g.Name, name) {
			return &g, nil
		}
	}
	return nil, &APIError{
		Method: http.MethodPost, Route: routeGroupsSearch, StatusCode: http.StatusNotFound,
		Detail: fmt.Sprintf("no group is named %q", name), kinds: []error{ErrNotFound},
	}
}

// DeleteGroup deletes a group. Deleting one that is already gone is
// ErrNotFound, which callers deleting on purpose may take as success.
func (c *Client) DeleteGroup(ctx context.Context, directoryID, groupID string) error {
	return c.do(ctx, request{
		method: http.MethodDelete, route: routeGroup,
		path: pathf(routeGroup, c.orgID, directoryID, groupID), replaySafe: true,
	}, nil)
}

// AddGroupMember adds an account to a group; directoryID must be the
// group's real directory. A repeated add is ErrAlreadyExists (409
// ADMIN-UAM-409-2) or, on some tenants, a plain success; a full licence is
// ErrLicenceLimit.
func (c *Client) AddGroupMember(ctx context.Context, directoryID, groupID, accountID string) error {
	if err := requireRealDirectory(directoryID); err != nil {
		return err
	}
	err := c.do(ctx, request{
		method: http.MethodPost, route: routeGroupMemberships,
		path: pathf(routeGroupMemberships, c.orgID, directoryID, groupID),
		body: map[string]string{"accountId": accountID}, replaySafe: true,
	}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict || errors.Is(err, ErrAlreadyExists) || errors.Is(err, ErrLicenceLimit) {
		return err
	}
	// The document's 409 here means the account is a member already or a
	// licence is full, and promises no code to tell which: a read does.
	member, readErr := c.isGroupMember(ctx, groupID, accountID)
	switch {
	case readErr != nil:
		apiErr.Detail = firstNonEmpty(apiErr.Detail, "conflict") + "; reading whether the account is a member already failed too: " + readErr.Error()
	case member:
		apiErr.kinds = append(apiErr.kinds, ErrAlreadyExists)
	default:
		apiErr.kinds = append(apiErr.kinds, ErrLicenceLimit)
		apiErr.Hint = licenceHint
	}
	return err
}

// isGroupMember reads whether an account is in a group, with one users
// search narrowed to both.
func (c *Client) isGroupMember(ctx context.Context, groupID, accountID string) (bool, error) {
	page, err := c.SearchUsersPage(ctx, AllDirectories, UserSearch{AccountIDs: []string{accountID}, GroupIDs: []string{groupID}}, "")
	if err != nil {
		return false, err
	}
	for _, u := range page.Items {
		if u.AccountID == accountID {
			return true, nil
		}
	}
	return false, nil
}

// RemoveGroupMember removes an account from a group; removing a non-member
// is ErrNotFound.
func (c *Client) RemoveGroupMember(ctx context.Context, directoryID, groupID, accountID string) error {
	if err := requireRealDirectory(directoryID); err != nil {
		return err
	}
	return c.do(ctx, request{
		method: http.MethodDelete, route: routeGroupMembership,
		path: pathf(routeGroupMembership, c.orgID, directoryID, groupID, accountID), replaySafe: true,
	}, nil)
}

// ListGroupRoleAssignmentsPage reads one page of a group's role assignments.
func (c *Client) ListGroupRoleAssignmentsPage(ctx context.Context, directoryID, groupID, cursor string) (Page[RoleAssignment], error) {
	var out listResponse[RoleAssignment]
	err := c.do(ctx, request{
		method: http.MethodGet, route: routeGroupRoleAssignments,
		path:  pathf(routeGroupRoleAssignments, c.orgID, directoryID, groupID),
		query: c.pageQuery(cursor), replaySafe: true,
	}, &out)
	return pageOf(out), err
}

// GroupRoleAssignments lists all of a group's role assignments.
func (c *Client) GroupRoleAssignments(ctx context.Context, directoryID, groupID string) iter.Seq2[RoleAssignment, error] {
	return All(ctx, func(ctx context.Context, cursor string) (Page[RoleAssignment], error) {
		return c.ListGroupRoleAssignmentsPage(ctx, directoryID, groupID, cursor)
	})
}

// AssignGroupRole gives a group a role on a resource (a workspace ARI).
func (c *Client) AssignGroupRole(ctx context.Context, directoryID, groupID, resourceID, roleID string) error {
	return c.groupRole(ctx, routeGroupRoleAssign, directoryID, groupID, resourceID, roleID)
}

// RevokeGroupRole takes a role on a resource away from a group.
func (c *Client) RevokeGroupRole(ctx context.Context, directoryID, groupID, resourceID, roleID string) error {
	return c.groupRole(ctx, routeGroupRoleRevoke, directoryID, groupID, resourceID, roleID)
}

func (c *Client) groupRole(ctx context.Context, route, directoryID, groupID, resourceID, roleID string) error {
	if err := requireRealDirectory(directoryID); err != nil {
		return err
	}
	return c.do(ctx, request{
		method: http.MethodPost, route: route,
		path: pathf(route, c.orgID, directoryID, groupID),
		body: map[string]string{"resourceId": resourceID, "roleId": roleID}, replaySafe: true,
	}, nil)
}

// errAllDirectoriesWrite is returned before sending a write through "-",
// which Atlassian refuses.
var errAllDirectoriesWrite = errors.New("atlassian: group writes need the group's real directory id, not \"-\"")

func requireRealDirectory(directoryID string) error {
	if directoryID == "" || directoryID == AllDirectories {
		return errAllDirectoriesWrite
	}
	return nil
}
