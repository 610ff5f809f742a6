package provider

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// The fault matrix: one configuration of memberships (additive
// atlassian_group_membership resources and one authoritative
// atlassian_group_members) and workspace role assignments (to accounts and
// to groups), applied from scratch while the sandbox injects one kind of
// fault. Each scenario must converge: the apply succeeds, or fails with a
// clear error once the client's retry budget is spent and a second apply
// (faults still on) succeeds; the sandbox then holds exactly the
// configured access, nothing less and nothing more; and the next plan is
// empty. Every write reaches the sandbox at most RetryPolicy.MaxAttempts
// times per apply (plus the sends answered 429 that
// RetryPolicy.RateLimitedAttempts allows), and exactly once when nothing
// fails.
//
// The full matrix (500 memberships and 50 role assignments per scenario;
// one to one and a half minutes on two cores, under -race too) runs with
// ATLASSIAN_FAULT_TESTS=1. Without it the same scenarios run on a
// configuration about a tenth that size (about 20 s, most of it the outage
// scenario's backoff).

// faultTestsEnv turns on the full-size fault matrix.
const faultTestsEnv = "ATLASSIAN_FAULT_TESTS"

// maxAttempts is the client's default RetryPolicy.MaxAttempts, which the
// provider uses: the most times one write may be sent in one apply, not
// counting up to maxAttempts-1 sends answered 429.
const maxAttempts = 8

// faultSize is the shape of the configuration under test.
type faultSize struct {
	membershipGroups   int // groups given members by atlassian_group_membership
	membersPerGroup    int // also the size of the atlassian_group_members group
	userRoles          int
	groupRoles         int
	users, orgGroups   int
	membershipsInTotal int
}

func faultSizeFromEnv() faultSize {
	if os.Getenv(faultTestsEnv) != "" {
		// 4 x 100 additive memberships + 100 authoritative = 500; 40 + 10 roles.
		return faultSize{membershipGroups: 4, membersPerGroup: 100, userRoles: 40, groupRoles: 10, users: 140, orgGroups: 10, membershipsInTotal: 500}
	}
	// 2 x 20 + 20 = 60 memberships; 8 + 2 roles.
	return faultSize{membershipGroups: 2, membersPerGroup: 20, userRoles: 8, groupRoles: 2, users: 40, orgGroups: 6, membershipsInTotal: 60}
}

// writeCounter counts every write request by what it writes (method,
// concrete path and body), so a repeated write shows up as a count above 1,
// and the requests the sandbox is still handling.
type writeCounter struct {
	mu     sync.Mutex
	counts map[string]int
	// limited counts, by the same keys, the sends answered 429.
	limited map[string]int
	// inFlight is the requests the sandbox has not answered yet: a client
	// that was killed does not stop a handler that already started.
	inFlight atomic.Int64
}

func (c *writeCounter) add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[key]++
}

func (c *writeCounter) rateLimited(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.limited[key]++
}

// take returns the counts so far and starts counting afresh.
func (c *writeCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.counts
	c.counts = map[string]int{}
	return out
}

// takeLimited returns the 429 counts so far and starts counting afresh.
func (c *writeCounter) takeLimited() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.limited
	c.limited = map[string]int{}
	return out
}

// writePath matches the admin API's write endpoints (of the POST
// endpoints that read, workspaces does not match, and the searches are
// told apart by isWrite).
var writePath = regexp.MustCompile(`/(memberships(/[^/]+)?|roles/(assign|revoke)|role-assignments/(assign|revoke))$|/groups(/[^/]+)?$`)

func isWrite(r *http.Request) bool {
	return r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/admin/") && writePath.MatchString(r.URL.Path) &&
		!strings.HasSuffix(r.URL.Path, "/search")
}

// countingFront serves the sandbox on a second listener that counts
// every write by what it writes, and the sends answered 429. Its
// ResponseWriter passes hijacking through, so the sandbox's connection
// resets still reset.
func countingFront(t *testing.T, org *acctest.Org) (string, *writeCounter) {
	t.Helper()
	counter := &writeCounter{counts: map[string]int{}, limited: map[string]int{}}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		counter.inFlight.Add(1)
		defer counter.inFlight.Add(-1)
		if isWrite(r) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			key := r.Method + " " + r.URL.Path + " " + string(bytes.TrimSpace(body))
			counter.add(key)
			rec := &statusRecorder{ResponseWriter: w}
			org.Handler.ServeHTTP(rec, r)
			if rec.status == http.StatusTooManyRequests {
				counter.rateLimited(key)
			}
			return
		}
		org.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL, counter
}

