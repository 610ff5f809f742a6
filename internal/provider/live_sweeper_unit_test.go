package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// The sweeper, run as -sweep runs it (from the environment), deletes the
// groups named with the test prefix, members and all, and no other group:
// not one whose name has the prefix elsewhere or in other letter case.
func TestSweepLiveGroups(t *testing.T) {
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = 30, 5, 1, 42
	env := sandboxtest.Start(t, opts)
	t.Setenv(envLiveOrganizationID, env.OrgID)
	t.Setenv(envLiveAPIToken, env.Token)
	t.Setenv(envLiveBaseURL, env.URL)
	cfg, err := orgconfig.New(orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Out of band, through the admin API: two leftovers of the live tests
	// (one with a member and a workspace role, as a failed run leaves it)
	// and three groups that only look like them.
	d, err := access.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := d.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	member := slices.IndexFunc(accounts, func(a access.Account) bool { return a.Status == "active" && a.AccountType == "atlassian" })
	if member < 0 {
		t.Fatal("the organization has no active staff account")
	}
	workspaces, err := d.Workspaces(ctx)
	if err != nil || len(workspaces) == 0 {
		t.Fatalf("workspaces: %v, %v", workspaces, err)
	}
	create := func(name string) access.Group {
		t.Helper()
		g, err := d.CreateGroup(ctx, name, "")
		if err != nil {
			t.Fatalf("creating group %q: %v", name, err)
		}
		return g
	}
	leftover := create(liveGroupName())
	create(liveGroupName())
	if _, err := d.AddMember(ctx, leftover.ID, accounts[member].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AssignRole(ctx, access.Principal{Type: access.TypeGroup, ID: leftover.ID}, access.Role{WorkspaceID: workspaces[0].ID, Role: "atlassian/user"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"team-" + liveNamePrefix + "x", strings.ToUpper(liveNamePrefix) + "upper", strings.TrimSuffix(liveNamePrefix, "-")} {
		create(name)
	}

	groupNames := func() []string {
		t.Helper()
		fresh, err := access.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		groups, err := fresh.Groups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range groups {
			names = append(names, g.Name)
		}
		slices.Sort(names)
		return names
	}
	before := groupNames()
	want := slices.DeleteFunc(slices.Clone(before), func(name string) bool { return strings.HasPrefix(name, liveNamePrefix) })
	if len(before)-len(want) != 2 {
		t.Fatalf("the organization holds %d test groups before the sweep, want the 2 just created: %v", len(before)-len(want), before)
	}

	if err := sweepLiveGroups("any-region"); err != nil {
		t.Fatalf("sweeper: %v", err)
	}
	if got := groupNames(); !slices.Equal(got, want) {
		t.Fatalf("groups after the sweep:\n%v\nwant:\n%v", got, want)
	}

	// A second sweep finds nothing to do.
	if err := sweepLiveGroups("any-region"); err != nil {
		t.Fatalf("second sweep: %v", err)
	}
}

// Without the organization in the environment, the sweeper fails naming
// the variables it needs, and sends nothing.
func TestSweepLiveGroups_needsTheEnvironment(t *testing.T) {
	t.Setenv(envLiveOrganizationID, "")
	t.Setenv(envLiveAPIToken, "")
	err := sweepLiveGroups("any-region")
	if err == nil || !strings.Contains(err.Error(), envLiveOrganizationID) || !strings.Contains(err.Error(), envLiveAPIToken) {
		t.Fatalf("sweeper without the environment: %v", err)
	}
}
