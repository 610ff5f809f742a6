package sandbox_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func TestAuthentication(t *testing.T) {
	h := start(t, nil)
	path := h.usersPath("-")
	for name, token := range map[string]string{"missing": "", "wrong": "not-the-token"} {
		t.Run(name, func(t *testing.T) {
			// A v2 route answers in its errors[] envelope, as documented.
			h.callWithToken(token, "GET", path, nil).wantError(t, http.StatusUnauthorized, "ADMIN-UAM-401-1")
			// The v1 routes and the workspaces query answer the gateway's
			// {code, message} (ProxyError).
			for _, r := range []response{
				h.callWithToken(token, "GET", "/admin/v1/orgs/"+h.env.OrgID, nil),
				h.callWithToken(token, "POST", h.orgPath()+"/workspaces", map[string]any{}),
			} {
				r.wantStatus(t, http.StatusUnauthorized)
				var body struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				}
				r.decode(t, &body)
				if body.Code != 401 || body.Message == "" {
					t.Fatalf("401 body = %s", r.body)
				}
			}
		})
	}
	// The scheme is case-insensitive.
	req, err := http.NewRequest("GET", h.env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "bearer "+h.env.Token)
	resp, err := h.env.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("lower-case bearer: %d", resp.StatusCode)
	}
}

func TestWrongOrganization(t *testing.T) {
	h := start(t, nil)
	h.call("GET", "/admin/v2/orgs/00000000-0000-4000-8000-000000000000/directories/-/users", nil).
		wantError(t, 404, "ADMIN-UAM-404-2")
	h.call("GET", "/admin/v1/orgs/nope", nil).wantError(t, 404, "ADMIN-404-2") // the organization read's own code
	h.call("POST", "/admin/v2/orgs/nope/workspaces", map[string]any{}).wantError(t, 404, "ADMIN-UAM-404-2")
}

func TestOrganization(t *testing.T) {
	h := start(t, nil)
	var org struct {
		Data struct {
			ID         string `json:"id"`
			Type       string `json:"type"`
			Attributes struct {
				Name string `json:"name"`
			} `json:"attributes"`
			Relationships struct {
				Users, Domains struct {
					Links struct {
						Related string `json:"related"`
					} `json:"links"`
				}
			} `json:"relationships"`
			Links struct {
				Self string `json:"self"`
			} `json:"links"`
		} `json:"data"`
	}
	h.call("GET", "/admin/v1/orgs/"+h.env.OrgID, nil).wantStatus(t, 200).decode(t, &org)
	if org.Data.ID != h.env.OrgID || org.Data.Type != "orgs" || org.Data.Attributes.Name != "Sandbox Org" || org.Data.Links.Self == "" ||
		org.Data.Relationships.Users.Links.Related == "" || org.Data.Relationships.Domains.Links.Related == "" {
		t.Fatalf("organization = %+v", org)
	}
}

func TestRoutingErrors(t *testing.T) {
	h := start(t, nil)
	type flat struct {
		Timestamp string `json:"timestamp"`
		Path      string `json:"path"`
		Status    int    `json:"status"`
		Error     string `json:"error"`
		RequestID string `json:"requestId"`
		Message   string `json:"message"`
	}
	check := func(r response, status int, path string) {
		t.Helper()
		r.wantStatus(t, status)
		var body flat
		r.decode(t, &body)
		if body.Status != status || body.Path != path || body.Timestamp == "" || body.RequestID == "" || body.Error == "" || body.Message == "" {
			t.Fatalf("flat envelope = %s", r.body)
		}
	}
	check(h.call("GET", "/admin/v9/nothing", nil), 404, "/admin/v9/nothing")
	check(h.call("GET", "/elsewhere", nil), 404, "/elsewhere")
	r := h.call("PATCH", h.usersPath("-"), nil)
	check(r, 405, h.usersPath("-"))
	if r.header.Get("Allow") == "" {
		t.Fatal("405 without Allow header")
	}
	check(h.call("GET", "/_sandbox/nothing", nil), 404, "/_sandbox/nothing")
	// Unknown paths answer 404 even without a token: routing comes first.
	check(h.callWithToken("", "GET", "/admin/v9/nothing", nil), 404, "/admin/v9/nothing")
}

