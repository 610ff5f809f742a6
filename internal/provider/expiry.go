package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Just-in-time access: grants that carry their own end. Everything the
// resources with an expiry share lives here: the provider's clock, the
// parsing and checking of expiry times, the decision of whether a grant is
// held, and the plan warnings. A resource with one grant adds the two
// attributes (expiresAtAttribute, activeAttribute) and calls planActive
// from ModifyPlan, readActive from Read and grantTransition from Create and
// Update; atlassian_group_members uses the per-member forms.
//
// The provider never schedules anything: a grant ends at the first plan and
// apply after its expiry. Whether a grant is held is decided by the clock
// of the command that plans it, and Terraform plans every change a second
// time while applying (a saved plan may be applied long after it was
// made). So that the two plans can never disagree, a plan states "held"
// only when no later clock can change it: a grant without expiry, or one
// whose expiry has passed (time only moves forward), or an unchanged grant
// whose expiry is still ahead (Terraform does not plan an unchanged
// resource again). A change to a grant whose expiry is still ahead plans
// `active` as known after apply, and the apply decides by its own clock: a
// saved plan applied after the expiry grants nothing, and says so.

// defaultExpiryWarningWindow is how far ahead a plan lists the grants about
// to expire, when the provider block does not say.
const defaultExpiryWarningWindow = 72 * time.Hour

// expiryPolicy is the provider's clock and warning window, handed to every
// resource with an expiry.
type expiryPolicy struct {
	clock  func() time.Time // nil: the system clock
	window time.Duration    // grants expiring within it are warned about; 0: never
}

func (p expiryPolicy) now() time.Time {
	if p.clock == nil {
		return time.Now()
	}
	return p.clock()
}

// The shapes of the commonest mistakes, named by the parse error.
var (
	expiryWithoutOffset = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$`)
	expiryDateOnly      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// parseExpiry reads an RFC 3339 time, which must carry its offset (Z or
// ±hh:mm): a time without one would mean a different instant on every
// machine that applies it.
func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	switch {
	case expiryWithoutOffset.MatchString(s):
		return time.Time{}, fmt.Errorf("the time %q has no UTC offset: add Z for UTC (2026-12-08T18:00:00Z) "+
			"or the offset of its time zone (2026-12-08T19:00:00+01:00)", s)
	case expiryDateOnly.MatchString(s):
		return time.Time{}, fmt.Errorf("%q is a date without a time of day: write the instant the access ends, "+
			"with its offset, such as %sT00:00:00Z", s, s)
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time: write a date, a time of day and an offset, "+
		"such as 2026-12-08T18:00:00Z or 2026-12-08T19:00:00+01:00", s)
}

// formatExpiry is how diagnostics show an expiry: in UTC, whatever offset
// the configuration used.
func formatExpiry(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// expiryValidator checks expires_at and the values of member_expiry.
var expiryValidator = parsingValidator{
	description: "must be an RFC 3339 time with an offset, such as 2026-12-08T18:00:00Z",
	summary:     "Invalid expiry time",
	advice:      "The expiry must be an RFC 3339 time with an offset",
	parse:       func(s string) error { _, err := parseExpiry(s); return err },
}

// parsingValidator refuses at plan time a known string its parse refuses,
// with the parse's reason after advice.
type parsingValidator struct {
	description string
	summary     string
	advice      string
	parse       func(string) error
}

func (v parsingValidator) Description(context.Context) string { return v.description }

func (v parsingValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v parsingValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isKnownString(req.ConfigValue) {
		return
	}
	if err := v.parse(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, v.advice+": "+err.Error()+".")
	}
}

// expiryDocs is what every expiry attribute's description says about when
// access actually ends.
const expiryDocs = "Access ends at the **first apply after** this time, not at the time itself: schedule applies " +
	"(the repository's `examples/ci` runs them on a schedule). Any offset is accepted; diagnostics show the time in " +
	"UTC, and the state keeps the value as written (Terraform requires a configured value to be stored unchanged), so " +
	"rewriting the same instant with another offset shows as an in-place change that changes nothing in Atlassian."

// expiryStaysPutDocs is what every expiry attribute's description says
// about expiries computed from the time of the run.
const expiryStaysPutDocs = "Write a time that stays put: a literal, or one that the `hashicorp/time` provider computes " +
	"once (`time_static`, `time_offset`). An expiry computed from the time of the run, such as " +
	"`timeadd(timestamp(), \"1h\")`, is new at every apply, so each apply moves it later and the grant never ends: " +
	"plans warn when an expiry is not known until apply, or moves later on a grant that is held."

// expiresAtAttribute is the expires_at argument of a resource that holds
// one grant; grant names it in the description ("the membership").
func expiresAtAttribute(grant string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:   true,
		Validators: []validator.String{expiryValidator},
		MarkdownDescription: "When " + grant + " ends: an RFC 3339 time with an offset, such as `2026-12-08T18:00:00Z` " +
			"or `2026-12-08T19:00:00+01:00`. Before it, " + grant + " is granted as without it. From it on, the next plan " +
			"revokes it as an in-place change (`active` goes from `true` to `false`, with a warning), and the resource stays " +
			"in the state as expired, so later plans are empty; if it is granted again outside Terraform, the next plan " +
			"revokes it again. Moving the time into the future grants it again; removing it makes " + grant + " permanent. " +
			"A resource created with a time already past grants nothing, with a warning. Plans warn about grants expiring " +
			"within the provider's `expiry_warning_window`. " + expiryDocs + " " + expiryStaysPutDocs + " Import cannot " +
			"know it (Atlassian keeps no expiry): an imported resource has none until the configuration's is applied.",
	}
}

// activeAttribute is the computed flag of a resource that holds one grant.
func activeAttribute(grant string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Computed: true,
		MarkdownDescription: "Whether " + grant + " is held: `false` once `expires_at` has passed and an apply has revoked " +
			"it. A plan shows it as known after apply when it changes a grant whose expiry is still ahead: the apply " +
			"decides by its own clock, so a saved plan applied after the expiry grants nothing.",
	}
}

