package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Secrets: the API key and the ConductorOne client secret must never
// appear in what Terraform prints, in its TRACE log (which carries the
// provider's own log lines: the provider runs as its own plugin process,
// as for users), in error messages, or in the state outside the attributes
// the schema marks sensitive. Every resource type and every data source is
// applied, refreshed, imported and destroyed with distinctive fake
// secrets, and then the searches run. (TestAccConnector_secretsStayHidden
// and _secretsNotInTerraformOutput cover the connector alone, with the
// provider in the test process.)

func TestAccSecretsNeverLeak(t *testing.T) {
	requireTerraform(t)
	t.Parallel()
	token := "atl-key-" + randomHex(t, 16)
	clientSecret := "c1-secret-" + randomHex(t, 16)
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed, opts.Token = 20, 5, 2, 42, token
	org := &testOrg{Env: sandboxtest.Start(t, opts)}
	st := org.State()
	ws := st.Workspaces[0]
	owned := org.writableGroup(t)
	users := org.activeUsers()
	newcomer := grpNonMembers(t, org, owned, 1)[0]
	roleHolder := users[len(users)-1]
	if hasUserRole(st, roleHolder.AccountID, ws.ID, "atlassian/admin") {
		t.Fatalf("%s already holds atlassian/admin", roleHolder.AccountID)
	}
	members := grpEmails(newcomer)
	for _, id := range owned.MemberAccountIDs {
		members[id] = "kept"
	}

	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	// The key reaches the provider from the environment, the client secret
	// from a sensitive variable (in a variables file: terraform-exec refuses
	// TF_VAR_ in the environment): the two ways a user keeps them out of
	// the configuration.
	cli := newPluginCLI(t, tfdriver.Options{
		LogLevel: "TRACE", LogPath: logPath,
		Env:       []string{"ATLASSIAN_API_TOKEN=" + token},
		Variables: map[string]string{"client_secret": clientSecret},
	})
	config := fmt.Sprintf(`
provider "atlassian" {
  organization_id = %[1]q
  base_url        = %[2]q
}

variable "client_secret" {
  type      = string
  sensitive = true
}

data "atlassian_workspaces" "all" {}

data "atlassian_workspace" "site" {
  workspace_id = %[3]q
}

data "atlassian_accounts" "active" {
  status = "active"
}

data "atlassian_account" "holder" {
  email = %[4]q
}

data "atlassian_groups" "all" {}

data "atlassian_group" "owned" {
  group_id = %[5]q
}

resource "atlassian_group" "team" {
  name        = "hardening-secrets-team"
  description = "made by the secrets test"
}

resource "atlassian_group_membership" "team" {
  group_id   = atlassian_group.team.id
  account_id = data.atlassian_account.holder.account_id
}

resource "atlassian_group_members" "owned" {
  group_id = data.atlassian_group.owned.group_id
  members  = %[6]s
}

resource "atlassian_workspace_role_assignment" "admin" {
  workspace_id = data.atlassian_workspace.site.workspace_id
  role         = "atlassian/admin"
  account_id   = data.atlassian_account.holder.account_id
}

resource "atlassian_workspace_role_assignment" "team" {
  workspace_id = data.atlassian_workspace.site.workspace_id
  role         = "atlassian/user"
  group_id     = atlassian_group.team.id
}

resource "atlassian_connector" "c" {
  client_id     = "bright-otter"
  client_secret = var.client_secret
  sync_path     = "org.c1z"
}

output "summary" {
  value = {
    workspaces = length(data.atlassian_workspaces.all.workspaces)
    accounts   = length(data.atlassian_accounts.active.accounts)
    team       = atlassian_group.team.id
    connector  = atlassian_connector.c.id
    grants     = atlassian_connector.c.grants
  }
}

output "groups_at_plan" {
  # Read before the team group exists; not compared across plans.
  value = length(data.atlassian_groups.all.groups) > 0
}

output "deployment" {
  value = atlassian_connector.c.deployment_manifest
}

output "secret_manifest" {
  value     = atlassian_connector.c.secret_manifest
  sensitive = true
}
`, org.OrgID, org.URL, ws.ID, roleHolder.Email, owned.ID, grpMembersHCL(members))
	cli.writeConfig(config)

	cli.must(cli.tryPlan(tfexec.Out("secrets.tfplan")))
	cli.mustApply(tfexec.DirOrPlan("secrets.tfplan"))
	cli.must(cli.run("output", "-no-color"))
	cli.must(cli.run("show", "-no-color"))
	// A refresh, and an import of every resource type (into a copy of the
	// state, so the applied state stays as it is).
	if changes, res := cli.planChanges(); changes {
		t.Errorf("the plan after the apply is not empty:\n%s", res)
	}
	team, ok := grpGroupByName(org, "hardening-secrets-team")
	if !ok {
		t.Fatal("the apply did not create the team group")
	}
	for _, imp := range [][2]string{
		{"atlassian_group.team", team.ID},
		{"atlassian_group_membership.team", team.ID + "/" + roleHolder.AccountID},
		{"atlassian_group_members.owned", owned.ID},
		{"atlassian_workspace_role_assignment.admin", ws.ID + "|atlassian/admin|user:" + roleHolder.AccountID},
		{"atlassian_connector.c", org.OrgID + "/baton-atlassian"},
	} {
		cli.must(cli.importResource(imp[0], imp[1], tfexec.State("imported.tfstate")))
	}
	shown := cli.showState()

	// The secrets are in the sensitive attributes: the searches below look
	// at a state that does hold them.
	if shown.Values == nil || shown.Values.RootModule == nil {
		t.Fatalf("terraform show -json shows no state")
	}
	var connectorValues map[string]any
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address == "atlassian_connector.c" {
			connectorValues = r.AttributeValues
		}
	}
	env, _ := connectorValues["environment"].(map[string]any)
	if env["BATON_API_TOKEN"] != token || env["BATON_CLIENT_SECRET"] != clientSecret {
		t.Fatalf("the connector's sensitive environment does not hold the secrets: the searches would prove nothing")
	}

	// Errors must not echo a key either: a provider with a wrong key, a
	// connector with a wrong key of its own.
	wrongProviderKey := "wrong-provider-key-" + randomHex(t, 12)
	wrongConnectorKey := "wrong-connector-key-" + randomHex(t, 12)
	// A key written in the provider block (sensitive in the schema): in the
	// configuration, but nowhere else.
	configuredKey := "configured-provider-key-" + randomHex(t, 12)
	wrong := newPluginCLI(t, tfdriver.Options{
		LogLevel: "TRACE", LogPath: logPath + ".errors",
		Env:       []string{"ATLASSIAN_API_TOKEN=" + wrongProviderKey},
		Variables: map[string]string{"connector_key": wrongConnectorKey},
	})
	wrong.writeConfig(fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  base_url        = %q
}

