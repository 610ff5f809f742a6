package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	c1zpb "github.com/conductorone/baton-sdk/pb/c1/c1z/v1"
	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	reader_v2 "github.com/conductorone/baton-sdk/pb/c1/reader/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorstore"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// listingPageSize is how many resources or grants one read of the store
// decodes: the report's transient memory is a page of them, so a page is
// kept far below the store's default.
const listingPageSize = 500

// principalPageSize is how many of one account's grants one read decodes
// (the most the SDK's reader API allows).
const principalPageSize = 250

// syncIndex is what the report keeps of a sync while it reads the rows
// account by account: the accounts, groups and resource names, and the
// roles groups hold. It grows with the accounts and groups, never with
// the grants: each account's own grants are read from the store when its
// rows are made.
type syncIndex struct {
	reader connectorstore.Reader
	ofSync annotations.Annotations
	meta   Metadata

	accounts map[string]Account
	groups   map[string]*Group
	names    map[string]string // resource key -> display name, but for accounts
	// groupRoles are the roles each group holds, which each of its
	// members holds through it.
	groupRoles map[string][]heldRole
	// holders are the accounts that are the principal of a grant, in the
	// rows' order: by email, then account id.
	holders []string
}

// heldRole is a role entitlement as the rows name it.
type heldRole struct {
	accessType, resourceID, resourceName, role, entitlementID string
}