// planChanges reports whether a plan creates the resource or changes any
// of its values (the framework has marked the computed ones unknown then).
func planChanges(req resource.ModifyPlanRequest) bool {
	return req.State.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw)
}

// expiringGrant is what a resource holding one grant tells planActive.
type expiringGrant struct {
	attr      path.Path    // the expiry attribute, where warnings point
	subject   string       // the grant in words: "account X in group Y"
	expiresAt types.String // the planned expiry
	// priorExpiresAt is the state's expiry: null when creating.
	priorExpiresAt types.String
	priorActive    types.Bool // the state's active: null when creating, or for a state written before expiries
	creating       bool
	changed        bool // see planChanges
}

// planActive decides the planned `active` of a grant and adds the plan's
// warnings: expired (revoked by this apply, or granting nothing at
// creation), expiring within the window, and an expiry that the plan does
// not know or moves later (warnUnsettledExpiry).
func (p expiryPolicy) planActive(g expiringGrant, diags *diag.Diagnostics) types.Bool {
	warnUnsettledExpiry(g, diags)
	if g.expiresAt.IsUnknown() {
		return types.BoolUnknown()
	}
	if g.expiresAt.IsNull() {
		if !g.creating && !g.changed && g.priorActive.IsNull() {
			return g.priorActive // a state from before expiries, unchanged: nothing to plan
		}
		return types.BoolValue(true)
	}
	at, err := parseExpiry(g.expiresAt.ValueString())
	if err != nil {
		return types.BoolUnknown() // the validator reports it
	}
	now := p.now()
	if !now.Before(at) {
		switch {
		case g.creating:
			diags.AddAttributeWarning(g.attr, "Already expired: "+g.subject,
				fmt.Sprintf("The expiry %s of %s is already past (%s ago), so this apply grants nothing: the resource is "+
					"recorded as expired (active = false). Move expires_at into the future to grant it.",
					formatExpiry(at), g.subject, since(now, at)))
		case g.priorActive.IsNull() || g.priorActive.ValueBool():
			diags.AddAttributeWarning(g.attr, "Expired: "+g.subject,
				fmt.Sprintf("%s expired at %s (%s ago), so this apply revokes it. The resource stays in the state as "+
					"expired (active = false): later plans are empty until the configuration changes. Move expires_at "+
					"into the future to grant it again, or remove it to make the grant permanent.",
					capitalize(g.subject), formatExpiry(at), since(now, at)))
		}
		return types.BoolValue(false)
	}
	p.warnSoon(g.attr, g.subject, at, now, diags)
	if !g.creating && !g.changed && g.priorActive.ValueBool() {
		return types.BoolValue(true)
	}
	return types.BoolUnknown()
}

