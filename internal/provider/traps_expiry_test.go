package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Expiries that never arrive: computed from the time of the run, they are
// new at every apply, so each scheduled apply pushes them later. The
// plans say so, on every resource that has them, and name the fix. The
// last apply shows the trap itself: the stored expiry moved later.
func TestAccExpiryFromTheTimeOfTheRunWarns(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	groups := grpWritableGroups(org)
	if len(groups) < 2 {
		t.Fatalf("need two writable groups, have %d", len(groups))
	}
	g, h := groups[0], groups[1]
	joining := grpNonMembers(t, org, g, 2)
	jit, planned := joining[0].AccountID, joining[1].AccountID
	newcomer := grpNonMembers(t, org, h, 1)[0].AccountID
	labels := []string{fmt.Sprintf("    %q = \"newcomer\"", newcomer)}
	for i, id := range h.MemberAccountIDs {
		labels = append(labels, fmt.Sprintf("    %q = \"member %d\"", id, i))
	}
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(org.Config(fmt.Sprintf(`
resource "atlassian_group_membership" "jit" {
  group_id   = %[1]q
  account_id = %[2]q
  expires_at = timeadd(timestamp(), "1h")
}

resource "atlassian_group_membership" "planned" {
  group_id   = %[1]q
  account_id = %[3]q
  expires_at = timeadd(plantimestamp(), "1h")
}

resource "atlassian_group_members" "list" {
  group_id      = %[4]q
  members       = {
%[5]s
  }
  member_expiry = { %[6]q = timeadd(timestamp(), "1h") }
}
`, g.ID, jit, planned, h.ID, strings.Join(labels, "\n"), newcomer)))
	jitSubject := fmt.Sprintf("account %s in group %s", jit, g.ID)
	listSubject := "the members of group " + h.ID

	// Created: unknown once, which a time_offset created alongside would
	// be too; the warning says both.
	res := cli.Must(cli.TryPlan())
	acctest.ExpectOutput(t, res, attrWarning("Expiry not known until apply: "+jitSubject, "atlassian_group_membership.jit", "expires_at",
		"expected once when it comes from a time_static or time_offset", "timeadd(timestamp(), \"1h\")", "never ends",
		"time_offset.<name>.rfc3339"))
	acctest.ExpectOutput(t, res, attrWarning("Expiries not known until apply: "+listSubject, "atlassian_group_members.list", "member_expiry",
		"1 account in group "+h.ID, newcomer))
	acctest.ExpectNoOutput(t, res, "Expiry not known until apply: account "+planned)
	cli.MustApply()
	first := cli.StateValues("atlassian_group_membership.jit")["expires_at"].(string)
	firstPlanned := cli.StateValues("atlassian_group_membership.planned")["expires_at"].(string)

	// timestamp() and plantimestamp() have the second as their grain: the
	// next plan and apply must run in a later second to move them.
	var latest time.Time
	for _, stored := range []string{first, firstPlanned} {
		at, err := time.Parse(time.RFC3339, stored)
		if err != nil {
			t.Fatal(err)
		}
		if at.After(latest) {
			latest = at
		}
	}
	for !time.Now().Truncate(time.Second).After(latest.Add(-time.Hour)) {
		time.Sleep(20 * time.Millisecond) // polls the clock itself: the condition is the time
	}

	// Existing grants: every plan warns, naming the resource and the fix.
	res = cli.Must(cli.TryPlan())
	acctest.ExpectOutput(t, res, attrWarning("Expiry not known until apply: "+jitSubject, "atlassian_group_membership.jit", "expires_at",
		"this apply will set it anew", "timeadd(timestamp(), \"1h\")", "never ends", "time_static", "time_offset"))
	acctest.ExpectOutput(t, res, attrWarning("Expiries not known until apply: "+listSubject, "atlassian_group_members.list", "member_expiry",
		"this apply will set it anew"))
	acctest.ExpectOutput(t, res, attrWarning(fmt.Sprintf("Expiry moved later: account %s in group %s", planned, g.ID),
		"atlassian_group_membership.planned", "expires_at", "from "+firstPlanned, "plantimestamp()", "time_offset"))

	// And the apply does what the warning says: the expiry moved later.
	res = cli.MustApply()
	acctest.ExpectOutput(t, res, acctest.Warning("Expiry moved later: "+jitSubject, "from "+first))
	second := cli.StateValues("atlassian_group_membership.jit")["expires_at"].(string)
	from, errFrom := time.Parse(time.RFC3339, first)
	to, errTo := time.Parse(time.RFC3339, second)
	if errFrom != nil || errTo != nil || !to.After(from) {
		t.Fatalf("the second apply did not move the expiry later: %s, then %s (%v, %v)", first, second, errFrom, errTo)
	}
}
