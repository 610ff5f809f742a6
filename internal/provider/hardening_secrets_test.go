package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
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
	acctest.RequireTerraform(t)
	t.Parallel()
	token := "atl-key-" + randomHex(t, 16)
	clientSecret := "c1-secret-" + randomHex(t, 16)
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed, opts.Token = 20, 5, 2, 42, token
	org := &acctest.Org{Env: sandboxtest.Start(t, opts)}
	st := org.State()
	ws := st.Workspaces[0]
	owned := org.WritableGroup(t)
	users := org.ActiveUsers()
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
	cliOptions := tfdriver.Options{
		LogLevel: "TRACE", LogPath: logPath,
		Env:       []string{"ATLASSIAN_API_TOKEN=" + token},
		Variables: map[string]string{"client_secret": clientSecret},
	}
	cli := acctest.NewPluginCLI(t, cliOptions)
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
	cli.WriteConfig(config)

	cli.Must(cli.TryPlan(tfexec.Out("secrets.tfplan")))
	cli.MustApply(tfexec.DirOrPlan("secrets.tfplan"))
	cli.Must(cli.Exec("output", "-no-color"))
	cli.Must(cli.Exec("show", "-no-color"))
	// A refresh, and an import of every resource type (in a working
	// directory of its own with the same configuration, options and TRACE
	// log, so the applied state stays as it is).
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after the apply is not empty:\n%s", res)
	}
	team, ok := grpGroupByName(org, "hardening-secrets-team")
	if !ok {
		t.Fatal("the apply did not create the team group")
	}
	importer := acctest.NewPluginCLI(t, cliOptions)
	importer.WriteConfig(config)
	for _, imp := range [][2]string{
		{"atlassian_group.team", team.ID},
		{"atlassian_group_membership.team", team.ID + "/" + roleHolder.AccountID},
		{"atlassian_group_members.owned", owned.ID},
		{"atlassian_workspace_role_assignment.admin", ws.ID + "|atlassian/admin|user:" + roleHolder.AccountID},
		{"atlassian_connector.c", org.OrgID + "/baton-atlassian"},
	} {
		importer.Must(importer.TryImport(imp[0], imp[1]))
	}
	shown := cli.ShowState()

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
	wrong := acctest.NewPluginCLI(t, tfdriver.Options{
		LogLevel: "TRACE", LogPath: logPath + ".errors",
		Env:       []string{"ATLASSIAN_API_TOKEN=" + wrongProviderKey},
		Variables: map[string]string{"connector_key": wrongConnectorKey},
	})
	wrong.WriteConfig(fmt.Sprintf(`
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
	failed := wrong.TryPlan()
	if failed.Err == nil || !strings.Contains(failed.Output, "401") {
		t.Errorf("the plan with a wrong key did not fail with a 401:\n%s", failed)
	}
	wrong.ExpectNoCrash(failed)
	// The connector alone, applied: its own wrong key is refused at apply.
	wrong.WriteConfig(fmt.Sprintf(`
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
	failedApply := wrong.TryApply()
	if failedApply.Err == nil || !diagnostic("Invalid API key").MatchString(failedApply.Output) {
		t.Errorf("the connector with a wrong key did not fail as expected:\n%s", failedApply)
	}
	wrong.ExpectNoCrash(failedApply)

	cli.Must(cli.TryDestroy())
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
		"terraform's output of the imports":     importer.Transcript(),
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

// TestAccSecretsWriteOnlyNeverStored: with the write-only arguments and
// the ephemeral environment, the API key and the client secret reach the
// provider, the validation and the Secret's environment, and yet appear in
// none of what Terraform keeps or prints: the state file, the saved plan,
// `terraform show -json` of both, terraform's TRACE log (with the
// provider's own lines: it runs as its own plugin process), and the output.
// A rotation (a new version with a wrong key) proves the write-only key is
// the one the connector validates.
func TestAccSecretsWriteOnlyNeverStored(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	token := "atl-wo-key-" + randomHex(t, 16)
	clientSecret := "c1-wo-secret-" + randomHex(t, 16)
	wrongKey := "wrong-wo-key-" + randomHex(t, 12)
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed, opts.Token = 12, 4, 1, 7, token
	org := &acctest.Org{Env: sandboxtest.Start(t, opts)}

	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	variables := func(key string, revision int) map[string]string {
		return map[string]string{"connector_key": key, "client_secret": clientSecret, "revision": fmt.Sprint(revision)}
	}
	// The provider's key comes from the environment; the connector's and
	// the client secret from ephemeral variables.
	cli := acctest.NewPluginCLI(t, tfdriver.Options{
		LogLevel: "TRACE", LogPath: logPath,
		Env:       []string{"ATLASSIAN_API_TOKEN=" + token},
		Variables: variables(token, 1),
	})
	const connectorHCL = `
variable "connector_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "revision" {
  type = number
}

resource "atlassian_connector" "c" {
  api_token_wo             = var.connector_key
  api_token_wo_version     = var.revision
  client_id                = "bright-otter"
  client_secret_wo         = var.client_secret
  client_secret_wo_version = var.revision
  sync_path                = "org.c1z"
}

output "connector" {
  value = {
    id     = atlassian_connector.c.id
    grants = atlassian_connector.c.grants
  }
}
`
	// The ephemeral environment configures a second provider: its key
	// reads the organization's groups, or the environment is wrong.
	const environmentHCL = `
ephemeral "atlassian_connector_environment" "c" {
  name          = atlassian_connector.c.name
  api_token     = var.connector_key
  client_id     = atlassian_connector.c.client_id
  client_secret = var.client_secret
}

provider "atlassian" {
  alias           = "from_secret"
  organization_id = ephemeral.atlassian_connector_environment.c.environment["BATON_ORGANIZATION_ID"]
  api_token       = ephemeral.atlassian_connector_environment.c.environment["BATON_ACCESS_TOKEN"]
  base_url        = ephemeral.atlassian_connector_environment.c.environment["BATON_BASE_URL"]
}

data "atlassian_groups" "via_secret" {
  provider = atlassian.from_secret
}

output "groups_via_secret" {
  value = length(data.atlassian_groups.via_secret.groups)
}
`
	providerHCL := fmt.Sprintf("provider \"atlassian\" {\n  organization_id = %q\n  base_url        = %q\n}\n", org.OrgID, org.URL)
	cli.WriteConfig(providerHCL + connectorHCL + environmentHCL)

	cli.Must(cli.TryPlan(tfexec.Out("wo.tfplan")))
	planFile, err := os.ReadFile(filepath.Join(cli.Dir(), "wo.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	planJSON := showJSON(t, cli, "wo.tfplan")
	cli.MustApply(tfexec.DirOrPlan("wo.tfplan"))
	cli.Must(cli.Exec("output", "-no-color"))
	cli.Must(cli.Exec("show", "-no-color"))
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after the apply is not empty:\n%s", res)
	}

	// What the state holds: the versions and the sync, no environment, no
	// Secret manifest; the second provider read the groups with the
	// ephemeral key.
	shown := cli.ShowState()
	var connector map[string]any
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address == "atlassian_connector.c" {
			connector = r.AttributeValues
		}
	}
	if connector == nil {
		t.Fatal("the state has no atlassian_connector.c")
	}
	for attr, want := range map[string]any{"api_token_wo": nil, "client_secret_wo": nil, "environment": nil, "secret_manifest": nil,
		"api_token": nil, "client_secret": nil, "api_token_wo_version": float64(1), "client_secret_wo_version": float64(1)} {
		if got := connector[attr]; got != want {
			t.Errorf("the state's %s is %v, want %v", attr, got, want)
		}
	}
	if grants, _ := connector["grants"].(float64); grants == 0 {
		t.Errorf("the connector's sync with the write-only key wrote no grants: %v", connector["grants"])
	}
	if out := shown.Values.Outputs["groups_via_secret"]; out == nil || out.Value != float64(len(org.State().Groups)) {
		t.Errorf("the provider configured from the ephemeral environment read %v groups, want %d", out, len(org.State().Groups))
	}
	stateFile, err := os.ReadFile(filepath.Join(cli.Dir(), "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	stateJSON := showJSON(t, cli)

	// Rotation: a new version with a wrong key is validated, and refused on
	// api_token_wo; the right key under the next version is accepted.
	cli.WriteConfig(providerHCL + connectorHCL)
	writeVariables(t, cli, variables(wrongKey, 2))
	rotated := cli.TryApply()
	if rotated.Err == nil || !acctest.AttrError("Invalid API key", "atlassian_connector.c", "api_token_wo", "Atlassian rejected the API key (api_token_wo)").MatchString(rotated.Output) {
		t.Errorf("a new api_token_wo_version with a wrong key was not refused on api_token_wo:\n%s", rotated)
	}
	cli.ExpectNoCrash(rotated)
	writeVariables(t, cli, variables(token, 3))
	cli.MustApply()
	if v := stateAttribute(t, cli, "atlassian_connector.c", "api_token_wo_version"); v != float64(3) {
		t.Errorf("after the rotation api_token_wo_version is %v, want 3", v)
	}
	rotatedState, err := os.ReadFile(filepath.Join(cli.Dir(), "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	cli.Must(cli.TryDestroy())

	traceLog, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading terraform's TRACE log: %v", err)
	}
	for _, want := range []string{"[TRACE]", "tf_rpc=OpenEphemeralResource", "tf_rpc=ApplyResourceChange", "synced the organization"} {
		if !strings.Contains(string(traceLog), want) {
			t.Errorf("the TRACE log (%d bytes) lacks %q: were the provider's logs captured?", len(traceLog), want)
		}
	}
	places := map[string]string{
		"the state file":                         string(stateFile),
		"the state file after the rotation":      string(rotatedState),
		"terraform show -json of the state":      stateJSON,
		"the saved plan file (every entry)":      zipEntries(t, planFile),
		"terraform show -json of the saved plan": planJSON,
		"terraform's TRACE log":                  string(traceLog),
		"terraform's output":                     cli.Transcript(),
	}
	secrets := map[string]string{"the API key": token, "the client secret": clientSecret, "the wrong key": wrongKey}
	for place, text := range places {
		if len(text) < 200 {
			t.Errorf("%s holds only %d bytes: was it read?", place, len(text))
		}
		for name, secret := range secrets {
			if i := strings.Index(text, secret); i >= 0 {
				t.Errorf("%s holds %s, near: %s", place, name, text[max(0, i-300):i])
			}
		}
	}
	t.Logf("searched %d places (%d bytes of TRACE log, %d of plan file) for %d secrets",
		len(places), len(traceLog), len(planFile), len(secrets))
}

// showJSON runs `terraform show -json` (of a plan file when given) and
// returns what it printed, kept out of the transcript.
func showJSON(t *testing.T, cli *acctest.CLI, planFile ...string) string {
	t.Helper()
	out, err := cli.Command(context.Background(), append([]string{"show", "-json"}, planFile...)...).Output()
	if err != nil {
		t.Fatalf("terraform show -json %v: %v", planFile, err)
	}
	return string(out)
}

// writeVariables replaces the variables file of the working directory.
func writeVariables(t *testing.T, cli *acctest.CLI, vars map[string]string) {
	t.Helper()
	data, err := json.Marshal(vars)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.WriteFile(tfdriver.VariablesFile, string(data)); err != nil {
		t.Fatal(err)
	}
}

// stateAttribute is one attribute of a resource in the current state.
func stateAttribute(t *testing.T, cli *acctest.CLI, address, attr string) any {
	t.Helper()
	for _, r := range cli.StateResources() {
		if r.Address == address {
			return r.AttributeValues[attr]
		}
	}
	t.Fatalf("the state has no %s", address)
	return nil
}

// zipEntries returns the uncompressed contents of every entry of a saved
// plan (a zip archive), one after the other.
func zipEntries(t *testing.T, data []byte) string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("reading the saved plan: %v", err)
	}
	var all strings.Builder
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&all, "== %s\n%s\n", f.Name, b)
	}
	return all.String()
}
