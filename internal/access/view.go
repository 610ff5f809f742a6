// Package access is the provider's view of who has access to what, read and
// written only through the connector's Service: the baton protocol, the same
// engine an identity-governance sync runs, and the few lookups the protocol
// has no method for. Open starts the connector for a configuration; callers
// see this package's errors (errors.go) and types, never the connector's.
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
	"fmt"
	"sync"
	"sync/atomic"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"golang.org/x/sync/singleflight"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// Resource type ids of the Atlassian connector, as principals and
// resources are named here.
const (
	TypeUser      = connector.ResourceTypeUser
	TypeGroup     = connector.ResourceTypeGroup
	TypeWorkspace = connector.ResourceTypeWorkspace
)

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

// View is the provider's cached view of one organization's access, through
// one connector (one client, so one rate limit and one concurrency limit,
// whatever reads or writes through it). It is not Atlassian's "directory",
// the container of accounts and groups that group ids belong to. A View is
// safe for concurrent use.
type View struct {
	conn   connector.Service
	flight singleflight.Group

	mu         sync.Mutex
	grants     map[string]*grantListing // keyed by principal/group resource key
	accounts   []Account                // nil until listed
	groups     []Group
	workspaces []Workspace
	orgs       []Organization // the one organization, once listed
	lookups    map[string]int // single-resource reads so far, by type
	// walks are the page-by-page listings under way (resourcePages), by
	// type: closed when the walk ends.
	walks map[string]chan struct{}

	// Resources read by id, kept for the life of the process like the
	// listings. accountsIndexed: found also holds every listed account.
	found           map[string]Account
	foundGroups     map[string]Group
	accountsIndexed bool
	// createdGroups and deletedGroups are the groups this View
	// created and deleted, which a listing fetched soon after may not show
	// yet, or still show (see Groups).
	createdGroups map[string]Group
	deletedGroups map[string]bool

	// orgRoles: the organization's id and its organization admins
	// (organization_roles.go).
	orgRoles orgRoleState

	// writing is set by the first write this View sends (see Applying).
	writing atomic.Bool
}

// grantListing is what one ListGrants walk over a resource found: for a
// group, its members and the roles the group holds; for a user, the roles it
// holds directly.
type grantListing struct {
	found   bool
	members map[string]bool
	roles   map[Role]bool
	// orgRoles are the organization roles the principal holds itself, as
	// roles whose WorkspaceID is the organization id.
	orgRoles map[Role]bool
}

// Open starts the Atlassian connector for one organization, as the edge
// checked its configuration. It sends nothing.
func Open(ctx context.Context, cfg orgconfig.Config) (*View, error) {
	conn, err := connector.Open(ctx, connector.Config{Config: cfg, RememberListedUsers: true})
	if err != nil {
		return nil, err
	}
	return New(conn), nil
}

// New builds a View over a connector's service, its one door to Atlassian.
func New(conn connector.Service) *View {
	d := &View{
		conn: conn, grants: map[string]*grantListing{}, lookups: map[string]int{},
		found: map[string]Account{}, foundGroups: map[string]Group{}, walks: map[string]chan struct{}{},
		createdGroups: map[string]Group{}, deletedGroups: map[string]bool{},
	}
	d.orgRoles.orgID = conn.OrganizationID()
	return d
}

// RequestStats counts what the connector under a View has sent to
// Atlassian.
type RequestStats struct {
	Requests int64 // every attempt, retries included
	Retries  int64 // attempts after the first
}

// RequestStats reports what has been sent so far.
func (d *View) RequestStats() RequestStats {
	s := d.conn.RequestStats()
	return RequestStats{Requests: s.Requests, Retries: s.Retries}
}

// Applying reports whether this View has started writing, which only
// ever happens while Terraform applies. Terraform plans every change again
// while applying, so a plan asked for after the first write is such a
// re-plan of a change that was planned, and checked, before: checks that
// only find out whether a referenced account exists can be left to the
// write itself, which fails with Atlassian's answer if the account has gone
// since. Each provider process configures a View of its own.
func (d *View) Applying() bool { return d.writing.Load() }

// RememberGroupDirectory passes on a group's directory id known from an
// earlier run, so that writes to the group need not read it first.
func (d *View) RememberGroupDirectory(groupID, directoryID string) {
	if groupID != "" && directoryID != "" {
		d.conn.RememberGroupDirectory(groupID, directoryID)
	}
}

func listingKey(resourceType, id string) string { return resourceType + "\x00" + id }

func resourceRef(resourceType, id string) *v2.Resource {
	return v2.Resource_builder{Id: v2.ResourceId_builder{ResourceType: resourceType, Resource: id}.Build()}.Build()
}

