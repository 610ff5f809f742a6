package atlassian_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func holdsOrgAdmin(t *testing.T, c *atlassian.Client, accountID string) bool {
	t.Helper()
	roles, err := atlassian.Collect(c.UserRoleAssignments(context.Background(), atlassian.AllDirectories, accountID))
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(roles, func(a atlassian.RoleAssignment) bool {
		return a.ResourceOwner == "platform" && slices.Contains(a.Roles, atlassian.RoleOrgAdmin)
	})
}

func TestOrganizationRoleAssignAndRevoke(t *testing.T) {
	env := startSandbox(t, 20, 4, 1)
	env.Update(func(s *sandbox.State) error { s.Settings.OrgRoleConsistencyDelayMs = 0; return nil })
	c := newClient(t, env, 0)
	ctx := context.Background()
	var u sandbox.User
	for _, candidate := range env.State().Users {
		if candidate.Status == atlassian.UserStatusActive && len(candidate.PlatformRoles) == 0 {
			u = candidate
			break
		}
	}
	if u.AccountID == "" || holdsOrgAdmin(t, c, u.AccountID) {
		t.Fatal("no active user without platform roles in the sandbox")
	}

	if err := c.AssignOrganizationRole(ctx, u.AccountID, atlassian.RoleOrgAdmin); err != nil {
		t.Fatal(err)
	}
	if !holdsOrgAdmin(t, c, u.AccountID) {
		t.Fatal("assigned role not listed")
	}
	// The document gives no 409 here: a repeated assign is a success.
	if err := c.AssignOrganizationRole(ctx, u.AccountID, atlassian.RoleOrgAdmin); err != nil {
		t.Fatalf("repeated assign: %v", err)
	}
	err := c.SuspendUser(ctx, u.DirectoryID, u.AccountID)
	if !errors.Is(err, atlassian.ErrBadRequest) {
		t.Fatalf("suspending an org admin: %v", err)
	}
	if err := c.RevokeOrganizationRole(ctx, u.AccountID, atlassian.RoleOrgAdmin); err != nil {
		t.Fatal(err)
	}
	if holdsOrgAdmin(t, c, u.AccountID) {
		t.Fatal("revoked role still listed")
	}
	if err := c.RevokeOrganizationRole(ctx, u.AccountID, atlassian.RoleOrgAdmin); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("repeated revoke: %v", err)
	}
	env.ResetStats()
	if err := c.AssignOrganizationRole(ctx, u.AccountID, "atlassian/site-admin"); !errors.Is(err, atlassian.ErrInvalidRole) {
		t.Fatalf("wrong role: %v", err)
	}
	if n := env.Stats().Total; n != 0 {
		t.Fatalf("a role that is not an organization role sent %d requests; Atlassian refuses it, so none should go", n)
	}
	if err := c.AssignOrganizationRole(ctx, "no-such-account", atlassian.RoleOrgAdmin); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}

func TestUserDirectoryID(t *testing.T) {
	env := startSandbox(t, 5, 1, 1)
	c := newClient(t, env, 0)
	u := env.State().Users[0]
	env.ResetStats()
	got, err := c.UserDirectoryID(context.Background(), u.AccountID)
	if err != nil || got != u.DirectoryID {
		t.Fatalf("UserDirectoryID = %q, %v; want %q", got, err, u.DirectoryID)
	}
	// The declared way: the directories listing filtered by accountId, one
	// request.
	if stats := env.Stats(); stats.Total != 1 || stats.ByRoute["GET /admin/v2/orgs/{orgId}/directories"] != 1 {
		t.Fatalf("UserDirectoryID sent %v, want one directories listing", stats.ByRoute)
	}
	if _, err := c.UserDirectoryID(context.Background(), "no-such-account"); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}
