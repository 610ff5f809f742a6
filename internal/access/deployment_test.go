package access_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/conductorone/baton-sdk/pkg/dotc1z"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

func startDeploymentOrg(t *testing.T) *sandboxtest.Env {
	t.Helper()
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = 12, 4, 2, 5
	return sandboxtest.Start(t, opts)
}

func openDeployment(t *testing.T, env *sandboxtest.Env, change func(*orgconfig.Config)) *access.View {
	t.Helper()
	cfg := orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token, MaxConcurrency: 4}
	if change != nil {
		change(&cfg)
	}
	c, err := access.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckNamesTheOrganizationInOneRequest(t *testing.T) {
	env := startDeploymentOrg(t)
	c := openDeployment(t, env, nil)
	env.ResetStats()
	name, err := c.CheckCredentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if name != sandbox.DefaultOrgName {
		t.Errorf("CheckCredentials = %q, want %q", name, sandbox.DefaultOrgName)
	}
	if n := env.Stats().Total; n != 1 {
		t.Errorf("CheckCredentials sent %d requests, want 1", n)
	}
}

func TestCheckSaysWhichCredentialIsWrong(t *testing.T) {
	env := startDeploymentOrg(t)
	cases := []struct {
		name   string
		change func(*orgconfig.Config)
		want   error
	}{
		{"wrong key", func(c *orgconfig.Config) { c.APIToken = "wrong-key-obviously-fake" }, access.ErrUnauthenticated},
		{"wrong organization", func(c *orgconfig.Config) { c.OrganizationID = "00000000-0000-4000-8000-00000000beef" }, access.ErrOrganizationNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openDeployment(t, env, tc.change).CheckCredentials(context.Background())
			if !errors.Is(err, tc.want) {
				t.Fatalf("CheckCredentials = %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "rpc error") || strings.Contains(err.Error(), "validate failed") {
				t.Errorf("the message keeps gRPC or SDK framing: %v", err)
			}
			if strings.Contains(err.Error(), "wrong-key-obviously-fake") {
				t.Errorf("the message shows the key: %v", err)
			}
		})
	}
}

func TestSyncToWritesWhatTheOrganizationHolds(t *testing.T) {
	env := startDeploymentOrg(t)
	target := filepath.Join(t.TempDir(), "syncs", "org.c1z")
	counts, err := openDeployment(t, env, nil).SyncTo(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	st := env.State()
	if counts.Accounts != len(st.Users) || counts.Groups != len(st.Groups) || counts.Workspaces != len(st.Workspaces) {
		t.Errorf("sync counts %+v; the sandbox has %d users, %d groups, %d workspaces", counts, len(st.Users), len(st.Groups), len(st.Workspaces))
	}
	read, err := batonsync.ReadCounts(context.Background(), target, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if held := (access.SyncCounts{
		Accounts: read.Resources[connector.ResourceTypeUser], Groups: read.Resources[connector.ResourceTypeGroup],
		Workspaces: read.Resources[connector.ResourceTypeWorkspace], Grants: read.Grants, Duration: counts.Duration,
	}); held != counts {
		t.Errorf("the file holds %+v, the sync reported %+v", held, counts)
	}
	entries, err := os.ReadDir(filepath.Dir(target))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("beside the sync: %v, want the sync file alone", entries)
	}
}

// TestSyncCountsMatchAnEarlierReleasesSync: the counts atlassian_connector
// shows come from a sync the SDK writes with Pebble; they equal what the
// SQLite sync an earlier release wrote of the same organization holds
// (scripts/c1z-fixture.sh), read with the same reader.
func TestSyncCountsMatchAnEarlierReleasesSync(t *testing.T) {
	ctx := context.Background()
	fromEarlierRelease, err := batonsync.ReadCounts(ctx, "../report/testdata/sqlite-sync.c1z", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = 12, 4, 2, 7 // the fixture's organization
	env := sandboxtest.Start(t, opts)
	target := filepath.Join(t.TempDir(), "sync.c1z")
	shown, err := openDeployment(t, env, nil).SyncTo(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	format, err := dotc1z.ReadHeaderFormat(f)
	_ = f.Close()
	if err != nil || format != dotc1z.C1ZFormatV3 {
		t.Errorf("today's sync is in c1z format %s (%v), not Pebble's (v3)", format, err)
	}
	fromToday, err := batonsync.ReadCounts(ctx, target, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fromEarlierRelease.Duration, fromToday.Duration = 0, 0
	if !reflect.DeepEqual(fromEarlierRelease, fromToday) {
		t.Errorf("counts of the earlier release's SQLite sync %+v, of today's Pebble sync %+v", fromEarlierRelease, fromToday)
	}
	want := access.SyncCounts{
		Accounts: fromToday.Resources[connector.ResourceTypeUser], Groups: fromToday.Resources[connector.ResourceTypeGroup],
		Workspaces: fromToday.Resources[connector.ResourceTypeWorkspace], Grants: fromToday.Grants,
	}
	shown.Duration = 0
	if shown != want || shown.Accounts == 0 || shown.Grants == 0 {
		t.Errorf("SyncTo counts %+v, the file holds %+v", shown, want)
	}
}
