// Package access is the provider's view of who has access to what, read and
// written only through a baton connector server (types.ConnectorServer), the
// same engine an identity-governance sync runs.
//
// It keeps one listing per group and one per principal's role assignments
// for the life of the provider process: Terraform reads thousands of
// membership resources in parallel, and each must not cost an API call.
// Concurrent readers of the same listing share one fetch; writes update the
// listings they touch, so a read after a write never needs the network and
// never sees a stale answer.
package access

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types"
	"golang.org/x/sync/singleflight"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// Resource type ids of the Atlassian connector, as principals and
// resources are named here.
const (
	TypeUser      = connector.ResourceTypeUser
	TypeGroup     = connector.ResourceTypeGroup
	TypeWorkspace = connector.ResourceTypeWorkspace
)

// ErrNotFound is returned (wrapped) when an account, group or workspace does
// not exist.
var ErrNotFound = errors.New("not found")

// Principal is who a grant is given to: a user (account) or a group.
type Principal struct {
	Type string // TypeUser or TypeGroup
	ID   string
}

// Role is a role held on a workspace.
type Role struct {
	WorkspaceID string
	Role        string // e.g. atlassian/user
}

// Lookups are the connector's calls beyond the baton server interface;
// *connector.Connector has them.
type Lookups interface {
	// FindUsers looks up many accounts in one go, as user resources.
	FindUsers(ctx context.Context, accountIDs []string) ([]*v2.Resource, error)
	// RememberGroupDirectory tells the connector a group's directory id,
	// which every membership write needs in its path.
	RememberGroupDirectory(groupID, directoryID string)
}

// Directory is safe for concurrent use.
type Directory struct {
	server types.ConnectorServer
	conn   Lookups // the connector's own calls; nil: accounts are read one by one
	flight singleflight.Group

	mu         sync.Mutex
	grants     map[string]*grantListing // keyed by principal/group resource key
	accounts   []Account                // nil until listed
	groups     []Group
	workspaces []Workspace
	lookups    map[string]int // single-resource reads so far, by type

	// Resources read by id, kept for the life of the process like the
	// listings. accountsIndexed: found also holds every listed account.
	found           map[string]Account
	foundGroups     map[string]Group
	accountsIndexed bool

	// writing is set by the first write this Directory sends (see Applying).
	writing atomic.Bool
}

// grantListing is what one ListGrants walk over a resource found: for a
// group, its members and the roles the group holds; for a user, the roles it
// holds directly.
type grantListing struct {
	found   bool
	members map[string]bool
	roles   map[Role]bool
}

// New wraps a connector server. conn, when not nil, answers FindAccounts in
// batches and takes group directories learned elsewhere; without it each
// account is read on its own.
func New(server types.ConnectorServer, conn Lookups) *Directory {
	return &Directory{
		server: server, conn: conn, grants: map[string]*grantListing{}, lookups: map[string]int{},
		found: map[string]Account{}, foundGroups: map[string]Group{},
	}
}

// Applying reports whether this Directory has started writing, which only
// ever happens while Terraform applies. Terraform plans every change again
// while applying, so a plan asked for after the first write is such a
// re-plan of a change that was planned, and checked, before: checks that
// only find out whether a referenced account exists can be left to the
// write itself, which fails with Atlassian's answer if the account has gone
// since. Each provider process configures a Directory of its own.
func (d *Directory) Applying() bool { return d.writing.Load() }

// RememberGroupDirectory passes on a group's directory id known from an
// earlier run, so that writes to the group need not read it first.
func (d *Directory) RememberGroupDirectory(groupID, directoryID string) {
	if d.conn != nil && groupID != "" && directoryID != "" {
		d.conn.RememberGroupDirectory(groupID, directoryID)
	}
}

func key(resourceType, id string) string { return resourceType + "\x00" + id }

func resourceRef(resourceType, id string) *v2.Resource {
	return v2.Resource_builder{Id: v2.ResourceId_builder{ResourceType: resourceType, Resource: id}.Build()}.Build()
}

