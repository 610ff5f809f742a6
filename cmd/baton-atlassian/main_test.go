package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

var (
	binDir    string
	buildOnce sync.Once
	bin       string
	buildErr  error
)

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "baton-atlassian-test"); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(binDir)
	os.Exit(code)
}

// testToolVersion is stamped into the test's binary as a release build
// stamps its version, so that what the binary reports as its version can be
// told from the default.
const testToolVersion = "v0.0.0-test+report"

// buildBinary compiles baton-atlassian once per test run, with
// testToolVersion as its version.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	buildOnce.Do(func() {
		bin = filepath.Join(binDir, "baton-atlassian")
		out, err := exec.Command("go", "build", "-ldflags", "-X main.version="+testToolVersion, "-o", bin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// cleanEnv is the test's environment without any BATON_ variable, so only
// what a case sets reaches the binary.
func cleanEnv(extra ...string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "BATON_") })
	return append(env, extra...)
}

func run(t *testing.T, bin string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestBinarySyncGrantRevoke(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, sandbox.Options{Users: 40, Groups: 6, Workspaces: 2, Seed: 3})
	flags := []string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL}
	st := env.State()

	syncPath := filepath.Join(t.TempDir(), "sync.c1z")
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath)...); err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	counts, err := batonsync.ReadCounts(context.Background(), syncPath, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	listed := len(sandbox.ListedUsers(st))
	if counts.Resources["user"] != listed || counts.Resources["group"] != len(st.Groups) || counts.Resources["workspace"] != len(st.Workspaces) {
		t.Fatalf("the CLI sync holds %v, the sandbox lists %d users, %d groups, %d workspaces", counts.Resources, listed, len(st.Groups), len(st.Workspaces))
	}

	// Grant a membership with the CLI flags against the prior sync.
	group, user := writableGroupAndOutsider(st)
	entitlementID := connector.GroupMemberEntitlementID(group.ID)
	out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath,
		"--grant-entitlement", entitlementID, "--grant-principal", user.AccountID, "--grant-principal-type", "user")...)
	if err != nil {
		t.Fatalf("grant: %v\n%s", err, out)
	}
	if !isMember(env.State(), group.ID, user.AccountID) {
		t.Fatalf("after the CLI grant, %s is not a member of %s\n%s", user.AccountID, group.ID, out)
	}

	// Revoke it again from a fresh sync that holds the grant.
	syncPath2 := filepath.Join(t.TempDir(), "sync2.c1z")
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath2)...); err != nil {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
	grantID := connector.GrantID(entitlementID, "user", user.AccountID)
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath2, "--revoke-grant", grantID)...); err != nil {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if isMember(env.State(), group.ID, user.AccountID) {
		t.Fatalf("after the CLI revoke, %s is still a member of %s", user.AccountID, group.ID)
	}
}

// TestBinarySyncFileIsTheOwners: the sync file of -f lists people and
// their access, so it is readable by its owner only, as atlassian_connector's
// sync_path and the report are: when the binary creates it, and when it
// writes a new sync into a file another tool left readable by others.
func TestBinarySyncFileIsTheOwners(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, sandbox.Options{Users: 5, Groups: 2, Workspaces: 1, Seed: 4})
	flags := []string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL}
	syncPath := filepath.Join(t.TempDir(), "sync.c1z")
	expectOwnerOnly := func(when string) {
		t.Helper()
		info, err := os.Stat(syncPath)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s, the sync file has mode %04o, want 0600", when, mode)
		}
	}

	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath)...); err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	expectOwnerOnly("after a sync into a new file")

	if err := os.Chmod(syncPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath)...); err != nil {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
	expectOwnerOnly("after a sync into a file readable by others")
	counts, err := batonsync.ReadCounts(context.Background(), syncPath, t.TempDir())
	if err != nil || counts.Resources["user"] != 5 {
		t.Fatalf("the file holds %v, %v; want the sync of 5 users", counts, err)
	}
}

// TestBinaryEnvironmentSpellings: the setup guide's Kubernetes Secret
// (BATON_API_TOKEN, BATON_ORG) runs the binary unchanged, as do the
// canonical BATON_ACCESS_TOKEN and BATON_ORGANIZATION_ID.
func TestBinaryEnvironmentSpellings(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, sandbox.Options{Users: 5, Groups: 4, Workspaces: 1, Seed: 2})
	for _, c := range []struct {
		name string
		vars []string
		ok   bool
	}{
		{"setup guide spellings", []string{"BATON_API_TOKEN=" + env.Token, "BATON_ORG=" + env.OrgID}, true},
		{"canonical spellings", []string{"BATON_ACCESS_TOKEN=" + env.Token, "BATON_ORGANIZATION_ID=" + env.OrgID}, true},
		{"canonical wins over the alias", []string{"BATON_ACCESS_TOKEN=" + env.Token, "BATON_API_TOKEN=wrong", "BATON_ORG=" + env.OrgID}, true},
		{"wrong key", []string{"BATON_API_TOKEN=wrong", "BATON_ORG=" + env.OrgID}, false},
		{"missing organization", []string{"BATON_API_TOKEN=" + env.Token}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sync.c1z")
			vars := slices.Concat(c.vars, []string{"BATON_BASE_URL=" + env.URL, "BATON_FILE=" + path})
			out, err := run(t, bin, cleanEnv(vars...))
			if c.ok != (err == nil) {
				t.Fatalf("exit error %v, want success %v\n%s", err, c.ok, out)
			}
			if !c.ok {
				t.Logf("%s", lastLines(out, 3))
				return
			}
			counts, err := batonsync.ReadCounts(context.Background(), path, t.TempDir())
			if err != nil || counts.Resources["user"] != 5 {
				t.Fatalf("counts %v, %v\n%s", counts, err, out)
			}
		})
	}
}

