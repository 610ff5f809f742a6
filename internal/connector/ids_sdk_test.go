package connector

import (
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
)

// TestIDsAreTheSDKBuilders: every id this package formats is the id the
// SDK's entitlement and grant builders give the same parts, and it is, byte
// for byte, the id stored in Terraform state and in the fuzz corpora.
func TestIDsAreTheSDKBuilders(t *testing.T) {
	const account = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"
	cases := []struct {
		name          string
		entitlementID string
		resource      *v2.Resource
		slug          string
		permission    bool // a permission entitlement, else an assignment
		principal     *v2.ResourceId
		// The ids as they are stored: literals, not recomputed.
		wantEntitlement, wantGrant string
	}{
		{
			name: "group membership", entitlementID: GroupMemberEntitlementID("5b2c"),
			resource: resourceOf(ResourceTypeGroup, "5b2c"), slug: MemberSlug,
			principal:       resourceID(ResourceTypeUser, account),
			wantEntitlement: "group:5b2c:member",
			wantGrant:       "group:5b2c:member:user:" + account,
		},
		{
			name: "workspace role to a group", entitlementID: WorkspaceRoleEntitlementID(testARI, "atlassian/admin"),
			resource: resourceOf(ResourceTypeWorkspace, testARI), slug: RoleSlug("atlassian/admin"), permission: true,
			principal:       resourceID(ResourceTypeGroup, "g1"),
			wantEntitlement: "workspace:" + testARI + ":role:atlassian/admin",
			wantGrant:       "workspace:" + testARI + ":role:atlassian/admin:group:g1",
		},
		{
			name: "organization role to a user", entitlementID: OrganizationRoleEntitlementID("5f9c", "atlassian/org-admin"),
			resource: resourceOf(ResourceTypeOrganization, "5f9c"), slug: RoleSlug("atlassian/org-admin"), permission: true,
			principal:       resourceID(ResourceTypeUser, "u1"),
			wantEntitlement: "organization:5f9c:role:atlassian/org-admin",
			wantGrant:       "organization:5f9c:role:atlassian/org-admin:user:u1",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var built *v2.Entitlement
			if c.permission {
				built = entitlement.NewPermissionEntitlement(c.resource, c.slug)
			} else {
				built = entitlement.NewAssignmentEntitlement(c.resource, c.slug)
			}
			if c.entitlementID != c.wantEntitlement || built.GetId() != c.wantEntitlement {
				t.Errorf("entitlement id %q, SDK builder %q, stored %q", c.entitlementID, built.GetId(), c.wantEntitlement)
			}
			grantID := GrantID(c.entitlementID, c.principal.GetResourceType(), c.principal.GetResource())
			sdkGrant := grant.NewGrant(c.resource, c.slug, c.principal)
			if grantID != c.wantGrant || sdkGrant.GetId() != c.wantGrant || grant.NewGrantID(c.principal, built) != c.wantGrant {
				t.Errorf("grant id %q, SDK NewGrant %q, NewGrantID %q, stored %q", grantID, sdkGrant.GetId(), grant.NewGrantID(c.principal, built), c.wantGrant)
			}
			emitted := newGrant(c.resource.GetId(), c.slug, c.principal)
			if emitted.GetId() != c.wantGrant || emitted.GetEntitlement().GetId() != c.wantEntitlement {
				t.Errorf("a synced grant carries %q on %q, want %q on %q", emitted.GetId(), emitted.GetEntitlement().GetId(), c.wantGrant, c.wantEntitlement)
			}
			granted := grantOf(built, v2.Resource_builder{Id: c.principal}.Build())
			if granted.GetId() != c.wantGrant {
				t.Errorf("a Grant answer carries %q, want %q", granted.GetId(), c.wantGrant)
			}
		})
	}
}

// FuzzIDsMatchStoredFormat: for any parts, colons and all, the SDK-built ids
// are the concatenations this connector has always stored, so no state or
// corpus id changes with the builders.
func FuzzIDsMatchStoredFormat(f *testing.F) {
	f.Add(ResourceTypeWorkspace, testARI, "role:atlassian/user", ResourceTypeUser, "557058:f581")
	f.Add(ResourceTypeGroup, "g1", MemberSlug, ResourceTypeUser, "5b10a2844c20165700ede21g")
	f.Add("", "", "", "", "")
	f.Fuzz(func(t *testing.T, resourceType, id, slug, principalType, principalID string) {
		entitlementID := EntitlementID(resourceType, id, slug)
		if stored := resourceType + ":" + id + ":" + slug; entitlementID != stored {
			t.Fatalf("EntitlementID = %q, stored format %q", entitlementID, stored)
		}
		grantID := GrantID(entitlementID, principalType, principalID)
		if stored := entitlementID + ":" + principalType + ":" + principalID; grantID != stored {
			t.Fatalf("GrantID = %q, stored format %q", grantID, stored)
		}
	})
}

func resourceOf(resourceType, id string) *v2.Resource {
	return v2.Resource_builder{Id: resourceID(resourceType, id)}.Build()
}
