package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestParseExpiry(t *testing.T) {
	instant := time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)
	for _, ok := range []string{"2026-12-08T18:00:00Z", "2026-12-08T19:00:00+01:00", "2026-12-08T13:00:00-05:00", "2026-12-08T18:00:00.000Z"} {
		got, err := parseExpiry(ok)
		if err != nil || !got.Equal(instant) {
			t.Errorf("parseExpiry(%q) = %v, %v; want %v", ok, got, err, instant)
		}
		if s := formatExpiry(got); s != "2026-12-08T18:00:00Z" {
			t.Errorf("formatExpiry of %q = %q, want UTC", ok, s)
		}
	}
	for in, want := range map[string]string{
		"2026-12-08T18:00:00":  "has no UTC offset",
		"2026-12-08 18:00":     "has no UTC offset",
		"2026-12-08":           "is a date without a time of day",
		"2026-13-01T00:00:00Z": "is not an RFC 3339 time",
		"tomorrow":             "is not an RFC 3339 time",
		"":                     "is not an RFC 3339 time",
	} {
		if _, err := parseExpiry(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseExpiry(%q) = %v, want an error saying %q", in, err, want)
		}
	}
}

func TestRoughDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		20 * time.Second:                "less than a minute",
		90 * time.Minute:                "1h 30m",
		5 * time.Hour:                   "5h",
		71 * time.Hour:                  "2d 23h",
		3*24*time.Hour + 2*time.Minute:  "3d 2m",
		59*time.Minute + 40*time.Second: "1h",
	} {
		if got := roughDuration(d); got != want {
			t.Errorf("roughDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestPlanActive: what a plan says about a grant, by its expiry, the
// clock, and whether anything else changes; "unknown" where the apply's
// clock decides.
func TestPlanActive(t *testing.T) {
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	p := expiryPolicy{clock: func() time.Time { return now }, window: 72 * time.Hour}
	past, ahead := types.StringValue("2026-12-08T11:00:00Z"), types.StringValue("2026-12-09T12:00:00+01:00")
	for _, c := range []struct {
		name  string
		grant expiringGrant
		want  types.Bool
		warns int
	}{
		{"no expiry", expiringGrant{expiresAt: types.StringNull(), priorActive: types.BoolValue(true)}, types.BoolValue(true), 0},
		{"state from before expiries", expiringGrant{expiresAt: types.StringNull(), priorActive: types.BoolNull()}, types.BoolNull(), 0},
		{"expired", expiringGrant{expiresAt: past, priorActive: types.BoolValue(true)}, types.BoolValue(false), 1},
		{"expired and revoked", expiringGrant{expiresAt: past, priorActive: types.BoolValue(false)}, types.BoolValue(false), 0},
		{"expired at creation", expiringGrant{expiresAt: past, creating: true, changed: true, priorActive: types.BoolNull()}, types.BoolValue(false), 1},
		{"ahead, unchanged", expiringGrant{expiresAt: ahead, priorActive: types.BoolValue(true)}, types.BoolValue(true), 1},
		{"ahead, changed", expiringGrant{expiresAt: ahead, changed: true, priorActive: types.BoolValue(false)}, types.BoolUnknown(), 1},
		{"ahead, created", expiringGrant{expiresAt: ahead, creating: true, changed: true, priorActive: types.BoolNull()}, types.BoolUnknown(), 1},
		{"unknown expiry", expiringGrant{expiresAt: types.StringUnknown(), creating: true}, types.BoolUnknown(), 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var diags diagsCollector
			got := p.planActive(c.grant, &diags.d)
			if !got.Equal(c.want) {
				t.Errorf("planActive = %v, want %v", got, c.want)
			}
			if n := diags.d.WarningsCount(); n != c.warns || diags.d.HasError() {
				t.Errorf("%d warnings (errors: %v), want %d: %v", n, diags.d.HasError(), c.warns, diags.d)
			}
		})
	}
}

type diagsCollector struct{ d diag.Diagnostics }

func TestResolveExpiryWarningWindow(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{{"72h", 72 * time.Hour}, {" 90m ", 90 * time.Minute}, {"0", 0}} {
		in, want := c.in, c.want
		got, diags := resolveExpiryWarningWindow(types.StringValue(in))
		if diags.HasError() || got != want {
			t.Errorf("window %q = %s, %v; want %s", in, got, diags, want)
		}
	}
	if got, diags := resolveExpiryWarningWindow(types.StringNull()); diags.HasError() || got != defaultExpiryWarningWindow {
		t.Errorf("unset window = %s, %v; want the default", got, diags)
	}
	for _, bad := range []string{"-1h", "3 days", "", "72"} {
		if _, diags := resolveExpiryWarningWindow(types.StringValue(bad)); !diags.HasError() {
			t.Errorf("window %q was accepted", bad)
		}
	}
	if _, diags := resolveExpiryWarningWindow(types.StringUnknown()); !diags.HasError() {
		t.Error("an unknown window was accepted")
	}
}
