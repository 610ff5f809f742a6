package access_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func stateOrgAdmins(st sandbox.State) []string {
	var out []string
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner == "platform" && a.Role == access.RoleOrgAdmin {
			out = append(out, a.AccountID)
		}
	}
	slices.Sort(out)
	return out
}

func plainActiveAccount(t *testing.T, st sandbox.State) sandbox.User {
	t.Helper()
	for _, u := range st.Users {
		if u.Status == "active" && u.AccountType == "atlassian" && len(u.PlatformRoles) == 0 {
			return u
		}
	}
	t.Fatal("no active account without platform roles")
	return sandbox.User{}
}

func TestOrganizationAdminsAssignRevokeConfirm(t *testing.T) {
	d, env := newView(t, 40)
	env.Update(func(s *sandbox.State) error { s.Settings.OrgRoleConsistencyDelayMs = 0; return nil })
	ctx := context.Background()
	st := env.State()
	admins, err := d.OrganizationAdmins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := stateOrgAdmins(st); len(want) == 0 || !slices.Equal(admins, want) {
		t.Fatalf("OrganizationAdmins = %v, the sandbox holds %v", admins, want)
	}

	u := plainActiveAccount(t, st)
	already, err := d.AssignOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin)
	if err != nil || already {
		t.Fatalf("assign: already %v, %v", already, err)
	}
	if is, err := d.IsOrganizationAdmin(ctx, u.AccountID); err != nil || !is {
		t.Fatalf("after assign, IsOrganizationAdmin = %v, %v", is, err)
	}
	env.ResetStats()
	confirmed, reads, err := d.ConfirmOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin, true, time.Minute)
	if err != nil || !confirmed || reads != 1 {
		t.Fatalf("confirm with no delay: %v after %d reads, %v", confirmed, reads, err)
	}
	// The document gives the assign no 409: a repeated one is a success.
	if _, err := d.AssignOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin); err != nil {
		t.Fatalf("repeated assign: %v", err)
	}

	// An organization admin cannot be suspended.
	_, err = d.SuspendAccount(ctx, u.AccountID, "")
	if !errors.Is(err, access.ErrSuspensionRefused) {
		t.Fatalf("suspending an org admin: %v", err)
	}

	if already, err := d.RevokeOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin); err != nil || already {
		t.Fatalf("revoke: already %v, %v", already, err)
	}
	if already, err := d.RevokeOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin); err != nil || !already {
		t.Fatalf("repeated revoke: already %v, %v", already, err)
	}
	if _, err := d.AssignOrganizationRole(ctx, "no-such-account", access.RoleOrgAdmin); !errors.Is(err, access.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}

	// With a delay, confirmation polls until the change shows, and does
	// not write again.
	env.Update(func(s *sandbox.State) error { s.Settings.OrgRoleConsistencyDelayMs = 600; return nil })
	if _, err := d.AssignOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin); err != nil {
		t.Fatal(err)
	}
	env.ResetStats()
	confirmed, reads, err = d.ConfirmOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin, true, time.Minute)
	if err != nil || !confirmed || reads < 2 {
		t.Fatalf("confirm with a delay: %v after %d reads, %v", confirmed, reads, err)
	}
	if writes := env.Stats().ByRoute["POST /admin/v1/orgs/{orgId}/users/{accountId}/role-assignments/assign"]; writes != 0 {
		t.Fatalf("confirmation wrote %d times", writes)
	}
	// A deadline shorter than the delay reports not confirmed, without error.
	env.Update(func(s *sandbox.State) error { s.Settings.OrgRoleConsistencyDelayMs = 30000; return nil })
	if _, err := d.RevokeOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin); err != nil {
		t.Fatal(err)
	}
	confirmed, _, err = d.ConfirmOrganizationRole(ctx, u.AccountID, access.RoleOrgAdmin, false, 300*time.Millisecond)
	if err != nil || confirmed {
		t.Fatalf("confirm past the deadline: %v, %v", confirmed, err)
	}
}

func TestSuspendRestoreAccount(t *testing.T) {
	d, env := newView(t, 20)
	ctx := context.Background()
	u := plainActiveAccount(t, env.State())
	status := func() string {
		for _, x := range env.State().Users {
			if x.AccountID == u.AccountID {
				return x.Status
			}
		}
		return ""
	}
	env.ResetStats()
	dir, err := d.SuspendAccount(ctx, u.AccountID, "")
	if err != nil || dir != u.DirectoryID || status() != "suspended" {
		t.Fatalf("suspend: directory %q, %v, status %q", dir, err, status())
	}
	if n := env.Stats().Total; n != 2 {
		t.Errorf("suspend without a directory sent %d requests, want 2", n)
	}
	env.ResetStats()
	if _, err := d.RestoreAccount(ctx, u.AccountID, dir); err != nil || status() != "active" {
		t.Fatalf("restore: %v, status %q", err, status())
	}
	if n := env.Stats().Total; n != 1 {
		t.Errorf("restore with the directory sent %d requests, want 1", n)
	}
	if _, err := d.SuspendAccount(ctx, "no-such-account", ""); !errors.Is(err, access.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}
