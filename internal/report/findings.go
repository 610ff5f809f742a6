package report

import (
	"cmp"
	"slices"
	"time"
)

// Findings are what a reviewer should look at first. Each counts what its
// title names: accounts, or groups.
type Findings struct {
	// OrganizationAdmins are the accounts holding atlassian/org-admin,
	// directly or through a group: one entry per account, with each path it
	// holds the role through.
	OrganizationAdmins []AccountRoles `json:"organization_admins"`
	// InactiveWithAccess are accounts that are not active and still hold
	// access: one entry per account.
	InactiveWithAccess []AccountAccess `json:"inactive_with_access"`
	// UnmanagedAdmins are the accounts the organization does not manage
	// (external accounts) holding an administrative role: one entry per
	// account, with each admin role it holds and the path it holds it
	// through.
	UnmanagedAdmins []AccountRoles `json:"unmanaged_admins"`
	// EmptyGroups are the groups with no members.
	EmptyGroups []Group `json:"empty_groups"`

	// InactiveDays is how long product access went unused for
	// UnusedProductAccess to name it; AsOf is the time it is measured back
	// from: the end of the sync.
	InactiveDays int       `json:"inactive_days"`
	AsOf         time.Time `json:"as_of"`
	// UnusedProductAccess is product access last used more than
	// InactiveDays before AsOf: one entry per account and workspace, with
	// the roles and paths that grant it. NeverUsedProductAccess is product
	// access the account never used. Both only where the sync carries the
	// account's activity.
	UnusedProductAccess    []UnusedAccess `json:"unused_product_access"`
	NeverUsedProductAccess []UnusedAccess `json:"never_used_product_access"`
	// ReclaimableSeats counts, per workspace, the accounts of the two
	// findings above: the product seats removing that access would free.
	ReclaimableSeats []WorkspaceSeats `json:"reclaimable_seats"`
	// AdminsWithoutTwoStep are the accounts holding an administrative role
	// (of the organization or of a product), directly or through a group,
	// that have two-step verification turned off: one entry per account.
	AdminsWithoutTwoStep []AccountRoles `json:"admins_without_two_step_verification"`
	// HandInvitedAdmins are, in an organization whose accounts are synced
	// from an identity provider, the accounts holding an administrative
	// role that were invited by hand instead: the identity provider does not
	// remove them when their owner leaves. Empty when no account is synced.
	HandInvitedAdmins []AccountRoles `json:"hand_invited_admins"`
}

// UnusedAccess is an account's product access to one workspace that it
// has not used lately, or never.
type UnusedAccess struct {
	AccountID     string `json:"account_id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	AccountStatus string `json:"account_status"`
	WorkspaceID   string `json:"workspace_id"`
	WorkspaceName string `json:"workspace_name"`
	// LastActive is null when the account never used the workspace.
	LastActive *time.Time `json:"last_active"`
	Roles      []HeldRole `json:"roles"`
}

// WorkspaceSeats is how many accounts' access to a workspace a finding
// would reclaim.
type WorkspaceSeats struct {
	WorkspaceID   string `json:"workspace_id"`
	WorkspaceName string `json:"workspace_name"`
	Seats         int    `json:"seats"`
}

// AccountRoles is an account and the roles a finding names it for.
type AccountRoles struct {
	AccountID     string     `json:"account_id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	AccountStatus string     `json:"account_status"`
	ClaimStatus   string     `json:"claim_status"`
	Roles         []HeldRole `json:"roles"`
}

// HeldRole is one role an account holds, on what and through which path.
type HeldRole struct {
	AccessType   string `json:"access_type"`
	ResourceID   string `json:"resource_id"`
	ResourceName string `json:"resource_name"`
	Role         string `json:"role"`
	Path         string `json:"path"`
	PathGroupID  string `json:"path_group_id"`
}

