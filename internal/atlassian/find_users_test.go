package atlassian_test

import (
	"context"
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
	// 255 distinct ids in batches of 100: three requests, one page each.
	if got := env.Stats().Total; got != 3 {
		t.Fatalf("%d requests for 255 ids, want 3", got)
	}

	env.ResetStats()
	if users, err := c.FindUsers(context.Background(), atlassian.AllDirectories, nil); err != nil || len(users) != 0 {
		t.Fatalf("no ids: %v, %v", users, err)
	}
	if got := env.Stats().Total; got != 0 {
		t.Fatalf("%d requests for no ids", got)
	}
}

// An organization that caps accountIds below a page (the reference gives no
// cap): the refused batch is split, and later lookups start small.
func TestFindUsersSplitsRefusedBatches(t *testing.T) {
	env := startSandbox(t, 120, 2, 1)
	env.Update(func(st *sandbox.State) error {
		st.Settings.MaxAccountIDsPerQuery = 10
		return nil
	})
	ids, known := wantIDs(env.State(), 0)
	slices.Sort(known)
	c := newClient(t, env, 0)

	env.ResetStats()
	users, err := c.FindUsers(context.Background(), atlassian.AllDirectories, ids)
	if err != nil {
		t.Fatal(err)
	}
	if got := foundIDs(users); !slices.Equal(got, known) {
		t.Fatalf("found %d accounts, want %d", len(got), len(known))
	}
	// Two refused batches (100 and 20 ids), then 12 batches of 10.
	if got := env.Stats().Total; got != 14 {
		t.Fatalf("%d requests, want 2 refused and 12 of ten ids", got)
	}

	env.ResetStats()
	if _, err := c.FindUsers(context.Background(), atlassian.AllDirectories, ids); err != nil {
		t.Fatal(err)
	}
	if got := env.Stats().Total; got != 12 {
		t.Fatalf("second lookup: %d requests, want 12 (no refused batch)", got)
	}
}
