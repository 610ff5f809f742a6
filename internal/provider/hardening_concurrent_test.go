package provider

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Two terraform runs against the same organization at once: two working
// directories and states, each adding memberships to groups of its own,
// while the sandbox's rate limit is shared by both. Both must converge in
// one apply, every configured membership must be there and no other, and
// no write may be carried out twice: each write is answered by the handler
// (not by the rate limiter) exactly once.
//
// 200 memberships per run with ATLASSIAN_FAULT_TESTS=1; 40 without.

// handledCounter counts, by what they write, the writes the sandbox
// answered with anything but a 429 (a 429 is the gateway refusing before
// Atlassian acts).
type handledCounter struct {
	mu      sync.Mutex
	handled map[string]int
	limited int
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

// Hijack passes the sandbox's connection resets through.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("the response writer cannot be hijacked")
	}
	return h.Hijack()
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func handledFront(t *testing.T, org *acctest.Org) (string, *handledCounter) {
	t.Helper()
	c := &handledCounter{handled: map[string]int{}}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWrite(r) {
			org.Handler.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &statusRecorder{ResponseWriter: w}
		org.Handler.ServeHTTP(rec, r)
		c.mu.Lock()
		defer c.mu.Unlock()
		if rec.status == http.StatusTooManyRequests {
			c.limited++
			return
		}
		c.handled[r.Method+" "+r.URL.Path+" "+string(bytes.TrimSpace(body))]++
	}))
	t.Cleanup(front.Close)
	return front.URL, c
}

func TestAccConcurrentRuns(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	perRun, groupsPerRun := 40, 2
	if os.Getenv(faultTestsEnv) != "" {
		perRun = 200
	}
	const runs = 2
	org := acctest.NewOrg(t, perRun/groupsPerRun+20, runs*groupsPerRun+2, 1)
	frontURL, counter := handledFront(t, org)
	groups := grpWritableGroups(org)[:runs*groupsPerRun]
	users := org.ActiveUsers()
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
	want := acctest.AccessOf(org.State())

	clis := make([]*acctest.CLI, runs)
	for run := range runs {
		var b strings.Builder
		fmt.Fprintf(&b, "provider \"atlassian\" {\n  organization_id = %q\n  api_token       = %q\n  base_url        = %q\n}\n\nlocals {\n  memberships = [\n",
			org.OrgID, org.Token, frontURL)
		for gi := range groupsPerRun {
			g := groups[run*groupsPerRun+gi]
			for j := range perRun / groupsPerRun {
				account := users[(j+gi*3)%len(users)].AccountID
				fmt.Fprintf(&b, "    { group_id = %q, account_id = %q },\n", g.ID, account)
				want.Members[g.ID][account] = true
			}
		}
		b.WriteString(`  ]
}

resource "atlassian_group_membership" "m" {
  count      = length(local.memberships)
  group_id   = local.memberships[count.index].group_id
  account_id = local.memberships[count.index].account_id
}
`)
		clis[run] = newReattachedCLI(t, newCountingProvider(), tfdriver.Options{})
		clis[run].WriteConfig(b.String())
	}

	// A shared limit well under what the two runs ask for together.
	org.Server.SetFaults(sandbox.Faults{RateLimitPerSecond: 30, RetryAfterSeconds: 1})
	org.ResetStats()
	start := time.Now()
	results := make([]tfdriver.Result, runs)
	var wg sync.WaitGroup
	for run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[run], _ = clis[run].Apply(context.Background(), tfexec.Parallelism(10)) // the error is the result's
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	org.Server.SetFaults(sandbox.Faults{})
	for run, res := range results {
		clis[run].ExpectNoCrash(res)
		if res.Err != nil {
			t.Fatalf("run %d did not converge in one apply:\n%s", run, res)
		}
	}

	if d := want.Diff(acctest.AccessOf(org.State())); d != "" {
		t.Errorf("the sandbox differs from the two configurations:\n%s", d)
	}
	counter.mu.Lock()
	handled, limited := counter.handled, counter.limited
	counter.mu.Unlock()
	for key, n := range handled {
		if n != 1 {
			t.Errorf("%q was carried out %d times", key, n)
		}
	}
	if len(handled) != runs*perRun {
		t.Errorf("%d distinct writes were carried out, want %d", len(handled), runs*perRun)
	}
	if limited == 0 {
		t.Errorf("the shared rate limit refused no write: the runs did not compete")
	}
	for run, cli := range clis {
		if n := managedCount(cli.StateResources()); n != perRun {
			t.Errorf("run %d: %d managed resources in its state, want %d", run, n, perRun)
		}
		if changes, res := cli.PlanChanges(); changes {
			t.Errorf("run %d: the plan after convergence is not empty:\n%s", run, res)
		}
	}
	stats := org.Stats()
	t.Logf("two runs of %d memberships each under a shared limit: %d requests, %d writes carried out, %d writes refused with 429, %s",
		perRun, stats.Total, len(handled), limited, elapsed.Round(100*time.Millisecond))
}
