package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// An atlassian_group_members that lists an account and an
// atlassian_group_membership of the same account and group undo each
// other at every apply. Whichever of the two Terraform plans second fails
// the plan: Terraform names that resource, the error names the other by
// its type, group and account. depends_on fixes the order, so both
// directions are tested; nothing is written either way.
func TestAccMixedMembershipResourcesFailAtPlan(t *testing.T) {
	org := acctest.NewOrg(t, 12, 6, 1)
	g := org.WritableGroup(t)
	account := g.MemberAccountIDs[0]
	var email string
	for _, u := range org.State().Users {
		if u.AccountID == account {
			email = u.Email
		}
	}
	// The error names the other resource's account by email and its group
	// by name, beside their ids.
	namedAccount := fmt.Sprintf("%s (%s)", account, email)
	namedGroup := fmt.Sprintf("%q (%s)", g.Name, g.ID)
	labels := make([]string, len(g.MemberAccountIDs))
	for i, id := range g.MemberAccountIDs {
		labels[i] = fmt.Sprintf("    %q = \"member %d\"", id, i)
	}
	members := "{\n" + strings.Join(labels, "\n") + "\n  }"
	config := func(listDependsOn, aloneDependsOn string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group_members" "list" {
  group_id   = %[1]q
  members    = %[2]s
  depends_on = [%[3]s]
}

resource "atlassian_group_membership" "alone" {
  group_id   = %[1]q
  account_id = %[4]q
  depends_on = [%[5]s]
}
`, g.ID, members, listDependsOn, account, aloneDependsOn))
	}
	before := acctest.AccessOf(org.State())
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})

	// The membership planned second: the error is on it.
	cli.WriteConfig(config("", "atlassian_group_members.list"))
	res := cli.TryPlan()
	if res.ExitCode != 1 {
		t.Fatalf("the plan of the membership after the list did not fail:\n%s", res)
	}
	cli.ExpectNoCrash(res)
	if want := acctest.AttrError(mixedMembershipSummary, "atlassian_group_membership.alone", "account_id",
		"an atlassian_group_members of this configuration lists account "+namedAccount+" in the members of group "+namedGroup,
		"Choose one per group"); !want.MatchString(res.Output) {
		t.Errorf("the plan does not fail on the membership's account_id naming the list:\n%s", res.Output)
	}

	// The list planned second: the error is on the account's key of
	// members, which terraform shows as the configuration's line.
	cli.WriteConfig(config("atlassian_group_membership.alone", ""))
	res = cli.TryPlan()
	if res.ExitCode != 1 {
		t.Fatalf("the plan of the list after the membership did not fail:\n%s", res)
	}
	cli.ExpectNoCrash(res)
	if want := acctest.AttrError(mixedMembershipSummary, "atlassian_group_members.list", fmt.Sprintf("%q", account),
		"an atlassian_group_membership of this configuration adds account "+namedAccount+" to group "+namedGroup,
		"Choose one per group"); !want.MatchString(res.Output) {
		t.Errorf("the plan does not fail on the list's members naming the membership:\n%s", res.Output)
	}
	if n := strings.Count(res.Output, "Error: "+mixedMembershipSummary); n != 1 {
		t.Errorf("the plan shows %d errors %q, want one (for the one account in both):\n%s", n, mixedMembershipSummary, res.Output)
	}
	if diff := before.Diff(acctest.AccessOf(org.State())); diff != "" {
		t.Errorf("a failed plan changed the organization:\n%s", diff)
	}
}
