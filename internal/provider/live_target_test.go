package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// The live tests (TestAccLive*) run against a real organization in live
// mode (make testlive) and against an in-process sandbox otherwise, so that
// make test exercises them on every run. In a real organization they create
// only groups whose names start with liveNamePrefix, and memberships and
// role assignments of those groups; they read everything else and change
// nothing else. The sweeper removes what a failed run left behind by the
// same prefix.

// liveNamePrefix starts the name of every group the live tests create.
const liveNamePrefix = "tfacc-"

// envLiveTests turns live mode on; make testlive sets it.
const envLiveTests = "ATLASSIAN_LIVE_TESTS"

// The variables live mode and the sweeper read the organization from: the
// provider's own names, so a maintainer's environment serves both.
const (
	envLiveOrganizationID = "ATLASSIAN_ORGANIZATION_ID"
	envLiveAPIToken       = "ATLASSIAN_API_TOKEN"
	envLiveBaseURL        = "ATLASSIAN_BASE_URL"
)

// liveConsistencyWait bounds how long a check waits for Atlassian's reads
// to show a write (or a delete) the test has just made: the real service
// may answer with the state before it for a while.
const liveConsistencyWait = 30 * time.Second

// liveTargetsStarted counts the live targets of this run, so TestMain can
// refuse a live run that ran no live test.
var liveTargetsStarted atomic.Int64

// liveMode reports whether the live tests run against the organization of
// the environment.
func liveMode() bool { return os.Getenv(envLiveTests) == "1" }

// liveTarget is the organization a live test runs against. It holds what a
// user of a real organization holds, and no handle on a sandbox: the live
// tests cannot reach the sandbox's /_sandbox/ control endpoints (its state,
// faults, settings or stats), so what they do runs unchanged against
// Atlassian. A test that needs the sandbox uses acctest.NewOrg instead.
type liveTarget struct {
	cfg  orgconfig.Config
	live bool
}

// newLiveTarget is the organization of the environment in live mode, else a
// small sandbox organization served over real HTTP for this test.
func newLiveTarget(t *testing.T) *liveTarget {
	t.Helper()
	liveTargetsStarted.Add(1)
	if liveMode() {
		if os.Getenv("TF_ACC") == "" {
			t.Fatalf("live mode (%s=1) needs TF_ACC=1: without it the acceptance tests skip, and nothing would be tested", envLiveTests)
		}
		cfg, err := liveConfigFromEnv()
		if err != nil {
			t.Fatalf("live mode (%s=1): %v", envLiveTests, err)
		}
		return &liveTarget{cfg: cfg, live: true}
	}
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = 30, 5, 2, 42
	// Only what a user of a real organization has is kept of the sandbox.
	env := sandboxtest.Start(t, opts)
	cfg, err := orgconfig.New(orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token})
	if err != nil {
		t.Fatal(err)
	}
	return &liveTarget{cfg: cfg}
}

// liveConfigFromEnv is the organization named by the environment, checked
// as the provider checks its settings.
func liveConfigFromEnv() (orgconfig.Config, error) {
	orgID, token := os.Getenv(envLiveOrganizationID), os.Getenv(envLiveAPIToken)
	if strings.TrimSpace(orgID) == "" || strings.TrimSpace(token) == "" {
		return orgconfig.Config{}, fmt.Errorf("set %s and %s (and %s for another admin API host than %s) to the organization to test against",
			envLiveOrganizationID, envLiveAPIToken, envLiveBaseURL, orgconfig.DefaultBaseURL)
	}
	base := os.Getenv(envLiveBaseURL)
	if strings.TrimSpace(base) == "" {
		base = orgconfig.DefaultBaseURL
	}
	cfg, err := orgconfig.New(orgconfig.Config{BaseURL: base, OrganizationID: orgID, APIToken: token})
	if err != nil {
		return orgconfig.Config{}, fmt.Errorf("the organization of %s, %s and %s: %w", envLiveOrganizationID, envLiveAPIToken, envLiveBaseURL, err)
	}
	return cfg, nil
}

// config prepends the provider block. In live mode the block is empty: the
// provider reads the organization from the environment, as a user's would,
// and the key is never written into a configuration file.
func (o *liveTarget) Config(body string) string {
	if o.live {
		return "provider \"atlassian\" {}\n" + body
	}
	return fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}
`, o.cfg.OrganizationID, o.cfg.APIToken, o.cfg.BaseURL) + body
}

// liveGroupName is a fresh name for a group a live test creates.
func liveGroupName() string { return liveNamePrefix + acctest.RandString(10) }

// directory opens a fresh view of the organization through the access
// layer, the provider's own way in: nothing is cached from an earlier read.
func (o *liveTarget) view() (*access.View, error) {
	return access.Open(context.Background(), o.cfg)
}

// eventually runs check on fresh views of the organization until it
// passes or liveConsistencyWait has passed; the error is check's last.
func (o *liveTarget) eventually(check func(ctx context.Context, d *access.View) error) error {
	deadline := time.Now().Add(liveConsistencyWait)
	pause := 100 * time.Millisecond
	for {
		err := o.check(check)
		if err == nil || time.Now().Add(pause).After(deadline) {
			return err
		}
		time.Sleep(pause) // the pause between two polls
		pause = min(2*pause, 2*time.Second)
	}
}

// check runs one check on a fresh view of the organization.
func (o *liveTarget) check(check func(ctx context.Context, d *access.View) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), liveConsistencyWait)
	defer cancel()
	d, err := o.view()
	if err != nil {
		return err
	}
	return check(ctx, d)
}

// errStillThere is what a check returns while a deleted object still shows.
var errStillThere = errors.New("still in the organization")
