package connector_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// wantServedRateLimit checks the annotation of an answer served under the
// sandbox's limit of 50 requests per second.
func wantServedRateLimit(t *testing.T, step string, annos []*anypb.Any) {
	t.Helper()
	rl, ok := annotationOf[v2.RateLimitDescription](t, annos)
	if !ok {
		t.Fatalf("%s: no RateLimitDescription in %v", step, annos)
	}
	if rl.GetStatus() != v2.RateLimitDescription_STATUS_OK || rl.GetLimit() != 50 || rl.GetRemaining() < 0 || rl.GetRemaining() >= 50 || rl.HasResetAt() {
		t.Fatalf("%s: rate limit %v, want OK, limit 50, fewer than 50 remaining, no reset", step, rl)
	}
}

// TestRateLimitAnnotations: the sync and provisioning steps of the real SDK
// server carry the rate limit the sandbox's headers announced, and carry
// none when the sandbox sends no such header.
func TestRateLimitAnnotations(t *testing.T) {
	env := startOrg(t, 30, 6, 1)
	_, srv := newServer(t, configFor(env))
	ctx := ctxFor(t)
	st := env.State()
	listUsers := v2.ResourcesServiceListResourcesRequest_builder{ResourceTypeId: connector.ResourceTypeUser}.Build()

	resp, err := srv.ListResources(ctx, listUsers)
	if err != nil {
		t.Fatal(err)
	}
	if rl, ok := annotationOf[v2.RateLimitDescription](t, resp.GetAnnotations()); ok {
		t.Fatalf("without rate-limit headers the listing is annotated %v", rl)
	}

	env.SetFaults(sandbox.Faults{RateLimitPerSecond: 50})
	resp, err = srv.ListResources(ctx, listUsers)
	if err != nil {
		t.Fatal(err)
	}
	wantServedRateLimit(t, "ListResources(user)", resp.GetAnnotations())

	g := writableGroup(t, st)
	groupResource := v2.Resource_builder{Id: rid(connector.ResourceTypeGroup, g.ID), DisplayName: g.Name}.Build()
	grants, err := srv.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{Resource: groupResource}.Build())
	if err != nil {
		t.Fatal(err)
	}
	wantServedRateLimit(t, "ListGrants(group)", grants.GetAnnotations())

	userResource := v2.Resource_builder{Id: rid(connector.ResourceTypeUser, st.Users[0].AccountID)}.Build()
	grants, err = srv.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{Resource: userResource}.Build())
	if err != nil {
		t.Fatal(err)
	}
	wantServedRateLimit(t, "ListGrants(user)", grants.GetAnnotations())

	// A group's entitlements are built without a request: nothing to report.
	ents, err := srv.ListEntitlements(ctx, v2.EntitlementsServiceListEntitlementsRequest_builder{Resource: groupResource}.Build())
	if err != nil {
		t.Fatal(err)
	}
	if rl, ok := annotationOf[v2.RateLimitDescription](t, ents.GetAnnotations()); ok {
		t.Fatalf("ListEntitlements sent no request, yet is annotated %v", rl)
	}

	// Grant and Revoke keep their idempotency annotations beside the rate limit.
	u := activeUserOutside(t, st, g.ID)
	entitlementID := connector.GroupMemberEntitlementID(g.ID)
	granted, err := srv.Grant(ctx, grantRequest(entitlementID, connector.ResourceTypeUser, u.AccountID))
	if err != nil {
		t.Fatal(err)
	}
	wantServedRateLimit(t, "Grant", granted.GetAnnotations())
	granted, err = srv.Grant(ctx, grantRequest(entitlementID, connector.ResourceTypeUser, u.AccountID))
	if err != nil {
		t.Fatal(err)
	}
	wantServedRateLimit(t, "repeated Grant", granted.GetAnnotations())
	if !hasAnnotation(granted.GetAnnotations(), &v2.GrantAlreadyExists{}) {
		t.Fatalf("the repeated Grant lost GrantAlreadyExists: %v", granted.GetAnnotations())
	}
	revoked, err := srv.Revoke(ctx, revokeRequest(entitlementID, connector.ResourceTypeUser, u.AccountID))
	if err != nil {
		t.Fatal(err)
	}
	wantServedRateLimit(t, "Revoke", revoked.GetAnnotations())
	revoked, err = srv.Revoke(ctx, revokeRequest(entitlementID, connector.ResourceTypeUser, u.AccountID))
	if err != nil {
		t.Fatal(err)
	}
	wantServedRateLimit(t, "repeated Revoke", revoked.GetAnnotations())
	if !hasAnnotation(revoked.GetAnnotations(), &v2.GrantAlreadyRevoked{}) {
		t.Fatalf("the repeated Revoke lost GrantAlreadyRevoked: %v", revoked.GetAnnotations())
	}
}

