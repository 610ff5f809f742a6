package atlassian

import (
	"context"
	"net/http"
)

const routeOrganization = "/v1/orgs/{orgId}"

// GetOrganization reads the organization. It is the cheapest call that
// proves both the API key and the organization id: a wrong key answers 401
// (ErrUnauthenticated), a wrong id 404 (ErrOrganizationNotFound).
func (c *Client) GetOrganization(ctx context.Context) (*Organization, error) {
	var out struct {
		Data struct {
			ID         string `json:"id"`
			Type       string `json:"type"`
			Attributes struct {
				Name string `json:"name"`
			} `json:"attributes"`
		} `json:"data"`
	}
	err := c.do(ctx, request{
		method: http.MethodGet, route: routeOrganization,
		path: pathf(routeOrganization, c.orgID), replaySafe: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &Organization{ID: out.Data.ID, Type: out.Data.Type, Name: out.Data.Attributes.Name}, nil
}
