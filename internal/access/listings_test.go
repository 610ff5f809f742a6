package access_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/grpc/codes"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// A walk yields each page before it fetches the next, and a walk that
// reaches the end is the listing later reads answer from.
func TestAccountPagesStreamAndBecomeTheListing(t *testing.T) {
	d, env := newView(t, 250)
	st := env.State()
	st.Users = sandbox.ListedUsers(st) // the accounts the API lists
	env.ResetStats()
	var seen []string
	pages := 0
	for page, err := range d.AccountPages(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if got := env.Stats().ByRoute[routeUserSearch]; got != int64(pages) {
			t.Fatalf("page %d was yielded after %d account requests, want %d", pages, got, pages)
		}
		for _, a := range page {
			seen = append(seen, a.ID)
		}
	}
	if pages < 3 {
		t.Fatalf("%d accounts came in %d pages, want at least 3", len(st.Users), pages)
	}
	if len(seen) != len(st.Users) {
		t.Fatalf("the walk yielded %d accounts, the organization has %d", len(seen), len(st.Users))
	}
	before := env.Stats().Total
	last := st.Users[len(st.Users)-1]
	if a, found, err := d.Account(context.Background(), last.AccountID); err != nil || !found || a.Email != last.Email {
		t.Fatalf("Account(%s) after the walk = %+v, %v, %v", last.AccountID, a, found, err)
	}
	if all, err := d.Accounts(context.Background()); err != nil || len(all) != len(st.Users) {
		t.Fatalf("Accounts after the walk: %d accounts, %v", len(all), err)
	}
	again := 0
	for page, err := range d.AccountPages(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		again += len(page)
	}
	if again != len(st.Users) {
		t.Fatalf("a second walk yielded %d accounts, want %d", again, len(st.Users))
	}
	if sent := env.Stats().Total - before; sent != 0 {
		t.Fatalf("reads after a complete walk sent %d requests, want none", sent)
	}
}

// A walk the caller stops early keeps nothing: a listing must be whole.
func TestStoppedWalkIsNotTheListing(t *testing.T) {
	d, env := newView(t, 250)
	for _, err := range d.AccountPages(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	env.ResetStats()
	all, err := d.Accounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(sandbox.ListedUsers(env.State())) || env.Stats().ByRoute[routeUserSearch] < 3 {
		t.Fatalf("Accounts after a stopped walk: %d accounts with %d requests; want all, listed afresh",
			len(all), env.Stats().ByRoute[routeUserSearch])
	}
}

// Terraform runs list blocks in parallel, each walking the groups: the
// walks that start while one is under way wait for it and read its listing.
func TestConcurrentWalksShareOneWalk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &blockingListServer{release: make(chan struct{})}
		d := access.New(f)
		const walkers = 8
		var wg sync.WaitGroup
		counts := make([]int, walkers)
		errs := make([]error, walkers)
		walk := func(i int) {
			for page, err := range d.GroupPages(context.Background()) {
				if err != nil {
					errs[i] = err
					return
				}
				counts[i] += len(page)
			}
		}
		wg.Go(func() { walk(0) })
		// Once every goroutine of the test is blocked, the first walk waits
		// for its listing, and then each later one for the first.
		synctest.Wait()
		for i := 1; i < walkers; i++ {
			wg.Go(func() { walk(i) })
		}
		synctest.Wait()
		close(f.release)
		wg.Wait()
		for i, n := range counts {
			if errs[i] != nil || n != 2 {
				t.Fatalf("walk %d: %d groups, %v; want 2", i, n, errs[i])
			}
		}
		if got := f.calls.Load(); got != 1 {
			t.Fatalf("%d concurrent walks listed the groups %d times, want once", walkers, got)
		}
	})
}

// blockingListServer lists two groups once release is closed.
type blockingListServer struct {
	unanswered
	release chan struct{}
	calls   atomic.Int32
}

func (b *blockingListServer) ListResources(ctx context.Context, _ *v2.ResourcesServiceListResourcesRequest) (*v2.ResourcesServiceListResourcesResponse, error) {
	b.calls.Add(1)
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var groups []*v2.Resource
	for _, id := range []string{"g1", "g2"} {
		groups = append(groups, v2.Resource_builder{Id: v2.ResourceId_builder{ResourceType: access.TypeGroup, Resource: id}.Build()}.Build())
	}
	return v2.ResourcesServiceListResourcesResponse_builder{List: groups}.Build(), nil
}

