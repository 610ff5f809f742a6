package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// TestMain runs the sweepers instead of the tests when -sweep is given
// (resource.TestMain, see live_sweeper_test.go). For the tests it gives
// terraform an empty CLI configuration (some machines export
// TF_CLI_CONFIG_FILE pointing at a file that does not exist), and under
// OpenTofu sets the provider host the test framework uses.
func TestMain(m *testing.M) {
	tfresource.TestMain(testRun{m})
}

// testRun is the run of the tests resource.TestMain starts.
type testRun struct{ m *testing.M }

func (r testRun) Run() (code int) {
	f, err := os.CreateTemp("", "terraformrc-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := os.Remove(f.Name()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}()
	err = f.Close()
	if err == nil {
		err = os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
	}
	if err == nil {
		err = detectOpenTofu()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code = r.m.Run()
	// A live run that ran no live test would pass without testing anything.
	if code == 0 && liveMode() && liveTargetsStarted.Load() == 0 {
		fmt.Fprintf(os.Stderr, "FAIL: live mode (%s=1) ran no live test: select them with -run '^TestAccLive'\n", envLiveTests)
		return 1
	}
	return code
}

// testProviderFactories serve the provider in-process: no registry, no
// download, the real terraform CLI talking plugin protocol 6 to it.
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"atlassian": providerserver.NewProtocol6WithError(New("test")()),
}

// testOrg is a sandbox organization served over real HTTP for one test.
type testOrg struct {
	*sandboxtest.Env
}

// newTestOrg starts a sandbox org of the given size (seed fixed, so names
// and ids are stable within a test run).
func newTestOrg(t *testing.T, users, groups, workspaces int) *testOrg {
	t.Helper()
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = users, groups, workspaces, 42
	return &testOrg{Env: sandboxtest.Start(t, opts)}
}

// providerBlock configures the provider for this org. Retries stay at their
// defaults: the sandbox answers fast unless a test injects faults.
func (o *testOrg) providerBlock() string {
	return fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}
`, o.OrgID, o.Token, o.URL)
}

// config prepends the provider block to a test configuration.
func (o *testOrg) config(body string) string { return o.providerBlock() + body }

// group returns the sandbox group with this id (zero value when absent).
func (o *testOrg) group(id string) (sandbox.Group, bool) {
	for _, g := range o.State().Groups {
		if g.ID == id {
			return g, true
		}
	}
	return sandbox.Group{}, false
}

// writableGroup is a group Terraform may change: not synced from an
// identity provider, not a default group, with members.
func (o *testOrg) writableGroup(t *testing.T) sandbox.Group {
	t.Helper()
	for _, g := range o.State().Groups {
		if !g.ExternalSynced && !g.Default && len(g.MemberAccountIDs) > 0 {
			return g
		}
	}
	t.Fatal("the sandbox org has no writable group")
	return sandbox.Group{}
}

// activeUsers returns active accounts of the org, in the sandbox's order.
func (o *testOrg) activeUsers() []sandbox.User {
	var out []sandbox.User
	for _, u := range o.State().Users {
		if u.Status == "active" && u.AccountType == "atlassian" {
			out = append(out, u)
		}
	}
	return out
}
