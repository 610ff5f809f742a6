package atlassian_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// The sandbox answers as Atlassian's document says; where the real service
// is known to answer otherwise, or may, a sandbox setting gives that other
// answer. These tests run the client against both.

// answerModes are the documented answers and the other plausible ones.
var answerModes = []struct {
	name   string
	adjust func(s *sandbox.Settings)
}{
	{"documented", func(*sandbox.Settings) {}},
	{"undocumented", func(s *sandbox.Settings) {
		s.SuspendRestoreReturnBody = true
		s.GroupRoleAssignReturns204 = true
		s.NumericErrorStatus = true
		s.GatewayRateLimitBody = true
	}},
}

func inMode(t *testing.T, env *sandboxtest.Env, adjust func(s *sandbox.Settings)) {
	t.Helper()
	env.Update(func(st *sandbox.State) error {
		st.Settings = sandbox.DefaultSettings()
		adjust(&st.Settings)
		return nil
	})
}

func TestWritesSurviveEitherAnswer(t *testing.T) {
	env := startSandbox(t, 20, 4, 1)
	ctx := context.Background()
	for _, mode := range answerModes {
		t.Run(mode.name, func(t *testing.T) {
			inMode(t, env, mode.adjust)
			c := newClient(t, env, 0)
			st := env.State()
			g := writableGroup(st)
			u := activeNonMember(st, g)

			if err := c.SuspendUser(ctx, u.DirectoryID, u.AccountID); err != nil {
				t.Fatalf("suspend: %v", err)
			}
			if got := userByID(env.State(), u.AccountID); got.Status != atlassian.UserStatusSuspended {
				t.Fatalf("after suspend the sandbox holds %+v", got)
			}
			if err := c.RestoreUser(ctx, u.DirectoryID, u.AccountID); err != nil {
				t.Fatalf("restore: %v", err)
			}
			if got := userByID(env.State(), u.AccountID); got.Status != atlassian.UserStatusActive {
				t.Fatalf("after restore the sandbox holds %+v", got)
			}

			ws := st.Workspaces[0].ID
			for range 2 { // the second assign repeats the first
				if err := c.AssignGroupRole(ctx, g.DirectoryID, g.ID, ws, "atlassian/admin"); err != nil {
					t.Fatalf("group role assign: %v", err)
				}
			}
			if err := c.RevokeGroupRole(ctx, g.DirectoryID, g.ID, ws, "atlassian/admin"); err != nil {
				t.Fatalf("group role revoke: %v", err)
			}
		})
	}
}

// TestCreateGroupLearnsTheNewGroupCheaply: the group comes from the body
// when there is one, from a Location header when there is one, and by its
// exact name otherwise; requests are counted.
func TestCreateGroupLearnsTheNewGroupCheaply(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	dir := env.State().Directories[0].ID
	for _, answer := range []struct {
		name           string
		body, location bool
		requests       int64
	}{
		{name: "documented: no body", requests: 2}, // the create, then the lookup by name
		{name: "a body", body: true, requests: 1},
		{name: "a Location header", location: true, requests: 1},
	} {
		t.Run(answer.name, func(t *testing.T) {
			inMode(t, env, func(s *sandbox.Settings) {
				s.CreateGroupReturnsBody, s.CreateGroupLocation = answer.body, answer.location
			})
			c := newClient(t, env, 0)
			name := "created with " + answer.name
			g, err := c.CreateGroup(context.Background(), dir, name, "described")
			if err != nil {
				t.Fatal(err)
			}
			want := groupNamed(env.State(), name)
			if g.ID != want.ID || g.Name != name || g.DirectoryID != dir {
				t.Fatalf("created %+v, the sandbox holds %+v", g, want)
			}
			if n := c.Stats().Requests; n != answer.requests {
				t.Fatalf("%d requests, want %d", n, answer.requests)
			}
		})
	}
}

