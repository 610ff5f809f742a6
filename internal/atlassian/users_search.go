package atlassian

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
)

const routeUsersSearch = "/v2/orgs/{orgId}/directories/{directoryId}/users/search"

// EmailsPerSearch is how many emails one users search carries: the
// document's maxItems of emails.
const EmailsPerSearch = 100

// UserSearch is the filter set of the users search. Empty fields do not
// filter; SearchTerm and Emails cannot be combined (Atlassian answers 400).
type UserSearch struct {
	AccountIDs   []string // at most 10 (MaxAccountIDsPerSearch)
	DirectoryIDs []string
	GroupIDs     []string // at most 10 (MaxGroupIDsPerSearch)
	RoleIDs      []string
	ResourceIDs  []string
	Statuses     []string
	EmailDomains []string
	Emails       []string // exact addresses
	SearchTerm   string
	MFAEnabled   *bool
	// PlatformRoles asks for each user's platform roles (expand[]).
	PlatformRoles bool
	// ProductAccess asks for each user's product instances with the last
	// activity on each, and their count (expand[] productAccess and
	// counts.resources): the same requests, fuller pages.
	ProductAccess bool
}

// userSearchBody is the JSON body; the filters are sent again with every
// cursor, as the search requires.
type userSearchBody struct {
	Cursor       string   `json:"cursor,omitempty"`
	Limit        int      `json:"limit"`
	AccountIDs   []string `json:"accountIds,omitempty"`
	DirectoryIDs []string `json:"directoryIds,omitempty"`
	GroupIDs     []string `json:"groupIds,omitempty"`
	RoleIDs      []string `json:"roleIds,omitempty"`
	ResourceIDs  []string `json:"resourceIds,omitempty"`
	Status       []string `json:"status,omitempty"`
	EmailDomains []string `json:"emailDomains,omitempty"`
	Emails       []string `json:"emails,omitempty"`
	SearchTerm   string   `json:"searchTerm,omitempty"`
	MFAEnabled   *bool    `json:"mfaEnabled,omitempty"`
	Expand       []string `json:"expand,omitempty"`
}

// SearchUsersPage reads one page of POST .../users/search. The cursor is a
// previous page's Next; the same search must come with it.
func (c *Client) SearchUsersPage(ctx context.Context, directoryID string, search UserSearch, cursor string) (Page[User], error) {
	// Atlassian refuses more; the request is not worth sending.
	if len(search.AccountIDs) > MaxAccountIDsPerSearch {
		return Page[User]{}, fmt.Errorf("atlassian: a users search takes at most %d accountIds, not %d: %w",
			MaxAccountIDsPerSearch, len(search.AccountIDs), ErrBadRequest)
	}
	body := userSearchBody{
		Cursor: cursor, Limit: c.pageSize,
		AccountIDs: search.AccountIDs, DirectoryIDs: search.DirectoryIDs, GroupIDs: search.GroupIDs,
		RoleIDs: search.RoleIDs, ResourceIDs: search.ResourceIDs, Status: search.Statuses,
		EmailDomains: search.EmailDomains, Emails: search.Emails, SearchTerm: search.SearchTerm,
		MFAEnabled: search.MFAEnabled,
	}
	if search.PlatformRoles {
		body.Expand = append(body.Expand, "platformRoles")
	}
	if search.ProductAccess {
		body.Expand = append(body.Expand, "productAccess", "counts.resources")
	}
	var out listResponse[User]
	err := c.do(ctx, request{
		method: http.MethodPost, route: routeUsersSearch,
		path: pathf(routeUsersSearch, c.orgID, directoryID), body: body, replaySafe: true,
	}, &out)
	return pageOf(out), err
}

// SearchUsers walks every page of a search, resending its filters with each
// cursor.
func (c *Client) SearchUsers(ctx context.Context, directoryID string, search UserSearch) iter.Seq2[User, error] {
	return All(ctx, func(ctx context.Context, cursor string) (Page[User], error) {
		return c.SearchUsersPage(ctx, directoryID, search, cursor)
	})
}

// FindUsersByEmail reads the accounts of these exact emails (case does not
// matter), EmailsPerSearch to a request, with their platform roles. Emails
// that name no account are absent from the result.
func (c *Client) FindUsersByEmail(ctx context.Context, directoryID string, emails []string) ([]User, error) {
	unique := make([]string, 0, len(emails))
	seen := map[string]bool{}
	for _, e := range emails {
		key := strings.ToLower(strings.TrimSpace(e))
		if key != "" && !seen[key] {
			seen[key] = true
			unique = append(unique, strings.TrimSpace(e))
		}
	}
	var out []User
	for batch := range slices.Chunk(unique, EmailsPerSearch) {
		users, err := Collect(c.SearchUsers(ctx, directoryID, UserSearch{Emails: batch, PlatformRoles: true, ProductAccess: true}))
		if err != nil {
			return nil, err
		}
		out = append(out, users...)
	}
	return out, nil
}
