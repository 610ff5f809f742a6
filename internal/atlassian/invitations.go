package atlassian

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

const routeInvite = "/v2/orgs/{orgId}/users/invite"

// EmailsPerInvitation is how many emails one invitation call carries: the
// most the reference names (itself unconfirmed), so a larger invitation is
// sent in several calls.
const EmailsPerInvitation = 25

// Invitation statuses of a role or group result. Anything but
// InviteStatusError counts as applied: the reference lists INVITED and
// ERROR, and a client that only trusts INVITED would report a success it
// does not recognise as a failure.
const (
	InviteStatusInvited = "INVITED"
	InviteStatusError   = "ERROR"
)

// PermissionRule grants a role on a workspace to the invited people. Role
// is a workspace role id (atlassian/user), which is what the client sends;
// a short name (user) is completed to its id.
type PermissionRule struct {
	Resource string
	Role     string
}

// Invitation invites people by email.
type Invitation struct {
	Emails           []string
	Rules            []PermissionRule
	Groups           []string // group ids
	SendNotification bool
	NotificationText string
}

// RoleResult is the outcome of one permission rule for one email.
type RoleResult struct {
	Resource string
	Role     string // as given in the Invitation, whatever form the answer used
	Status   string
	Reason   string
}

// Failed reports whether the rule was not applied.
func (r RoleResult) Failed() bool { return strings.EqualFold(r.Status, InviteStatusError) }

// GroupResult is the outcome of one additional group for one email.
type GroupResult struct {
	Group  string
	Status string
	Reason string
}

// Failed reports whether the person was not added to the group.
func (r GroupResult) Failed() bool { return strings.EqualFold(r.Status, InviteStatusError) }

// InviteResult is what one email of an invitation became.
type InviteResult struct {
	Email     string
	AccountID string
	// Reported is false when the answer did not describe this email (an
	// empty 202, say): the account was then found by email afterwards, and
	// Roles and Groups are empty because nothing says how they went.
	Reported bool
	Roles    []RoleResult
	Groups   []GroupResult
}

type inviteBody struct {
	Emails           []string         `json:"emails"`
	PermissionRules  []inviteRuleJSON `json:"permissionRules,omitempty"`
	AdditionalGroups []string         `json:"additionalGroups,omitempty"`
	SendNotification bool             `json:"sendNotification"`
	NotificationText string           `json:"notificationText,omitempty"`
}

type inviteRuleJSON struct {
	Resource string `json:"resource"`
	Role     string `json:"role"`
}

type inviteAnswer struct {
	Data []struct {
		ID      string `json:"id"`
		Email   string `json:"email"`
		Results []struct {
			RoleAssignmentResult []struct {
				Resource     string `json:"resource"`
				Role         string `json:"role"`
				Status       string `json:"status"`
				StatusReason string `json:"statusReason"`
			} `json:"roleAssignmentResult"`
			GroupAssignmentResult []struct {
				Group        string `json:"group"`
				Status       string `json:"status"`
				StatusReason string `json:"statusReason"`
			} `json:"groupAssignmentResult"`
		} `json:"results"`
	} `json:"data"`
}

// roleIDPrefix starts every workspace role id the invitation takes.
const roleIDPrefix = "atlassian/"

// InviteRoleID is the role id an invitation sends for a workspace role
// given as its id (atlassian/user) or its short name (user).
func InviteRoleID(role string) string {
	if strings.Contains(role, "/") {
		return role
	}
	return roleIDPrefix + role
}

// sameInviteRole tells whether a role of an answer names the role given:
// answers may echo the id (atlassian/user) or the short name (user).
func sameInviteRole(given, answered string) bool {
	return strings.TrimPrefix(given, roleIDPrefix) == strings.TrimPrefix(answered, roleIDPrefix)
}

// Invite invites people by email, EmailsPerInvitation to a call, and
// returns one result per distinct email, in the order given. The call is
// not repeated on an ambiguous failure (no answer): inviting twice is not
// harmless, so the caller decides, after looking the emails up. Whatever
// 2xx Atlassian answers with is success; emails the answer does not
// describe are looked up by email.
func (c *Client) Invite(ctx context.Context, inv Invitation) ([]InviteResult, error) {
	emails := make([]string, 0, len(inv.Emails))
	seen := map[string]bool{}
	for _, e := range inv.Emails {
		if key := strings.ToLower(e); !seen[key] {
			seen[key] = true
			emails = append(emails, e)
		}
	}
	rules := make([]inviteRuleJSON, len(inv.Rules))
	for i, r := range inv.Rules {
		rules[i] = inviteRuleJSON{Resource: r.Resource, Role: InviteRoleID(r.Role)}
	}
	var out []InviteResult
	for batch := range slices.Chunk(emails, EmailsPerInvitation) {
		results, err := c.inviteBatch(ctx, inv, batch, rules)
		if err != nil {
			return out, err
		}
		out = append(out, results...)
	}
	return out, nil
}

func (c *Client) inviteBatch(ctx context.Context, inv Invitation, emails []string, rules []inviteRuleJSON) ([]InviteResult, error) {
	var answer inviteAnswer
	err := c.do(ctx, request{
		method: http.MethodPost, route: routeInvite, path: pathf(routeInvite, c.orgID),
		body: inviteBody{
			Emails: emails, PermissionRules: rules, AdditionalGroups: inv.Groups,
			SendNotification: inv.SendNotification, NotificationText: inv.NotificationText,
		},
	}, &answer)
	if err != nil {
		return nil, err
	}
	reported := map[string]InviteResult{}
	for _, d := range answer.Data {
		r := InviteResult{Email: d.Email, AccountID: d.ID, Reported: d.ID != ""}
		for _, set := range d.Results {
			for _, rr := range set.RoleAssignmentResult {
				r.Roles = append(r.Roles, RoleResult{Resource: rr.Resource, Role: c.givenRole(inv.Rules, rr.Resource, rr.Role), Status: rr.Status, Reason: rr.StatusReason})
			}
			for _, gr := range set.GroupAssignmentResult {
				r.Groups = append(r.Groups, GroupResult{Group: gr.Group, Status: gr.Status, Reason: gr.StatusReason})
			}
		}
		reported[strings.ToLower(d.Email)] = r
	}
	var missing []string
	for _, e := range emails {
		if r, ok := reported[strings.ToLower(e)]; !ok || r.AccountID == "" {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		found, err := c.FindUsersByEmail(ctx, AllDirectories, missing)
		if err != nil {
			return nil, err
		}
		for _, u := range found {
			reported[strings.ToLower(u.Email)] = InviteResult{Email: u.Email, AccountID: u.AccountID}
		}
	}
	out := make([]InviteResult, 0, len(emails))
	for _, e := range emails {
		r := reported[strings.ToLower(e)]
		r.Email = e
		out = append(out, r)
	}
	return out, nil
}

// givenRole maps a role of the answer back to the spelling of the
// invitation, so callers can match results to what they asked for. A role
// the answer names as an ARI (the document's example does) is taken as the
// invitation's role on that resource when the invitation gave only one
// there; anything else is kept as answered.
func (c *Client) givenRole(rules []PermissionRule, resource, answered string) string {
	var onResource []string
	for _, r := range rules {
		if r.Resource != resource {
			continue
		}
		if sameInviteRole(r.Role, answered) {
			return r.Role
		}
		onResource = append(onResource, r.Role)
	}
	if len(onResource) == 1 && strings.HasPrefix(answered, "ari:") {
		return onResource[0]
	}
	return answered
}
