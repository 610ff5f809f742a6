package impact

import (
	"fmt"
	"sort"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// What a plan grants and revokes. A saved plan carries, for every resource
// it changes, the values before and after; each value of an access
// resource stands for one or more grants (an account in a group, a role of
// an account or a group on a resource, an account suspended). The grants
// before that are missing after are what the plan revokes, and the other
// way round; a resource replaced with the same grant revokes nothing.

// Kinds of access, as entries name them: the access layer's, and the
// suspension of an account, which it does not count as access held.
const (
	AccessGroupMembership  = access.AccessGroupMembership
	AccessWorkspaceRole    = access.AccessWorkspaceRole
	AccessOrganizationRole = access.AccessOrganizationRole
	AccessSuspension       = "suspension"
)

// RoleMember is the role of a group membership; RoleSuspended that of a
// suspension.
const (
	RoleMember    = "member"
	RoleSuspended = "suspended"
)

// groupRef names a group: by id, or, for a group the same plan creates
// (its id known only after apply), by the address of its atlassian_group.
type groupRef struct {
	ID      string
	Address string
}

func (g groupRef) key() string {
	if g.ID != "" {
		return g.ID
	}
	return "new:" + g.Address
}

func (g groupRef) isNew() bool { return g.ID == "" }

// grant is one access a resource value stands for.
type grant struct {
	// Access is one of the Access* kinds.
	Access string
	// AccountID is the account that holds it itself; empty when Group
	// holds it (a role of a group).
	AccountID string
	// Group is the group of a membership, or the group holding a role.
	Group groupRef
	// ResourceID is the workspace ARI or the organization id of a role.
	ResourceID string
	Role       string
	// ExpiresAt is the grant's end as the configuration gives it.
	ExpiresAt string
	Address   string
}

// key identifies the grant whatever resource holds it and until when.
func (g grant) key() string {
	return strings.Join([]string{g.Access, g.AccountID, g.Group.key(), g.ResourceID, g.Role}, "\x00")
}

// planGrants is what a plan changes: the grants of the changed resources
// before and after it, and the names of the groups it creates.
type planGrants struct {
	before, after []grant
	// newGroupNames are the planned names of the groups the plan creates,
	// by address.
	newGroupNames map[string]string
	// deletedGroups are the groups the plan deletes (destroys or
	// replaces), by id, with the address of their atlassian_group: every
	// member loses the membership and the roles through them.
	deletedGroups map[string]string
	// removedAccounts are the accounts the plan removes from the
	// directory (an atlassian_invitation destroyed with remove_on_destroy),
	// by id, with its address: they lose every group and role.
	removedAccounts map[string]string
	// invitedEmails are the emails of the invitations whose account the
	// plan knows only after apply, as their grants name them
	// (invitedAccount).
	invitedEmails map[string]bool
}

// invitedPrefix names, in a grant, the account an invitation leads to
// when the plan does not know its id: Compute looks the email up, and an
// email without an account is a person not yet in the organization.
const invitedPrefix = "invited:"

func invitedAccount(email string) string { return invitedPrefix + strings.ToLower(email) }

// invitedEmail is the email of an account key that stands for a person an
// invitation brings, or "".
func invitedEmail(account string) string {
	email, _ := strings.CutPrefix(account, invitedPrefix)
	if email == account {
		return ""
	}
	return email
}

// readPlan reads the grants of every access resource the plan changes.
// orgID is the organization's id, the resource of organization roles; now
// decides whether a planned expiry has passed.
func readPlan(p *tfjson.Plan, orgID string, now time.Time) (planGrants, error) {
	out := planGrants{newGroupNames: map[string]string{}, deletedGroups: map[string]string{},
		removedAccounts: map[string]string{}, invitedEmails: map[string]bool{}}
	if p == nil {
		return out, fmt.Errorf("the plan is empty")
	}
	references := configReferences(p)
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode || !strings.HasPrefix(rc.Type, "atlassian_") {
			continue
		}
		if rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
			continue
		}
		if rc.Type == "atlassian_group" && (rc.Change.Actions.Delete() || rc.Change.Actions.Replace()) {
			if before, ok := rc.Change.Before.(map[string]any); ok && str(before["id"]) != "" {
				out.deletedGroups[str(before["id"])] = rc.Address
			}
		}
		if rc.Type == "atlassian_group" && (rc.Change.Actions.Create() || rc.Change.Actions.Replace()) {
			if after, ok := rc.Change.After.(map[string]any); ok {
				name, _ := after["name"].(string)
				out.newGroupNames[rc.Address] = name
				out.newGroupNames[configAddress(rc)] = name
			}
		}
		if rc.Type == "atlassian_invitation" {
			out.readInvitation(rc)
			continue
		}
		r := resourceValues{rc: rc, orgID: orgID, now: now, references: references[configAddress(rc)]}
		before, err := r.grants(rc.Change.Before, nil)
		if err != nil {
			return out, err
		}
		after, err := r.grants(rc.Change.After, rc.Change.AfterUnknown)
		if err != nil {
			return out, err
		}
		out.before = append(out.before, before...)
		out.after = append(out.after, after...)
	}
	return out, nil
}