// warnSoon warns about one grant expiring within the window.
func (p expiryPolicy) warnSoon(attr path.Path, subject string, at, now time.Time, diags *diag.Diagnostics) {
	if p.window <= 0 || at.Sub(now) > p.window {
		return
	}
	diags.AddAttributeWarning(attr, "Expires soon: "+subject,
		fmt.Sprintf("%s expires at %s, in %s. Access ends at the first apply after that time: make sure one is "+
			"scheduled, or move expires_at to extend the grant.", capitalize(subject), formatExpiry(at), until(now, at)))
}

// readActive is what a refresh records for a grant with an expiry, given
// whether Atlassian holds it: a grant Atlassian holds is active (an expired
// one is drift, which the next plan revokes again); one it does not hold
// stays in the state as expired when it was revoked by its expiry or its
// expiry has passed, and is otherwise gone (keep false: the resource is
// removed, so the next plan grants it again).
func (p expiryPolicy) readActive(held bool, priorActive types.Bool, expiresAt types.String) (active types.Bool, keep bool) {
	if held {
		return types.BoolValue(true), true
	}
	if !priorActive.IsNull() && !priorActive.IsUnknown() && !priorActive.ValueBool() {
		return types.BoolValue(false), true
	}
	if isKnownString(expiresAt) {
		if at, err := parseExpiry(expiresAt.ValueString()); err == nil && !p.now().Before(at) {
			return types.BoolValue(false), true
		}
	}
	return types.BoolNull(), false
}

// resolveActive is the `active` an apply records: the planned one, or,
// when the plan left it to the apply, whether the expiry is still ahead by
// the apply's clock.
func (p expiryPolicy) resolveActive(planned types.Bool, expiresAt types.String) types.Bool {
	if !planned.IsUnknown() {
		return planned
	}
	if !isKnownString(expiresAt) {
		return types.BoolValue(true)
	}
	at, err := parseExpiry(expiresAt.ValueString())
	return types.BoolValue(err != nil || p.now().Before(at))
}

// resolveMemberActive does the same for each member of a member list that
// has an expiry (all of them when the plan left the whole map unknown).
func (p expiryPolicy) resolveMemberActive(planned map[string]types.Bool, members map[string]bool, expiries map[string]time.Time) map[string]types.Bool {
	now := p.now()
	out := make(map[string]types.Bool, len(planned))
	for id := range members {
		at, ok := expiries[id]
		if !ok {
			continue
		}
		v, known := planned[id]
		if !known || v.IsUnknown() || v.IsNull() {
			v = types.BoolValue(now.Before(at))
		}
		out[id] = v
	}
	return out
}

// grantTransition says which write an apply sends to go from the prior
// `active` (null: created before expiries existed, so held) to the planned
// one (known while applying).
func grantTransition(prior, planned types.Bool) (grant, revoke bool) {
	priorHeld := prior.IsNull() || prior.IsUnknown() || prior.ValueBool()
	return planned.ValueBool() && !priorHeld, !planned.ValueBool() && priorHeld
}