variable "connector_key" {
  type      = string
  sensitive = true
}

resource "atlassian_group_membership" "m" {
  group_id   = %q
  account_id = %q
}

resource "atlassian_connector" "c" {
  api_token = var.connector_key
}
`, org.OrgID, org.URL, owned.ID, newcomer.AccountID))
	failed := wrong.tryPlan()
	if failed.Err == nil || !strings.Contains(failed.Output, "401") {
		t.Errorf("the plan with a wrong key did not fail with a 401:\n%s", failed)
	}
	wrong.expectNoCrash(failed)
	// The connector alone, applied: its own wrong key is refused at apply.
	wrong.writeConfig(fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}

variable "connector_key" {
  type      = string
  sensitive = true
}

resource "atlassian_connector" "c" {
  api_token = var.connector_key
}
`, org.OrgID, configuredKey, org.URL))
	failedApply := wrong.apply()
	if failedApply.Err == nil || !diagnostic("Invalid API key").MatchString(failedApply.Output) {
		t.Errorf("the connector with a wrong key did not fail as expected:\n%s", failedApply)
	}
	wrong.expectNoCrash(failedApply)

	cli.must(cli.destroy())
	if _, ok := grpGroupByName(org, "hardening-secrets-team"); ok {
		t.Errorf("the destroy left the team group")
	}

	// The searches.
	secrets := map[string]string{
		"the API key": token, "the client secret": clientSecret,
		"the wrong provider key": wrongProviderKey, "the wrong connector key": wrongConnectorKey,
		"the key in the provider block": configuredKey,
	}
	traceLog, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading terraform's TRACE log: %v", err)
	}
	errorLog, err := os.ReadFile(logPath + ".errors")
	if err != nil {
		t.Fatalf("reading terraform's TRACE log of the failures: %v", err)
	}
	// The logs hold terraform's TRACE lines and the provider's own, from
	// Configure, from a write and from the sync: or the search proves
	// nothing.
	for _, want := range []string{"[TRACE]", "configuring the Atlassian provider", "added group member", "assigned workspace role",
		"synced the organization", "tf_rpc=ApplyResourceChange", "tf_provider_addr="} {
		if !strings.Contains(string(traceLog), want) {
			t.Errorf("the TRACE log (%d bytes) lacks %q: were the provider's logs captured?", len(traceLog), want)
		}
	}
	if !strings.Contains(string(errorLog), "[TRACE]") {
		t.Errorf("the TRACE log of the failures is empty")
	}
	places := map[string]string{
		"terraform's TRACE log":                 string(traceLog),
		"terraform's TRACE log of the failures": string(errorLog),
		"terraform's output":                    cli.Transcript(),
		"terraform's output of the failures":    wrong.Transcript(),
		"the non-sensitive state attributes":    nonSensitiveState(t, shown),
	}
	for place, text := range places {
		for name, secret := range secrets {
			if i := strings.Index(text, secret); i >= 0 {
				t.Errorf("%s holds %s, near: %s", place, name, text[max(0, i-300):i])
			}
		}
	}
	t.Logf("searched %d bytes of TRACE log, %d bytes of output and the state for %d secrets",
		len(traceLog)+len(errorLog), len(cli.Transcript())+len(wrong.Transcript()), len(secrets))
}