// readInvitation reads an atlassian_invitation's change. An invitation
// grants its groups and workspace roles and never revokes them: what it
// held before stays after (an update, or a destroy), unless a destroy with
// remove_on_destroy, of an invitation that granted everything, removes the
// account from the directory. Its account is account_id, or, when the plan
// knows that only after apply, the email (invitedAccount).
func (p *planGrants) readInvitation(rc *tfjson.ResourceChange) {
	before, _ := rc.Change.Before.(map[string]any)
	after, _ := rc.Change.After.(map[string]any)
	held := invitationGrants(before, rc.Address)
	if before != nil && (rc.Change.Actions.Delete() || rc.Change.Actions.Replace()) {
		complete, known := before["complete"].(bool)
		if remove, _ := before["remove_on_destroy"].(bool); remove && (complete || !known) && str(before["account_id"]) != "" {
			p.removedAccounts[str(before["account_id"])] = rc.Address
		}
		if rc.Change.Actions.Delete() {
			return
		}
		// A replacement invites another email: the old one's grants stay
		// its own.
		held = nil
	}
	granted := invitationGrants(after, rc.Address)
	if after != nil && str(after["account_id"]) == "" {
		if email := str(after["email"]); email != "" {
			p.invitedEmails[strings.ToLower(email)] = true
		}
	}
	p.before = append(p.before, held...)
	p.after = append(p.after, append(held, granted...)...)
}

// invitationGrants are the memberships and workspace roles of an
// invitation's values, held by its account.
func invitationGrants(values map[string]any, address string) []grant {
	if values == nil {
		return nil
	}
	account := str(values["account_id"])
	if account == "" {
		email := str(values["email"])
		if email == "" {
			return nil
		}
		account = invitedAccount(email)
	}
	var out []grant
	groups, _ := values["groups"].([]any)
	for _, g := range groups {
		if id := str(g); id != "" {
			out = append(out, grant{Access: AccessGroupMembership, AccountID: account, Group: groupRef{ID: id}, Role: RoleMember, Address: address})
		}
	}
	roles, _ := values["workspace_roles"].([]any)
	for _, r := range roles {
		role, _ := r.(map[string]any)
		if str(role["workspace_id"]) != "" && str(role["role"]) != "" {
			out = append(out, grant{Access: AccessWorkspaceRole, AccountID: account, ResourceID: str(role["workspace_id"]), Role: str(role["role"]), Address: address})
		}
	}
	return out
}

// configAddress is a resource's address in the configuration: without its
// count or for_each key.
func configAddress(rc *tfjson.ResourceChange) string {
	addr := rc.Type + "." + rc.Name
	if rc.ModuleAddress != "" {
		addr = rc.ModuleAddress + "." + addr
	}
	return addr
}

// configReferences maps each root module resource's address to the
// resources each of its attributes refers to, which is how a value known
// only after apply (the id of a group the plan creates) is traced back to
// the resource that will produce it.
func configReferences(p *tfjson.Plan) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	if p.Config == nil || p.Config.RootModule == nil {
		return out
	}
	for _, r := range p.Config.RootModule.Resources {
		if r == nil {
			continue
		}
		attrs := map[string][]string{}
		for name, expr := range r.Expressions {
			if expr != nil && expr.ExpressionData != nil {
				attrs[name] = expr.References
			}
		}
		out[r.Address] = attrs
	}
	return out
}

// resourceValues reads the grants of one resource's values.
type resourceValues struct {
	rc         *tfjson.ResourceChange
	orgID      string
	now        time.Time
	references map[string][]string
}

