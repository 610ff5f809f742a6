package main_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// A key with the read scopes alone syncs the whole organization and its
// sync makes a report; a grant with it fails naming the scope to add, and
// changes nothing.
func TestBinaryReadOnlyScopedKey(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, sandbox.Options{Users: 30, Groups: 5, Workspaces: 2, Seed: 5})
	const readOnlyKey = "read-only-scoped-key"
	env.Server.AddScopedKey(readOnlyKey, atlassian.ReadScopes...)
	flags := []string{"--access-token", readOnlyKey, "--organization-id", env.OrgID, "--base-url", env.URL}
	st := env.State()

	syncPath := filepath.Join(t.TempDir(), "sync.c1z")
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath)...); err != nil {
		t.Fatalf("sync with a read-only key: %v\n%s", err, out)
	}
	counts, err := batonsync.ReadCounts(context.Background(), syncPath, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if counts.Resources["user"] != len(sandbox.ListedUsers(st)) || counts.Resources["group"] != len(st.Groups) || counts.Resources["workspace"] != len(st.Workspaces) {
		t.Fatalf("the read-only sync holds %v, the sandbox has %d groups and %d workspaces", counts.Resources, len(st.Groups), len(st.Workspaces))
	}
	if out, err := run(t, bin, cleanEnv(), "report", "-f", syncPath, "--format", "json"); err != nil || !strings.Contains(out, `"rows"`) {
		t.Fatalf("report of the read-only sync: %v\n%s", err, lastLines(out, 20))
	}

	group, user := writableGroupAndOutsider(st)
	out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath,
		"--grant-entitlement", connector.GroupMemberEntitlementID(group.ID), "--grant-principal", user.AccountID, "--grant-principal-type", "user")...)
	if err == nil {
		t.Fatalf("a grant with a read-only key succeeded:\n%s", lastLines(out, 20))
	}
	if !strings.Contains(out, "lacks the scope write:group:admin, which adding a group member needs") {
		t.Errorf("the failed grant does not name the scope to add:\n%s", lastLines(out, 20))
	}
	if isMember(env.State(), group.ID, user.AccountID) {
		t.Errorf("a refused grant made %s a member of %s", user.AccountID, group.ID)
	}
}