// nonSensitiveState renders every value of a `terraform show -json`
// state except those its sensitive_values mark, one "address path = value"
// per line, so that a search of it covers exactly what is not sensitive.
func nonSensitiveState(t *testing.T, st *tfjson.State) string {
	t.Helper()
	var lines []string
	var walk func(prefix string, value, sensitive any)
	walk = func(prefix string, value, sensitive any) {
		if s, ok := sensitive.(bool); ok && s {
			return
		}
		switch v := value.(type) {
		case map[string]any:
			marks, _ := sensitive.(map[string]any)
			for k, child := range v {
				walk(prefix+"."+k, child, marks[k])
			}
		case []any:
			marks, _ := sensitive.([]any)
			for i, child := range v {
				var mark any
				if i < len(marks) {
					mark = marks[i]
				}
				walk(fmt.Sprintf("%s[%d]", prefix, i), child, mark)
			}
		default:
			lines = append(lines, fmt.Sprintf("%s = %v", prefix, v))
		}
	}
	for _, r := range st.Values.RootModule.Resources {
		var marks any
		if len(r.SensitiveValues) > 0 {
			if err := json.Unmarshal(r.SensitiveValues, &marks); err != nil {
				t.Fatalf("decoding the sensitive values of %s: %v", r.Address, err)
			}
		}
		walk(r.Address, r.AttributeValues, marks)
	}
	for name, out := range st.Values.Outputs {
		if out.Sensitive {
			continue
		}
		value, err := json.Marshal(out.Value)
		if err != nil {
			t.Fatalf("encoding output %s: %v", name, err)
		}
		lines = append(lines, "output."+name+" = "+string(value))
	}
	sort.Strings(lines)
	if len(lines) < 20 {
		t.Fatalf("only %d non-sensitive values in the state: was it read?", len(lines))
	}
	return strings.Join(lines, "\n")
}
