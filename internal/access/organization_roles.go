package access

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// RoleOrgAdmin is the organization admin role, the one organization role
// that can be assigned. Whoever holds it can do anything in the organization.
const RoleOrgAdmin = "atlassian/org-admin"

// OrganizationRoles are the organization roles that can be assigned.
var OrganizationRoles = slices.Clone(connector.GrantableOrganizationRoles)

// OrganizationRoleConsistencyWindow is how long Atlassian may take to show
// an organization role change in its reads (eventually consistent).
const OrganizationRoleConsistencyWindow = 30 * time.Second

// orgRoleState is what a View knows of organization roles: the
// organization's id (the entitlement's resource) and who holds the
// organization admin role, read once per process from the account listing
// and kept current by this process's writes.
type orgRoleState struct {
	mu     sync.Mutex
	orgID  string
	admins map[string]bool // nil until read
}

// organizationID is the id of the organization the connector governs, read
// from its one organization resource (which the connector has usually read
// already while validating the key: no request).
func (d *View) organizationID(ctx context.Context) (string, error) {
	d.orgRoles.mu.Lock()
	id := d.orgRoles.orgID
	d.orgRoles.mu.Unlock()
	if id != "" {
		return id, nil
	}
	resources, err := d.listResources(ctx, connector.ResourceTypeOrganization)
	if err != nil {
		return "", err
	}
	if len(resources) != 1 {
		return "", fmt.Errorf("the connector lists %d organizations, want exactly one", len(resources))
	}
	id = resources[0].GetId().GetResource()
	d.orgRoles.mu.Lock()
	d.orgRoles.orgID = id
	d.orgRoles.mu.Unlock()
	return id, nil
}

// platformRoles reads the organization-level roles a user resource carries.
func platformRoles(r *v2.Resource) []string {
	if _, err := resource.GetUserTrait(r); err != nil {
		return nil
	}
	joined := profileString(resource.GetProfile(r), connector.ProfilePlatformRoles)
	if joined == "" {
		return nil
	}
	return strings.Split(joined, ",")
}