// indexSync reads every resource of a sync, and every grant once: the
// group memberships only to count them and to know whose rows to read,
// the roles of groups to keep.
func indexSync(ctx context.Context, r connectorstore.Reader, syncID string) (*syncIndex, error) {
	s := &syncIndex{
		reader:     r,
		ofSync:     annotations.New(c1zpb.SyncDetails_builder{Id: syncID}.Build()),
		accounts:   map[string]Account{},
		groups:     map[string]*Group{},
		names:      map[string]string{},
		groupRoles: map[string][]heldRole{},
	}
	err := eachPage(ctx, func(token string) ([]*v2.Resource, string, error) {
		resp, err := r.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{
			PageToken: token, PageSize: listingPageSize, Annotations: s.ofSync}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}, func(res *v2.Resource) error {
		id := res.GetId()
		if id.GetResourceType() == connector.ResourceTypeUser {
			// Rows name an account by its own fields, never by its
			// resource's name.
			s.accounts[id.GetResource()] = accountOf(res)
			return nil
		}
		s.names[resourceKey(id.GetResourceType(), id.GetResource())] = res.GetDisplayName()
		switch id.GetResourceType() {
		case connector.ResourceTypeGroup:
			s.groups[id.GetResource()] = &Group{ID: id.GetResource(), Name: res.GetDisplayName()}
		case connector.ResourceTypeOrganization:
			s.meta.OrganizationID, s.meta.OrganizationName = id.GetResource(), res.GetDisplayName()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resources: %w", err)
	}

	holders := map[string]bool{}
	err = eachPage(ctx, func(token string) ([]*v2.Grant, string, error) {
		resp, err := r.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{
			PageToken: token, PageSize: listingPageSize, Annotations: s.ofSync}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}, func(g *v2.Grant) error {
		on := g.GetEntitlement().GetResource().GetId()
		principal := g.GetPrincipal().GetId()
		if principal.GetResourceType() == connector.ResourceTypeUser {
			holders[principal.GetResource()] = true
		}
		if on.GetResourceType() == connector.ResourceTypeGroup {
			if group := s.groups[on.GetResource()]; group != nil && principal.GetResourceType() == connector.ResourceTypeUser {
				group.Members++
			}
			return nil
		}
		role, err := s.roleOf(g)
		if err != nil {
			return err
		}
		if principal.GetResourceType() == connector.ResourceTypeGroup {
			s.groupRoles[principal.GetResource()] = append(s.groupRoles[principal.GetResource()], role)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	s.holders = make([]string, 0, len(holders))
	for id := range holders {
		s.holders = append(s.holders, id)
	}
	slices.SortFunc(s.holders, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.accounts[a].Email, s.accounts[b].Email), cmp.Compare(a, b))
	})
	return s, nil
}

// roleOf is the role a grant of a workspace or organization role holds.
func (s *syncIndex) roleOf(g *v2.Grant) (heldRole, error) {
	ent := g.GetEntitlement()
	ref, err := connector.ParseEntitlementID(ent.GetId())
	if err != nil || ref.Role() == "" {
		return heldRole{}, fmt.Errorf("grant %s: entitlement %q is not a role of this connector", g.GetId(), ent.GetId())
	}
	accessType := AccessWorkspaceRole
	if ref.ResourceType == connector.ResourceTypeOrganization {
		accessType = AccessOrganizationRole
	}
	return heldRole{
		accessType: accessType, resourceID: ref.ResourceID, role: ref.Role(), entitlementID: ent.GetId(),
		resourceName: cmp.Or(s.names[resourceKey(ref.ResourceType, ref.ResourceID)], ref.ResourceID),
	}, nil
}

// sortedGroups are the synced groups, by name then id.
func (s *syncIndex) sortedGroups() []Group {
	groups := make([]Group, 0, len(s.groups))
	for _, g := range s.groups {
		groups = append(groups, *g)
	}
	slices.SortFunc(groups, func(a, b Group) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return groups
}

// account is a synced account, or one a grant names that the sync does
// not hold.
func (s *syncIndex) account(id string) (Account, bool) {
	a, ok := s.accounts[id]
	if !ok {
		a = Account{ID: id}
	}
	return a, ok
}

// eachEmail hands each email's rows to each, in the report's order. The
// rows sort by email first, so each email's rows are a run of the report:
// only the rows of the accounts sharing one email (one account, but for
// accounts without an email) are ever held at once.
func (s *syncIndex) eachEmail(ctx context.Context, each func(rows []Row) error) error {
	var rows []Row
	for i, id := range s.holders {
		var err error
		if rows, err = s.appendRowsOf(ctx, rows, id); err != nil {
			return err
		}
		if last := i == len(s.holders)-1; last || s.accounts[s.holders[i+1]].Email != s.accounts[id].Email {
			Sort(rows)
			if err := each(rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return nil
}

// held is one entitlement held by one account through one path: the key
// that keeps a grant seen twice (directly and as the SDK's expansion of a
// group grant) to one row.
type held struct {
	entitlementID, pathGroupID string
}

// appendRowsOf appends the rows of one account: its memberships, the
// roles it holds itself and those it holds through its groups.
func (s *syncIndex) appendRowsOf(ctx context.Context, rows []Row, accountID string) ([]Row, error) {
	a, _ := s.account(accountID)
	seen := map[held]bool{}
	add := func(role heldRole, pathGroupID string) {
		k := held{role.entitlementID, pathGroupID}
		if seen[k] {
			return
		}
		seen[k] = true
		path := PathDirect
		if pathGroupID != "" {
			path = cmp.Or(s.names[resourceKey(connector.ResourceTypeGroup, pathGroupID)], pathGroupID)
		}
		lastActive := ""
		if role.accessType == AccessWorkspaceRole {
			if t := a.ProductAccess[role.resourceID]; t != nil {
				lastActive = FormatTime(*t)
			}
		}
		rows = append(rows, Row{
			AccountID: accountID, Email: a.Email, Name: a.Name, AccountStatus: a.Status, ClaimStatus: a.ClaimStatus,
			AccessType: role.accessType, ResourceID: role.resourceID, ResourceName: role.resourceName, Role: role.role,
			Path: path, PathGroupID: pathGroupID, LastActive: lastActive,
		})
	}
	var groups []string
	principal := v2.ResourceId_builder{ResourceType: connector.ResourceTypeUser, Resource: accountID}.Build()
	err := eachPage(ctx, func(token string) ([]*v2.Grant, string, error) {
		resp, err := s.reader.ListGrantsForPrincipal(ctx, reader_v2.GrantsReaderServiceListGrantsForPrincipalRequest_builder{
			PrincipalId: principal, PageToken: token, PageSize: principalPageSize, Annotations: s.ofSync}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}, func(g *v2.Grant) error {
		ent := g.GetEntitlement()
		on := ent.GetResource().GetId()
		if on.GetResourceType() == connector.ResourceTypeGroup {
			groupID := on.GetResource()
			groups = append(groups, groupID)
			add(heldRole{
				accessType: AccessGroupMembership, resourceID: groupID, role: connector.MemberSlug,
				resourceName:  cmp.Or(s.names[resourceKey(connector.ResourceTypeGroup, groupID)], groupID),
				entitlementID: connector.GroupMemberEntitlementID(groupID),
			}, "")
			return nil
		}
		role, err := s.roleOf(g)
		if err != nil {
			return err
		}
		// A grant the SDK expanded from a group's names that group's
		// membership among its sources; one the user holds itself has
		// no sources, or its own entitlement among them.
		sources := g.GetSources().GetSources()
		if len(sources) == 0 || sources[ent.GetId()] != nil {
			add(role, "")
		}
		for source := range sources {
			if src, err := connector.ParseEntitlementID(source); err == nil && src.ResourceType == connector.ResourceTypeGroup && src.Slug == connector.MemberSlug {
				add(role, src.ResourceID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("grants of %s: %w", accountID, err)
	}
	// A group's role is held by each of its members, through it.
	for _, groupID := range groups {
		for _, role := range s.groupRoles[groupID] {
			add(role, groupID)
		}
	}
	return rows, nil
}
