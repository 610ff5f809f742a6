package connector_test

import (
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// roundTrip grants, re-grants, revokes and re-revokes one entitlement to one
// principal, checking the sandbox state and the idempotency annotations.
// repeatAnnotated says whether the tenant reports a repeated grant (409-2)
// at all: one that answers 204 cannot be told from a first grant without an
// extra read, which the connector does not spend.
func roundTrip(t *testing.T, env *sandboxtest.Env, srv types.ConnectorServer, entitlementID, principalType, principalID string, repeatAnnotated bool, holds func(sandbox.State) bool) {
	t.Helper()
	ctx := ctxFor(t)
	if holds(env.State()) {
		t.Fatalf("%s %s already holds %s before the test", principalType, principalID, entitlementID)
	}

	resp, err := srv.Grant(ctx, grantRequest(entitlementID, principalType, principalID))
	if err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if !holds(env.State()) {
		t.Fatalf("after Grant, the sandbox does not show %s %s holding %s", principalType, principalID, entitlementID)
	}
	if hasAnnotation(resp.GetAnnotations(), &v2.GrantAlreadyExists{}) {
		t.Errorf("the first Grant is annotated GrantAlreadyExists")
	}
	wantGrantID := connector.GrantID(entitlementID, principalType, principalID)
	if len(resp.GetGrants()) != 1 || resp.GetGrants()[0].GetId() != wantGrantID {
		t.Errorf("Grant returned %v, want one grant %s", resp.GetGrants(), wantGrantID)
	}

	resp, err = srv.Grant(ctx, grantRequest(entitlementID, principalType, principalID))
	if err != nil {
		t.Fatalf("repeated Grant: %v", err)
	}
	if got := hasAnnotation(resp.GetAnnotations(), &v2.GrantAlreadyExists{}); got != repeatAnnotated {
		t.Errorf("the repeated Grant annotated GrantAlreadyExists: %v, want %v", got, repeatAnnotated)
	}
	if !holds(env.State()) {
		t.Fatalf("after the repeated Grant, the sandbox does not show %s %s holding %s", principalType, principalID, entitlementID)
	}

	rresp, err := srv.Revoke(ctx, revokeRequest(entitlementID, principalType, principalID))
	if err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if holds(env.State()) {
		t.Fatalf("after Revoke, the sandbox still shows %s %s holding %s", principalType, principalID, entitlementID)
	}
	if hasAnnotation(rresp.GetAnnotations(), &v2.GrantAlreadyRevoked{}) {
		t.Errorf("the first Revoke is annotated GrantAlreadyRevoked")
	}

	rresp, err = srv.Revoke(ctx, revokeRequest(entitlementID, principalType, principalID))
	if err != nil {
		t.Fatalf("repeated Revoke: %v", err)
	}
	if !hasAnnotation(rresp.GetAnnotations(), &v2.GrantAlreadyRevoked{}) {
		t.Errorf("the repeated Revoke is not annotated GrantAlreadyRevoked")
	}
}

func TestGrantRevokeRoundTrips(t *testing.T) {
	env := startOrg(t, 60, 8, 3)
	_, srv := newServer(t, configFor(env))
	st := env.State()
	group := writableGroup(t, st)
	user := activeUserOutside(t, st, group.ID)
	workspace := st.Workspaces[0].ID

	t.Run("group member", func(t *testing.T) {
		roundTrip(t, env, srv, connector.GroupMemberEntitlementID(group.ID), connector.ResourceTypeUser, user.AccountID, true,
			func(st sandbox.State) bool { return isMember(st, group.ID, user.AccountID) })
	})
	t.Run("group member where a repeated add answers 204", func(t *testing.T) {
		env.Update(func(st *sandbox.State) error { st.Settings.RepeatedAddReturns204 = true; return nil })
		defer env.Update(func(st *sandbox.State) error { st.Settings.RepeatedAddReturns204 = false; return nil })
		roundTrip(t, env, srv, connector.GroupMemberEntitlementID(group.ID), connector.ResourceTypeUser, user.AccountID, false,
			func(st sandbox.State) bool { return isMember(st, group.ID, user.AccountID) })
	})
	t.Run("workspace role for a user", func(t *testing.T) {
		role := roleNotHeld(t, func(role string) bool { return hasUserRole(st, user.AccountID, workspace, role) })
		roundTrip(t, env, srv, connector.WorkspaceRoleEntitlementID(workspace, role), connector.ResourceTypeUser, user.AccountID, true,
			func(st sandbox.State) bool { return hasUserRole(st, user.AccountID, workspace, role) })
	})
	t.Run("workspace role for a group", func(t *testing.T) {
		role := roleNotHeld(t, func(role string) bool { return hasGroupRole(st, group.ID, workspace, role) })
		// A repeated group role assign is a documented 200 that changes
		// nothing, not a 409: the repeated grant is not annotated.
		roundTrip(t, env, srv, connector.WorkspaceRoleEntitlementID(workspace, role), connector.ResourceTypeGroup, group.ID, false,
			func(st sandbox.State) bool { return hasGroupRole(st, group.ID, workspace, role) })
	})
}

// roleNotHeld picks a workspace role the principal does not hold yet, so the
// round trip starts from "not granted" whatever the seed gave it.
func roleNotHeld(t *testing.T, held func(role string) bool) string {
	t.Helper()
	for _, role := range connector.WorkspaceRoles {
		if !held(role) {
			return role
		}
	}
	t.Fatal("the principal holds every workspace role: no role left to grant")
	return ""
}

// TestProvisioningErrors: each failure is an error with a precise, non-
// Unavailable code (the SDK builder would retry Unavailable for ~90 s) and
// a message that says what is wrong.
func TestProvisioningErrors(t *testing.T) {
	env := startOrg(t, 60, 8, 3)
	_, srv := newServer(t, configFor(env))
	st := env.State()
	group := writableGroup(t, st)
	user := activeUserOutside(t, st, group.ID)
	workspace := st.Workspaces[0].ID
	memberOf := func(groupID string) string { return connector.GroupMemberEntitlementID(groupID) }
	userRole := func(ws, role string) string { return connector.WorkspaceRoleEntitlementID(ws, role) }

	// A group holding a role on a workspace, and a user outside it who does
	// not hold that workspace yet: adding them needs one more seat.
	var licensed sandbox.GroupRoleAssignment
	for _, a := range st.GroupRoleAssignments {
		g := groupByID(st, a.GroupID)
		if !g.ExternalSynced && !g.Default {
			licensed = a
			break
		}
	}
	if licensed.GroupID == "" {
		t.Fatal("no writable group holds a workspace role")
	}
	holders := sandboxtest.LicensedAccounts(st, licensed.ResourceID)
	var newcomer sandbox.User
	for _, u := range st.Users {
		if u.Status == "active" && !holders[u.AccountID] {
			newcomer = u
			break
		}
	}

	cases := []struct {
		name        string
		setup       func(*sandbox.State)
		cfg         func(*connector.Config)
		entitlement string
		principal   string
		principalID string
		revoke      bool
		want        codes.Code
		wantReason  string
		wantText    string
	}{
		{name: "unknown user", entitlement: memberOf(group.ID), principal: "user", principalID: "no-such-account", want: codes.NotFound, wantReason: connector.ReasonNotFound},
		{name: "unknown group", entitlement: memberOf("00000000-0000-4000-8000-000000000000"), principal: "user", principalID: user.AccountID, want: codes.NotFound, wantReason: connector.ReasonNotFound},
		{name: "unknown workspace", entitlement: userRole("ari:cloud:jira::site/00000000-0000-4000-8000-000000000000", "atlassian/user"), principal: "user", principalID: user.AccountID, want: codes.NotFound},
		{name: "unknown group on a workspace role", entitlement: userRole(workspace, "atlassian/user"), principal: "group", principalID: "00000000-0000-4000-8000-000000000000", want: codes.NotFound},
		{name: "invalid role", entitlement: userRole(workspace, "atlassian/site-admin"), principal: "user", principalID: user.AccountID, want: codes.InvalidArgument, wantReason: connector.ReasonInvalidRole},
		{name: "licence limit", setup: func(s *sandbox.State) { s.Settings.LicenceLimit = len(holders) },
			entitlement: memberOf(licensed.GroupID), principal: "user", principalID: newcomer.AccountID,
			want: codes.FailedPrecondition, wantReason: connector.ReasonLicenceLimit, wantText: "licence"},
		{name: "externally synced group", entitlement: memberOf(externalGroup(t, st).ID), principal: "user", principalID: activeUserOutside(t, st, externalGroup(t, st).ID).AccountID,
			want: codes.PermissionDenied, wantReason: connector.ReasonForbidden, wantText: "identity provider"},
		{name: "workspace roles disabled", setup: func(s *sandbox.State) { s.Settings.WorkspaceRolesEnabled = false },
			entitlement: userRole(workspace, "atlassian/user"), principal: "user", principalID: user.AccountID,
			want: codes.PermissionDenied, wantReason: connector.ReasonForbidden, wantText: "Atlassian support"},
		{name: "workspace roles disabled, group principal", setup: func(s *sandbox.State) { s.Settings.WorkspaceRolesEnabled = false },
			entitlement: userRole(workspace, "atlassian/stakeholder"), principal: "group", principalID: group.ID,
			want: codes.PermissionDenied, wantText: "Atlassian support"},
		{name: "wrong key", cfg: func(c *connector.Config) { c.APIToken = "not-the-key" },
			entitlement: memberOf(group.ID), principal: "user", principalID: user.AccountID, want: codes.Unauthenticated, wantText: "API key"},
		{name: "wrong organization", cfg: func(c *connector.Config) { c.OrganizationID = "00000000-0000-4000-8000-00000000beef" },
			entitlement: memberOf(group.ID), principal: "user", principalID: user.AccountID, want: codes.NotFound, wantReason: connector.ReasonOrganizationNotFound, wantText: "organization"},
		{name: "wrong organization on revoke", cfg: func(c *connector.Config) { c.OrganizationID = "00000000-0000-4000-8000-00000000beef" },
			entitlement: memberOf(group.ID), principal: "user", principalID: user.AccountID, revoke: true, want: codes.NotFound, wantReason: connector.ReasonOrganizationNotFound},
		{name: "group principal on a membership", entitlement: memberOf(group.ID), principal: "group", principalID: group.ID, want: codes.InvalidArgument, wantText: "users only"},
		{name: "workspace principal on a membership", entitlement: memberOf(group.ID), principal: "workspace", principalID: workspace, want: codes.InvalidArgument},
		{name: "organization principal on a workspace role", entitlement: userRole(workspace, "atlassian/user"), principal: "organization", principalID: env.OrgID, want: codes.InvalidArgument, wantText: "users and groups"},
		{name: "unsupported principal on revoke", entitlement: userRole(workspace, "atlassian/user"), principal: "workspace", principalID: workspace, revoke: true, want: codes.InvalidArgument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := env.State()
			if c.setup != nil {
				env.Update(func(s *sandbox.State) error { c.setup(s); return nil })
				t.Cleanup(func() {
					env.Update(func(s *sandbox.State) error { s.Settings = before.Settings; return nil })
				})
			}
			s := srv
			if c.cfg != nil {
				cfg := configFor(env)
				c.cfg(&cfg)
				_, s = newServer(t, cfg)
			}
			start := time.Now()
			var err error
			if c.revoke {
				_, err = s.Revoke(ctxFor(t), revokeRequest(c.entitlement, c.principal, c.principalID))
			} else {
				_, err = s.Grant(ctxFor(t), grantRequest(c.entitlement, c.principal, c.principalID))
			}
			checkError(t, err, c.want, c.wantReason, c.wantText)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the failure took %s: something retried", d)
			}
		})
	}
}

