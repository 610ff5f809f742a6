package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// identityFixture is one resource of every type, against one sandbox org,
// with the identity each should have.
type identityFixture struct {
	org *acctest.Org
	// config adopts the member list with an import block; resources is the
	// same without it.
	config, resources string
	identities        map[string]map[string]knownvalue.Check
}

func newIdentityFixture(t *testing.T) identityFixture {
	t.Helper()
	org := acctest.NewOrg(t, 20, 6, 2)
	writable := grpWritableGroups(org)
	var withMembers []int
	for i, g := range writable {
		if len(g.MemberAccountIDs) > 0 {
			withMembers = append(withMembers, i)
		}
	}
	if len(withMembers) < 2 {
		t.Fatal("the sandbox org has fewer than two writable groups with members")
	}
	adopted, joined := writable[withMembers[0]], writable[withMembers[1]]
	member := joined.MemberAccountIDs[0]
	ws := org.State().Workspaces[0]
	const name = "identity-test-group"

	resources := org.Config(fmt.Sprintf(`
resource "atlassian_group" "g" {
  name = %[1]q
}

resource "atlassian_group_membership" "m" {
  group_id   = %[2]q
  account_id = %[3]q
}

resource "atlassian_group_members" "all" {
  group_id = %[4]q
  members  = %[5]s
}

resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = %[6]q
  role         = "atlassian/user"
  group_id     = atlassian_group.g.id
}

resource "atlassian_connector" "c" {}
`, name, joined.ID, member, adopted.ID, grpMembersHCL(emailLabels(org, adopted.MemberAccountIDs)), ws.ID))

	adopt := fmt.Sprintf("\nimport {\n  to = atlassian_group_members.all\n  id = %q\n}\n", adopted.ID)
	groupID := knownvalue.StringRegexp(uuidPattern)
	return identityFixture{
		org:       org,
		config:    resources + adopt,
		resources: resources,
		identities: map[string]map[string]knownvalue.Check{
			"atlassian_group.g": {"id": groupID},
			"atlassian_group_membership.m": {
				"group_id": knownvalue.StringExact(joined.ID), "account_id": knownvalue.StringExact(member),
			},
			"atlassian_group_members.all": {"group_id": knownvalue.StringExact(adopted.ID)},
			"atlassian_workspace_role_assignment.r": {
				"workspace_id": knownvalue.StringExact(ws.ID), "role": knownvalue.StringExact("atlassian/user"),
				"principal_type": knownvalue.StringExact("group"), "principal_id": groupID,
			},
			"atlassian_connector.c": {
				"organization_id": knownvalue.StringExact(org.OrgID), "name": knownvalue.StringExact(defaultConnectorName),
			},
		},
	}
}

// emailLabels labels these accounts with their emails, as a refresh labels
// the members it finds.
func emailLabels(org *acctest.Org, accountIDs []string) map[string]string {
	emails := map[string]string{}
	for _, u := range org.State().Users {
		emails[u.AccountID] = u.Email
	}
	out := make(map[string]string, len(accountIDs))
	for _, id := range accountIDs {
		out[id] = emails[id]
	}
	return out
}

// Every resource records its identity, and imports by it (an import block
// with identity, as terraform query -generate-config-out writes them) to a
// plan without changes.
func TestAccResourceIdentity(t *testing.T) {
	f := newIdentityFixture(t)
	var checks []statecheck.StateCheck
	steps := []resource.TestStep{{Config: f.config}}
	for _, address := range sortedKeys(f.identities) {
		checks = append(checks, statecheck.ExpectIdentity(address, f.identities[address]))
		steps = append(steps, resource.TestStep{
			Config:          f.resources,
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		})
	}
	steps[0].ConfigStateChecks = checks
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps:                    steps,
	})
}

