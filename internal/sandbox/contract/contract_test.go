package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/contract"
)

const (
	faultHeader = "X-Test-Injected-Fault"
	clientUA    = "terraform-provider-atlassian/test (+https://github.com/cureigad/terraform-provider-atlassian)"
	orgBase     = "/admin/v2/orgs/org-1/directories/dir-1"
)

// answer is what the server behind the checker says.
type answer struct {
	status int
	body   string
	header map[string]string
}

// served is a checker in front of a server that gives the same answer to
// every request.
type served struct {
	checker *contract.Checker
	url     string
}

func serve(t *testing.T, a answer) *served {
	t.Helper()
	checker, err := contract.New(contract.Options{DeliberateAnswerHeaders: []string{faultHeader}})
	if err != nil {
		t.Fatal(err)
	}
	backend := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		if a.body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	})
	ts := httptest.NewServer(checker.Handler(backend))
	t.Cleanup(ts.Close)
	return &served{checker: checker, url: ts.URL}
}

// send sends one request; userAgent "" is a raw Go client.
func (s *served) send(t *testing.T, userAgent, method, path string, body any) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.url+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer not-a-real-token")
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if userAgent != "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
}

// wantOnly fails unless the checker saw exactly one distinct violation, by
// who, with the rule, whose text contains each of parts.
func wantOnly(t *testing.T, s *served, who, rule string, parts ...string) {
	t.Helper()
	vs := s.checker.Violations()
	if len(vs) != 1 {
		t.Fatalf("want one violation (%s %s), got %d:\n%s", who, rule, len(vs), s.checker.Report())
	}
	v := vs[0]
	if v.Who != who || v.Rule != rule {
		t.Errorf("want a %s violation of %s, got %s", who, rule, v)
	}
	for _, p := range parts {
		if !strings.Contains(v.String(), p) {
			t.Errorf("the violation %q does not name %q", v, p)
		}
	}
}

func wantNone(t *testing.T, s *served) {
	t.Helper()
	if r := s.checker.Report(); r != "" {
		t.Errorf("want no violation, got %s", r)
	}
}

func accountIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("5b10ac8d82e05b22cc7d4e%02d", i)
	}
	return ids
}

const searchPage = `{"data":[{"accountId":"5b10ac8d82e05b22cc7d4e00","accountType":"atlassian","accountStatus":"active","name":"Ada"}],"links":{"next":"c2"}}`

func TestDocumentedExchangesPass(t *testing.T) {
	s := serve(t, answer{status: 200, body: searchPage})
	s.send(t, clientUA, http.MethodPost, orgBase+"/users/search", map[string]any{"accountIds": accountIDs(10), "limit": 100, "expand": []string{"groups"}})
	wantNone(t, s)

	s = serve(t, answer{status: 204})
	s.send(t, clientUA, http.MethodPost, orgBase+"/groups/g-1/memberships", map[string]any{"accountId": "5b10ac8d82e05b22cc7d4e00"})
	s.send(t, clientUA, http.MethodPost, "/admin/v1/orgs/org-1/users/557058:f0a1b2c3/role-assignments/assign", map[string]any{"role": "atlassian/org-admin"})
	wantNone(t, s)
	counts := s.checker.Counts()
	op := "POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships (addGroupMember)"
	if got := counts[op]; got != (contract.Count{Requests: 1, Answers: 1}) {
		t.Errorf("counts of %s = %+v, want one request and one answer (all: %v)", op, got, counts)
	}
}