// faultFixture is a sandbox organization prepared for one scenario and
// the configuration to apply to it.
type faultFixture struct {
	org     *acctest.Org
	counter *writeCounter
	config  string
	want    acctest.OrgAccess
	// writes is how many writes the configuration needs: one per membership
	// and one per role assignment.
	writes    int
	resources int
}

func newFaultFixture(t *testing.T, size faultSize) *faultFixture {
	t.Helper()
	org := acctest.NewOrg(t, size.users, size.orgGroups, 3)
	frontURL, counter := countingFront(t, org)
	groups := grpWritableGroups(org)
	if len(groups) < size.membershipGroups+1 {
		t.Fatalf("the org has %d writable groups, want %d", len(groups), size.membershipGroups+1)
	}
	groups = groups[:size.membershipGroups+1]
	users := org.ActiveUsers()
	if len(users) < max(size.membersPerGroup, size.userRoles) {
		t.Fatalf("the org has %d active accounts, want %d", len(users), size.membersPerGroup)
	}
	// The groups start empty, so that their members afterwards must be
	// exactly the configured ones.
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			for _, g := range groups {
				if st.Groups[i].ID == g.ID {
					st.Groups[i].MemberAccountIDs = nil
				}
			}
		}
		return nil
	})
	before := org.State()
	want := acctest.AccessOf(before)
	workspaces := before.Workspaces

	var b strings.Builder
	fmt.Fprintf(&b, `
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}

locals {
  memberships = [
`, org.OrgID, org.Token, frontURL)
	for gi, g := range groups[:size.membershipGroups] {
		for j := range size.membersPerGroup {
			account := users[(gi*17+j)%len(users)].AccountID
			fmt.Fprintf(&b, "    { group_id = %q, account_id = %q },\n", g.ID, account)
			want.Members[g.ID][account] = true
		}
	}
	b.WriteString("  ]\n  user_roles = [\n")

	// Role assignments nobody holds yet, spread over the workspaces.
	roles := []string{"atlassian/user", "atlassian/admin", "atlassian/basic", "atlassian/guest"}
	added := 0
	for i := 0; added < size.userRoles && i < len(users)*len(workspaces)*len(roles); i++ {
		ws := workspaces[i%len(workspaces)]
		a := sandbox.UserRoleAssignment{
			AccountID:     users[(i/len(workspaces))%len(users)].AccountID,
			ResourceID:    ws.ID,
			ResourceOwner: ws.Type,
			Role:          roles[i/(len(users)*len(workspaces))],
		}
		if want.UserRoles[a] {
			continue
		}
		want.UserRoles[a] = true
		fmt.Fprintf(&b, "    { workspace_id = %q, role = %q, account_id = %q },\n", a.ResourceID, a.Role, a.AccountID)
		added++
	}
	if added < size.userRoles {
		t.Fatalf("found %d free user role assignments, want %d", added, size.userRoles)
	}
	b.WriteString("  ]\n  group_roles = [\n")
	added = 0
	for i := 0; added < size.groupRoles && i < len(groups)*len(workspaces)*len(roles); i++ {
		ws := workspaces[i%len(workspaces)]
		a := sandbox.GroupRoleAssignment{
			GroupID:       groups[(i/len(workspaces))%len(groups)].ID,
			ResourceID:    ws.ID,
			ResourceOwner: ws.Type,
			Role:          roles[i/(len(groups)*len(workspaces))],
		}
		if want.GroupRoles[a] {
			continue
		}
		want.GroupRoles[a] = true
		fmt.Fprintf(&b, "    { workspace_id = %q, role = %q, group_id = %q },\n", a.ResourceID, a.Role, a.GroupID)
		added++
	}
	if added < size.groupRoles {
		t.Fatalf("found %d free group role assignments, want %d", added, size.groupRoles)
	}
	b.WriteString("  ]\n}\n")

	// count, not for_each: terraform-plugin-testing's state shim refuses
	// string instance keys, and the other tests use count too.
	b.WriteString(`
resource "atlassian_group_membership" "m" {
  count      = length(local.memberships)
  group_id   = local.memberships[count.index].group_id
  account_id = local.memberships[count.index].account_id
}

resource "atlassian_workspace_role_assignment" "user" {
  count        = length(local.user_roles)
  workspace_id = local.user_roles[count.index].workspace_id
  role         = local.user_roles[count.index].role
  account_id   = local.user_roles[count.index].account_id
}

resource "atlassian_workspace_role_assignment" "group" {
  count        = length(local.group_roles)
  workspace_id = local.group_roles[count.index].workspace_id
  role         = local.group_roles[count.index].role
  group_id     = local.group_roles[count.index].group_id
}
`)
	owned := groups[size.membershipGroups]
	labels := map[string]string{}
	for j := range size.membersPerGroup {
		u := users[(len(users)-1-j+len(users))%len(users)]
		labels[u.AccountID] = u.Email
		want.Members[owned.ID][u.AccountID] = true
	}
	fmt.Fprintf(&b, `
resource "atlassian_group_members" "owned" {
  group_id = %q
  members  = %s
}
`, owned.ID, grpMembersHCL(labels))

	return &faultFixture{
		org:       org,
		counter:   counter,
		config:    b.String(),
		want:      want,
		writes:    size.membershipGroups*size.membersPerGroup + size.membersPerGroup + size.userRoles + size.groupRoles,
		resources: size.membershipGroups*size.membersPerGroup + 1 + size.userRoles + size.groupRoles,
	}
}