// memberExpiries parses a member_expiry map; values that do not parse are
// left out (the validator reports them).
func memberExpiries(m types.Map) map[string]time.Time {
	out := map[string]time.Time{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for id, v := range m.Elements() {
		s, ok := v.(types.String)
		if !ok || !isKnownString(s) {
			continue
		}
		if at, err := parseExpiry(s.ValueString()); err == nil {
			out[id] = at
		}
	}
	return out
}

// memberActivity is the planned per-member state of a member list with
// expiries: for each member that has an expiry, whether it is held.
type memberActivity struct {
	values  map[string]types.Bool
	revoked []string // members whose grant this plan revokes or, when creating, never grants
	soon    []string // members expiring within the window
	at      map[string]time.Time
}

// planMemberActivity decides, for each member of members with an expiry,
// whether the plan holds it, as planActive does for one grant: expired
// members are not held; unexpired ones are held when the resource's plan is
// otherwise a no-op, and known after apply when anything changes (the
// apply's own clock decides, so a saved plan cannot contradict it).
func (p expiryPolicy) planMemberActivity(members map[string]bool, expiries map[string]time.Time, prior map[string]types.Bool, changed bool) memberActivity {
	now := p.now()
	act := memberActivity{values: map[string]types.Bool{}, at: expiries}
	var ahead []string
	for id := range members {
		at, ok := expiries[id]
		if !ok {
			continue
		}
		if !now.Before(at) {
			act.values[id] = types.BoolValue(false)
			if was, seen := prior[id]; !seen || was.IsNull() || was.ValueBool() {
				act.revoked = append(act.revoked, id)
			}
			continue
		}
		act.values[id] = types.BoolValue(true)
		ahead = append(ahead, id)
		if p.window > 0 && at.Sub(now) <= p.window {
			act.soon = append(act.soon, id)
		}
	}
	if !changed {
		changed = len(act.values) != len(prior)
		for id, v := range act.values {
			if was, ok := prior[id]; !ok || !was.Equal(v) {
				changed = true
			}
		}
	}
	if changed {
		for _, id := range ahead {
			act.values[id] = types.BoolUnknown()
		}
	}
	sort.Strings(act.revoked)
	sort.Strings(act.soon)
	return act
}

// warn adds the member list's expiry warnings: one for the members this
// plan revokes (or does not grant, when creating), one for those expiring
// within the window, each listing the first members with their expiries.
//
// group names the group in words; labels are the members' labels in the
// configuration (their emails), shown beside their ids.
func (a memberActivity) warn(attr path.Path, group string, labels map[string]string, creating bool, now time.Time, diags *diag.Diagnostics) {
	list := func(ids []string, describe func(time.Time) string) string {
		return listedFirst(ids, membersShownInWarnings, func(id string) string {
			if label := labels[id]; label != "" {
				return fmt.Sprintf("%s (%s): %s", id, label, describe(a.at[id]))
			}
			return fmt.Sprintf("%s: %s", id, describe(a.at[id]))
		})
	}
	if len(a.revoked) > 0 {
		summary, outcome := "Expired members of group "+group, "this apply removes them from the group"
		if creating {
			outcome = "this apply does not add them"
		}
		diags.AddAttributeWarning(attr, summary,
			fmt.Sprintf("The grants of %d accounts in group %s have expired, so %s. They stay in members and in the "+
				"state as expired (member_active = false): later plans are empty until the configuration changes. Move "+
				"an expiry into the future to grant it again, or remove it to make the membership permanent.%s",
				len(a.revoked), group, outcome, list(a.revoked, func(at time.Time) string {
					return "expired at " + formatExpiry(at) + " (" + since(now, at) + " ago)"
				})))
	}
	if len(a.soon) > 0 {
		diags.AddAttributeWarning(attr, "Members of group "+group+" expiring soon",
			fmt.Sprintf("The grants of %d accounts in group %s expire soon. Access ends at the first apply after each "+
				"time: make sure one is scheduled, or move an expiry to extend the grant.%s",
				len(a.soon), group, list(a.soon, func(at time.Time) string {
					return "expires at " + formatExpiry(at) + ", in " + until(now, at)
				})))
	}
}

// since and until say how long ago, or how far ahead, an expiry is, to the
// minute.
func since(now, at time.Time) string { return roughDuration(now.Sub(at)) }
func until(now, at time.Time) string { return roughDuration(at.Sub(now)) }

func roughDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "less than a minute"
	}
	days, hours, minutes := d/(24*time.Hour), (d%(24*time.Hour))/time.Hour, (d%time.Hour)/time.Minute
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	if minutes > 0 {
		parts = append(parts, fmt.Sprintf("%dm", minutes))
	}
	return strings.Join(parts, " ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// membersShownInWarnings is how many accounts a member list's warning
// lists before it says how many more there are.
const membersShownInWarnings = 20

// listedFirst is a diagnostic's list: a line for each of the first shown
// items, as line writes it, then how many more there are.
func listedFirst[T any](items []T, shown int, line func(T) string) string {
	var b strings.Builder
	for i, item := range items {
		if i == shown {
			fmt.Fprintf(&b, "\n  ... and %d more", len(items)-shown)
			break
		}
		b.WriteString("\n  " + line(item))
	}
	return b.String()
}
