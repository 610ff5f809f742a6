package atlassian_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// A user's role listing names, in the shape the reference now gives, the
// roles it holds through its groups too; only its own are its grants. Under
// the older shape the listing has its own roles alone. Both must read alike.
func TestUserRoleAssignmentsAreTheUsersOwn(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy_shape=%v", legacy), func(t *testing.T) {
			env := startSandbox(t, 20, 4, 2)
			st := env.State()
			var u sandbox.User
			for _, candidate := range st.Users {
				if candidate.Status == atlassian.UserStatusActive {
					u = candidate
					break
				}
			}
			g := writableGroup(st)
			ws, other := st.Workspaces[0], st.Workspaces[1]
			env.Update(func(s *sandbox.State) error {
				s.Settings.UserRolesLegacyShape = legacy
				s.UserRoleAssignments = slices.DeleteFunc(s.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == u.AccountID })
				s.UserRoleAssignments = append(s.UserRoleAssignments, sandbox.UserRoleAssignment{AccountID: u.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"})
				s.GroupRoleAssignments = slices.DeleteFunc(s.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.GroupID == g.ID })
				s.GroupRoleAssignments = append(s.GroupRoleAssignments,
					sandbox.GroupRoleAssignment{GroupID: g.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"},
					sandbox.GroupRoleAssignment{GroupID: g.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin"},
					sandbox.GroupRoleAssignment{GroupID: g.ID, ResourceID: other.ID, ResourceOwner: other.Type, Role: "atlassian/guest"},
				)
				for i := range s.Groups {
					if s.Groups[i].ID == g.ID && !slices.Contains(s.Groups[i].MemberAccountIDs, u.AccountID) {
						s.Groups[i].MemberAccountIDs = append(s.Groups[i].MemberAccountIDs, u.AccountID)
						slices.Sort(s.Groups[i].MemberAccountIDs)
					}
				}
				return nil
			})
			c := newClient(t, env, 1)
			got, err := atlassian.Collect(c.UserRoleAssignments(context.Background(), atlassian.AllDirectories, u.AccountID))
			if err != nil {
				t.Fatal(err)
			}
			want := []atlassian.RoleAssignment{{ResourceID: ws.ID, ResourceOwner: ws.Type, Roles: []string{"atlassian/user"}, DirectoryID: u.DirectoryID}}
			if !slices.EqualFunc(got, want, func(a, b atlassian.RoleAssignment) bool {
				return a.ResourceID == b.ResourceID && a.ResourceOwner == b.ResourceOwner && a.DirectoryID == b.DirectoryID && slices.Equal(a.Roles, b.Roles)
			}) {
				t.Fatalf("assignments = %+v, want %+v", got, want)
			}
		})
	}
}
