package connector_test

import (
	"slices"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func accountRequest(t *testing.T, email string, profile map[string]any) *v2.CreateAccountRequest {
	t.Helper()
	p, err := structpb.NewStruct(profile)
	if err != nil {
		t.Fatal(err)
	}
	return v2.CreateAccountRequest_builder{
		ResourceTypeId: connector.ResourceTypeUser,
		AccountInfo: v2.AccountInfo_builder{
			Emails:  []*v2.AccountInfo_Email{v2.AccountInfo_Email_builder{Address: email, IsPrimary: true}.Build()},
			Profile: p,
		}.Build(),
	}.Build()
}

func TestCapabilityDetailsSayNoPassword(t *testing.T) {
	env := startOrg(t, 1, 1, 0)
	_, srv := newServer(t, configFor(env))
	resp, err := srv.GetMetadata(ctxFor(t), &v2.ConnectorServiceGetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	details := resp.GetMetadata().GetCapabilities().GetCredentialDetails().GetCapabilityAccountProvisioning()
	if details.GetPreferredCredentialOption() != v2.CapabilityDetailCredentialOption_CAPABILITY_DETAIL_CREDENTIAL_OPTION_NO_PASSWORD {
		t.Fatalf("account provisioning details = %v", details)
	}
}

func TestCreateAccountInvitesWithPartialFailures(t *testing.T) {
	env := startOrg(t, 20, 4, 2)
	_, srv := newServer(t, configFor(env))
	st := env.State()
	g := writableGroup(t, st)
	ws := st.Workspaces[0].ID
	env.ResetStats()
	resp, err := srv.CreateAccount(ctxFor(t), accountRequest(t, "fresh@invited.example", map[string]any{
		connector.AccountWorkspaceRoles: []any{
			map[string]any{"workspace_id": ws, "role": "atlassian/user"},
			map[string]any{"workspace_id": "ari:cloud:jira::site/00000000-0000-0000-0000-000000000000", "role": "atlassian/user"},
		},
		connector.AccountGroups:           []any{g.ID, "no-such-group"},
		connector.AccountSendNotification: false,
	}))
	if err != nil {
		t.Fatal(err)
	}
	created := resp.GetSuccess().GetResource()
	accountID := created.GetId().GetResource()
	if accountID == "" {
		t.Fatalf("response = %v", resp)
	}
	after := env.State()
	if !hasUserRole(after, accountID, ws, "atlassian/user") || !isMember(after, g.ID, accountID) {
		t.Fatal("the role and the group that succeeded are not in the sandbox")
	}
	if _, err := resource.GetUserTrait(created); err != nil {
		t.Fatal(err)
	}
	fields := resource.GetProfile(created).GetFields()
	roleErrs := fields[connector.ProfileInvitationRoleErrors].GetListValue().GetValues()
	groupErrs := fields[connector.ProfileInvitationGroupErrors].GetListValue().GetValues()
	if len(roleErrs) != 1 || len(groupErrs) != 1 ||
		!strings.HasSuffix(roleErrs[0].GetStructValue().GetFields()["workspace_id"].GetStringValue(), "00000000-0000-0000-0000-000000000000") ||
		groupErrs[0].GetStructValue().GetFields()["group_id"].GetStringValue() != "no-such-group" {
		t.Fatalf("failures = %v / %v", roleErrs, groupErrs)
	}
	// lookup, invite, read back
	if n := env.Stats().Total; n != 3 {
		t.Fatalf("creating an account took %d requests, want 3", n)
	}

	// The same email again adopts the account: no second invitation.
	env.ResetStats()
	again, err := srv.CreateAccount(ctxFor(t), accountRequest(t, "FRESH@invited.example", nil))
	if err != nil {
		t.Fatal(err)
	}
	if again.GetAlreadyExists().GetResource().GetId().GetResource() != accountID {
		t.Fatalf("second creation = %v", again)
	}
	if n := env.Stats().ByRoute["POST /admin/v2/orgs/{orgId}/users/invite"]; n != 0 {
		t.Fatalf("an existing account was invited again (%d calls)", n)
	}
}

func TestCreateAccountRefusals(t *testing.T) {
	env := startOrg(t, 5, 2, 1)
	_, srv := newServer(t, configFor(env))
	_, err := srv.CreateAccount(ctxFor(t), accountRequest(t, "not-an-email", nil))
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("bad email: %v", err)
	}
	env.Update(func(st *sandbox.State) error { st.Settings.PaidSubscription = false; return nil })
	_, err = srv.CreateAccount(ctxFor(t), accountRequest(t, "someone@invited.example", nil))
	if status.Code(err) != codes.FailedPrecondition || connector.Reason(err) != connector.ReasonPaymentRequired {
		t.Fatalf("no paid subscription: %v (reason %q)", err, connector.Reason(err))
	}
}

func TestDeleteRemovesFromDirectory(t *testing.T) {
	env := startOrg(t, 10, 3, 1)
	_, srv := newServer(t, configFor(env))
	victim := env.State().Users[0].AccountID
	_, err := srv.DeleteResourceV2(ctxFor(t), v2.DeleteResourceV2Request_builder{ResourceId: rid(connector.ResourceTypeUser, victim)}.Build())
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(env.State().Users, func(u sandbox.User) bool { return u.AccountID == victim }) {
		t.Fatal("the account is still in the sandbox")
	}
	_, err = srv.DeleteResourceV2(ctxFor(t), v2.DeleteResourceV2Request_builder{ResourceId: rid(connector.ResourceTypeUser, victim)}.Build())
	if connector.Reason(err) != connector.ReasonNotFound {
		t.Fatalf("removing again: %v", err)
	}
}