// TestServerFailuresAreNotUnavailable: 5xx and 429 after the client's retry
// budget reach the SDK as Aborted and ResourceExhausted, never Unavailable.
func TestServerFailuresAreNotUnavailable(t *testing.T) {
	env := startOrg(t, 20, 4, 1)
	_, srv := newServer(t, configFor(env))
	st := env.State()
	group := writableGroup(t, st)
	user := activeUserOutside(t, st, group.ID)

	for _, c := range []struct {
		name   string
		faults sandbox.Faults
		want   codes.Code
		kind   string
	}{
		{"server error", sandbox.Faults{ErrorRate: 1, ErrorStatus: 500}, codes.Aborted, connector.ReasonServer},
		{"bad gateway", sandbox.Faults{ErrorRate: 1, ErrorStatus: 502}, codes.Aborted, connector.ReasonServer},
		{"rate limited", sandbox.Faults{RateLimitPerSecond: 0.001, RetryAfterSeconds: 30}, codes.ResourceExhausted, connector.ReasonRateLimited},
	} {
		t.Run(c.name, func(t *testing.T) {
			env.SetFaults(c.faults)
			defer env.ClearFaults()
			_, err := srv.Grant(ctxFor(t), grantRequest(connector.GroupMemberEntitlementID(group.ID), "user", user.AccountID))
			checkError(t, err, c.want, c.kind, "")
			_, err = srv.Validate(ctxFor(t), &v2.ConnectorServiceValidateRequest{})
			checkError(t, err, c.want, c.kind, "")
		})
	}
}

