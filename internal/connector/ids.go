package connector

import (
	"fmt"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
)

// Resource type ids. They are the public ConductorOne Atlassian connector's,
// so that syncs of either connector line up.
const (
	ResourceTypeUser         = "user"
	ResourceTypeGroup        = "group"
	ResourceTypeWorkspace    = "workspace"
	ResourceTypeOrganization = "organization"
)

// MemberSlug is the slug of a group's one entitlement.
const MemberSlug = "member"

// roleSlugPrefix starts the slug of every role entitlement: a workspace or
// organization role "atlassian/admin" is the entitlement slug
// "role:atlassian/admin".
const roleSlugPrefix = "role:"

// The id formats are the SDK's: EntitlementID and GrantID hand the parts to
// entitlement.NewEntitlementID and grant.NewGrantID, so that an id formatted
// here is the very id the SDK's builders (NewAssignmentEntitlement,
// NewPermissionEntitlement, NewGrant) put on what a sync emits. They are
// also the public connector's:
//
//	entitlement  <resource type>:<resource id>:<slug>
//	grant        <entitlement id>:<principal type>:<principal id>
//
// for example
//
//	group:5b2c…:member
//	workspace:ari:cloud:jira::site/9e1f…:role:atlassian/admin
//	organization:5f9c…:role:atlassian/org-admin
//	group:5b2c…:member:user:557058:f581…
//	workspace:ari:cloud:jira::site/9e1f…:role:atlassian/user:group:5b2c…
//
// Workspace ids are ARIs with colons inside, and some Atlassian account ids
// ("557058:f581…") carry a colon too, so no id can be split on ":" blindly:
// the parsers below anchor on the parts whose shape is known (the resource
// type on the left, the slug, the principal type) and read the free-form
// parts as whatever lies between.

// RoleSlug is the entitlement slug of an Atlassian role.
func RoleSlug(role string) string { return roleSlugPrefix + role }

// EntitlementID formats an entitlement id with the SDK's builder. The
// resource is carried by id only, which is all the builder reads.
func EntitlementID(resourceType, id, slug string) string {
	return entitlement.NewEntitlementID(v2.Resource_builder{Id: resourceID(resourceType, id)}.Build(), slug)
}

// GroupMemberEntitlementID is the id of a group's member entitlement.
func GroupMemberEntitlementID(groupID string) string {
	return EntitlementID(ResourceTypeGroup, groupID, MemberSlug)
}

// WorkspaceRoleEntitlementID is the id of a role on a workspace (an ARI).
func WorkspaceRoleEntitlementID(workspaceARI, role string) string {
	return EntitlementID(ResourceTypeWorkspace, workspaceARI, RoleSlug(role))
}

// OrganizationRoleEntitlementID is the id of an organization-level role.
func OrganizationRoleEntitlementID(orgID, role string) string {
	return EntitlementID(ResourceTypeOrganization, orgID, RoleSlug(role))
}

// GrantID formats a grant id with the SDK's builder, from the entitlement
// id and the principal.
func GrantID(entitlementID, principalType, principalID string) string {
	return grant.NewGrantID(resourceID(principalType, principalID), v2.Entitlement_builder{Id: entitlementID}.Build())
}

// EntitlementRef is a parsed entitlement id.
type EntitlementRef struct {
	ResourceType string
	ResourceID   string
	Slug         string // "member" or "role:<role>"
}

// Role is the Atlassian role of a role entitlement ("atlassian/admin"), or
// "" for a membership.
func (e EntitlementRef) Role() string {
	role, ok := strings.CutPrefix(e.Slug, roleSlugPrefix)
	if !ok {
		return ""
	}
	return role
}

// GrantRef is a parsed grant id.
type GrantRef struct {
	Entitlement   EntitlementRef
	PrincipalType string // user or group
	PrincipalID   string
}

// validRole reports whether s can be the role part of a slug: roles look
// like "atlassian/admin" and never hold a colon, which is what lets a role
// entitlement id be split from its right end.
func validRole(s string) bool { return s != "" && !strings.Contains(s, ":") }

