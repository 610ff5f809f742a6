package access

import (
	"context"
	"fmt"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// Invitation asks for an account by email: Atlassian invites the person,
// with these workspace roles and groups.
type Invitation struct {
	Email            string
	Roles            []Role
	Groups           []string
	SendNotification bool
}

// RoleFailure is a workspace role of an invitation that was not granted.
type RoleFailure struct {
	Role   Role
	Reason string
}

// GroupFailure is a group of an invitation the person did not join.
type GroupFailure struct {
	GroupID string
	Reason  string
}

// InvitationResult is the account an invitation led to and what of it did
// not apply.
type InvitationResult struct {
	Account Account
	// Adopted: the email already had an account, so no invitation was
	// sent; the roles and groups were granted to that account.
	Adopted       bool
	RoleFailures  []RoleFailure
	GroupFailures []GroupFailure
}

// Invite invites an email through the connector's account creation, which
// looks the email up first: an email that has an account is adopted, never
// invited twice. When the call fails without telling whether the
// invitation went out (no answer, a server error), it is made once more:
// its lookup then finds the account the first call created, if any.
func (d *View) Invite(ctx context.Context, inv Invitation) (InvitationResult, error) {
	d.writing.Store(true)
	req, err := accountRequest(inv)
	if err != nil {
		return InvitationResult{}, err
	}
	resp, err := d.conn.CreateAccount(ctx, req)
	if err != nil && ambiguous(err) && ctx.Err() == nil {
		resp, err = d.conn.CreateAccount(ctx, req)
	}
	if err != nil {
		return InvitationResult{}, describe(err)
	}
	var r *v2.Resource
	result := InvitationResult{}
	switch {
	case resp.HasSuccess():
		r = resp.GetSuccess().GetResource()
	case resp.HasAlreadyExists():
		r, result.Adopted = resp.GetAlreadyExists().GetResource(), true
	default:
		return InvitationResult{}, fmt.Errorf("inviting %s: the connector answered neither an account nor an existing one", inv.Email)
	}
	result.Account = accountFromResource(r)
	if result.Account.ID == "" {
		return InvitationResult{}, fmt.Errorf("inviting %s: the connector answered no account id", inv.Email)
	}
	result.RoleFailures, result.GroupFailures = invitationFailures(r)
	d.rememberInvited(result.Account, inv, result.Adopted)
	return result, nil
}

// ambiguous reports a failure that may have happened after Atlassian acted.
func ambiguous(err error) bool {
	switch connector.Reason(err) {
	case connector.ReasonTransport, connector.ReasonServer:
		return true
	}
	return false
}

func accountRequest(inv Invitation) (*v2.CreateAccountRequest, error) {
	roles := make([]any, len(inv.Roles))
	for i, r := range inv.Roles {
		roles[i] = map[string]any{"workspace_id": r.WorkspaceID, "role": r.Role}
	}
	groups := make([]any, len(inv.Groups))
	for i, g := range inv.Groups {
		groups[i] = g
	}
	profile, err := structpb.NewStruct(map[string]any{
		connector.AccountWorkspaceRoles:   roles,
		connector.AccountGroups:           groups,
		connector.AccountSendNotification: inv.SendNotification,
	})
	if err != nil {
		return nil, fmt.Errorf("inviting %s: %w", inv.Email, err)
	}
	return v2.CreateAccountRequest_builder{
		ResourceTypeId: TypeUser,
		AccountInfo: v2.AccountInfo_builder{
			Emails:  []*v2.AccountInfo_Email{v2.AccountInfo_Email_builder{Address: inv.Email, IsPrimary: true}.Build()},
			Login:   inv.Email,
			Profile: profile,
		}.Build(),
	}.Build(), nil
}

func invitationFailures(r *v2.Resource) ([]RoleFailure, []GroupFailure) {
	if _, err := resource.GetUserTrait(r); err != nil {
		return nil, nil
	}
	fields := resource.GetProfile(r).GetFields()
	var roles []RoleFailure
	for _, v := range fields[connector.ProfileInvitationRoleErrors].GetListValue().GetValues() {
		f := v.GetStructValue().GetFields()
		roles = append(roles, RoleFailure{
			Role:   Role{WorkspaceID: f["workspace_id"].GetStringValue(), Role: f["role"].GetStringValue()},
			Reason: f["reason"].GetStringValue(),
		})
	}
	var groups []GroupFailure
	for _, v := range fields[connector.ProfileInvitationGroupErrors].GetListValue().GetValues() {
		f := v.GetStructValue().GetFields()
		groups = append(groups, GroupFailure{GroupID: f["group_id"].GetStringValue(), Reason: f["reason"].GetStringValue()})
	}
	return roles, groups
}

// rememberInvited keeps the process's view current: the account is known,
// and the listings the invitation changed are read afresh when next asked.
func (d *View) rememberInvited(a Account, inv Invitation, adopted bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.found[a.ID] = a
	if d.accounts != nil && !adopted {
		d.accounts = append(d.accounts, a)
	}
	delete(d.grants, listingKey(TypeUser, a.ID))
	for _, g := range inv.Groups {
		delete(d.grants, listingKey(TypeGroup, g))
	}
}

// FindAccountByEmail finds the account of an exact email (case does not
// matter); found is false when there is none.
func (d *View) FindAccountByEmail(ctx context.Context, email string) (Account, bool, error) {
	resources, err := d.conn.FindUsersByEmail(ctx, []string{email})
	if err != nil {
		return Account{}, false, describe(err)
	}
	for _, r := range resources {
		if a := accountFromResource(r); strings.EqualFold(a.Email, email) {
			d.mu.Lock()
			d.found[a.ID] = a
			d.mu.Unlock()
			return a, true, nil
		}
	}
	return Account{}, false, nil
}

// RemoveFromDirectory removes an account from the organization's
// directories: it loses every group and role, and only a new invitation
// brings it back. Atlassian offers no undo. already is true when the account
// was not there.
func (d *View) RemoveFromDirectory(ctx context.Context, accountID string) (already bool, err error) {
	d.writing.Store(true)
	_, err = d.conn.DeleteResourceV2(ctx, v2.DeleteResourceV2Request_builder{
		ResourceId: v2.ResourceId_builder{ResourceType: TypeUser, Resource: accountID}.Build(),
	}.Build())
	if err != nil && !isNotFound(err) {
		return false, describe(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.found, accountID)
	if d.accounts != nil {
		kept := d.accounts[:0:0]
		for _, a := range d.accounts {
			if a.ID != accountID {
				kept = append(kept, a)
			}
		}
		d.accounts = kept
	}
	d.grants[listingKey(TypeUser, accountID)] = &grantListing{found: false}
	for _, l := range d.grants {
		delete(l.members, accountID)
	}
	return err != nil, nil
}
