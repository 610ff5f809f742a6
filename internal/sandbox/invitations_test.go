package sandbox_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

type inviteResultJSON struct {
	Data []struct {
		ID      string `json:"id"`
		Email   string `json:"email"`
		Results []struct {
			RoleAssignmentResult []struct {
				Resource, Role, Status, StatusReason string
			} `json:"roleAssignmentResult"`
			GroupAssignmentResult []struct {
				Group, Status, StatusReason string
			} `json:"groupAssignmentResult"`
		} `json:"results"`
	} `json:"data"`
}

func (h *harness) invitePath() string { return h.orgPath() + "/users/invite" }

// writableGroupAndWorkspace picks a group that accepts members and a
// workspace of the generated org.
func writableGroupAndWorkspace(t *testing.T, st sandbox.State) (sandbox.Group, sandbox.Workspace) {
	t.Helper()
	for _, g := range st.Groups {
		if !g.ExternalSynced {
			return g, st.Workspaces[0]
		}
	}
	t.Fatal("no writable group")
	return sandbox.Group{}, sandbox.Workspace{}
}

func TestInviteCreatesAnAccountWithPartialResults(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	group, ws := writableGroupAndWorkspace(t, st)
	body := map[string]any{
		"emails": []string{"new.person@invited.example"},
		"permissionRules": []map[string]string{
			{"resource": ws.ID, "role": "atlassian/user"},
			{"resource": "ari:cloud:jira::site/00000000-0000-0000-0000-000000000000", "role": "atlassian/user"},
			{"resource": ws.ID, "role": "atlassian/viewer"},
		},
		"additionalGroups": []string{group.ID, "no-such-group"},
		"sendNotification": false,
	}
	var res inviteResultJSON
	h.call("POST", h.invitePath(), body).wantStatus(t, 200).decode(t, &res)
	if len(res.Data) != 1 || res.Data[0].ID == "" || res.Data[0].Email != "new.person@invited.example" || len(res.Data[0].Results) != 1 {
		t.Fatalf("answer = %+v", res)
	}
	roles := res.Data[0].Results[0].RoleAssignmentResult
	groups := res.Data[0].Results[0].GroupAssignmentResult
	gotRoles := make([]string, len(roles))
	for i, r := range roles {
		gotRoles[i] = r.Status
		if r.Status == "ERROR" && r.StatusReason == "" {
			t.Fatalf("an ERROR without a reason: %+v", r)
		}
	}
	if !slices.Equal(gotRoles, []string{"INVITED", "ERROR", "ERROR"}) || len(groups) != 2 || groups[0].Status != "INVITED" || groups[1].Status != "ERROR" {
		t.Fatalf("results = %+v / %+v", roles, groups)
	}
	id := res.Data[0].ID

	after := h.env.Server.State()
	var invited *sandbox.User
	for i := range after.Users {
		if after.Users[i].AccountID == id {
			invited = &after.Users[i]
		}
	}
	if invited == nil || invited.Status != "active" || invited.Email != "new.person@invited.example" {
		t.Fatalf("invited account = %+v", invited)
	}
	if !slices.ContainsFunc(after.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == id && a.ResourceID == ws.ID && a.Role == "atlassian/user"
	}) {
		t.Fatal("the role that was INVITED is not assigned")
	}
	for _, g := range after.Groups {
		if g.ID == group.ID && !slices.Contains(g.MemberAccountIDs, id) {
			t.Fatal("the group that was INVITED lacks the member")
		}
	}
	// The listing shows the new account.
	var one struct {
		Data userJSON `json:"data"`
	}
	h.call("GET", h.userPath("-", id), nil).wantStatus(t, 200).decode(t, &one)

	// Inviting the same email again keeps the same account.
	var again inviteResultJSON
	h.call("POST", h.invitePath(), map[string]any{"emails": []string{"NEW.person@invited.example"}}).wantStatus(t, 200).decode(t, &again)
	if again.Data[0].ID != id || len(h.env.Server.State().Users) != len(after.Users) {
		t.Fatalf("a second invitation made another account: %+v", again)
	}
}

func TestInviteRefusals(t *testing.T) {
	h := start(t, nil)
	h.call("POST", h.invitePath(), map[string]any{}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", h.invitePath(), map[string]any{"emails": []string{"not an email"}}).wantError(t, 400, "ADMIN-UAM-400-1")
	many := make([]string, 26)
	for i := range many {
		many[i] = fmt.Sprintf("p%d@invited.example", i)
	}
	item := h.call("POST", h.invitePath(), map[string]any{"emails": many}).wantError(t, 400, "ADMIN-UAM-400-1")
	if !strings.Contains(item.Detail, "at most 25") {
		t.Fatalf("detail = %q", item.Detail)
	}
	h.call("POST", h.invitePath(), map[string]any{"emails": many[:1], "permissionRules": []map[string]string{{"role": "atlassian/user"}}}).wantError(t, 400, "ADMIN-UAM-400-1")
	// Roles outside the document's list of valid values, short names among
	// them, are refused before anything is applied.
	ws := h.env.Server.State().Workspaces[0].ID
	users := len(h.env.Server.State().Users)
	for _, role := range []string{"user", "atlassian/site-admin", "atlassian/USER"} {
		item := h.call("POST", h.invitePath(), map[string]any{"emails": many[:1], "permissionRules": []map[string]string{{"resource": ws, "role": role}}}).wantError(t, 400, "ADMIN-UAM-400-1")
		if !strings.Contains(item.Detail, "permissionRules.role") {
			t.Fatalf("role %q: detail %q does not name the field", role, item.Detail)
		}
	}
	if len(h.env.Server.State().Users) != users {
		t.Fatal("a refused invitation created an account")
	}

	h.call("PUT", "/_sandbox/settings", map[string]any{"paid_subscription": false}).wantStatus(t, 200)
	before := len(h.env.Server.State().Users)
	h.call("POST", h.invitePath(), map[string]any{"emails": many[:1]}).wantError(t, 402, "ADMIN-UAM-402-1")
	if len(h.env.Server.State().Users) != before {
		t.Fatal("a refused invitation created an account")
	}
}

func TestLostAnswerStillApplies(t *testing.T) {
	h := start(t, nil)
	h.env.SetFaults(sandbox.Faults{LoseAnswerRate: 1, Routes: []string{"POST /admin/v2/orgs/{orgId}/users/invite"}})
	before := len(h.env.Server.State().Users)
	req := h.env.URL + h.invitePath()
	resp, err := h.env.Client().Post(req, "application/json", strings.NewReader(`{"emails":["lost@invited.example"]}`))
	if err == nil {
		t.Cleanup(func() {
			if err := resp.Body.Close(); err != nil {
				t.Error(err)
			}
		})
		t.Fatalf("the answer arrived (%d); it should have been lost", resp.StatusCode)
	}
	if len(h.env.Server.State().Users) != before+1 {
		t.Fatal("the invitation whose answer was lost did not apply")
	}
}
