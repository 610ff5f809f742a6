package atlassian_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// TestRateLimitObservedFromTheSandbox: the observer of a call's context
// holds what the sandbox's rate-limit headers said, on a served page and on
// a refused one.
func TestRateLimitObservedFromTheSandbox(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	c := newClient(t, env, 0)

	ctx, plain := atlassian.ObserveRateLimit(context.Background())
	if _, err := c.SearchUsersPage(ctx, atlassian.AllDirectories, atlassian.UserSearch{}, ""); err != nil {
		t.Fatal(err)
	}
	if rl, ok := plain.Last(); ok {
		t.Fatalf("without rate limiting the sandbox sends no headers, yet the observer holds %+v", rl)
	}

	env.SetFaults(sandbox.Faults{RateLimitPerSecond: 50})
	outer, outerObs := atlassian.ObserveRateLimit(context.Background())
	ctx, served := atlassian.ObserveRateLimit(outer)
	if _, err := c.SearchUsersPage(ctx, atlassian.AllDirectories, atlassian.UserSearch{}, ""); err != nil {
		t.Fatal(err)
	}
	rl, ok := served.Last()
	if !ok || rl.Limit != 50 || rl.Remaining < 0 || rl.Remaining >= 50 || rl.Exceeded || !rl.ResetAt.IsZero() {
		t.Fatalf("served page: observed %+v, %v; want limit 50 and fewer than 50 remaining", rl, ok)
	}
	if got, ok := outerObs.Last(); !ok || got != rl {
		t.Fatalf("the enclosing observer holds %+v, %v; want %+v", got, ok, rl)
	}

	// One token in the bucket: the first call is served, the second refused,
	// and a client that does not retry reports the refusal.
	env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.2, RetryAfterSeconds: 7})
	once, err := atlassian.New(atlassian.Config{Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token}, Retry: atlassian.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := once.GetOrganization(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, refused := atlassian.ObserveRateLimit(context.Background())
	before := time.Now()
	_, err = once.GetOrganization(ctx)
	after := time.Now()
	if !errors.Is(err, atlassian.ErrRateLimited) {
		t.Fatalf("second call: %v, want a rate-limit error", err)
	}
	rl, ok = refused.Last()
	if !ok || !rl.Exceeded || rl.Remaining != 0 || rl.ResetAt.Before(before.Add(7*time.Second)) || rl.ResetAt.After(after.Add(7*time.Second)) {
		t.Fatalf("refused call: observed %+v, %v; want exceeded, reset 7s after the call", rl, ok)
	}

	// Without Retry-After, the reset is X-RateLimit-Reset, even in the
	// minute-only form.
	env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.2, ResetWithoutSeconds: true})
	if _, err := once.GetOrganization(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, minute := atlassian.ObserveRateLimit(context.Background())
	start := time.Now()
	if _, err := once.GetOrganization(ctx); !errors.Is(err, atlassian.ErrRateLimited) {
		t.Fatalf("second call: %v, want a rate-limit error", err)
	}
	rl, ok = minute.Last()
	if !ok || !rl.Exceeded || rl.ResetAt.Second() != 0 || rl.ResetAt.Before(start) {
		t.Fatalf("refused call: observed %+v, %v; want exceeded with a whole-minute reset", rl, ok)
	}
}

// TestRateLimitWaitObserved: the observer of a call's context adds up the
// time the client waited on rate limits, after the sandbox's 429s and in
// its own rate limit, and an enclosing observer sees the waits of the calls
// within; a call that was not held back adds nothing.
func TestRateLimitWaitObserved(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	c := newClient(t, env, 0)
	outer, all := atlassian.ObserveRateLimit(context.Background())

	// One token a second: the first call is served, the second refused
	// with Retry-After: 1, waits, and is served.
	env.SetFaults(sandbox.Faults{RateLimitPerSecond: 1, RetryAfterSeconds: 1})
	ctx, served := atlassian.ObserveRateLimit(outer)
	if _, err := c.GetOrganization(ctx); err != nil {
		t.Fatal(err)
	}
	if waited := served.Waited(); waited != 0 {
		t.Fatalf("a call served at once observed a wait of %v", waited)
	}
	ctx, refused := atlassian.ObserveRateLimit(outer)
	start := time.Now()
	if _, err := c.GetOrganization(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if c.Stats().Retries != 1 {
		t.Fatalf("client stats %+v; want the second call refused once", c.Stats())
	}
	afterRetry := refused.Waited()
	if afterRetry < time.Second || afterRetry > took {
		t.Fatalf("a call refused with Retry-After: 1 observed a wait of %v (the call took %v)", afterRetry, took)
	}
	env.ClearFaults()

	// The client's own limit of one request a second holds the second of
	// two calls back until the next token.
	limited, err := atlassian.New(atlassian.Config{
		Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token, RequestsPerSecond: 1},
		Retry:  quickRetries,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, first := atlassian.ObserveRateLimit(outer)
	if _, err := limited.GetOrganization(ctx); err != nil {
		t.Fatal(err)
	}
	ctx, second := atlassian.ObserveRateLimit(outer)
	if _, err := limited.GetOrganization(ctx); err != nil {
		t.Fatal(err)
	}
	if first.Waited() >= time.Millisecond || second.Waited() < 100*time.Millisecond {
		t.Fatalf("at one request a second, back to back calls observed waits of %v and %v", first.Waited(), second.Waited())
	}

	if want := afterRetry + first.Waited() + second.Waited(); all.Waited() != want {
		t.Fatalf("the enclosing observer holds %v, want the sum %v of the calls within", all.Waited(), want)
	}
}
