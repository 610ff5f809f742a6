package atlassian_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

const inviteRoute = "POST /admin/v2/orgs/{orgId}/users/invite"

func TestSearchUsersResendsFiltersToTheLastPage(t *testing.T) {
	env := startSandbox(t, 157, 6, 1)
	c := newClient(t, env, 9)
	st := env.State()
	var want []string
	for _, u := range st.Users {
		if u.Status == atlassian.UserStatusActive && u.MFAEnabled {
			want = append(want, u.AccountID)
		}
	}
	yes := true
	users, err := atlassian.Collect(c.SearchUsers(context.Background(), atlassian.AllDirectories,
		atlassian.UserSearch{Statuses: []string{atlassian.UserStatusActive}, MFAEnabled: &yes, PlatformRoles: true}))
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(users))
	for i, u := range users {
		got[i] = u.AccountID
		if u.MFAEnabled == nil || !*u.MFAEnabled {
			t.Fatalf("user %s: mfaEnabled = %v", u.AccountID, u.MFAEnabled)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("searched %d users, want %d", len(got), len(want))
	}
	pages := int64((len(want) + 8) / 9)
	if n := env.Stats().ByRoute["POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search"]; n != pages {
		t.Fatalf("%d search requests, want %d pages", n, pages)
	}
}

func TestFindUsersByEmailInBatches(t *testing.T) {
	env := startSandbox(t, 80, 4, 1)
	c := newClient(t, env, 0)
	var emails, want []string
	for _, u := range env.State().Users {
		if u.Email != "" && len(emails) < 23 {
			emails = append(emails, strings.ToUpper(u.Email))
			want = append(want, u.AccountID)
		}
	}
	emails = append(emails, "nobody@nowhere.example")
	env.ResetStats()
	users, err := c.FindUsersByEmail(context.Background(), atlassian.AllDirectories, emails)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(users))
	for i, u := range users {
		got[i] = u.AccountID
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
	if n := env.Stats().Total; n != 1 {
		t.Fatalf("24 emails took %d requests, want 1 (a hundred a request)", n)
	}
}

func TestDirectoriesAndRemoveFromDirectory(t *testing.T) {
	env := startSandbox(t, 20, 4, 1)
	c := newClient(t, env, 0)
	dirs, err := atlassian.Collect(c.Directories(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	st := env.State()
	if len(dirs) != 1 || dirs[0].ID != st.Directories[0].ID || dirs[0].Name == "" {
		t.Fatalf("directories = %+v", dirs)
	}
	victim := st.Users[0].AccountID
	if err := c.RemoveFromDirectory(context.Background(), dirs[0].ID, victim); err != nil {
		t.Fatal(err)
	}
	err = c.RemoveFromDirectory(context.Background(), dirs[0].ID, victim)
	if !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("removing twice: %v, want ErrNotFound", err)
	}
	if _, err := c.GetUser(context.Background(), atlassian.AllDirectories, victim); !errors.Is(err, atlassian.ErrNotFound) {
		t.Fatalf("the removed account is still there: %v", err)
	}
}

func TestInviteInChunksWithPartialResults(t *testing.T) {
	env := startSandbox(t, 20, 4, 2)
	c := newClient(t, env, 0)
	st := env.State()
	ws := st.Workspaces[0].ID
	emails := make([]string, 30)
	for i := range emails {
		emails[i] = fmt.Sprintf("invitee%02d@invited.example", i)
	}
	env.ResetStats()
	results, err := c.Invite(context.Background(), atlassian.Invitation{
		Emails: emails,
		Rules:  []atlassian.PermissionRule{{Resource: ws, Role: "atlassian/user"}, {Resource: ws, Role: "atlassian/viewer"}},
		Groups: []string{"no-such-group"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := env.Stats().ByRoute[inviteRoute]; n != 2 {
		t.Fatalf("30 emails took %d invite calls, want 2", n)
	}
	if len(results) != 30 {
		t.Fatalf("%d results", len(results))
	}
	for i, r := range results {
		if r.Email != emails[i] || r.AccountID == "" || !r.Reported || len(r.Roles) != 2 || len(r.Groups) != 1 {
			t.Fatalf("result %d = %+v", i, r)
		}
		if r.Roles[0].Failed() || r.Roles[0].Role != "atlassian/user" || !r.Roles[1].Failed() || r.Roles[1].Reason == "" || !r.Groups[0].Failed() {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
}

func TestInvitePaymentRequired(t *testing.T) {
	env := startSandbox(t, 5, 2, 1)
	env.Update(func(st *sandbox.State) error { st.Settings.PaidSubscription = false; return nil })
	_, err := newClient(t, env, 0).Invite(context.Background(), atlassian.Invitation{Emails: []string{"a@invited.example"}})
	var apiErr *atlassian.APIError
	if !errors.Is(err, atlassian.ErrPaymentRequired) || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Hint, "paid subscription") {
		t.Fatalf("err = %v, want ErrPaymentRequired with a hint", err)
	}
}

// TestInviteSurvivesAnEmptyAccepted: should Atlassian answer 202 without a
// body, the client finds the invited accounts by email.
func TestInviteSurvivesAnEmptyAccepted(t *testing.T) {
	env := startSandbox(t, 5, 2, 1)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/users/invite") {
			env.Handler.ServeHTTP(httptest.NewRecorder(), r)
			w.WriteHeader(http.StatusAccepted)
			return
		}
		env.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	c, err := atlassian.New(atlassian.Config{
		Config: orgconfig.Config{BaseURL: proxy.URL, OrganizationID: env.OrgID, APIToken: env.Token},
		Retry:  quickRetries,
	})
	if err != nil {
		t.Fatal(err)
	}
	results, err := c.Invite(context.Background(), atlassian.Invitation{Emails: []string{"quiet@invited.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].AccountID == "" || results[0].Reported {
		t.Fatalf("results = %+v", results)
	}
}
