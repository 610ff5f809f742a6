package access

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// Effective access: who holds what, and through which path. Atlassian lists
// access per holder only (a group's members and roles, an account's own
// roles), so the answers are assembled from the same listings the
// membership and role assignment resources read, shared with them for the
// life of the process: a question never reads an account on its own, and
// a listing another resource of the same plan fetched costs nothing more.

// Kinds of access.
const (
	AccessGroupMembership  = "group_membership"
	AccessWorkspaceRole    = "workspace_role"
	AccessOrganizationRole = "organization_role"
)

// Organization is the organization itself, the resource of its roles.
type Organization struct {
	ID   string
	Name string
}

// Holding is one access an account holds through one path.
type Holding struct {
	Account Account
	// Kind is one of the Access* kinds.
	Kind string
	// ResourceID is the group id, the workspace ARI or the organization id;
	// ResourceName its name.
	ResourceID   string
	ResourceName string
	// Role is the Atlassian role, or "member" for a group membership.
	Role string
	// Via is the group the access comes through; nil when the account
	// holds it itself.
	Via *Group
}

// SortHoldings orders holdings by email, resource name and id, kind,
// role, the path's group id, then account id: the order of the access
// report.
func SortHoldings(h []Holding) {
	slices.SortStableFunc(h, func(a, b Holding) int {
		return cmp.Or(
			cmp.Compare(a.Account.Email, b.Account.Email),
			cmp.Compare(a.ResourceName, b.ResourceName),
			cmp.Compare(a.ResourceID, b.ResourceID),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Role, b.Role),
			cmp.Compare(viaID(a.Via), viaID(b.Via)),
			cmp.Compare(a.Account.ID, b.Account.ID),
		)
	})
}

func viaID(g *Group) string {
	if g == nil {
		return ""
	}
	return g.ID
}

// Organization is the organization the View governs: its id and name,
// read once per process.
func (d *View) Organization(ctx context.Context) (Organization, error) { return d.organization(ctx) }

// organization reads the organization resource, once per process.
func (d *View) organization(ctx context.Context) (Organization, error) {
	orgs, err := cachedList(ctx, d, connector.ResourceTypeOrganization, &d.orgs, func(r *v2.Resource) Organization {
		return Organization{ID: r.GetId().GetResource(), Name: r.GetDisplayName()}
	})
	if err != nil {
		return Organization{}, err
	}
	if len(orgs) == 0 {
		return Organization{}, fmt.Errorf("the connector lists no organization")
	}
	return orgs[0], nil
}

// AccountAccess is everything an account holds: its group memberships, the
// workspace and organization roles it holds itself, and those its groups
// give it. It reads the account, the groups Atlassian finds it a member of
// and each of those groups' one listing (members and roles together), the account's own role listing, the workspace listing, and the
// organization when a role is held on it. found is false when there is no
// such account.
func (d *View) AccountAccess(ctx context.Context, accountID string, concurrency int) (holdings []Holding, found bool, err error) {
	account, found, err := d.Account(ctx, accountID)
	if err != nil || !found {
		return nil, found, err
	}
	in, err := d.groupsOf(ctx, accountID, concurrency)
	if err != nil {
		return nil, true, err
	}
	principals := []Principal{{Type: TypeUser, ID: accountID}}
	for _, g := range in {
		principals = append(principals, Principal{Type: TypeGroup, ID: g.ID})
	}
	names, err := d.resourceNames(ctx)
	if err != nil {
		return nil, true, err
	}
	for _, g := range in {
		holdings = append(holdings, Holding{Account: account, Kind: AccessGroupMembership, ResourceID: g.ID, ResourceName: g.Name, Role: connector.MemberSlug})
	}
	i := 0
	for held, err := range d.RolesOf(ctx, principals, concurrency) {
		if err != nil {
			return nil, true, err
		}
		var via *Group
		if i > 0 {
			via = &in[i-1]
		}
		i++
		if !held.Found {
			continue
		}
		h, err := names.holdings(ctx, d, account, held, via)
		if err != nil {
			return nil, true, err
		}
		holdings = append(holdings, h...)
	}
	SortHoldings(holdings)
	return holdings, true, nil
}

