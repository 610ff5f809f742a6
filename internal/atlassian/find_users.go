package atlassian

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"golang.org/x/sync/errgroup"
)

// Account-id batches. The reference gives no cap on how many accountIds one
// user listing accepts (groupIds has one: 10). A batch is at most one page,
// so each costs one request; should an organization (or a proxy on the way)
// refuse a large batch, FindUsers sends it again in pieces of groupIds' size,
// the one cap the reference names, and keeps that size for the rest of the
// client's life.
const (
	maxAccountIDsPerQuery  = MaxPageSize
	safeAccountIDsPerQuery = MaxGroupIDsPerUserQuery
)

// FindUsers reads the users among accountIDs, in batches through the
// accountIds filter of the users search: a few requests for a thousand ids,
// where reading them one by one costs a thousand and listing the whole
// organization costs one per hundred users. Ids that name no user are simply
// absent from the result, which follows the order of the answers.
func (c *Client) FindUsers(ctx context.Context, directoryID string, accountIDs []string) ([]User, error) {
	ids := slices.Clone(accountIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 0 && ids[0] == "" {
		ids = ids[1:]
	}
	if len(ids) == 0 {
		return nil, nil
	}
	batches := slices.Collect(slices.Chunk(ids, c.accountIDBatch()))
	found := make([][]User, len(batches))
	g, ctx := errgroup.WithContext(ctx)
	for i, batch := range batches {
		g.Go(func() error {
			users, err := c.findUserBatch(ctx, directoryID, batch)
			found[i] = users
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(found...), nil
}

// accountIDBatch is how many ids one request carries: a page's worth, or
// fewer once the organization refused that many.
func (c *Client) accountIDBatch() int {
	if c.smallAccountIDBatches.Load() {
		return min(safeAccountIDsPerQuery, c.pageSize)
	}
	return min(maxAccountIDsPerQuery, c.pageSize)
}

func (c *Client) findUserBatch(ctx context.Context, directoryID string, batch []string) ([]User, error) {
	users, err := Collect(c.SearchUsers(ctx, directoryID, UserSearch{AccountIDs: batch, PlatformRoles: true}))
	if err == nil || len(batch) <= safeAccountIDsPerQuery || !refusedBatch(err) {
		return users, err
	}
	// Too many ids for this organization, or a URL too long for a proxy on
	// the way (or a malformed id, which the smaller batches report again):
	// remember, and split.
	c.smallAccountIDBatches.Store(true)
	var out []User
	for piece := range slices.Chunk(batch, safeAccountIDsPerQuery) {
		users, err := Collect(c.SearchUsers(ctx, directoryID, UserSearch{AccountIDs: piece, PlatformRoles: true}))
		if err != nil {
			return nil, err
		}
		out = append(out, users...)
	}
	return out, nil
}

// refusedBatch tells whether an answer may mean the batch was too large: 400,
// or 414 and 431 from a proxy that limits the URL or header size.
func refusedBatch(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.StatusCode {
	case http.StatusBadRequest, http.StatusRequestURITooLong, http.StatusRequestHeaderFieldsTooLarge:
		return true
	}
	return false
}