// ParseEntitlementID splits an entitlement id of this connector. Group ids
// end in ":member"; workspace and organization ids end in ":role:<role>",
// split from the right since the role has no colon and the ARI may have many.
func ParseEntitlementID(id string) (EntitlementRef, error) {
	resourceType, rest, ok := strings.Cut(id, ":")
	if !ok {
		return EntitlementRef{}, fmt.Errorf("entitlement id %q is not <resource type>:<resource id>:<slug>", id)
	}
	switch resourceType {
	case ResourceTypeGroup:
		groupID, ok := strings.CutSuffix(rest, ":"+MemberSlug)
		if !ok || groupID == "" {
			return EntitlementRef{}, fmt.Errorf("group entitlement id %q is not group:<group id>:member", id)
		}
		return EntitlementRef{ResourceType: resourceType, ResourceID: groupID, Slug: MemberSlug}, nil
	case ResourceTypeWorkspace, ResourceTypeOrganization:
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		role := rest[i+1:]
		resourceID, ok := strings.CutSuffix(rest[:i], ":role")
		if !ok || resourceID == "" || !validRole(role) {
			break
		}
		return EntitlementRef{ResourceType: resourceType, ResourceID: resourceID, Slug: RoleSlug(role)}, nil
	default:
		return EntitlementRef{}, fmt.Errorf("entitlement id %q: resource type %q has no entitlements (expected group, workspace or organization)", id, resourceType)
	}
	return EntitlementRef{}, fmt.Errorf("%s entitlement id %q is not %s:<id>:role:<role>", resourceType, id, resourceType)
}

// ParseGrantID splits a grant id of this connector. The principal id is
// everything after "<principal type>:", colons included, since account ids
// may hold one.
func ParseGrantID(id string) (GrantRef, error) {
	resourceType, rest, ok := strings.Cut(id, ":")
	if !ok {
		return GrantRef{}, fmt.Errorf("grant id %q is not <entitlement id>:<principal type>:<principal id>", id)
	}
	switch resourceType {
	case ResourceTypeGroup:
		groupID, tail, ok := strings.Cut(rest, ":"+MemberSlug+":")
		if ok && groupID != "" {
			if principalType, principalID, ok := parsePrincipal(tail); ok {
				return GrantRef{
					Entitlement:   EntitlementRef{ResourceType: resourceType, ResourceID: groupID, Slug: MemberSlug},
					PrincipalType: principalType, PrincipalID: principalID,
				}, nil
			}
		}
	case ResourceTypeWorkspace, ResourceTypeOrganization:
		// The first ":role:" followed by "<role>:<principal type>:" ends
		// the resource id; an ARI holding ":role:" itself is skipped over.
		const marker = ":role:"
		for from := 0; ; {
			i := strings.Index(rest[from:], marker)
			if i < 0 {
				break
			}
			i += from
			from = i + 1
			resourceID := rest[:i]
			role, tail, ok := strings.Cut(rest[i+len(marker):], ":")
			if !ok || resourceID == "" || !validRole(role) {
				continue
			}
			if principalType, principalID, ok := parsePrincipal(tail); ok {
				return GrantRef{
					Entitlement:   EntitlementRef{ResourceType: resourceType, ResourceID: resourceID, Slug: RoleSlug(role)},
					PrincipalType: principalType, PrincipalID: principalID,
				}, nil
			}
		}
	default:
		return GrantRef{}, fmt.Errorf("grant id %q: resource type %q has no entitlements (expected group, workspace or organization)", id, resourceType)
	}
	return GrantRef{}, fmt.Errorf("grant id %q is not <entitlement id>:<user|group>:<principal id>", id)
}

func parsePrincipal(s string) (principalType, principalID string, ok bool) {
	principalType, principalID, ok = strings.Cut(s, ":")
	if !ok || principalID == "" || (principalType != ResourceTypeUser && principalType != ResourceTypeGroup) {
		return "", "", false
	}
	return principalType, principalID, true
}
