package provider

import (
	"slices"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// The documentation's example that takes a product role away from the
// accounts that never used the product, applied as written to the demo
// organization, revokes exactly the atlassian/user roles on Confluence that
// active people hold themselves and never used, leaves every other role
// (those held through groups included) alone, and names the never-used
// holders through groups in its check.
func TestAccWorkspaceRoleAssignment_neverUsedExample(t *testing.T) {
	org := newDemoOrg(t)
	const role = "atlassian/user"
	confluence := firstWorkspace(t, org.State(), "confluence")

	// The demo organization gives Confluence mostly through groups: give
	// it directly to people who used it, to people who reach it through a
	// group and never used it, and to people who do not reach it, so that
	// the example has both kinds of direct holders to tell apart.
	org.Update(func(st *sandbox.State) error {
		reach := groupReach(*st, confluence.ID)
		picked := map[string]int{}
		for _, u := range sandbox.ListedUsers(*st) {
			if u.Status != "active" || u.AccountType != "atlassian" || holdsDirectly(*st, u.AccountID, confluence.ID, role) {
				continue
			}
			_, used := u.ProductActivity[confluence.ID]
			kind := "unreached"
			switch {
			case used:
				kind = "used"
			case reach[u.AccountID]:
				kind = "unused through a group"
			}
			if picked[kind] == 3 {
				continue
			}
			picked[kind]++
			st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
				AccountID: u.AccountID, ResourceID: confluence.ID, ResourceOwner: confluence.Type, Role: role,
			})
		}
		return nil
	})

	// What the example must do, from the sandbox's state alone.
	before := org.State()
	users := map[string]sandbox.User{}
	for _, u := range sandbox.ListedUsers(before) {
		users[u.AccountID] = u
	}
	neverUsed := func(u sandbox.User) bool {
		_, used := u.ProductActivity[confluence.ID]
		return u.Status == "active" && u.AccountType == "atlassian" && !used
	}
	revoked := map[sandbox.UserRoleAssignment]bool{}
	kept := 0
	for _, a := range before.UserRoleAssignments {
		if a.ResourceID != confluence.ID || a.Role != role {
			continue
		}
		if u, ok := users[a.AccountID]; ok && neverUsed(u) {
			revoked[a] = true
		} else {
			kept++
		}
	}
	var throughGroups []string
	for id := range groupHolders(before, confluence.ID, role) {
		if u, ok := users[id]; ok && neverUsed(u) {
			throughGroups = append(throughGroups, u.Email)
		}
	}
	if len(revoked) == 0 || kept == 0 || len(throughGroups) == 0 {
		t.Fatalf("the example would prove nothing: %d direct holders never used Confluence, %d did, %d never-used holders through groups",
			len(revoked), kept, len(throughGroups))
	}

	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(org.Config(exampleConfig(t, "examples/resources/atlassian_workspace_role_assignment/never-used.tf")))
	res := cli.MustApply()
	after := org.State()
	var want []sandbox.UserRoleAssignment
	for _, a := range before.UserRoleAssignments {
		if !revoked[a] {
			want = append(want, a)
		}
	}
	expectSameAssignments(t, "after the apply", want, after.UserRoleAssignments)
	if !slices.Equal(before.GroupRoleAssignments, after.GroupRoleAssignments) {
		t.Errorf("group roles changed:\nbefore %v\nafter  %v", before.GroupRoleAssignments, after.GroupRoleAssignments)
	}
	for _, email := range throughGroups {
		acctest.ExpectOutput(t, res, acctest.Warning("Check block assertion failed",
			"never used Confluence but hold "+role+" through a group", email+" ("))
	}

	// The next run no longer finds the revoked accounts holding the role:
	// it drops their expired assignments from the state and changes no
	// access; the run after it plans nothing.
	cli.MustApply()
	expectSameAssignments(t, "after the second apply", want, org.State().UserRoleAssignments)
	cli.ExpectEmptyPlan("after the never-used roles were revoked")
}

func firstWorkspace(t *testing.T, st sandbox.State, typeKey string) sandbox.Workspace {
	t.Helper()
	for _, w := range st.Workspaces {
		if w.TypeKey == typeKey {
			return w
		}
	}
	t.Fatalf("the sandbox org has no %s workspace", typeKey)
	return sandbox.Workspace{}
}

func holdsDirectly(st sandbox.State, accountID, workspaceID, role string) bool {
	return slices.ContainsFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == accountID && a.ResourceID == workspaceID && a.Role == role
	})
}

// groupHolders are the accounts holding role on a workspace through a group.
func groupHolders(st sandbox.State, workspaceID, role string) map[string]bool {
	holders := map[string]bool{}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID != workspaceID || a.Role != role {
			continue
		}
		for _, g := range st.Groups {
			if g.ID == a.GroupID {
				for _, id := range g.MemberAccountIDs {
					holders[id] = true
				}
			}
		}
	}
	return holders
}

// groupReach are the accounts that reach a workspace through any role of
// a group.
func groupReach(st sandbox.State, workspaceID string) map[string]bool {
	reach := map[string]bool{}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID != workspaceID {
			continue
		}
		for _, g := range st.Groups {
			if g.ID == a.GroupID {
				for _, id := range g.MemberAccountIDs {
					reach[id] = true
				}
			}
		}
	}
	return reach
}

func expectSameAssignments(t *testing.T, when string, want, got []sandbox.UserRoleAssignment) {
	t.Helper()
	missing := map[sandbox.UserRoleAssignment]int{}
	for _, a := range want {
		missing[a]++
	}
	for _, a := range got {
		if missing[a] == 0 {
			t.Errorf("%s: %s holds %s on %s, which it should not", when, a.AccountID, a.Role, a.ResourceID)
			continue
		}
		missing[a]--
	}
	for a, n := range missing {
		if n > 0 {
			t.Errorf("%s: %s lost %s on %s", when, a.AccountID, a.Role, a.ResourceID)
		}
	}
}
