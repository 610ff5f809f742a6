package connector

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// TestProfileKeysAreTheConstants: the profiles a sync emits hold exactly
// the keys declared in profile.go, so a reader that looks up the constants
// sees everything the connector writes.
func TestProfileKeysAreTheConstants(t *testing.T) {
	added := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	user, err := userResource(&atlassian.User{AccountID: "u1", AccountType: "atlassian", Status: atlassian.UserStatusActive, Name: "N", Email: "n@example.com", AddedToOrg: &added, PlatformRoles: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resource.GetUserTrait(user); err != nil {
		t.Fatal(err)
	}
	expectKeys(t, "user", resource.GetProfile(user),
		ProfileAccountID, ProfileAccountType, ProfileUserStatus, ProfileAccountStatus, ProfileMembershipStatus,
		ProfileClaimStatus, ProfileUserName, ProfileNickname, ProfileEmail, ProfileEmailVerified,
		ProfilePlatformRoles, ProfileAddedToOrg)

	group, err := groupResource(&atlassian.Group{ID: "g1", Name: "G", DirectoryID: "d1", ManagementAccess: &atlassian.ManagementAccess{Modifiable: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resource.GetGroupTrait(group); err != nil {
		t.Fatal(err)
	}
	expectKeys(t, "group", resource.GetProfile(group),
		ProfileGroupID, ProfileGroupName, ProfileDescription, ProfileDirectoryID, ProfileExternalSynced,
		ProfileManagedBy, ProfileModifiable, ProfileDeletable)

	workspace, err := workspaceResource(&atlassian.Workspace{ID: testARI, Attributes: atlassian.WorkspaceAttributes{Name: "W", TypeKey: "jira", HostURL: "https://w.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resource.GetAppTrait(workspace); err != nil {
		t.Fatal(err)
	}
	expectKeys(t, "workspace", resource.GetProfile(workspace),
		ProfileWorkspaceARI, ProfileWorkspaceType, ProfileWorkspaceTypeKey, ProfileWorkspaceStatus,
		ProfileHostURL, ProfileSandbox, ProfileCreatedAt)
}

func expectKeys(t *testing.T, what string, profile *structpb.Struct, want ...string) {
	t.Helper()
	got := slices.Sorted(maps.Keys(profile.GetFields()))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s profile keys %v, declared %v", what, got, want)
	}
}
