package atlassian

import (
	"context"
	"slices"

	"golang.org/x/sync/errgroup"
)

// MaxAccountIDsPerSearch is how many accountIds one users search may carry:
// the document's maxItems, on the search body as on the GET form.
const MaxAccountIDsPerSearch = 10

// FindUsers reads the users among accountIDs, MaxAccountIDsPerSearch to a
// users search, the searches in parallel. Ids that name no user are simply
// absent from the result, which follows the order of the answers.
func (c *Client) FindUsers(ctx context.Context, directoryID string, accountIDs []string) ([]User, error) {
	found, err := c.searchInBatches(ctx, directoryID, accountIDs, MaxAccountIDsPerSearch, func(batch []string) UserSearch {
		return UserSearch{AccountIDs: batch, PlatformRoles: true, ProductAccess: true}
	})
	if err != nil {
		return nil, err
	}
	return slices.Concat(found...), nil
}

// FindGroupMembers reads the members of groups (ids), MaxGroupIDsPerSearch
// groups to a users search, each user once: where the accounts wanted are a
// few groups' members, a page carries a hundred of them, where a lookup by
// id carries ten.
func (c *Client) FindGroupMembers(ctx context.Context, directoryID string, groupIDs []string) ([]User, error) {
	found, err := c.searchInBatches(ctx, directoryID, groupIDs, MaxGroupIDsPerSearch, func(batch []string) UserSearch {
		return UserSearch{GroupIDs: batch, PlatformRoles: true, ProductAccess: true}
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []User
	for _, users := range found {
		for _, u := range users {
			if !seen[u.AccountID] {
				seen[u.AccountID] = true
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// searchInBatches runs one users search, to its last page, for each batch
// of at most size of the distinct non-empty ids, the searches in parallel,
// and returns each batch's users.
func (c *Client) searchInBatches(ctx context.Context, directoryID string, ids []string, size int, search func(batch []string) UserSearch) ([][]User, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 0 && ids[0] == "" {
		ids = ids[1:]
	}
	batches := slices.Collect(slices.Chunk(ids, size))
	found := make([][]User, len(batches))
	g, ctx := errgroup.WithContext(ctx)
	for i, batch := range batches {
		g.Go(func() error {
			users, err := Collect(c.SearchUsers(ctx, directoryID, search(batch)))
			found[i] = users
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return found, nil
}
