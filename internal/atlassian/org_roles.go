package atlassian

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	// The document's one organization role: Atlassian refuses any other,
	// so the request is not worth sending.
	if role != RoleOrgAdmin {
		return fmt.Errorf("atlassian: %q is not an organization role (the only one is %s): %w", role, RoleOrgAdmin, ErrInvalidRole)
	}
	return c.do(ctx, request{
		method: http.MethodPost, route: route,
		path: pathf(route, c.orgID, accountID),
		body: map[string]string{"role": role}, replaySafe: true,
	}, nil)
}

// UserDirectoryID finds the real directory of a user, which the v2 user
// writes (suspend, restore) take in their path: the directories listing
// filtered by accountId. An account in no directory is ErrNotFound; one in
// several (it can be, in an organization with several directories) is
// answered with the first, as listed.
func (c *Client) UserDirectoryID(ctx context.Context, accountID string) (string, error) {
	for d, err := range c.AccountDirectories(ctx, accountID) {
		if err != nil {
			return "", err
		}
		if d.ID != "" && d.ID != AllDirectories {
			return d.ID, nil
		}
	}
	return "", &APIError{
		Method: http.MethodGet, Route: routeDirectories, StatusCode: http.StatusNotFound,
		Detail: "no directory of the organization holds the account " + accountID,
		kinds:  []error{ErrNotFound},
	}
}
