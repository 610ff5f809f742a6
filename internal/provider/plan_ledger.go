package provider

import (
	"fmt"
	"sort"
	"sync"
	"weak"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// Terraform plans each resource on its own and never tells a provider the
// other resources of a configuration. A check that spans resources (the
// last organization admin, an account both suspended and made an admin, a
// member both listed and added alone) keeps what the plans of one provider
// process have decided so far in a ledger, one per access view: the
// resource planned second sees the first. Each provider process configures
// a view of its own, so a ledger never outlives one Terraform command.

// ledgerOf returns the ledger of view d kept in ledgers (a map from the
// view, weakly, so that a ledger does not keep a configured provider's
// caches alive), creating it with fresh the first time.
func ledgerOf[T any](ledgers *sync.Map, d *access.View, fresh func() *T) *T {
	if v, ok := ledgers.Load(weak.Make(d)); ok {
		return v.(*T)
	}
	v, _ := ledgers.LoadOrStore(weak.Make(d), fresh())
	return v.(*T)
}

// plannedMemberships is what the plans of one provider process keep of the
// group memberships: for each group, the accounts an atlassian_group_members
// lists and those an atlassian_group_membership adds. A group should have
// one or the other: the authoritative list removes every member it does not
// list, and a membership destroyed later removes an account the list keeps,
// so each apply undoes what the other did.
type plannedMemberships struct {
	mu     sync.Mutex
	listed map[string]map[string]bool // group id => accounts of its atlassian_group_members
	alone  map[string]map[string]bool // group id => accounts of its atlassian_group_membership resources
}

var membershipPlans sync.Map // weak.Pointer[access.View] -> *plannedMemberships

func membershipPlanOf(d *access.View) *plannedMemberships {
	return ledgerOf(&membershipPlans, d, func() *plannedMemberships {
		return &plannedMemberships{listed: map[string]map[string]bool{}, alone: map[string]map[string]bool{}}
	})
}

// planList records that an atlassian_group_members lists accounts in group
// groupID, and returns those of them an atlassian_group_membership planned
// earlier adds, sorted.
func (p *plannedMemberships) planList(groupID string, accounts []string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	listed := p.listed[groupID]
	if listed == nil {
		listed = map[string]bool{}
		p.listed[groupID] = listed
	}
	var both []string
	for _, id := range accounts {
		listed[id] = true
		if p.alone[groupID][id] {
			both = append(both, id)
		}
	}
	sort.Strings(both)
	return both
}

// planAlone records that an atlassian_group_membership adds accountID to
// group groupID, and reports whether an atlassian_group_members planned
// earlier lists it.
func (p *plannedMemberships) planAlone(groupID, accountID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	alone := p.alone[groupID]
	if alone == nil {
		alone = map[string]bool{}
		p.alone[groupID] = alone
	}
	alone[accountID] = true
	return p.listed[groupID][accountID]
}

// mixedMembershipSummary is the summary of the error of either side.
const mixedMembershipSummary = "Membership managed twice"

// mixedMembershipDetail explains the error, on whichever of the two
// resources Terraform planned second (Terraform names that one; the
// provider is never told the other's address, so the detail names it by
// type, group and account). account and group are the two in words, as
// lookedUpAccount and lookedUpGroup name them.
func mixedMembershipDetail(group, account string, onList bool) string {
	other := fmt.Sprintf("an atlassian_group_membership of this configuration adds account %s to group %s", account, group)
	if !onList {
		other = fmt.Sprintf("an atlassian_group_members of this configuration lists account %s in the members of group %s",
			account, group)
	}
	return fmt.Sprintf("This resource and another manage the same membership: %s. atlassian_group_members owns the "+
		"group's whole member list and atlassian_group_membership adds one member alongside others, so the two undo "+
		"each other: destroying the membership removes an account the list keeps, and the list removes whatever it "+
		"does not name. Choose one per group: keep the account in members and remove the atlassian_group_membership "+
		"(a removed block with lifecycle { destroy = false } stops managing it without removing the account), or "+
		"drop the atlassian_group_members and manage each member with atlassian_group_membership.", other)
}
