package report

import (
	"cmp"
	"slices"
)

// Findings are what a reviewer should look at first.
type Findings struct {
	// OrganizationAdmins hold atlassian/org-admin, directly or through a
	// group.
	OrganizationAdmins []Row `json:"organization_admins"`
	// InactiveWithAccess are accounts that are not active and still hold
	// access: one entry per account.
	InactiveWithAccess []AccountAccess `json:"inactive_with_access"`
	// UnmanagedAdmins are rows of accounts the organization does not manage
	// (external accounts) holding an administrative role.
	UnmanagedAdmins []Row `json:"unmanaged_admins"`
	// EmptyGroups have no members.
	EmptyGroups []Group `json:"empty_groups"`
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

// RoleCount is how many accounts hold a workspace role, and through how
// many paths.
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
	f := Findings{OrganizationAdmins: []Row{}, InactiveWithAccess: []AccountAccess{}, UnmanagedAdmins: []Row{}, EmptyGroups: []Group{}}
	inactive := map[string]*AccountAccess{}
	for _, row := range r.Rows {
		if row.AccessType == AccessOrganizationRole && row.Role == "atlassian/org-admin" {
			f.OrganizationAdmins = append(f.OrganizationAdmins, row)
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
			f.UnmanagedAdmins = append(f.UnmanagedAdmins, row)
		}
	}
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

// Summary computes the counts of the report.
func (r *Report) Summary() Summary {
	s := Summary{Accounts: r.Accounts, Rows: len(r.Rows), WorkspaceRoles: []RoleCount{}, Groups: []GroupCount{}}
	type roleKey struct{ workspace, role string }
	roles := map[roleKey]*RoleCount{}
	holders := map[roleKey]map[string]bool{}
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
			holders[k] = map[string]bool{}
		}
		holders[k][row.AccountID] = true
		if row.PathGroupID == "" {
			rc.Direct++
		} else {
			rc.ThroughGroups++
		}
	}
	for k, rc := range roles {
		rc.Accounts = len(holders[k])
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
