package connector

import (
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// A listing that overlaps a write to one of its accounts must not put back
// the account as it read it: the write may have come after the read.
func TestListedAccountsKeepNothingAWriteOverlapped(t *testing.T) {
	before := atlassian.User{AccountID: "a1", Status: atlassian.UserStatusActive}
	other := atlassian.User{AccountID: "a2", Status: atlassian.UserStatusActive}

	for _, tc := range []struct {
		name  string
		write func(l *listedAccounts) // between the listing's start and its keep
	}{
		{"a write still under way", func(l *listedAccounts) { l.changing("a1") }},
		{"a write done", func(l *listedAccounts) { l.changing("a1")() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newListedAccounts()
			since := l.since()
			tc.write(l)
			l.keep(since, []atlassian.User{before, other})
			if got := l.find([]string{"a1", "a2"}); len(got) != 1 || got[0].AccountID != "a2" {
				t.Fatalf("kept %v, want only a2: a1 was written while the listing ran", got)
			}
		})
	}

	t.Run("a listing after the write is kept", func(t *testing.T) {
		l := newListedAccounts()
		l.changing("a1")()
		l.keep(l.since(), []atlassian.User{before})
		if got := l.find([]string{"a1"}); len(got) != 1 {
			t.Fatalf("kept %v, want a1: the listing started after the write", got)
		}
	})

	t.Run("a write drops what an earlier listing kept", func(t *testing.T) {
		l := newListedAccounts()
		l.keep(l.since(), []atlassian.User{before})
		done := l.changing("a1")
		if got := l.find([]string{"a1"}); len(got) != 0 {
			t.Fatalf("found %v while a write to it is under way", got)
		}
		done()
	})

	t.Run("nothing is kept when not asked for", func(t *testing.T) {
		var l *listedAccounts
		l.keep(l.since(), []atlassian.User{before})
		l.changing("a1")()
		if got := l.find([]string{"a1"}); got != nil {
			t.Fatalf("a nil cache found %v", got)
		}
	})
}
