package impact

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// Risk flags: what a reviewer should look at first.
const (
	// FlagOrgAdminGained: an account becomes an organization admin.
	FlagOrgAdminGained = "org_admin_gained"
	// FlagAdminRoleGained: an account gains an admin-level workspace role.
	FlagAdminRoleGained = "admin_role_gained"
	// FlagUnmanagedGained: an account the organization does not manage
	// (an external one) gains access.
	FlagUnmanagedGained = "unmanaged_gained"
	// FlagManyAccounts: one resource change reaches more accounts than
	// the limit.
	FlagManyAccounts = "many_accounts"
	// FlagLastOrgAdminLost: no organization admin would remain.
	FlagLastOrgAdminLost = "last_org_admin_lost"
)

// Flags are every flag, in the order reports list them.
var Flags = []string{FlagOrgAdminGained, FlagLastOrgAdminLost, FlagAdminRoleGained, FlagUnmanagedGained, FlagManyAccounts}

// flagTitles are the flags as a reviewer reads them.
var flagTitles = map[string]string{
	FlagOrgAdminGained:   "Organization admin gained",
	FlagAdminRoleGained:  "Admin-level workspace role gained",
	FlagUnmanagedGained:  "Access gained by unmanaged accounts",
	FlagManyAccounts:     "A change reaching many accounts",
	FlagLastOrgAdminLost: "Last organization admin lost",
}

// AdminWorkspaceRoles are the workspace roles that administer the
// workspace or its users.
var AdminWorkspaceRoles = []string{"atlassian/admin", "atlassian/user-access-admin"}

// Flag is a raised risk flag.
type Flag struct {
	Name string `json:"name"`
	// Accounts are the accounts concerned, by id.
	Accounts []string `json:"accounts"`
	// Addresses are the Terraform resources that raise it.
	Addresses []string `json:"addresses"`
	Message   string   `json:"message"`
}

// flagSet gathers the accounts and addresses of each flag.
type flagSet map[string]*struct{ accounts, addresses map[string]bool }

func (s flagSet) raise(name string, e Entry) {
	if s[name] == nil {
		s[name] = &struct{ accounts, addresses map[string]bool }{map[string]bool{}, map[string]bool{}}
	}
	s[name].accounts[accountOf(e)] = true
	for _, a := range e.Addresses {
		s[name].addresses[a] = true
	}
}

// accountOf names an entry's account: its id, or the email of a person an
// invitation brings, who has no id yet.
func accountOf(e Entry) string { return cmp.Or(e.AccountID, e.Email) }

func (c *computation) flags(ctx context.Context, entries []Entry, maxAccounts int) ([]Flag, error) {
	set := flagSet{}
	reach := map[string]map[string]bool{} // address -> accounts
	var orgAdminLosses []Entry
	orgAdminGains := map[string]bool{}
	for _, e := range entries {
		for _, a := range e.Addresses {
			if reach[a] == nil {
				reach[a] = map[string]bool{}
			}
			reach[a][accountOf(e)] = true
		}
		orgAdmin := e.Access == AccessOrganizationRole && e.Role == access.RoleOrgAdmin
		if e.Change == ChangeLoss {
			if orgAdmin {
				orgAdminLosses = append(orgAdminLosses, e)
			}
			continue
		}
		if e.Access == AccessSuspension {
			// A suspension takes access away.
			continue
		}
		if orgAdmin {
			set.raise(FlagOrgAdminGained, e)
			orgAdminGains[e.AccountID] = true
		}
		if e.Access == AccessWorkspaceRole && slices.Contains(AdminWorkspaceRoles, e.Role) {
			set.raise(FlagAdminRoleGained, e)
		}
		if !e.Managed && e.AccountID != "" {
			// A person not yet in the organization is neither: the
			// invitation's account is claimed, or not, once accepted.
			set.raise(FlagUnmanagedGained, e)
		}
	}
	for _, e := range entries {
		for _, a := range e.Addresses {
			if len(reach[a]) > maxAccounts {
				set.raise(FlagManyAccounts, Entry{AccountID: accountOf(e), Addresses: []string{a}})
			}
		}
	}
	if len(orgAdminLosses) > 0 && len(orgAdminGains) == 0 {
		// Only then are the organization's admins worth reading: the
		// holders of the role, which only accounts can hold.
		admins, err := c.view.FindOrganizationAdmins(ctx)
		if err != nil {
			return nil, err
		}
		losing := map[string]bool{}
		for _, e := range orgAdminLosses {
			losing[e.AccountID] = true
		}
		if !slices.ContainsFunc(admins, func(id string) bool { return !losing[id] }) {
			for _, e := range orgAdminLosses {
				set.raise(FlagLastOrgAdminLost, e)
			}
		}
	}
	out := []Flag{}
	for _, name := range Flags {
		f := set[name]
		if f == nil {
			continue
		}
		flag := Flag{Name: name, Accounts: slices.Sorted(maps.Keys(f.accounts)), Addresses: slices.Sorted(maps.Keys(f.addresses))}
		flag.Message = flagMessage(name, len(flag.Accounts), maxAccounts)
		out = append(out, flag)
	}
	return out, nil
}

func flagMessage(name string, accounts, maxAccounts int) string {
	switch name {
	case FlagOrgAdminGained:
		return fmt.Sprintf("Organization admin gained by %s: an organization admin can change everything in the organization.", countAccounts(accounts))
	case FlagAdminRoleGained:
		return fmt.Sprintf("An admin-level workspace role (%s) gained by %s.", strings.Join(AdminWorkspaceRoles, ", "), countAccounts(accounts))
	case FlagUnmanagedGained:
		return fmt.Sprintf("Access gained by %s that the organization does not manage (external accounts).", countAccounts(accounts))
	case FlagManyAccounts:
		return fmt.Sprintf("Changes reaching more than %d accounts each, %s in all.", maxAccounts, countAccounts(accounts))
	case FlagLastOrgAdminLost:
		return "No organization admin would remain: the apply refuses to remove the last one; keep another admin first."
	}
	return ""
}

func countAccounts(n int) string {
	if n == 1 {
		return "1 account"
	}
	return fmt.Sprintf("%d accounts", n)
}

// ParseFlags checks a --fail-on list.
func ParseFlags(list string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(Flags, name) {
			return nil, fmt.Errorf("unknown flag %q: use %s", name, strings.Join(Flags, ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// Raised returns the flags of names the report raises.
func (r *Report) Raised(names []string) []string {
	var out []string
	for _, f := range r.Flags {
		if slices.Contains(names, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}
