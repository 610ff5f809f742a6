package atlassian

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

const (
	routeOrgRoleAssign = "/v1/orgs/{orgId}/users/{accountId}/role-assignments/assign"
	routeOrgRoleRevoke = "/v1/orgs/{orgId}/users/{accountId}/role-assignments/revoke"
)

// RoleOrgAdmin is the organization admin role, the one role the organization
// role endpoints accept.
const RoleOrgAdmin = "atlassian/org-admin"

// AssignOrganizationRole gives a user an organization role. Atlassian calls
// the endpoint experimental and publishes no success answer, so any 2xx,
// with or without a body, is success. A role already held is ErrAlreadyExists:
// a 409 here has no other meaning than "already assigned" unless its code
// says licence limit. The change may take a while to show in role-assignment
// reads (eventually consistent).
func (c *Client) AssignOrganizationRole(ctx context.Context, accountID, role string) error {
	err := c.orgRole(ctx, routeOrgRoleAssign, accountID, role)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict && !errors.Is(err, ErrAlreadyExists) && !errors.Is(err, ErrLicenceLimit) {
		apiErr.kinds = append(apiErr.kinds, ErrAlreadyExists)
	}
	return err
}

// RevokeOrganizationRole takes an organization role away from a user; a
// role not held is ErrNotFound.
func (c *Client) RevokeOrganizationRole(ctx context.Context, accountID, role string) error {
	return c.orgRole(ctx, routeOrgRoleRevoke, accountID, role)
}

func (c *Client) orgRole(ctx context.Context, route, accountID, role string) error {
	return c.do(ctx, request{
		method: http.MethodPost, route: route,
		path: pathf(route, c.orgID, accountID),
		body: map[string]string{"role": role}, replaySafe: true,
	}, nil)
}

// UserDirectoryID finds the real directory of a user, which the v2 user
// writes (suspend, restore) take in their path. The user read through the
// "-" directory names its own directory in links.self
// (.../directories/{directoryId}/users/{accountId}); should a tenant echo
// "-" there instead, the directoryId of the user's role assignments says it.
func (c *Client) UserDirectoryID(ctx context.Context, accountID string) (string, error) {
	var out struct {
		Data struct {
			AccountID string `json:"accountId"`
			Links     struct {
				Self string `json:"self"`
			} `json:"links"`
		} `json:"data"`
	}
	err := c.do(ctx, request{
		method: http.MethodGet, route: routeUser,
		path: pathf(routeUser, c.orgID, AllDirectories, accountID), replaySafe: true,
	}, &out)
	if err != nil {
		return "", err
	}
	if id := directoryOfLink(out.Data.Links.Self); id != "" && id != AllDirectories {
		return id, nil
	}
	// Any item names the user's directory, whether or not its roles are the
	// user's own, so the whole page is read as sent.
	page, err := c.listUserRoleListingPage(ctx, AllDirectories, accountID, "")
	if err != nil {
		return "", err
	}
	for _, a := range page.Items {
		if a.DirectoryID != "" && a.DirectoryID != AllDirectories {
			return a.DirectoryID, nil
		}
	}
	return "", &APIError{
		Method: http.MethodGet, Route: routeUser, StatusCode: http.StatusOK,
		Detail: "the user " + accountID + " does not name its directory (links.self " + out.Data.Links.Self + ", and no role assignment with a directoryId)",
		kinds:  []error{ErrMalformedResponse},
	}
}

// directoryOfLink extracts {directoryId} from a user's links.self.
func directoryOfLink(self string) string {
	u, err := url.Parse(self)
	if err != nil {
		return ""
	}
	parts := strings.Split(u.EscapedPath(), "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "directories" {
			id, err := url.PathUnescape(parts[i+1])
			if err != nil {
				return ""
			}
			return id
		}
	}
	return ""
}
