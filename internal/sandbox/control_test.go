package sandbox_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

func TestStats(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	h.call("GET", h.usersPath("-"), nil)
	h.call("GET", h.usersPath(h.dirID), nil)
	h.call("GET", h.userPath("-", st.Users[0].AccountID), nil)
	h.callWithToken("", "GET", h.usersPath("-"), nil) // a 401 is still a request
	h.call("GET", "/admin/nothing", nil)
	h.callWithToken("", "GET", "/_sandbox/state", nil) // control: not counted

	h.env.SetFaults(sandbox.Faults{ErrorRate: 1})
	h.call("POST", h.orgPath()+"/workspaces", map[string]any{}) // answered by a fault: counted
	h.env.ClearFaults()

	stats := h.env.Stats()
	want := map[string]int64{
		"GET /admin/v2/orgs/{orgId}/directories/{dirId}/users":             3,
		"GET /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}": 1,
		"POST /admin/v2/orgs/{orgId}/workspaces":                           1,
		"UNMATCHED":                                                        1,
	}
	if stats.Total != 6 || len(stats.ByRoute) != len(want) {
		t.Fatalf("stats = %+v", stats)
	}
	for route, n := range want {
		if stats.ByRoute[route] != n {
			t.Fatalf("by_route[%q] = %d, want %d (%+v)", route, stats.ByRoute[route], n, stats)
		}
	}
	if s := h.env.Server.Stats(); s.Total != 6 {
		t.Fatalf("Server.Stats = %+v", s)
	}

	h.env.ResetStats()
	if s := h.env.Stats(); s.Total != 0 || len(s.ByRoute) != 0 {
		t.Fatalf("after reset: %+v", s)
	}
	h.call("GET", h.groupsPath("-"), nil)
	h.env.Server.ResetStats()
	if s := h.env.Server.Stats(); s.Total != 0 {
		t.Fatalf("after Server.ResetStats: %+v", s)
	}
}

func TestStateEndpoints(t *testing.T) {
	h := start(t, nil)
	fetched := h.env.State()
	if !bytes.Equal(mustJSON(t, fetched), mustJSON(t, h.env.Server.State())) {
		t.Fatal("GET /_sandbox/state differs from Server.State")
	}
	// snake_case on the wire.
	r := h.callWithToken("", "GET", "/_sandbox/state", nil).wantStatus(t, 200)
	var raw map[string]json.RawMessage
	r.decode(t, &raw)
	for _, key := range []string{"organization", "directories", "users", "groups", "workspaces", "user_role_assignments", "group_role_assignments", "settings"} {
		if _, ok := raw[key]; !ok {
			t.Fatalf("state JSON lacks %q", key)
		}
	}

	// Replace with a smaller organization.
	small := fetched
	small.Users = small.Users[:0]
	small.Groups = []sandbox.Group{{ID: "g-1", Name: "only-group", Deletable: true}}
	small.UserRoleAssignments = nil
	small.GroupRoleAssignments = nil
	h.callWithToken("", "PUT", "/_sandbox/state", small).wantStatus(t, 204)
	var page groupPageJSON
	h.call("GET", h.groupsPath("-"), nil).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].Name != "only-group" || page.Data[0].DirectoryID != h.dirID {
		t.Fatalf("groups after replace: %+v", page.Data)
	}

	// Invalid states are refused and change nothing.
	bad := small
	bad.Groups = []sandbox.Group{{ID: "g-1", Name: "a", MemberAccountIDs: []string{"ghost"}}}
	h.callWithToken("", "PUT", "/_sandbox/state", bad).wantStatus(t, 400)
	h.callWithToken("", "PUT", "/_sandbox/state", `{"organization":{}}`).wantStatus(t, 400)
	if got := h.env.Server.State().Groups; len(got) != 1 || got[0].Name != "only-group" {
		t.Fatalf("groups after refused replace: %+v", got)
	}

	// Settings default when absent from a state document, and PUT
	// /_sandbox/settings changes only the fields it names.
	h.callWithToken("", "PUT", "/_sandbox/state", `{"organization":{"id":"`+h.env.OrgID+`","name":"Tiny"}}`).wantStatus(t, 204)
	if s := h.env.Server.State().Settings; s != sandbox.DefaultSettings() {
		t.Fatalf("settings = %+v", s)
	}
	var settings sandbox.Settings
	h.callWithToken("", "PUT", "/_sandbox/settings", `{"licence_limit": 5}`).wantStatus(t, 200).decode(t, &settings)
	if settings.LicenceLimit != 5 || !settings.WorkspaceRolesEnabled || settings.CreateGroupReturnsBody {
		t.Fatalf("settings = %+v", settings)
	}
	h.callWithToken("", "PUT", "/_sandbox/settings", `{"licence_limit": -1}`).wantStatus(t, 400)
	h.callWithToken("", "PUT", "/_sandbox/settings", `{"licence": 1}`).wantStatus(t, 400)
	h.callWithToken("", "GET", "/_sandbox/settings", nil).wantStatus(t, 200).decode(t, &settings)
	if settings.LicenceLimit != 5 {
		t.Fatalf("settings = %+v", settings)
	}
}

