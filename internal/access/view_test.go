package access_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

const (
	routeUserSearch = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search"
	routeGroupRoles = "GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/role-assignments"
	routeAddMember  = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/memberships"
)

func newView(t *testing.T, users int) (*access.View, *sandboxtest.Env) {
	t.Helper()
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = users, 6, 2, 3
	env := sandboxtest.Start(t, opts)
	d, err := access.Open(context.Background(), orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token})
	if err != nil {
		t.Fatal(err)
	}
	return d, env
}

func writableGroup(t *testing.T, st sandbox.State) sandbox.Group {
	t.Helper()
	for _, g := range st.Groups {
		if !g.ExternalSynced && len(g.MemberAccountIDs) > 0 && len(g.MemberAccountIDs) <= 100 {
			return g
		}
	}
	t.Fatal("no writable group")
	return sandbox.Group{}
}

// Terraform reads thousands of memberships in parallel: they must share one
// listing of the group, fetched once.
func TestConcurrentReadersShareOneListing(t *testing.T) {
	d, env := newView(t, 150)
	st := env.State()
	g := writableGroup(t, st)
	env.ResetStats()
	var wg sync.WaitGroup
	errs := make(chan error, len(st.Users))
	for _, u := range st.Users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			member, found, err := d.IsMember(context.Background(), g.ID, u.AccountID)
			if err != nil || !found {
				errs <- fmt.Errorf("IsMember(%s): %v, found %v", u.AccountID, err, found)
				return
			}
			want := false
			for _, m := range g.MemberAccountIDs {
				want = want || m == u.AccountID
			}
			if member != want {
				errs <- fmt.Errorf("IsMember(%s) = %v, want %v", u.AccountID, member, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	stats := env.Stats()
	if stats.ByRoute[routeUserSearch] != 1 || stats.ByRoute[routeGroupRoles] != 1 || stats.Total != 2 {
		t.Fatalf("%d readers cost %v; want one member page and one role page", len(st.Users), stats.ByRoute)
	}
}

// A write updates the cached listing: the next read needs no request and
// sees the write.
func TestWritesUpdateTheListing(t *testing.T) {
	d, env := newView(t, 60)
	ctx := context.Background()
	st := env.State()
	g := writableGroup(t, st)
	var outsider string
	for _, u := range st.Users {
		if u.Status == "active" && !contains(g.MemberAccountIDs, u.AccountID) {
			outsider = u.AccountID
			break
		}
	}
	if _, _, err := d.GroupMembers(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if d.Applying() {
		t.Fatal("Applying before any write")
	}
	already, err := d.AddMember(ctx, g.ID, outsider)
	if err != nil || already {
		t.Fatalf("AddMember: already %v, %v", already, err)
	}
	if !d.Applying() {
		t.Fatal("not Applying after a write")
	}
	env.ResetStats()
	member, _, err := d.IsMember(ctx, g.ID, outsider)
	if err != nil || !member || env.Stats().Total != 0 {
		t.Fatalf("after add: member %v, err %v, %d requests", member, err, env.Stats().Total)
	}
	already, err = d.AddMember(ctx, g.ID, outsider)
	if err != nil || !already {
		t.Fatalf("repeated AddMember: already %v, %v", already, err)
	}
	if _, err := d.RemoveMember(ctx, g.ID, outsider); err != nil {
		t.Fatal(err)
	}
	if member, _, _ := d.IsMember(ctx, g.ID, outsider); member {
		t.Fatal("removed member still cached as a member")
	}

	role := access.Role{WorkspaceID: st.Workspaces[0].ID, Role: "atlassian/stakeholder"}
	p := access.Principal{Type: access.TypeGroup, ID: g.ID}
	if _, err := d.AssignRole(ctx, p, role); err != nil {
		t.Fatal(err)
	}
	if has, found, err := d.HasRole(ctx, p, role); err != nil || !found || !has {
		t.Fatalf("HasRole after AssignRole: %v %v %v", has, found, err)
	}
}

func TestVanishedAndUnknownThings(t *testing.T) {
	d, env := newView(t, 30)
	ctx := context.Background()
	if _, found, err := d.GroupMembers(ctx, "00000000-0000-0000-0000-000000000000"); err != nil || found {
		t.Fatalf("unknown group: found %v, %v", found, err)
	}
	if _, found, err := d.Account(ctx, "no-such-account"); err != nil || found {
		t.Fatalf("unknown account: found %v, %v", found, err)
	}
	if _, found, err := d.Workspace(ctx, "ari:cloud:jira::site/none"); err != nil || found {
		t.Fatalf("unknown workspace: found %v, %v", found, err)
	}
	st := env.State()
	_, err := d.AddMember(ctx, writableGroup(t, st).ID, "no-such-account")
	if !errors.Is(err, access.ErrNotFound) {
		t.Fatalf("adding an unknown account: %v", err)
	}
}

// Many single lookups switch to one listing, and repeated lookups cost
// nothing: a plan that checks a thousand references does not send a
// thousand requests.
func TestManyLookupsUseOneListing(t *testing.T) {
	d, env := newView(t, 450)
	st := env.State()
	st.Users = sandbox.ListedUsers(st) // the accounts the API lists
	env.ResetStats()
	for range 2 {
		for _, u := range st.Users {
			a, found, err := d.Account(context.Background(), u.AccountID)
			if err != nil || !found || a.Email != u.Email {
				t.Fatalf("Account(%s) = %+v, %v, %v", u.AccountID, a, found, err)
			}
		}
	}
	// 25 single reads, then one listing of 5 pages of 100.
	if total := env.Stats().Total; total > 25+5 {
		t.Fatalf("%d lookups cost %d requests", 2*len(st.Users), total)
	}

	env.ResetStats()
	for range 3 {
		for _, g := range st.Groups {
			if _, found, err := d.Group(context.Background(), g.ID); err != nil || !found {
				t.Fatalf("Group(%s): %v, %v", g.ID, found, err)
			}
		}
	}
	if total := env.Stats().Total; total != int64(len(st.Groups)) {
		t.Fatalf("3 rounds of lookups of %d groups cost %d requests, want one each", len(st.Groups), total)
	}
}

// FindAccounts looks accounts up in batches, remembers what it found, and
// answers from the full listing once the process has one.
func TestFindAccountsBatchesAndRemembers(t *testing.T) {
	d, env := newView(t, 450)
	ctx := context.Background()
	st := env.State()
	st.Users = sandbox.ListedUsers(st) // the accounts the API lists
	var ids []string
	for _, u := range st.Users[:300] {
		ids = append(ids, u.AccountID)
	}
	ids = append(ids, "5b10ac8d82e05b22deadbeef") // names nobody

	env.ResetStats()
	found, err := d.FindAccounts(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 300 || found[st.Users[7].AccountID].Email != st.Users[7].Email {
		t.Fatalf("found %d accounts (want 300), user 7 = %+v", len(found), found[st.Users[7].AccountID])
	}
	if _, ok := found["5b10ac8d82e05b22deadbeef"]; ok {
		t.Fatal("an id that names nobody was found")
	}
	if total := env.Stats().Total; total != 31 {
		t.Fatalf("301 ids cost %d requests, want 31 batches of at most ten (Atlassian's maxItems)", total)
	}

	// Found accounts are remembered: only the unknown id is asked again.
	env.ResetStats()
	if _, err := d.FindAccounts(ctx, ids); err != nil {
		t.Fatal(err)
	}
	if a, found, err := d.Account(ctx, st.Users[0].AccountID); err != nil || !found || a.ID != st.Users[0].AccountID {
		t.Fatalf("Account after FindAccounts: %+v, %v, %v", a, found, err)
	}
	if total := env.Stats().Total; total != 1 {
		t.Fatalf("asking again cost %d requests, want 1 (the unknown id)", total)
	}

	// With the full listing in hand, nothing is asked.
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	env.ResetStats()
	found, err = d.FindAccounts(ctx, []string{st.Users[len(st.Users)-1].AccountID, "5b10ac8d82e05b22deadbeef"})
	if err != nil || len(found) != 1 {
		t.Fatalf("from the listing: %v, %v", found, err)
	}
	if total := env.Stats().Total; total != 0 {
		t.Fatalf("with a listing, FindAccounts cost %d requests", total)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FindMemberAccounts reads groups' members by group when that costs fewer
// requests than by id (ten ids a request), and by id otherwise.
func TestFindMemberAccountsPicksTheCheaperLookup(t *testing.T) {
	d, env := newView(t, 450)
	ctx := context.Background()
	st := env.State()
	var big sandbox.Group
	for _, g := range st.Groups {
		if len(g.MemberAccountIDs) > len(big.MemberAccountIDs) {
			big = g
		}
	}
	if len(big.MemberAccountIDs) <= 20 {
		t.Fatalf("the largest group has %d members: the test needs more than 20", len(big.MemberAccountIDs))
	}

	// A group's members, none known: one search by group costs a page per
	// hundred members, where ids would cost one request per ten.
	env.ResetStats()
	found, err := d.FindMemberAccounts(ctx, map[string][]string{big.ID: big.MemberAccountIDs})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != len(big.MemberAccountIDs) {
		t.Fatalf("found %d accounts of %d members", len(found), len(big.MemberAccountIDs))
	}
	pages := (len(big.MemberAccountIDs) + 99) / 100
	if got := env.Stats().ByRoute[routeUserSearch]; got != int64(pages) || env.Stats().Total != int64(pages) {
		t.Fatalf("%d members cost %v, want %d page(s) of the search by group", len(big.MemberAccountIDs), env.Stats().ByRoute, pages)
	}

	// Asked again, they are known: nothing is sent. With one member of
	// another group unknown, that one is read by id.
	var other sandbox.Group
	var stranger string
	for _, g := range st.Groups {
		for _, id := range g.MemberAccountIDs {
			if _, known := found[id]; !known && g.ID != big.ID {
				other, stranger = g, id
			}
		}
	}
	if stranger == "" {
		t.Fatal("every member of every group is in the largest group")
	}
	env.ResetStats()
	again, err := d.FindMemberAccounts(ctx, map[string][]string{big.ID: big.MemberAccountIDs, other.ID: {stranger}})
	if err != nil || len(again) != len(big.MemberAccountIDs)+1 {
		t.Fatalf("found %d accounts, want %d: %v", len(again), len(big.MemberAccountIDs)+1, err)
	}
	if total := env.Stats().Total; total != 1 {
		t.Fatalf("one unknown account cost %d requests, want 1", total)
	}
}

// A group's member listing carries whole accounts: looking its members up
// afterwards costs nothing.
func TestListedMembersAnswerLookups(t *testing.T) {
	d, env := newView(t, 120)
	ctx := context.Background()
	g := writableGroup(t, env.State())
	if _, found, err := d.GroupMembers(ctx, g.ID); err != nil || !found {
		t.Fatalf("GroupMembers: %v, %v", found, err)
	}
	env.ResetStats()
	accounts, err := d.FindAccounts(ctx, g.MemberAccountIDs)
	if err != nil || len(accounts) != len(g.MemberAccountIDs) {
		t.Fatalf("found %d accounts of %d members: %v", len(accounts), len(g.MemberAccountIDs), err)
	}
	want := map[string]string{}
	for _, u := range env.State().Users {
		want[u.AccountID] = u.Email
	}
	for id, a := range accounts {
		if a.Email != want[id] {
			t.Fatalf("account %s has email %q, want %q", id, a.Email, want[id])
		}
	}
	if total := env.Stats().Total; total != 0 {
		t.Fatalf("looking up %d listed members cost %d requests", len(g.MemberAccountIDs), total)
	}

	// A listed member whose status this process changes is not answered
	// as it was listed.
	d2, err := access.Open(ctx, orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token})
	if err != nil {
		t.Fatal(err)
	}
	var member string
	for _, u := range env.State().Users {
		if u.Status == "active" && len(u.PlatformRoles) == 0 && slices.Contains(g.MemberAccountIDs, u.AccountID) {
			member = u.AccountID
			break
		}
	}
	if member == "" {
		t.Fatal("no active member without platform roles to suspend")
	}
	if _, _, err := d2.GroupMembers(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d2.SuspendAccount(ctx, member, ""); err != nil {
		t.Fatal(err)
	}
	after, err := d2.FindAccounts(ctx, []string{member})
	if err != nil || after[member].Status != "suspended" {
		t.Fatalf("after suspending %s, FindAccounts answers %+v, %v; want it suspended", member, after[member], err)
	}
}

// The Held* answers, which messages use to name accounts, groups and
// workspaces, never send a request: before anything is read they know
// nothing, after a read or a listing they answer from it.
func TestHeldAnswersWithoutRequests(t *testing.T) {
	d, env := newView(t, 20)
	ctx := context.Background()
	st := env.State()
	user, group, workspace := sandbox.ListedUsers(st)[3], st.Groups[1], st.Workspaces[0]

	env.ResetStats()
	if _, found := d.HeldAccount(user.AccountID); found {
		t.Error("an account is held before anything was read")
	}
	if _, found := d.HeldGroup(group.ID); found {
		t.Error("a group is held before anything was read")
	}
	if _, found := d.HeldWorkspace(workspace.ID); found {
		t.Error("a workspace is held before anything was read")
	}
	if total := env.Stats().Total; total != 0 {
		t.Fatalf("asking what is held cost %d requests", total)
	}

	if _, _, err := d.Account(ctx, user.AccountID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Group(ctx, group.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Workspaces(ctx); err != nil {
		t.Fatal(err)
	}
	env.ResetStats()
	if a, found := d.HeldAccount(user.AccountID); !found || a.Email != user.Email {
		t.Errorf("held account %+v, %v; want the email %s", a, found, user.Email)
	}
	if g, found := d.HeldGroup(group.ID); !found || g.Name != group.Name {
		t.Errorf("held group %+v, %v; want the name %s", g, found, group.Name)
	}
	if w, found := d.HeldWorkspace(workspace.ID); !found || w.Name != workspace.Name {
		t.Errorf("held workspace %+v, %v; want the name %s", w, found, workspace.Name)
	}
	if total := env.Stats().Total; total != 0 {
		t.Fatalf("answering from what was read cost %d requests", total)
	}
}