// A state written before the resources had identities (by an older
// provider, or by a CLI older than 1.12) gets them on its next refresh,
// with nothing to change.
func TestAccResourceIdentity_stateWithoutIdentity(t *testing.T) {
	f := newIdentityFixture(t)
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.SkipBelow(tfversion.Version1_12_0, "resource identity")
	cli.WriteConfig(f.config)
	cli.MustApply()

	// Strip the identities, as an older provider would have written it.
	statePath := filepath.Join(cli.Dir(), "terraform.tfstate")
	raw, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	stripped := 0
	for _, r := range st["resources"].([]any) {
		for _, inst := range r.(map[string]any)["instances"].([]any) {
			inst := inst.(map[string]any)
			if _, ok := inst["identity"]; ok {
				delete(inst, "identity")
				delete(inst, "identity_schema_version")
				stripped++
			}
		}
	}
	if stripped != len(f.identities) {
		t.Fatalf("the state holds %d identities, want %d", stripped, len(f.identities))
	}
	st["serial"] = st["serial"].(float64) + 1
	raw, err = json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(statePath, raw, 0o600); err != nil {
		t.Fatal(err)
	}

	if changes, res := cli.PlanChanges(); changes {
		t.Fatalf("a state without identities plans changes:\n%s", res.Output)
	}
	cli.Must(cli.TryApply()) // refresh-and-save: nothing to change, identities written
	got := map[string]map[string]any{}
	for _, r := range cli.StateResources() {
		got[r.Address] = r.IdentityValues
	}
	for address, want := range f.identities {
		if len(got[address]) != len(want) {
			t.Errorf("%s: identity after refresh %v, want attributes %v", address, got[address], sortedKeys(want))
			continue
		}
		for attr, check := range want {
			if err := check.CheckValue(got[address][attr]); err != nil {
				t.Errorf("%s: identity %s: %v", address, attr, err)
			}
		}
	}
}

// uuidPattern is the shape of the ids the sandbox gives new groups.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// An identity is checked as an import id is, and a wrong one fails the
// plan saying what is wrong with it.
func TestAccResourceIdentity_badIdentity(t *testing.T) {
	org := acctest.NewOrg(t, 10, 4, 1)
	ws := org.State().Workspaces[0]
	importing := func(to, identity, resourceBody string) string {
		return org.Config(fmt.Sprintf("import {\n  to = %s\n  identity = {\n%s  }\n}\n\n%s", to, identity, resourceBody))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: importing("atlassian_group.g", "    id = \"0f8fad5b-d9cb-469f-a165-70867728950e\"\n",
					"resource \"atlassian_group\" \"g\" {\n  name = \"nobody\"\n}\n"),
				ExpectError: regexp.MustCompile(`Cannot import a group that does not exist`),
			},
			{
				Config: importing("atlassian_workspace_role_assignment.r", fmt.Sprintf(
					"    workspace_id   = %q\n    role           = \"atlassian/user\"\n    principal_type = \"robot\"\n    principal_id   = \"5b10ac8d82e05b22cc7d4ef5\"\n", ws.ID),
					fmt.Sprintf("resource \"atlassian_workspace_role_assignment\" \"r\" {\n  workspace_id = %q\n  role         = \"atlassian/user\"\n  account_id   = \"5b10ac8d82e05b22cc7d4ef5\"\n}\n", ws.ID)),
				ExpectError: regexp.MustCompile(`(?s)Malformed identity for atlassian_workspace_role_assignment.*principal_type is "robot"`),
			},
			{
				Config: importing("atlassian_group_membership.m",
					"    group_id   = \"0f8fad5b-d9cb-469f-a165-70867728950e\"\n    account_id = \"a b\"\n",
					"resource \"atlassian_group_membership\" \"m\" {\n  group_id   = \"0f8fad5b-d9cb-469f-a165-70867728950e\"\n  account_id = \"ab\"\n}\n"),
				ExpectError: regexp.MustCompile(`Malformed import id for atlassian_group_membership`),
			},
		},
	})
}