// faultScenario is one row of the matrix.
type faultScenario struct {
	name   string
	faults sandbox.Faults
	// spikes, when set, alternates the latency between spikes.spike and
	// spikes.calm while the apply runs, instead of a steady fault.
	spikes *latencySpikes
	// recovers, when set, lifts the faults before the second apply: an
	// outage that outlasts the retry budget of the first.
	recovers bool
	// wantFailure is what the first apply's error must say, when the
	// scenario is meant to exhaust the retry budget.
	wantFailure *regexp.Regexp
}

type latencySpikes struct {
	spike, calm             int // latency_ms
	spikeFor, calmFor       time.Duration
	spikeRoutes, calmRoutes []string // Faults.Routes (empty: every route)
}

// faultOutcome is what a scenario did, for the matrix.
type faultOutcome struct {
	scenario  string
	applies   int
	requests  int64
	byRoute   map[string]int64
	writeReqs int // write requests the sandbox received (all applies)
	maxPerKey int // most times one write was sent in one apply
	// writeRetries is the write requests beyond one per write and apply.
	writeRetries int
	duration     time.Duration
	outcome      string
	firstErr     string
	writes       int
	client       access.RequestStats // what the provider's clients counted
}

// runFaultScenario applies the fixture's configuration under the
// scenario's faults and checks that it converged.
func runFaultScenario(t *testing.T, size faultSize, sc faultScenario) faultOutcome {
	t.Helper()
	fx := newFaultFixture(t, size)
	prov := newCountingProvider()
	cli := newReattachedCLI(t, prov, tfdriver.Options{})
	cli.WriteConfig(fx.config)
	org := fx.org
	out := faultOutcome{scenario: sc.name, writes: fx.writes}

	org.ResetStats()
	fx.counter.take()
	org.Server.SetFaults(sc.faults)
	stopSpikes := func() {}
	if sc.spikes != nil {
		stopSpikes = sync.OnceFunc(runSpikes(org, *sc.spikes))
	}
	start := time.Now()
	attemptsPerApply := []map[string]int{}
	limitedPerApply := []map[string]int{}
	var last tfdriver.Result
	for out.applies < 2 {
		last = cli.TryApply(tfexec.Parallelism(10))
		out.applies++
		attemptsPerApply = append(attemptsPerApply, fx.counter.take())
		limitedPerApply = append(limitedPerApply, fx.counter.takeLimited())
		cli.ExpectNoCrash(last)
		if last.Err == nil {
			break
		}
		// A failure is acceptable only as a clear error that says what
		// gave up, after the client's retries: never a crash or an
		// inconsistent-result error from Terraform.
		if !clearFaultError.MatchString(last.Output) || strings.Contains(last.Output, "inconsistent result") {
			t.Fatalf("%s: apply %d failed without a clear error:\n%s", sc.name, out.applies, last)
		}
		if out.firstErr == "" {
			out.firstErr = firstError(last.Output)
		}
		if sc.wantFailure != nil && !sc.wantFailure.MatchString(last.Output) {
			t.Errorf("%s: the failed apply does not explain the failure as expected (%s):\n%s", sc.name, sc.wantFailure, last)
		}
		if sc.recovers {
			stopSpikes()
			org.Server.SetFaults(sandbox.Faults{})
		}
	}
	if sc.wantFailure != nil && out.applies != 2 {
		t.Errorf("%s: the first apply succeeded, but the faults were meant to outlast the retry budget", sc.name)
	}
	stopSpikes()
	org.Server.SetFaults(sandbox.Faults{})
	out.duration = time.Since(start)
	stats := org.Stats()
	out.requests, out.byRoute = stats.Total, stats.ByRoute
	out.client = prov.clientStats()
	if last.Err != nil {
		t.Fatalf("%s: the second apply did not converge either:\n%s", sc.name, last)
	}
	out.outcome = "converged in 1 apply"
	if out.applies > 1 {
		out.outcome = "apply 1 failed (" + out.firstErr + "); apply 2 converged"
	}

	// The sandbox holds exactly the configured access.
	if d := fx.want.Diff(acctest.AccessOf(org.State())); d != "" {
		t.Errorf("%s: the sandbox differs from the configuration:\n%s", sc.name, d)
	}
	// Terraform's state has every resource, and a plan (no faults) is empty.
	if n := managedCount(cli.StateResources()); n != fx.resources {
		t.Errorf("%s: %d managed resources in the state, want %d", sc.name, n, fx.resources)
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("%s: the plan after convergence is not empty:\n%s", sc.name, res)
	}

	// Writes: every configured write happened, none more than the retry
	// policy allows in one apply, and nothing was removed.
	distinct := map[string]bool{}
	for i, counts := range attemptsPerApply {
		out.writeRetries -= len(counts)
		for key, n := range counts {
			out.writeRetries += n
			distinct[key] = true
			out.writeReqs += n
			out.maxPerKey = max(out.maxPerKey, n)
			// Sends answered 429 may take up to maxAttempts-1 attempts on
			// top (RetryPolicy.RateLimitedAttempts).
			limited := min(limitedPerApply[i][key], maxAttempts-1)
			if n-limited > maxAttempts {
				t.Errorf("%s: apply %d sent %q %d times (%d answered 429), more than the retry policy's %d attempts plus %d for 429s",
					sc.name, i+1, key, n, limitedPerApply[i][key], maxAttempts, maxAttempts-1)
			}
			if strings.HasPrefix(key, http.MethodDelete) || strings.Contains(key, "/revoke ") {
				t.Errorf("%s: apply %d removed something: %s", sc.name, i+1, key)
			}
		}
	}
	if sc.wantFailure != nil && len(attemptsPerApply) > 0 {
		exhausted := 0
		for _, n := range attemptsPerApply[0] {
			if n == maxAttempts {
				exhausted++
			}
		}
		if exhausted == 0 {
			t.Errorf("%s: no write was tried the retry policy's %d times in the first apply", sc.name, maxAttempts)
		}
	}
	if len(distinct) != fx.writes {
		t.Errorf("%s: %d distinct writes reached the sandbox, want %d (one per membership and role assignment)", sc.name, len(distinct), fx.writes)
	}
	return out
}

