package access_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// unanswered is a connector service whose every call panics (the embedded
// interface is nil), so that a test reaching a call its fake does not
// answer fails loudly. Fakes embed it and answer what their test calls.
type unanswered struct{ connector.Service }

func (unanswered) OrganizationID() string { return "fake-organization" }

// fakeServer answers the few connector calls these tests make, from
// memory, and counts them.
type fakeServer struct {
	unanswered

	members map[string][]string // group id -> account ids
	// listGrants, when set, runs first in every ListGrants (to block or fail).
	listGrants func(ctx context.Context) error
	grantErr   error

	listGrantsCalls atomic.Int32
	grantCalls      atomic.Int32
}

func (f *fakeServer) ListGrants(ctx context.Context, req *v2.GrantsServiceListGrantsRequest) (*v2.GrantsServiceListGrantsResponse, error) {
	f.listGrantsCalls.Add(1)
	if f.listGrants != nil {
		if err := f.listGrants(ctx); err != nil {
			return nil, err
		}
	}
	groupID := req.GetResource().GetId().GetResource()
	members, ok := f.members[groupID]
	if !ok {
		return nil, connectorError(codes.NotFound, connector.ReasonNotFound, "group %s not found", groupID)
	}
	group := v2.Resource_builder{Id: v2.ResourceId_builder{ResourceType: access.TypeGroup, Resource: groupID}.Build()}.Build()
	var grants []*v2.Grant
	for _, m := range members {
		grants = append(grants, v2.Grant_builder{
			Entitlement: v2.Entitlement_builder{Id: connector.GroupMemberEntitlementID(groupID), Resource: group}.Build(),
			Principal:   v2.Resource_builder{Id: v2.ResourceId_builder{ResourceType: access.TypeUser, Resource: m}.Build()}.Build(),
		}.Build())
	}
	return v2.GrantsServiceListGrantsResponse_builder{List: grants}.Build(), nil
}

func (f *fakeServer) Grant(context.Context, *v2.GrantManagerServiceGrantRequest) (*v2.GrantManagerServiceGrantResponse, error) {
	f.grantCalls.Add(1)
	if f.grantErr != nil {
		return nil, f.grantErr
	}
	return &v2.GrantManagerServiceGrantResponse{}, nil
}

// connectorError is an error as the connector's server returns it: a status
// with the connector's reason, wrapped the way the SDK's builder wraps it.
func connectorError(code codes.Code, reason, format string, args ...any) error {
	st := status.New(code, fmt.Sprintf(format, args...))
	if reason != "" {
		detailed, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: connector.ErrorDomain})
		if err != nil {
			panic(fmt.Sprintf("attaching the reason %s: %v", reason, err)) // an ErrorInfo always marshals
		}
		st = detailed
	}
	return fmt.Errorf("error: grant failed: %w", st.Err())
}

func TestSharedListingIsFetchedOnce(t *testing.T) {
	f := &fakeServer{members: map[string][]string{"g1": {"a1", "a2"}}}
	d := access.New(f)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			member, found, err := d.IsMember(context.Background(), "g1", fmt.Sprintf("a%d", i%3))
			if err != nil || !found || member != (i%3 != 0) {
				t.Errorf("IsMember(a%d) = %v, %v, %v", i%3, member, found, err)
			}
		})
	}
	wg.Wait()
	if n := f.listGrantsCalls.Load(); n != 1 {
		t.Errorf("20 concurrent readers listed the group %d times, want once", n)
	}
	// A write goes through the connector and updates the listing held.
	if _, err := d.AddMember(context.Background(), "g1", "a9"); err != nil {
		t.Fatal(err)
	}
	if member, _, err := d.IsMember(context.Background(), "g1", "a9"); err != nil || !member {
		t.Errorf("after AddMember, IsMember = %v, %v", member, err)
	}
	if n := f.listGrantsCalls.Load(); n != 1 {
		t.Errorf("a read after a write listed the group again (%d listings)", n)
	}
}

