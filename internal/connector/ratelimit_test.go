package connector_test

import (
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// rateLimitOf picks the RateLimitDescription of an answer's annotations.
func rateLimitOf(t *testing.T, annos []*anypb.Any) (*v2.RateLimitDescription, bool) {
	t.Helper()
	rl := &v2.RateLimitDescription{}
	a := annotations.Annotations(annos)
	ok, err := a.Pick(rl)
	if err != nil {
		t.Fatal(err)
	}
	return rl, ok
}

// wantServedRateLimit checks the annotation of an answer served under the
// sandbox's limit of 50 requests per second.
func wantServedRateLimit(t *testing.T, step string, annos []*anypb.Any) {
	t.Helper()
	rl, ok := rateLimitOf(t, annos)
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
	if rl, ok := rateLimitOf(t, resp.GetAnnotations()); ok {
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
	if rl, ok := rateLimitOf(t, ents.GetAnnotations()); ok {
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