// listing returns the cached grant listing of a resource, fetching it once.
func (d *View) listing(ctx context.Context, resourceType, id string) (*grantListing, error) {
	k := listingKey(resourceType, id)
	d.mu.Lock()
	if l, ok := d.grants[k]; ok {
		d.mu.Unlock()
		return l, nil
	}
	d.mu.Unlock()
	return shareFetch(ctx, d, "grants/"+k, func(ctx context.Context) (*grantListing, error) {
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
}

// shareFetch runs fetch once for all concurrent callers of the same key. The
// fetch runs with the context of the caller that started it; when that
// caller gives up (its plan was interrupted, its context ended) the others,
// still waiting, must not inherit its cancellation: each of them whose own
// context is alive fetches again, sharing that fetch in turn.
func shareFetch[T any](ctx context.Context, d *View, key string, fetch func(context.Context) (T, error)) (T, error) {
	type outcome struct {
		value        T
		err          error
		leaderGaveUp bool
	}
	for {
		v, _, _ := d.flight.Do(key, func() (any, error) {
			value, err := fetch(ctx)
			return outcome{value: value, err: err, leaderGaveUp: err != nil && ctx.Err() != nil}, nil
		})
		o := v.(outcome)
		if o.leaderGaveUp && ctx.Err() == nil {
			continue
		}
		return o.value, o.err
	}
}

func (d *View) fetchGrants(ctx context.Context, resourceType, id string) (*grantListing, error) {
	l := &grantListing{found: true, members: map[string]bool{}, roles: map[Role]bool{}, orgRoles: map[Role]bool{}}
	ref := resourceRef(resourceType, id)
	token := ""
	progress := newProgress(ctx, "listing the grants of "+resourceType+" "+id)
	for {
		resp, err := d.conn.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{
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
		progress.page(len(resp.GetList()))
		next := resp.GetNextPageToken()
		if next == "" {
			progress.done()
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
	case entRes.GetResourceType() == connector.ResourceTypeOrganization:
		if principal.GetResourceType() == resourceType && principal.GetResource() == id {
			if ref, err := connector.ParseEntitlementID(ent.GetId()); err == nil && ref.Role() != "" {
				l.orgRoles[Role{WorkspaceID: entRes.GetResource(), Role: ref.Role()}] = true
			}
		}
	}
}

// GroupMembers returns the account ids of a group's members. found is false
// when the group does not exist.
func (d *View) GroupMembers(ctx context.Context, groupID string) (members map[string]bool, found bool, err error) {
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
func (d *View) IsMember(ctx context.Context, groupID, accountID string) (member, groupFound bool, err error) {
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
func (d *View) HasRole(ctx context.Context, p Principal, r Role) (has, found bool, err error) {
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
func (d *View) AddMember(ctx context.Context, groupID, accountID string) (already bool, err error) {
	already, err = d.grant(ctx, Principal{TypeUser, accountID}, TypeGroup, groupID, connector.GroupMemberEntitlementID(groupID))
	if err == nil {
		d.update(TypeGroup, groupID, func(l *grantListing) { l.members[accountID] = true })
	}
	return already, err
}

// RemoveMember revokes group membership. already is true when the account
// was not a member (GrantAlreadyRevoked).
func (d *View) RemoveMember(ctx context.Context, groupID, accountID string) (already bool, err error) {
	already, err = d.revoke(ctx, Principal{TypeUser, accountID}, TypeGroup, groupID, connector.GroupMemberEntitlementID(groupID))
	if err == nil {
		d.update(TypeGroup, groupID, func(l *grantListing) { delete(l.members, accountID) })
	}
	return already, err
}

// AssignRole grants a workspace role to a user or a group.
func (d *View) AssignRole(ctx context.Context, p Principal, r Role) (already bool, err error) {
	already, err = d.grant(ctx, p, TypeWorkspace, r.WorkspaceID, connector.WorkspaceRoleEntitlementID(r.WorkspaceID, r.Role))
	if err == nil {
		d.update(p.Type, p.ID, func(l *grantListing) { l.roles[r] = true })
	}
	return already, err
}

// RevokeRole takes a workspace role away from a user or a group.
func (d *View) RevokeRole(ctx context.Context, p Principal, r Role) (already bool, err error) {
	already, err = d.revoke(ctx, p, TypeWorkspace, r.WorkspaceID, connector.WorkspaceRoleEntitlementID(r.WorkspaceID, r.Role))
	if err == nil {
		d.update(p.Type, p.ID, func(l *grantListing) { delete(l.roles, r) })
	}
	return already, err
}

// update changes a cached listing, if there is one: an absent listing is
// fetched fresh (and so already reflects the write) when first needed.
func (d *View) update(resourceType, id string, change func(*grantListing)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.grants[listingKey(resourceType, id)]; ok && l.found {
		change(l)
	}
}

func entitlementRef(resourceType, resourceID, entitlementID string) *v2.Entitlement {
	return v2.Entitlement_builder{Id: entitlementID, Resource: resourceRef(resourceType, resourceID)}.Build()
}

func (d *View) grant(ctx context.Context, p Principal, resourceType, resourceID, entitlementID string) (bool, error) {
	d.writing.Store(true)
	resp, err := d.conn.Grant(ctx, v2.GrantManagerServiceGrantRequest_builder{
		Principal:   resourceRef(p.Type, p.ID),
		Entitlement: entitlementRef(resourceType, resourceID, entitlementID),
	}.Build())
	if err != nil {
		return false, describe(err)
	}
	annos := annotations.Annotations(resp.GetAnnotations())
	return annos.Contains(&v2.GrantAlreadyExists{}), nil
}

func (d *View) revoke(ctx context.Context, p Principal, resourceType, resourceID, entitlementID string) (bool, error) {
	d.writing.Store(true)
	principal := resourceRef(p.Type, p.ID)
	resp, err := d.conn.Revoke(ctx, v2.GrantManagerServiceRevokeRequest_builder{
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
