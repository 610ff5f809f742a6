package atlassian_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// wantIDs is every account id of the sandbox plus a few that name nobody.
func wantIDs(st sandbox.State, unknown int) (ids, known []string) {
	// Every account of the state is asked for; the API finds those it
	// lists (not the app and customer accounts, by default).
	for _, u := range st.Users {
		ids = append(ids, u.AccountID)
	}
	for _, u := range sandbox.ListedUsers(st) {
		known = append(known, u.AccountID)
	}
	for i := range unknown {
		ids = append(ids, fmt.Sprintf("712020:00000000-0000-4000-8000-%012d", i))
	}
	return ids, known
}

func foundIDs(users []atlassian.User) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.AccountID)
	}
	slices.Sort(out)
	return out
}

func TestFindUsersBatchesAccountIDs(t *testing.T) {
	env := startSandbox(t, 250, 2, 1)
	ids, known := wantIDs(env.State(), 5)
	ids = append(ids, known[0], known[1], "") // repeats and blanks cost nothing
	c := newClient(t, env, 0)

	env.ResetStats()
	users, err := c.FindUsers(context.Background(), atlassian.AllDirectories, ids)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(known)
	if got := foundIDs(users); !slices.Equal(got, known) {
		t.Fatalf("found %d accounts, want the %d that exist", len(got), len(known))
	}
	// 255 distinct ids in batches of ten (the document's maxItems): 26
	// requests, one page each.
	if got := env.Stats().Total; got != 26 {
		t.Fatalf("%d requests for 255 ids, want 26", got)
	}

	env.ResetStats()
	if users, err := c.FindUsers(context.Background(), atlassian.AllDirectories, nil); err != nil || len(users) != 0 {
		t.Fatalf("no ids: %v, %v", users, err)
	}
	if got := env.Stats().Total; got != 0 {
		t.Fatalf("%d requests for no ids", got)
	}
}

// The document's maxItems of accountIds is ten: an eleventh is refused,
// not served.
func TestUsersSearchSendsNoMoreThanTenAccountIDs(t *testing.T) {
	env := startSandbox(t, 20, 2, 1)
	_, known := wantIDs(env.State(), 0)
	c := newClient(t, env, 0)
	env.ResetStats()
	_, err := c.SearchUsersPage(context.Background(), atlassian.AllDirectories, atlassian.UserSearch{AccountIDs: known[:11]}, "")
	if !errors.Is(err, atlassian.ErrBadRequest) {
		t.Fatalf("eleven accountIds: %v, want a bad request", err)
	}
	if n := env.Stats().Total; n != 0 {
		t.Fatalf("eleven accountIds sent %d requests; Atlassian refuses them, so none should go", n)
	}
	page, err := c.SearchUsersPage(context.Background(), atlassian.AllDirectories, atlassian.UserSearch{AccountIDs: known[:10]}, "")
	if err != nil || len(page.Items) != 10 {
		t.Fatalf("ten accountIds: %d users, %v", len(page.Items), err)
	}
}

// The members of several groups: ten groups to a search, each account once.
func TestFindGroupMembers(t *testing.T) {
	env := startSandbox(t, 300, 14, 1)
	st := env.State()
	want := map[string]bool{}
	var groupIDs []string
	for _, g := range st.Groups {
		groupIDs = append(groupIDs, g.ID)
		for _, id := range g.MemberAccountIDs {
			want[id] = true
		}
	}
	if len(groupIDs) <= atlassian.MaxGroupIDsPerSearch || len(want) == 0 {
		t.Fatalf("%d groups and %d members: the test needs more than ten groups with members", len(groupIDs), len(want))
	}
	c := newClient(t, env, 0)
	users, err := c.FindGroupMembers(context.Background(), atlassian.AllDirectories, groupIDs)
	if err != nil {
		t.Fatal(err)
	}
	got := foundIDs(users)
	if len(got) != len(want) || slices.Compact(slices.Clone(got)) == nil || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("found %d accounts (%d distinct), want the %d members", len(got), len(slices.Compact(slices.Clone(got))), len(want))
	}
	for _, id := range got {
		if !want[id] {
			t.Fatalf("%s is no member of these groups", id)
		}
	}
}