// The member and role listings a list reads are the ones the resources'
// reads answer from: a refresh after a list in the same process costs
// nothing.
func TestMembersOfAndRolesOfShareTheResourcesListings(t *testing.T) {
	d, env := newView(t, 40)
	st := env.State()
	var groups []access.Group
	for page, err := range d.GroupPages(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, page...)
	}
	env.ResetStats()
	members := map[string][]string{}
	for m, err := range d.MembersOf(context.Background(), groups, 4) {
		if err != nil || !m.Found {
			t.Fatalf("MembersOf(%s) = %v, found %v", m.Group.ID, err, m.Found)
		}
		if !slices.IsSorted(m.AccountIDs) {
			t.Errorf("members of %s are not sorted: %v", m.Group.ID, m.AccountIDs)
		}
		members[m.Group.ID] = m.AccountIDs
	}
	listed := env.Stats().Total
	for _, g := range st.Groups {
		want := slices.Sorted(slices.Values(g.MemberAccountIDs))
		if !slices.Equal(members[g.ID], want) {
			t.Errorf("members of %s = %v, want %v", g.ID, members[g.ID], want)
		}
	}

	principals := make([]access.Principal, len(groups))
	for i, g := range groups {
		principals[i] = access.Principal{Type: access.TypeGroup, ID: g.ID}
	}
	roles := map[string][]access.Role{}
	for r, err := range d.RolesOf(context.Background(), principals, 4) {
		if err != nil || !r.Found {
			t.Fatalf("RolesOf(%s) = %v, found %v", r.Principal.ID, err, r.Found)
		}
		roles[r.Principal.ID] = r.Roles
	}
	for _, a := range st.GroupRoleAssignments {
		if !slices.Contains(roles[a.GroupID], access.Role{WorkspaceID: a.ResourceID, Role: a.Role}) && isWorkspace(st.Workspaces, a.ResourceID) {
			t.Errorf("RolesOf(%s) lacks %s on %s: %v", a.GroupID, a.Role, a.ResourceID, roles[a.GroupID])
		}
	}
	for _, g := range st.Groups {
		if len(g.MemberAccountIDs) == 0 {
			continue
		}
		if member, found, err := d.IsMember(context.Background(), g.ID, g.MemberAccountIDs[0]); err != nil || !found || !member {
			t.Fatalf("IsMember(%s, %s) = %v, %v, %v", g.ID, g.MemberAccountIDs[0], member, found, err)
		}
	}
	if sent := env.Stats().Total - listed; sent != 0 {
		t.Fatalf("roles and membership reads after MembersOf sent %d requests, want none", sent)
	}
}

func isWorkspace(workspaces []sandbox.Workspace, id string) bool {
	for _, w := range workspaces {
		if w.ID == id {
			return true
		}
	}
	return false
}

// A connector failure during a walk or a listing reaches the caller as this
// layer's error, once, and ends the iteration.
func TestListingFailuresAreThisLayersErrors(t *testing.T) {
	f := &failingListServer{err: connectorError(codes.PermissionDenied, connector.ReasonForbidden, "listing groups: 403")}
	d := access.New(f)
	var errs []error
	for page, err := range d.GroupPages(context.Background()) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t.Fatalf("a failing walk yielded a page of %d", len(page))
	}
	if len(errs) != 1 || !errors.Is(errs[0], access.ErrForbidden) {
		t.Fatalf("GroupPages yielded errors %v, want one ErrForbidden", errs)
	}

	fs := &fakeServer{members: map[string][]string{}, listGrants: func(context.Context) error {
		return connectorError(codes.Unauthenticated, connector.ReasonUnauthenticated, "401")
	}}
	errs = nil
	for _, err := range access.New(fs).MembersOf(context.Background(), []access.Group{{ID: "g1"}, {ID: "g2"}}, 2) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], access.ErrUnauthenticated) {
		t.Fatalf("MembersOf yielded errors %v, want one ErrUnauthenticated", errs)
	}
}

type failingListServer struct {
	unanswered
	err error
}

func (f *failingListServer) ListResources(context.Context, *v2.ResourcesServiceListResourcesRequest) (*v2.ResourcesServiceListResourcesResponse, error) {
	return nil, f.err
}
