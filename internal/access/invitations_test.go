package access_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

const routeInvite = "POST /admin/v2/orgs/{orgId}/users/invite"

func TestInviteFindRemove(t *testing.T) {
	d, env := newView(t, 30)
	ctx := context.Background()
	st := env.State()
	g := writableGroup(t, st)
	ws := st.Workspaces[0].ID
	res, err := d.Invite(ctx, access.Invitation{
		Email:  "access.invitee@invited.example",
		Roles:  []access.Role{{WorkspaceID: ws, Role: "atlassian/user"}, {WorkspaceID: ws, Role: "atlassian/viewer"}},
		Groups: []string{g.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Adopted || res.Account.ID == "" || len(res.RoleFailures) != 1 || res.RoleFailures[0].Role.Role != "atlassian/viewer" || res.RoleFailures[0].Reason == "" || len(res.GroupFailures) != 0 {
		t.Fatalf("result = %+v", res)
	}
	// The process sees the change: the new role and membership.
	if has, _, err := d.HasRole(ctx, access.Principal{Type: access.TypeUser, ID: res.Account.ID}, access.Role{WorkspaceID: ws, Role: "atlassian/user"}); err != nil || !has {
		t.Fatalf("HasRole after the invitation: %v, %v", has, err)
	}
	if member, _, err := d.IsMember(ctx, g.ID, res.Account.ID); err != nil || !member {
		t.Fatalf("IsMember after the invitation: %v, %v", member, err)
	}
	found, ok, err := d.FindAccountByEmail(ctx, "ACCESS.invitee@invited.example")
	if err != nil || !ok || found.ID != res.Account.ID {
		t.Fatalf("FindAccountByEmail = %+v, %v, %v", found, ok, err)
	}
	if found.MFAEnabled == nil {
		t.Fatal("the search answer's MFA status is lost")
	}

	already, err := d.RemoveFromDirectory(ctx, res.Account.ID)
	if err != nil || already {
		t.Fatalf("RemoveFromDirectory = %v, %v", already, err)
	}
	if _, ok, err := d.Account(ctx, res.Account.ID); err != nil || ok {
		t.Fatalf("the removed account is still found: %v, %v", ok, err)
	}
	if member, _, _ := d.IsMember(ctx, g.ID, res.Account.ID); member {
		t.Fatal("the removed account is still a member")
	}
	if already, err := d.RemoveFromDirectory(ctx, res.Account.ID); err != nil || !already {
		t.Fatalf("removing again = %v, %v", already, err)
	}
}

// TestInviteAfterALostAnswer: the first invitation applies but its answer
// is lost; the second call finds the account and adopts it.
func TestInviteAfterALostAnswer(t *testing.T) {
	d, env := newView(t, 10)
	env.SetFaults(sandbox.Faults{LoseAnswerRate: 1, Routes: []string{routeInvite}})
	env.ResetStats()
	res, err := d.Invite(context.Background(), access.Invitation{Email: "lost.answer@invited.example"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Adopted || res.Account.Email != "lost.answer@invited.example" {
		t.Fatalf("result = %+v", res)
	}
	if n := env.Stats().ByRoute[routeInvite]; n != 1 {
		t.Fatalf("%d invitations sent, want 1", n)
	}
}

func TestInviteWithoutPaidSubscription(t *testing.T) {
	d, env := newView(t, 5)
	env.Update(func(st *sandbox.State) error { st.Settings.PaidSubscription = false; return nil })
	_, err := d.Invite(context.Background(), access.Invitation{Email: "unpaid@invited.example"})
	if !errors.Is(err, access.ErrPaymentRequired) {
		t.Fatalf("err = %v, want ErrPaymentRequired", err)
	}
}
