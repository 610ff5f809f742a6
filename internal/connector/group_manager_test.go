package connector_test

import (
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func TestGroupCreateDelete(t *testing.T) {
	for _, returnsBody := range []bool{true, false} {
		name := "create answers with the group"
		if !returnsBody {
			name = "create answers with an empty body"
		}
		t.Run(name, func(t *testing.T) {
			env := startOrg(t, 10, 4, 1)
			env.Update(func(st *sandbox.State) error { st.Settings.CreateGroupReturnsBody = returnsBody; return nil })
			_, srv := newServer(t, configFor(env))
			ctx := ctxFor(t)

			// What a caller sends: a group resource with a name and a
			// description, and no id yet.
			want := v2.Resource_builder{
				Id:          rid(connector.ResourceTypeGroup, ""),
				DisplayName: "Platform Engineering",
				Description: "Owns the build and deploy tooling",
			}.Build()
			resp, err := srv.CreateResource(ctx, v2.CreateResourceRequest_builder{Resource: want}.Build())
			if err != nil {
				t.Fatalf("CreateResource: %v", err)
			}
			created := resp.GetCreated()
			groupID := created.GetId().GetResource()
			if groupID == "" || created.GetId().GetResourceType() != connector.ResourceTypeGroup {
				t.Fatalf("created resource id %v", created.GetId())
			}
			if _, err := resource.GetGroupTrait(created); err != nil {
				t.Fatal(err)
			}
			dir, _ := resource.GetProfileStringValue(resource.GetProfile(created), connector.ProfileDirectoryID)
			st := env.State()
			g := groupByID(st, groupID)
			if g.ID == "" {
				t.Fatalf("group %s is not in the sandbox", groupID)
			}
			if g.Name != want.GetDisplayName() || g.Description != want.GetDescription() {
				t.Errorf("sandbox group %q %q, want %q %q", g.Name, g.Description, want.GetDisplayName(), want.GetDescription())
			}
			if dir == "" || dir != g.DirectoryID {
				t.Errorf("profile directory_id %q, sandbox %q", dir, g.DirectoryID)
			}
			if created.GetDescription() != want.GetDescription() {
				t.Errorf("created description %q", created.GetDescription())
			}

			// A second group of the same name is a conflict.
			_, err = srv.CreateResource(ctx, v2.CreateResourceRequest_builder{Resource: want}.Build())
			checkError(t, err, codes.AlreadyExists, "", "already exists")

			// The new group is usable at once: membership needs its directory.
			user := st.Users[0].AccountID
			if _, err := srv.Grant(ctx, grantRequest(connector.GroupMemberEntitlementID(groupID), "user", user)); err != nil {
				t.Fatalf("Grant on the new group: %v", err)
			}
			if !isMember(env.State(), groupID, user) {
				t.Errorf("the membership is not in the sandbox")
			}

			del := v2.DeleteResourceV2Request_builder{ResourceId: rid(connector.ResourceTypeGroup, groupID)}.Build()
			if _, err := srv.DeleteResourceV2(ctx, del); err != nil {
				t.Fatalf("DeleteResourceV2: %v", err)
			}
			if groupByID(env.State(), groupID).ID != "" {
				t.Fatalf("group %s is still in the sandbox", groupID)
			}
			if _, err := srv.DeleteResourceV2(ctx, del); err != nil {
				t.Errorf("deleting a deleted group: %v", err)
			}
		})
	}

	t.Run("externally synced groups refuse deletion", func(t *testing.T) {
		env := startOrg(t, 10, 12, 1)
		_, srv := newServer(t, configFor(env))
		g := externalGroup(t, env.State())
		_, err := srv.DeleteResourceV2(ctxFor(t), v2.DeleteResourceV2Request_builder{ResourceId: rid(connector.ResourceTypeGroup, g.ID)}.Build())
		checkError(t, err, codes.PermissionDenied, "", "")
	})
	t.Run("a group needs a name", func(t *testing.T) {
		env := startOrg(t, 1, 1, 0)
		_, srv := newServer(t, configFor(env))
		_, err := srv.CreateResource(ctxFor(t), v2.CreateResourceRequest_builder{Resource: v2.Resource_builder{Id: rid("group", "")}.Build()}.Build())
		checkError(t, err, codes.InvalidArgument, "", "name")
	})
}

// TestGetResource: targeted reads of one user, group, workspace and the
// organization.
func TestGetResource(t *testing.T) {
	env := startOrg(t, 10, 4, 2)
	_, srv := newServer(t, configFor(env))
	st := env.State()
	for _, id := range []*v2.ResourceId{
		rid(connector.ResourceTypeUser, st.Users[3].AccountID),
		rid(connector.ResourceTypeGroup, st.Groups[1].ID),
		rid(connector.ResourceTypeWorkspace, st.Workspaces[1].ID),
		rid(connector.ResourceTypeOrganization, st.Organization.ID),
	} {
		resp, err := srv.GetResource(ctxFor(t), v2.ResourceGetterServiceGetResourceRequest_builder{ResourceId: id}.Build())
		if err != nil {
			t.Errorf("GetResource(%v): %v", id, err)
			continue
		}
		if got := resp.GetResource().GetId(); got.GetResource() != id.GetResource() || got.GetResourceType() != id.GetResourceType() {
			t.Errorf("GetResource(%v) = %v", id, got)
		}
	}
	for _, id := range []*v2.ResourceId{
		rid(connector.ResourceTypeUser, "nobody"),
		rid(connector.ResourceTypeGroup, "00000000-0000-4000-8000-000000000000"),
		rid(connector.ResourceTypeWorkspace, "ari:cloud:jira::site/none"),
	} {
		_, err := srv.GetResource(ctxFor(t), v2.ResourceGetterServiceGetResourceRequest_builder{ResourceId: id}.Build())
		checkError(t, err, codes.NotFound, "", "")
	}
}