// listing returns the cached grant listing of a resource, fetching it once.
func (d *Directory) listing(ctx context.Context, resourceType, id string) (*grantListing, error) {
	k := key(resourceType, id)
	d.mu.Lock()
	if l, ok := d.grants[k]; ok {
		d.mu.Unlock()
		return l, nil
	}
	d.mu.Unlock()
	v, err, _ := d.flight.Do("grants/"+k, func() (any, error) {
		d.mu.Lock()
		if l, ok := d.grants[k]; ok {
			d.mu.Unlock()
			return l, nil
		}
		d.mu.Unlock()
		l, err := d.fetchGrants(ctx, resourceType, id)
		if err != nil {
			return nil, err
		}
		d.mu.Lock()
		d.grants[k] = l
		d.mu.Unlock()
		return l, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*grantListing), nil
}

func (d *Directory) fetchGrants(ctx context.Context, resourceType, id string) (*grantListing, error) {
	l := &grantListing{found: true, members: map[string]bool{}, roles: map[Role]bool{}}
	ref := resourceRef(resourceType, id)
	token := ""
	for {
		resp, err := d.server.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{
			Resource: ref, PageToken: token,
		}.Build())
		if err != nil {
			if isNotFound(err) {
				return &grantListing{found: false}, nil
			}
			return nil, describe(err)
		}
		for _, g := range resp.GetList() {
			l.add(resourceType, id, g)
		}
		next := resp.GetNextPageToken()
		if next == "" {
			return l, nil
		}
		if next == token {
			return nil, fmt.Errorf("listing the grants of %s %s: the connector returned the same page token twice", resourceType, id)
		}
		token = next
	}
}

// add files one grant from the listing of resource (resourceType, id).
func (l *grantListing) add(resourceType, id string, g *v2.Grant) {
	ent := g.GetEntitlement()
	entRes := ent.GetResource().GetId()
	principal := g.GetPrincipal().GetId()
	switch {
	case entRes.GetResourceType() == TypeGroup && entRes.GetResource() == id && resourceType == TypeGroup:
		if principal.GetResourceType() == TypeUser {
			l.members[principal.GetResource()] = true
		}
	case entRes.GetResourceType() == TypeWorkspace:
		// Only the roles this very principal holds (a group's listing
		// carries the group's roles, not its members').
		if principal.GetResourceType() == resourceType && principal.GetResource() == id {
			if ref, err := connector.ParseEntitlementID(ent.GetId()); err == nil && ref.Role() != "" {
				l.roles[Role{WorkspaceID: entRes.GetResource(), Role: ref.Role()}] = true
			}
		}
	}
}