func TestErrorStatusIsAStringAsDocumentedOrANumberBySetting(t *testing.T) {
	h := start(t, nil)
	statusOf := func(r response) string {
		var env struct {
			Errors []apiErr `json:"errors"`
		}
		r.decode(t, &env)
		return string(env.Errors[0].Status)
	}
	groupRead := func() response { return h.call("GET", h.groupPath("-", "missing"), nil) }
	membershipAdd := func() response {
		return h.call("POST", h.membershipsPath(h.dirID, "missing"), map[string]string{"accountId": "x"})
	}
	var workspace apiErr
	h.call("POST", h.orgPath()+"/workspaces", map[string]any{"limit": 0}).decode(t, &workspace)
	if got := string(workspace.Status); got != `"400"` {
		t.Fatalf("workspaces status = %s, want string \"400\"", got)
	}
	for _, got := range []string{statusOf(groupRead()), statusOf(membershipAdd())} {
		if got != `"404"` {
			t.Fatalf("status = %s, want string \"404\"", got)
		}
	}
	if marked := groupRead().header.Get(sandbox.UndocumentedAnswersHeader); marked != "" {
		t.Fatalf("a documented answer is marked undocumented: %q", marked)
	}
	h.putSettings(map[string]any{"numeric_error_status": true})
	for _, got := range []string{statusOf(groupRead()), statusOf(membershipAdd())} {
		if got != "404" {
			t.Fatalf("status = %s, want number 404", got)
		}
	}
	if marked := groupRead().header.Get(sandbox.UndocumentedAnswersHeader); marked != "numeric_error_status" {
		t.Fatalf("%s = %q, want the setting named", sandbox.UndocumentedAnswersHeader, marked)
	}
}

// A key with scopes calls what they cover; an operation whose scope it
// lacks is refused, with a 403 in the operation's envelope where the
// document gives the operation one, else with the gateway's 401. A key
// with no scope at all calls nothing; the organization's own key stays
// unscoped.
func TestScopedKeys(t *testing.T) {
	h := start(t, nil)
	const readOnly, groupsOnly, none = "read-only-key", "group-writer-key", "no-scope-key"
	h.env.Server.AddScopedKey(readOnly, "read:directories:admin", "read:group:admin", "read:user:admin", "read:org:admin")
	h.env.Server.AddScopedKey(groupsOnly, "write:group:admin")
	h.env.Server.AddScopedKey(none)

	st := h.env.Server.State()
	group := pickGroup(t, st, ordinaryGroup)
	member := nonMember(t, st, group)
	add := map[string]any{"accountId": member.AccountID}

	h.callWithToken(readOnly, "GET", h.usersPath("-"), nil).wantStatus(t, http.StatusOK)
	h.callWithToken(readOnly, "GET", "/admin/v1/orgs/"+h.env.OrgID, nil).wantStatus(t, http.StatusOK)
	refusal := h.callWithToken(readOnly, "POST", h.membershipsPath(h.dirID, group.ID), add).wantError(t, http.StatusForbidden, "ADMIN-UAM-403-1")
	if !strings.Contains(refusal.Detail, "write:group:admin") {
		t.Errorf("the refusal's detail does not name the missing scope: %q", refusal.Detail)
	}
	// The v1 role writes document ADMIN-UAM-403-1 in their own envelope.
	h.callWithToken(readOnly, "POST", h.v1UserRolesPath(member.AccountID, "assign"), map[string]any{"role": "atlassian/user", "resource": st.Workspaces[0].ID}).
		wantError(t, http.StatusForbidden, "ADMIN-UAM-403-1")
	if slices.Contains(pickGroup(t, h.env.Server.State(), func(g sandbox.Group) bool { return g.ID == group.ID }).MemberAccountIDs, member.AccountID) {
		t.Fatal("a refused membership add was carried out")
	}

	// The user listing documents a 403; the organization read does not, so
	// a key without read:org:admin gets the gateway's 401 there.
	h.callWithToken(groupsOnly, "GET", h.usersPath("-"), nil).wantError(t, http.StatusForbidden, "ADMIN-UAM-403-1")
	h.callWithToken(groupsOnly, "GET", "/admin/v1/orgs/"+h.env.OrgID, nil).wantStatus(t, http.StatusUnauthorized)
	h.callWithToken(groupsOnly, "POST", h.membershipsPath(h.dirID, group.ID), add).wantStatus(t, http.StatusNoContent)

	h.callWithToken(none, "GET", h.usersPath("-"), nil).wantError(t, http.StatusForbidden, "ADMIN-UAM-403-1")
	h.call("GET", h.usersPath("-"), nil).wantStatus(t, http.StatusOK)
}
