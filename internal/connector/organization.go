package connector

import (
	"context"
	"fmt"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// organizationSyncer yields the one organization resource and its
// organization-level role entitlements. The organization admin role is
// grantable (organization_roles.go); the other roles are synced only. Its
// grants come from the user (and group) role assignments whose resource
// owner is "platform".
type organizationSyncer struct{ c *Connector }

func (s *organizationSyncer) ResourceType(context.Context) *v2.ResourceType {
	return organizationResourceType
}

// List yields the organization. The organization is read at most once per
// connector (see Connector.organization), so most listings send nothing and
// carry no rate limit.
func (s *organizationSyncer) List(ctx context.Context, _ *v2.ResourceId, _ resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	r, err := s.resource(ctx)
	if err != nil {
		return nil, nil, err
	}
	return []*v2.Resource{r}, syncResults(rl, ""), nil
}

func (s *organizationSyncer) Entitlements(_ context.Context, r *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	out := make([]*v2.Entitlement, 0, len(OrganizationRoles))
	for _, role := range OrganizationRoles {
		out = append(out, entitlement.NewPermissionEntitlement(r, RoleSlug(role),
			entitlement.WithGrantableTo(userResourceType, groupResourceType),
			entitlement.WithDisplayName(fmt.Sprintf("%s %s", r.GetDisplayName(), role)),
			entitlement.WithDescription(fmt.Sprintf("Holds the organization role %s", role)),
		))
	}
	return out, &resource.SyncOpResults{}, nil
}

// Grants: none from here (see userSyncer.Grants).
func (s *organizationSyncer) Grants(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

// Get returns the organization, for targeted syncs.
func (s *organizationSyncer) Get(ctx context.Context, id *v2.ResourceId, _ *v2.ResourceId) (*v2.Resource, annotations.Annotations, error) {
	if id.GetResource() != s.c.orgID {
		return nil, nil, newStatusError(codes.NotFound, nil, "organization %s is not the configured organization %s", id.GetResource(), s.c.orgID)
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	r, err := s.resource(ctx)
	if err != nil {
		return nil, nil, err
	}
	return r, withRateLimit(rl, nil), nil
}

func (s *organizationSyncer) resource(ctx context.Context) (*v2.Resource, error) {
	org, err := s.c.organization(ctx)
	if err != nil {
		return nil, err
	}
	r, err := resource.NewResource(firstNonEmpty(org.Name, s.c.orgID), organizationResourceType, s.c.orgID)
	if err != nil {
		return nil, fmt.Errorf("organization %s: %w", s.c.orgID, err)
	}
	return r, nil
}
