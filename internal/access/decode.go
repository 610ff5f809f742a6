package access

import (
	"strings"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// The decoders read what the connector encodes (internal/connector: user.go,
// group.go, workspace.go): trait fields first, then the profile keys the
// connector declares (profile.go).

func profileString(profile *structpb.Struct, key string) string {
	v, _ := resource.GetProfileStringValue(profile, key)
	return v
}

// profileBool reads a boolean profile value; the SDK has no getter for one.
func profileBool(profile *structpb.Struct, key string) bool {
	return profile.GetFields()[key].GetBoolValue()
}

func accountFromResource(r *v2.Resource) Account {
	a := Account{ID: r.GetId().GetResource(), Name: r.GetDisplayName()}
	trait, err := resource.GetUserTrait(r)
	if err != nil {
		return a
	}
	profile := resource.GetProfile(r)
	a.Name = firstNonEmpty(profileString(profile, connector.ProfileUserName), a.Name)
	a.Email = profileString(profile, connector.ProfileEmail)
	if a.Email == "" && len(trait.GetEmails()) > 0 {
		a.Email = trait.GetEmails()[0].GetAddress()
	}
	a.Status = profileString(profile, connector.ProfileUserStatus)
	a.AccountType = profileString(profile, connector.ProfileAccountType)
	a.ClaimStatus = profileString(profile, connector.ProfileClaimStatus)
	for _, role := range strings.Split(profileString(profile, connector.ProfilePlatformRoles), ",") {
		if role = strings.TrimSpace(role); role != "" {
			a.PlatformRoles = append(a.PlatformRoles, role)
		}
	}
	if v, ok := profile.GetFields()[connector.ProfileMFAEnabled]; ok {
		mfa := v.GetBoolValue()
		a.MFAEnabled = &mfa
	}
	a.ManagementSource = profileString(profile, connector.ProfileManagementSource)
	a.AddedToOrg = profileTime(profile, connector.ProfileAddedToOrg)
	if last := trait.GetLastLogin(); last != nil {
		t := last.AsTime().UTC()
		a.LastActive = &t
	} else {
		a.LastActive = profileTime(profile, connector.ProfileLastActive)
	}
	if v, ok := profile.GetFields()[connector.ProfileProductAccess]; ok {
		a.ProductAccess = []ProductAccess{}
		for _, item := range v.GetListValue().GetValues() {
			fields := item.GetStructValue()
			a.ProductAccess = append(a.ProductAccess, ProductAccess{
				WorkspaceID: profileString(fields, connector.ProductAccessWorkspaceID),
				Product:     profileString(fields, connector.ProductAccessKey),
				LastActive:  profileTime(fields, connector.ProductAccessLastActive),
			})
		}
	}
	return a
}

// profileTime reads an RFC 3339 profile value; nil when absent or not a
// time.
func profileTime(profile *structpb.Struct, key string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, profileString(profile, key))
	if err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}

func groupFromResource(r *v2.Resource) Group {
	g := Group{ID: r.GetId().GetResource(), Name: r.GetDisplayName(), Description: r.GetDescription()}
	if _, err := resource.GetGroupTrait(r); err != nil {
		return g
	}
	profile := resource.GetProfile(r)
	g.Description = firstNonEmpty(profileString(profile, connector.ProfileDescription), g.Description)
	g.DirectoryID = profileString(profile, connector.ProfileDirectoryID)
	g.ExternalSynced = profileBool(profile, connector.ProfileExternalSynced)
	if v, ok := profile.GetFields()[connector.ProfileDeletable]; ok {
		g.Undeletable = !v.GetBoolValue()
	}
	return g
}

func workspaceFromResource(r *v2.Resource) Workspace {
	w := Workspace{ID: r.GetId().GetResource(), Name: r.GetDisplayName()}
	if _, err := resource.GetAppTrait(r); err != nil {
		return w
	}
	profile := resource.GetProfile(r)
	w.Type = profileString(profile, connector.ProfileWorkspaceTypeKey)
	w.Product = profileString(profile, connector.ProfileWorkspaceType)
	w.Status = profileString(profile, connector.ProfileWorkspaceStatus)
	w.HostURL = profileString(profile, connector.ProfileHostURL)
	return w
}

// newGroupResource is what CreateResource takes for a new group: its name as
// display name and its description in the group profile.
func newGroupResource(name, description string) *v2.Resource {
	return v2.Resource_builder{
		Id:          v2.ResourceId_builder{ResourceType: TypeGroup}.Build(),
		DisplayName: name,
		Description: description,
	}.Build()
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
