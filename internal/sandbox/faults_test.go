package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

var (
	resetWithSeconds    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	resetWithoutSeconds = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\dZ$`)
)

// TestRateLimitEnvelopes: each route's 429 is in the envelope its document
// gives (errors[] on v2 routes, the gateway's {code, message} on v1 ones),
// and Settings.GatewayRateLimitBody gives {code, message} everywhere.
func TestRateLimitEnvelopes(t *testing.T) {
	h := start(t, nil)
	gatewayBody := func(r response) {
		t.Helper()
		r.wantStatus(t, http.StatusTooManyRequests)
		var body struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		r.decode(t, &body)
		if body.Code != 429 || body.Message == "" {
			t.Fatalf("429 body %s", r.body)
		}
	}
	h.env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.2})
	h.call("GET", "/admin/v1/orgs/"+h.env.OrgID, nil).wantStatus(t, 200)
	gatewayBody(h.call("GET", "/admin/v1/orgs/"+h.env.OrgID, nil))
	h.call("GET", h.usersPath("-"), nil).wantError(t, http.StatusTooManyRequests, "ADMIN-429-1")

	h.putSettings(map[string]any{"gateway_rate_limit_body": true})
	gatewayBody(h.call("GET", h.usersPath("-"), nil))
}

func TestRateLimitFault(t *testing.T) {
	h := start(t, nil)
	path := h.usersPath("-")

	h.env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.2, RetryAfterSeconds: 7})
	first := h.call("GET", path, nil).wantStatus(t, 200)
	if first.header.Get("X-RateLimit-Limit") != "0.2" || first.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("headers of an allowed request: %v", first.header)
	}
	r := h.call("GET", path, nil).wantStatus(t, http.StatusTooManyRequests)
	r.wantError(t, http.StatusTooManyRequests, "ADMIN-429-1") // a v2 route's documented envelope
	if r.header.Get("Retry-After") != "7" || r.header.Get("X-RateLimit-Limit") != "0.2" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("429 headers %v", r.header)
	}
	reset := r.header.Get("X-RateLimit-Reset")
	if !resetWithSeconds.MatchString(reset) {
		t.Fatalf("X-RateLimit-Reset = %q", reset)
	}
	at, err := time.Parse(time.RFC3339, reset)
	if err != nil || at.Before(time.Now().Add(-time.Second)) || at.After(time.Now().Add(6*time.Second)) {
		t.Fatalf("reset %q is not in the next few seconds (%v)", reset, err)
	}

	h.env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.2, ResetWithoutSeconds: true})
	h.call("GET", path, nil).wantStatus(t, 200)
	r = h.call("GET", path, nil).wantStatus(t, 429)
	reset = r.header.Get("X-RateLimit-Reset")
	if !resetWithoutSeconds.MatchString(reset) || r.header.Get("Retry-After") != "" {
		t.Fatalf("reset %q, Retry-After %q", reset, r.header.Get("Retry-After"))
	}
	if _, err := time.Parse(time.RFC3339, reset); err == nil {
		t.Fatal("a reset without seconds should defeat strict RFC 3339 parsing")
	}

	h.env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.2, RateLimitHeaders: "reset_only"})
	h.call("GET", path, nil).wantStatus(t, 200)
	r = h.call("GET", path, nil).wantStatus(t, 429)
	if r.header.Get("X-RateLimit-Reset") == "" || r.header.Get("X-RateLimit-Limit") != "" || r.header.Get("X-RateLimit-Remaining") != "" {
		t.Fatalf("reset_only headers %v", r.header)
	}

	h.env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.2, RateLimitHeaders: "none"})
	h.call("GET", path, nil).wantStatus(t, 200)
	r = h.call("GET", path, nil).wantStatus(t, 429)
	if r.header.Get("X-RateLimit-Reset") != "" || r.header.Get("X-RateLimit-Limit") != "" {
		t.Fatalf("none headers %v", r.header)
	}

	// A bucket of 50/s lets a burst of 50 through, then refuses. The
	// requests go out at once so that the refill during the burst stays
	// small even on a loaded machine; the check bounds the successes by
	// what the bucket can have refilled in the time the burst took.
	h.env.SetFaults(sandbox.Faults{RateLimitPerSecond: 50})
	const burst = 200
	started := time.Now()
	statuses, err := concurrentGets(h.env.URL+path+"?limit=1", h.env.Token, burst)
	elapsed := time.Since(started)
	if err != nil {
		t.Fatal(err)
	}
	mostAllowed := 51 + int(50*elapsed.Seconds())
	if statuses[200] < 50 || statuses[200] > mostAllowed || statuses[200]+statuses[429] != burst {
		t.Fatalf("burst of %d in %v: statuses %v, want at least 50 and at most %d answered 200, the rest 429", burst, elapsed, statuses, mostAllowed)
	}
}

// concurrentGets sends n GETs at once (16 in flight) and counts the answers
// by status.
func concurrentGets(url, token string, n int) (map[int]int, error) {
	var g errgroup.Group
	g.SetLimit(16)
	var mu sync.Mutex
	statuses := map[int]int{}
	for range n {
		g.Go(func() error {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			// Drained so that the connection is reused; the status is what counts.
			_, copyErr := io.Copy(io.Discard, resp.Body)
			if err := errors.Join(copyErr, resp.Body.Close()); err != nil {
				return err
			}
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
			return nil
		})
	}
	return statuses, g.Wait()
}

func TestErrorRateFault(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	u := nonMember(t, st, g)

	h.env.SetFaults(sandbox.Faults{ErrorRate: 1})
	h.call("GET", h.usersPath("-"), nil).wantError(t, 500, "ADMIN-UAM-500-1")
	h.call("POST", h.membershipsPath(h.dirID, g.ID), map[string]string{"accountId": u.AccountID}).wantError(t, 500, "ADMIN-UAM-500-1")
	// Faults come before authentication, like a failing gateway.
	h.callWithToken("", "GET", h.usersPath("-"), nil).wantStatus(t, 500)
	h.call("POST", h.orgPath()+"/workspaces", map[string]any{}).wantError(t, 500, "ADMIN-UAM-500-1")

	h.env.SetFaults(sandbox.Faults{ErrorRate: 1, ErrorStatus: 503})
	h.call("GET", h.usersPath("-"), nil).wantError(t, 503, "ADMIN-UAM-503-1")

	// Only some routes.
	h.env.SetFaults(sandbox.Faults{ErrorRate: 1, Routes: []string{"GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups", "/admin/v1/orgs/{orgId}"}})
	h.call("GET", h.usersPath("-"), nil).wantStatus(t, 200)
	h.call("GET", h.groupsPath("-"), nil).wantError(t, 500, "ADMIN-UAM-500-1")
	h.call("GET", "/admin/v1/orgs/"+h.env.OrgID, nil).wantError(t, 500, "ADMIN-UAM-500-1")

	// Nothing was mutated by the faulted add.
	h.env.ClearFaults()
	after := pickGroup(t, h.env.Server.State(), func(x sandbox.Group) bool { return x.ID == g.ID })
	if slices.Contains(after.MemberAccountIDs, u.AccountID) {
		t.Fatal("a faulted request mutated the organization")
	}

	// About half the requests fail at 0.5.
	h.env.SetFaults(sandbox.Faults{ErrorRate: 0.5})
	failed := 0
	for range 200 {
		if h.call("GET", h.usersPath("-")+"?limit=1", nil).status == 500 {
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Fatalf("%d of 200 failed at error_rate 0.5", failed)
	}
}

func TestResetConnectionFault(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	g := pickGroup(t, st, ordinaryGroup)
	u := nonMember(t, st, g)

	h.env.SetFaults(sandbox.Faults{ResetConnectionRate: 1})
	client := h.env.Client()
	for _, req := range []struct{ method, path, body string }{
		{"GET", h.usersPath("-"), ""},
		{"POST", h.membershipsPath(h.dirID, g.ID), `{"accountId":"` + u.AccountID + `"}`},
	} {
		res := do(client, req.method, h.env.URL+req.path, req.body)
		if res.err == nil {
			t.Fatalf("%s %s: got status %d, want a connection error", req.method, req.path, res.status)
		}
		t.Logf("%s: client error as expected: %v", req.method, res.err)
	}
	h.env.ClearFaults()
	after := pickGroup(t, h.env.Server.State(), func(x sandbox.Group) bool { return x.ID == g.ID })
	if slices.Contains(after.MemberAccountIDs, u.AccountID) {
		t.Fatal("a reset request mutated the organization")
	}
	h.call("GET", h.usersPath("-"), nil).wantStatus(t, 200)
}

func TestLatencyFault(t *testing.T) {
	h := start(t, nil)
	h.env.SetFaults(sandbox.Faults{LatencyMS: 150})
	began := time.Now()
	h.call("GET", h.usersPath("-"), nil).wantStatus(t, 200)
	if took := time.Since(began); took < 150*time.Millisecond {
		t.Fatalf("request took %v, want at least 150ms", took)
	}

	// A client giving up early is not held for the full delay.
	h.env.SetFaults(sandbox.Faults{LatencyMS: 10_000})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", h.env.URL+h.usersPath("-"), nil)
	if err != nil {
		t.Fatal(err)
	}
	began = time.Now()
	_, err = h.env.Client().Do(req)
	if err == nil || time.Since(began) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(began))
	}
	// Control endpoints are never delayed.
	began = time.Now()
	h.env.ClearFaults()
	if time.Since(began) > time.Second {
		t.Fatal("control endpoint was delayed")
	}
}

func TestGarbageFault(t *testing.T) {
	h := start(t, nil)
	h.env.SetFaults(sandbox.Faults{GarbageRate: 1})
	r := h.call("GET", h.usersPath("-"), nil).wantStatus(t, 200)
	if json.Valid(r.body) || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("garbage json: %q", r.body)
	}
	h.env.SetFaults(sandbox.Faults{GarbageRate: 1, GarbageKind: "html"})
	r = h.call("GET", h.usersPath("-"), nil).wantStatus(t, 502)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<html>") {
		t.Fatalf("garbage html: %q", r.body)
	}
}

func TestFaultsControlEndpoint(t *testing.T) {
	h := start(t, nil)
	f := sandbox.Faults{LatencyMS: 5, ErrorRate: 0.25, ErrorStatus: 502, Routes: []string{"GET /admin/v1/orgs/{orgId}"}, RateLimitHeaders: "reset_only", GarbageKind: "html"}
	h.callWithToken("", "PUT", "/_sandbox/faults", f).wantStatus(t, 200)
	var got sandbox.Faults
	h.callWithToken("", "GET", "/_sandbox/faults", nil).wantStatus(t, 200).decode(t, &got)
	if got.LatencyMS != 5 || got.ErrorRate != 0.25 || got.ErrorStatus != 502 || !slices.Equal(got.Routes, f.Routes) || got.RateLimitHeaders != "reset_only" {
		t.Fatalf("faults = %+v", got)
	}
	if srv := h.env.Server.Faults(); srv.ErrorRate != 0.25 {
		t.Fatalf("server faults = %+v", srv)
	}
	for _, bad := range []string{`{"error_rate": 2}`, `{"error_status": 200}`, `{"rate_limit_headers": "some"}`, `{"garbage_kind": "xml"}`, `{"latency": 5}`, `{"latency_ms": -1}`} {
		h.callWithToken("", "PUT", "/_sandbox/faults", bad).wantStatus(t, 400)
	}
	// Out-of-range values through the Go API are clamped.
	h.env.Server.SetFaults(sandbox.Faults{ErrorRate: 3, LatencyMS: -5})
	if got := h.env.Server.Faults(); got.ErrorRate != 1 || got.LatencyMS != 0 {
		t.Fatalf("clamped faults = %+v", got)
	}
}

// The error-after-write fault carries the write out and loses its answer:
// the client sees a 5xx, the organization has the change, and reads are
// not affected.
func TestErrorAfterWriteFault(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Users, o.Groups, o.Workspaces = 10, 2, 1 })
	h.env.Server.SetFaults(sandbox.Faults{ErrorAfterWriteRate: 1, ErrorStatus: 503})
	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "answer lost"}).wantError(t, 503, "ADMIN-UAM-503-1")
	found := false
	for _, g := range h.env.Server.State().Groups {
		found = found || g.Name == "answer lost"
	}
	if !found {
		t.Fatal("the create answered with the injected error was not carried out")
	}
	h.call("GET", h.groupsPath("-"), nil).wantStatus(t, 200)
	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "answer lost"}).wantError(t, 503, "ADMIN-UAM-503-1")
	h.env.Server.SetFaults(sandbox.Faults{})
	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "answer lost"}).wantStatus(t, 409)
	if err := (sandbox.Faults{ErrorAfterWriteRate: 2}).Validate(); err == nil {
		t.Error("an error_after_write_rate above 1 was accepted")
	}
}
