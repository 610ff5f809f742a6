package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// The group fault matrix: a configuration that creates groups and gives
// them members (atlassian_group_members on half of them,
// atlassian_group_membership on the other half) is applied from scratch
// while the sandbox injects faults on every route, and must converge in
// ONE apply; then half of the groups are removed from the configuration
// and that apply, under the same faults, must converge in one apply too.
// Throughout, a front in front of the sandbox checks every group create
// against the organization: no create may be sent for a name a group
// already has (a create whose answer was lost is adopted, never repeated).
//
// Full size (ten groups of twenty members, every rate with three seeds)
// runs with ATLASSIAN_FAULT_TESTS=1; without it four groups of five
// members, on fewer rows.

// Sandbox routes the matrix counts.
const (
	routeCreateGroup = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups"
	routeDeleteGroup = "DELETE /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}"
	routeListGroups  = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/search"
)

type groupFaultSize struct{ groups, members int }

func groupFaultSizeFromEnv() groupFaultSize {
	if os.Getenv(faultTestsEnv) != "" {
		return groupFaultSize{groups: 10, members: 20}
	}
	return groupFaultSize{groups: 4, members: 5}
}

type groupFaultScenario struct {
	name   string
	seed   uint64
	faults sandbox.Faults
	// onlyAdopts: every fault on creates hits after the create was carried
	// out, so each group is created by exactly one create request.
	onlyAdopts bool
}

// stormWith is a 429 storm with Retry-After plus the given faults.
func stormWith(f sandbox.Faults) sandbox.Faults {
	f.RateLimitPerSecond, f.RetryAfterSeconds = 40, 1
	return f
}

func groupFaultScenarios() []groupFaultScenario {
	lostCreates := sandbox.Faults{ErrorAfterWriteRate: 0.5, ErrorStatus: http.StatusServiceUnavailable,
		Routes: []string{routeCreateGroup, routeDeleteGroup}}
	rows := []groupFaultScenario{
		{name: "no faults (baseline)", seed: 1},
		{name: "10% 503 + 429 storm, seed 1", seed: 1, faults: stormWith(sandbox.Faults{ErrorRate: 0.10, ErrorStatus: http.StatusServiceUnavailable})},
		{name: "10% 503 + 429 storm, seed 2", seed: 2, faults: stormWith(sandbox.Faults{ErrorRate: 0.10, ErrorStatus: http.StatusServiceUnavailable})},
		{name: "20% 503 + 429 storm, seed 3", seed: 3, faults: stormWith(sandbox.Faults{ErrorRate: 0.20, ErrorStatus: http.StatusServiceUnavailable})},
		{name: "8% connection resets, seed 1", seed: 1, faults: sandbox.Faults{ResetConnectionRate: 0.08}},
		{name: "50% lost answers on group create/delete, seed 1", seed: 1, faults: lostCreates, onlyAdopts: true},
	}
	if os.Getenv(faultTestsEnv) == "" {
		return rows
	}
	for _, rate := range []float64{0.05, 0.10, 0.20} {
		for _, seed := range []uint64{4, 5, 6} {
			rows = append(rows, groupFaultScenario{
				name: fmt.Sprintf("%d%% 503 + 429 storm, seed %d", int(rate*100), seed), seed: seed,
				faults: stormWith(sandbox.Faults{ErrorRate: rate, ErrorStatus: http.StatusServiceUnavailable}),
			})
		}
	}
	for _, seed := range []uint64{2, 3} {
		rows = append(rows,
			groupFaultScenario{name: fmt.Sprintf("8%% connection resets, seed %d", seed), seed: seed, faults: sandbox.Faults{ResetConnectionRate: 0.08}},
			groupFaultScenario{name: fmt.Sprintf("50%% lost answers on group create/delete, seed %d", seed), seed: seed, faults: lostCreates, onlyAdopts: true},
			groupFaultScenario{name: fmt.Sprintf("10%% 503 + 20%% lost create answers + 429 storm, seed %d", seed), seed: seed,
				faults: stormWith(sandbox.Faults{ErrorRate: 0.10, ErrorAfterWriteRate: 0.2, ErrorStatus: http.StatusServiceUnavailable})},
		)
	}
	return rows
}

// createWatch sits in front of the sandbox and checks each group create
// against the organization before passing it on.
type createWatch struct {
	org *sandboxtest.Env

	mu         sync.Mutex
	sent       map[string]int // creates by lower-cased name
	violations []string       // creates sent for a name a group already had
}

