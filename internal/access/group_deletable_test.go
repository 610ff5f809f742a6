package access_test

import (
	"context"
	"testing"
)

// A group tells whether Atlassian lets it be deleted: default product
// access groups and groups synced from an identity provider are refused,
// ordinary groups are not, whether the group is read alone or listed.
func TestGroupUndeletableFollowsManagementAccess(t *testing.T) {
	d, env := newView(t, 20)
	ctx := context.Background()
	groups := env.State().Groups
	// Each group read alone first (before any listing), then the listing.
	alone := map[string]bool{}
	for _, want := range groups {
		got, found, err := d.Group(ctx, want.ID)
		if err != nil || !found {
			t.Fatalf("Group(%s): found %v, %v", want.ID, found, err)
		}
		alone[want.ID] = got.Undeletable
	}
	listed, err := d.Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]bool{}
	for _, g := range listed {
		byID[g.ID] = g.Undeletable
	}
	var refused, allowed int
	for _, want := range groups {
		undeletable := want.Default || want.ExternalSynced || !want.Deletable
		if undeletable {
			refused++
		} else {
			allowed++
		}
		if alone[want.ID] != undeletable {
			t.Errorf("Group(%s %q).Undeletable = %v, want %v", want.ID, want.Name, alone[want.ID], undeletable)
		}
		if byID[want.ID] != undeletable {
			t.Errorf("listed group %s %q: Undeletable = %v, want %v", want.ID, want.Name, byID[want.ID], undeletable)
		}
	}
	if refused == 0 || allowed == 0 {
		t.Fatalf("the sandbox has %d undeletable and %d deletable groups; the test needs both", refused, allowed)
	}
}
