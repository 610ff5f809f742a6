package atlassian

import (
	"context"
	"iter"
	"net/http"
)

const (
	routeDirectories = "/v2/orgs/{orgId}/directories"
)

// Directory is a user directory of the organization. Writes to users and
// groups need its real id in their path.
type Directory struct {
	ID   string `json:"directoryId"`
	Name string `json:"name"`
	Icon string `json:"icon,omitempty"`
}

// ListDirectoriesPage reads one page of the organization's directories.
func (c *Client) ListDirectoriesPage(ctx context.Context, cursor string) (Page[Directory], error) {
	var out listResponse[Directory]
	err := c.do(ctx, request{
		method: http.MethodGet, route: routeDirectories,
		path: pathf(routeDirectories, c.orgID), query: c.pageQuery(cursor), replaySafe: true,
	}, &out)
	return pageOf(out), err
}

// Directories lists every directory of the organization.
func (c *Client) Directories(ctx context.Context) iter.Seq2[Directory, error] {
	return All(ctx, c.ListDirectoriesPage)
}

// RemoveFromDirectory removes an account from a directory (its real id, not
// AllDirectories): the account loses every group and role of the
// organization and can only come back through a new invitation. Atlassian
// offers no way to undo it. Removing an account that is not there is
// ErrNotFound, which is why a retry of this call is safe.
func (c *Client) RemoveFromDirectory(ctx context.Context, directoryID, accountID string) error {
	return c.do(ctx, request{
		method: http.MethodDelete, route: routeUser,
		path: pathf(routeUser, c.orgID, directoryID, accountID), replaySafe: true,
	}, nil)
}

// AccountDirectories lists the directories that hold an account (none when
// there is no such account).
func (c *Client) AccountDirectories(ctx context.Context, accountID string) iter.Seq2[Directory, error] {
	return All(ctx, func(ctx context.Context, cursor string) (Page[Directory], error) {
		q := c.pageQuery(cursor)
		q.Set("accountId", accountID)
		var out listResponse[Directory]
		err := c.do(ctx, request{
			method: http.MethodGet, route: routeDirectories,
			path: pathf(routeDirectories, c.orgID), query: q, replaySafe: true,
		}, &out)
		return pageOf(out), err
	})
}
