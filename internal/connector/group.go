package connector

import (
	"context"
	"fmt"
	"iter"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// groupSyncer lists groups; its entitlement is membership, its grants are
// the members plus the group's own role assignments, and it provisions
// memberships and creates and deletes groups.
type groupSyncer struct{ c *Connector }

func (s *groupSyncer) ResourceType(context.Context) *v2.ResourceType { return groupResourceType }

// List pages through every group of every directory, remembering each
// group's directory for later writes.
func (s *groupSyncer) List(ctx context.Context, _ *v2.ResourceId, opts resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	page, err := s.c.client.SearchGroupsPage(ctx, atlassian.AllDirectories, atlassian.GroupFilter{}, opts.PageToken.Token)
	if err != nil {
		return nil, nil, wrapError(err, "listing groups")
	}
	out := make([]*v2.Resource, 0, len(page.Items))
	for i := range page.Items {
		g := &page.Items[i]
		s.c.rememberDirectory(g.ID, g.DirectoryID)
		r, err := groupResource(g)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	return out, syncResults(rl, page.Next), nil
}

// Entitlements: the one membership entitlement, grantable to users.
func (s *groupSyncer) Entitlements(_ context.Context, r *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return []*v2.Entitlement{
		entitlement.NewAssignmentEntitlement(r, MemberSlug,
			entitlement.WithGrantableTo(userResourceType),
			entitlement.WithDisplayName(r.GetDisplayName()+" member"),
			entitlement.WithDescription("Member of the Atlassian group "+r.GetDisplayName()),
		),
	}, &resource.SyncOpResults{}, nil
}

// Page tokens of Grants: the members come first (the users search filtered
// by groupIds), then the group's role assignments. A token is the phase and the
// API cursor within it.
const (
	membersPhase = "members:"
	rolesPhase   = "roles:"
)

// Grants emits the group's members as grants of its member entitlement, then
// its role assignments as grants on workspace (and organization) role
// entitlements with the group as principal: one member listing page per
// call, and the role listing, for a group of up to 100 members, in the same
// call. So a reader needs one listing per group, and one per user (the user
// syncer's Grants), to see every grant.
func (s *groupSyncer) Grants(ctx context.Context, r *v2.Resource, opts resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	groupID := r.GetId().GetResource()
	group := r.GetId()
	token := opts.PageToken.Token
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	var out []*v2.Grant

	if token == "" || strings.HasPrefix(token, membersPhase) {
		cursor := strings.TrimPrefix(token, membersPhase)
		members := userRead
		members.GroupIDs = []string{groupID}
		since := s.c.listed.since()
		page, err := s.c.client.SearchUsersPage(ctx, atlassian.AllDirectories, members, cursor)
		if err != nil {
			return nil, nil, wrapError(err, "listing the members of group %s", groupID)
		}
		s.c.listed.keep(since, page.Items)
		out = make([]*v2.Grant, 0, len(page.Items))
		for _, u := range page.Items {
			out = append(out, newGrant(group, MemberSlug, resourceID(ResourceTypeUser, u.AccountID)))
		}
		if page.Next != "" {
			return out, syncResults(rl, membersPhase+page.Next), nil
		}
		token = rolesPhase
	}

	cursor, ok := strings.CutPrefix(token, rolesPhase)
	if !ok {
		return nil, nil, invalidArgument("group grants: unknown page token %q", token)
	}
	page, err := s.c.client.ListGroupRoleAssignmentsPage(ctx, atlassian.AllDirectories, groupID, cursor)
	if err != nil {
		return nil, nil, wrapError(err, "listing the role assignments of group %s", groupID)
	}
	out = append(out, s.c.roleGrants(group, page.Items)...)
	next := ""
	if page.Next != "" {
		next = rolesPhase + page.Next
	}
	return out, syncResults(rl, next), nil
}

// Get reads one group, for targeted syncs.
func (s *groupSyncer) Get(ctx context.Context, id *v2.ResourceId, _ *v2.ResourceId) (*v2.Resource, annotations.Annotations, error) {
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	g, err := s.c.client.GetGroup(ctx, atlassian.AllDirectories, id.GetResource())
	if err != nil {
		return nil, nil, wrapError(err, "reading group %s", id.GetResource())
	}
	s.c.rememberDirectory(g.ID, g.DirectoryID)
	r, err := groupResource(g)
	if err != nil {
		return nil, nil, err
	}
	return r, withRateLimit(rl, nil), nil
}

// Grant adds a user to the group with one write and no read: a provider
// adding a thousand members must not pay two requests each. A user already
// a member is reported with the GrantAlreadyExists annotation when Atlassian
// answers 409 ADMIN-UAM-409-2; a tenant that answers a repeated add with a
// plain 204 gets no annotation, which is harmless: the user is a member
// either way.
func (s *groupSyncer) Grant(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	groupID, accountID, err := s.membershipTarget(ent, principal.GetId())
	if err != nil {
		return nil, nil, err
	}
	granted := []*v2.Grant{grantOf(ent, principal)}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	directoryID, err := s.c.groupDirectory(ctx, groupID)
	if err != nil {
		return nil, nil, wrapError(err, "adding user %s to group %s: finding the group's directory", accountID, groupID)
	}
	err = s.c.client.AddGroupMember(ctx, directoryID, groupID, accountID)
	switch {
	case err == nil:
		return granted, withRateLimit(rl, nil), nil
	case isAlreadyExists(err):
		return granted, withRateLimit(rl, alreadyExists), nil
	}
	return nil, nil, wrapError(err, "adding user %s to group %s", accountID, groupID)
}

// Revoke removes a user from the group with one write. A user who is not a
// member, or a group that no longer exists, is answered 404 and reported
// with GrantAlreadyRevoked.
func (s *groupSyncer) Revoke(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	groupID, accountID, err := s.membershipTarget(g.GetEntitlement(), g.GetPrincipal().GetId())
	if err != nil {
		return nil, err
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	directoryID, err := s.c.groupDirectory(ctx, groupID)
	if err == nil {
		err = s.c.client.RemoveGroupMember(ctx, directoryID, groupID, accountID)
	}
	switch {
	case err == nil:
		return withRateLimit(rl, nil), nil
	case isGone(err):
		return withRateLimit(rl, alreadyRevoked), nil
	}
	return nil, wrapError(err, "removing user %s from group %s", accountID, groupID)
}

// membershipTarget checks that a grant request is a user on a group's member
// entitlement and returns the group and account ids.
func (s *groupSyncer) membershipTarget(ent *v2.Entitlement, principal *v2.ResourceId) (groupID, accountID string, err error) {
	ref, err := ParseEntitlementID(ent.GetId())
	if err != nil || ref.ResourceType != ResourceTypeGroup || ref.Slug != MemberSlug {
		return "", "", invalidArgument("entitlement %q is not a group membership (group:<group id>:member)", ent.GetId())
	}
	if principal.GetResourceType() != ResourceTypeUser {
		return "", "", invalidArgument("group membership can be granted to users only, not to a %q principal (Atlassian groups do not nest)", principal.GetResourceType())
	}
	if principal.GetResource() == "" {
		return "", "", invalidArgument("the principal has no account id")
	}
	return ref.ResourceID, principal.GetResource(), nil
}

// Create makes a group from a group resource: its display name is the
// group's name, its description (or the group profile's "description") the
// group's description. The directory is the profile's "directory_id" when
// given, else the organization's only directory. The created resource
// carries the new group id and its directory id in the profile.
func (s *groupSyncer) Create(ctx context.Context, r *v2.Resource) (*v2.Resource, annotations.Annotations, error) {
	name := strings.TrimSpace(r.GetDisplayName())
	if name == "" {
		return nil, nil, invalidArgument("a group needs a name (the resource's display name)")
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	description := r.GetDescription()
	directoryID := ""
	profile := resource.GetProfile(r)
	if d, ok := resource.GetProfileStringValue(profile, ProfileDescription); ok && description == "" {
		description = d
	}
	if d, ok := resource.GetProfileStringValue(profile, ProfileDirectoryID); ok {
		directoryID = d
	}
	if directoryID == "" {
		var err error
		if directoryID, err = s.c.defaultDirectory(ctx); err != nil {
			return nil, nil, err
		}
	}
	g, err := s.c.client.CreateGroup(ctx, directoryID, name, description)
	if err != nil {
		return nil, nil, wrapError(err, "creating group %q in directory %s", name, directoryID)
	}
	if g.DirectoryID == "" {
		g.DirectoryID = directoryID
	}
	s.c.rememberDirectory(g.ID, g.DirectoryID)
	created, err := groupResource(g)
	if err != nil {
		return nil, nil, err
	}
	return created, withRateLimit(rl, nil), nil
}

// FindGroupByName reads the group named name (see Lookups), with the exact
// groupNames filter of the groups search: one request, not a full listing.
func (c *Connector) FindGroupByName(ctx context.Context, name string) (*v2.Resource, bool, error) {
	g, err := c.client.FindGroupByName(ctx, atlassian.AllDirectories, name)
	switch {
	case isGone(err):
		return nil, false, nil
	case err != nil:
		return nil, false, wrapError(err, "looking for the group named %q", name)
	}
	c.rememberDirectory(g.ID, g.DirectoryID)
	r, err := groupResource(g)
	if err != nil {
		return nil, false, err
	}
	return r, true, nil
}

// Delete deletes a group. A group already gone is not an error: deleting is
// idempotent.
func (s *groupSyncer) Delete(ctx context.Context, id *v2.ResourceId, _ *v2.ResourceId) (annotations.Annotations, error) {
	if id.GetResourceType() != ResourceTypeGroup || id.GetResource() == "" {
		return nil, invalidArgument("%s/%s is not a group", id.GetResourceType(), id.GetResource())
	}
	groupID := id.GetResource()
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	directoryID, err := s.c.groupDirectory(ctx, groupID)
	if err == nil {
		err = s.c.client.DeleteGroup(ctx, directoryID, groupID)
	}
	switch {
	case err == nil, isGone(err):
		s.c.forgetDirectory(groupID)
		return withRateLimit(rl, nil), nil
	}
	return nil, wrapError(err, "deleting group %s", groupID)
}

// defaultDirectory finds the directory to create a group in when the caller
// names none: the directory of the existing groups, provided there is only
// one. The admin API client has no directory listing, and most
// organizations have a single directory.
func (c *Connector) defaultDirectory(ctx context.Context) (string, error) {
	seen := map[string]bool{}
	var first string
	for g, err := range c.client.SearchGroups(ctx, atlassian.AllDirectories, atlassian.GroupFilter{}) {
		if err != nil {
			return "", wrapError(err, "finding the directory to create the group in")
		}
		c.rememberDirectory(g.ID, g.DirectoryID)
		if g.DirectoryID != "" && !seen[g.DirectoryID] {
			seen[g.DirectoryID] = true
			if first == "" {
				first = g.DirectoryID
			}
		}
	}
	switch len(seen) {
	case 0:
		return "", newStatusError(codes.FailedPrecondition, nil,
			"cannot tell which directory to create the group in: the organization has no group to learn it from; set %q in the group profile", ProfileDirectoryID)
	case 1:
		return first, nil
	}
	return "", invalidArgument("the organization has %d directories: set %q in the group profile to choose one", len(seen), ProfileDirectoryID)
}

// groupResource maps an Atlassian group to a baton group.
func groupResource(g *atlassian.Group) (*v2.Resource, error) {
	profile := map[string]any{
		ProfileGroupID:        g.ID,
		ProfileGroupName:      g.Name,
		ProfileDescription:    g.Description,
		ProfileDirectoryID:    g.DirectoryID,
		ProfileExternalSynced: g.ExternalSynced,
		ProfileManagedBy:      g.ManagedBy,
	}
	if g.ManagementAccess != nil {
		profile[ProfileModifiable] = g.ManagementAccess.Modifiable
		profile[ProfileDeletable] = g.ManagementAccess.Deletable
	}
	opts := []resource.ResourceOption{resource.WithResourceProfile(profile)}
	if g.Description != "" {
		opts = append(opts, resource.WithDescription(g.Description))
	}
	r, err := resource.NewGroupResource(firstNonEmpty(g.Name, g.ID), groupResourceType, g.ID,
		nil, opts...)
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", g.ID, err)
	}
	return r, nil
}

// FindGroupsOf reads the groups an account is a member of (the groups
// search's accountIds filter), as group resources.
func (c *Connector) FindGroupsOf(ctx context.Context, accountID string) ([]*v2.Resource, error) {
	groups := c.client.SearchGroups(ctx, atlassian.AllDirectories, atlassian.GroupFilter{AccountIDs: []string{accountID}})
	return c.groupResources(groups, "finding the groups of account "+accountID)
}

// FindGroupsWithRoleOn reads the groups the groups search finds holding a
// role on a resource (its resourceIds filter), as group resources.
func (c *Connector) FindGroupsWithRoleOn(ctx context.Context, resourceID string) ([]*v2.Resource, error) {
	groups := c.client.SearchGroups(ctx, atlassian.AllDirectories, atlassian.GroupFilter{ResourceIDs: []string{resourceID}})
	return c.groupResources(groups, "finding the groups with a role on "+resourceID)
}

// groupResources turns a walk over groups into group resources,
// remembering each group's directory.
func (c *Connector) groupResources(groups iter.Seq2[atlassian.Group, error], doing string) ([]*v2.Resource, error) {
	var out []*v2.Resource
	for g, err := range groups {
		if err != nil {
			return nil, wrapError(err, "%s", doing)
		}
		c.rememberDirectory(g.ID, g.DirectoryID)
		r, err := groupResource(&g)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