// clearFaultError is what a failure after the retry budget must say:
// the call that failed and why, in words a user can act on.
var clearFaultError = regexp.MustCompile(`(?s)Error: .*(after \d+ attempt|rate limit|Rate limit|429|50\d|connection reset|EOF)`)

// firstError returns the first "Error:" line of terraform's output.
func firstError(output string) string {
	for _, line := range strings.Split(output, "\n") {
		if i := strings.Index(line, "Error: "); i >= 0 {
			return strings.TrimSpace(line[i+len("Error: "):])
		}
	}
	return "no Error line"
}

// managedCount counts the managed resource instances of a state.
func managedCount(resources []*tfjson.StateResource) int {
	n := 0
	for _, r := range resources {
		if r.Mode == "managed" {
			n++
		}
	}
	return n
}

// runSpikes alternates the sandbox's latency until stopped.
func runSpikes(org *acctest.Org, s latencySpikes) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			org.Server.SetFaults(sandbox.Faults{LatencyMS: s.spike, Routes: s.spikeRoutes})
			select {
			case <-done:
				return
			case <-time.After(s.spikeFor):
			}
			org.Server.SetFaults(sandbox.Faults{LatencyMS: s.calm, Routes: s.calmRoutes})
			select {
			case <-done:
				return
			case <-time.After(s.calmFor):
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// faultScenarios are the rows of the matrix. The rate limits are set so
// that they cause storms of 429s without minute-long waits; the
// reset-without-seconds variant (which makes a client wait for the next
// whole minute) is left to the client's own tests.
func faultScenarios() []faultScenario {
	const membershipRoute = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/memberships"
	return []faultScenario{
		{name: "429 storm, Retry-After: 1", faults: sandbox.Faults{RateLimitPerSecond: 40, RetryAfterSeconds: 1}},
		{name: "429 storm, X-RateLimit-Reset only", faults: sandbox.Faults{RateLimitPerSecond: 40, RateLimitHeaders: sandbox.RateLimitHeadersResetOnly}},
		{name: "429 storm, no headers", faults: sandbox.Faults{RateLimitPerSecond: 60, RateLimitHeaders: sandbox.RateLimitHeadersNone}},
		{name: "10% 500", faults: sandbox.Faults{ErrorRate: 0.10, ErrorStatus: http.StatusInternalServerError}},
		{name: "10% 503", faults: sandbox.Faults{ErrorRate: 0.10, ErrorStatus: http.StatusServiceUnavailable}},
		{name: "5% connection resets", faults: sandbox.Faults{ResetConnectionRate: 0.05}},
		{
			// Every group role write fails for the whole first apply: each
			// is tried MaxAttempts times, the apply reports them and
			// records everything else; the second apply, after recovery,
			// makes only those.
			name: "outage of group role writes, then recovery",
			faults: sandbox.Faults{ErrorRate: 1, ErrorStatus: http.StatusInternalServerError,
				Routes: []string{"POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/role-assignments/assign"}},
			recovers: true,
			wantFailure: diagnostic("Error: Could not assign the workspace role", "500 ADMIN-UAM-500-1",
				"after 8 attempts"),
		},
		{name: "latency spikes (1.5 s on membership writes)", spikes: &latencySpikes{
			spike: 1500, calm: 30, spikeFor: 700 * time.Millisecond, calmFor: 1500 * time.Millisecond,
			spikeRoutes: []string{membershipRoute},
		}},
	}
}

// TestAccFaultMatrix applies the same configuration without faults (the
// baseline: the fewest requests it takes) and then under each fault.
func TestAccFaultMatrix(t *testing.T) { //nolint:tparallel // the "scenarios" group is not parallel on purpose: it returns once every parallel case has, so the table after it sees every outcome
	acctest.RequireTerraform(t)
	t.Parallel()
	size := faultSizeFromEnv()
	start := time.Now()

	baseline := runFaultScenario(t, size, faultScenario{name: "no faults (baseline)"})
	// Without faults, every write is sent exactly once.
	if baseline.maxPerKey != 1 || baseline.writeReqs != baseline.writes {
		t.Errorf("without faults the apply sent %d write requests for %d writes (a write at most %d times), want each exactly once",
			baseline.writeReqs, baseline.writes, baseline.maxPerKey)
	}
	if baseline.applies != 1 {
		t.Errorf("without faults the first apply failed: %s", baseline.firstErr)
	}

	var (
		mu       sync.Mutex
		outcomes = []faultOutcome{baseline}
	)
	t.Run("scenarios", func(t *testing.T) {
		for _, sc := range faultScenarios() {
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				out := runFaultScenario(t, size, sc)
				mu.Lock()
				outcomes = append(outcomes, out)
				mu.Unlock()
			})
		}
	})

	var table strings.Builder
	fmt.Fprintf(&table, "fault matrix: %d memberships and %d role assignments per scenario (%d writes)\n",
		size.membershipsInTotal, size.userRoles+size.groupRoles, baseline.writes)
	fmt.Fprintf(&table, "| %-48s | %8s | %7s | %12s | %13s | %9s | %6s | %s\n",
		"scenario", "requests", "retries", "write reqs", "write retries", "max/write", "time", "outcome")
	sort.SliceStable(outcomes[1:], func(i, j int) bool { return outcomes[1+i].scenario < outcomes[1+j].scenario })
	for i, o := range outcomes {
		fmt.Fprintf(&table, "| %-48s | %8d | %7d | %12d | %13d | %9d | %6s | %s\n", fmt.Sprintf("#%d %s", i, o.scenario), o.requests, o.client.Retries,
			o.writeReqs, o.writeRetries, o.maxPerKey, o.duration.Round(100*time.Millisecond), o.outcome)
	}
	table.WriteString("requests: all admin API requests the sandbox received during the apply(s); retries: the attempts after " +
		"the first that the provider's clients counted; write retries: write requests beyond one per write and apply\n")
	table.WriteString("requests by route, one column per scenario in the order above:\n")
	fmt.Fprintf(&table, "  %-95s", "")
	for i := range outcomes {
		fmt.Fprintf(&table, " %5s", fmt.Sprintf("#%d", i))
	}
	table.WriteString("\n")
	routes := map[string]bool{}
	for _, o := range outcomes {
		for r := range o.byRoute {
			routes[r] = true
		}
	}
	var sorted []string
	for r := range routes {
		sorted = append(sorted, r)
	}
	sort.Strings(sorted)
	for _, r := range sorted {
		fmt.Fprintf(&table, "  %-95s", r)
		for _, o := range outcomes {
			fmt.Fprintf(&table, " %5d", o.byRoute[r])
		}
		table.WriteString("\n")
	}
	fmt.Fprintf(&table, "total time %s", time.Since(start).Round(time.Second))
	t.Logf("\n%s", table.String())
}