// The first reader of a listing fetches it with its own context. When that
// reader is cancelled, the readers that were waiting for the same listing
// must not fail with its cancellation: they fetch it themselves.
func TestCancelledFirstReaderDoesNotFailTheOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started := make(chan struct{})
		var calls atomic.Int32
		f := &fakeServer{members: map[string][]string{"g1": {"a1"}}}
		f.listGrants = func(ctx context.Context) error {
			if calls.Add(1) == 1 {
				close(started)
				<-ctx.Done() // the first fetch hangs until its caller gives up
				return connectorError(codes.Canceled, "", "listing grants: %v", ctx.Err())
			}
			return nil
		}
		d := access.New(f)

		firstCtx, cancelFirst := context.WithCancel(context.Background())
		firstErr := make(chan error, 1)
		go func() {
			_, _, err := d.IsMember(firstCtx, "g1", "a1")
			firstErr <- err
		}()
		<-started

		const waiters = 5
		results := make(chan error, waiters)
		for range waiters {
			go func() {
				member, _, err := d.IsMember(context.Background(), "g1", "a1")
				if err == nil && !member {
					err = errors.New("a1 is not a member")
				}
				results <- err
			}()
		}
		// The waiters must be inside the shared fetch before the first caller
		// is cancelled: the fetch is still hanging, so once every goroutine of
		// the test is blocked, each waiter waits for it.
		synctest.Wait()
		cancelFirst()

		if err := <-firstErr; !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled reader got %v, want context.Canceled", err)
		}
		for range waiters {
			if err := <-results; err != nil {
				t.Errorf("a waiting reader failed: %v", err)
			}
		}
		if n := calls.Load(); n != 2 {
			t.Errorf("the listing was fetched %d times, want 2 (the cancelled fetch and one shared retry)", n)
		}
	})
}

func TestConnectorErrorsBecomeThisLayersErrors(t *testing.T) {
	cases := []struct {
		reason string
		code   codes.Code
		want   error
	}{
		{connector.ReasonNotFound, codes.NotFound, access.ErrNotFound},
		{"", codes.NotFound, access.ErrNotFound},
		{connector.ReasonOrganizationNotFound, codes.NotFound, access.ErrOrganizationNotFound},
		{connector.ReasonUnauthenticated, codes.Unauthenticated, access.ErrUnauthenticated},
		{connector.ReasonForbidden, codes.PermissionDenied, access.ErrForbidden},
		{connector.ReasonAlreadyExists, codes.AlreadyExists, access.ErrAlreadyExists},
		{connector.ReasonConflict, codes.Aborted, access.ErrConflict},
		{connector.ReasonLicenceLimit, codes.FailedPrecondition, access.ErrLicenceLimit},
		{connector.ReasonInactiveUser, codes.FailedPrecondition, access.ErrInactiveUser},
		{connector.ReasonInvalidRole, codes.InvalidArgument, access.ErrInvalidRole},
		{"", codes.Canceled, context.Canceled},
	}
	others := []error{access.ErrNotFound, access.ErrOrganizationNotFound, access.ErrUnauthenticated, access.ErrForbidden,
		access.ErrAlreadyExists, access.ErrConflict, access.ErrLicenceLimit, access.ErrInactiveUser, access.ErrInvalidRole, context.Canceled}
	for _, c := range cases {
		t.Run(c.code.String()+" "+c.reason, func(t *testing.T) {
			f := &fakeServer{grantErr: connectorError(c.code, c.reason, "adding a1 to g1: the connector's words")}
			_, err := access.New(f).AddMember(context.Background(), "g1", "a1")
			if !errors.Is(err, c.want) {
				t.Errorf("%v does not wrap %v", err, c.want)
			}
			for _, other := range others {
				if other != c.want && errors.Is(err, other) {
					t.Errorf("%v also wraps %v", err, other)
				}
			}
			if msg := err.Error(); strings.Contains(msg, "rpc error") || strings.Contains(msg, "grant failed") || !strings.Contains(msg, "the connector's words") {
				t.Errorf("message %q: want the connector's words without gRPC or SDK framing", msg)
			}
		})
	}
}

func TestRepeatedPageTokenIsAnError(t *testing.T) {
	f := &pagingServer{}
	_, err := access.New(f).Groups(context.Background())
	if err == nil || !strings.Contains(err.Error(), "same page token twice") {
		t.Fatalf("Groups = %v, want the repeated page token error", err)
	}
}

// pagingServer lists groups with a next page token that never changes.
type pagingServer struct{ unanswered }

func (p *pagingServer) ListResources(context.Context, *v2.ResourcesServiceListResourcesRequest) (*v2.ResourcesServiceListResourcesResponse, error) {
	return v2.ResourcesServiceListResourcesResponse_builder{NextPageToken: "again"}.Build(), nil
}