// OrganizationAdmins returns the account ids that hold the organization
// admin role themselves, sorted: one account listing per process, kept
// current by this process's own assignments and revocations. Atlassian's
// reads lag behind its writes, so a change made elsewhere in the last
// moments may not show yet.
func (d *View) OrganizationAdmins(ctx context.Context) ([]string, error) {
	admins, err := d.orgAdminSet(ctx)
	if err != nil {
		return nil, err
	}
	d.orgRoles.mu.Lock()
	defer d.orgRoles.mu.Unlock()
	out := make([]string, 0, len(admins))
	for id := range admins {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// FindOrganizationAdmins returns the account ids that hold the
// organization admin role, sorted: from the organization admins listing
// when the process has it, else from the pages of Atlassian's users
// search for the role's holders (a few admins, not every account), each
// kept only when its platform roles name the role. Only an account can
// hold it: Atlassian's document lets no group hold an organization role.
// Its reads lag behind its writes, as OrganizationAdmins' do.
func (d *View) FindOrganizationAdmins(ctx context.Context) ([]string, error) {
	d.orgRoles.mu.Lock()
	listed := d.orgRoles.admins != nil
	d.orgRoles.mu.Unlock()
	if listed {
		return d.OrganizationAdmins(ctx)
	}
	resources, err := d.conn.FindUsersWithRole(ctx, RoleOrgAdmin)
	if err != nil {
		return nil, describe(err)
	}
	var out []string
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range resources {
		a := accountFromResource(r)
		d.found[a.ID] = a
		if slices.Contains(platformRoles(r), RoleOrgAdmin) {
			out = append(out, a.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// AccountAndAdmin reads one account afresh and whether it holds the
// organization admin role, with one request; found is false when there is
// no such account. The account is remembered like Account's.
func (d *View) AccountAndAdmin(ctx context.Context, accountID string) (a Account, admin, found bool, err error) {
	r, found, err := d.getResource(ctx, TypeUser, accountID)
	if err != nil || !found {
		return Account{}, false, false, err
	}
	a = accountFromResource(r)
	d.mu.Lock()
	d.found[a.ID] = a
	d.mu.Unlock()
	admin = slices.Contains(platformRoles(r), RoleOrgAdmin)
	d.orgRoles.mu.Lock()
	if d.orgRoles.admins != nil {
		admin = admin || d.orgRoles.admins[accountID]
	}
	d.orgRoles.mu.Unlock()
	return a, admin, true, nil
}

// IsOrganizationAdmin answers from the organization admins listing when the
// process has it, and otherwise reads the one account (a plan that checks a
// few accounts must not list the whole organization). An account that does
// not exist is no admin.
func (d *View) IsOrganizationAdmin(ctx context.Context, accountID string) (bool, error) {
	d.orgRoles.mu.Lock()
	admins := d.orgRoles.admins
	held := admins[accountID]
	d.orgRoles.mu.Unlock()
	if admins != nil {
		return held, nil
	}
	r, found, err := d.getResource(ctx, TypeUser, accountID)
	if err != nil || !found {
		return false, err
	}
	return slices.Contains(platformRoles(r), RoleOrgAdmin), nil
}

func (d *View) orgAdminSet(ctx context.Context) (map[string]bool, error) {
	d.orgRoles.mu.Lock()
	admins := d.orgRoles.admins
	d.orgRoles.mu.Unlock()
	if admins != nil {
		return admins, nil
	}
	return shareFetch(ctx, d, "organization-admins", func(ctx context.Context) (map[string]bool, error) {
		users, err := d.listResources(ctx, TypeUser)
		if err != nil {
			return nil, err
		}
		set := map[string]bool{}
		for _, u := range users {
			if slices.Contains(platformRoles(u), RoleOrgAdmin) {
				set[u.GetId().GetResource()] = true
			}
		}
		d.orgRoles.mu.Lock()
		defer d.orgRoles.mu.Unlock()
		if d.orgRoles.admins == nil {
			d.orgRoles.admins = set
		}
		return d.orgRoles.admins, nil
	})
}

// setOrgAdmin records this process's own write in the admin set, if read.
func (d *View) setOrgAdmin(accountID string, admin bool) {
	d.orgRoles.mu.Lock()
	defer d.orgRoles.mu.Unlock()
	if d.orgRoles.admins == nil {
		return
	}
	if admin {
		d.orgRoles.admins[accountID] = true
	} else {
		delete(d.orgRoles.admins, accountID)
	}
}

// AssignOrganizationRole gives an account an organization role. already is
// true when the account held it before (the connector's GrantAlreadyExists).
func (d *View) AssignOrganizationRole(ctx context.Context, accountID, role string) (already bool, err error) {
	orgID, err := d.organizationID(ctx)
	if err != nil {
		return false, err
	}
	already, err = d.grant(ctx, Principal{TypeUser, accountID}, connector.ResourceTypeOrganization, orgID, connector.OrganizationRoleEntitlementID(orgID, role))
	if err == nil && role == RoleOrgAdmin {
		d.setOrgAdmin(accountID, true)
	}
	return already, err
}

// RevokeOrganizationRole takes an organization role away from an account.
// already is true when the account did not hold it (GrantAlreadyRevoked).
func (d *View) RevokeOrganizationRole(ctx context.Context, accountID, role string) (already bool, err error) {
	orgID, err := d.organizationID(ctx)
	if err != nil {
		return false, err
	}
	already, err = d.revoke(ctx, Principal{TypeUser, accountID}, connector.ResourceTypeOrganization, orgID, connector.OrganizationRoleEntitlementID(orgID, role))
	if err == nil && role == RoleOrgAdmin {
		d.setOrgAdmin(accountID, false)
	}
	return already, err
}

// Confirmation polls: quick at first, since the change is often visible
// soon, then spaced out over the consistency window.
const (
	firstConfirmationPoll = 250 * time.Millisecond
	maxConfirmationPoll   = 2 * time.Second
)

// ConfirmOrganizationRole reads the account afresh, again and again, until
// Atlassian's reads show it holding (want true) or not holding the role, or
// until timeout. It writes nothing: a change that does not show in time is
// reported as confirmed false, not retried, since the write itself was
// accepted. reads is how many reads it took. An account that does not
// exist is ErrNotFound.
func (d *View) ConfirmOrganizationRole(ctx context.Context, accountID, role string, want bool, timeout time.Duration) (confirmed bool, reads int, err error) {
	deadline := time.Now().Add(timeout)
	wait := firstConfirmationPoll
	for {
		r, found, err := d.getResource(ctx, TypeUser, accountID)
		reads++
		if err != nil {
			return false, reads, err
		}
		if !found {
			return false, reads, fmt.Errorf("account %s: %w", accountID, ErrNotFound)
		}
		if slices.Contains(platformRoles(r), role) == want {
			return true, reads, nil
		}
		if time.Now().Add(wait).After(deadline) {
			return false, reads, nil
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return false, reads, ctx.Err()
		case <-timer.C:
		}
		wait = min(2*wait, maxConfirmationPoll)
	}
}
