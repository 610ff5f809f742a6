package connector

import (
	"sync"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// listedAccounts keeps the accounts that group member listings read, for
// the provider's process, so that lookups of the same accounts cost nothing.
//
// A listing and a write to one of its accounts may overlap: the listing can
// read the account as it was before the write and store it after the write
// is done. So a write forgets its account when it starts and again when it
// ends, each time at a new generation, and a listing keeps only the accounts
// no write forgot since the listing started. A nil *listedAccounts keeps
// nothing.
type listedAccounts struct {
	mu        sync.Mutex
	gen       uint64
	accounts  map[string]atlassian.User
	forgotten map[string]uint64 // account id: the generation of its last forget
}

func newListedAccounts() *listedAccounts {
	return &listedAccounts{accounts: map[string]atlassian.User{}, forgotten: map[string]uint64{}}
}

// since is the generation a listing starts at; pass it to keep.
func (l *listedAccounts) since() uint64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}

// keep stores the accounts of a listing that started at generation since,
// except those a write forgot after it started.
func (l *listedAccounts) keep(since uint64, users []atlassian.User) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range users {
		if l.forgotten[u.AccountID] > since {
			continue
		}
		l.accounts[u.AccountID] = u
	}
}

// changing forgets an account a write is about to change; call the function
// it returns when the write is done, whatever its outcome.
func (l *listedAccounts) changing(accountID string) (done func()) {
	l.forget(accountID)
	return func() { l.forget(accountID) }
}

func (l *listedAccounts) forget(accountID string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	l.forgotten[accountID] = l.gen
	delete(l.accounts, accountID)
}

// find returns the kept accounts among ids.
func (l *listedAccounts) find(ids []string) []atlassian.User {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	found := make([]atlassian.User, 0, len(ids))
	for _, id := range ids {
		if u, ok := l.accounts[id]; ok {
			found = append(found, u)
		}
	}
	return found
}