func newCreateWatch(t *testing.T, org *sandboxtest.Env) (*createWatch, string) {
	t.Helper()
	w := &createWatch{org: org, sent: map[string]int{}}
	front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/groups") && strings.HasPrefix(r.URL.Path, "/admin/") {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(rw, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			var create struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(body, &create); err == nil {
				w.observe(create.Name)
			}
		}
		org.Handler.ServeHTTP(rw, r)
	}))
	t.Cleanup(front.Close)
	return w, front.URL
}

func (w *createWatch) observe(name string) {
	exists := false
	for _, g := range w.org.Server.State().Groups {
		exists = exists || strings.EqualFold(g.Name, name)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent[strings.ToLower(name)]++
	if exists {
		w.violations = append(w.violations, name)
	}
}

func (w *createWatch) total() (creates int, violations []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, n := range w.sent {
		creates += n
	}
	return creates, append([]string(nil), w.violations...)
}

// groupFaultOutcome is one row of the matrix.
type groupFaultOutcome struct {
	scenario                   string
	requests, retries          int64
	creates, createRequests    int
	deletes                    int64
	lookups                    int64
	createApplies, dropApplies int
	duration                   time.Duration
	outcome                    string
}

// groupFaultConfig creates groups 0..n-1 of names, half given members by
// atlassian_group_members, half by atlassian_group_membership.
func groupFaultConfig(providerBlock string, names []string, members map[string][]string) string {
	var b strings.Builder
	b.WriteString(providerBlock)
	for i, name := range names {
		fmt.Fprintf(&b, "\nresource \"atlassian_group\" \"g%d\" {\n  name = %q\n}\n", i, name)
		ids := members[name]
		if i%2 == 0 {
			labels := map[string]string{}
			for _, id := range ids {
				labels[id] = ""
			}
			fmt.Fprintf(&b, "\nresource \"atlassian_group_members\" \"g%d\" {\n  group_id = atlassian_group.g%d.id\n  members  = %s\n}\n", i, i, grpMembersHCL(labels))
			continue
		}
		quoted := make([]string, len(ids))
		for j, id := range ids {
			quoted[j] = fmt.Sprintf("%q", id)
		}
		fmt.Fprintf(&b, `
resource "atlassian_group_membership" "g%d" {
  count      = %d
  group_id   = atlassian_group.g%d.id
  account_id = [%s][count.index]
}
`, i, len(ids), i, strings.Join(quoted, ", "))
	}
	return b.String()
}

func runGroupFaultScenario(t *testing.T, size groupFaultSize, sc groupFaultScenario) groupFaultOutcome {
	t.Helper()
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = size.members*2+10, 3, 1, sc.seed
	env := sandboxtest.Start(t, opts)
	org := &acctest.Org{Env: env}
	watch, frontURL := newCreateWatch(t, env)
	providerBlock := fmt.Sprintf("provider \"atlassian\" {\n  organization_id = %q\n  api_token       = %q\n  base_url        = %q\n}\n",
		env.OrgID, env.Token, frontURL)

	users := org.ActiveUsers()
	names := make([]string, size.groups)
	members := map[string][]string{}
	for i := range names {
		names[i] = fmt.Sprintf("fault group %d", i)
		for j := range size.members {
			members[names[i]] = append(members[names[i]], users[(i*7+j)%len(users)].AccountID)
		}
	}
	prov := newCountingProvider()
	cli := newReattachedCLI(t, prov, tfdriver.Options{})
	out := groupFaultOutcome{scenario: sc.name}

	org.ResetStats()
	org.Server.SetFaults(sc.faults)
	start := time.Now()

	// Create: one apply.
	cli.WriteConfig(groupFaultConfig(providerBlock, names, members))
	res := cli.TryApply(tfexec.Parallelism(10))
	out.createApplies = 1
	cli.ExpectNoCrash(res)
	if res.Err != nil {
		org.Server.SetFaults(sandbox.Faults{})
		t.Fatalf("%s: the apply that creates the groups did not converge in one apply:\n%s", sc.name, res)
	}
	checkGroupsHold(t, sc.name, org, names, members)
	if creates, _ := watch.total(); sc.onlyAdopts && creates != len(names) {
		t.Errorf("%s: %d creates sent for %d groups; with every create carried out, each group takes exactly one", sc.name, creates, len(names))
	}

	// Delete half of the groups: one apply.
	kept := names[:len(names)/2]
	cli.WriteConfig(groupFaultConfig(providerBlock, kept, members))
	res = cli.TryApply(tfexec.Parallelism(10))
	out.dropApplies = 1
	cli.ExpectNoCrash(res)
	if res.Err != nil {
		org.Server.SetFaults(sandbox.Faults{})
		t.Fatalf("%s: the apply that deletes half of the groups did not converge in one apply:\n%s", sc.name, res)
	}
	org.Server.SetFaults(sandbox.Faults{})
	out.duration = time.Since(start)
	stats := org.Stats()
	out.requests = stats.Total
	out.retries = prov.clientStats().Retries
	out.createRequests = int(stats.ByRoute[routeCreateGroup])
	out.deletes = stats.ByRoute[routeDeleteGroup]
	out.lookups = stats.ByRoute[routeListGroups]
	creates, violations := watch.total()
	out.creates = creates
	if len(violations) > 0 {
		t.Errorf("%s: %d creates were sent for a group that already existed: %v", sc.name, len(violations), violations)
	}
	if creates != out.createRequests {
		t.Errorf("%s: the front saw %d creates, the sandbox %d", sc.name, creates, out.createRequests)
	}
	checkGroupsHold(t, sc.name, org, kept, members)
	for _, dropped := range names[len(kept):] {
		for _, g := range org.State().Groups {
			if strings.EqualFold(g.Name, dropped) {
				t.Errorf("%s: group %q was removed from the configuration but still exists", sc.name, dropped)
			}
		}
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("%s: the plan after convergence is not empty:\n%s", sc.name, res)
	}
	out.outcome = "converged: 1 apply to create, 1 to delete half; no create for an existing group"
	return out
}

// checkGroupsHold checks that each named group exists exactly once, with
// exactly its configured members.
func checkGroupsHold(t *testing.T, scenario string, org *acctest.Org, names []string, members map[string][]string) {
	t.Helper()
	st := org.State()
	for _, name := range names {
		var found []sandbox.Group
		for _, g := range st.Groups {
			if strings.EqualFold(g.Name, name) {
				found = append(found, g)
			}
		}
		if len(found) != 1 {
			t.Errorf("%s: %d groups named %q, want 1", scenario, len(found), name)
			continue
		}
		want := map[string]bool{}
		for _, id := range members[name] {
			want[id] = true
		}
		got := map[string]bool{}
		for _, id := range found[0].MemberAccountIDs {
			got[id] = true
		}
		if missing, extra := acctest.SetDiff(want, got); len(missing)+len(extra) > 0 {
			t.Errorf("%s: group %q lacks members %v and has extra %v", scenario, name, missing, extra)
		}
	}
}

func TestAccGroupFaultMatrix(t *testing.T) { //nolint:tparallel // the "scenarios" group is not parallel on purpose: it returns once every parallel case has, so the table after it sees every outcome
	acctest.RequireTerraform(t)
	t.Parallel()
	size := groupFaultSizeFromEnv()
	start := time.Now()
	var (
		mu       sync.Mutex
		outcomes []groupFaultOutcome
	)
	t.Run("scenarios", func(t *testing.T) {
		for _, sc := range groupFaultScenarios() {
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				out := runGroupFaultScenario(t, size, sc)
				mu.Lock()
				outcomes = append(outcomes, out)
				mu.Unlock()
			})
		}
	})
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].scenario < outcomes[j].scenario })
	var table strings.Builder
	fmt.Fprintf(&table, "group fault matrix: %d groups of %d members created in one apply, then %d of them deleted in one apply\n",
		size.groups, size.members, size.groups-size.groups/2)
	fmt.Fprintf(&table, "| %-58s | %8s | %7s | %12s | %7s | %13s | %6s | %s |\n", "scenario", "requests", "retries", "creates sent", "deletes", "group listings", "time", "outcome")
	fmt.Fprintf(&table, "|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 60), strings.Repeat("-", 10), strings.Repeat("-", 9), strings.Repeat("-", 14),
		strings.Repeat("-", 9), strings.Repeat("-", 15), strings.Repeat("-", 8), strings.Repeat("-", 10))
	for _, o := range outcomes {
		fmt.Fprintf(&table, "| %-58s | %8d | %7d | %12d | %7d | %13d | %6s | %s |\n", o.scenario, o.requests, o.retries, o.creates, o.deletes, o.lookups,
			o.duration.Round(100*time.Millisecond), o.outcome)
	}
	fmt.Fprintf(&table, "total time %s", time.Since(start).Round(time.Second))
	t.Logf("\n%s", table.String())
}
