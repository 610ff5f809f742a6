package access

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"golang.org/x/sync/errgroup"
)

// What Terraform's list resources (`terraform query`) read: the
// organization's groups, accounts, memberships and role assignments, a page
// at a time, so that a caller streams results as they come instead of
// holding a whole organization's worth of them. The pages come from the
// same connector calls as every other read, and what they fetch is shared
// with those reads: a walk of the groups that reaches its end becomes the
// process's group listing (Groups, Group), and every member or role listing
// fetched is the one IsMember, GroupMembers and HasRole answer from.

// GroupPages yields the organization's groups, one connector page at a
// time, each page before the next is fetched. When the process already has
// the group listing, the pages come from it and cost nothing; while another
// caller walks the groups, it waits for that walk and reads its listing (so
// a loop over the pages must not start another walk of the same type). A
// failure is yielded once, as the last element.
func (d *View) GroupPages(ctx context.Context) iter.Seq2[[]Group, error] {
	return resourcePages(ctx, d, TypeGroup, &d.groups, groupFromResource)
}

// AccountPages yields the organization's accounts as GroupPages yields
// groups; a walk that reaches the end becomes the account listing that
// Account and FindAccounts answer from.
func (d *View) AccountPages(ctx context.Context) iter.Seq2[[]Account, error] {
	return resourcePages(ctx, d, TypeUser, &d.accounts, accountFromResource)
}

// cachedPageSize is the size of the pages cut from a listing the process
// already holds: the connector's own page size.
const cachedPageSize = 100

func resourcePages[T any](ctx context.Context, d *View, resourceType string, slot *[]T, convert func(*v2.Resource) T) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		for {
			d.mu.Lock()
			cached := *slot
			walk, walking := d.walks[resourceType]
			if cached == nil && !walking {
				walk = make(chan struct{})
				d.walks[resourceType] = walk
			}
			d.mu.Unlock()
			switch {
			case cached != nil:
				for start := 0; start < len(cached); start += cachedPageSize {
					// A copy: the caller may keep or change its page.
					if !yield(slices.Clone(cached[start:min(start+cachedPageSize, len(cached))]), nil) {
						return
					}
				}
				return
			case walking:
				// Terraform runs list blocks in parallel, and each needs the
				// groups: wait for the walk under way, whose listing then
				// answers (or, if it stopped short, walk again).
				select {
				case <-walk:
					continue
				case <-ctx.Done():
					yield(nil, ctx.Err())
					return
				}
			}
			// The walk is released however walkPages ends, a panic in the
			// caller's loop included, so that its waiters never hang.
			func() {
				defer func() {
					d.mu.Lock()
					delete(d.walks, resourceType)
					d.mu.Unlock()
					close(walk)
				}()
				walkPages(ctx, d, resourceType, slot, convert, yield)
			}()
			return
		}
	}
}

// walkPages reads a listing page by page, yielding each page before it
// fetches the next, and keeps the whole listing when the walk reaches its
// end.
func walkPages[T any](ctx context.Context, d *View, resourceType string, slot *[]T, convert func(*v2.Resource) T, yield func([]T, error) bool) {
	var all []T
	token := ""
	for {
		resp, err := d.conn.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{
			ResourceTypeId: resourceType, PageToken: token,
		}.Build())
		if err != nil {
			yield(nil, describe(err))
			return
		}
		page := make([]T, 0, len(resp.GetList()))
		for _, r := range resp.GetList() {
			page = append(page, convert(r))
		}
		all = append(all, page...)
		if !yield(slices.Clone(page), nil) {
			return
		}
		next := resp.GetNextPageToken()
		if next == "" {
			break
		}
		if next == token {
			yield(nil, fmt.Errorf("listing %s resources: the connector returned the same page token twice", resourceType))
			return
		}
		token = next
	}
	// The whole listing was read: keep it, unless a reader of the whole
	// listing (Groups, Accounts) got there first.
	d.mu.Lock()
	if *slot == nil {
		*slot = all
	}
	d.mu.Unlock()
}

