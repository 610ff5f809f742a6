package access_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// A wrong organization id is answered 404 ADMIN-UAM-404-2 on every call,
// which the connector reports as NotFound like a missing group. The access
// view must not take it for "the group (account, membership) does not
// exist": reads would then make everything look deleted outside Terraform,
// and deletes would look done while nothing was removed. Every operation
// fails instead, with the organization error.
func TestWrongOrganizationIsAnErrorNotAbsence(t *testing.T) {
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = 10, 4, 1, 3
	env := sandboxtest.Start(t, opts)
	st := env.State()
	group := writableGroup(t, st)
	member := group.MemberAccountIDs[0]
	d, err := access.Open(context.Background(), orgconfig.Config{
		BaseURL: env.URL, OrganizationID: "00000000-0000-4000-8000-00000000beef", APIToken: env.Token,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	user := access.Principal{Type: access.TypeUser, ID: member}
	role := access.Role{WorkspaceID: st.Workspaces[0].ID, Role: "atlassian/user"}

	check := func(what string, found bool, err error) {
		t.Helper()
		switch {
		case err == nil:
			t.Errorf("%s succeeded (found %v) against an organization the key does not reach", what, found)
		case !errors.Is(err, access.ErrOrganizationNotFound):
			t.Errorf("%s: %v, want the organization error", what, err)
		case errors.Is(err, access.ErrNotFound):
			t.Errorf("%s: %v reads as access.ErrNotFound", what, err)
		}
	}
	_, found, err := d.Group(ctx, group.ID)
	check("Group", found, err)
	_, found, err = d.Account(ctx, member)
	check("Account", found, err)
	accounts, err := d.FindAccounts(ctx, []string{member, group.MemberAccountIDs[len(group.MemberAccountIDs)-1]})
	check("FindAccounts", len(accounts) > 0, err)
	_, found, err = d.GroupMembers(ctx, group.ID)
	check("GroupMembers", found, err)
	_, found, err = d.IsMember(ctx, group.ID, member)
	check("IsMember", found, err)
	_, found, err = d.HasRole(ctx, user, role)
	check("HasRole", found, err)
	_, err = d.RemoveMember(ctx, group.ID, member)
	check("RemoveMember", false, err)
	_, err = d.RevokeRole(ctx, user, role)
	check("RevokeRole", false, err)
	check("DeleteGroup", false, d.DeleteGroup(ctx, group.ID))

	// And nothing changed in the real organization.
	kept := false
	for _, g := range env.State().Groups {
		kept = kept || (g.ID == group.ID && contains(g.MemberAccountIDs, member))
	}
	if !kept {
		t.Errorf("group %s or its member %s is gone", group.ID, member)
	}
}
