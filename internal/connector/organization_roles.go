package connector

import (
	"context"
	"slices"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// GrantableOrganizationRoles are the organization roles Grant and Revoke
// write, through Atlassian's organization role endpoints, which accept
// the organization admin role alone. The other organization roles are synced only.
var GrantableOrganizationRoles = []string{atlassian.RoleOrgAdmin}

func grantableOrganizationRole(role string) bool {
	return slices.Contains(GrantableOrganizationRoles, role)
}

// Grant makes a user an organization admin with one write and no read. A
// role already held is reported with GrantAlreadyExists. Atlassian reads
// of the change lag behind it (eventually consistent), so a caller that
// reads back right away may not see it yet.
func (s *organizationSyncer) Grant(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	role, accountID, err := s.orgRoleTarget(ent, principal.GetId())
	if err != nil {
		return nil, nil, err
	}
	granted := []*v2.Grant{grantOf(ent, principal)}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	defer s.c.listed.changing(accountID)() // its platformRoles change
	err = s.c.client.AssignOrganizationRole(ctx, accountID, role)
	switch {
	case err == nil:
		return granted, withRateLimit(rl, nil), nil
	case isAlreadyExists(err):
		return granted, withRateLimit(rl, alreadyExists), nil
	}
	return nil, nil, wrapError(err, "giving user %s the organization role %s", accountID, role)
}

// Revoke takes the organization admin role away from a user with one
// write; a role not held (404) is reported with GrantAlreadyRevoked.
func (s *organizationSyncer) Revoke(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	role, accountID, err := s.orgRoleTarget(g.GetEntitlement(), g.GetPrincipal().GetId())
	if err != nil {
		return nil, err
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	defer s.c.listed.changing(accountID)() // its platformRoles change
	err = s.c.client.RevokeOrganizationRole(ctx, accountID, role)
	switch {
	case err == nil:
		return withRateLimit(rl, nil), nil
	case isGone(err):
		return withRateLimit(rl, alreadyRevoked), nil
	}
	return nil, wrapError(err, "taking the organization role %s away from user %s", role, accountID)
}

// orgRoleTarget checks that the entitlement is a grantable role of this
// organization and the principal a user, before anything is sent.
func (s *organizationSyncer) orgRoleTarget(ent *v2.Entitlement, principal *v2.ResourceId) (role, accountID string, err error) {
	ref, err := ParseEntitlementID(ent.GetId())
	if err != nil || ref.ResourceType != ResourceTypeOrganization || ref.Role() == "" {
		return "", "", invalidArgument("entitlement %q is not an organization role (organization:<organization id>:role:<role>)", ent.GetId())
	}
	if ref.ResourceID != s.c.orgID {
		return "", "", invalidArgument("entitlement %q belongs to organization %s, not to the configured organization %s", ent.GetId(), ref.ResourceID, s.c.orgID)
	}
	if !grantableOrganizationRole(ref.Role()) {
		return "", "", invalidArgument("the organization role %s is synced only: Atlassian's organization role endpoints assign %v", ref.Role(), GrantableOrganizationRoles)
	}
	if principal.GetResourceType() != ResourceTypeUser {
		return "", "", invalidArgument("organization roles can be granted to users only, not to a %q principal", principal.GetResourceType())
	}
	if principal.GetResource() == "" {
		return "", "", invalidArgument("the principal has no id")
	}
	return ref.Role(), principal.GetResource(), nil
}