// Members is one group's member listing.
type Members struct {
	Group Group
	// Found is false when the group vanished between its listing and its
	// members'.
	Found bool
	// AccountIDs are the members, sorted.
	AccountIDs []string
}

// MembersOf yields the members of each of groups, in their order. Up to
// concurrency listings are fetched at once (each listing pages through its
// group sequentially); listings the process already has cost nothing, and
// those fetched here answer later reads of the same groups.
func (d *View) MembersOf(ctx context.Context, groups []Group, concurrency int) iter.Seq2[Members, error] {
	return func(yield func(Members, error) bool) {
		got, err := listings(ctx, d, TypeGroup, groups, func(g Group) string { return g.ID }, concurrency)
		if err != nil {
			yield(Members{}, err)
			return
		}
		for i, g := range groups {
			m := Members{Group: g, Found: got[i].found}
			d.mu.Lock()
			for id := range got[i].members {
				m.AccountIDs = append(m.AccountIDs, id)
			}
			d.mu.Unlock()
			sort.Strings(m.AccountIDs)
			if !yield(m, nil) {
				return
			}
		}
	}
}

// Roles is the workspace roles one principal holds itself (a group's
// members hold its roles through it, and are not listed with it).
type Roles struct {
	Principal Principal
	// Found is false when the principal vanished between its listing and
	// its roles'.
	Found bool
	// Roles are sorted by workspace, then role.
	Roles []Role
	// OrganizationRoles are the organization roles the principal holds
	// itself (WorkspaceID is the organization's id), sorted by role.
	OrganizationRoles []Role
}

// RolesOf yields the roles each of principals holds, in their order,
// fetching listings as MembersOf does. A group's listing is the one its
// members are read from, so listing a group's roles and its members costs
// one listing.
func (d *View) RolesOf(ctx context.Context, principals []Principal, concurrency int) iter.Seq2[Roles, error] {
	return func(yield func(Roles, error) bool) {
		byType := map[string][]int{}
		for i, p := range principals {
			byType[p.Type] = append(byType[p.Type], i)
		}
		all := make([]*grantListing, len(principals))
		for resourceType, indexes := range byType {
			got, err := listings(ctx, d, resourceType, indexes, func(i int) string { return principals[i].ID }, concurrency)
			if err != nil {
				yield(Roles{}, err)
				return
			}
			for j, i := range indexes {
				all[i] = got[j]
			}
		}
		for i, p := range principals {
			r := Roles{Principal: p, Found: all[i].found}
			d.mu.Lock()
			for role := range all[i].roles {
				r.Roles = append(r.Roles, role)
			}
			for role := range all[i].orgRoles {
				r.OrganizationRoles = append(r.OrganizationRoles, role)
			}
			d.mu.Unlock()
			sort.Slice(r.OrganizationRoles, func(a, b int) bool { return r.OrganizationRoles[a].Role < r.OrganizationRoles[b].Role })
			sort.Slice(r.Roles, func(a, b int) bool {
				if r.Roles[a].WorkspaceID != r.Roles[b].WorkspaceID {
					return r.Roles[a].WorkspaceID < r.Roles[b].WorkspaceID
				}
				return r.Roles[a].Role < r.Roles[b].Role
			})
			if !yield(r, nil) {
				return
			}
		}
	}
}

// listings returns the grant listing of each item, fetching up to
// concurrency of them at once through the shared, cached listing.
func listings[T any](ctx context.Context, d *View, resourceType string, items []T, idOf func(T) string, concurrency int) ([]*grantListing, error) {
	out := make([]*grantListing, len(items))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, concurrency))
	for i, item := range items {
		g.Go(func() error {
			l, err := d.listing(ctx, resourceType, idOf(item))
			out[i] = l
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
