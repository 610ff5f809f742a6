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

// workspaceSyncer lists the product instances. Their entitlements are the
// workspace roles; their grants are emitted by the user and group syncers,
// since Atlassian lists role assignments per principal only.
type workspaceSyncer struct{ c *Connector }

func (s *workspaceSyncer) ResourceType(context.Context) *v2.ResourceType {
	return workspaceResourceType
}

// List pages through the workspaces (POST .../workspaces, cursor in the body).
func (s *workspaceSyncer) List(ctx context.Context, _ *v2.ResourceId, opts resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	page, _, err := s.c.client.ListWorkspacesPage(ctx, opts.PageToken.Token)
	if err != nil {
		return nil, nil, wrapError(err, "listing workspaces")
	}
	out := make([]*v2.Resource, 0, len(page.Items))
	for i := range page.Items {
		r, err := workspaceResource(&page.Items[i])
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	return out, syncResults(rl, page.Next), nil
}

// Entitlements: one permission per workspace role, role:atlassian/<role>,
// grantable to users and to groups.
func (s *workspaceSyncer) Entitlements(_ context.Context, r *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	out := make([]*v2.Entitlement, 0, len(WorkspaceRoles))
	for _, role := range WorkspaceRoles {
		out = append(out, entitlement.NewPermissionEntitlement(r, RoleSlug(role),
			entitlement.WithGrantableTo(userResourceType, groupResourceType),
			entitlement.WithDisplayName(fmt.Sprintf("%s %s", r.GetDisplayName(), role)),
			entitlement.WithDescription(fmt.Sprintf("Holds the %s role on the workspace %s", role, r.GetDisplayName())),
		))
	}
	return out, &resource.SyncOpResults{}, nil
}

// Grants: none from here (see userSyncer.Grants for why).
func (s *workspaceSyncer) Grants(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

// Get finds one workspace. The API has no single-workspace read; the
// listing is short (a handful of products per organization).
func (s *workspaceSyncer) Get(ctx context.Context, id *v2.ResourceId, _ *v2.ResourceId) (*v2.Resource, annotations.Annotations, error) {
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	for w, err := range s.c.client.Workspaces(ctx) {
		if err != nil {
			return nil, nil, wrapError(err, "reading workspace %s", id.GetResource())
		}
		if w.ID == id.GetResource() {
			r, err := workspaceResource(&w)
			if err != nil {
				return nil, nil, err
			}
			return r, withRateLimit(rl, nil), nil
		}
	}
	return nil, nil, newStatusError(codes.NotFound, nil, "workspace %s not found in organization %s", id.GetResource(), s.c.orgID)
}

// Grant gives a user or a group a workspace role with one write and no
// read. A role already held is reported with GrantAlreadyExists when
// Atlassian answers 409 ADMIN-UAM-409-2 (a tenant that answers 204 gets no
// annotation: the role is held either way).
func (s *workspaceSyncer) Grant(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	target, err := s.roleTarget(ent, principal.GetId())
	if err != nil {
		return nil, nil, err
	}
	granted := []*v2.Grant{grantOf(ent, principal)}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	err = s.c.assignRole(ctx, target, true)
	switch {
	case err == nil:
		return granted, withRateLimit(rl, nil), nil
	case isAlreadyExists(err):
		return granted, withRateLimit(rl, alreadyExists), nil
	}
	return nil, nil, wrapError(err, "giving %s the role %s on workspace %s", target, target.role, target.workspace)
}

// Revoke takes a workspace role away from a user or a group with one write;
// a role not held (404) is reported with GrantAlreadyRevoked.
func (s *workspaceSyncer) Revoke(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	target, err := s.roleTarget(g.GetEntitlement(), g.GetPrincipal().GetId())
	if err != nil {
		return nil, err
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	err = s.c.assignRole(ctx, target, false)
	switch {
	case err == nil:
		return withRateLimit(rl, nil), nil
	case isGone(err):
		return withRateLimit(rl, alreadyRevoked), nil
	}
	return nil, wrapError(err, "taking the role %s on workspace %s away from %s", target.role, target.workspace, target)
}

// roleTarget is a workspace role and the principal it is granted to.
type roleTarget struct {
	workspace     string // ARI
	role          string // atlassian/<role>
	principalType string // user or group
	principalID   string
}

func (t roleTarget) String() string { return t.principalType + " " + t.principalID }

func (s *workspaceSyncer) roleTarget(ent *v2.Entitlement, principal *v2.ResourceId) (roleTarget, error) {
	ref, err := ParseEntitlementID(ent.GetId())
	if err != nil || ref.ResourceType != ResourceTypeWorkspace || ref.Role() == "" {
		return roleTarget{}, invalidArgument("entitlement %q is not a workspace role (workspace:<ARI>:role:<role>)", ent.GetId())
	}
	switch principal.GetResourceType() {
	case ResourceTypeUser, ResourceTypeGroup:
	default:
		return roleTarget{}, invalidArgument("workspace roles can be granted to users and groups only, not to a %q principal", principal.GetResourceType())
	}
	if principal.GetResource() == "" {
		return roleTarget{}, invalidArgument("the principal has no id")
	}
	return roleTarget{workspace: ref.ResourceID, role: ref.Role(), principalType: principal.GetResourceType(), principalID: principal.GetResource()}, nil
}

// assignRole assigns (or, with assign false, revokes) the target role
// through the endpoint of the principal's kind. The public connector sends
// group principals to the user endpoint; groups have their own.
func (c *Connector) assignRole(ctx context.Context, t roleTarget, assign bool) error {
	if t.principalType == ResourceTypeUser {
		if assign {
			return c.client.AssignUserRole(ctx, t.principalID, t.role, t.workspace)
		}
		return c.client.RevokeUserRole(ctx, t.principalID, t.role, t.workspace)
	}
	directoryID, err := c.groupDirectory(ctx, t.principalID)
	if err != nil {
		return err
	}
	if assign {
		return c.client.AssignGroupRole(ctx, directoryID, t.principalID, t.workspace, t.role)
	}
	return c.client.RevokeGroupRole(ctx, directoryID, t.principalID, t.workspace, t.role)
}

// workspaceResource maps a workspace to a baton app resource whose id is its ARI.
func workspaceResource(w *atlassian.Workspace) (*v2.Resource, error) {
	a := w.Attributes
	profile := map[string]any{
		ProfileWorkspaceARI:     w.ID,
		ProfileWorkspaceType:    a.Type,
		ProfileWorkspaceTypeKey: a.TypeKey,
		ProfileWorkspaceStatus:  a.Status,
		ProfileHostURL:          a.HostURL,
		ProfileSandbox:          a.IsSandbox(),
		ProfileCreatedAt:        a.CreatedAt,
	}
	description := a.TypeKey
	if a.HostURL != "" {
		description += " at " + a.HostURL
	}
	r, err := resource.NewResource(firstNonEmpty(a.Name, a.HostURL, w.ID), workspaceResourceType, w.ID,
		resource.WithAppTrait(),
		resource.WithResourceProfile(profile),
		resource.WithDescription(description),
	)
	if err != nil {
		return nil, fmt.Errorf("workspace %s: %w", w.ID, err)
	}
	return r, nil
}