func (r resourceValues) grants(value, unknown any) ([]grant, error) {
	values, ok := value.(map[string]any)
	if !ok || values == nil {
		return nil, nil
	}
	unknowns, _ := unknown.(map[string]any)
	address := r.rc.Address
	switch r.rc.Type {
	case "atlassian_group_membership":
		if !r.held(values, unknowns) {
			return nil, nil
		}
		group, err := r.group(values, unknowns)
		if err != nil {
			return nil, err
		}
		account, err := r.known(values, unknowns, "account_id")
		if err != nil {
			return nil, err
		}
		return []grant{{Access: AccessGroupMembership, AccountID: account, Group: group, Role: RoleMember,
			ExpiresAt: str(values["expires_at"]), Address: address}}, nil
	case "atlassian_group_members":
		group, err := r.group(values, unknowns)
		if err != nil {
			return nil, err
		}
		members, _ := values["members"].(map[string]any)
		if members == nil && unknowns["members"] != nil {
			return nil, fmt.Errorf("%s: members is known only after apply: the impact cannot tell who they are", address)
		}
		active, _ := values["member_active"].(map[string]any)
		expiry, _ := values["member_expiry"].(map[string]any)
		ids := make([]string, 0, len(members))
		for id := range members {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var out []grant
		for _, id := range ids {
			if held, known := active[id].(bool); known && !held {
				continue
			}
			if r.expired(str(expiry[id])) {
				continue
			}
			out = append(out, grant{Access: AccessGroupMembership, AccountID: id, Group: group, Role: RoleMember,
				ExpiresAt: str(expiry[id]), Address: address})
		}
		return out, nil
	case "atlassian_workspace_role_assignment":
		if !r.held(values, unknowns) {
			return nil, nil
		}
		workspace, err := r.known(values, unknowns, "workspace_id")
		if err != nil {
			return nil, err
		}
		role, err := r.known(values, unknowns, "role")
		if err != nil {
			return nil, err
		}
		g := grant{Access: AccessWorkspaceRole, ResourceID: workspace, Role: role, ExpiresAt: str(values["expires_at"]), Address: address}
		if str(values["account_id"]) != "" || unknowns["account_id"] != nil {
			if g.AccountID, err = r.known(values, unknowns, "account_id"); err != nil {
				return nil, err
			}
		} else {
			if g.Group, err = r.group(values, unknowns); err != nil {
				return nil, err
			}
		}
		return []grant{g}, nil
	case "atlassian_organization_role_assignment":
		if !r.held(values, unknowns) {
			return nil, nil
		}
		account, err := r.known(values, unknowns, "account_id")
		if err != nil {
			return nil, err
		}
		role, err := r.known(values, unknowns, "role")
		if err != nil {
			return nil, err
		}
		return []grant{{Access: AccessOrganizationRole, AccountID: account, ResourceID: r.orgID, Role: role,
			ExpiresAt: str(values["expires_at"]), Address: address}}, nil
	case "atlassian_account_suspension":
		account, err := r.known(values, unknowns, "account_id")
		if err != nil {
			return nil, err
		}
		return []grant{{Access: AccessSuspension, AccountID: account, ResourceID: r.orgID, Role: RoleSuspended, Address: address}}, nil
	}
	return nil, nil
}

// held is whether a resource with one grant holds it: not when an apply
// recorded it as expired (active is false), nor when its expiry has passed.
func (r resourceValues) held(values, unknowns map[string]any) bool {
	if active, known := values["active"].(bool); known && !active {
		return false
	}
	return !r.expired(str(values["expires_at"]))
}

func (r resourceValues) expired(at string) bool {
	if at == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, at)
	return err == nil && !t.After(r.now)
}

// known reads a string attribute that the impact cannot do without.
func (r resourceValues) known(values, unknowns map[string]any, attr string) (string, error) {
	if s := str(values[attr]); s != "" {
		return s, nil
	}
	if unknowns[attr] != nil {
		return "", fmt.Errorf("%s: %s is known only after apply: the impact cannot tell whose access changes", r.rc.Address, attr)
	}
	return "", fmt.Errorf("%s: %s is not set", r.rc.Address, attr)
}

// group reads group_id, or traces a group_id known only after apply to the
// atlassian_group the configuration refers to.
func (r resourceValues) group(values, unknowns map[string]any) (groupRef, error) {
	if id := str(values["group_id"]); id != "" {
		return groupRef{ID: id}, nil
	}
	if unknowns["group_id"] == nil {
		return groupRef{}, fmt.Errorf("%s: group_id is not set", r.rc.Address)
	}
	for _, ref := range r.references["group_id"] {
		if addr, ok := strings.CutSuffix(ref, ".id"); ok && strings.HasPrefix(addr, "atlassian_group.") {
			return groupRef{Address: addr}, nil
		}
	}
	return groupRef{}, fmt.Errorf("%s: group_id is known only after apply and refers to no atlassian_group of the root module", r.rc.Address)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
