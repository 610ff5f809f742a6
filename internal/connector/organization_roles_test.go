package connector_test

import (
	"slices"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func plainUser(t *testing.T, st sandbox.State) sandbox.User {
	t.Helper()
	for _, u := range st.Users {
		if u.Status == "active" && u.AccountType == "atlassian" && len(u.PlatformRoles) == 0 {
			return u
		}
	}
	t.Fatal("no active user without platform roles")
	return sandbox.User{}
}

func isOrgAdmin(st sandbox.State, accountID string) bool {
	return slices.ContainsFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == accountID && a.ResourceOwner == "platform" && a.Role == "atlassian/org-admin"
	})
}

func TestOrganizationAdminGrantRevoke(t *testing.T) {
	env := startOrg(t, 30, 2, 1)
	_, srv := newServer(t, configFor(env))
	u := plainUser(t, env.State())
	entID := connector.OrganizationRoleEntitlementID(env.OrgID, "atlassian/org-admin")
	// The document gives the assign no 409: a repeated grant is a plain
	// success, not annotated as already granted.
	roundTrip(t, env, srv, entID, connector.ResourceTypeUser, u.AccountID, false, func(st sandbox.State) bool { return isOrgAdmin(st, u.AccountID) })

	ctx := ctxFor(t)
	for name, req := range map[string]*v2.GrantManagerServiceGrantRequest{
		"synced-only role": grantRequest(connector.OrganizationRoleEntitlementID(env.OrgID, "atlassian/site-admin"), connector.ResourceTypeUser, u.AccountID),
		"group principal":  grantRequest(entID, connector.ResourceTypeGroup, env.State().Groups[0].ID),
		"other org":        grantRequest(connector.OrganizationRoleEntitlementID("another-org", "atlassian/org-admin"), connector.ResourceTypeUser, u.AccountID),
	} {
		_, err := srv.Grant(ctx, req)
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: Grant error %v, want InvalidArgument", name, err)
		}
	}
	_, err := srv.Grant(ctx, grantRequest(entID, connector.ResourceTypeUser, "no-such-account"))
	if connector.Reason(err) != connector.ReasonNotFound {
		t.Errorf("unknown account: %v (reason %q)", err, connector.Reason(err))
	}
}

func invokeUserAction(t *testing.T, srv types.ConnectorServer, name string, args map[string]any) *v2.InvokeActionResponse {
	t.Helper()
	s, err := structpb.NewStruct(args)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.InvokeAction(ctxFor(t), v2.InvokeActionRequest_builder{Name: name, ResourceTypeId: connector.ResourceTypeUser, Args: s}.Build())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return resp
}

func userStatus(st sandbox.State, accountID string) string {
	for _, u := range st.Users {
		if u.AccountID == accountID {
			return u.Status
		}
	}
	return ""
}

func TestDisableEnableUserActions(t *testing.T) {
	env := startOrg(t, 30, 2, 1)
	_, srv := newServer(t, configFor(env))
	st := env.State()
	u := plainUser(t, st)

	schemas, err := srv.ListActionSchemas(ctxFor(t), v2.ListActionSchemasRequest_builder{ResourceTypeId: connector.ResourceTypeUser}.Build())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range schemas.GetSchemas() {
		names = append(names, s.GetName())
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{connector.ActionDisableUser, connector.ActionEnableUser}) {
		t.Fatalf("user actions %v", names)
	}

	env.Server.ResetStats()
	userArg := map[string]any{"resource_type_id": "user", "resource_id": u.AccountID}
	resp := invokeUserAction(t, srv, connector.ActionDisableUser, map[string]any{connector.ActionArgUserID: userArg})
	if resp.GetStatus() != v2.BatonActionStatus_BATON_ACTION_STATUS_COMPLETE || userStatus(env.State(), u.AccountID) != "suspended" {
		t.Fatalf("disable_user: %v, status %q", resp, userStatus(env.State(), u.AccountID))
	}
	if got := env.Server.Stats().Total; got != 2 {
		t.Errorf("disable_user without a directory sent %d requests, want 2 (read the directory, suspend)", got)
	}
	env.Server.ResetStats()
	resp = invokeUserAction(t, srv, connector.ActionEnableUser, map[string]any{connector.ActionArgUserID: u.AccountID, connector.ActionArgDirectoryID: u.DirectoryID})
	if resp.GetStatus() != v2.BatonActionStatus_BATON_ACTION_STATUS_COMPLETE || userStatus(env.State(), u.AccountID) != "active" {
		t.Fatalf("enable_user: %v, status %q", resp, userStatus(env.State(), u.AccountID))
	}
	if got := env.Server.Stats().Total; got != 1 {
		t.Errorf("enable_user with a directory sent %d requests, want 1", got)
	}

	// An organization admin cannot be suspended: the action fails with the reason.
	var admin string
	for _, a := range st.UserRoleAssignments {
		if a.Role == "atlassian/org-admin" {
			admin = a.AccountID
		}
	}
	resp = invokeUserAction(t, srv, connector.ActionDisableUser, map[string]any{connector.ActionArgUserID: admin})
	fields := resp.GetResponse().GetFields()
	if resp.GetStatus() != v2.BatonActionStatus_BATON_ACTION_STATUS_FAILED ||
		fields[connector.ActionReturnReason].GetStringValue() != connector.ReasonSuspensionRefused ||
		!strings.Contains(fields["error"].GetStringValue(), "organization admin") {
		t.Fatalf("suspending an org admin: %v", resp)
	}
	resp = invokeUserAction(t, srv, connector.ActionDisableUser, map[string]any{connector.ActionArgUserID: map[string]any{"resource_type_id": "group", "resource_id": "x"}})
	if resp.GetStatus() != v2.BatonActionStatus_BATON_ACTION_STATUS_FAILED {
		t.Fatalf("a group as user_id: %v", resp)
	}
}