// TestBinaryCreateAndDeleteAccount: the SDK's account flags invite an email
// (with a workspace role from the profile) and remove the account again.
func TestBinaryCreateAndDeleteAccount(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, sandbox.Options{Users: 10, Groups: 3, Workspaces: 1, Seed: 5})
	flags := []string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL}
	ws := env.State().Workspaces[0].ID
	const email = "cli.invitee@invited.example"
	profile := fmt.Sprintf(`{"workspace_roles":[{"workspace_id":%q,"role":"atlassian/user"}],"send_notification":false}`, ws)
	syncPath := filepath.Join(t.TempDir(), "sync.c1z")
	out, err := run(t, bin, cleanEnv(), append(flags, "-f", syncPath,
		"--create-account-email", email, "--create-account-login", email, "--create-account-profile", profile)...)
	if err != nil {
		t.Fatalf("create account: %v\n%s", err, out)
	}
	st := env.State()
	var invited *sandbox.User
	for i := range st.Users {
		if st.Users[i].Email == email {
			invited = &st.Users[i]
		}
	}
	if invited == nil || invited.Status != "active" {
		t.Fatalf("after the CLI account creation the sandbox has no active account for %s\n%s", email, out)
	}
	if !slices.ContainsFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == invited.AccountID && a.ResourceID == ws && a.Role == "atlassian/user"
	}) {
		t.Fatalf("the invited account lacks the role of the profile")
	}
	if n := env.Stats().ByRoute["POST /admin/v2/orgs/{orgId}/users/invite"]; n != 1 {
		t.Fatalf("%d invitations sent, want 1", n)
	}

	out, err = run(t, bin, cleanEnv(), append(flags, "-f", syncPath,
		"--delete-resource", invited.AccountID, "--delete-resource-type", "user")...)
	if err != nil {
		t.Fatalf("delete resource: %v\n%s", err, out)
	}
	if slices.ContainsFunc(env.State().Users, func(u sandbox.User) bool { return u.AccountID == invited.AccountID }) {
		t.Fatalf("after the CLI deletion the account is still in the sandbox\n%s", out)
	}
}

func isMember(st sandbox.State, groupID, accountID string) bool {
	for _, g := range st.Groups {
		if g.ID == groupID {
			return slices.Contains(g.MemberAccountIDs, accountID)
		}
	}
	return false
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestBinaryHelpShowsBaseURL: --help lists --base-url, the flag the README
// runs the binary against the sandbox organization with, says what it is for
// and names its environment variable.
func TestBinaryHelpShowsBaseURL(t *testing.T) {
	bin := buildBinary(t)
	out, err := run(t, bin, cleanEnv(), "--help")
	if err != nil {
		t.Fatalf("baton-atlassian --help: %v\n%s", err, out)
	}
	var line string
	for l := range strings.Lines(out) {
		if strings.Contains(l, "--base-url ") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("--help does not list --base-url:\n%s", out)
	}
	for _, want := range []string{"sandbox", "cmd/atlassian-sandbox", "$BATON_BASE_URL"} {
		if !strings.Contains(line, want) {
			t.Errorf("the --base-url line of --help lacks %q: %s", want, line)
		}
	}
}

// TestBinaryRefusesCleartextToAnotherHost: --base-url with http:// to a
// host that is not this machine fails before any request, so the key never
// crosses the network in clear text. The listener answers on one of this
// machine's own non-loopback addresses, so a request sent despite the check
// would arrive and be counted.
func TestBinaryRefusesCleartextToAnotherHost(t *testing.T) {
	bin := buildBinary(t)
	addr, hits := sandboxtest.NonLoopbackListener(t)
	const token = "cleartext-test-key-obviously-fake"
	for _, base := range []string{"http://" + addr, "http://localhost.evil.example", "http://127.0.0.1.nip.io"} {
		t.Run(base, func(t *testing.T) {
			out, err := run(t, bin, cleanEnv(), "--access-token", token, "--organization-id", "3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37",
				"--base-url", base, "-f", filepath.Join(t.TempDir(), "sync.c1z"))
			if err == nil {
				t.Fatalf("baton-atlassian accepted --base-url %s\n%s", base, out)
			}
			for _, want := range []string{"base_url: insecure", "clear text", "not a loopback host"} {
				if !strings.Contains(out, want) {
					t.Errorf("the output lacks %q:\n%s", want, lastLines(out, 5))
				}
			}
			if strings.Contains(out, token) {
				t.Errorf("the output shows the key")
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the listener at %s received %d requests; want none", addr, n)
	}
}

// writableGroupAndOutsider picks a group the connector may change and an
// active account that is not its member: a grant a test can make.
func writableGroupAndOutsider(st sandbox.State) (sandbox.Group, sandbox.User) {
	var group sandbox.Group
	for _, g := range st.Groups {
		if !g.ExternalSynced && !g.Default {
			group = g
			break
		}
	}
	for _, u := range st.Users {
		if u.Status == "active" && !slices.Contains(group.MemberAccountIDs, u.AccountID) {
			return group, u
		}
	}
	return group, sandbox.User{}
}