// GroupMembers returns the account ids of a group's members. found is false
// when the group does not exist.
func (d *Directory) GroupMembers(ctx context.Context, groupID string) (members map[string]bool, found bool, err error) {
	l, err := d.listing(ctx, TypeGroup, groupID)
	if err != nil {
		return nil, false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !l.found {
		return nil, false, nil
	}
	out := make(map[string]bool, len(l.members))
	for m := range l.members {
		out[m] = true
	}
	return out, true, nil
}

// IsMember answers from the group's one listing.
func (d *Directory) IsMember(ctx context.Context, groupID, accountID string) (member, groupFound bool, err error) {
	l, err := d.listing(ctx, TypeGroup, groupID)
	if err != nil {
		return false, false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return l.found && l.members[accountID], l.found, nil
}

// HasRole answers from the principal's one listing. found is false when the
// principal does not exist.
func (d *Directory) HasRole(ctx context.Context, p Principal, r Role) (has, found bool, err error) {
	l, err := d.listing(ctx, p.Type, p.ID)
	if err != nil {
		return false, false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return l.found && l.roles[r], l.found, nil
}

// AddMember grants group membership. already is true when the account was a
// member before (the connector's GrantAlreadyExists).
func (d *Directory) AddMember(ctx context.Context, groupID, accountID string) (already bool, err error) {
	already, err = d.grant(ctx, Principal{TypeUser, accountID}, TypeGroup, groupID, connector.GroupMemberEntitlementID(groupID))
	if err == nil {
		d.update(TypeGroup, groupID, func(l *grantListing) { l.members[accountID] = true })
	}
	return already, err
}

// RemoveMember revokes group membership. already is true when the account
// was not a member (GrantAlreadyRevoked).
func (d *Directory) RemoveMember(ctx context.Context, groupID, accountID string) (already bool, err error) {
	already, err = d.revoke(ctx, Principal{TypeUser, accountID}, TypeGroup, groupID, connector.GroupMemberEntitlementID(groupID))
	if err == nil {
		d.update(TypeGroup, groupID, func(l *grantListing) { delete(l.members, accountID) })
	}
	return already, err
}

// AssignRole grants a workspace role to a user or a group.
func (d *Directory) AssignRole(ctx context.Context, p Principal, r Role) (already bool, err error) {
	already, err = d.grant(ctx, p, TypeWorkspace, r.WorkspaceID, connector.WorkspaceRoleEntitlementID(r.WorkspaceID, r.Role))
	if err == nil {
		d.update(p.Type, p.ID, func(l *grantListing) { l.roles[r] = true })
	}
	return already, err
}

// RevokeRole takes a workspace role away from a user or a group.
func (d *Directory) RevokeRole(ctx context.Context, p Principal, r Role) (already bool, err error) {
	already, err = d.revoke(ctx, p, TypeWorkspace, r.WorkspaceID, connector.WorkspaceRoleEntitlementID(r.WorkspaceID, r.Role))
	if err == nil {
		d.update(p.Type, p.ID, func(l *grantListing) { delete(l.roles, r) })
	}
	return already, err
}

// update changes a cached listing, if there is one: an absent listing is
// fetched fresh (and so already reflects the write) when first needed.
func (d *Directory) update(resourceType, id string, change func(*grantListing)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.grants[key(resourceType, id)]; ok && l.found {
		change(l)
	}
}

func entitlementRef(resourceType, resourceID, entitlementID string) *v2.Entitlement {
	return v2.Entitlement_builder{Id: entitlementID, Resource: resourceRef(resourceType, resourceID)}.Build()
}

func (d *Directory) grant(ctx context.Context, p Principal, resourceType, resourceID, entitlementID string) (bool, error) {
	d.writing.Store(true)
	resp, err := d.server.Grant(ctx, v2.GrantManagerServiceGrantRequest_builder{
		Principal:   resourceRef(p.Type, p.ID),
		Entitlement: entitlementRef(resourceType, resourceID, entitlementID),
	}.Build())
	if err != nil {
		return false, describe(err)
	}
	annos := annotations.Annotations(resp.GetAnnotations())
	return annos.Contains(&v2.GrantAlreadyExists{}), nil
}

func (d *Directory) revoke(ctx context.Context, p Principal, resourceType, resourceID, entitlementID string) (bool, error) {
	d.writing.Store(true)
	principal := resourceRef(p.Type, p.ID)
	resp, err := d.server.Revoke(ctx, v2.GrantManagerServiceRevokeRequest_builder{
		Grant: v2.Grant_builder{
			Id:          connector.GrantID(entitlementID, p.Type, p.ID),
			Entitlement: entitlementRef(resourceType, resourceID, entitlementID),
			Principal:   principal,
		}.Build(),
	}.Build())
	if err != nil {
		return false, describe(err)
	}
	annos := annotations.Annotations(resp.GetAnnotations())
	return annos.Contains(&v2.GrantAlreadyRevoked{}), nil
}

// isNotFound reports that the resource asked about does not exist. A wrong
// organization id is answered 404 too (ADMIN-UAM-404-2, which the connector
// also reports as NotFound), but it says nothing about the resource: taken
// for "not found", it would make every group, membership and role look
// deleted outside Terraform, and every delete look done while nothing was
// removed. It is an error.
func isNotFound(err error) bool {
	return status.Code(err) == codes.NotFound && !errors.Is(err, atlassian.ErrOrganizationNotFound)
}

// describe keeps the connector's message and drops gRPC's "rpc error: code =
// ... desc =" framing, which means nothing to a Terraform user. The error
// still unwraps to the connector's (and so to the atlassian client's
// sentinels, such as atlassian.ErrInactiveUser or ErrLicenceLimit), so
// callers can tell failures apart with errors.Is.
func describe(err error) error {
	if s, ok := status.FromError(err); ok && s.Code() != codes.Unknown {
		// The SDK's builder wraps the connector's error ("grant failed:
		// ...", "error: get resource failed: ..."); the connector's own
		// status carries the message a user can act on.
		var inner interface{ GRPCStatus() *status.Status }
		if errors.As(err, &inner) && inner.GRPCStatus().Message() != "" {
			s = inner.GRPCStatus()
		}
		if isNotFound(err) {
			return &describedError{msg: ErrNotFound.Error() + ": " + s.Message(), causes: []error{ErrNotFound, err}}
		}
		return &describedError{msg: s.Message(), causes: []error{err}}
	}
	return err
}

// describedError is a connector error with its gRPC framing removed.
type describedError struct {
	msg    string
	causes []error
}

func (e *describedError) Error() string   { return e.msg }
func (e *describedError) Unwrap() []error { return e.causes }
