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
	f := Findings{InactiveWithAccess: []AccountAccess{}, EmptyGroups: []Group{}}
	orgAdmins, unmanagedAdmins := accountsBuilder{}, accountsBuilder{}
	inactive := map[string]*AccountAccess{}
	for _, row := range r.Rows {
		if row.AccessType == AccessOrganizationRole && row.Role == "atlassian/org-admin" {
			orgAdmins.add(row)
		}
		if row.AccountStatus != "active" {
			a := inactive[row.AccountID]
			if a == nil {
				a = &AccountAccess{AccountID: row.AccountID, Email: row.Email, Name: row.Name, AccountStatus: row.AccountStatus, ClaimStatus: row.ClaimStatus}
				inactive[row.AccountID] = a
			}
			a.Rows++
		}
		if row.ClaimStatus != "managed" && row.AccessType != AccessGroupMembership && IsAdminRole(row.Role) {
			unmanagedAdmins.add(row)
		}
	}
	f.OrganizationAdmins, f.UnmanagedAdmins = orgAdmins.accounts(), unmanagedAdmins.accounts()
	r.activityFindings(&f)
	for _, a := range inactive {
		f.InactiveWithAccess = append(f.InactiveWithAccess, *a)
	}
	slices.SortFunc(f.InactiveWithAccess, func(a, b AccountAccess) int {
		return cmp.Or(cmp.Compare(a.Email, b.Email), cmp.Compare(a.AccountID, b.AccountID))
	})
	for _, g := range r.Groups {
		if g.Members == 0 {
			f.EmptyGroups = append(f.EmptyGroups, g)
		}
	}
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
func (r *Report) asOf() time.Time {
	switch {
	case !r.Metadata.SyncEndedAt.IsZero():
		return r.Metadata.SyncEndedAt
	case !r.Metadata.SyncStartedAt.IsZero():
		return r.Metadata.SyncStartedAt
	}
	return time.Now().UTC()
}

// activityFindings fills the findings on unused product access, admins
// without two-step verification and hand-invited admins.
func (r *Report) activityFindings(f *Findings) {
	f.InactiveDays, f.AsOf = r.inactiveDays(), r.asOf()
	cutoff := f.AsOf.Add(-time.Duration(f.InactiveDays) * 24 * time.Hour)
	synced := false
	for _, a := range r.AccountsByID {
		if a.ManagementSource == "synced" {
			synced = true
			break
		}
	}
	type accessKey struct{ account, workspace string }
	unused := map[accessKey]*UnusedAccess{}
	var order []accessKey
	withoutTwoStep, handInvited := accountsBuilder{}, accountsBuilder{}
	for _, row := range r.Rows {
		a, known := r.AccountsByID[row.AccountID]
		if row.AccessType != AccessGroupMembership && IsAdminRole(row.Role) {
			if known && a.MFAEnabled != nil && !*a.MFAEnabled {
				withoutTwoStep.add(row)
			}
			if synced && known && a.ManagementSource == "invited" {
				handInvited.add(row)
			}
		}
		if row.AccessType != AccessWorkspaceRole || !known || a.ProductAccess == nil {
			continue
		}
		last := a.ProductAccess[row.ResourceID]
		if last != nil && !last.Before(cutoff) {
			continue
		}
		k := accessKey{row.AccountID, row.ResourceID}
		u := unused[k]
		if u == nil {
			u = &UnusedAccess{AccountID: row.AccountID, Email: row.Email, Name: row.Name, AccountStatus: row.AccountStatus,
				WorkspaceID: row.ResourceID, WorkspaceName: row.ResourceName, LastActive: last}
			unused[k] = u
			order = append(order, k)
		}
		u.Roles = append(u.Roles, HeldRole{AccessType: row.AccessType, ResourceID: row.ResourceID, ResourceName: row.ResourceName,
			Role: row.Role, Path: row.Path, PathGroupID: row.PathGroupID})
	}
	f.UnusedProductAccess, f.NeverUsedProductAccess, f.ReclaimableSeats = []UnusedAccess{}, []UnusedAccess{}, []WorkspaceSeats{}
	seats := map[string]*WorkspaceSeats{}
	for _, k := range order { // the rows' order: by email, then workspace
		u := unused[k]
		if u.LastActive == nil {
			f.NeverUsedProductAccess = append(f.NeverUsedProductAccess, *u)
		} else {
			f.UnusedProductAccess = append(f.UnusedProductAccess, *u)
		}
		s := seats[u.WorkspaceID]
		if s == nil {
			s = &WorkspaceSeats{WorkspaceID: u.WorkspaceID, WorkspaceName: u.WorkspaceName}
			seats[u.WorkspaceID] = s
		}
		s.Seats++
	}
	for _, s := range seats {
		f.ReclaimableSeats = append(f.ReclaimableSeats, *s)
	}
	slices.SortFunc(f.ReclaimableSeats, func(a, b WorkspaceSeats) int {
		return cmp.Or(cmp.Compare(a.WorkspaceName, b.WorkspaceName), cmp.Compare(a.WorkspaceID, b.WorkspaceID))
	})
	f.AdminsWithoutTwoStep, f.HandInvitedAdmins = withoutTwoStep.accounts(), handInvited.accounts()
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
	s := Summary{Accounts: r.Accounts, Rows: len(r.Rows), WorkspaceRoles: []RoleCount{}, Groups: []GroupCount{}}
	type roleKey struct{ workspace, role string }
	roles := map[roleKey]*RoleCount{}
	// The accounts holding each role, and whether directly and through a
	// group.
	type holding struct{ direct, throughGroup bool }
	holders := map[roleKey]map[string]*holding{}
	groups := map[string]*GroupCount{}
	for _, g := range r.Groups {
		groups[g.ID] = &GroupCount{GroupID: g.ID, GroupName: g.Name, Members: g.Members}
	}
	for _, row := range r.Rows {
		if row.PathGroupID != "" {
			if g := groups[row.PathGroupID]; g != nil {
				g.RoleRows++
			}
		}
		if row.AccessType != AccessWorkspaceRole {
			continue
		}
		k := roleKey{row.ResourceID, row.Role}
		rc := roles[k]
		if rc == nil {
			rc = &RoleCount{WorkspaceID: row.ResourceID, WorkspaceName: row.ResourceName, Role: row.Role}
			roles[k] = rc
			holders[k] = map[string]*holding{}
		}
		h := holders[k][row.AccountID]
		if h == nil {
			h = &holding{}
			holders[k][row.AccountID] = h
		}
		if row.PathGroupID == "" {
			h.direct = true
		} else {
			h.throughGroup = true
		}
	}
	for k, rc := range roles {
		rc.Accounts = len(holders[k])
		for _, h := range holders[k] {
			if h.direct {
				rc.Direct++
			}
			if h.throughGroup {
				rc.ThroughGroups++
			}
		}
		s.WorkspaceRoles = append(s.WorkspaceRoles, *rc)
	}
	slices.SortFunc(s.WorkspaceRoles, func(a, b RoleCount) int {
		return cmp.Or(cmp.Compare(a.WorkspaceName, b.WorkspaceName), cmp.Compare(a.WorkspaceID, b.WorkspaceID), cmp.Compare(a.Role, b.Role))
	})
	for _, g := range r.Groups {
		s.Groups = append(s.Groups, *groups[g.ID])
	}
	return s
}
