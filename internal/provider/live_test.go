package provider

import (
	"context"
	"fmt"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// The acceptance tests that run against a real organization: see
// live_target_test.go for what they may touch.

// liveGroupDescription marks the groups the live tests create, for a person
// who finds one in admin.atlassian.com.
const liveGroupDescription = "Created by the acceptance tests of terraform-provider-atlassian; removed by them or by their sweeper."

// A group with a test name: created, imported by id and by identity,
// replaced for a new description (the admin API cannot change one), and
// destroyed; Atlassian confirms each step.
func TestAccLive_group(t *testing.T) {
	org := newLiveTarget(t)
	name := liveGroupName()
	const address = "atlassian_group.g"
	config := func(description string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name        = %q
  description = %q
}
`, name, description))
	}
	var firstID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             org.checkDestroyed,
		Steps: []tfresource.TestStep{
			{
				Config: config(liveGroupDescription),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidPattern)),
					statecheck.ExpectIdentity(address, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(uuidPattern)}),
				},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					liveStateAttr(address, "id", &firstID),
					org.checkGroup(address, name, liveGroupDescription),
				),
			},
			{ResourceName: address, ImportState: true, ImportStateVerify: true},
			{
				Config:          config(liveGroupDescription),
				ResourceName:    address,
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
			},
			{
				Config: config(liveGroupDescription + " Replaced."),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionReplace),
				}},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					org.checkGroup(address, name, liveGroupDescription+" Replaced."),
					org.checkGroupGone(&firstID),
				),
			},
		},
	})
}

// An existing account, found with the accounts data source and read again
// by id, made a member of a test group: the membership is imported, shows in
// the account's effective access and the groups data source, and is removed
// again while the group stays. The account itself is only read.
func TestAccLive_groupMembership(t *testing.T) {
	org := newLiveTarget(t)
	name := liveGroupName()
	const (
		group      = "atlassian_group.g"
		membership = "atlassian_group_membership.m"
	)
	// The first active staff account; sorted by email, so the same one
	// every run on an unchanged organization.
	accounts := `
data "atlassian_accounts" "active" {
  status       = "active"
  account_type = "atlassian"
}

data "atlassian_account" "picked" {
  account_id = data.atlassian_accounts.active.accounts[0].account_id
}
`
	groupOnly := accounts + fmt.Sprintf(`
resource "atlassian_group" "g" {
  name        = %q
  description = %q
}
`, name, liveGroupDescription)
	withMembership := groupOnly + `
resource "atlassian_group_membership" "m" {
  group_id   = atlassian_group.g.id
  account_id = data.atlassian_account.picked.account_id
}
`
	// Read once the membership exists: the plan of this step reads them.
	reads := withMembership + fmt.Sprintf(`
data "atlassian_effective_access" "picked" {
  account_id = data.atlassian_account.picked.account_id
}

data "atlassian_groups" "test" {
  search = %q
}
`, name)
	var accountID, groupID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             org.checkDestroyed,
		Steps: []tfresource.TestStep{
			{
				Config: org.Config(withMembership),
				Check: tfresource.ComposeAggregateTestCheckFunc(
					liveStateAttr("data.atlassian_account.picked", "account_id", &accountID),
					liveStateAttr(group, "id", &groupID),
					tfresource.TestCheckResourceAttrPair("data.atlassian_account.picked", "account_id", "data.atlassian_accounts.active", "accounts.0.account_id"),
					tfresource.TestCheckResourceAttrPair("data.atlassian_account.picked", "email", "data.atlassian_accounts.active", "accounts.0.email"),
					tfresource.TestCheckResourceAttr("data.atlassian_account.picked", "status", "active"),
					tfresource.TestCheckResourceAttrPair(membership, "group_id", group, "id"),
					tfresource.TestCheckResourceAttrPair(membership, "account_id", "data.atlassian_account.picked", "account_id"),
					tfresource.TestCheckResourceAttr(membership, "active", "true"),
					org.checkMember(&groupID, &accountID, true),
				),
			},
			{ResourceName: membership, ImportState: true, ImportStateVerify: true},
			{
				Config: org.Config(reads),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(group, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(membership, plancheck.ResourceActionNoop),
				}},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckTypeSetElemNestedAttrs("data.atlassian_effective_access.picked", "access.*", map[string]string{
						"access_type":   "group_membership",
						"resource_name": name,
						"path":          "direct",
					}),
					tfresource.TestCheckTypeSetElemAttrPair("data.atlassian_effective_access.picked", "access.*.resource_id", group, "id"),
					tfresource.TestCheckResourceAttr("data.atlassian_groups.test", "groups.#", "1"),
					tfresource.TestCheckResourceAttrPair("data.atlassian_groups.test", "groups.0.group_id", group, "id"),
					tfresource.TestCheckResourceAttr("data.atlassian_groups.test", "groups.0.name", name),
					tfresource.TestCheckResourceAttr("data.atlassian_groups.test", "groups.0.external_synced", "false"),
				),
			},
			{
				// The membership goes; the group and the account stay.
				Config: org.Config(groupOnly),
				Check: tfresource.ComposeAggregateTestCheckFunc(
					org.checkMember(&groupID, &accountID, false),
					org.checkGroup(group, name, liveGroupDescription),
					org.checkAccountActive(&accountID),
				),
			},
		},
	})
}

// A test group given atlassian/user on an existing workspace, found with
// the workspaces data source: assigned, imported, and revoked again while
// the group stays. The group has no members, so no account gains access.
func TestAccLive_workspaceRoleAssignment(t *testing.T) {
	org := newLiveTarget(t)
	name := liveGroupName()
	const (
		group      = "atlassian_group.g"
		assignment = "atlassian_workspace_role_assignment.r"
	)
	// The first online workspace, sorted by name.
	groupOnly := fmt.Sprintf(`
data "atlassian_workspaces" "all" {}

locals {
  workspace = [for w in data.atlassian_workspaces.all.workspaces : w if w.status == "online"][0]
}

resource "atlassian_group" "g" {
  name        = %q
  description = %q
}
`, name, liveGroupDescription)
	withRole := groupOnly + `
resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = local.workspace.workspace_id
  role         = "atlassian/user"
  group_id     = atlassian_group.g.id
}
`
	var groupID, workspaceID string
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             org.checkDestroyed,
		Steps: []tfresource.TestStep{
			{
				Config: org.Config(withRole),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(assignment, map[string]knownvalue.Check{
						"workspace_id":   knownvalue.NotNull(),
						"role":           knownvalue.StringExact("atlassian/user"),
						"principal_type": knownvalue.StringExact("group"),
						"principal_id":   knownvalue.StringRegexp(uuidPattern),
					}),
				},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					liveStateAttr(group, "id", &groupID),
					liveStateAttr(assignment, "workspace_id", &workspaceID),
					tfresource.TestCheckResourceAttrPair(assignment, "group_id", group, "id"),
					tfresource.TestCheckResourceAttr(assignment, "active", "true"),
					tfresource.TestCheckResourceAttrWith("data.atlassian_workspaces.all", "workspaces.#", func(n string) error {
						if n == "0" {
							return fmt.Errorf("the organization lists no workspace")
						}
						return nil
					}),
					org.checkRole(&groupID, &workspaceID, "atlassian/user", true),
				),
			},
			{ResourceName: assignment, ImportState: true, ImportStateVerify: true},
			{
				Config:          org.Config(withRole),
				ResourceName:    assignment,
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
			},
			{
				// The role goes; the group stays.
				Config: org.Config(groupOnly),
				Check: tfresource.ComposeAggregateTestCheckFunc(
					org.checkRole(&groupID, &workspaceID, "atlassian/user", false),
					org.checkGroup(group, name, liveGroupDescription),
				),
			},
		},
	})
}

// ---- checks through the admin API, as Atlassian answers them ----

// liveStateAttr copies an attribute of a resource in the state into *into.
func liveStateAttr(address, attribute string, into *string) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in the state", address)
		}
		v, ok := rs.Primary.Attributes[attribute]
		if !ok || v == "" {
			return fmt.Errorf("%s has no %s in the state", address, attribute)
		}
		*into = v
		return nil
	}
}

// checkGroup confirms that the group of address exists in the organization
// with this name and description.
func (o *liveTarget) checkGroup(address, name, description string) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		var id string
		if err := liveStateAttr(address, "id", &id)(s); err != nil {
			return err
		}
		return o.eventually(func(ctx context.Context, d *access.View) error {
			g, found, err := d.Group(ctx, id)
			switch {
			case err != nil:
				return err
			case !found:
				return fmt.Errorf("group %s (%s) is not in the organization", id, name)
			case g.Name != name || g.Description != description:
				return fmt.Errorf("group %s is named %q with description %q, want %q and %q", id, g.Name, g.Description, name, description)
			}
			return nil
		})
	}
}

// checkGroupGone confirms that the group *id is no longer in the
// organization.
func (o *liveTarget) checkGroupGone(id *string) tfresource.TestCheckFunc {
	return func(*terraform.State) error { return o.eventually(groupGone(*id)) }
}

func groupGone(id string) func(context.Context, *access.View) error {
	return func(ctx context.Context, d *access.View) error {
		g, found, err := d.Group(ctx, id)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("group %s (%s): %w", id, g.Name, errStillThere)
		}
		return nil
	}
}

// checkMember confirms whether the account is a member of the group.
func (o *liveTarget) checkMember(groupID, accountID *string, want bool) tfresource.TestCheckFunc {
	return func(*terraform.State) error {
		return o.eventually(func(ctx context.Context, d *access.View) error {
			member, found, err := d.IsMember(ctx, *groupID, *accountID)
			switch {
			case err != nil:
				return err
			case !found:
				return fmt.Errorf("group %s is not in the organization", *groupID)
			case member != want:
				return fmt.Errorf("account %s is a member of group %s: %v, want %v", *accountID, *groupID, member, want)
			}
			return nil
		})
	}
}

// checkRole confirms whether the group holds the role on the workspace.
func (o *liveTarget) checkRole(groupID, workspaceID *string, role string, want bool) tfresource.TestCheckFunc {
	return func(*terraform.State) error {
		return o.eventually(func(ctx context.Context, d *access.View) error {
			has, found, err := d.HasRole(ctx, access.Principal{Type: access.TypeGroup, ID: *groupID}, access.Role{WorkspaceID: *workspaceID, Role: role})
			switch {
			case err != nil:
				return err
			case !found:
				return fmt.Errorf("group %s is not in the organization", *groupID)
			case has != want:
				return fmt.Errorf("group %s holds %s on %s: %v, want %v", *groupID, role, *workspaceID, has, want)
			}
			return nil
		})
	}
}

// checkAccountActive confirms that the account is still an active account
// of the organization.
func (o *liveTarget) checkAccountActive(accountID *string) tfresource.TestCheckFunc {
	return func(*terraform.State) error {
		return o.check(func(ctx context.Context, d *access.View) error {
			a, found, err := d.Account(ctx, *accountID)
			switch {
			case err != nil:
				return err
			case !found:
				return fmt.Errorf("account %s is not in the organization", *accountID)
			case a.Status != "active":
				return fmt.Errorf("account %s is %s, want active", *accountID, a.Status)
			}
			return nil
		})
	}
}

// checkDestroyed is every live test's CheckDestroy: each group, membership
// and role assignment the test created is gone from the organization.
func (o *liveTarget) checkDestroyed(s *terraform.State) error {
	for address, rs := range s.RootModule().Resources {
		a := rs.Primary.Attributes
		var gone func(context.Context, *access.View) error
		switch rs.Type {
		case "atlassian_group":
			gone = groupGone(rs.Primary.ID)
		case "atlassian_group_membership":
			gone = func(ctx context.Context, d *access.View) error {
				member, _, err := d.IsMember(ctx, a["group_id"], a["account_id"])
				if err == nil && member {
					err = errStillThere
				}
				return err
			}
		case "atlassian_workspace_role_assignment":
			if a["group_id"] == "" {
				return fmt.Errorf("%s: the live tests assign roles to their own groups only", address)
			}
			gone = func(ctx context.Context, d *access.View) error {
				has, _, err := d.HasRole(ctx, access.Principal{Type: access.TypeGroup, ID: a["group_id"]}, access.Role{WorkspaceID: a["workspace_id"], Role: a["role"]})
				if err == nil && has {
					err = errStillThere
				}
				return err
			}
		default:
			continue
		}
		if err := o.eventually(gone); err != nil {
			return fmt.Errorf("%s after destroy: %w", address, err)
		}
	}
	return nil
}
