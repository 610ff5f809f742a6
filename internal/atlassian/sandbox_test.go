package atlassian_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

var quickRetries = atlassian.RetryPolicy{MaxAttempts: 5, MaxElapsed: 20 * time.Second, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}

func startSandbox(t *testing.T, users, groups, workspaces int) *sandboxtest.Env {
	t.Helper()
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = users, groups, workspaces, 7
	return sandboxtest.Start(t, opts)
}

func newClient(t *testing.T, env *sandboxtest.Env, pageSize int) *atlassian.Client {
	t.Helper()
	c, err := atlassian.New(atlassian.Config{
		Config:   orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token},
		PageSize: pageSize, Retry: quickRetries,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// assertNoKey fails when an error's text carries the API key.
func assertNoKey(t *testing.T, env *sandboxtest.Env, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), env.Token) {
		t.Fatalf("error text contains the API key: %v", err)
	}
}

func writableGroup(st sandbox.State) sandbox.Group {
	for _, g := range st.Groups {
		if !g.ExternalSynced && !g.Default && len(g.MemberAccountIDs) > 0 {
			return g
		}
	}
	panic("no writable group in the sandbox")
}

func activeNonMember(st sandbox.State, g sandbox.Group) sandbox.User {
	for _, u := range st.Users {
		if u.Status == atlassian.UserStatusActive && !slices.Contains(g.MemberAccountIDs, u.AccountID) {
			return u
		}
	}
	panic("no active non-member")
}

