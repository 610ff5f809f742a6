package sandboxtest

import (
	"cmp"
	"slices"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// AccessRows computes who holds what from the sandbox's state alone, as the
// independent answer that the access report and the effective access data
// source are checked against: every group membership, every role an
// account holds itself, and every role of a group once per member of the
// group, through it. Roles on projects and goals, which the connector does
// not model, are left out, and so are the accounts the directory API does
// not list (sandbox.ListedUsers). Each row is: account id, email, name, account
// status, claim status, access type, resource id, resource name, role,
// path ("direct" or the group's name) and the path's group id; rows are in
// the documented order (email, resource name, resource id, access type,
// role, the group of the path, account id).
func AccessRows(st sandbox.State) [][]string {
	users := map[string]sandbox.User{}
	for _, u := range sandbox.ListedUsers(st) {
		users[u.AccountID] = u
	}
	// A workspace is named as the connector names it.
	workspaces := map[string]string{}
	for _, w := range st.Workspaces {
		workspaces[w.ID] = cmp.Or(w.Name, w.HostURL, w.ID)
	}
	groups := map[string]sandbox.Group{}
	for _, g := range st.Groups {
		groups[g.ID] = g
	}
	row := func(accountID, accessType, resourceID, resourceName, role, path, pathGroupID string) []string {
		u := users[accountID]
		return []string{accountID, u.Email, cmp.Or(u.Name, u.Email, accountID), u.Status, u.ClaimStatus,
			accessType, resourceID, resourceName, role, path, pathGroupID}
	}
	// on names what a role assignment is on; ok is false for roles on
	// projects and goals.
	on := func(owner, resourceID string) (accessType, id, name string, ok bool) {
		switch owner {
		case "platform":
			return "organization_role", st.Organization.ID, st.Organization.Name, true
		case "project", "goal":
			return "", "", "", false
		}
		return "workspace_role", resourceID, workspaces[resourceID], true
	}
	var out [][]string
	for _, g := range st.Groups {
		for _, m := range g.MemberAccountIDs {
			out = append(out, row(m, "group_membership", g.ID, cmp.Or(g.Name, g.ID), "member", "direct", ""))
		}
	}
	for _, a := range st.UserRoleAssignments {
		if accessType, id, name, ok := on(a.ResourceOwner, a.ResourceID); ok {
			out = append(out, row(a.AccountID, accessType, id, name, a.Role, "direct", ""))
		}
	}
	for _, a := range st.GroupRoleAssignments {
		accessType, id, name, ok := on(a.ResourceOwner, a.ResourceID)
		if !ok {
			continue
		}
		g := groups[a.GroupID]
		for _, m := range g.MemberAccountIDs {
			out = append(out, row(m, accessType, id, name, a.Role, cmp.Or(g.Name, g.ID), g.ID))
		}
	}
	out = slices.DeleteFunc(out, func(r []string) bool { _, listed := users[r[0]]; return !listed })
	slices.SortStableFunc(out, func(a, b []string) int {
		for _, col := range []int{1, 7, 6, 5, 8, 10, 0} {
			if c := cmp.Compare(a[col], b[col]); c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

// LicensedAccounts are the distinct accounts holding any role on a
// workspace, directly or through a group: the seats the sandbox's licence
// limit counts, computed from the state apart from the sandbox's own code.
func LicensedAccounts(st sandbox.State, workspaceID string) map[string]bool {
	holders := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == workspaceID {
			holders[a.AccountID] = true
		}
	}
	members := make(map[string][]string, len(st.Groups))
	for _, g := range st.Groups {
		members[g.ID] = g.MemberAccountIDs
	}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == workspaceID {
			for _, id := range members[a.GroupID] {
				holders[id] = true
			}
		}
	}
	return holders
}

// LastActive is an account's last activity on a workspace as the access
// report writes it (RFC 3339, UTC, to the second), from the sandbox's
// state: "" when it never used the workspace.
func LastActive(st sandbox.State, accountID, workspaceID string) string {
	for _, u := range st.Users {
		if u.AccountID != accountID {
			continue
		}
		t, err := time.Parse(time.RFC3339, u.ProductActivity[workspaceID])
		if err != nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return ""
}
