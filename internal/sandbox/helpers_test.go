package sandbox_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// harness wraps a running sandbox with request helpers for the tests.
type harness struct {
	t     *testing.T
	env   *sandboxtest.Env
	dirID string // the organization's (only) directory
}

// start launches a sandbox with the default options, adjusted by tweak.
func start(t *testing.T, tweak func(o *sandbox.Options)) *harness {
	t.Helper()
	opts := sandbox.DefaultOptions()
	if tweak != nil {
		tweak(&opts)
	}
	env := sandboxtest.Start(t, opts)
	return &harness{t: t, env: env, dirID: env.Server.State().Directories[0].ID}
}

// response is a fully read HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends an authenticated request; body is JSON-encoded unless it is a
// string (sent as is) or nil.
func (h *harness) call(method, path string, body any) response {
	h.t.Helper()
	return h.callWithToken(h.env.Token, method, path, body)
}

func (h *harness) callWithToken(token, method, path string, body any) response {
	h.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.env.URL+path, reader)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.env.HTTP.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(resp.Body)
	err = errors.Join(err, resp.Body.Close())
	if err != nil {
		h.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// decode unmarshals the body into v, failing the test otherwise.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %q: %v", r.body, err)
	}
}

// wantStatus fails the test unless the status matches.
func (r response) wantStatus(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// apiErr is an error item of any envelope, with status as sent.
type apiErr struct {
	ID     string          `json:"id"`
	Status json.RawMessage `json:"status"`
	Code   string          `json:"code"`
	Title  string          `json:"title"`
	Detail string          `json:"detail"`
}

// wantError checks status and code. It decodes the usual {"errors":[...]}
// envelope, or the unwrapped one when the body is a single object.
func (r response) wantError(t *testing.T, status int, code string) apiErr {
	t.Helper()
	r.wantStatus(t, status)
	var envelope struct {
		Errors []apiErr `json:"errors"`
	}
	r.decode(t, &envelope)
	var item apiErr
	if len(envelope.Errors) == 1 {
		item = envelope.Errors[0]
	} else {
		r.decode(t, &item)
	}
	if item.Code != code {
		t.Fatalf("code = %q, want %q; body: %s", item.Code, code, r.body)
	}
	if item.ID == "" || item.Title == "" || item.Detail == "" || len(item.Status) == 0 {
		t.Fatalf("incomplete error item: %s", r.body)
	}
	return item
}

// putSettings changes the named sandbox settings through the control
// endpoint, as another process would.
func (h *harness) putSettings(patch map[string]any) {
	h.t.Helper()
	h.callWithToken("", "PUT", "/_sandbox/settings", patch).wantStatus(h.t, http.StatusOK)
}

// createGroup creates a group in the organization's directory, checks the
// documented answer (201 with no body) and returns the new group's id, read
// from the sandbox's state.
func (h *harness) createGroup(name, description string) string {
	h.t.Helper()
	r := h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": name, "description": description}).wantStatus(h.t, 201)
	if len(r.body) != 0 {
		h.t.Fatalf("create group answered a body %q; the document gives none", r.body)
	}
	for _, g := range h.env.Server.State().Groups {
		if g.Name == name {
			return g.ID
		}
	}
	h.t.Fatalf("group %q is not in the state after its create", name)
	return ""
}

// Paths.
func (h *harness) orgPath() string { return "/admin/v2/orgs/" + h.env.OrgID }
func (h *harness) dir(dirID string) string {
	return h.orgPath() + "/directories/" + url.PathEscape(dirID)
}
func (h *harness) usersPath(dirID string) string { return h.dir(dirID) + "/users" }
func (h *harness) userPath(dirID, accountID string) string {
	return h.usersPath(dirID) + "/" + url.PathEscape(accountID)
}
func (h *harness) groupsPath(dirID string) string { return h.dir(dirID) + "/groups" }
func (h *harness) groupPath(dirID, groupID string) string {
	return h.groupsPath(dirID) + "/" + url.PathEscape(groupID)
}
func (h *harness) membershipsPath(dirID, groupID string) string {
	return h.groupPath(dirID, groupID) + "/memberships"
}
func (h *harness) v1UserRolesPath(accountID, action string) string {
	return "/admin/v1/orgs/" + h.env.OrgID + "/users/" + url.PathEscape(accountID) + "/roles/" + action
}

// JSON shapes of the admin API as a client sees them.
type (
	userJSON struct {
		AccountID        string   `json:"accountId"`
		AccountType      string   `json:"accountType"`
		Status           string   `json:"status"`
		AccountStatus    string   `json:"accountStatus"`
		MembershipStatus string   `json:"membershipStatus"`
		Name             string   `json:"name"`
		Nickname         string   `json:"nickname"`
		Email            string   `json:"email"`
		EmailVerified    bool     `json:"emailVerified"`
		ClaimStatus      string   `json:"claimStatus"`
		AddedToOrg       string   `json:"addedToOrg"`
		PlatformRoles    []string `json:"platformRoles"`
		Picture          string   `json:"picture"`
		Links            struct {
			Self string `json:"self"`
		} `json:"links"`
	}
	groupJSON struct {
		ID               string `json:"id"`
		Name             string `json:"name"`
		Description      string `json:"description"`
		DirectoryID      string `json:"directoryId"`
		ExternalSynced   bool   `json:"externalSynced"`
		ManagedBy        string `json:"managedBy"`
		ManagementAccess struct {
			Readable, Modifiable, Deletable bool
		} `json:"managementAccess"`
		Counts struct {
			Users     int `json:"users"`
			Resources int `json:"resources"`
		} `json:"counts"`
		Links struct {
			Self string `json:"self"`
		} `json:"links"`
	}
	linksJSON struct {
		Self string `json:"self"`
		Next string `json:"next"`
	}
	roleEntryJSON struct {
		ResourceID    string   `json:"resourceId"`
		ResourceOwner string   `json:"resourceOwner"`
		Roles         []string `json:"roles"`
		// RoleAssignments is nil in a group's listing and in the legacy
		// user listing shape.
		RoleAssignments []struct {
			Role    string   `json:"role"`
			Methods []string `json:"roleAssignmentMethods"`
		} `json:"roleAssignments"`
		DirectoryID string `json:"directoryId"`
	}
)

// listAllUsers pages through a users listing to the end and returns the ids
// in order, checking the keyset cursor chain on the way.
func (h *harness) listAllUsers(dirID string, query url.Values) []string {
	h.t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10000 {
			h.t.Fatal("pagination does not end")
		}
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Data  []userJSON `json:"data"`
			Links linksJSON  `json:"links"`
		}
		h.call("GET", h.usersPath(dirID)+"?"+q.Encode(), nil).wantStatus(h.t, 200).decode(h.t, &page)
		for _, u := range page.Data {
			ids = append(ids, u.AccountID)
		}
		if page.Links.Next == "" {
			return ids
		}
		cursor = page.Links.Next
	}
}

