package main_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	reader_v2 "github.com/conductorone/baton-sdk/pb/c1/reader/v2"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// orgAdminGrantIDs are the grant ids of the organization admin role a sync
// must hold for the sandbox state: one per user holding it directly.
func orgAdminGrantIDs(st sandbox.State) []string {
	entitlementID := connector.OrganizationRoleEntitlementID(st.Organization.ID, "atlassian/org-admin")
	var out []string
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner == "platform" && a.Role == "atlassian/org-admin" {
			out = append(out, connector.GrantID(entitlementID, "user", a.AccountID))
		}
	}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceOwner == "platform" && a.Role == "atlassian/org-admin" {
			out = append(out, connector.GrantID(entitlementID, "group", a.GroupID))
		}
	}
	slices.Sort(out)
	return out
}

// syncedOrgAdminGrantIDs reads the organization admin grants of a sync file.
func syncedOrgAdminGrantIDs(t *testing.T, path, orgID string) []string {
	t.Helper()
	ctx := context.Background()
	store, err := batonsync.OpenSyncFile(ctx, path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := store.Close(ctx); err != nil {
			t.Error(err)
		}
	}()
	entitlementID := connector.OrganizationRoleEntitlementID(orgID, "atlassian/org-admin")
	var out []string
	token := ""
	for {
		resp, err := store.ListGrantsForEntitlement(ctx, reader_v2.GrantsReaderServiceListGrantsForEntitlementRequest_builder{
			Entitlement: v2.Entitlement_builder{Id: entitlementID, Resource: v2.Resource_builder{
				Id: v2.ResourceId_builder{ResourceType: connector.ResourceTypeOrganization, Resource: orgID}.Build(),
			}.Build()}.Build(),
			PageToken: token,
		}.Build())
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range resp.GetList() {
			out = append(out, g.GetId())
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	slices.Sort(out)
	return out
}

// TestBinaryOrganizationAdminGrant: a sync holds the organization admin
// grants exactly as the sandbox state does; a CLI grant of the role lands in
// the sandbox, and a CLI revoke takes it away.
func TestBinaryOrganizationAdminGrant(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, sandbox.Options{Users: 40, Groups: 4, Workspaces: 1, Seed: 5})
	env.Update(func(s *sandbox.State) error { s.Settings.OrgRoleConsistencyDelayMs = 0; return nil })
	flags := []string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL}

	syncPath := filepath.Join(t.TempDir(), "sync.c1z")
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath)...); err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	want := orgAdminGrantIDs(env.State())
	if len(want) == 0 {
		t.Fatal("the sandbox has no organization admins to compare")
	}
	if got := syncedOrgAdminGrantIDs(t, syncPath, env.OrgID); !slices.Equal(got, want) {
		t.Fatalf("synced org admin grants %v, the sandbox holds %v", got, want)
	}

	var user sandbox.User
	for _, u := range env.State().Users {
		if u.Status == "active" && u.AccountType == "atlassian" && len(u.PlatformRoles) == 0 {
			user = u
			break
		}
	}
	entitlementID := connector.OrganizationRoleEntitlementID(env.OrgID, "atlassian/org-admin")
	out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath,
		"--grant-entitlement", entitlementID, "--grant-principal", user.AccountID, "--grant-principal-type", "user")...)
	if err != nil {
		t.Fatalf("grant: %v\n%s", err, out)
	}
	after := orgAdminGrantIDs(env.State())
	grantID := connector.GrantID(entitlementID, "user", user.AccountID)
	if !slices.Contains(after, grantID) || len(after) != len(want)+1 {
		t.Fatalf("after the CLI grant the sandbox holds %v\n%s", after, out)
	}

	syncPath2 := filepath.Join(t.TempDir(), "sync2.c1z")
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath2)...); err != nil {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
	if got := syncedOrgAdminGrantIDs(t, syncPath2, env.OrgID); !slices.Equal(got, after) {
		t.Fatalf("second sync holds %v, the sandbox %v", got, after)
	}
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath2, "--revoke-grant", grantID)...); err != nil {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if got := orgAdminGrantIDs(env.State()); !slices.Equal(got, want) {
		t.Fatalf("after the CLI revoke the sandbox holds %v, want %v", got, want)
	}
}

// TestBinaryDisableEnableUser: the SDK's action flags suspend and restore
// an account.
func TestBinaryDisableEnableUser(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, sandbox.Options{Users: 20, Groups: 2, Workspaces: 1, Seed: 5})
	flags := []string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL}
	var user sandbox.User
	for _, u := range env.State().Users {
		if u.Status == "active" && u.AccountType == "atlassian" && len(u.PlatformRoles) == 0 {
			user = u
			break
		}
	}
	status := func() string {
		for _, u := range env.State().Users {
			if u.AccountID == user.AccountID {
				return u.Status
			}
		}
		return ""
	}
	args := `{"user_id":{"resource_type_id":"user","resource_id":"` + user.AccountID + `"}}`
	for _, c := range []struct{ action, want string }{{"disable_user", "suspended"}, {"enable_user", "active"}} {
		out, err := run(t, bin, cleanEnv(), append(flags, "-f", filepath.Join(t.TempDir(), "action.c1z"),
			"--invoke-action", c.action, "--invoke-action-resource-type", "user", "--invoke-action-args", args)...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.action, err, out)
		}
		if got := status(); got != c.want {
			t.Fatalf("after %s the account is %q, want %q\n%s", c.action, got, c.want, lastLines(out, 10))
		}
	}
}
