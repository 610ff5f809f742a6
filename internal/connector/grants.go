package connector

import (
	"errors"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/grant"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

func resourceID(resourceType, id string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: resourceType, Resource: id}.Build()
}

// newGrant builds a grant of the entitlement <resource>:<slug> to a
// principal with the SDK's grant.NewGrant. Entitlement and principal are
// carried by id only: the store keys grants by those ids and hydrates the
// rest.
func newGrant(entitlementResource *v2.ResourceId, slug string, principal *v2.ResourceId) *v2.Grant {
	return grant.NewGrant(v2.Resource_builder{Id: entitlementResource}.Build(), slug, principal)
}

// grantOf is the grant that a Grant call made, with the entitlement as the
// caller passed it (grant.NewGrant would rebuild it from resource and slug,
// dropping what the caller sent) and its id from the SDK's grant.NewGrantID.
func grantOf(entitlement *v2.Entitlement, principal *v2.Resource) *v2.Grant {
	pid := principal.GetId()
	return v2.Grant_builder{
		Id:          grant.NewGrantID(pid, entitlement),
		Entitlement: entitlement,
		Principal:   v2.Resource_builder{Id: pid}.Build(),
	}.Build()
}

// roleGrants turns one page of a principal's role assignments into grants:
// roles owned by "platform" are organization roles; roles on projects and
// goals are not modelled; every other resource is a workspace (an ARI).
func (c *Connector) roleGrants(principal *v2.ResourceId, assignments []atlassian.RoleAssignment) []*v2.Grant {
	var out []*v2.Grant
	for _, a := range assignments {
		var on *v2.ResourceId
		switch {
		case a.ResourceOwner == resourceOwnerPlatform:
			on = resourceID(ResourceTypeOrganization, c.orgID)
		case unmodelledResourceOwners[a.ResourceOwner], a.ResourceID == "":
			continue
		default:
			on = resourceID(ResourceTypeWorkspace, a.ResourceID)
		}
		for _, role := range a.Roles {
			if validRole(role) {
				out = append(out, newGrant(on, RoleSlug(role), principal))
			}
		}
	}
	return out
}

var (
	alreadyExists  = annotations.New(&v2.GrantAlreadyExists{})
	alreadyRevoked = annotations.New(&v2.GrantAlreadyRevoked{})
)

// isGone reports a 404 on something other than the organization: on a
// revoke or delete, the thing to remove is not there, which is the goal.
// A wrong organization id (404-2) is a real error.
func isGone(err error) bool {
	return errors.Is(err, atlassian.ErrNotFound) && !errors.Is(err, atlassian.ErrOrganizationNotFound)
}

// isAlreadyExists reports Atlassian's "already a member / already granted"
// (409 ADMIN-UAM-409-2), as opposed to a licence limit (409-3).
func isAlreadyExists(err error) bool { return errors.Is(err, atlassian.ErrAlreadyExists) }