func TestUpdateAndReplaceState(t *testing.T) {
	srv, err := sandbox.New(sandbox.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	before := mustJSON(t, srv.State())

	// A failing Update changes nothing, even if it mutated its copy.
	err = srv.Update(func(st *sandbox.State) error {
		st.Users = nil
		return os.ErrInvalid
	})
	if err == nil || !bytes.Equal(before, mustJSON(t, srv.State())) {
		t.Fatalf("failed update leaked: %v", err)
	}
	// An Update producing an invalid state is refused.
	if err := srv.Update(func(st *sandbox.State) error {
		st.Groups = append(st.Groups, st.Groups[0])
		return nil
	}); err == nil {
		t.Fatal("duplicate group accepted")
	}
	// State is a deep copy.
	st := srv.State()
	st.Groups[0].MemberAccountIDs[0] = "changed"
	st.Users[0].Name = "changed"
	if !bytes.Equal(before, mustJSON(t, srv.State())) {
		t.Fatal("State() aliases the server's data")
	}
	// ReplaceState copies its argument and derives platform roles.
	st = srv.State()
	st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
		AccountID: st.Users[0].AccountID, ResourceID: "ari:cloud:platform::org/" + st.Organization.ID, ResourceOwner: "platform", Role: "atlassian/org-admin",
	})
	if err := srv.ReplaceState(st); err != nil {
		t.Fatal(err)
	}
	st.Users[0].Name = "after replace"
	got := srv.State().Users[0]
	if got.Name == "after replace" || !slices.Contains(got.PlatformRoles, "atlassian/org-admin") {
		t.Fatalf("user after replace: %+v", got)
	}
	if err := srv.ReplaceState(sandbox.State{}); err == nil {
		t.Fatal("empty state accepted")
	}
}

func TestSaveAndLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	opts := sandbox.DefaultOptions()
	opts.StatePath = path
	env := sandboxtest.Start(t, opts) // no file yet: generated
	h := &harness{t: t, env: env, dirID: env.Server.State().Directories[0].ID}
	h.call("POST", h.groupsPath(h.dirID), map[string]string{"name": "saved-group"}).wantStatus(t, 201)
	h.callWithToken("", "PUT", "/_sandbox/settings", `{"licence_limit": 42}`).wantStatus(t, 200)
	if err := env.Server.Save(""); err != nil {
		t.Fatal(err)
	}
	saved := mustJSON(t, env.Server.State())

	// Loading ignores the generator options: the file wins.
	opts.Seed, opts.Users = 99, 3
	loaded, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved, mustJSON(t, loaded.State())) {
		t.Fatal("loaded state differs from saved state")
	}

	// An explicit path, and no path at all.
	other := filepath.Join(t.TempDir(), "copy.json")
	if err := loaded.Save(other); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(other); err != nil || info.Size() == 0 {
		t.Fatalf("saved file: %v", err)
	}
	noPath, _ := sandbox.New(sandbox.DefaultOptions())
	if err := noPath.Save(""); err == nil {
		t.Fatal("Save without any path succeeded")
	}

	// A corrupt file is an error, not a silent regeneration.
	if err := os.WriteFile(path, []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.New(opts); err == nil {
		t.Fatal("corrupt state file accepted")
	}
}
