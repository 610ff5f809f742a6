package provider

import (
	"cmp"
	"context"
	"fmt"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// Warnings and errors name an account by its email beside its id, and a
// group or workspace by its name beside its id, as the plans' member lists
// do: an id alone tells a reader nothing. The names come from what the
// process already holds (access.View's Held* answers never send a
// request), so a message costs nothing where it is frequent; where nothing
// is held, the id stands alone. Only error paths may look a name up
// (lookedUpAccount).

// accountNamed is "<id> (<email>)", or the id alone when the process holds
// no email or name for the account.
func accountNamed(v *access.View, id string) string {
	if v == nil {
		return id
	}
	a, found := v.HeldAccount(id)
	if !found {
		return id
	}
	return withAccountLabel(a, id)
}

// lookedUpAccount is accountNamed, looking the account up when the process
// does not hold it: for an error, where one request more does not matter
// and the reader needs to know whose access it is. A failed lookup leaves
// the id alone.
func lookedUpAccount(ctx context.Context, v *access.View, id string) string {
	if v == nil {
		return id
	}
	if a, held := v.HeldAccount(id); held {
		return withAccountLabel(a, id)
	}
	a, found, err := v.Account(ctx, id)
	if err != nil || !found {
		return id
	}
	return withAccountLabel(a, id)
}

func withAccountLabel(a access.Account, id string) string {
	label := cmp.Or(a.Email, a.Name)
	if label == "" {
		return id
	}
	return fmt.Sprintf("%s (%s)", id, label)
}

// groupNamed is `"<name>" (<id>)`, as the messages that read the group
// name it, or the id alone when the process holds no group of that id.
func groupNamed(v *access.View, id string) string {
	if v == nil {
		return id
	}
	if g, found := v.HeldGroup(id); found {
		return withGroupName(g, id)
	}
	return id
}

func withGroupName(g access.Group, id string) string {
	if g.Name == "" {
		return id
	}
	return fmt.Sprintf("%q (%s)", g.Name, id)
}

// lookedUpGroup is groupNamed, looking the group up when the process does
// not hold it: for an error, as lookedUpAccount.
func lookedUpGroup(ctx context.Context, v *access.View, id string) string {
	if v == nil {
		return id
	}
	if g, held := v.HeldGroup(id); held {
		return withGroupName(g, id)
	}
	g, found, err := v.Group(ctx, id)
	if err != nil || !found {
		return id
	}
	return withGroupName(g, id)
}

// principalNamed names the holder of a role: an account as accountNamed,
// a group as groupNamed.
func principalNamed(v *access.View, principalType, id string) string {
	if principalType == access.TypeGroup {
		return groupNamed(v, id)
	}
	return accountNamed(v, id)
}

// lookedUpWorkspace is workspaceNamed, reading the workspace listing (one
// per process) when the process has not: for an error, as lookedUpAccount.
func lookedUpWorkspace(ctx context.Context, v *access.View, id string) string {
	if v == nil {
		return id
	}
	w, found, err := v.Workspace(ctx, id)
	if err != nil || !found || w.Name == "" {
		return id
	}
	return fmt.Sprintf("%q (%s)", w.Name, id)
}

// workspaceNamed is `"<name>" (<id>)`, or the id alone when the process
// has not read the workspace listing.
func workspaceNamed(v *access.View, id string) string {
	if v == nil {
		return id
	}
	if w, found := v.HeldWorkspace(id); found && w.Name != "" {
		return fmt.Sprintf("%q (%s)", w.Name, id)
	}
	return id
}
