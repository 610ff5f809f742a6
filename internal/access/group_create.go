package access

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Creating a group is the one write that cannot simply be sent again: the
// client replays every other write after a server error or a lost answer
// (a repeated add or assignment is a no-op), but a create whose answer was
// lost may have created the group, and a second create would then fail on
// the name, or, on a service without that rule, make a twin. So the client
// sends a create once (it still waits out 429s, which Atlassian did not act
// on), and CreateGroup, which knows whether the name was free before it
// started, decides what a failure means:
//
//   - before the first attempt it checks that no group has the name (the
//     plan listed the groups already, so this costs nothing in an apply);
//   - after an ambiguous failure (a 5xx or no answer, after the client's
//     retries) it looks the name up again: a group with that name did not
//     exist before, so it is the one this create made, and is adopted;
//     otherwise the create is sent again, a bounded number of times;
//   - a name conflict after an ambiguous attempt is that attempt's group,
//     not yet visible to reads on an eventually consistent service: it is
//     looked up until it shows; so is a group whose create was answered
//     without its id before reads showed it.

// groupCreateAttempts bounds the creates CreateGroup sends for one group:
// as many attempts as the client gives any other write, so that a create
// is no likelier than they are to fail under the same server errors.
const groupCreateAttempts = 8

// groupCreatePause is the wait before the second create; it doubles before
// each further one, up to groupCreateMaxPause.
const (
	groupCreatePause    = 250 * time.Millisecond
	groupCreateMaxPause = 2 * time.Second
)

// adoptionWait bounds how long CreateGroup waits for a group that the
// service says exists (a name conflict after a lost answer) to show in
// reads.
const adoptionWait = time.Minute

// CreateGroup creates a group, sending the create again after a failure
// that may have left nothing behind, and never creating the group twice
// (see above). A name another group already has is ErrAlreadyExists,
// found before anything is sent when this process has listed the groups.
func (d *View) CreateGroup(ctx context.Context, name, description string) (Group, error) {
	d.writing.Store(true)
	groups, err := d.Groups(ctx)
	if err != nil {
		return Group{}, fmt.Errorf("checking that no group is named %q yet: %w", name, err)
	}
	for _, g := range groups {
		if strings.EqualFold(g.Name, name) {
			return Group{}, fmt.Errorf("%w: the organization already has a group named %q (id %s)", ErrAlreadyExists, g.Name, g.ID)
		}
	}
	var ambiguous error // the last failure whose outcome was unknown
	pause := groupCreatePause
	for attempt := 1; ; attempt++ {
		g, err := d.createGroupOnce(ctx, name, description)
		switch {
		case err == nil:
			d.rememberCreated(g)
			return g, nil
		case ambiguous != nil && (errors.Is(err, ErrAlreadyExists) || errors.Is(err, ErrConflict)):
			// The name was free before the first attempt: the group that
			// now has it is the one an earlier attempt created.
			return d.adoptCreated(ctx, name, ambiguous)
		case errors.Is(err, errCreatedNotVisible):
			// Created, answered without its id, and not in reads yet.
			return d.adoptCreated(ctx, name, err)
		case !errors.Is(err, ErrUnavailable) || ctx.Err() != nil:
			return Group{}, err
		}
		ambiguous = err
		g, found, lookErr := d.findGroupNamed(ctx, name)
		switch {
		case lookErr != nil:
			return Group{}, fmt.Errorf("%w; looking for the group afterwards, to tell whether it was created, failed too: %v", err, lookErr)
		case found:
			tflog.Debug(ctx, "group create failed after it was carried out: adopted the group it created",
				map[string]any{"group_id": g.ID, "attempt": attempt, "error": err.Error()})
			d.rememberCreated(g)
			return g, nil
		case attempt == groupCreateAttempts:
			return Group{}, fmt.Errorf("%w (sent %d times; the group was not created)", err, attempt)
		}
		tflog.Debug(ctx, "group create failed and created nothing: sending it again",
			map[string]any{"attempt": attempt, "wait": pause.String(), "error": err.Error()})
		if err := pauseFor(ctx, pause); err != nil {
			return Group{}, fmt.Errorf("%w (then cancelled before trying again: %v)", ambiguous, err)
		}
		pause = min(2*pause, groupCreateMaxPause)
	}
}

// adoptCreated finds the group a create whose answer was lost made, once
// reads show it.
func (d *View) adoptCreated(ctx context.Context, name string, lost error) (Group, error) {
	deadline := time.Now().Add(adoptionWait)
	pause := groupCreatePause
	for {
		g, found, err := d.findGroupNamed(ctx, name)
		switch {
		case err != nil:
			return Group{}, fmt.Errorf("%w; the group was created, but looking it up failed: %v", lost, err)
		case found:
			tflog.Debug(ctx, "group create refused on its name after a lost answer: adopted the group the lost create made",
				map[string]any{"group_id": g.ID})
			d.rememberCreated(g)
			return g, nil
		case time.Now().Add(pause).After(deadline):
			return Group{}, fmt.Errorf("%w; Atlassian then said a group named %q exists, but it did not show in "+
				"reads within %s: import it, or retry the apply", lost, name, adoptionWait)
		}
		if err := pauseFor(ctx, pause); err != nil {
			return Group{}, err
		}
		pause = min(2*pause, 8*time.Second)
	}
}

// findGroupNamed reads afresh the group named name (regardless of case).
func (d *View) findGroupNamed(ctx context.Context, name string) (Group, bool, error) {
	r, found, err := d.conn.FindGroupByName(ctx, name)
	if err != nil || !found {
		return Group{}, false, describeIfStatus(err)
	}
	return groupFromResource(r), true, nil
}

func describeIfStatus(err error) error {
	if err == nil {
		return nil
	}
	return describe(err)
}

// pauseFor waits d, or until ctx ends.
func pauseFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