// TestRateLimitWaitReported: a listing the client held back on a rate limit
// (a 429 it waited out, or its own request rate) tells the engine how long
// it waited, and one that was not held back reports no wait.
func TestRateLimitWaitReported(t *testing.T) {
	env := startOrg(t, 30, 6, 1)
	ctx := ctxFor(t)
	listUsers := v2.ResourcesServiceListResourcesRequest_builder{ResourceTypeId: connector.ResourceTypeUser}.Build()
	list := func(srv types.ConnectorServer, step string) (*v2.ResourcesServiceListResourcesResponse, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, err := srv.ListResources(ctx, listUsers)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return resp, time.Since(start)
	}

	// Retries patient enough for a one-second Retry-After.
	cfg := configFor(env)
	cfg.Retry = atlassian.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxElapsed: 10 * time.Second}
	_, srv := newServer(t, cfg)
	resp, _ := list(srv, "unlimited listing")
	if report, ok := annotationOf[v2.RateLimitWaitReport](t, resp.GetAnnotations()); ok {
		t.Fatalf("a listing nothing held back reports a wait: %v", report)
	}

	// One token a second on the users search: the first listing takes it,
	// the second is answered 429 with Retry-After: 1, waits and is served.
	env.SetFaults(sandbox.Faults{RateLimitPerSecond: 1, RetryAfterSeconds: 1, Routes: []string{"POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search"}})
	env.ResetStats()
	resp, _ = list(srv, "first listing under the sandbox's limit")
	if report, ok := annotationOf[v2.RateLimitWaitReport](t, resp.GetAnnotations()); ok {
		t.Fatalf("the listing that took the sandbox's one token reports a wait: %v", report)
	}
	resp, took := list(srv, "second listing under the sandbox's limit")
	report, ok := annotationOf[v2.RateLimitWaitReport](t, resp.GetAnnotations())
	if !ok || report.GetWaitMs() < 1000 || report.GetWaitMs() > took.Milliseconds() {
		t.Fatalf("a listing refused with Retry-After: 1 reports %v, %v (it took %v); want a wait of at least 1000 ms", report, ok, took)
	}
	if rl, ok := annotationOf[v2.RateLimitDescription](t, resp.GetAnnotations()); !ok || rl.GetStatus() != v2.RateLimitDescription_STATUS_OK {
		t.Fatalf("the listing served after its wait is annotated %v, %v; want status OK", rl, ok)
	}
	if got := env.Stats().ByRoute["POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search"]; got != 3 {
		t.Fatalf("the sandbox received %d users searches, want 3 (one refused)", got)
	}
	env.ClearFaults()

	// The client's own limit of one request a second, with no rate-limit
	// header from the sandbox: the second of two listings waits for its
	// token and reports it.
	cfg = configFor(env)
	cfg.RequestsPerSecond = 1
	_, limited := newServer(t, cfg)
	list(limited, "first listing under the client's limit")
	resp, took = list(limited, "second listing under the client's limit")
	report, ok = annotationOf[v2.RateLimitWaitReport](t, resp.GetAnnotations())
	if !ok || report.GetWaitMs() < 100 || report.GetWaitMs() > took.Milliseconds() {
		t.Fatalf("a listing held back by the client's rate limit reports %v, %v (it took %v)", report, ok, took)
	}
	if rl, ok := annotationOf[v2.RateLimitDescription](t, resp.GetAnnotations()); ok {
		t.Fatalf("without rate-limit headers the listing is annotated %v", rl)
	}
}

// TestSyncRecordsRateLimitWait: the waits the connector reports reach the
// stats the SDK's syncer records in the c1z (rate_limit_wait, in total and
// per resource type), here the pauses of the client's own request rate.
func TestSyncRecordsRateLimitWait(t *testing.T) {
	env := startOrg(t, 10, 3, 1)
	cfg := configFor(env)
	cfg.RequestsPerSecond = 50
	_, srv := newServer(t, cfg)
	ctx := ctxFor(t)
	path := filepath.Join(t.TempDir(), "sync.c1z")
	if _, err := batonsync.Sync(ctx, srv, path, t.TempDir()); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	store, err := batonsync.OpenSyncFile(ctx, path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := store.Close(ctx); err != nil {
			t.Errorf("closing the sync: %v", err)
		}
	})
	run, err := store.SyncMeta().LatestFinishedSyncOfAnyType(ctx)
	if err != nil || run == nil {
		t.Fatalf("latest finished sync: %v, %v", run, err)
	}
	stats, err := store.SyncMeta().StatsV2(ctx, run.Type, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	steps := stats.GetStepDurationsMs()
	perType := int64(0)
	for step, ms := range steps {
		if strings.HasPrefix(step, "rate_limit_wait:") {
			perType += ms
		}
	}
	if steps["rate_limit_wait"] <= 0 || perType <= 0 {
		t.Fatalf("a sync at 50 requests a second recorded no rate-limit wait: %v", steps)
	}
	t.Logf("rate-limit waits recorded: %v", steps)
}
