package connector

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"google.golang.org/grpc/codes"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// Account provisioning of the user resource type: an account is created by
// inviting its email (AccountManager), and deleted by removing it from its
// directory (ResourceDeleter), which Atlassian offers no way to undo.

var (
	_ connectorbuilder.AccountManagerV2  = (*userSyncer)(nil)
	_ connectorbuilder.ResourceDeleterV2 = (*userSyncer)(nil)
)

// Keys of the account profile that CreateAccount reads (AccountInfo.Profile,
// the SDK's --create-account-profile JSON).
const (
	// AccountWorkspaceRoles: a list of {"workspace_id": ARI, "role":
	// "atlassian/<role>"} granted with the invitation.
	AccountWorkspaceRoles = "workspace_roles"
	// AccountGroups: a list of group ids the person joins.
	AccountGroups = "groups"
	// AccountSendNotification: whether Atlassian emails the invitation;
	// true when absent.
	AccountSendNotification = "send_notification"
)

// Keys of the profile of the user resource CreateAccount returns: what of
// the invitation did not apply. Absent when everything did.
const (
	// ProfileInvitationRoleErrors: a list of {"workspace_id", "role",
	// "reason"}.
	ProfileInvitationRoleErrors = "invitation_role_errors"
	// ProfileInvitationGroupErrors: a list of {"group_id", "reason"}.
	ProfileInvitationGroupErrors = "invitation_group_errors"
)

// AccountWorkspaceRole is one workspace role of an invitation.
type AccountWorkspaceRole struct {
	WorkspaceID string
	Role        string
}

// accountRequest is a parsed CreateAccount request.
type accountRequest struct {
	email  string
	roles  []AccountWorkspaceRole
	groups []string
	notify bool
}

func parseAccountRequest(info *v2.AccountInfo) (accountRequest, error) {
	req := accountRequest{notify: true}
	for _, e := range info.GetEmails() {
		if e.GetIsPrimary() || req.email == "" {
			req.email = strings.TrimSpace(e.GetAddress())
		}
	}
	if req.email == "" {
		req.email = strings.TrimSpace(info.GetLogin())
	}
	if req.email == "" {
		return req, invalidArgument("an account is created by inviting its email: give an email (or an email as the login)")
	}
	if addr, err := mail.ParseAddress(req.email); err != nil || addr.Address != req.email {
		return req, invalidArgument("%q is not an email address", req.email)
	}
	fields := info.GetProfile().GetFields()
	for i, v := range fields[AccountWorkspaceRoles].GetListValue().GetValues() {
		rule := v.GetStructValue().GetFields()
		role := AccountWorkspaceRole{WorkspaceID: rule["workspace_id"].GetStringValue(), Role: rule["role"].GetStringValue()}
		if role.WorkspaceID == "" || !validRole(role.Role) {
			return req, invalidArgument("%s[%d] needs a workspace_id and a role such as atlassian/user", AccountWorkspaceRoles, i)
		}
		req.roles = append(req.roles, role)
	}
	for i, v := range fields[AccountGroups].GetListValue().GetValues() {
		if v.GetStringValue() == "" {
			return req, invalidArgument("%s[%d] is not a group id", AccountGroups, i)
		}
		req.groups = append(req.groups, v.GetStringValue())
	}
	if v, ok := fields[AccountSendNotification]; ok {
		req.notify = v.GetBoolValue()
	}
	return req, nil
}

// CreateAccountCapabilityDetails: the invited person chooses their own
// credentials, so no password is ever made here.
func (s *userSyncer) CreateAccountCapabilityDetails(context.Context) (*v2.CredentialDetailsAccountProvisioning, annotations.Annotations, error) {
	return v2.CredentialDetailsAccountProvisioning_builder{
		SupportedCredentialOptions: []v2.CapabilityDetailCredentialOption{v2.CapabilityDetailCredentialOption_CAPABILITY_DETAIL_CREDENTIAL_OPTION_NO_PASSWORD},
		PreferredCredentialOption:  v2.CapabilityDetailCredentialOption_CAPABILITY_DETAIL_CREDENTIAL_OPTION_NO_PASSWORD,
	}.Build(), nil, nil
}

// CreateAccount invites an email, with the workspace roles and groups of
// the account profile, and answers the account id. An email that already
// has an account in the organization is not invited again: the account is
// answered as already existing, and the roles and groups are granted to it
// with the ordinary grant endpoints. That lookup comes first on every call,
// so a caller that lost an answer can call again without inviting twice.
// What of the roles and groups failed is in the returned resource's profile
// (ProfileInvitationRoleErrors, ProfileInvitationGroupErrors).
func (s *userSyncer) CreateAccount(ctx context.Context, info *v2.AccountInfo, _ *v2.LocalCredentialOptions) (connectorbuilder.CreateAccountResponse, []*v2.PlaintextData, annotations.Annotations, error) {
	req, err := parseAccountRequest(info)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	existing, err := s.c.client.FindUsersByEmail(ctx, atlassian.AllDirectories, []string{req.email})
	if err != nil {
		return nil, nil, nil, wrapError(err, "looking up %s before inviting it", req.email)
	}
	for i := range existing {
		u := &existing[i]
		if !strings.EqualFold(u.Email, req.email) || u.Status == atlassian.UserStatusNotInvited {
			continue
		}
		failures := s.c.grantInvitationAccess(ctx, u.AccountID, req)
		r, err := userResourceWith(u, failures)
		if err != nil {
			return nil, nil, nil, err
		}
		return v2.CreateAccountResponse_AlreadyExistsResult_builder{Resource: r, IsCreateAccountResult: true}.Build(), nil, withRateLimit(rl, nil), nil
	}

	rules := make([]atlassian.PermissionRule, len(req.roles))
	for i, r := range req.roles {
		rules[i] = atlassian.PermissionRule{Resource: r.WorkspaceID, Role: r.Role}
	}
	results, err := s.c.client.Invite(ctx, atlassian.Invitation{Emails: []string{req.email}, Rules: rules, Groups: req.groups, SendNotification: req.notify})
	if err != nil {
		return nil, nil, nil, wrapError(err, "inviting %s", req.email)
	}
	if len(results) == 1 {
		s.c.listed.forget(results[0].AccountID) // an account not invited yet becomes active
	}
	if len(results) != 1 || results[0].AccountID == "" {
		return nil, nil, nil, newStatusError(codes.Internal, nil, "Atlassian accepted the invitation of %s but names no account for it, and none is found by that email", req.email)
	}
	result := results[0]
	failures := invitationFailures(result)
	u, err := s.c.readUser(ctx, result.AccountID)
	if err != nil {
		return nil, nil, nil, wrapError(err, "reading account %s, just invited as %s", result.AccountID, req.email)
	}
	r, err := userResourceWith(u, failures)
	if err != nil {
		return nil, nil, nil, err
	}
	return v2.CreateAccountResponse_SuccessResult_builder{Resource: r, IsCreateAccountResult: true}.Build(), nil, withRateLimit(rl, nil), nil
}