func TestOrganization(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	org, err := newClient(t, env, 0).GetOrganization(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if org.ID != env.OrgID || org.Name != env.State().Organization.Name {
		t.Fatalf("org = %+v", org)
	}
}

func TestUsersPageToTheEndAndFilter(t *testing.T) {
	env := startSandbox(t, 157, 6, 1)
	c := newClient(t, env, 20) // 8 pages
	st := env.State()
	users, err := atlassian.Collect(c.SearchUsers(context.Background(), atlassian.AllDirectories, atlassian.UserSearch{}))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(sandbox.ListedUsers(st)); len(users) != want {
		t.Fatalf("listed %d users, the org lists %d", len(users), want)
	}
	if got := env.Stats().ByRoute["POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search"]; got != 8 {
		t.Fatalf("paging 157 users by 20 took %d requests, want 8", got)
	}

	g := writableGroup(st)
	members, err := atlassian.Collect(c.GroupMembers(context.Background(), g.ID))
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(members))
	for _, m := range members {
		ids = append(ids, m.AccountID)
	}
	sort.Strings(ids)
	if !slices.Equal(ids, g.MemberAccountIDs) {
		t.Fatalf("members of %s = %v, want %v", g.Name, ids, g.MemberAccountIDs)
	}

	suspended, err := atlassian.Collect(c.SearchUsers(context.Background(), atlassian.AllDirectories, atlassian.UserSearch{Statuses: []string{"suspended"}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range suspended {
		if u.Status != "suspended" {
			t.Fatalf("status filter let through %+v", u)
		}
	}
	first := st.Users[3]
	found, err := atlassian.Collect(c.SearchUsers(context.Background(), atlassian.AllDirectories, atlassian.UserSearch{SearchTerm: first.Email}))
	if err != nil || len(found) != 1 || found[0].AccountID != first.AccountID {
		t.Fatalf("search by email %q = %+v, %v", first.Email, found, err)
	}
	one, err := c.GetUser(context.Background(), atlassian.AllDirectories, first.AccountID)
	if err != nil || one.Email != first.Email || one.Name != first.Name {
		t.Fatalf("GetUser = %+v, %v", one, err)
	}
	_, err = c.GetUser(context.Background(), atlassian.AllDirectories, "no-such-account")
	if !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestGroupsListSearchGetCreateDelete(t *testing.T) {
	env := startSandbox(t, 30, 25, 1)
	c := newClient(t, env, 10)
	ctx := context.Background()
	st := env.State()
	listed, err := atlassian.Collect(c.SearchGroups(ctx, atlassian.AllDirectories, atlassian.GroupFilter{}))
	if err != nil || len(listed) != len(st.Groups) {
		t.Fatalf("listed %d groups of %d: %v", len(listed), len(st.Groups), err)
	}
	byName, err := c.FindGroupByName(ctx, atlassian.AllDirectories, strings.ToUpper(st.Groups[3].Name))
	if err != nil || byName.ID != st.Groups[3].ID {
		t.Fatalf("FindGroupByName(%q) = %+v, %v", st.Groups[3].Name, byName, err)
	}
	if _, err := c.FindGroupByName(ctx, atlassian.AllDirectories, st.Groups[3].Name[:len(st.Groups[3].Name)-1]); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("a name's prefix found a group: %v", err)
	}
	var searched []atlassian.Group
	cursor := ""
	for {
		page, err := c.SearchGroupsPage(ctx, atlassian.AllDirectories, atlassian.GroupFilter{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		searched = append(searched, page.Items...)
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if len(searched) != len(st.Groups) {
		t.Fatalf("search paged %d groups of %d", len(searched), len(st.Groups))
	}

	dir := st.Directories[0].ID
	created, err := c.CreateGroup(ctx, dir, "terraform-made", "made by a test")
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.DirectoryID == "" || created.Name != "terraform-made" {
		t.Fatalf("created %+v", created)
	}
	got, err := c.GetGroup(ctx, atlassian.AllDirectories, created.ID)
	if err != nil || got.Description != "made by a test" {
		t.Fatalf("GetGroup = %+v, %v", got, err)
	}
	_, err = c.CreateGroup(ctx, dir, "Terraform-Made", "")
	if !errors.Is(err, atlassian.ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}
	if err := c.DeleteGroup(ctx, created.DirectoryID, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroup(ctx, atlassian.AllDirectories, created.ID); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("deleted group still readable: %v", err)
	}
}

func TestCreateGroupSurvivesAnEmptyAnswer(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	env.Update(func(st *sandbox.State) error { st.Settings.CreateGroupReturnsBody = false; return nil })
	c := newClient(t, env, 0)
	g, err := c.CreateGroup(context.Background(), env.State().Directories[0].ID, "no-body-group", "")
	if err != nil {
		t.Fatal(err)
	}
	if g.ID == "" || g.Name != "no-body-group" {
		t.Fatalf("created %+v", g)
	}
}

func TestMembershipsAndTheirErrors(t *testing.T) {
	env := startSandbox(t, 40, 6, 2)
	c := newClient(t, env, 0)
	ctx := context.Background()
	st := env.State()
	g := writableGroup(st)
	u := activeNonMember(st, g)

	if err := c.AddGroupMember(ctx, g.DirectoryID, g.ID, u.AccountID); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(groupByID(env.State(), g.ID).MemberAccountIDs, u.AccountID) {
		t.Fatal("add did not reach the sandbox")
	}
	err := c.AddGroupMember(ctx, g.DirectoryID, g.ID, u.AccountID)
	if !errors.Is(err, atlassian.ErrAlreadyExists) {
		t.Fatalf("repeated add: %v", err)
	}
	if err := c.RemoveGroupMember(ctx, g.DirectoryID, g.ID, u.AccountID); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveGroupMember(ctx, g.DirectoryID, g.ID, u.AccountID); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("repeated remove: %v", err)
	}
	if err := c.AddGroupMember(ctx, g.DirectoryID, g.ID, "no-such-account"); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
	if err := c.AddGroupMember(ctx, g.DirectoryID, "no-such-group", u.AccountID); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("unknown group: %v", err)
	}
	if err := c.AddGroupMember(ctx, atlassian.AllDirectories, g.ID, u.AccountID); err == nil {
		t.Fatal("a write through \"-\" was accepted")
	}
	for _, synced := range st.Groups {
		if synced.ExternalSynced {
			err := c.AddGroupMember(ctx, synced.DirectoryID, synced.ID, u.AccountID)
			if !errors.Is(err, atlassian.ErrForbidden) || !strings.Contains(err.Error(), "identity provider") {
				t.Fatalf("externally synced group: %v", err)
			}
			break
		}
	}
}

func TestLicenceLimit(t *testing.T) {
	env := startSandbox(t, 40, 6, 2)
	c := newClient(t, env, 0)
	st := env.State()
	env.Update(func(s *sandbox.State) error { s.Settings.LicenceLimit = 1; return nil })
	ws := st.Workspaces[0]
	var err error
	for _, u := range st.Users {
		if u.Status != atlassian.UserStatusActive {
			continue
		}
		if err = c.AssignUserRole(context.Background(), u.AccountID, "atlassian/user", ws.ID); err != nil {
			break
		}
	}
	if !errors.Is(err, atlassian.ErrLicenceLimit) || !strings.Contains(err.Error(), "ADMIN-UAM-409-3") {
		t.Fatalf("want the licence limit, got %v", err)
	}
}

func TestRolesForUsersAndGroups(t *testing.T) {
	env := startSandbox(t, 40, 6, 3)
	c := newClient(t, env, 0)
	ctx := context.Background()
	st := env.State()
	ws := st.Workspaces[1]
	g := writableGroup(st)
	u := activeNonMember(st, g)

	if err := c.AssignUserRole(ctx, u.AccountID, "atlassian/admin", ws.ID); err != nil {
		t.Fatal(err)
	}
	ras, err := atlassian.Collect(c.UserRoleAssignments(ctx, atlassian.AllDirectories, u.AccountID))
	if err != nil || !holds(ras, ws.ID, "atlassian/admin") {
		t.Fatalf("user role assignments = %+v, %v", ras, err)
	}
	if err := c.AssignUserRole(ctx, u.AccountID, "atlassian/admin", ws.ID); !errors.Is(err, atlassian.ErrAlreadyExists) {
		t.Fatalf("repeated assign: %v", err)
	}
	if err := c.RevokeUserRole(ctx, u.AccountID, "atlassian/admin", ws.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.AssignUserRole(ctx, u.AccountID, "atlassian/org-admin", ws.ID); !errors.Is(err, atlassian.ErrInvalidRole) {
		t.Fatalf("org role on a workspace: %v", err)
	}
	if err := c.AssignUserRole(ctx, u.AccountID, "atlassian/user", "ari:cloud:jira::site/nope"); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("unknown workspace: %v", err)
	}

	if err := c.AssignGroupRole(ctx, g.DirectoryID, g.ID, ws.ID, "atlassian/user"); err != nil {
		t.Fatal(err)
	}
	gras, err := atlassian.Collect(c.GroupRoleAssignments(ctx, atlassian.AllDirectories, g.ID))
	if err != nil || !holds(gras, ws.ID, "atlassian/user") {
		t.Fatalf("group role assignments = %+v, %v", gras, err)
	}
	if err := c.RevokeGroupRole(ctx, g.DirectoryID, g.ID, ws.ID, "atlassian/user"); err != nil {
		t.Fatal(err)
	}
	gras, err = atlassian.Collect(c.GroupRoleAssignments(ctx, atlassian.AllDirectories, g.ID))
	if err != nil {
		t.Fatalf("listing group role assignments after the revoke: %v", err)
	}
	if holds(gras, ws.ID, "atlassian/user") {
		t.Fatal("revoked group role still listed")
	}

	env.Update(func(s *sandbox.State) error { s.Settings.WorkspaceRolesEnabled = false; return nil })
	err = c.AssignUserRole(ctx, u.AccountID, "atlassian/user", ws.ID)
	if !errors.Is(err, atlassian.ErrForbidden) || !strings.Contains(err.Error(), "Atlassian support") {
		t.Fatalf("disabled role endpoints: %v", err)
	}
}

func TestSuspendAndRestore(t *testing.T) {
	env := startSandbox(t, 20, 4, 1)
	c := newClient(t, env, 0)
	st := env.State()
	u := activeNonMember(st, writableGroup(st))
	if err := c.SuspendUser(context.Background(), u.DirectoryID, u.AccountID); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(context.Background(), atlassian.AllDirectories, u.AccountID)
	if err != nil {
		t.Fatalf("reading the user after suspend: %v", err)
	}
	if got.Status != atlassian.UserStatusSuspended {
		t.Fatalf("after suspend: %+v", got)
	}
	if err := c.RestoreUser(context.Background(), u.DirectoryID, u.AccountID); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetUser(context.Background(), atlassian.AllDirectories, u.AccountID)
	if err != nil {
		t.Fatalf("reading the user after restore: %v", err)
	}
	if got.Status != atlassian.UserStatusActive {
		t.Fatalf("after restore: %+v", got)
	}
}

func TestWorkspacesPageWithABodyCursor(t *testing.T) {
	env := startSandbox(t, 10, 4, 45) // 3 pages of 20
	c := newClient(t, env, 0)
	ws, err := atlassian.Collect(c.Workspaces(context.Background()))
	if err != nil || len(ws) != 45 {
		t.Fatalf("listed %d workspaces: %v", len(ws), err)
	}
	for _, w := range ws {
		if !strings.HasPrefix(w.ID, "ari:cloud:") || w.Attributes.Name == "" {
			t.Fatalf("workspace %+v", w)
		}
	}
	if got := env.Stats().ByRoute["POST /admin/v2/orgs/{orgId}/workspaces"]; got != 3 {
		t.Fatalf("%d workspace requests, want 3", got)
	}
}

func TestWrongKeyAndWrongOrganization(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	bad, err := atlassian.New(atlassian.Config{Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: "wrong-key-obviously-fake"}, Retry: quickRetries})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.GetOrganization(context.Background())
	if !errors.Is(err, atlassian.ErrUnauthenticated) || !strings.Contains(err.Error(), "API key was rejected") || strings.Contains(err.Error(), "wrong-key-obviously-fake") {
		t.Fatalf("wrong key: %v", err)
	}
	other, err := atlassian.New(atlassian.Config{Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: "00000000-0000-4000-8000-000000000000", APIToken: env.Token}, Retry: quickRetries})
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.GetOrganization(context.Background())
	if !errors.Is(err, atlassian.ErrOrganizationNotFound) || !strings.Contains(err.Error(), "organization id") {
		t.Fatalf("wrong org: %v", err)
	}
	assertNoKey(t, env, err)
}

func TestFaultsAreSurvivedOrReported(t *testing.T) {
	env := startSandbox(t, 60, 4, 1)
	ctx := context.Background()

	t.Run("429 with Retry-After", func(t *testing.T) {
		env.SetFaults(sandbox.Faults{RateLimitPerSecond: 5, RetryAfterSeconds: 1})
		defer env.ClearFaults()
		c := newClient(t, env, 0)
		for range 12 {
			if _, err := c.GetOrganization(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if c.Stats().Retries == 0 {
			t.Fatal("no request was rate limited; the test proves nothing")
		}
	})
	t.Run("429 with only X-RateLimit-Reset", func(t *testing.T) {
		// The minute-precision form is covered by TestParseRateLimitReset:
		// waiting for the next whole minute here would only slow the suite.
		env.SetFaults(sandbox.Faults{RateLimitPerSecond: 1, RateLimitHeaders: sandbox.RateLimitHeadersResetOnly})
		defer env.ClearFaults()
		c := newClient(t, env, 0)
		for range 3 {
			if _, err := c.GetOrganization(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if c.Stats().Retries == 0 {
			t.Fatal("no request was rate limited; the test proves nothing")
		}
	})
	t.Run("429 without headers", func(t *testing.T) {
		env.SetFaults(sandbox.Faults{RateLimitPerSecond: 5, RateLimitHeaders: sandbox.RateLimitHeadersNone})
		defer env.ClearFaults()
		// Without headers only backoff spaces the retries: give it room.
		c, err := atlassian.New(atlassian.Config{
			Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token},
			Retry:  atlassian.RetryPolicy{MaxAttempts: 8, MinWait: 100 * time.Millisecond, MaxWait: time.Second},
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			if _, err := c.GetOrganization(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if c.Stats().Retries == 0 {
			t.Fatal("no request was rate limited; the test proves nothing")
		}
	})
	t.Run("5xx are retried", func(t *testing.T) {
		env.SetFaults(sandbox.Faults{ErrorRate: 0.3, ErrorStatus: 503})
		defer env.ClearFaults()
		c := newClient(t, env, 10)
		users, err := atlassian.Collect(c.SearchUsers(ctx, atlassian.AllDirectories, atlassian.UserSearch{}))
		if err != nil || len(users) != len(sandbox.ListedUsers(env.State())) {
			t.Fatalf("%d users: %v", len(users), err)
		}
	})
	t.Run("connection resets are retried", func(t *testing.T) {
		env.SetFaults(sandbox.Faults{ResetConnectionRate: 0.3})
		defer env.ClearFaults()
		c := newClient(t, env, 10)
		users, err := atlassian.Collect(c.SearchUsers(ctx, atlassian.AllDirectories, atlassian.UserSearch{}))
		if err != nil || len(users) != len(sandbox.ListedUsers(env.State())) {
			t.Fatalf("%d users: %v", len(users), err)
		}
	})
	t.Run("give up after the bound", func(t *testing.T) {
		env.SetFaults(sandbox.Faults{ErrorRate: 1})
		defer env.ClearFaults()
		env.ResetStats()
		c := newClient(t, env, 0)
		_, err := c.GetOrganization(ctx)
		var apiErr *atlassian.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, atlassian.ErrServer) || apiErr.Attempts != quickRetries.MaxAttempts {
			t.Fatalf("want a server error after %d attempts, got %v", quickRetries.MaxAttempts, err)
		}
		if got := env.Stats().Total; got != int64(quickRetries.MaxAttempts) {
			t.Fatalf("sandbox saw %d requests", got)
		}
		assertNoKey(t, env, err)
	})
	t.Run("garbage answers are typed errors", func(t *testing.T) {
		env.SetFaults(sandbox.Faults{GarbageRate: 1, GarbageKind: sandbox.GarbageJSON})
		defer env.ClearFaults()
		_, err := newClient(t, env, 0).GetOrganization(ctx)
		if !errors.Is(err, atlassian.ErrMalformedResponse) {
			t.Fatalf("truncated JSON: %v", err)
		}
	})
	t.Run("cancellation", func(t *testing.T) {
		env.SetFaults(sandbox.Faults{LatencyMS: 5000})
		defer env.ClearFaults()
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := newClient(t, env, 0).GetOrganization(cctx)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
			t.Fatalf("after %v: %v", time.Since(start), err)
		}
	})
}

func TestFiftyThousandUsersPageOut(t *testing.T) {
	if testing.Short() {
		t.Skip("large org: run without -short")
	}
	env := startSandbox(t, 50_000, 10, 1)
	c := newClient(t, env, 0)
	start := time.Now()
	n := 0
	for _, err := range c.SearchUsers(context.Background(), atlassian.AllDirectories, atlassian.UserSearch{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	elapsed := time.Since(start)
	if want := len(sandbox.ListedUsers(env.State())); n != want {
		t.Fatalf("paged %d users, want the %d listed", n, want)
	}
	t.Logf("paged %d users in %d requests and %v", n, c.Stats().Requests, elapsed.Round(time.Millisecond))
}

func holds(ras []atlassian.RoleAssignment, resourceID, role string) bool {
	for _, ra := range ras {
		if ra.ResourceID == resourceID && slices.Contains(ra.Roles, role) {
			return true
		}
	}
	return false
}

func groupByID(st sandbox.State, id string) sandbox.Group {
	for _, g := range st.Groups {
		if g.ID == id {
			return g
		}
	}
	return sandbox.Group{}
}
