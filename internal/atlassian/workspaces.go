package atlassian

import (
	"context"
	"iter"
	"net/http"
)

const (
	routeWorkspaces     = "/v2/orgs/{orgId}/workspaces"
	routeUserRoleAssign = "/v1/orgs/{orgId}/users/{accountId}/roles/assign"
	routeUserRoleRevoke = "/v1/orgs/{orgId}/users/{accountId}/roles/revoke"
)

// WorkspacePageMeta is the `meta` object of a workspace listing.
type WorkspacePageMeta struct {
	PageSize   int `json:"pageSize"`
	StartIndex int `json:"startIndex"`
	EndIndex   int `json:"endIndex"`
	Total      int `json:"total"`
}

// ListWorkspacesPage reads one page of workspaces. The first page is asked
// with an empty body; later ones with the cursor alone, as the API refuses a
// cursor next to any other field.
func (c *Client) ListWorkspacesPage(ctx context.Context, cursor string) (Page[Workspace], WorkspacePageMeta, error) {
	body := map[string]string{}
	if cursor != "" {
		body["cursor"] = cursor
	}
	var out struct {
		listResponse[Workspace]
		Meta WorkspacePageMeta `json:"meta"`
	}
	err := c.do(ctx, request{
		method: http.MethodPost, route: routeWorkspaces,
		path: pathf(routeWorkspaces, c.orgID), body: body, replaySafe: true,
	}, &out)
	return pageOf(out.listResponse), out.Meta, err
}

// Workspaces lists every workspace of the organization.
func (c *Client) Workspaces(ctx context.Context) iter.Seq2[Workspace, error] {
	return All(ctx, func(ctx context.Context, cursor string) (Page[Workspace], error) {
		page, _, err := c.ListWorkspacesPage(ctx, cursor)
		return page, err
	})
}

// AssignUserRole gives a user a role (such as atlassian/user) on a workspace
// ARI. It answers 403 where Atlassian support has not enabled the workspace
// role endpoints for the organization.
func (c *Client) AssignUserRole(ctx context.Context, accountID, role, resourceID string) error {
	return c.userRole(ctx, routeUserRoleAssign, accountID, role, resourceID)
}

// RevokeUserRole takes a role on a workspace away from a user.
func (c *Client) RevokeUserRole(ctx context.Context, accountID, role, resourceID string) error {
	return c.userRole(ctx, routeUserRoleRevoke, accountID, role, resourceID)
}

func (c *Client) userRole(ctx context.Context, route, accountID, role, resourceID string) error {
	return c.do(ctx, request{
		method: http.MethodPost, route: route,
		path: pathf(route, c.orgID, accountID),
		body: map[string]string{"role": role, "resource": resourceID}, replaySafe: true,
	}, nil)
}