// pickGroup returns the first group of the state matching pred.
func pickGroup(t *testing.T, st sandbox.State, pred func(g sandbox.Group) bool) sandbox.Group {
	t.Helper()
	for _, g := range st.Groups {
		if pred(g) {
			return g
		}
	}
	t.Fatal("no group matches")
	return sandbox.Group{}
}

// pickUser returns the first user of the state matching pred.
func pickUser(t *testing.T, st sandbox.State, pred func(u sandbox.User) bool) sandbox.User {
	t.Helper()
	for _, u := range st.Users {
		if pred(u) {
			return u
		}
	}
	t.Fatal("no user matches")
	return sandbox.User{}
}

// ordinaryGroup: writable, not default, not synced.
func ordinaryGroup(g sandbox.Group) bool { return !g.ExternalSynced && !g.Default && g.Deletable }

// nonMember returns an active user outside group g.
func nonMember(t *testing.T, st sandbox.State, g sandbox.Group) sandbox.User {
	t.Helper()
	members := map[string]bool{}
	for _, id := range g.MemberAccountIDs {
		members[id] = true
	}
	return pickUser(t, st, func(u sandbox.User) bool {
		return !members[u.AccountID] && u.Status == "active" && u.AccountType == "atlassian"
	})
}

// httpResult is the outcome of do: safe to produce from any goroutine, unlike
// the harness helpers that fail the test.
type httpResult struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// do sends one request with client (which adds the token) and reads it whole.
func do(client *http.Client, method, fullURL, body string) *httpResult {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, fullURL, reader)
	if err != nil {
		return &httpResult{err: err}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return &httpResult{err: err}
	}
	raw, err := io.ReadAll(resp.Body)
	err = errors.Join(err, resp.Body.Close())
	return &httpResult{status: resp.StatusCode, header: resp.Header, body: raw, err: err}
}