// invitationFailures turns the ERROR results of an invitation into the
// profile keys of the invited account.
func invitationFailures(result atlassian.InviteResult) map[string]any {
	var roles, groups []any
	for _, r := range result.Roles {
		if r.Failed() {
			roles = append(roles, map[string]any{"workspace_id": r.Resource, "role": r.Role, "reason": r.Reason})
		}
	}
	for _, g := range result.Groups {
		if g.Failed() {
			groups = append(groups, map[string]any{"group_id": g.Group, "reason": g.Reason})
		}
	}
	return failureProfile(roles, groups)
}

func failureProfile(roles, groups []any) map[string]any {
	out := map[string]any{}
	if len(roles) > 0 {
		out[ProfileInvitationRoleErrors] = roles
	}
	if len(groups) > 0 {
		out[ProfileInvitationGroupErrors] = groups
	}
	return out
}

// grantInvitationAccess gives an existing account the roles and groups of
// an invitation, one write each; an already held role or membership is
// success. It returns what failed, as invitationFailures does.
func (c *Connector) grantInvitationAccess(ctx context.Context, accountID string, req accountRequest) map[string]any {
	var roles, groups []any
	for _, r := range req.roles {
		err := c.client.AssignUserRole(ctx, accountID, r.Role, r.WorkspaceID)
		if err != nil && !isAlreadyExists(err) {
			roles = append(roles, map[string]any{"workspace_id": r.WorkspaceID, "role": r.Role, "reason": err.Error()})
		}
	}
	for _, g := range req.groups {
		directoryID, err := c.groupDirectory(ctx, g)
		if err == nil {
			err = c.client.AddGroupMember(ctx, directoryID, g, accountID)
		}
		if err != nil && !isAlreadyExists(err) {
			groups = append(groups, map[string]any{"group_id": g, "reason": err.Error()})
		}
	}
	return failureProfile(roles, groups)
}

// Delete removes an account from every directory that holds it: it loses
// all its groups and roles and can only come back through a new
// invitation. An account no directory holds is NotFound.
func (s *userSyncer) Delete(ctx context.Context, id *v2.ResourceId, _ *v2.ResourceId) (annotations.Annotations, error) {
	accountID := id.GetResource()
	if id.GetResourceType() != ResourceTypeUser || accountID == "" {
		return nil, invalidArgument("only accounts (resource type %q with an id) are removed here", ResourceTypeUser)
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	directories, err := atlassian.Collect(s.c.client.AccountDirectories(ctx, accountID))
	if err != nil {
		return nil, wrapError(err, "finding the directories of account %s", accountID)
	}
	if len(directories) == 0 {
		return nil, newStatusError(codes.NotFound, atlassian.ErrNotFound, "account %s is in no directory of the organization", accountID)
	}
	removed := false
	for _, d := range directories {
		done := s.c.listed.changing(accountID)
		err := s.c.client.RemoveFromDirectory(ctx, d.ID, accountID)
		done()
		switch {
		case err == nil:
			removed = true
		case isGone(err):
		default:
			return nil, wrapError(err, "removing account %s from directory %s", accountID, d.ID)
		}
	}
	if !removed {
		return nil, newStatusError(codes.NotFound, atlassian.ErrNotFound, "account %s was already removed", accountID)
	}
	return withRateLimit(rl, nil), nil
}

// readUser reads one account through the users search, which reports MFA
// and platform roles; no match is ErrNotFound, like GET one user.
func (c *Connector) readUser(ctx context.Context, accountID string) (*atlassian.User, error) {
	page, err := c.client.SearchUsersPage(ctx, atlassian.AllDirectories, atlassian.UserSearch{AccountIDs: []string{accountID}, PlatformRoles: true, ProductAccess: true}, "")
	if err != nil {
		return nil, err
	}
	for i := range page.Items {
		if page.Items[i].AccountID == accountID {
			return &page.Items[i], nil
		}
	}
	return nil, fmt.Errorf("account %s: %w", accountID, atlassian.ErrNotFound)
}

// FindUsersByEmail reads the accounts of exact emails as user resources.
func (c *Connector) FindUsersByEmail(ctx context.Context, emails []string) ([]*v2.Resource, error) {
	users, err := c.client.FindUsersByEmail(ctx, atlassian.AllDirectories, emails)
	if err != nil {
		return nil, wrapError(err, "looking up %d emails", len(emails))
	}
	return userResources(users)
}