// AccountAccess is an account and how much access it holds.
type AccountAccess struct {
	AccountID     string `json:"account_id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	AccountStatus string `json:"account_status"`
	ClaimStatus   string `json:"claim_status"`
	Rows          int    `json:"rows"`
}

// RoleCount is how many accounts hold a workspace role: in all, directly,
// and through a group. An account holding it both ways counts in both, and
// once in Accounts.
type RoleCount struct {
	WorkspaceID   string `json:"workspace_id"`
	WorkspaceName string `json:"workspace_name"`
	Role          string `json:"role"`
	Accounts      int    `json:"accounts"`
	Direct        int    `json:"direct"`
	ThroughGroups int    `json:"through_groups"`
}

// GroupCount is a group's members and the roles it gives them.
type GroupCount struct {
	GroupID   string `json:"group_id"`
	GroupName string `json:"group_name"`
	Members   int    `json:"members"`
	// RoleRows counts the role rows held through the group.
	RoleRows int `json:"role_rows"`
}

// Summary counts access per workspace role and per group.
type Summary struct {
	Accounts       int          `json:"accounts"`
	Rows           int          `json:"rows"`
	WorkspaceRoles []RoleCount  `json:"workspace_roles"`
	Groups         []GroupCount `json:"groups"`
}

// Findings computes the findings of the report.
func (r *Report) Findings() Findings {
	synced := false
	for _, a := range r.AccountsByID {
		if a.ManagementSource == "synced" {
			synced = true
			break
		}
	}
	b := newFindingsBuilder(r.inactiveDays(), r.asOf(), synced, func(id string) (Account, bool) {
		a, ok := r.AccountsByID[id]
		return a, ok
	})
	for _, row := range r.Rows {
		b.add(row)
	}
	f := b.findings(r.Groups)
	batch := b.take()
	f.OrganizationAdmins, f.InactiveWithAccess, f.UnmanagedAdmins = batch.organizationAdmins, batch.inactiveWithAccess, batch.unmanagedAdmins
	f.UnusedProductAccess, f.NeverUsedProductAccess = batch.unused, batch.neverUsed
	f.AdminsWithoutTwoStep, f.HandInvitedAdmins = batch.adminsWithoutTwoStep, batch.handInvitedAdmins
	f.ReclaimableSeats = b.reclaimableSeats()
	return f
}

// inactiveDays is r.InactiveDays, or its default.
func (r *Report) inactiveDays() int {
	if r.InactiveDays > 0 {
		return r.InactiveDays
	}
	return DefaultInactiveDays
}

// asOf is the time unused access is measured back from: the end of the
// sync (its start, or now, for a sync that did not record them).
func (r *Report) asOf() time.Time { return asOf(r.Metadata) }

func asOf(m Metadata) time.Time {
	switch {
	case !m.SyncEndedAt.IsZero():
		return m.SyncEndedAt
	case !m.SyncStartedAt.IsZero():
		return m.SyncStartedAt
	}
	return time.Now().UTC()
}

// findingsBuilder gathers the findings row by row. take hands over the
// findings of the rows added since the last take, in the report's order
// when every account's rows were added between two takes and the takes
// follow the rows' order: so a report read account by account holds the
// findings of one email's accounts at a time, and the counts of seats.
type findingsBuilder struct {
	inactiveDays int
	asOf, cutoff time.Time
	// synced tells whether any account is synced from an identity
	// provider.
	synced  bool
	account func(id string) (Account, bool)

	orgAdmins, unmanagedAdmins, withoutTwoStep, handInvited accountsBuilder
	inactive                                                map[string]*AccountAccess
	unused                                                  map[accessKey]*UnusedAccess
	order                                                   []accessKey // unused's keys in the rows' order
	seats                                                   map[string]*WorkspaceSeats
}

type accessKey struct{ account, workspace string }

func newFindingsBuilder(inactiveDays int, asOf time.Time, synced bool, account func(id string) (Account, bool)) *findingsBuilder {
	return &findingsBuilder{
		inactiveDays: inactiveDays, asOf: asOf, cutoff: asOf.Add(-time.Duration(inactiveDays) * 24 * time.Hour),
		synced: synced, account: account,
		orgAdmins: accountsBuilder{}, unmanagedAdmins: accountsBuilder{}, withoutTwoStep: accountsBuilder{}, handInvited: accountsBuilder{},
		inactive: map[string]*AccountAccess{}, unused: map[accessKey]*UnusedAccess{}, seats: map[string]*WorkspaceSeats{},
	}
}

// add reads one row into the findings.
func (b *findingsBuilder) add(row Row) {
	if row.AccessType == AccessOrganizationRole && row.Role == "atlassian/org-admin" {
		b.orgAdmins.add(row)
	}
	if row.AccountStatus != "active" {
		a := b.inactive[row.AccountID]
		if a == nil {
			a = &AccountAccess{AccountID: row.AccountID, Email: row.Email, Name: row.Name, AccountStatus: row.AccountStatus, ClaimStatus: row.ClaimStatus}
			b.inactive[row.AccountID] = a
		}
		a.Rows++
	}
	isAdmin := row.AccessType != AccessGroupMembership && IsAdminRole(row.Role)
	if row.ClaimStatus != "managed" && isAdmin {
		b.unmanagedAdmins.add(row)
	}
	a, known := b.account(row.AccountID)
	if isAdmin {
		if known && a.MFAEnabled != nil && !*a.MFAEnabled {
			b.withoutTwoStep.add(row)
		}
		if b.synced && known && a.ManagementSource == "invited" {
			b.handInvited.add(row)
		}
	}
	if row.AccessType != AccessWorkspaceRole || !known || a.ProductAccess == nil {
		return
	}
	last := a.ProductAccess[row.ResourceID]
	if last != nil && !last.Before(b.cutoff) {
		return
	}
	k := accessKey{row.AccountID, row.ResourceID}
	u := b.unused[k]
	if u == nil {
		u = &UnusedAccess{AccountID: row.AccountID, Email: row.Email, Name: row.Name, AccountStatus: row.AccountStatus,
			WorkspaceID: row.ResourceID, WorkspaceName: row.ResourceName, LastActive: last}
		b.unused[k] = u
		b.order = append(b.order, k)
	}
	u.Roles = append(u.Roles, HeldRole{AccessType: row.AccessType, ResourceID: row.ResourceID, ResourceName: row.ResourceName,
		Role: row.Role, Path: row.Path, PathGroupID: row.PathGroupID})
}

// findingsBatch is the findings of the rows added between two takes.
type findingsBatch struct {
	organizationAdmins, unmanagedAdmins, adminsWithoutTwoStep, handInvitedAdmins []AccountRoles
	inactiveWithAccess                                                           []AccountAccess
	unused, neverUsed                                                            []UnusedAccess
}

// take hands over the findings of the rows added since the last take and
// starts anew, but for the seats, which count on.
func (b *findingsBuilder) take() findingsBatch {
	batch := findingsBatch{
		organizationAdmins: b.orgAdmins.accounts(), unmanagedAdmins: b.unmanagedAdmins.accounts(),
		adminsWithoutTwoStep: b.withoutTwoStep.accounts(), handInvitedAdmins: b.handInvited.accounts(),
		inactiveWithAccess: make([]AccountAccess, 0, len(b.inactive)),
		unused:             []UnusedAccess{}, neverUsed: []UnusedAccess{},
	}
	for _, a := range b.inactive {
		batch.inactiveWithAccess = append(batch.inactiveWithAccess, *a)
	}
	slices.SortFunc(batch.inactiveWithAccess, func(a, b AccountAccess) int {
		return cmp.Or(cmp.Compare(a.Email, b.Email), cmp.Compare(a.AccountID, b.AccountID))
	})
	for _, k := range b.order { // the rows' order: by email, then workspace
		u := b.unused[k]
		if u.LastActive == nil {
			batch.neverUsed = append(batch.neverUsed, *u)
		} else {
			batch.unused = append(batch.unused, *u)
		}
		s := b.seats[u.WorkspaceID]
		if s == nil {
			s = &WorkspaceSeats{WorkspaceID: u.WorkspaceID, WorkspaceName: u.WorkspaceName}
			b.seats[u.WorkspaceID] = s
		}
		s.Seats++
	}
	b.orgAdmins, b.unmanagedAdmins, b.withoutTwoStep, b.handInvited = accountsBuilder{}, accountsBuilder{}, accountsBuilder{}, accountsBuilder{}
	b.inactive, b.unused, b.order = map[string]*AccountAccess{}, map[accessKey]*UnusedAccess{}, nil
	return batch
}

// findings are the findings that are not lists of accounts: the empty
// groups and the measure of unused access, with every list empty.
func (b *findingsBuilder) findings(groups []Group) Findings {
	f := Findings{
		OrganizationAdmins: []AccountRoles{}, InactiveWithAccess: []AccountAccess{}, UnmanagedAdmins: []AccountRoles{},
		EmptyGroups: []Group{}, InactiveDays: b.inactiveDays, AsOf: b.asOf,
		UnusedProductAccess: []UnusedAccess{}, NeverUsedProductAccess: []UnusedAccess{}, ReclaimableSeats: []WorkspaceSeats{},
		AdminsWithoutTwoStep: []AccountRoles{}, HandInvitedAdmins: []AccountRoles{},
	}
	for _, g := range groups {
		if g.Members == 0 {
			f.EmptyGroups = append(f.EmptyGroups, g)
		}
	}
	return f
}

// reclaimableSeats are the seats counted so far, by workspace name then
// id.
func (b *findingsBuilder) reclaimableSeats() []WorkspaceSeats {
	out := make([]WorkspaceSeats, 0, len(b.seats))
	for _, s := range b.seats {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b WorkspaceSeats) int {
		return cmp.Or(cmp.Compare(a.WorkspaceName, b.WorkspaceName), cmp.Compare(a.WorkspaceID, b.WorkspaceID))
	})
	return out
}

// accountsBuilder gathers a finding's rows into one entry per account.
type accountsBuilder map[string]*AccountRoles

func (b accountsBuilder) add(row Row) {
	a := b[row.AccountID]
	if a == nil {
		a = &AccountRoles{AccountID: row.AccountID, Email: row.Email, Name: row.Name, AccountStatus: row.AccountStatus, ClaimStatus: row.ClaimStatus}
		b[row.AccountID] = a
	}
	a.Roles = append(a.Roles, HeldRole{AccessType: row.AccessType, ResourceID: row.ResourceID, ResourceName: row.ResourceName,
		Role: row.Role, Path: row.Path, PathGroupID: row.PathGroupID})
}

// accounts are the entries in the report's order: by email, then account
// id; each account's roles keep the order of its rows.
func (b accountsBuilder) accounts() []AccountRoles {
	out := make([]AccountRoles, 0, len(b))
	for _, a := range b {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b AccountRoles) int {
		return cmp.Or(cmp.Compare(a.Email, b.Email), cmp.Compare(a.AccountID, b.AccountID))
	})
	return out
}

// Summary computes the counts of the report.
func (r *Report) Summary() Summary {
	b := newSummaryBuilder(r.Groups)
	for _, row := range r.Rows {
		b.add(row)
	}
	return b.summary(r.Accounts)
}

type roleKey struct{ workspace, role string }

// holding is how an account holds a role: directly, through a group, or
// both.
type holding struct{ direct, throughGroup bool }

// summaryBuilder counts the summary row by row. The accounts holding each
// role are held until settle, which counts them: settling after each
// email's rows, when the rows come in the report's order, holds the
// accounts of one email at a time.
type summaryBuilder struct {
	groupOrder []Group
	rows       int
	groups     map[string]*GroupCount
	roles      map[roleKey]*RoleCount
	holders    map[roleKey]map[string]*holding
}

func newSummaryBuilder(groups []Group) *summaryBuilder {
	b := &summaryBuilder{groupOrder: groups, groups: map[string]*GroupCount{}, roles: map[roleKey]*RoleCount{}, holders: map[roleKey]map[string]*holding{}}
	for _, g := range groups {
		b.groups[g.ID] = &GroupCount{GroupID: g.ID, GroupName: g.Name, Members: g.Members}
	}
	return b
}

func (b *summaryBuilder) add(row Row) {
	b.rows++
	if row.PathGroupID != "" {
		if g := b.groups[row.PathGroupID]; g != nil {
			g.RoleRows++
		}
	}
	if row.AccessType != AccessWorkspaceRole {
		return
	}
	k := roleKey{row.ResourceID, row.Role}
	if b.roles[k] == nil {
		b.roles[k] = &RoleCount{WorkspaceID: row.ResourceID, WorkspaceName: row.ResourceName, Role: row.Role}
	}
	if b.holders[k] == nil {
		b.holders[k] = map[string]*holding{}
	}
	h := b.holders[k][row.AccountID]
	if h == nil {
		h = &holding{}
		b.holders[k][row.AccountID] = h
	}
	if row.PathGroupID == "" {
		h.direct = true
	} else {
		h.throughGroup = true
	}
}

// settle counts the accounts holding each role since the last settle: no
// account's rows may come on both sides of it.
func (b *summaryBuilder) settle() {
	for k, holders := range b.holders {
		rc := b.roles[k]
		rc.Accounts += len(holders)
		for _, h := range holders {
			if h.direct {
				rc.Direct++
			}
			if h.throughGroup {
				rc.ThroughGroups++
			}
		}
	}
	clear(b.holders)
}

func (b *summaryBuilder) summary(accounts int) Summary {
	b.settle()
	s := Summary{Accounts: accounts, Rows: b.rows, WorkspaceRoles: []RoleCount{}, Groups: []GroupCount{}}
	for _, rc := range b.roles {
		s.WorkspaceRoles = append(s.WorkspaceRoles, *rc)
	}
	slices.SortFunc(s.WorkspaceRoles, func(a, b RoleCount) int {
		return cmp.Or(cmp.Compare(a.WorkspaceName, b.WorkspaceName), cmp.Compare(a.WorkspaceID, b.WorkspaceID), cmp.Compare(a.Role, b.Role))
	})
	for _, g := range b.groupOrder {
		s.Groups = append(s.Groups, *b.groups[g.ID])
	}
	return s
}
