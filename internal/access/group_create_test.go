package access_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

const routeCreateGroup = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups"

func groupsNamed(env *sandboxtest.Env, name string) int {
	n := 0
	for _, g := range env.State().Groups {
		if strings.EqualFold(g.Name, name) {
			n++
		}
	}
	return n
}

// A create whose answer is lost after it was carried out is adopted: the
// group exists once, and the create was sent once.
func TestCreateGroupAdoptsTheGroupOfALostAnswer(t *testing.T) {
	d, env := newView(t, 10)
	env.Server.SetFaults(sandbox.Faults{ErrorAfterWriteRate: 1, ErrorStatus: http.StatusServiceUnavailable, Routes: []string{routeCreateGroup}})
	env.ResetStats()
	g, err := d.CreateGroup(context.Background(), "answer lost", "")
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	if n := env.Stats().ByRoute[routeCreateGroup]; n != 1 {
		t.Errorf("%d creates sent, want 1", n)
	}
	if n := groupsNamed(env, "answer lost"); n != 1 {
		t.Errorf("%d groups named so, want 1", n)
	}
	if got, found, err := d.Group(context.Background(), g.ID); err != nil || !found || got.Name != "answer lost" {
		t.Errorf("Group(%s) after the adoption = %+v, %v, %v", g.ID, got, found, err)
	}
}

// A create refused before it was carried out is sent again, a bounded
// number of times, and then fails with the server's error.
func TestCreateGroupRetriesAFailureThatLeftNothing(t *testing.T) {
	d, env := newView(t, 10)
	env.Server.SetFaults(sandbox.Faults{ErrorRate: 1, ErrorStatus: http.StatusServiceUnavailable, Routes: []string{routeCreateGroup}})
	env.ResetStats()
	_, err := d.CreateGroup(context.Background(), "never created", "")
	if !errors.Is(err, access.ErrUnavailable) {
		t.Fatalf("CreateGroup under a create outage: %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "sent 8 times") {
		t.Errorf("the error does not say what failed and how often: %v", err)
	}
	if n := env.Stats().ByRoute[routeCreateGroup]; n != 8 {
		t.Errorf("%d creates sent, want the bound of 8", n)
	}
	if n := groupsNamed(env, "never created"); n != 0 {
		t.Errorf("%d groups named so, want 0", n)
	}
}

// With reads lagging, a lost answer's group is not visible yet: the next
// create is refused on the name, which, the name having been free before,
// means the group is this create's own; it is adopted once it shows.
func TestCreateGroupAdoptsAfterAConflictWhileReadsLag(t *testing.T) {
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces = 10, 3, 1
	env := sandboxtest.Start(t, opts)
	if err := env.Server.Update(func(st *sandbox.State) error { st.Settings.ReadAfterWriteLagMS = 1500; return nil }); err != nil {
		t.Fatal(err)
	}
	// The first create is carried out and its answer replaced by a 502;
	// the others pass.
	var creates atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/groups") && creates.Add(1) == 1 {
			env.Handler.ServeHTTP(httptest.NewRecorder(), r)
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		env.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	d, err := access.Open(context.Background(), orgconfig.Config{BaseURL: front.URL, OrganizationID: env.OrgID, APIToken: env.Token})
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(context.Background(), "lagging and lost", "")
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	if n := groupsNamed(env, "lagging and lost"); n != 1 {
		t.Errorf("%d groups named so, want 1", n)
	}
	if n := creates.Load(); n != 2 {
		t.Errorf("%d creates sent, want 2 (the lost one and the refused one)", n)
	}
	if want := findByName(env, "lagging and lost"); g.ID != want {
		t.Errorf("the adopted group is %q, want %q", g.ID, want)
	}
}

func findByName(env *sandboxtest.Env, name string) string {
	for _, g := range env.State().Groups {
		if g.Name == name {
			return g.ID
		}
	}
	return ""
}

// A name already taken fails before anything is sent, when the process
// has listed the groups.
func TestCreateGroupRefusesATakenNameWithoutSending(t *testing.T) {
	d, env := newView(t, 10)
	existing := env.State().Groups[0]
	if _, err := d.Groups(context.Background()); err != nil {
		t.Fatal(err)
	}
	env.ResetStats()
	_, err := d.CreateGroup(context.Background(), strings.ToUpper(existing.Name), "")
	if !errors.Is(err, access.ErrAlreadyExists) || !strings.Contains(err.Error(), existing.ID) {
		t.Fatalf("CreateGroup with a taken name: %v, want ErrAlreadyExists naming %s", err, existing.ID)
	}
	if n := env.Stats().Total; n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

// A group this process deleted is left out of a listing fetched while
// reads still show it, and its name is free for a create.
func TestDeletedGroupLeftOutOfALaggingListing(t *testing.T) {
	d, env := newView(t, 10)
	if err := env.Server.Update(func(st *sandbox.State) error { st.Settings.ReadAfterWriteLagMS = 3_600_000; return nil }); err != nil {
		t.Fatal(err)
	}
	var victim sandbox.Group
	for _, g := range env.State().Groups {
		if !g.ExternalSynced && !g.Default && g.Deletable {
			victim = g
			break
		}
	}
	if err := d.DeleteGroup(context.Background(), victim.ID); err != nil {
		t.Fatal(err)
	}
	groups, err := d.Groups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if g.ID == victim.ID {
			t.Fatalf("the deleted group %s is listed", g.ID)
		}
	}
	if _, err := d.CreateGroup(context.Background(), victim.Name, ""); err != nil {
		t.Fatalf("re-creating the deleted group's name: %v", err)
	}
}

// A create answered without the new group's id, while reads lag, is found
// once reads show it: one create, no error.
func TestCreateGroupWithoutBodyWhileReadsLag(t *testing.T) {
	d, env := newView(t, 10)
	if err := env.Server.Update(func(st *sandbox.State) error {
		st.Settings.ReadAfterWriteLagMS = 1500
		st.Settings.CreateGroupReturnsBody = false
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	env.ResetStats()
	g, err := d.CreateGroup(context.Background(), "answered without a body", "")
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	if want := findByName(env, "answered without a body"); g.ID == "" || g.ID != want {
		t.Errorf("CreateGroup returned %q, want %q", g.ID, want)
	}
	if n := env.Stats().ByRoute[routeCreateGroup]; n != 1 {
		t.Errorf("%d creates sent, want 1", n)
	}
}