func checkError(t *testing.T, err error, want codes.Code, reason string, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", want)
	}
	got := status.Code(err)
	if got == codes.Unavailable || got == codes.DeadlineExceeded {
		t.Errorf("code %s is one the SDK retries: %v", got, err)
	}
	if got != want {
		t.Errorf("code %s, want %s: %v", got, want, err)
	}
	if reason != "" && connector.Reason(err) != reason {
		t.Errorf("reason %q, want %q: %v", connector.Reason(err), reason, err)
	}
	if text != "" && !strings.Contains(err.Error(), text) {
		t.Errorf("error does not mention %q: %v", text, err)
	}
	t.Logf("%s: %v", got, err)
}

func TestValidate(t *testing.T) {
	env := startOrg(t, 5, 4, 1)
	_, srv := newServer(t, configFor(env))
	if _, err := srv.Validate(ctxFor(t), &v2.ConnectorServiceValidateRequest{}); err != nil {
		t.Fatalf("Validate with good credentials: %v", err)
	}

	cfg := configFor(env)
	cfg.APIToken = "wrong-key"
	_, bad := newServer(t, cfg)
	_, err := bad.Validate(ctxFor(t), &v2.ConnectorServiceValidateRequest{})
	checkError(t, err, codes.Unauthenticated, connector.ReasonUnauthenticated, "access token")
	if strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("the error echoes the key: %v", err)
	}

	cfg = configFor(env)
	cfg.OrganizationID = "00000000-0000-4000-8000-00000000beef"
	_, bad = newServer(t, cfg)
	_, err = bad.Validate(ctxFor(t), &v2.ConnectorServiceValidateRequest{})
	checkError(t, err, codes.NotFound, connector.ReasonOrganizationNotFound, "organization id")
	if strings.Contains(err.Error(), "access token (") {
		t.Errorf("a wrong org id is blamed on the key: %v", err)
	}
}

func groupByID(st sandbox.State, id string) sandbox.Group {
	for _, g := range st.Groups {
		if g.ID == id {
			return g
		}
	}
	return sandbox.Group{}
}