func TestErrorsDecodeWithEitherStatusType(t *testing.T) {
	env := startSandbox(t, 20, 4, 1)
	ctx := context.Background()
	for _, mode := range answerModes {
		t.Run(mode.name, func(t *testing.T) {
			inMode(t, env, mode.adjust)
			c := newClient(t, env, 0)
			st := env.State()
			g := writableGroup(st)
			member := g.MemberAccountIDs[0]

			err := c.AddGroupMember(ctx, g.DirectoryID, "no-such-group", member)
			wantAPIError(t, err, atlassian.ErrNotFound, 404, "ADMIN-UAM-404-3")
			_, err = c.GetGroup(ctx, atlassian.AllDirectories, "no-such-group")
			wantAPIError(t, err, atlassian.ErrNotFound, 404, "ADMIN-UAM-404-3")
			err = c.AddGroupMember(ctx, g.DirectoryID, g.ID, member)
			wantAPIError(t, err, atlassian.ErrAlreadyExists, 409, "ADMIN-UAM-409-2")
		})
	}
}

func TestRateLimitInEitherEnvelope(t *testing.T) {
	env := startSandbox(t, 20, 4, 1)
	ctx := context.Background()
	for _, mode := range answerModes {
		t.Run(mode.name, func(t *testing.T) {
			inMode(t, env, mode.adjust)
			env.SetFaults(sandbox.Faults{RateLimitPerSecond: 0.01})
			defer env.ClearFaults()
			c, err := atlassian.New(atlassian.Config{
				Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token},
				Retry:  atlassian.RetryPolicy{MaxAttempts: 1},
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetOrganization(ctx); err != nil { // takes the one token
				t.Fatal(err)
			}
			_, err = c.GetGroup(ctx, atlassian.AllDirectories, writableGroup(env.State()).ID)
			code := "ADMIN-429-1" // a v2 route's documented errors[] envelope
			if mode.name != "documented" {
				code = "" // the gateway's {code, message}
			}
			wantAPIError(t, err, atlassian.ErrRateLimited, 429, code)
			_, err = c.GetOrganization(ctx) // a v1 route: {code, message} in both
			wantAPIError(t, err, atlassian.ErrRateLimited, 429, "")
		})
	}
}

// TestUnknownAccountTypeIsKept: an account of a type the client does not
// know is read and listed with that type, not dropped or refused.
func TestUnknownAccountTypeIsKept(t *testing.T) {
	env := startSandbox(t, 20, 4, 1)
	u := activeNonMember(env.State(), writableGroup(env.State()))
	env.Update(func(st *sandbox.State) error {
		for i := range st.Users {
			if st.Users[i].AccountID == u.AccountID {
				st.Users[i].AccountType = "some-future-kind"
			}
		}
		return nil
	})
	// The document's only accountType is "atlassian": other kinds come only
	// from a service that shows them, as the setting does.
	env.Update(func(st *sandbox.State) error { st.Settings.ListNonAtlassianAccounts = true; return nil })
	c := newClient(t, env, 0)
	got, err := c.GetUser(context.Background(), atlassian.AllDirectories, u.AccountID)
	if err != nil || got.AccountType != "some-future-kind" {
		t.Fatalf("GetUser = %+v, %v", got, err)
	}
	found, err := c.FindUsers(context.Background(), atlassian.AllDirectories, []string{u.AccountID})
	if err != nil || len(found) != 1 || found[0].AccountType != "some-future-kind" {
		t.Fatalf("FindUsers = %+v, %v", found, err)
	}
}

func wantAPIError(t *testing.T, err error, kind error, status int, code string) {
	t.Helper()
	var apiErr *atlassian.APIError
	if !errors.Is(err, kind) || !errors.As(err, &apiErr) {
		t.Fatalf("error %v, want %v", err, kind)
	}
	if apiErr.StatusCode != status || apiErr.Code != code || apiErr.Detail == "" {
		t.Fatalf("error %+v, want status %d and code %q with a detail", apiErr, status, code)
	}
}

func userByID(st sandbox.State, id string) sandbox.User {
	for _, u := range st.Users {
		if u.AccountID == id {
			return u
		}
	}
	return sandbox.User{}
}

func groupNamed(st sandbox.State, name string) sandbox.Group {
	for _, g := range st.Groups {
		if g.Name == name {
			return g
		}
	}
	return sandbox.Group{}
}

// TestWriteErrorsWithoutABody: the document declares the failures of the
// v2 writes without a body, so no code may come to tell them apart; the
// client still tells the user what happened.
func TestWriteErrorsWithoutABody(t *testing.T) {
	env := startSandbox(t, 40, 6, 2)
	ctx := context.Background()
	inMode(t, env, func(s *sandbox.Settings) { s.WriteErrorsWithoutBody = true })
	c := newClient(t, env, 0)
	st := env.State()
	g := writableGroup(st)
	ws := st.Workspaces[0].ID

	err := c.AddGroupMember(ctx, g.DirectoryID, g.ID, g.MemberAccountIDs[0])
	if !errors.Is(err, atlassian.ErrAlreadyExists) {
		t.Fatalf("repeated add: %v", err)
	}
	if err := c.AddGroupMember(ctx, g.DirectoryID, "no-such-group", g.MemberAccountIDs[0]); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("unknown group: %v", err)
	}
	if _, err := c.CreateGroup(ctx, g.DirectoryID, g.Name, ""); !errors.Is(err, atlassian.ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}
	for _, synced := range st.Groups {
		if synced.ExternalSynced {
			if err := c.DeleteGroup(ctx, synced.DirectoryID, synced.ID); !errors.Is(err, atlassian.ErrForbidden) {
				t.Fatalf("deleting a synced group: %v", err)
			}
			break
		}
	}

	// A full licence: the group gives access to the workspace, which has no
	// seat left for a newcomer.
	if err := c.AssignGroupRole(ctx, g.DirectoryID, g.ID, ws, "atlassian/user"); err != nil {
		t.Fatal(err)
	}
	holders := sandboxtest.LicensedAccounts(env.State(), ws)
	env.Update(func(s *sandbox.State) error { s.Settings.LicenceLimit = len(holders); return nil })
	var newcomer sandbox.User
	for _, u := range env.State().Users {
		if u.Status == atlassian.UserStatusActive && !holders[u.AccountID] {
			newcomer = u
			break
		}
	}
	if newcomer.AccountID == "" {
		t.Fatal("every active account holds a role on the workspace")
	}
	before := c.Stats().Requests
	err = c.AddGroupMember(ctx, g.DirectoryID, g.ID, newcomer.AccountID)
	if !errors.Is(err, atlassian.ErrLicenceLimit) {
		t.Fatalf("add past the licence limit: %v", err)
	}
	if n := c.Stats().Requests - before; n != 2 {
		t.Fatalf("%d requests for the refused add, want the add and one membership read", n)
	}
	other := groupWithout(env.State(), g.ID, newcomer.AccountID)
	if err := c.AddGroupMember(ctx, other.DirectoryID, other.ID, newcomer.AccountID); err != nil {
		t.Fatal(err)
	}
	if err := c.AssignGroupRole(ctx, other.DirectoryID, other.ID, ws, "atlassian/user"); !errors.Is(err, atlassian.ErrLicenceLimit) {
		t.Fatalf("group role past the licence limit: %v", err)
	}
}

// groupWithout is a writable group other than except that the account is
// not in and that holds no role on any workspace.
func groupWithout(st sandbox.State, except, accountID string) sandbox.Group {
	for _, g := range st.Groups {
		if g.ID == except || g.ExternalSynced || g.Default || slices.Contains(g.MemberAccountIDs, accountID) {
			continue
		}
		if !slices.ContainsFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.GroupID == g.ID }) {
			return g
		}
	}
	panic("no writable group without roles")
}
