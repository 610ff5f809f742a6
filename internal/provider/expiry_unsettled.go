package provider

import (
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Expiries that never arrive. An expiry computed from the time of the run,
// such as timeadd(timestamp(), "1h"), is unknown at every plan and new at
// every apply: each apply, the scheduled ones meant to end the grant
// included, moves it later, and the grant never ends. plantimestamp() does
// the same with a value the plan knows. The provider cannot see the
// expression, only its effects: an expiry unknown at plan time, or one that
// moves later on a grant that is held. Both warn, naming the grant and the
// fix: a literal time, or one that hashicorp/time computes once and keeps.

// expiryFixAdvice is how the warnings say to write an expiry that stays
// put; attr is the attribute, as the configuration names it.
func expiryFixAdvice(attr string) string {
	return fmt.Sprintf("Write a literal time (%[1]s = \"2026-12-08T18:00:00Z\"), or take it from the hashicorp/time "+
		"provider, which computes the time once and keeps it in its state: a time_static (the instant it is created) "+
		"or a time_offset (an instant after it is created, such as offset_hours = 8), then %[1]s = "+
		"time_offset.<name>.rfc3339. To grant again later, replace the time resource (terraform apply -replace).", attr)
}

// unknownExpiryDetail explains an expiry the plan does not know: on a
// grant that exists that is the trap itself; on a new one it is also what
// a time_static or time_offset created by the same plan looks like, once.
func unknownExpiryDetail(attr, subject string, creating bool) string {
	trap := "An expiry computed from timestamp() (such as timeadd(timestamp(), \"1h\")) is unknown at every plan " +
		"and new at every apply: each apply, the scheduled ones included, moves it later, and the grant never ends. "
	if creating {
		return fmt.Sprintf("The %s of %s is known only when the apply runs. That is expected once when it comes "+
			"from a time_static or time_offset that this same plan creates. %s%s", attr, subject, trap, expiryFixAdvice(attr))
	}
	return fmt.Sprintf("The %s of %s is known only when the apply runs, so this plan cannot show when the grant "+
		"ends, and this apply will set it anew. %s%s", attr, subject, trap, expiryFixAdvice(attr))
}

// movedExpiryDetail explains an expiry that a plan moves later; moved says
// what moves, such as "the expires_at of X later, from A to B".
func movedExpiryDetail(attr, moved string) string {
	return fmt.Sprintf("This plan moves %s. If that is an extension you meant, nothing is wrong. If %s is computed "+
		"from the time of the run (plantimestamp() or timestamp()), every apply moves it later and the grant never "+
		"ends. %s", moved, attr, expiryFixAdvice(attr))
}

// warnUnsettledExpiry warns when the plan does not know a grant's expiry,
// or moves the expiry of a held grant later (see planActive).
func warnUnsettledExpiry(g expiringGrant, diags *diag.Diagnostics) {
	if g.expiresAt.IsUnknown() {
		diags.AddAttributeWarning(g.attr, "Expiry not known until apply: "+g.subject,
			unknownExpiryDetail("expires_at", g.subject, g.creating))
		return
	}
	if g.creating || !isKnownString(g.expiresAt) || !isKnownString(g.priorExpiresAt) || !heldBefore(g.priorActive) {
		return
	}
	from, errFrom := parseExpiry(g.priorExpiresAt.ValueString())
	to, errTo := parseExpiry(g.expiresAt.ValueString())
	if errFrom == nil && errTo == nil && to.After(from) {
		diags.AddAttributeWarning(g.attr, "Expiry moved later: "+g.subject, movedExpiryDetail("expires_at",
			fmt.Sprintf("the expires_at of %s later, from %s to %s (%s later)", g.subject, formatExpiry(from), formatExpiry(to),
				roughDuration(to.Sub(from)))))
	}
}

// heldBefore reports whether a prior state's grant was held: an expired
// grant whose expiry moves into the future is granted again, on purpose.
func heldBefore(active types.Bool) bool {
	return active.IsNull() || active.IsUnknown() || active.ValueBool()
}

// memberExpiryChanges is what warnUnsettledMemberExpiries looks at in a
// plan of atlassian_group_members.
type memberExpiryChanges struct {
	allUnknown bool     // member_expiry itself is unknown
	unknown    []string // members whose entry is unknown
	moved      []string // held members whose expiry moves later
	from, to   map[string]time.Time
}

// memberExpiryChangesOf compares the planned member_expiry with the
// state's (nil when the resource is created or moved to another group).
func memberExpiryChangesOf(plan types.Map, state *groupMembersModel) memberExpiryChanges {
	c := memberExpiryChanges{allUnknown: plan.IsUnknown(), from: map[string]time.Time{}, to: memberExpiries(plan)}
	if c.allUnknown || plan.IsNull() {
		return c
	}
	for id, v := range plan.Elements() {
		if v.IsUnknown() {
			c.unknown = append(c.unknown, id)
		}
	}
	sort.Strings(c.unknown)
	if state == nil {
		return c
	}
	c.from = memberExpiries(state.MemberExpiry)
	active := memberActiveValues(state.MemberActive)
	for id, to := range c.to {
		from, ok := c.from[id]
		if ok && to.After(from) && heldBefore(active[id]) {
			c.moved = append(c.moved, id)
		}
	}
	sort.Strings(c.moved)
	return c
}

// warnUnsettledMemberExpiries is warnUnsettledExpiry for a member list:
// one warning for the unknown entries, one for those moved later, each
// listing the first accounts.
func warnUnsettledMemberExpiries(c memberExpiryChanges, groupID string, creating bool, diags *diag.Diagnostics) {
	attr := path.Root("member_expiry")
	subject := "the members of group " + groupID
	list := func(ids []string, describe func(id string) string) string {
		return listedFirst(ids, membersShownInWarnings, func(id string) string { return id + describe(id) })
	}
	switch {
	case c.allUnknown:
		diags.AddAttributeWarning(attr, "Expiries not known until apply: "+subject,
			unknownExpiryDetail("member_expiry", subject, creating))
	case len(c.unknown) > 0:
		diags.AddAttributeWarning(attr, "Expiries not known until apply: "+subject,
			unknownExpiryDetail("member_expiry", accountsIn(len(c.unknown), groupID), creating)+
				list(c.unknown, func(string) string { return "" }))
	}
	if len(c.moved) > 0 {
		diags.AddAttributeWarning(attr, "Expiries moved later: "+subject,
			movedExpiryDetail("member_expiry", "the member_expiry of "+accountsIn(len(c.moved), groupID)+" later")+list(c.moved, func(id string) string {
				return ": from " + formatExpiry(c.from[id]) + " to " + formatExpiry(c.to[id])
			}))
	}
}

// accountsIn is "1 account in group <id>" or "<n> accounts in group <id>".
func accountsIn(n int, groupID string) string {
	if n == 1 {
		return "1 account in group " + groupID
	}
	return fmt.Sprintf("%d accounts in group %s", n, groupID)
}
