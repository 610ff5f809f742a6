// Package impact answers the question a reviewer of an access change is
// asked: who gains and who loses what if this Terraform plan is applied.
// It reads a saved plan (terraform show -json) for the grants the plan
// adds and removes, reads the live organization through the access layer
// (the connector's Service underneath) for the other paths each touched
// account has to the same access, and reports a gain only when the account
// held that access no other way, a loss only when no path remains.
package impact

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// Changes of an entry.
const (
	ChangeGain = "gain"
	ChangeLoss = "loss"
)

// PathDirect is the path of access an account holds itself.
const PathDirect = "direct"

// Entry is one access one account gains or loses.
type Entry struct {
	AccountID    string `json:"account_id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	Managed      bool   `json:"managed"`
	Change       string `json:"change"`
	Access       string `json:"access"`
	ResourceID   string `json:"resource_id"`
	ResourceName string `json:"resource_name"`
	Role         string `json:"role"`
	// Paths are how the access comes (a gain) or came (a loss): "direct",
	// or the group's id (a group the plan creates: its address).
	Paths []string `json:"paths"`
	// Addresses are the Terraform resources whose change causes it.
	Addresses []string `json:"addresses"`
	ExpiresAt string   `json:"expires_at,omitempty"`
}

// Report is the impact of a plan.
type Report struct {
	Changes []Entry `json:"changes"`
	Flags   []Flag  `json:"flags"`

	// groupNames name the groups of paths, for the Markdown.
	groupNames map[string]string
}

// Options tune the computation.
type Options struct {
	// MaxAccounts: a resource change reaching more accounts than this
	// raises FlagManyAccounts (0: DefaultMaxAccounts).
	MaxAccounts int
	// Concurrency is how many listings are read at once.
	Concurrency int
	// Now is the clock expiries are compared with (zero: time.Now).
	Now time.Time
}

// DefaultMaxAccounts is the reach of one resource change above which it is
// flagged, unless told otherwise.
const DefaultMaxAccounts = 50

// accessKey is one access: a membership, a role on a resource, a suspension.
type accessKey struct {
	Access, ResourceID, Role string
}

// path is one way an account holds an access, and the grants of the plan
// that make it up (after) or end it (before).
type path struct {
	addresses map[string]bool
	// expires is when the path ends, when every grant of it that ends
	// says so; "" when it does not end.
	expires string
}

// accountAccess is an account's access by key, each with its paths by id.
type accountAccess map[accessKey]map[string]*path

func (a accountAccess) add(k accessKey, pathID string) *path {
	if a[k] == nil {
		a[k] = map[string]*path{}
	}
	if a[k][pathID] == nil {
		a[k][pathID] = &path{addresses: map[string]bool{}}
	}
	return a[k][pathID]
}

// Compute reads the plan's grants, the live access of every account they
// touch, and returns the entries and the flags raised.
func Compute(ctx context.Context, view *access.View, orgID string, plan *tfjson.Plan, opts Options) (*Report, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	grants, err := readPlan(plan, orgID, now)
	if err != nil {
		return nil, err
	}
	c := &computation{view: view, orgID: orgID, grants: grants, concurrency: max(1, opts.Concurrency),
		groupNames: map[string]string{}, workspaceNames: map[string]string{}}
	if err := c.resolveInvited(ctx); err != nil {
		return nil, err
	}
	c.diff()
	if err := c.removeAccounts(ctx); err != nil {
		return nil, err
	}
	if err := c.readGroups(ctx); err != nil {
		return nil, err
	}
	c.removeDeletedGroups()
	rep := &Report{Changes: []Entry{}, Flags: []Flag{}}
	touched := c.touchedAccounts()
	if err := c.readOtherPaths(ctx, touched); err != nil {
		return nil, err
	}
	// The accounts in batched lookups, those the group listings carried
	// costing nothing.
	accounts, err := view.FindAccounts(ctx, slices.DeleteFunc(slices.Clone(touched), func(id string) bool { return invitedEmail(id) != "" }))
	if err != nil {
		return nil, err
	}
	for _, id := range touched {
		a, found := accounts[id]
		rep.Changes = append(rep.Changes, c.accountEntries(id, a, found)...)
	}
	if err := c.fillNames(ctx, rep.Changes); err != nil {
		return nil, err
	}
	rep.groupNames = map[string]string{}
	for _, e := range rep.Changes {
		if e.Access == AccessGroupMembership {
			rep.groupNames[e.ResourceID] = e.ResourceName
		}
	}
	for _, e := range rep.Changes {
		for _, p := range e.Paths {
			if _, named := rep.groupNames[p]; !named && p != PathDirect {
				if err := c.nameGroup(ctx, p, rep.groupNames); err != nil {
					return nil, err
				}
			}
		}
	}
	sortEntries(rep.Changes)
	flags, err := c.flags(ctx, rep.Changes, cmp.Or(opts.MaxAccounts, DefaultMaxAccounts))
	if err != nil {
		return nil, err
	}
	rep.Flags = flags
	return rep, nil
}

type computation struct {
	view        *access.View
	orgID       string
	grants      planGrants
	concurrency int

	// added and removed are the grants the plan adds and removes, by key;
	// after is every grant the changed resources hold after it.
	added, removed, after map[string]grant

	// liveMembers and liveRoles are the listings of the groups read: those
	// whose members or roles the plan changes (none for groups it
	// creates), then those holding a role where the plan changes one.
	liveMembers map[string][]string
	liveRoles   map[string][]accessKey
	// directRoles are the roles the accounts whose role listing was read
	// hold themselves; groupsOf, the groups read that each touched
	// account is in.
	directRoles map[string][]accessKey
	groupsOf    map[string][]string
	// groupNames, workspaceNames and orgName name the entries' resources.
	groupNames     map[string]string
	workspaceNames map[string]string
	orgName        string
}

func (c *computation) diff() {
	index := func(gs []grant) map[string]grant {
		out := map[string]grant{}
		for _, g := range gs {
			if prev, ok := out[g.key()]; ok {
				// Two resources hold the same grant: either is responsible.
				g.Address = prev.Address + "\x00" + g.Address
			}
			out[g.key()] = g
		}
		return out
	}
	before := index(c.grants.before)
	c.after = index(c.grants.after)
	c.added, c.removed = map[string]grant{}, map[string]grant{}
	for k, g := range c.after {
		if _, ok := before[k]; !ok {
			c.added[k] = g
		}
	}
	for k, g := range before {
		if _, ok := c.after[k]; !ok {
			c.removed[k] = g
		}
	}
}

// resolveInvited gives the grants of an invitation whose account the plan
// does not know the account its email already has, if any (the
// invitation adopts it); the others stand for a person not yet in the
// organization.
func (c *computation) resolveInvited(ctx context.Context) error {
	for _, email := range slices.Sorted(maps.Keys(c.grants.invitedEmails)) {
		a, found, err := c.view.FindAccountByEmail(ctx, email)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		for _, grants := range [][]grant{c.grants.before, c.grants.after} {
			for i := range grants {
				if grants[i].AccountID == invitedAccount(email) {
					grants[i].AccountID = a.ID
				}
			}
		}
	}
	return nil
}

// removeAccounts adds to what the plan removes every group membership and
// role the accounts it removes from the directory hold themselves (the
// roles through their groups end with the memberships).
func (c *computation) removeAccounts(ctx context.Context) error {
	for _, id := range slices.Sorted(maps.Keys(c.grants.removedAccounts)) {
		address := c.grants.removedAccounts[id]
		holdings, _, err := c.view.AccountAccess(ctx, id, c.concurrency)
		if err != nil {
			return err
		}
		for _, h := range holdings {
			if h.Via != nil {
				continue
			}
			g := grant{Access: h.Kind, AccountID: id, ResourceID: h.ResourceID, Role: h.Role, Address: address}
			if h.Kind == AccessGroupMembership {
				g.Group, g.ResourceID, g.Role = groupRef{ID: h.ResourceID}, "", RoleMember
				c.groupNames[h.ResourceID] = h.ResourceName
			}
			if prev, ok := c.removed[g.key()]; ok {
				if !slices.Contains(prev.addresses(), address) {
					prev.Address += "\x00" + address
				}
				g = prev
			}
			c.removed[g.key()] = g
		}
	}
	return nil
}

func (g grant) addresses() []string { return strings.Split(g.Address, "\x00") }

// changed yields the grants the plan adds and removes.
func (c *computation) changed() []grant {
	out := slices.Collect(maps.Values(c.added))
	return append(out, slices.Collect(maps.Values(c.removed))...)
}

// readGroups reads the one listing (members and roles) of each existing
// group whose members or roles the plan changes, or which it deletes.
func (c *computation) readGroups(ctx context.Context) error {
	c.liveMembers, c.liveRoles = map[string][]string{}, map[string][]accessKey{}
	seen := map[string]bool{}
	var groups []access.Group
	for _, g := range c.changed() {
		if g.Group.isNew() || g.Group.ID == "" || seen[g.Group.ID] {
			continue
		}
		if g.Access != AccessGroupMembership && g.AccountID != "" {
			continue
		}
		seen[g.Group.ID] = true
		groups = append(groups, access.Group{ID: g.Group.ID})
	}
	for id := range c.grants.deletedGroups {
		if !seen[id] {
			seen[id] = true
			groups = append(groups, access.Group{ID: id})
		}
	}
	slices.SortFunc(groups, func(a, b access.Group) int { return cmp.Compare(a.ID, b.ID) })
	return c.readListings(ctx, groups)
}

// readListings reads the one listing (members and roles) of each group.
func (c *computation) readListings(ctx context.Context, groups []access.Group) error {
	for m, err := range c.view.MembersOf(ctx, groups, c.concurrency) {
		if err != nil {
			return err
		}
		c.liveMembers[m.Group.ID] = m.AccountIDs
	}
	principals := make([]access.Principal, len(groups))
	for i, g := range groups {
		principals[i] = access.Principal{Type: access.TypeGroup, ID: g.ID}
	}
	for r, err := range c.view.RolesOf(ctx, principals, c.concurrency) {
		if err != nil {
			return err
		}
		c.liveRoles[r.Principal.ID] = roleKeys(r)
	}
	return nil
}

// removeDeletedGroups adds to what the plan removes the memberships and
// roles of the groups it deletes, as their listings show them.
func (c *computation) removeDeletedGroups() {
	for id, address := range c.grants.deletedGroups {
		group := groupRef{ID: id}
		var gone []grant
		for _, member := range c.liveMembers[id] {
			gone = append(gone, grant{Access: AccessGroupMembership, AccountID: member, Group: group, Role: RoleMember, Address: address})
		}
		for _, k := range c.liveRoles[id] {
			gone = append(gone, grant{Access: k.Access, Group: group, ResourceID: k.ResourceID, Role: k.Role, Address: address})
		}
		for _, g := range gone {
			if prev, ok := c.removed[g.key()]; ok {
				if !slices.Contains(prev.addresses(), address) {
					prev.Address += "\x00" + address
				}
				g = prev
			}
			c.removed[g.key()] = g
		}
	}
}

// membersAfter are a group's members once the plan is applied.
func (c *computation) membersAfter(group string) []string {
	members := map[string]bool{}
	for _, id := range c.liveMembers[group] {
		members[id] = true
	}
	for _, g := range c.removed {
		if g.Access == AccessGroupMembership && g.Group.key() == group {
			delete(members, g.AccountID)
		}
	}
	for _, g := range c.added {
		if g.Access == AccessGroupMembership && g.Group.key() == group {
			members[g.AccountID] = true
		}
	}
	return slices.Sorted(maps.Keys(members))
}

// touchedAccounts are the accounts whose access the plan may change: those
// of the memberships, roles and suspensions it changes, and the members,
// before and after, of the groups whose roles it changes.
func (c *computation) touchedAccounts() []string {
	touched := map[string]bool{}
	for _, g := range c.changed() {
		if g.AccountID != "" {
			touched[g.AccountID] = true
			continue
		}
		for _, id := range c.liveMembers[g.Group.key()] {
			touched[id] = true
		}
		for _, id := range c.membersAfter(g.Group.key()) {
			touched[id] = true
		}
	}
	return slices.Sorted(maps.Keys(touched))
}

// readOtherPaths reads, for the touched accounts, every other path to the
// access the plan changes, and no more: the workspaces concerned are those
// of the roles the plan changes and of the roles the changed groups hold;
// on each, the groups the groups search finds holding a role there (their
// listings: members and roles) and the accounts holding one themselves.
// An account's own roles are in its role listing only; the users search
// on each workspace picks whose listings are read when that costs fewer
// requests than reading every touched account's. The organization's roles
// are held directly only (the document lets no group hold one), so only
// the accounts whose organization role the plan changes have their
// listing read for them.
func (c *computation) readOtherPaths(ctx context.Context, touched []string) error {
	workspaces := map[string]bool{}
	direct := map[string]bool{} // accounts whose own roles are read
	for _, g := range c.changed() {
		switch {
		case g.Access == AccessWorkspaceRole:
			workspaces[g.ResourceID] = true
		case g.Access == AccessOrganizationRole && g.AccountID != "":
			direct[g.AccountID] = true
		}
	}
	groupOrgRoles := false
	for _, keys := range c.liveRoles {
		for _, k := range keys {
			if k.Access == AccessWorkspaceRole {
				workspaces[k.ResourceID] = true
			} else {
				groupOrgRoles = true
			}
		}
	}
	var holders []access.Group
	for _, w := range slices.Sorted(maps.Keys(workspaces)) {
		groups, err := c.view.GroupsWithRoleOn(ctx, w)
		if err != nil {
			return err
		}
		for _, g := range groups {
			c.groupNames[g.ID] = g.Name
			if _, read := c.liveMembers[g.ID]; !read {
				c.liveMembers[g.ID] = nil
				holders = append(holders, g)
			}
		}
	}
	if err := c.readListings(ctx, holders); err != nil {
		return err
	}
	isTouched := map[string]bool{}
	for _, id := range touched {
		isTouched[id] = true
	}
	switch {
	case groupOrgRoles || len(workspaces) >= len(touched):
		// As many listings as searches, or fewer: every touched account's.
		for _, id := range touched {
			direct[id] = true
		}
	default:
		for _, w := range slices.Sorted(maps.Keys(workspaces)) {
			candidates, err := c.view.AccountsWithRoleOn(ctx, w)
			if err != nil {
				return err
			}
			for _, a := range candidates {
				if isTouched[a.ID] {
					direct[a.ID] = true
				}
			}
		}
	}
	principals := make([]access.Principal, 0, len(direct))
	for _, id := range slices.Sorted(maps.Keys(direct)) {
		if invitedEmail(id) != "" {
			continue // no account yet, so no roles
		}
		principals = append(principals, access.Principal{Type: access.TypeUser, ID: id})
	}
	c.directRoles = map[string][]accessKey{}
	for r, err := range c.view.RolesOf(ctx, principals, c.concurrency) {
		if err != nil {
			return err
		}
		c.directRoles[r.Principal.ID] = roleKeys(r)
	}
	// Which of the groups read each touched account is in.
	c.groupsOf = map[string][]string{}
	for _, group := range slices.Sorted(maps.Keys(c.liveMembers)) {
		for _, id := range c.liveMembers[group] {
			if isTouched[id] {
				c.groupsOf[id] = append(c.groupsOf[id], group)
			}
		}
	}
	return nil
}

// roleKeys are the workspace and organization roles of a listing.
func roleKeys(r access.Roles) []accessKey {
	var keys []accessKey
	for _, role := range r.Roles {
		keys = append(keys, accessKey{AccessWorkspaceRole, role.WorkspaceID, role.Role})
	}
	for _, role := range r.OrganizationRoles {
		keys = append(keys, accessKey{AccessOrganizationRole, role.WorkspaceID, role.Role})
	}
	return keys
}

// accountEntries compares an account's access before and after the plan,
// as far as the listings read show it: every path to what the plan
// changes. found is false when the account does not exist.
func (c *computation) accountEntries(accountID string, account access.Account, found bool) []Entry {
	if !found {
		account = access.Account{ID: accountID}
		if email := invitedEmail(accountID); email != "" {
			// A person the invitation brings: no account id yet.
			account = access.Account{Email: email}
		}
	}
	before := accountAccess{}
	var groupsBefore, directBefore []accessKey
	for _, group := range c.groupsOf[accountID] {
		k := accessKey{AccessGroupMembership, group, RoleMember}
		groupsBefore = append(groupsBefore, k)
		before.add(k, PathDirect)
		for _, role := range c.liveRoles[group] {
			before.add(role, group)
		}
	}
	if found {
		for _, k := range c.directRoles[accountID] {
			directBefore = append(directBefore, k)
			before.add(k, PathDirect)
		}
	}
	if found && account.Status == access.StatusSuspended {
		directBefore = append(directBefore, accessKey{AccessSuspension, c.orgID, RoleSuspended})
		before.add(accessKey{AccessSuspension, c.orgID, RoleSuspended}, PathDirect)
	}
	// What ends: the paths made of a grant the plan removes.
	for _, g := range c.removed {
		c.markRemoved(before, g, accountID)
	}

	after := accountAccess{}
	groupsAfter := map[string]bool{}
	for _, k := range groupsBefore {
		groupsAfter[k.ResourceID] = true
	}
	for _, k := range directBefore {
		after.add(k, PathDirect)
	}
	for _, g := range c.removed {
		if g.AccountID != accountID {
			continue
		}
		if g.Access == AccessGroupMembership {
			delete(groupsAfter, g.Group.key())
		} else {
			delete(after[accessKey{g.Access, g.ResourceID, g.Role}], PathDirect)
		}
	}
	for _, g := range c.added {
		if g.AccountID != accountID {
			continue
		}
		if g.Access == AccessGroupMembership {
			groupsAfter[g.Group.key()] = true
		} else {
			after.add(accessKey{g.Access, g.ResourceID, g.Role}, PathDirect)
		}
	}
	for group := range groupsAfter {
		c.addGroupPaths(after, group)
	}
	c.markAdded(after, accountID)

	var out []Entry
	for k, paths := range after {
		if len(paths) == 0 || len(before[k]) > 0 {
			continue
		}
		out = append(out, c.entry(account, ChangeGain, k, paths))
	}
	for k, paths := range before {
		if len(paths) == 0 || len(after[k]) > 0 {
			continue
		}
		out = append(out, c.entry(account, ChangeLoss, k, paths))
	}
	return out
}

// markRemoved records on the account's paths before the plan which grant
// the plan removes ends them.
func (c *computation) markRemoved(before accountAccess, g grant, accountID string) {
	switch {
	case g.AccountID == accountID && g.Access == AccessGroupMembership:
		// The membership, and every role through the group.
		for k, paths := range before {
			if p := paths[g.Group.key()]; p != nil {
				markAddresses(p, g)
			}
			if k.Access == AccessGroupMembership && k.ResourceID == g.Group.key() && paths[PathDirect] != nil {
				markAddresses(paths[PathDirect], g)
			}
		}
	case g.AccountID == accountID:
		if p := before[accessKey{g.Access, g.ResourceID, g.Role}][PathDirect]; p != nil {
			markAddresses(p, g)
		}
	case g.AccountID == "":
		if p := before[accessKey{g.Access, g.ResourceID, g.Role}][g.Group.key()]; p != nil {
			markAddresses(p, g)
		}
	}
}

func markAddresses(p *path, g grant) {
	for _, a := range g.addresses() {
		p.addresses[a] = true
	}
}

// addGroupPaths adds the membership of a group the account is in after the
// plan, and the roles the group holds after it.
func (c *computation) addGroupPaths(after accountAccess, group string) {
	after.add(accessKey{AccessGroupMembership, group, RoleMember}, PathDirect)
	roles := map[accessKey]bool{}
	for _, k := range c.liveRoles[group] {
		roles[k] = true
	}
	for _, g := range c.removed {
		if g.AccountID == "" && g.Group.key() == group {
			delete(roles, accessKey{g.Access, g.ResourceID, g.Role})
		}
	}
	for _, g := range c.added {
		if g.AccountID == "" && g.Group.key() == group {
			roles[accessKey{g.Access, g.ResourceID, g.Role}] = true
		}
	}
	for k := range roles {
		after.add(k, group)
	}
}

// markAdded records on the account's paths after the plan which grants of
// the plan make them, and when they end.
func (c *computation) markAdded(after accountAccess, accountID string) {
	for k, paths := range after {
		for pathID, p := range paths {
			var parts []grant
			if pathID == PathDirect {
				direct := grant{Access: k.Access, AccountID: accountID, ResourceID: k.ResourceID, Role: k.Role}
				if k.Access == AccessGroupMembership {
					// A membership's resource is its group.
					direct.ResourceID, direct.Group = "", c.groupRefOf(k.ResourceID)
				}
				if g, ok := c.after[direct.key()]; ok {
					parts = append(parts, g)
				}
			} else {
				group := c.groupRefOf(pathID)
				if g, ok := c.after[grant{Access: AccessGroupMembership, AccountID: accountID, Group: group, Role: RoleMember}.key()]; ok {
					parts = append(parts, g)
				}
				if g, ok := c.after[grant{Access: k.Access, Group: group, ResourceID: k.ResourceID, Role: k.Role}.key()]; ok {
					parts = append(parts, g)
				}
			}
			for _, g := range parts {
				if _, added := c.added[g.key()]; added {
					markAddresses(p, g)
				}
				if g.ExpiresAt != "" && (p.expires == "" || g.ExpiresAt < p.expires) {
					p.expires = g.ExpiresAt
				}
			}
		}
	}
}

func (c *computation) groupRefOf(key string) groupRef {
	if addr, ok := strings.CutPrefix(key, "new:"); ok {
		return groupRef{Address: addr}
	}
	return groupRef{ID: key}
}

func (c *computation) entry(a access.Account, change string, k accessKey, paths map[string]*path) Entry {
	e := Entry{AccountID: a.ID, Email: a.Email, Name: a.Name, Managed: a.ClaimStatus == "managed", Change: change,
		Access: k.Access, ResourceID: k.ResourceID, Role: k.Role}
	addresses := map[string]bool{}
	allExpire := true
	latest := ""
	for id, p := range paths {
		e.Paths = append(e.Paths, displayGroup(id))
		for addr := range p.addresses {
			addresses[addr] = true
		}
		if p.expires == "" {
			allExpire = false
		} else if p.expires > latest {
			latest = p.expires
		}
	}
	if k.Access == AccessGroupMembership {
		e.ResourceID = displayGroup(k.ResourceID)
	}
	slices.Sort(e.Paths)
	e.Addresses = slices.Sorted(maps.Keys(addresses))
	if e.Addresses == nil {
		e.Addresses = []string{}
	}
	if change == ChangeGain && allExpire {
		e.ExpiresAt = latest
	}
	return e
}

// displayGroup names a group by id, or a group the plan creates by its
// address.
func displayGroup(key string) string {
	if addr, ok := strings.CutPrefix(key, "new:"); ok {
		return addr
	}
	return key
}

// fillNames names each entry's resource: groups and workspaces from the
// listings read, the groups the plan creates by their planned name.
func (c *computation) fillNames(ctx context.Context, entries []Entry) error {
	for i := range entries {
		e := &entries[i]
		switch e.Access {
		case AccessGroupMembership:
			if name, ok := c.grants.newGroupNames[e.ResourceID]; ok {
				e.ResourceName = name
				continue
			}
			if err := c.nameGroup(ctx, e.ResourceID, c.groupNames); err != nil {
				return err
			}
			e.ResourceName = c.groupNames[e.ResourceID]
		case AccessWorkspaceRole:
			name, ok := c.workspaceNames[e.ResourceID]
			if !ok {
				w, found, err := c.view.Workspace(ctx, e.ResourceID)
				if err != nil {
					return err
				}
				if found {
					name = w.Name
				}
				c.workspaceNames[e.ResourceID] = name
			}
			e.ResourceName = name
		default:
			if c.orgName == "" {
				org, err := c.view.Organization(ctx)
				if err != nil {
					return err
				}
				c.orgName = cmp.Or(org.Name, c.orgID)
			}
			e.ResourceName = c.orgName
		}
	}
	return nil
}

// nameGroup puts a group's name in names: the planned name of a group the
// plan creates (named by its address), else the name read.
func (c *computation) nameGroup(ctx context.Context, id string, names map[string]string) error {
	if name, ok := c.grants.newGroupNames[id]; ok {
		names[id] = name
		return nil
	}
	if name, ok := c.groupNames[id]; ok {
		names[id] = name
		return nil
	}
	g, found, err := c.view.Group(ctx, id)
	if err != nil {
		return err
	}
	if found {
		names[id] = g.Name
		c.groupNames[id] = g.Name
	}
	return nil
}

func sortEntries(entries []Entry) {
	slices.SortStableFunc(entries, func(a, b Entry) int {
		return cmp.Or(
			cmp.Compare(a.Email, b.Email),
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(a.Change, b.Change),
			cmp.Compare(a.Access, b.Access),
			cmp.Compare(a.ResourceName, b.ResourceName),
			cmp.Compare(a.ResourceID, b.ResourceID),
			cmp.Compare(a.Role, b.Role),
		)
	})
}
