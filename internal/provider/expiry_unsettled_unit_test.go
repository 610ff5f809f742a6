package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An expiry the plan does not know, or one it moves later on a held grant,
// warns with the grant and the fix; an expiry that stays, moves earlier, or
// grants an expired grant again does not.
func TestWarnUnsettledExpiry(t *testing.T) {
	early, late := types.StringValue("2026-12-09T12:00:00Z"), types.StringValue("2026-12-09T14:00:00+01:00")
	held, expired := types.BoolValue(true), types.BoolValue(false)
	for _, c := range []struct {
		name  string
		grant expiringGrant
		want  []string // the phrases of the one warning; none: no warning
	}{
		{"unknown on a held grant", expiringGrant{expiresAt: types.StringUnknown(), priorExpiresAt: early, priorActive: held},
			[]string{"Expiry not known until apply: account A in group G", "this apply will set it anew",
				"timeadd(timestamp(), \"1h\")", "never ends", "time_offset.<name>.rfc3339", "time_static"}},
		{"unknown at creation", expiringGrant{expiresAt: types.StringUnknown(), creating: true, priorExpiresAt: types.StringNull()},
			[]string{"Expiry not known until apply", "expected once when it comes from a time_static or time_offset", "never ends"}},
		{"moved later", expiringGrant{expiresAt: late, priorExpiresAt: early, priorActive: held},
			[]string{"Expiry moved later: account A in group G", "from 2026-12-09T12:00:00Z to 2026-12-09T13:00:00Z (1h later)",
				"plantimestamp()", "time_offset"}},
		{"moved later on a state from before expiries", expiringGrant{expiresAt: late, priorExpiresAt: early, priorActive: types.BoolNull()},
			[]string{"Expiry moved later"}},
		{"moved earlier", expiringGrant{expiresAt: early, priorExpiresAt: late, priorActive: held}, nil},
		{"unchanged", expiringGrant{expiresAt: early, priorExpiresAt: early, priorActive: held}, nil},
		{"an expired grant granted again", expiringGrant{expiresAt: late, priorExpiresAt: early, priorActive: expired}, nil},
		{"an expiry added", expiringGrant{expiresAt: early, priorExpiresAt: types.StringNull(), priorActive: held}, nil},
		{"created with a literal", expiringGrant{expiresAt: early, creating: true, priorExpiresAt: types.StringNull()}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.grant.attr, c.grant.subject = path.Root("expires_at"), "account A in group G"
			var diags diag.Diagnostics
			warnUnsettledExpiry(c.grant, &diags)
			checkOneWarning(t, diags, c.want)
		})
	}
}

// The member list's form: one warning for the unknown entries and one for
// those moved later, listing the accounts; moved-later only counts members
// that were held.
func TestWarnUnsettledMemberExpiries(t *testing.T) {
	expiries := func(m map[string]attr.Value) types.Map { return types.MapValueMust(types.StringType, m) }
	prior := &groupMembersModel{
		MemberExpiry: expiries(map[string]attr.Value{
			"a": types.StringValue("2026-12-09T12:00:00Z"), "b": types.StringValue("2026-12-09T12:00:00Z"),
			"c": types.StringValue("2026-12-09T12:00:00Z"), "d": types.StringValue("2026-12-09T12:00:00Z"),
		}),
		MemberActive: types.MapValueMust(types.BoolType, map[string]attr.Value{
			"a": types.BoolValue(true), "b": types.BoolValue(true), "c": types.BoolValue(false), "d": types.BoolValue(true),
		}),
	}
	plan := expiries(map[string]attr.Value{
		"a": types.StringUnknown(),                          // unknown
		"b": types.StringValue("2026-12-09T18:00:00Z"),      // moved later, held
		"c": types.StringValue("2026-12-10T12:00:00Z"),      // moved later, but expired: granted again
		"d": types.StringValue("2026-12-09T12:00:00Z"),      // unchanged
		"e": types.StringValue("2026-12-11T12:00:00+00:00"), // new
	})
	var diags diag.Diagnostics
	warnUnsettledMemberExpiries(memberExpiryChangesOf(plan, prior), "G", false, &diags)
	if diags.WarningsCount() != 2 || diags.HasError() {
		t.Fatalf("want two warnings, got %v", diags)
	}
	unknown, moved := diags[0], diags[1]
	for _, phrase := range []string{"1 account in group G", "this apply will set it anew", "\n  a"} {
		if !strings.Contains(unknown.Summary()+unknown.Detail(), phrase) {
			t.Errorf("the unknown-expiry warning lacks %q:\n%s\n%s", phrase, unknown.Summary(), unknown.Detail())
		}
	}
	for _, phrase := range []string{"Expiries moved later: the members of group G", "the member_expiry of 1 account in group G later",
		"\n  b: from 2026-12-09T12:00:00Z to 2026-12-09T18:00:00Z"} {
		if !strings.Contains(moved.Summary()+"\n"+moved.Detail(), phrase) {
			t.Errorf("the moved-expiry warning lacks %q:\n%s\n%s", phrase, moved.Summary(), moved.Detail())
		}
	}
	if strings.Contains(moved.Detail(), "\n  c") {
		t.Errorf("an expired member granted again is listed as moved:\n%s", moved.Detail())
	}

	var whole diag.Diagnostics
	warnUnsettledMemberExpiries(memberExpiryChangesOf(types.MapUnknown(types.StringType), nil), "G", true, &whole)
	checkOneWarning(t, whole, []string{"Expiries not known until apply: the members of group G", "expected once"})

	var steady diag.Diagnostics
	warnUnsettledMemberExpiries(memberExpiryChangesOf(prior.MemberExpiry, prior), "G", false, &steady)
	checkOneWarning(t, steady, nil)
}

// checkOneWarning fails unless diags is exactly one warning whose summary
// and detail hold the phrases, or, with no phrases, nothing at all.
func checkOneWarning(t *testing.T, diags diag.Diagnostics, phrases []string) {
	t.Helper()
	if len(phrases) == 0 {
		if len(diags) != 0 {
			t.Errorf("want no diagnostic, got %v", diags)
		}
		return
	}
	if len(diags) != 1 || diags.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", diags)
	}
	text := diags[0].Summary() + "\n" + diags[0].Detail()
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("the warning lacks %q:\n%s", p, text)
		}
	}
}
