package connector_test

import (
	"slices"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func resourceIDs(t *testing.T, resources []*v2.Resource, wantType string) []string {
	t.Helper()
	out := make([]string, len(resources))
	for i, r := range resources {
		if got := r.GetId().GetResourceType(); got != wantType {
			t.Fatalf("a %s resource among the %s ones", got, wantType)
		}
		out[i] = r.GetId().GetResource()
	}
	slices.Sort(out)
	return out
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestLookupsByHolder: the lookups the effective access questions use find
// what the organization's state says: the accounts and the groups holding a
// role on a workspace (every page of them), the holders of the organization
// admin role, and the groups of an account.
func TestLookupsByHolder(t *testing.T) {
	env := startOrg(t, 150, 12, 2)
	var ws string
	if err := env.Server.Update(func(st *sandbox.State) error {
		w := st.Workspaces[0]
		ws = w.ID
		for _, u := range sandbox.ListedUsers(*st)[:120] {
			st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{AccountID: u.AccountID, ResourceID: w.ID, ResourceOwner: w.Type, Role: "atlassian/user"})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st := env.Server.State()
	users, groups := map[string]bool{}, map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == ws {
			users[a.AccountID] = true
		}
	}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == ws {
			groups[a.GroupID] = true
		}
	}
	if len(users) <= 100 || len(groups) == 0 || len(groups) == len(st.Groups) {
		t.Fatalf("the arranged org should have more than a page of accounts (%d) and some of the %d groups (%d) holding a role on %s", len(users), len(st.Groups), len(groups), ws)
	}

	c, _ := newServer(t, configFor(env))
	var lookups connector.Lookups = c
	ctx := ctxFor(t)
	found, err := lookups.FindUsersWithRoleOn(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resourceIDs(t, found, connector.ResourceTypeUser), sortedKeys(users); !slices.Equal(got, want) {
		t.Errorf("FindUsersWithRoleOn found %d accounts, the state has %d holding a role on %s", len(got), len(want), ws)
	}
	foundGroups, err := lookups.FindGroupsWithRoleOn(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resourceIDs(t, foundGroups, connector.ResourceTypeGroup), sortedKeys(groups); !slices.Equal(got, want) {
		t.Errorf("FindGroupsWithRoleOn found %v, the state has %v", got, want)
	}

	admins := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner == "platform" && a.Role == "atlassian/org-admin" {
			admins[a.AccountID] = true
		}
	}
	if len(admins) == 0 {
		t.Fatal("the arranged org has no organization admin")
	}
	foundAdmins, err := lookups.FindUsersWithRole(ctx, "atlassian/org-admin")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resourceIDs(t, foundAdmins, connector.ResourceTypeUser), sortedKeys(admins); !slices.Equal(got, want) {
		t.Errorf("FindUsersWithRole(atlassian/org-admin) found %v, the state has %v", got, want)
	}

	account := st.Groups[0].MemberAccountIDs[0]
	in := map[string]bool{}
	for _, g := range st.Groups {
		if slices.Contains(g.MemberAccountIDs, account) {
			in[g.ID] = true
		}
	}
	ofAccount, err := lookups.FindGroupsOf(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resourceIDs(t, ofAccount, connector.ResourceTypeGroup), sortedKeys(in); !slices.Equal(got, want) {
		t.Errorf("FindGroupsOf(%s) found %v, the state has %v", account, got, want)
	}
}
