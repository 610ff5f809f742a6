package sandbox_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// giveRolesThroughGroup makes u hold atlassian/user on ws directly, and,
// through group g alone, atlassian/user and atlassian/admin on ws and
// atlassian/guest on other. u has no other role and is in no other group.
func giveRolesThroughGroup(h *harness, u sandbox.User, g sandbox.Group, ws, other sandbox.Workspace) {
	h.env.Update(func(st *sandbox.State) error {
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == u.AccountID })
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{AccountID: u.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"})
		st.GroupRoleAssignments = slices.DeleteFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool { return a.GroupID == g.ID })
		st.GroupRoleAssignments = append(st.GroupRoleAssignments,
			sandbox.GroupRoleAssignment{GroupID: g.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"},
			sandbox.GroupRoleAssignment{GroupID: g.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin"},
			sandbox.GroupRoleAssignment{GroupID: g.ID, ResourceID: other.ID, ResourceOwner: other.Type, Role: "atlassian/guest"},
		)
		for i := range st.Groups {
			members := slices.DeleteFunc(st.Groups[i].MemberAccountIDs, func(id string) bool { return id == u.AccountID })
			if st.Groups[i].ID == g.ID {
				members = append(members, u.AccountID)
				slices.Sort(members)
			}
			st.Groups[i].MemberAccountIDs = members
		}
		return nil
	})
}

// describeEntries renders a listing as "resource roles=[...] methods=[role:methods ...]".
func describeEntries(entries []roleEntryJSON) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		methods := []string{}
		for _, ra := range e.RoleAssignments {
			methods = append(methods, fmt.Sprintf("%s:%v", ra.Role, ra.Methods))
		}
		out[i] = fmt.Sprintf("%s roles=%v methods=%v", e.ResourceID, e.Roles, methods)
	}
	return out
}

func TestUserRoleListingNamesMethods(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	u := pickUser(t, st, func(u sandbox.User) bool { return u.Status == "active" && u.AccountType == "atlassian" })
	g := writableGroupOf(t, st)
	ws, other := st.Workspaces[0], st.Workspaces[1]
	if ws.ID > other.ID {
		ws, other = other, ws
	}
	giveRolesThroughGroup(h, u, g, ws, other)

	list := func() []string {
		var page struct {
			Data []roleEntryJSON `json:"data"`
		}
		h.call("GET", h.userPath("-", u.AccountID)+"/role-assignments", nil).wantStatus(t, 200).decode(t, &page)
		return describeEntries(page.Data)
	}
	want := []string{
		ws.ID + " roles=[atlassian/user] methods=[atlassian/admin:[group_direct] atlassian/user:[direct group_direct]]",
		other.ID + " roles=[] methods=[atlassian/guest:[group_direct]]",
	}
	if got := list(); !slices.Equal(got, want) {
		t.Fatalf("rich listing:\n got %q\nwant %q", got, want)
	}

	h.callWithToken("", "PUT", "/_sandbox/settings", map[string]any{"user_roles_legacy_shape": true}).wantStatus(t, 200)
	want = []string{ws.ID + " roles=[atlassian/user] methods=[]"}
	if got := list(); !slices.Equal(got, want) {
		t.Fatalf("legacy listing:\n got %q\nwant %q", got, want)
	}
}

// writableGroupOf is a group that is neither synced from an identity
// provider nor a default group.
func writableGroupOf(t *testing.T, st sandbox.State) sandbox.Group {
	t.Helper()
	for _, g := range st.Groups {
		if !g.ExternalSynced && !g.Default {
			return g
		}
	}
	t.Fatal("no writable group")
	return sandbox.Group{}
}
