package sandbox

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Reads that lag behind writes (Settings.ReadAfterWriteLagMS). The real
// service is eventually consistent: for a while after a write, listings and
// gets may still answer with the value from before it. The sandbox models
// that per object: each write of a group (create, delete, a member added or
// removed) or of a principal's role assignments journals the object's value
// from before the write, with the time of the write. A read builds its view
// from the current organization with every journalled write younger than
// the lag undone, newest first, so each object reads as it was before its
// first write inside the window. Writes themselves always see the current
// organization (a second create of the same name is still a conflict), and
// so do the control endpoints (GET /_sandbox/state).

// staleKind says which object a journal entry restores.
type staleKind int

const (
	staleGroup      staleKind = iota // the group record, members included
	staleGroupRoles                  // a group's role assignments
	staleUserRoles                   // an account's role assignments
)

// staleEntry is the value of one object before one write.
type staleEntry struct {
	at   time.Time
	kind staleKind
	id   string // group id or account id
	// group is the group before the write; nil when it did not exist.
	group      *Group
	groupRoles []GroupRoleAssignment
	userRoles  []UserRoleAssignment
}

// lagJournal holds the writes young enough to be hidden from reads. It is
// guarded by Server.mu (appended under the write lock, read under the read
// lock); the cached view has its own lock, since readers share Server.mu.
type lagJournal struct {
	entries []staleEntry

	viewMu    sync.Mutex
	view      *store
	viewOf    int       // len(entries) and generation the view was built from
	viewGen   uint64    //
	viewUntil time.Time // when the oldest undone write becomes visible
	gen       uint64    // bumped whenever entries change
}

// lag returns the configured read-after-write lag.
func (d *store) lag() time.Duration {
	return time.Duration(d.st.Settings.ReadAfterWriteLagMS) * time.Millisecond
}

// journalGroup records group id's value before a write to it (its record,
// members, and, for a delete, its role assignments). Called under the write
// lock, before the mutation.
func (s *Server) journalGroup(d *store, id string, withRoles bool) {
	if d.lag() <= 0 {
		return
	}
	e := staleEntry{at: time.Now(), kind: staleGroup, id: id}
	if g, ok := d.group(id); ok {
		c := *g
		c.MemberAccountIDs = slices.Clone(g.MemberAccountIDs)
		e.group = &c
	}
	s.appendStale(d, e)
	if withRoles {
		s.journalGroupRoles(d, id)
	}
}

// journalGroupRoles records a group's role assignments before a write.
func (s *Server) journalGroupRoles(d *store, groupID string) {
	if d.lag() <= 0 {
		return
	}
	s.appendStale(d, staleEntry{at: time.Now(), kind: staleGroupRoles, id: groupID, groupRoles: slices.Clone(d.groupRoles(groupID))})
}

// journalUserRoles records an account's role assignments before a write.
func (s *Server) journalUserRoles(d *store, accountID string) {
	if d.lag() <= 0 {
		return
	}
	s.appendStale(d, staleEntry{at: time.Now(), kind: staleUserRoles, id: accountID, userRoles: slices.Clone(d.userRoles(accountID))})
}

// appendStale adds an entry and drops the ones already visible.
func (s *Server) appendStale(d *store, e staleEntry) {
	j := &s.lagged
	cutoff := e.at.Add(-d.lag())
	visible := func(old staleEntry) bool { return !old.at.After(cutoff) }
	j.entries = append(slices.DeleteFunc(j.entries, visible), e)
	j.gen++
}

// readable returns what reads see now: the current organization, or, while
// some write is younger than the lag, a view with those writes undone.
// Called under the read lock.
func (s *Server) readable() *store {
	lag := s.data.lag()
	j := &s.lagged
	if lag <= 0 || len(j.entries) == 0 {
		return s.data
	}
	now := time.Now()
	cutoff := now.Add(-lag)
	first := len(j.entries)
	for i, e := range j.entries {
		if e.at.After(cutoff) {
			first = i
			break
		}
	}
	if first == len(j.entries) {
		return s.data
	}
	j.viewMu.Lock()
	defer j.viewMu.Unlock()
	if j.view != nil && j.viewGen == j.gen && j.viewOf == first && now.Before(j.viewUntil) {
		return j.view
	}
	view := &store{st: s.data.st.clone()}
	for i := len(j.entries) - 1; i >= first; i-- {
		view.undo(j.entries[i])
	}
	view.reindex()
	j.view, j.viewGen, j.viewOf = view, j.gen, first
	j.viewUntil = j.entries[first].at.Add(lag)
	return view
}

// undo puts an object back as the entry recorded it.
func (d *store) undo(e staleEntry) {
	switch e.kind {
	case staleGroup:
		d.st.Groups = slices.DeleteFunc(d.st.Groups, func(g Group) bool { return g.ID == e.id })
		if e.group != nil {
			g := *e.group
			g.MemberAccountIDs = slices.Clone(e.group.MemberAccountIDs)
			i, _ := slices.BinarySearchFunc(d.st.Groups, g.ID, func(x Group, id string) int { return strings.Compare(x.ID, id) })
			d.st.Groups = slices.Insert(d.st.Groups, i, g)
		}
	case staleGroupRoles:
		d.st.GroupRoleAssignments = slices.DeleteFunc(d.st.GroupRoleAssignments, func(a GroupRoleAssignment) bool { return a.GroupID == e.id })
		d.st.GroupRoleAssignments = append(d.st.GroupRoleAssignments, e.groupRoles...)
		slices.SortFunc(d.st.GroupRoleAssignments, compareGroupRoleAssignments)
	case staleUserRoles:
		d.st.UserRoleAssignments = slices.DeleteFunc(d.st.UserRoleAssignments, func(a UserRoleAssignment) bool { return a.AccountID == e.id })
		d.st.UserRoleAssignments = append(d.st.UserRoleAssignments, e.userRoles...)
		slices.SortFunc(d.st.UserRoleAssignments, compareUserRoleAssignments)
	}
}

// forgetStale clears the journal, when the whole organization is replaced.
func (s *Server) forgetStale() {
	s.lagged.entries = nil
	s.lagged.gen++
}

// ReadsCaughtUp reports whether reads see every write made so far: no
// write is younger than the read-after-write lag. Tests poll it to know
// when the lag has passed.
func (s *Server) ReadsCaughtUp() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.readable() == s.data
}
