package acctest

import (
	"fmt"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// Org is a sandbox organization served over real HTTP for one test.
type Org struct {
	*sandboxtest.Env
}

// NewOrg starts a sandbox org of the given size (seed fixed, so names
// and ids are stable within a test run).
func NewOrg(t *testing.T, users, groups, workspaces int) *Org {
	t.Helper()
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = users, groups, workspaces, 42
	// Activity is generated back from now, so inactivity judged at plan
	// time finds the spread the generator means: recent, stale and never.
	opts.ActivityAsOf = time.Now().UTC()
	return &Org{Env: sandboxtest.Start(t, opts)}
}

// ProviderBlock configures the provider for this org. Retries stay at their
// defaults: the sandbox answers fast unless a test injects faults.
func (o *Org) ProviderBlock() string {
	return fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}
`, o.OrgID, o.Token, o.URL)
}

// Config prepends the provider block to a test configuration.
func (o *Org) Config(body string) string { return o.ProviderBlock() + body }

// Group returns the sandbox group with this id (zero value when absent).
func (o *Org) Group(id string) (sandbox.Group, bool) {
	for _, g := range o.State().Groups {
		if g.ID == id {
			return g, true
		}
	}
	return sandbox.Group{}, false
}

// WritableGroup is a group Terraform may change: not synced from an
// identity provider, not a default group, with members.
func (o *Org) WritableGroup(t *testing.T) sandbox.Group {
	t.Helper()
	for _, g := range o.State().Groups {
		if !g.ExternalSynced && !g.Default && len(g.MemberAccountIDs) > 0 {
			return g
		}
	}
	t.Fatal("the sandbox org has no writable group")
	return sandbox.Group{}
}

// ActiveUsers returns active accounts of the org, in the sandbox's order.
func (o *Org) ActiveUsers() []sandbox.User {
	var out []sandbox.User
	for _, u := range o.State().Users {
		if u.Status == "active" && u.AccountType == "atlassian" {
			out = append(out, u)
		}
	}
	return out
}