func TestClientRequestsOutOfContract(t *testing.T) {
	search := "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search (searchDirectoryUsers)"
	for _, tc := range []struct {
		name, method, path string
		body               any
		rule               string
		parts              []string
	}{
		{"eleven account ids", http.MethodPost, orgBase + "/users/search", map[string]any{"accountIds": accountIDs(11)}, "maxItems", []string{search, "body accountIds"}},
		{"unknown enum", http.MethodPost, orgBase + "/users/search", map[string]any{"expand": []string{"GROUPS"}}, "enum", []string{search, "body expand[]"}},
		{"wrong type", http.MethodPost, orgBase + "/users/search", map[string]any{"limit": "100"}, "type", []string{search, "body limit"}},
		{"limit over maximum", http.MethodPost, orgBase + "/users/search", map[string]any{"limit": 101}, "maximum", []string{search, "body limit"}},
		{"undeclared field", http.MethodPost, orgBase + "/users/search", map[string]any{"groupNames": []string{"a"}}, "additionalProperties", []string{search, "body"}},
		{"short role id", http.MethodPost, "/admin/v2/orgs/org-1/users/invite", map[string]any{"emails": []string{"a@example.com"}, "permissionRules": []map[string]string{{"role": "user", "resource": "ari:cloud:jira::site/1"}}}, "enum", []string{"(inviteUsers)", "body permissionRules[].role"}},
		{"undeclared query parameter", http.MethodGet, "/admin/v2/orgs/org-1/directories?expand=groups", nil, "undeclared-parameter", []string{"(getDirectoriesForOrg)", "query expand"}},
		{"query over maxItems", http.MethodGet, orgBase + "/users?accountIds=" + strings.Join(accountIDs(11), "&accountIds="), nil, "maxItems", []string{"(getDirectoryUsers)", "query accountIds"}},
		{"unknown path", http.MethodGet, "/admin/v2/orgs/org-1/nothing-here", nil, "unknown-operation", []string{"GET /admin/v2/orgs/org-1/nothing-here"}},
		{"unknown method", http.MethodPut, orgBase + "/groups/g-1", nil, "unknown-method", []string{"PUT"}},
		{"deprecated operation", http.MethodGet, orgBase + "/users", nil, "deprecated", []string{"GET /v2/orgs/{orgId}/directories/{directoryId}/users (getDirectoryUsers)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The answers here are documented (or the operation unknown), so
			// every violation is the client's.
			s := serve(t, answer{status: 400, body: `{"errors":[{"status":"400","code":"ADMIN-400-1","title":"Bad request"}]}`})
			s.send(t, clientUA, tc.method, tc.path, tc.body)
			vs := s.checker.Violations()
			if len(vs) == 0 {
				t.Fatal("no violation found")
			}
			var found bool
			for _, v := range vs {
				if v.Who != contract.Client {
					continue
				}
				if tc.rule != "" && v.Rule != tc.rule {
					continue
				}
				found = true
				for _, p := range tc.parts {
					if !strings.Contains(v.String(), p) {
						t.Errorf("the violation %q does not name %q", v, p)
					}
				}
			}
			if !found {
				t.Errorf("no CLIENT violation of %q among:\n%s", tc.rule, s.checker.Report())
			}
		})
	}
}

func TestTheProductIsTheClient(t *testing.T) {
	for ua, want := range map[string]bool{
		"terraform-provider-atlassian/1.2.0 (+https://github.com/cureigad/terraform-provider-atlassian)": true,
		"terraform-provider-atlassian (+https://github.com/cureigad/terraform-provider-atlassian)":       true,
		"baton-atlassian/dev (+https://github.com/cureigad/terraform-provider-atlassian)":                true,
		"Go-http-client/1.1":                false,
		"terraform-provider-atlassianx/1.0": false,
		"":                                  false,
	} {
		if got := contract.IsProductClient(ua); got != want {
			t.Errorf("IsProductClient(%q) = %v, want %v", ua, got, want)
		}
	}
}

