package connector

import (
	"context"
	"strings"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// userSyncer lists the organization's managed accounts. Users hold no
// entitlements; their Grants are their own role assignments (see Grants).
type userSyncer struct{ c *Connector }

func (s *userSyncer) ResourceType(context.Context) *v2.ResourceType { return userResourceType }

// userRead is the search every read of users goes through: the search is
// the one user read that reports MFA (and, expanded, platform roles and the
// last activity per product), at the same cost per page as the GET listing
// it replaces.
var userRead = atlassian.UserSearch{PlatformRoles: true, ProductAccess: true}

// List pages through every user of every directory.
func (s *userSyncer) List(ctx context.Context, _ *v2.ResourceId, opts resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	page, err := s.c.client.SearchUsersPage(ctx, atlassian.AllDirectories, userRead, opts.PageToken.Token)
	if err != nil {
		return nil, nil, wrapError(err, "listing users")
	}
	out := make([]*v2.Resource, 0, len(page.Items))
	for i := range page.Items {
		r, err := userResource(&page.Items[i])
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	return out, syncResults(rl, page.Next), nil
}

// Entitlements: none (the resource type says so too, so the syncer skips
// the call).
func (s *userSyncer) Entitlements(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

// Grants emits the user's direct role assignments as grants on the
// workspace (role:<role>) and organization entitlements, with the user as
// principal.
//
// Why here and not in the workspace syncer: the admin API only lists role
// assignments per principal (GET .../users/{accountId}/role-assignments and
// .../groups/{groupId}/role-assignments); nothing lists the holders of a role
// on a workspace. The N+1 is therefore unavoidable and lands here, one
// listing per user, made by the syncer's per-resource Grants call (in
// parallel when the sync has several workers). The SDK stores each grant
// under its own entitlement's resource (dotc1z baseGrantRecord keys rows by
// grant.Entitlement.Resource, not by the resource being synced), so
// ListGrantsForEntitlement on the workspace entitlement finds them, and a
// reader can also get one principal's grants from one listing.
func (s *userSyncer) Grants(ctx context.Context, r *v2.Resource, opts resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	accountID := r.GetId().GetResource()
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	page, err := s.c.client.ListUserRoleAssignmentsPage(ctx, atlassian.AllDirectories, accountID, opts.PageToken.Token)
	if err != nil {
		return nil, nil, wrapError(err, "listing the role assignments of user %s", accountID)
	}
	principal := resourceID(ResourceTypeUser, accountID)
	return s.c.roleGrants(principal, page.Items), syncResults(rl, page.Next), nil
}

// Get reads one user, for targeted syncs.
func (s *userSyncer) Get(ctx context.Context, id *v2.ResourceId, _ *v2.ResourceId) (*v2.Resource, annotations.Annotations, error) {
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	u, err := s.c.readUser(ctx, id.GetResource())
	if err != nil {
		return nil, nil, wrapError(err, "reading user %s", id.GetResource())
	}
	r, err := userResource(u)
	if err != nil {
		return nil, nil, err
	}
	return r, withRateLimit(rl, nil), nil
}

// userResource maps an Atlassian user to a baton user: id = account id,
// display name = name, login and primary email = email, status active ->
// enabled and anything else -> disabled (with the Atlassian status as detail).
func userResource(u *atlassian.User) (*v2.Resource, error) {
	return userResourceWith(u, nil)
}

// userResourceWith is userResource with more profile keys (the outcome of
// an invitation).
func userResourceWith(u *atlassian.User, extra map[string]any) (*v2.Resource, error) {
	status := v2.Status_RESOURCE_STATUS_DISABLED
	if u.Status == atlassian.UserStatusActive {
		status = v2.Status_RESOURCE_STATUS_ENABLED
	}
	profile := map[string]any{
		ProfileAccountID:        u.AccountID,
		ProfileAccountType:      u.AccountType,
		ProfileUserStatus:       u.Status,
		ProfileAccountStatus:    u.AccountStatus,
		ProfileMembershipStatus: u.MembershipStatus,
		ProfileClaimStatus:      u.ClaimStatus,
		ProfileUserName:         u.Name,
		ProfileNickname:         u.Nickname,
		ProfileEmail:            u.Email,
		ProfileEmailVerified:    u.EmailVerified,
		ProfilePlatformRoles:    strings.Join(u.PlatformRoles, ","),
	}
	if u.MFAEnabled != nil {
		profile[ProfileMFAEnabled] = *u.MFAEnabled
	}
	for k, v := range extra {
		profile[k] = v
	}
	if u.AddedToOrg != nil {
		profile[ProfileAddedToOrg] = u.AddedToOrg.UTC().Format(time.RFC3339)
	}
	if u.ManagementSource != "" {
		profile[ProfileManagementSource] = u.ManagementSource
	}
	if u.ProductAccess != nil {
		profile[ProfileProductAccess] = productAccessProfile(u.ProductAccess)
	}
	if u.Counts != nil {
		profile[ProfileResourceCount] = u.Counts.Resources
	}
	traits := []resource.UserTraitOption{resource.WithAccountType(accountType(u.AccountType))}
	// ConductorOne shows an account's last login and two-step verification
	// from the trait: the latest product activity is the nearest Atlassian
	// reports to a last login.
	if last := u.LastActive(); last != nil {
		profile[ProfileLastActive] = last.UTC().Format(time.RFC3339Nano)
		traits = append(traits, resource.WithLastLogin(*last))
	}
	if u.MFAEnabled != nil {
		traits = append(traits, resource.WithMFAStatus(v2.UserTrait_MFAStatus_builder{MfaEnabled: *u.MFAEnabled}.Build()))
	}
	if u.Email != "" {
		traits = append(traits, resource.WithEmail(u.Email, true), resource.WithUserLogin(u.Email))
	}
	// Status and profile are the resource's own since baton-sdk v0.25 (the
	// trait's are deprecated); readers use resource.GetStatus and
	// resource.GetProfile, which fall back to the trait for older syncs.
	return resource.NewUserResource(firstNonEmpty(u.Name, u.Email, u.AccountID), userResourceType, u.AccountID, traits,
		resource.WithResourceStatus(status, u.Status), resource.WithResourceProfile(profile))
}

// productAccessProfile is the product access of an account as a profile
// list (see ProfileProductAccess).
func productAccessProfile(access []atlassian.ProductAccess) []any {
	out := make([]any, 0, len(access))
	for _, p := range access {
		item := map[string]any{ProductAccessWorkspaceID: p.ID, ProductAccessKey: p.Key}
		if p.LastActive != nil {
			item[ProductAccessLastActive] = p.LastActive.UTC().Format(time.RFC3339Nano)
		}
		out = append(out, item)
	}
	return out
}

// accountType maps Atlassian's account types: app accounts are service
// identities, customers (of Jira Service Management) and staff are people.
func accountType(t string) v2.UserTrait_AccountType {
	if t == "app" {
		return v2.UserTrait_ACCOUNT_TYPE_SERVICE
	}
	return v2.UserTrait_ACCOUNT_TYPE_HUMAN
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// FindUsers reads the users among accountIDs as baton user resources, the
// same as a sync emits them, in batched requests of ten ids (see
// atlassian.Client.FindUsers). Ids that name no user are absent from the
// result. The baton SDK reads resources one at a time (ResourceGetter) or
// lists them all, and its actions answer asynchronously after a second, so
// the provider's plan-time checks of many accounts call this directly.
func (c *Connector) FindUsers(ctx context.Context, accountIDs []string) ([]*v2.Resource, error) {
	users, err := c.client.FindUsers(ctx, atlassian.AllDirectories, accountIDs)
	if err != nil {
		return nil, wrapError(err, "looking up %d accounts", len(accountIDs))
	}
	return userResources(users)
}

// ListedUsers answers the accounts among accountIDs that member listings
// read (see Lookups).
func (c *Connector) ListedUsers(accountIDs []string) []*v2.Resource {
	found := c.listed.find(accountIDs)
	out := make([]*v2.Resource, 0, len(found))
	for i := range found {
		// The accounts came from the API: a resource that cannot be built
		// is left for a lookup to report.
		if r, err := userResource(&found[i]); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// FindGroupMembers reads the members of groups as user resources, each
// once, in a few users searches filtered by groupIds (see
// atlassian.Client.FindGroupMembers): where the accounts wanted are groups'
// members, a page carries a hundred of them, a lookup by id ten.
func (c *Connector) FindGroupMembers(ctx context.Context, groupIDs []string) ([]*v2.Resource, error) {
	users, err := c.client.FindGroupMembers(ctx, atlassian.AllDirectories, groupIDs)
	if err != nil {
		return nil, wrapError(err, "reading the members of %d groups", len(groupIDs))
	}
	return userResources(users)
}

// FindUsersWithRoleOn reads the accounts the users search finds on a
// resource (its resourceIds filter, nothing else), as user resources. The
// search is never asked for a role as well: whether roleIds and resourceIds
// must hold on the same assignment is not published.
func (c *Connector) FindUsersWithRoleOn(ctx context.Context, resourceID string) ([]*v2.Resource, error) {
	search := userRead
	search.ResourceIDs = []string{resourceID}
	return c.searchedUsers(ctx, search, "finding the accounts with a role on "+resourceID)
}

// FindUsersWithRole reads the accounts the users search finds holding a
// role (its roleIds filter, nothing else), as user resources.
func (c *Connector) FindUsersWithRole(ctx context.Context, role string) ([]*v2.Resource, error) {
	search := userRead
	search.RoleIDs = []string{role}
	return c.searchedUsers(ctx, search, "finding the accounts holding "+role)
}

// searchedUsers reads every page of a users search, as user resources;
// doing says what the search is for, in its error.
func (c *Connector) searchedUsers(ctx context.Context, search atlassian.UserSearch, doing string) ([]*v2.Resource, error) {
	var out []*v2.Resource
	for u, err := range c.client.SearchUsers(ctx, atlassian.AllDirectories, search) {
		if err != nil {
			return nil, wrapError(err, "%s", doing)
		}
		r, err := userResource(&u)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// userResources turns accounts into user resources, as a sync emits them.
func userResources(users []atlassian.User) ([]*v2.Resource, error) {
	out := make([]*v2.Resource, 0, len(users))
	for i := range users {
		r, err := userResource(&users[i])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
