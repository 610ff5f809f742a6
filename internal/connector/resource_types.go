package connector

import (
	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
)

var (
	userResourceType = v2.ResourceType_builder{
		Id:          ResourceTypeUser,
		DisplayName: "User",
		Description: "An Atlassian account managed by the organization.",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_USER},
		// Users have no entitlements of their own: this spares the syncer
		// one empty Entitlements call per user. They do have grants (their
		// workspace and organization roles, emitted by the user syncer).
		Annotations: annotations.New(&v2.SkipEntitlements{}),
	}.Build()
	groupResourceType = v2.ResourceType_builder{
		Id:          ResourceTypeGroup,
		DisplayName: "Group",
		Description: "A group of a directory of the organization.",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_GROUP},
	}.Build()
	workspaceResourceType = v2.ResourceType_builder{
		Id:          ResourceTypeWorkspace,
		DisplayName: "Workspace",
		Description: "A product instance of the organization (a Jira or Confluence site, ...), identified by its ARI.",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_APP},
	}.Build()
	organizationResourceType = v2.ResourceType_builder{
		Id:          ResourceTypeOrganization,
		DisplayName: "Organization",
		Description: "The Atlassian organization itself, holder of the organization-level roles.",
	}.Build()
)

// WorkspaceRoles are the roles a workspace offers as entitlements
// (role:atlassian/<role>), grantable to users and groups.
var WorkspaceRoles = []string{
	"atlassian/user",
	"atlassian/admin",
	"atlassian/user-access-admin",
	"atlassian/guest",
	"atlassian/contributor",
	"atlassian/customer",
	"atlassian/basic",
	"atlassian/stakeholder",
}

// OrganizationRoles are the organization-level roles (role assignments whose
// resource owner is "platform"). They are synced; GrantableOrganizationRoles
// are provisioned too.
var OrganizationRoles = []string{
	"atlassian/org-admin",
	"atlassian/user-access-admin",
	"atlassian/site-admin",
}

// Resource owners of role assignments that this connector does not model:
// they are roles on projects and goals, not on workspaces.
const resourceOwnerPlatform = "platform"

var unmodelledResourceOwners = map[string]bool{"project": true, "goal": true}