// groupsOf are the groups an account is a member of, by the group
// listings of the groups Atlassian finds the account in.
func (d *View) groupsOf(ctx context.Context, accountID string, concurrency int) ([]Group, error) {
	resources, err := d.conn.FindGroupsOf(ctx, accountID)
	if err != nil {
		return nil, describe(err)
	}
	candidates := make([]Group, len(resources))
	for i, r := range resources {
		candidates[i] = groupFromResource(r)
	}
	var in []Group
	// The group's own listing has the last word on its members.
	for m, err := range d.MembersOf(ctx, candidates, concurrency) {
		if err != nil {
			return nil, err
		}
		if m.Found && slices.Contains(m.AccountIDs, accountID) {
			in = append(in, m.Group)
		}
	}
	return in, nil
}

// WorkspaceAccess is every account that holds a role on a workspace (only
// role, when not empty), directly or through a group. It reads the
// workspace listing; the groups Atlassian's groups search finds holding a
// role on the workspace and each one's listing (members and roles); the
// accounts its users search finds there and each one's role listing; and
// the accounts of the holding groups' members not known by then, by id or
// by group, whichever costs fewer requests. Atlassian lists role assignments per holder only, and the users
// search is not known to tell an account's own roles from its groups', so
// the searches only pick whose listings are read, and the listings decide:
// the search finds at least every account holding a role there itself, and
// an account it finds only through a group holds nothing there in its own
// listing. Without the connector's lookups every group and account is
// read. found is false when the organization has no such workspace.
func (d *View) WorkspaceAccess(ctx context.Context, workspaceID, role string, concurrency int) (holdings []Holding, found bool, err error) {
	names, err := d.resourceNames(ctx)
	if err != nil {
		return nil, false, err
	}
	if _, found := names.workspaces[workspaceID]; !found {
		return nil, false, nil
	}
	keep := func(r Role) bool { return r.WorkspaceID == workspaceID && (role == "" || r.Role == role) }

	direct, err := d.directHolders(ctx, workspaceID, keep, names, concurrency)
	if err != nil {
		return nil, true, err
	}
	holdings = append(holdings, direct...)

	// The roles of groups, once per member, with the members' accounts
	// looked up once all are known.
	type through struct {
		accountID string
		role      Role
		via       *Group
	}
	var viaGroups []through
	membersOf := map[string][]string{}
	groups, err := d.groupsWithRoleOn(ctx, workspaceID)
	if err != nil {
		return nil, true, err
	}
	for page, err := range groups {
		if err != nil {
			return nil, true, err
		}
		principals := make([]Principal, len(page))
		for i, g := range page {
			principals[i] = Principal{Type: TypeGroup, ID: g.ID}
		}
		// RolesOf answers in the order asked, so the j-th answer is page[j]'s.
		var holders []Group
		var rolesOf [][]Role
		j := 0
		for r, err := range d.RolesOf(ctx, principals, concurrency) {
			if err != nil {
				return nil, true, err
			}
			var kept []Role
			for _, role := range r.Roles {
				if keep(role) {
					kept = append(kept, role)
				}
			}
			if len(kept) > 0 {
				holders = append(holders, page[j])
				rolesOf = append(rolesOf, kept)
			}
			j++
		}
		// The members come from the listing the roles were read from.
		k := 0
		for m, err := range d.MembersOf(ctx, holders, concurrency) {
			if err != nil {
				return nil, true, err
			}
			via := &holders[k]
			membersOf[via.ID] = m.AccountIDs
			for _, id := range m.AccountIDs {
				for _, r := range rolesOf[k] {
					viaGroups = append(viaGroups, through{id, r, via})
				}
			}
			k++
		}
	}
	accounts, err := d.FindMemberAccounts(ctx, membersOf)
	if err != nil {
		return nil, true, err
	}
	for _, t := range viaGroups {
		account, ok := accounts[t.accountID]
		if !ok {
			account = Account{ID: t.accountID}
		}
		holdings = append(holdings, names.workspaceHolding(account, t.role, t.via))
	}
	SortHoldings(holdings)
	return holdings, true, nil
}

