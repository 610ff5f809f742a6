package sandbox

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"
)

// Invitations: POST /v2/orgs/{orgId}/users/invite. The call is synchronous
// and answers one result per email, each with a status per role and per
// group; partial success is normal. The sandbox's choices where the
// reference is unconfirmed: it answers 200, takes at most maxInviteEmails
// emails a call, and marks a rule ERROR (the rest still applied) when its
// workspace is unknown, its role is not one the workspace offers, the
// licence is full or the account is not active, and a group ERROR when the
// group is unknown or synced from an identity provider. An invited email
// with no account becomes an active account at once (email not verified)
// in the first directory, visible to every listing; an account that was
// not invited yet becomes active; any other account is kept as it is.

const (
	maxInviteEmails = 25

	inviteInvited = "INVITED"
	inviteError   = "ERROR"

	codePaymentRequired = "ADMIN-UAM-402-1"
)

// inviteRoles are the role ids a permission rule takes, the document's list
// of valid values. Any other value (a short name such as "user" among
// them) is a bad request; a listed role the workspace does not offer is a
// per-rule ERROR.
var inviteRoles = map[string]bool{
	"atlassian/user": true, "atlassian/admin": true, "atlassian/guest": true, "atlassian/contributor": true,
	"atlassian/customer": true, "atlassian/basic": true, "atlassian/stakeholder": true, "atlassian/viewer": true,
}

type permissionRule struct {
	Resource string `json:"resource"`
	Role     string `json:"role"`
}

type inviteBody struct {
	Emails           []string         `json:"emails"`
	PermissionRules  []permissionRule `json:"permissionRules"`
	AdditionalGroups []string         `json:"additionalGroups"`
	SendNotification bool             `json:"sendNotification"`
	NotificationText string           `json:"notificationText"`
}

type roleAssignmentResult struct {
	Resource     string `json:"resource"`
	Role         string `json:"role"`
	Status       string `json:"status"`
	StatusReason string `json:"statusReason,omitempty"`
}

type groupAssignmentResult struct {
	Group        string `json:"group"`
	Status       string `json:"status"`
	StatusReason string `json:"statusReason,omitempty"`
}

type inviteResultSet struct {
	RoleAssignmentResult  []roleAssignmentResult  `json:"roleAssignmentResult"`
	GroupAssignmentResult []groupAssignmentResult `json:"groupAssignmentResult"`
}

type invitedUser struct {
	ID      string            `json:"id"`
	Email   string            `json:"email"`
	Results []inviteResultSet `json:"results"`
}

type inviteResponse struct {
	Data []invitedUser `json:"data"`
}

func errPaymentRequired() *apiError {
	return &apiError{http.StatusPaymentRequired, codePaymentRequired, "inviting users requires an organization with a paid subscription"}
}

// validInviteEmail accepts a bare address with a dotted domain.
func validInviteEmail(email string) bool {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return false
	}
	_, domain, _ := strings.Cut(email, "@")
	return strings.Contains(domain, ".")
}

func (s *Server) inviteUsers(w http.ResponseWriter, r *http.Request) error {
	var body inviteBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	switch {
	case len(body.Emails) == 0:
		return errBadRequest("emails is required")
	case len(body.Emails) > maxInviteEmails:
		return errBadRequest("emails accepts at most %d values", maxInviteEmails)
	}
	for _, email := range body.Emails {
		if !validInviteEmail(email) {
			return errBadRequest("%q is not a valid email address", email)
		}
	}
	for _, rule := range body.PermissionRules {
		if rule.Resource == "" || rule.Role == "" {
			return errBadRequest("every permission rule needs a resource and a role")
		}
		if !inviteRoles[rule.Role] {
			return errBadRequest("permissionRules.role %q is not a valid role: use a role id such as atlassian/user", rule.Role)
		}
	}
	var resp inviteResponse
	err := s.write(func(d *store) error {
		if !d.st.Settings.PaidSubscription {
			return errPaymentRequired()
		}
		resp.Data = make([]invitedUser, 0, len(body.Emails))
		for _, email := range body.Emails {
			u := d.inviteAccount(email)
			results := inviteResultSet{
				RoleAssignmentResult:  make([]roleAssignmentResult, 0, len(body.PermissionRules)),
				GroupAssignmentResult: make([]groupAssignmentResult, 0, len(body.AdditionalGroups)),
			}
			for _, rule := range body.PermissionRules {
				result := roleAssignmentResult{Resource: rule.Resource, Role: rule.Role, Status: inviteInvited}
				if reason := d.inviteRole(u, rule); reason != "" {
					result.Status, result.StatusReason = inviteError, reason
				}
				results.RoleAssignmentResult = append(results.RoleAssignmentResult, result)
			}
			for _, groupID := range body.AdditionalGroups {
				result := groupAssignmentResult{Group: groupID, Status: inviteInvited}
				if reason := d.inviteGroup(u, groupID); reason != "" {
					result.Status, result.StatusReason = inviteError, reason
				}
				results.GroupAssignmentResult = append(results.GroupAssignmentResult, result)
			}
			resp.Data = append(resp.Data, invitedUser{ID: u.AccountID, Email: u.Email, Results: []inviteResultSet{results}})
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// inviteAccount returns the account of an invited email: the existing one
// (an account not yet invited becomes active), or a new one in the first
// directory.
func (d *store) inviteAccount(email string) *User {
	if u, ok := d.userByEmail(email); ok {
		if u.Status == statusNotInvited {
			u.Status, u.MembershipStatus = statusActive, "active"
		}
		return u
	}
	id := "712020:" + uuidFromString("invitation:"+strings.ToLower(email))
	for n := 1; ; n++ {
		if _, taken := d.user(id); !taken {
			break
		}
		id = "712020:" + uuidFromString(fmt.Sprintf("invitation:%d:%s", n, strings.ToLower(email)))
	}
	local, _, _ := strings.Cut(email, "@")
	d.insertUser(User{
		AccountID:        id,
		DirectoryID:      d.st.Directories[0].ID,
		AccountType:      "atlassian",
		Status:           statusActive,
		AccountStatus:    "active",
		MembershipStatus: "active",
		Name:             local,
		Nickname:         local,
		Email:            email,
		ClaimStatus:      "unmanaged",
		AddedToOrg:       time.Now().UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z"),
	})
	u, _ := d.user(id)
	return u
}

// inviteRole applies one permission rule; it returns why it failed, or "".
func (d *store) inviteRole(u *User, rule permissionRule) string {
	ws, ok := d.workspace(rule.Resource)
	if !ok {
		return fmt.Sprintf("resource %s not found", rule.Resource)
	}
	role := rule.Role
	if !workspaceRoles[role] {
		return fmt.Sprintf("role %q is not valid for resource %s", rule.Role, rule.Resource)
	}
	if u.Status != statusActive {
		return fmt.Sprintf("user %s is not active", u.AccountID)
	}
	a := UserRoleAssignment{AccountID: u.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: role}
	if err := d.checkLicence([]string{ws.ID}, []string{u.AccountID}); err != nil {
		return err.Detail
	}
	d.addUserRole(a)
	return ""
}

// inviteGroup adds the account to one additional group; it returns why it
// failed, or "".
func (d *store) inviteGroup(u *User, groupID string) string {
	g, ok := d.group(groupID)
	if !ok {
		return fmt.Sprintf("group %s not found", groupID)
	}
	if g.ExternalSynced {
		return detailExternalSynced
	}
	if err := d.checkLicence(d.groupWorkspaces(g.ID), []string{u.AccountID}); err != nil {
		return err.Detail
	}
	addMember(g, u.AccountID)
	return ""
}
