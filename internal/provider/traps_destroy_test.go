package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// trapGroupBlock is an atlassian_group that adopts group g by an import
// block, with Atlassian's name and description, so that nothing differs.
func trapGroupBlock(name string, g sandbox.Group) string {
	return fmt.Sprintf(`
import {
  to = atlassian_group.%[1]s
  id = %[2]q
}

resource "atlassian_group" "%[1]s" {
  name        = %[3]q
  description = %[4]q
}
`, name, g.ID, g.Name, g.Description)
}

// trapMembers is the members map of an atlassian_group_members listing ids.
func trapMembers(ids []string) string {
	lines := make([]string, len(ids))
	for i, id := range ids {
		lines[i] = fmt.Sprintf("    %q = \"member %d\"", id, i)
	}
	return "{\n" + strings.Join(lines, "\n") + "\n  }"
}

// Destroying an adopted group that Atlassian refuses to delete (synced
// from an identity provider, or a default group) fails at plan time,
// before Terraform destroys what depends on it: the synced group's product
// role and the default group's adopted membership stay, and so does the
// state. The removed blocks the error recommends then let go of everything
// without touching Atlassian.
func TestAccDestroyOfUndeletableGroupsFailsAtPlan(t *testing.T) {
	org := acctest.NewOrg(t, 30, 12, 2)
	st := org.State()
	var synced, dflt sandbox.Group
	for _, g := range st.Groups {
		switch {
		case g.ExternalSynced && synced.ID == "":
			synced = g
		case g.Default && dflt.ID == "" && len(g.MemberAccountIDs) > 0:
			dflt = g
		}
	}
	if synced.ID == "" || dflt.ID == "" {
		t.Fatal("the sandbox org needs a synced group and a default group with members")
	}
	var role sandbox.GroupRoleAssignment
	for _, r := range st.GroupRoleAssignments {
		if r.GroupID == synced.ID {
			role = r
			break
		}
	}
	if role.GroupID == "" {
		t.Fatalf("the synced group %s holds no product role", synced.Name)
	}
	member := dflt.MemberAccountIDs[0]
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	config := trapGroupBlock("synced", synced) + trapGroupBlock("default", dflt) + fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "synced_users" {
  workspace_id = %q
  role         = %q
  group_id     = atlassian_group.synced.id
}

resource "atlassian_group_membership" "default_member" {
  group_id   = atlassian_group.default.id
  account_id = %q
}
`, role.ResourceID, role.Role, member)
	cli.WriteConfig(org.Config(config))
	before := acctest.AccessOf(org.State())
	cli.MustApply()
	if diff := before.Diff(acctest.AccessOf(org.State())); diff != "" {
		t.Fatalf("adopting changed the organization:\n%s", diff)
	}
	managed := len(cli.StateResources())

	// A new name replaces a group, which deletes it: refused the same way,
	// even with allow_replace.
	cli.WriteConfig(org.Config(strings.Replace(config, fmt.Sprintf("name        = %q\n", synced.Name),
		fmt.Sprintf("name          = %q\n  allow_replace = true\n", synced.Name+" renamed"), 1)))
	res := cli.TryPlan()
	if res.ExitCode != 1 {
		t.Fatalf("replacing the synced group did not fail the plan:\n%s", res)
	}
	if re := acctest.BlockError("Atlassian refuses to delete this group", "atlassian_group.synced",
		"This change replaces the group: Terraform would delete it and create another",
		fmt.Sprintf("group %q (%s) is synced from an identity provider", synced.Name, synced.ID),
		"Keep name and description as Atlassian has them", "removed {"); !re.MatchString(res.Output) {
		t.Errorf("the replacement does not fail on atlassian_group.synced:\n%s", res.Output)
	}
	cli.WriteConfig(org.Config(config))

	res = cli.TryDestroy()
	if res.ExitCode == 0 {
		t.Fatalf("destroying groups Atlassian refuses to delete succeeded:\n%s", res)
	}
	cli.ExpectNoCrash(res)
	for _, want := range []struct {
		address string
		g       sandbox.Group
		why     string
	}{
		{"atlassian_group.synced", synced, "is synced from an identity provider"},
		{"atlassian_group.default", dflt, "is a group Atlassian does not let anyone delete (a default product access group"},
	} {
		if re := acctest.BlockError("Atlassian refuses to delete this group", want.address,
			fmt.Sprintf("group %q (%s) %s", want.g.Name, want.g.ID, want.why),
			"memberships and product roles", "removed {", "destroy = false", "prevent_destroy = true"); !re.MatchString(res.Output) {
			t.Errorf("the destroy does not fail on %s:\n%s", want.address, res.Output)
		}
	}
	if diff := before.Diff(acctest.AccessOf(org.State())); diff != "" {
		t.Errorf("the failed destroy changed the organization:\n%s", diff)
	}
	for _, g := range []sandbox.Group{synced, dflt} {
		if _, ok := org.Group(g.ID); !ok {
			t.Errorf("group %s is gone", g.Name)
		}
	}
	if n := len(cli.StateResources()); n != managed {
		t.Errorf("the failed destroy left %d resources in the state, want %d", n, managed)
	}

	// The way out the error names: removed blocks that do not destroy.
	var removed strings.Builder
	for _, address := range []string{"atlassian_group.synced", "atlassian_group.default",
		"atlassian_workspace_role_assignment.synced_users", "atlassian_group_membership.default_member"} {
		fmt.Fprintf(&removed, "\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", address)
	}
	cli.WriteConfig(org.Config(removed.String()))
	cli.MustApply()
	if n := len(cli.StateResources()); n != 0 {
		t.Errorf("the removed blocks left %d resources in the state", n)
	}
	if diff := before.Diff(acctest.AccessOf(org.State())); diff != "" {
		t.Errorf("the removed blocks changed the organization:\n%s", diff)
	}
}

// Destroying, or moving, an atlassian_group_members that adopted a group's
// members warns with the number of accounts that lose access; one that
// filled a group this configuration created empty does not.
func TestAccEmptyingAnAdoptedGroupWarnsWithTheCount(t *testing.T) {
	org := acctest.NewOrg(t, 30, 6, 1)
	groups := grpWritableGroups(org)
	if len(groups) < 2 || len(groups[0].MemberAccountIDs) < 2 {
		t.Fatal("need two writable groups, the first with members")
	}
	adopted, other := groups[0], groups[1]
	fresh := grpNonMembers(t, org, adopted, 2)
	config := func(adoptedGroupID string, adoptedMembers []string) string {
		return org.Config(fmt.Sprintf(`
import {
  to = atlassian_group_members.adopted
  id = %[1]q
}

resource "atlassian_group_members" "adopted" {
  group_id = %[2]q
  members  = %[3]s
}

resource "atlassian_group" "fresh" {
  name = "traps-fresh-group"
}

resource "atlassian_group_members" "fresh" {
  group_id = atlassian_group.fresh.id
  members  = %[4]s
}
`, adopted.ID, adoptedGroupID, trapMembers(adoptedMembers), trapMembers([]string{fresh[0].AccountID, fresh[1].AccountID})))
	}
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(config(adopted.ID, adopted.MemberAccountIDs))
	cli.MustApply()
	before := acctest.AccessOf(org.State())
	count := len(adopted.MemberAccountIDs)
	summary := fmt.Sprintf("%d accounts lose their membership of group %q (%s)", count, adopted.Name, adopted.ID)

	res := cli.Must(cli.TryPlan(tfexec.Destroy(true)))
	acctest.ExpectOutput(t, res, acctest.Warning(summary, "Destroying this atlassian_group_members removes every member it lists",
		fmt.Sprintf("%d accounts lose their membership, and the product access the group gives them", count),
		"The group itself stays, empty", "removed {", "destroy = false", "prevent_destroy = true"))
	if n := strings.Count(res.Output, "lose their membership of"); n != 1 {
		t.Errorf("the destroy plan warns %d times about emptied groups, want once (the group created empty is not):\n%s", n, res.Output)
	}

	// Moved to another group: the adopted one empties first.
	cli.WriteConfig(config(other.ID, other.MemberAccountIDs))
	res = cli.Must(cli.TryPlan())
	acctest.ExpectOutput(t, res, acctest.Warning(summary, "Moving this atlassian_group_members to group "+other.ID+" first removes every member it lists"))
	if diff := before.Diff(acctest.AccessOf(org.State())); diff != "" {
		t.Errorf("the plans changed the organization:\n%s", diff)
	}
}