// groupsWithRoleOn are the groups whose listings a workspace question
// reads: those Atlassian finds holding a role on the workspace.
func (d *View) groupsWithRoleOn(ctx context.Context, workspaceID string) (iter.Seq2[[]Group, error], error) {
	found, err := d.GroupsWithRoleOn(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	return func(yield func([]Group, error) bool) { yield(found, nil) }, nil
}

// GroupsWithRoleOn are the groups Atlassian's groups search finds holding
// some role on a workspace, each remembered as a group found (a later
// Group of the same id costs nothing). Which roles each holds is in its
// listing (RolesOf).
func (d *View) GroupsWithRoleOn(ctx context.Context, workspaceID string) ([]Group, error) {
	resources, err := d.conn.FindGroupsWithRoleOn(ctx, workspaceID)
	if err != nil {
		return nil, describe(err)
	}
	found := make([]Group, len(resources))
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, r := range resources {
		found[i] = groupFromResource(r)
		d.foundGroups[found[i].ID] = found[i]
	}
	return found, nil
}

// AccountsWithRoleOn are the accounts Atlassian's users search finds
// holding some role on a workspace: at least every account that holds one
// there itself, and perhaps those holding one only through a group (the
// document does not say), so a set of candidates whose own roles are in
// their role listings (RolesOf). Each is remembered as an account found.
func (d *View) AccountsWithRoleOn(ctx context.Context, workspaceID string) ([]Account, error) {
	return d.accountsWithRoleOn(ctx, workspaceID)
}

// directHolders are the roles on a workspace that accounts hold themselves
// and keep keeps: only the accounts the users search finds on the
// workspace have their listing read.
func (d *View) directHolders(ctx context.Context, workspaceID string, keep func(Role) bool, names *resourceNames, concurrency int) ([]Holding, error) {
	candidates, err := d.accountsWithRoleOn(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	accounts := make(map[string]Account, len(candidates))
	principals := make([]Principal, len(candidates))
	for i, a := range candidates {
		accounts[a.ID] = a
		principals[i] = Principal{Type: TypeUser, ID: a.ID}
	}
	var holdings []Holding
	for held, err := range d.RolesOf(ctx, principals, concurrency) {
		if err != nil {
			return nil, err
		}
		for _, r := range held.Roles {
			if keep(r) {
				holdings = append(holdings, names.workspaceHolding(accounts[held.Principal.ID], r, nil))
			}
		}
	}
	return holdings, nil
}

// accountsWithRoleOn asks the connector which accounts hold a role on a
// resource, and remembers them as accounts found.
func (d *View) accountsWithRoleOn(ctx context.Context, resourceID string) ([]Account, error) {
	resources, err := d.conn.FindUsersWithRoleOn(ctx, resourceID)
	if err != nil {
		return nil, describe(err)
	}
	out := make([]Account, len(resources))
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, r := range resources {
		out[i] = accountFromResource(r)
		d.found[out[i].ID] = out[i]
	}
	return out, nil
}

// resourceNames names what roles are held on.
type resourceNames struct {
	workspaces map[string]string
	org        *Organization // read when first needed
}

func (d *View) resourceNames(ctx context.Context) (*resourceNames, error) {
	workspaces, err := d.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	n := &resourceNames{workspaces: make(map[string]string, len(workspaces))}
	for _, w := range workspaces {
		n.workspaces[w.ID] = cmp.Or(w.Name, w.ID)
	}
	return n, nil
}

func (n *resourceNames) workspaceHolding(a Account, r Role, via *Group) Holding {
	return Holding{Account: a, Kind: AccessWorkspaceRole, ResourceID: r.WorkspaceID,
		ResourceName: cmp.Or(n.workspaces[r.WorkspaceID], r.WorkspaceID), Role: r.Role, Via: via}
}

// holdings are the roles of one principal's listing, held by account.
func (n *resourceNames) holdings(ctx context.Context, d *View, a Account, held Roles, via *Group) ([]Holding, error) {
	out := make([]Holding, 0, len(held.Roles)+len(held.OrganizationRoles))
	for _, r := range held.Roles {
		out = append(out, n.workspaceHolding(a, r, via))
	}
	if len(held.OrganizationRoles) > 0 && n.org == nil {
		org, err := d.organization(ctx)
		if err != nil {
			return nil, err
		}
		n.org = &org
	}
	for _, r := range held.OrganizationRoles {
		name := r.WorkspaceID
		if n.org.ID == r.WorkspaceID {
			name = cmp.Or(n.org.Name, name)
		}
		out = append(out, Holding{Account: a, Kind: AccessOrganizationRole, ResourceID: r.WorkspaceID, ResourceName: name, Role: r.Role, Via: via})
	}
	return out, nil
}
