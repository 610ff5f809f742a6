package atlassian

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

const fakeToken = "test-token-obviously-fake"

// fastRetries keeps waits short so that tests measure behaviour, not time.
var fastRetries = RetryPolicy{MaxAttempts: 4, MaxElapsed: 10 * time.Second, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}

// scripted answers the nth request with answers[n] (the last one repeats).
func scripted(t *testing.T, answers ...func(w http.ResponseWriter, r *http.Request)) (*Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+fakeToken {
			t.Errorf("Authorization header = %q", got)
		}
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "terraform-provider-atlassian/test (+https://") {
			t.Errorf("User-Agent = %q", ua)
		}
		i := int(n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Config: orgconfig.Config{BaseURL: srv.URL, OrganizationID: "org-1", APIToken: fakeToken, UserAgent: "terraform-provider-atlassian/test"}, Retry: fastRetries})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
	}
}

func orgOK(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"data":{"id":"org-1","type":"orgs","attributes":{"name":"Acme"}}}`))
}

func TestRetryAfterIsHonoured(t *testing.T) {
	c, n := scripted(t, status(429, "Retry-After", "1"), orgOK)
	ctx, observer := ObserveRateLimit(context.Background())
	start := time.Now()
	org, err := c.GetOrganization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if org.Name != "Acme" || n.Load() != 2 {
		t.Fatalf("org %+v after %d requests", org, n.Load())
	}
	took := time.Since(start)
	if took < time.Second {
		t.Fatalf("retried after %v, before the 1 s Retry-After", took)
	}
	// The observer holds the wait as it was slept: at least what the server
	// asked for, at most the whole call.
	if waited := observer.Waited(); waited < time.Second || waited > took {
		t.Fatalf("observed a rate-limit wait of %v in a call of %v; want the 1 s Retry-After", waited, took)
	}
	if s := c.Stats(); s.Requests != 2 || s.Retries != 1 {
		t.Fatalf("stats = %+v", s)
	}
}

func TestRateLimitResetIsHonouredWithoutRetryAfter(t *testing.T) {
	reset := time.Now().Add(1200 * time.Millisecond).UTC().Format(time.RFC3339)
	c, n := scripted(t, status(429, "X-RateLimit-Reset", reset, "X-RateLimit-Remaining", "0"), orgOK)
	start := time.Now()
	if _, err := c.GetOrganization(context.Background()); err != nil {
		t.Fatal(err)
	}
	resetAt, _ := ParseRateLimitReset(reset)
	if time.Now().Before(resetAt) {
		t.Fatalf("retried at %v, before the reset %s (waited %v)", time.Now(), reset, time.Since(start))
	}
	if n.Load() != 2 {
		t.Fatalf("%d requests", n.Load())
	}
}

func TestRateLimitWithoutHeadersBacksOff(t *testing.T) {
	c, n := scripted(t, status(429), status(429), orgOK)
	if _, err := c.GetOrganization(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d requests, want 3", n.Load())
	}
}

func TestServerErrorsAreRetriedForReplaySafeCalls(t *testing.T) {
	c, n := scripted(t, status(503), status(500), orgOK)
	ctx, observer := ObserveRateLimit(context.Background())
	if _, err := c.GetOrganization(ctx); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d requests, want 3", n.Load())
	}
	// Backing off from server errors is not waiting on a rate limit.
	if waited := observer.Waited(); waited != 0 {
		t.Fatalf("server errors observed as a rate-limit wait of %v", waited)
	}
}

func TestServerErrorIsNotRetriedForGroupCreate(t *testing.T) {
	c, n := scripted(t, status(500))
	_, err := c.CreateGroup(context.Background(), "dir-1", "new-group", "")
	if !errors.Is(err, ErrServer) {
		t.Fatalf("want ErrServer, got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("a create was sent %d times; it is not safe to replay", n.Load())
	}
}

// Answers 429, which Atlassian did not act on, use the extra attempts
// RateLimitedAttempts allows before they count against MaxAttempts: a
// storm of them among a few server errors does not end the call.
func TestRateLimitedAttemptsComeOnTop(t *testing.T) {
	tooMany := status(429, "Retry-After", "0")
	c, n := scripted(t, tooMany, status(503), tooMany, status(503), tooMany, status(503), orgOK)
	if _, err := c.GetOrganization(context.Background()); err != nil {
		t.Fatalf("three 503s among three 429s, with 4 attempts and 3 more for 429s: %v", err)
	}
	if n.Load() != 7 {
		t.Fatalf("%d requests, want 7", n.Load())
	}

	// Beyond the extra attempts, 429s count like any other failure.
	c, n = scripted(t, tooMany)
	_, err := c.GetOrganization(context.Background())
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("an endless storm: %v, want ErrRateLimited", err)
	}
	if want := int32(fastRetries.MaxAttempts + fastRetries.MaxAttempts - 1); n.Load() != want {
		t.Fatalf("%d requests in an endless storm, want %d", n.Load(), want)
	}
}

func TestGivesUpAfterTheAttemptBound(t *testing.T) {
	c, n := scripted(t, status(502))
	_, err := c.GetOrganization(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrServer) {
		t.Fatalf("want a typed server error, got %v", err)
	}
	if n.Load() != int32(fastRetries.MaxAttempts) || apiErr.Attempts != fastRetries.MaxAttempts {
		t.Fatalf("%d requests, %d attempts reported; want %d", n.Load(), apiErr.Attempts, fastRetries.MaxAttempts)
	}
	if !strings.Contains(err.Error(), "after 4 attempts") {
		t.Fatalf("error does not say how often it tried: %v", err)
	}
}

func TestGivesUpWhenTheServerAsksForTooLongAWait(t *testing.T) {
	c, n := scripted(t, status(429, "Retry-After", "3600"))
	start := time.Now()
	_, err := c.GetOrganization(context.Background())
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("want ErrRateLimited, got %v", err)
	}
	if time.Since(start) > 2*time.Second || n.Load() != 1 {
		t.Fatalf("waited %v over %d requests for a wait beyond the time bound", time.Since(start), n.Load())
	}
}

func TestCancellationStopsTheWait(t *testing.T) {
	c, _ := scripted(t, status(429, "Retry-After", "5"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetOrganization(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want context.DeadlineExceeded, got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("cancellation took %v", time.Since(start))
	}
}

func TestConnectionResetsAreRetried(t *testing.T) {
	reset := func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		_ = conn.Close()
	}
	c, n := scripted(t, reset, orgOK)
	if _, err := c.GetOrganization(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Fatalf("%d requests, want 2", n.Load())
	}
}

func TestTransportErrorsNeverCarryTheKey(t *testing.T) {
	// Nothing listens on this port: every attempt fails to connect.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c, err := New(Config{Config: orgconfig.Config{BaseURL: "http://" + addr, OrganizationID: "org-1", APIToken: fakeToken}, Retry: fastRetries})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrganization(context.Background())
	if err == nil || strings.Contains(err.Error(), fakeToken) {
		t.Fatalf("want an error without the key, got %v", err)
	}
	if !strings.Contains(err.Error(), "4 attempt") || !errors.Is(err, ErrTransport) {
		t.Fatalf("error does not say it retried, or is not ErrTransport: %v", err)
	}
}

func TestConcurrencyLimitHoldsRequestsBack(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := inFlight.Add(1)
		for {
			p := peak.Load()
			if now <= p || peak.CompareAndSwap(p, now) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
		orgOK(w, r)
	}))
	defer srv.Close()
	c, err := New(Config{Config: orgconfig.Config{BaseURL: srv.URL, OrganizationID: "org-1", APIToken: fakeToken, MaxConcurrency: 2}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for range 8 {
		go func() { _, err := c.GetOrganization(context.Background()); done <- err }()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if peak.Load() > 2 {
		t.Fatalf("peak concurrency %d, limit 2", peak.Load())
	}
}

func TestRateLimitSpacesRequests(t *testing.T) {
	c, n := scripted(t, orgOK)
	c2, err := New(Config{Config: orgconfig.Config{BaseURL: c.baseURL.String(), OrganizationID: "org-1", APIToken: fakeToken, RequestsPerSecond: 20, UserAgent: "terraform-provider-atlassian/test"}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 6 {
		if _, err := c2.GetOrganization(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// Six requests at 20/s need at least five intervals of 50 ms.
	if elapsed := time.Since(start); elapsed < 240*time.Millisecond {
		t.Fatalf("6 requests at 20/s took %v", elapsed)
	}
	if n.Load() != 6 {
		t.Fatalf("%d requests", n.Load())
	}
}

func TestConfigErrors(t *testing.T) {
	// What the edge checks (schemes, defaults) is orgconfig's to test;
	// these are the mistakes New itself must refuse.
	org := orgconfig.Config{BaseURL: "https://example.test", OrganizationID: "o", APIToken: "x"}
	without := func(change func(*orgconfig.Config)) orgconfig.Config { c := org; change(&c); return c }
	cases := []Config{
		{Config: without(func(c *orgconfig.Config) { c.OrganizationID = "" })},
		{Config: without(func(c *orgconfig.Config) { c.APIToken = "" })},
		{Config: without(func(c *orgconfig.Config) { c.BaseURL = "not a url" })},
		{Config: org, PageSize: 101},
		{Config: without(func(c *orgconfig.Config) { c.RequestsPerSecond = -1 })},
	}
	for _, cfg := range cases {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		} else if cfg.APIToken != "" && strings.Contains(err.Error(), cfg.APIToken+"\"") {
			t.Errorf("error leaks the key: %v", err)
		}
	}
}