func TestAuthentication(t *testing.T) {
	s := serve(t, answer{status: 200, body: `{"data":[],"links":{}}`})
	for _, auth := range []string{"Bearer t", "bearer t", "BEARER t"} {
		req, err := http.NewRequest(http.MethodGet, s.url+"/admin/v2/orgs/org-1/directories", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
	}
	wantNone(t, s)
	req, err := http.NewRequest(http.MethodGet, s.url+"/admin/v2/orgs/org-1/directories", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	wantOnly(t, s, contract.Sandbox, "refuse-out-of-contract", "header Authorization: security")
}

func TestOtherRequestsOutOfContractMustBeRefused(t *testing.T) {
	bad := map[string]any{"accountIds": accountIDs(11)}
	accepted := serve(t, answer{status: 200, body: searchPage})
	accepted.send(t, "", http.MethodPost, orgBase+"/users/search", bad)
	wantOnly(t, accepted, contract.Sandbox, "refuse-out-of-contract", "(searchDirectoryUsers)", "body accountIds: maxItems")

	refused := serve(t, answer{status: 400, body: `{"errors":[{"status":"400","code":"ADMIN-400-1"}]}`})
	refused.send(t, "", http.MethodPost, orgBase+"/users/search", bad)
	wantNone(t, refused)

	unknown := serve(t, answer{status: 404, body: `{"message":"not found"}`})
	unknown.send(t, "", http.MethodGet, "/admin/v9/whatever", nil)
	wantNone(t, unknown)
}

func TestSandboxAnswersOutOfContract(t *testing.T) {
	t.Run("undocumented status", func(t *testing.T) {
		s := serve(t, answer{status: 201})
		s.send(t, clientUA, http.MethodPost, orgBase+"/groups/g-1/memberships", map[string]any{"accountId": "a-1"})
		wantOnly(t, s, contract.Sandbox, "undocumented-status", "(addGroupMember)", "answer 201")
	})
	t.Run("body on 204", func(t *testing.T) {
		s := serve(t, answer{status: 204, body: `{"data":{}}`})
		s.send(t, clientUA, http.MethodPost, orgBase+"/users/a-1/suspend", nil)
		wantOnly(t, s, contract.Sandbox, "no-body", "(suspendDirectoryUser)", "answer 204")
	})
	t.Run("body on a 201 that declares none", func(t *testing.T) {
		s := serve(t, answer{status: 201, body: `{"data":{"id":"g-1","name":"x"}}`})
		s.send(t, clientUA, http.MethodPost, orgBase+"/groups", map[string]any{"name": "x"})
		wantOnly(t, s, contract.Sandbox, "no-body", "(createGroup)", "answer 201")
	})
	t.Run("missing required field", func(t *testing.T) {
		s := serve(t, answer{status: 200, body: `{"data":{"id":"org-1","type":"orgs","attributes":{"name":"Acme"},"links":{"self":"https://x"}}}`})
		s.send(t, clientUA, http.MethodGet, "/admin/v1/orgs/org-1", nil)
		wantOnly(t, s, contract.Sandbox, "required", "GET /v1/orgs/{orgId} (getOrgById)", "answer 200 body data", `"relationships" is missing`)
	})
	t.Run("numeric errors status", func(t *testing.T) {
		s := serve(t, answer{status: 404, body: `{"errors":[{"status":404,"code":"ADMIN-404-1"}]}`})
		s.send(t, clientUA, http.MethodGet, orgBase+"/users/a-1", nil)
		wantOnly(t, s, contract.Sandbox, "type", "(getDirectoryUserDetails)", "answer 404 body errors[].status")
	})
	t.Run("breach inside an allOf", func(t *testing.T) {
		s := serve(t, answer{status: 404, body: `{"errors":[{"status":"404","code":"ADMIN-UAM-404-2"}]}`})
		s.send(t, clientUA, http.MethodGet, "/admin/v1/orgs/org-1", nil)
		wantOnly(t, s, contract.Sandbox, "enum", "(getOrgById)", "answer 404 body errors[].code")
	})
	t.Run("enum outside the document", func(t *testing.T) {
		s := serve(t, answer{status: 200, body: `{"data":[{"accountId":"a-1","accountType":"app","accountStatus":"active"}],"links":{}}`})
		s.send(t, clientUA, http.MethodPost, orgBase+"/users/search", map[string]any{"limit": 10})
		wantOnly(t, s, contract.Sandbox, "enum", "(searchDirectoryUsers)", "body data[].accountType")
	})
	t.Run("undeclared field", func(t *testing.T) {
		s := serve(t, answer{status: 200, body: `{"data":{"accountId":"a-1","links":{"self":"https://x"}}}`})
		s.send(t, clientUA, http.MethodGet, orgBase+"/users/a-1", nil)
		wantOnly(t, s, contract.Sandbox, "additionalProperties", "(getDirectoryUserDetails)", "body data", `"links"`)
	})
	t.Run("error envelope of a v2 429", func(t *testing.T) {
		s := serve(t, answer{status: 429, body: `{"code":429,"message":"Rate limit exceeded"}`})
		s.send(t, clientUA, http.MethodGet, orgBase+"/users/a-1", nil)
		if len(s.checker.Violations()) == 0 {
			t.Errorf("a {code, message} 429 on a v2 operation passed")
		}
	})
	t.Run("injected faults are not the organization's answers", func(t *testing.T) {
		s := serve(t, answer{status: 429, body: `{"code":429,"message":"Rate limit exceeded"}`, header: map[string]string{faultHeader: "rate_limit"}})
		s.send(t, clientUA, http.MethodGet, orgBase+"/users/a-1", nil)
		wantNone(t, s)
		// The request is still checked.
		s.send(t, clientUA, http.MethodGet, orgBase+"/users", nil)
		wantOnly(t, s, contract.Client, "deprecated")
	})
	t.Run("control endpoints are not checked", func(t *testing.T) {
		s := serve(t, answer{status: 418, body: `{}`})
		s.send(t, "", http.MethodPut, "/_sandbox/faults", map[string]any{"x": 1})
		wantNone(t, s)
		if n := len(s.checker.Counts()); n != 0 {
			t.Errorf("%d operations counted for a control endpoint", n)
		}
	})
}

// The checker is shared by the handlers of a server, which run at once.
func TestConcurrentExchanges(t *testing.T) {
	s := serve(t, answer{status: 204, body: `{}`})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			s.send(t, clientUA, http.MethodPost, orgBase+"/groups/g-1/memberships", map[string]any{"accountId": fmt.Sprint("a-", i)})
		})
	}
	wg.Wait()
	vs := s.checker.Violations()
	if len(vs) != 1 || vs[0].Times != 16 {
		t.Fatalf("want one violation 16 times, got:\n%s", s.checker.Report())
	}
	op := "POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships (addGroupMember)"
	if got := s.checker.Counts()[op]; got != (contract.Count{Requests: 16, Answers: 16}) {
		t.Errorf("counts = %+v, want 16 requests and 16 answers", got)
	}
}

func TestTallyAddsUpCheckers(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(contract.TallyEnv, dir)
	op := "POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships (addGroupMember)"
	for range 3 {
		s := serve(t, answer{status: 204, body: `{}`})
		s.send(t, clientUA, http.MethodPost, orgBase+"/groups/g-1/memberships", map[string]any{"accountId": "a-1"})
		s.send(t, clientUA, http.MethodPost, orgBase+"/groups/g-1/memberships", map[string]any{"accountId": "a-2"})
		if err := s.checker.WriteTally(); err != nil {
			t.Fatal(err)
		}
	}
	tally, err := contract.SumTally(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := tally.Counts[op]; got != (contract.Count{Requests: 6, Answers: 6}) {
		t.Errorf("summed counts = %+v, want 6 and 6", got)
	}
	if len(tally.Violations) != 1 {
		t.Errorf("summed violations = %v, want the body on 204 only", tally.Violations)
	}
	for v, n := range tally.Violations {
		if n != 6 || !strings.Contains(v, "no-body") {
			t.Errorf("summed violation %q %d times, want no-body 6 times", v, n)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "contract-tally.jsonl")); err != nil {
		t.Error(err)
	}
}
