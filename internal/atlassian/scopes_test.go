package atlassian_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// A key with the read scopes alone reads everything the client reads; a
// write it lacks the scope of fails naming that scope, which Atlassian's
// refusal does not.
func TestReadOnlyScopedKey(t *testing.T) {
	t.Parallel()
	env := startSandbox(t, 20, 4, 2)
	const readOnlyKey = "read-only-scoped-key"
	env.Server.AddScopedKey(readOnlyKey, atlassian.ReadScopes...)
	c, err := atlassian.New(atlassian.Config{
		Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: readOnlyKey},
		Retry:  quickRetries,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := env.Server.State()
	group := writableGroup(st)

	if _, err := c.GetOrganization(ctx); err != nil {
		t.Errorf("reading the organization: %v", err)
	}
	for _, err := range c.Workspaces(ctx) {
		if err != nil {
			t.Errorf("listing workspaces: %v", err)
		}
	}
	for _, err := range c.SearchUsers(ctx, atlassian.AllDirectories, atlassian.UserSearch{}) {
		if err != nil {
			t.Errorf("searching users: %v", err)
		}
	}
	for _, err := range c.GroupMembers(ctx, group.ID) {
		if err != nil {
			t.Errorf("listing a group's members: %v", err)
		}
	}
	for _, err := range c.GroupRoleAssignments(ctx, atlassian.AllDirectories, group.ID) {
		if err != nil {
			t.Errorf("listing a group's roles: %v", err)
		}
	}
	for _, err := range c.UserRoleAssignments(ctx, atlassian.AllDirectories, group.MemberAccountIDs[0]) {
		if err != nil {
			t.Errorf("listing a user's roles: %v", err)
		}
	}

	err = c.AddGroupMember(ctx, group.DirectoryID, group.ID, activeNonMember(st, group).AccountID)
	var apiErr *atlassian.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, atlassian.ErrForbidden) {
		t.Fatalf("adding a member with a read-only key: %v, want a 403", err)
	}
	if apiErr.Scope != atlassian.ScopeWriteGroups || !apiErr.ScopeRefused || !strings.Contains(err.Error(), "lacks the scope write:group:admin, which adding a group member needs") {
		t.Errorf("the refusal does not name the scope to add (Scope %q): %v", apiErr.Scope, err)
	}
	err = c.AssignOrganizationRole(ctx, group.MemberAccountIDs[0], atlassian.RoleOrgAdmin)
	if !errors.As(err, &apiErr) || apiErr.Scope != atlassian.ScopeWriteOrg {
		t.Errorf("giving the organization admin role with a read-only key: %v, want a refusal naming %s", err, atlassian.ScopeWriteOrg)
	}
}

// A refusal that does not speak of a scope (a group synced from an identity
// provider refuses any key) keeps its own advice, and names the scope a key
// with scopes would also need after it.
func TestRefusalForAnotherCauseNamesTheScopeAfterIt(t *testing.T) {
	t.Parallel()
	env := startSandbox(t, 20, 6, 1)
	c := newClient(t, env, 0)
	st := env.Server.State()
	var synced sandbox.Group
	for _, g := range st.Groups {
		if g.ExternalSynced {
			synced = g
		}
	}
	if synced.ID == "" {
		t.Fatal("no group synced from an identity provider in the sandbox")
	}
	err := c.AddGroupMember(context.Background(), synced.DirectoryID, synced.ID, activeNonMember(st, synced).AccountID)
	var apiErr *atlassian.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, atlassian.ErrForbidden) {
		t.Fatalf("adding a member to a synced group: %v, want a 403", err)
	}
	if apiErr.Scope != atlassian.ScopeWriteGroups || apiErr.ScopeRefused {
		t.Errorf("Scope %q, ScopeRefused %v: want the scope as a possible cause only", apiErr.Scope, apiErr.ScopeRefused)
	}
	if !strings.Contains(apiErr.Hint, "identity provider") || !strings.HasSuffix(apiErr.Hint, "If the API key has scopes, it needs the scope write:group:admin, which adding a group member needs.") {
		t.Errorf("hint: %q", apiErr.Hint)
	}
}
