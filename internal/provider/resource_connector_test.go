package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	k8syaml "sigs.k8s.io/yaml"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

const connectorAddr = "atlassian_connector.test"

// connectorAttributes returns the flat state attributes of the connector.
func connectorAttributes(s *terraform.State) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[connectorAddr]
	if !ok || rs.Primary == nil {
		return nil, fmt.Errorf("%s is not in the state", connectorAddr)
	}
	return rs.Primary.Attributes, nil
}

// sensitiveConnectorAttribute reports whether a flat state key belongs to an
// attribute the schema marks sensitive.
func sensitiveConnectorAttribute(key string) bool {
	switch {
	case key == "api_token", key == "client_secret", key == "secret_manifest":
		return true
	case key == "environment" || strings.HasPrefix(key, "environment."):
		return true
	}
	return false
}

// expectManifests decodes both manifests and the environment from the
// state and compares them with the guide's, filled in from spec.
func expectManifests(t *testing.T, spec connectorDeploymentSpec) resource.TestCheckFunc {
	t.Helper()
	return func(s *terraform.State) error {
		attrs, err := connectorAttributes(s)
		if err != nil {
			return err
		}
		wantSecret, wantDeployment := guideManifests(t, spec)
		if got := decodeYAML(t, attrs["secret_manifest"]); !reflect.DeepEqual(got, wantSecret) {
			return fmt.Errorf("secret_manifest:\n%s\ndecodes to %#v\nwant %#v", attrs["secret_manifest"], got, wantSecret)
		}
		if got := decodeYAML(t, attrs["deployment_manifest"]); !reflect.DeepEqual(got, wantDeployment) {
			return fmt.Errorf("deployment_manifest:\n%s\ndecodes to %#v\nwant %#v", attrs["deployment_manifest"], got, wantDeployment)
		}
		data := wantSecret["stringData"].(map[string]any)
		if attrs["environment.%"] != fmt.Sprint(len(data)) {
			return fmt.Errorf("environment has %s entries, want %d", attrs["environment.%"], len(data))
		}
		for k, v := range data {
			if attrs["environment."+k] != v {
				return fmt.Errorf("environment.%s = %q, want %q", k, attrs["environment."+k], v)
			}
		}
		return nil
	}
}

// expectNoSecretsOutside fails when any value of the state that is not a
// sensitive attribute holds one of the secrets.
func expectNoSecretsOutside(secrets ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := connectorAttributes(s)
		if err != nil {
			return err
		}
		for key, value := range attrs {
			if sensitiveConnectorAttribute(key) {
				continue
			}
			for _, secret := range secrets {
				if strings.Contains(value, secret) {
					return fmt.Errorf("the non-sensitive attribute %s holds a secret", key)
				}
			}
		}
		for name, output := range s.RootModule().Outputs {
			for _, secret := range secrets {
				if strings.Contains(fmt.Sprint(output.Value), secret) {
					return fmt.Errorf("output %s holds a secret", name)
				}
			}
		}
		return nil
	}
}

func TestAccConnector_basic(t *testing.T) {
	org := acctest.NewOrg(t, 15, 3, 3)
	orgName := org.State().Organization.Name
	spec := connectorDeploymentSpec{
		Name: defaultConnectorName, Namespace: defaultConnectorNamespace, Image: defaultConnectorImage("test"),
		Requests: defaultConnectorRequests, Limits: defaultConnectorLimits,
		OrganizationID: org.OrgID, APIToken: org.Token, BaseURL: org.URL,
	}
	withC1 := spec
	withC1.Namespace, withC1.Image = "connectors", "ghcr.io/conductorone/baton-atlassian:v0.1.0"
	// Limits of its own, no CPU limit; the requests keep their defaults.
	withC1.Limits = map[string]string{"memory": "1Gi"}
	withC1.ClientID, withC1.ClientSecret = "bright-otter-12345@acme.conductor.one/pcc", "secret-token:conductorone.com:v1:c0ffee"
	renamed := withC1
	renamed.Name = "atlassian-eu"
	c1Config := func(name string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_connector" "test" {
  name          = %q
  namespace     = "connectors"
  image         = "ghcr.io/conductorone/baton-atlassian:v0.1.0"
  client_id     = %q
  client_secret = %q
  resources = {
    limits = { memory = "1Gi" }
  }
}
`, name, withC1.ClientID, withC1.ClientSecret))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(`resource "atlassian_connector" "test" {}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(connectorAddr, plancheck.ResourceActionCreate),
					// Rendered at plan time, so a plan shows them.
					plancheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("id"), knownvalue.StringExact(org.OrgID+"/baton-atlassian")),
					plancheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("deployment_manifest"), knownvalue.StringRegexp(regexp.MustCompile(`kind: Deployment`))),
					plancheck.ExpectSensitiveValue(connectorAddr, tfjsonpath.New("environment")),
					plancheck.ExpectSensitiveValue(connectorAddr, tfjsonpath.New("secret_manifest")),
					plancheck.ExpectUnknownValue(connectorAddr, tfjsonpath.New("organization_name")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("id"), knownvalue.StringExact(org.OrgID+"/baton-atlassian")),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("name"), knownvalue.StringExact("baton-atlassian")),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("namespace"), knownvalue.StringExact("default")),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("image"), knownvalue.StringExact(defaultConnectorImage("test"))),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("organization_id"), knownvalue.StringExact(org.OrgID)),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("organization_name"), knownvalue.StringExact(orgName)),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("api_token"), knownvalue.Null()),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("accounts"), knownvalue.Null()),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("synced_at"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectManifests(t, spec),
					expectNoSecretsOutside(org.Token),
				),
			},
			{
				ResourceName:      connectorAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  connectorAddr,
				ImportState:   true,
				ImportStateId: org.OrgID + ":baton-atlassian",
				ExpectError:   diagnostic("Malformed import id for atlassian_connector", `has no "/"`, "<organization_id>/<name>"),
			},
			{
				// The ConductorOne credentials, a namespace, an image and
				// resources: all in place.
				Config: c1Config("baton-atlassian"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(connectorAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectSensitiveValue(connectorAddr, tfjsonpath.New("client_secret")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(withC1.ClientID)),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("organization_name"), knownvalue.StringExact(orgName)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectManifests(t, withC1),
					expectNoSecretsOutside(org.Token, withC1.ClientSecret),
				),
			},
			{
				// Another name is another deployment.
				Config: c1Config("atlassian-eu"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(connectorAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("id"), knownvalue.StringExact(org.OrgID+"/atlassian-eu")),
				},
				Check: expectManifests(t, renamed),
			},
		},
	})
}

func TestAccConnector_importBlock(t *testing.T) {
	org := acctest.NewOrg(t, 10, 2, 3)
	config := org.Config(fmt.Sprintf(`
import {
  to = atlassian_connector.test
  id = "%s/atlassian"
}

resource "atlassian_connector" "test" {
  name = "atlassian"
}
`, org.OrgID))
	spec := connectorDeploymentSpec{
		Name: "atlassian", Namespace: defaultConnectorNamespace, Image: defaultConnectorImage("test"),
		Requests: defaultConnectorRequests, Limits: defaultConnectorLimits,
		OrganizationID: org.OrgID, APIToken: org.Token, BaseURL: org.URL,
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(connectorAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("id"), knownvalue.StringExact(org.OrgID+"/atlassian")),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("organization_name"), knownvalue.StringExact(org.State().Organization.Name)),
				},
				Check: expectManifests(t, spec),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// expectedSyncCounts is what a full sync of the sandbox holds: every
// account the directory API lists, every group and workspace, and one grant
// per membership and per role assignment (workspace roles, organization
// roles, group roles) of those.
func expectedSyncCounts(st sandbox.State) (accounts, groups, workspaces, grants int) {
	listed := map[string]bool{}
	for _, u := range sandbox.ListedUsers(st) {
		listed[u.AccountID] = true
	}
	for _, g := range st.Groups {
		for _, id := range g.MemberAccountIDs {
			if listed[id] {
				grants++
			}
		}
	}
	for _, a := range st.UserRoleAssignments {
		if listed[a.AccountID] {
			grants++
		}
	}
	grants += len(st.GroupRoleAssignments)
	return len(listed), len(st.Groups), len(st.Workspaces), grants
}

// expectSyncMatchesSandbox checks the count attributes against the sandbox
// and against the c1z file itself.
func expectSyncMatchesSandbox(t *testing.T, org *acctest.Org, syncPath string) resource.TestCheckFunc {
	t.Helper()
	return func(s *terraform.State) error {
		attrs, err := connectorAttributes(s)
		if err != nil {
			return err
		}
		accounts, groups, workspaces, grants := expectedSyncCounts(org.State())
		for attr, want := range map[string]int{"accounts": accounts, "groups": groups, "workspaces": workspaces, "grants": grants} {
			if attrs[attr] != fmt.Sprint(want) {
				return fmt.Errorf("%s = %s, the sandbox has %d", attr, attrs[attr], want)
			}
		}
		info, err := os.Stat(syncPath)
		if err != nil {
			return fmt.Errorf("the sync file: %w", err)
		}
		if info.Mode().Perm() != 0o600 {
			return fmt.Errorf("the sync file has mode %v, want 0600", info.Mode().Perm())
		}
		counts, err := batonsync.ReadCounts(context.Background(), syncPath, t.TempDir())
		if err != nil {
			return err
		}
		held := counts.Resources
		if held[connector.ResourceTypeUser] != accounts || held[connector.ResourceTypeGroup] != groups ||
			held[connector.ResourceTypeWorkspace] != workspaces || counts.Grants != grants {
			return fmt.Errorf("the c1z holds %d accounts, %d groups, %d workspaces, %d grants; the sandbox has %d, %d, %d, %d",
				held[connector.ResourceTypeUser], held[connector.ResourceTypeGroup], held[connector.ResourceTypeWorkspace], counts.Grants,
				accounts, groups, workspaces, grants)
		}
		leftovers, err := filepath.Glob(filepath.Join(filepath.Dir(syncPath), ".*.tmp"))
		if err != nil {
			return err
		}
		if len(leftovers) > 0 {
			return fmt.Errorf("temporary files left beside the sync: %v", leftovers)
		}
		return nil
	}
}

func TestAccConnector_sync(t *testing.T) {
	org := acctest.NewOrg(t, 25, 4, 3)
	syncPath := filepath.Join(t.TempDir(), "syncs", "org.c1z")
	config := func(namespace string) string {
		return org.Config(fmt.Sprintf(`
resource "atlassian_connector" "test" {
  namespace = %q
  sync_path = %q
}
`, namespace, syncPath))
	}
	group := org.WritableGroup(t)
	var outsider string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("default"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(connectorAddr, tfjsonpath.New("grants")),
					plancheck.ExpectUnknownValue(connectorAddr, tfjsonpath.New("synced_at")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("synced_at"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				},
				Check: expectSyncMatchesSandbox(t, org, syncPath),
			},
			{
				// A membership added outside Terraform, then a change to the
				// resource: the update syncs again and counts it.
				PreConfig: func() {
					members := map[string]bool{}
					for _, m := range group.MemberAccountIDs {
						members[m] = true
					}
					for _, u := range org.ActiveUsers() {
						if !members[u.AccountID] {
							outsider = u.AccountID
							break
						}
					}
					org.Update(func(st *sandbox.State) error {
						for i := range st.Groups {
							if st.Groups[i].ID == group.ID {
								st.Groups[i].MemberAccountIDs = append(st.Groups[i].MemberAccountIDs, outsider)
							}
						}
						return nil
					})
				},
				Config: config("connectors"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(connectorAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(connectorAddr, tfjsonpath.New("grants")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectSyncMatchesSandbox(t, org, syncPath),
					func(*terraform.State) error {
						if outsider == "" {
							return fmt.Errorf("no account was added to group %s", group.ID)
						}
						return nil
					},
				),
			},
			{
				// Without sync_path the counts go; the file stays.
				Config: org.Config(`
resource "atlassian_connector" "test" {
  namespace = "connectors"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("grants"), knownvalue.Null()),
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("synced_at"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					_, err := os.Stat(syncPath)
					return err
				},
			},
		},
	})
}

func TestAccConnector_credentials(t *testing.T) {
	org := acctest.NewOrg(t, 10, 2, 3)
	// The key of another organization, which this one refuses.
	otherOpts := sandbox.DefaultOptions()
	otherOpts.Users, otherOpts.Groups, otherOpts.Workspaces = 1, 0, 1
	otherOpts.OrgID, otherOpts.Token = "0c1e2d3f-4a5b-4c7d-8e9f-0a1b2c3d4e5f", "another-organizations-api-key"
	other := sandboxtest.Start(t, otherOpts)
	const missingOrg = "00000000-0000-4000-8000-00000000beef"

	// A provider whose own key is wrong: the resource's key must be used,
	// through a connector of its own.
	wrongProvider := fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = "not-the-providers-key"
  base_url        = %q
}
`, org.OrgID, org.URL)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
resource "atlassian_connector" "test" {
  api_token = %q
}
`, other.Token)),
				ExpectError: diagnostic("Invalid API key", "Atlassian rejected the API key (api_token)", "organization API key"),
			},
			{
				// The provider's key, for an organization it does not reach.
				Config: org.Config(fmt.Sprintf(`
resource "atlassian_connector" "test" {
  organization_id = %q
}
`, missingOrg)),
				ExpectError: diagnostic("Unknown organization id", "The API key (the provider's api_token) has no organization "+missingOrg, "after /o/"),
			},
			{
				Config: org.Config(`
resource "atlassian_connector" "test" {
  organization_id = "acme"
}
`),
				ExpectError: diagnostic("Attribute organization_id must be a UUID"),
			},
			{
				Config: org.Config(`
resource "atlassian_connector" "test" {
  client_id = "bright-otter"
}
`),
				ExpectError: diagnostic(`Attribute "client_secret" must be specified when "client_id" is specified`),
			},
			{
				Config: org.Config(`
resource "atlassian_connector" "test" {
  name = "Baton_Atlassian"
}
`),
				ExpectError: diagnostic("Attribute name must be a DNS label"),
			},
			{
				Config: wrongProvider + fmt.Sprintf(`
resource "atlassian_connector" "test" {
  api_token = %q
}
`, org.Token),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectSensitiveValue(connectorAddr, tfjsonpath.New("api_token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddr, tfjsonpath.New("organization_name"), knownvalue.StringExact(org.State().Organization.Name)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(connectorAddr, "environment.BATON_API_TOKEN", org.Token),
					expectNoSecretsOutside(org.Token),
				),
			},
		},
	})
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestAccConnector_secretsStayHidden applies a connector with the API key
// and a client secret unlike anything else, with Terraform's and the
// provider's logs at TRACE in a file, and looks for them everywhere but the
// sensitive attributes: the other attributes, the outputs, the logs. It sets
// process environment variables, so it does not run in parallel.
func TestAccConnector_secretsStayHidden(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	token := "key-" + randomHex(t, 16)
	clientSecret := "c1-secret-" + randomHex(t, 16)
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed, opts.Token = 12, 3, 3, 42, token
	org := &acctest.Org{Env: sandboxtest.Start(t, opts)}

	logPath := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_LOG", "TRACE")
	// Both secrets come from the environment, so the configuration (which
	// the test framework logs) never holds them: the provider's key from
	// ATLASSIAN_API_TOKEN, the client secret from a sensitive variable.
	t.Setenv("ATLASSIAN_API_TOKEN", token)
	t.Setenv("TF_VAR_client_secret", clientSecret)
	config := fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  base_url        = %q
}

variable "client_secret" {
  type      = string
  sensitive = true
}

resource "atlassian_connector" "test" {
  client_id     = "bright-otter"
  client_secret = var.client_secret
  sync_path     = %q
}

output "deployment" {
  value = atlassian_connector.test.deployment_manifest
}

output "summary" {
  value = "${atlassian_connector.test.id} ${atlassian_connector.test.organization_name} ${atlassian_connector.test.grants}"
}
`, org.OrgID, org.URL, filepath.Join(t.TempDir(), "org.c1z"))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectSensitiveValue(connectorAddr, tfjsonpath.New("client_secret")),
					plancheck.ExpectSensitiveValue(connectorAddr, tfjsonpath.New("environment")),
					plancheck.ExpectSensitiveValue(connectorAddr, tfjsonpath.New("secret_manifest")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The secrets are where they belong...
					resource.TestCheckResourceAttr(connectorAddr, "environment.BATON_API_TOKEN", token),
					resource.TestCheckResourceAttr(connectorAddr, "environment.BATON_CLIENT_SECRET", clientSecret),
					// ...and nowhere else.
					expectNoSecretsOutside(token, clientSecret),
				),
			},
		},
	})

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the TRACE log: %v", err)
	}
	// Terraform's own TRACE lines and the provider's (its apply logs the
	// sync) must both be there, or the search below proves nothing.
	for _, want := range []string{"[TRACE]", "tf_rpc=ApplyResourceChange", "synced the organization"} {
		if !strings.Contains(string(logs), want) {
			t.Fatalf("the TRACE log (%d bytes) lacks %q: were the logs captured?", len(logs), want)
		}
	}
	for name, secret := range map[string]string{"the API key": token, "the client secret": clientSecret} {
		if i := strings.Index(string(logs), secret); i >= 0 {
			start := max(0, i-300)
			t.Errorf("the TRACE log holds %s, near: %s", name, logs[start:i])
		}
	}
}

// TestAccConnector_secretsNotInTerraformOutput runs the terraform CLI by
// hand against the provider served in-process (as the test framework does,
// through TF_REATTACH_PROVIDERS), to read what a user reads: the output of
// init, plan, apply, output and show, and Terraform's TRACE log on stderr.
// Neither the API key nor the client secret may appear in any of it.
func TestAccConnector_secretsNotInTerraformOutput(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	token := "key-" + randomHex(t, 16)
	clientSecret := "c1-secret-" + randomHex(t, 16)
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed, opts.Token = 12, 3, 3, 42, token
	org := &acctest.Org{Env: sandboxtest.Start(t, opts)}

	// The secrets come in as sensitive variables (the provider runs in this
	// process, which has no ATLASSIAN_API_TOKEN of its own); terraform's
	// TRACE log goes to a file that is searched with its output.
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{
		LogLevel: "TRACE", LogPath: logPath,
		Variables: map[string]string{"api_token": token, "client_secret": clientSecret},
	})
	cli.WriteConfig(fmt.Sprintf(`
variable "api_token" {
  type      = string
  sensitive = true
}

variable "client_secret" {
  type      = string
  sensitive = true
}

provider "atlassian" {
  organization_id = %q
  api_token       = var.api_token
  base_url        = %q
}

resource "atlassian_connector" "test" {
  client_id     = "bright-otter"
  client_secret = var.client_secret
  sync_path     = %q
}

output "deployment" {
  value = atlassian_connector.test.deployment_manifest
}

output "secret" {
  value     = atlassian_connector.test.secret_manifest
  sensitive = true
}
`, org.OrgID, org.URL, filepath.Join(t.TempDir(), "org.c1z")))
	plan := cli.Must(cli.TryPlan(tfexec.Out("tfplan")))
	apply := cli.MustApply(tfexec.DirOrPlan("tfplan"))
	cli.Must(cli.Exec("output", "-no-color"))
	show := cli.Must(cli.Exec("show", "-no-color"))

	// The commands did print the resource, with its secrets redacted.
	for name, out := range map[string]string{"plan": plan.Output, "show": show.Output} {
		if !strings.Contains(out, "(sensitive value)") || !strings.Contains(out, "deployment_manifest") {
			t.Errorf("terraform %s does not show the resource's attributes:\n%s", name, tfdriver.LastLines(out, 60))
		}
	}
	if !strings.Contains(apply.Output, "Apply complete! Resources: 1 added") {
		t.Errorf("terraform apply did not create the connector:\n%s", tfdriver.LastLines(apply.Output, 40))
	}
	traceLog, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(traceLog), "[TRACE]") {
		t.Fatalf("terraform wrote no TRACE log; the search below would prove nothing")
	}
	all := cli.Transcript() + string(traceLog)
	for name, secret := range map[string]string{"the API key": token, "the client secret": clientSecret} {
		if i := strings.Index(all, secret); i >= 0 {
			t.Errorf("terraform's output or log holds %s, near: %s", name, all[max(0, i-300):i])
		}
	}
	// And yet the connector got them: the Secret holds both.
	secretManifest := cli.Must(cli.Exec("output", "-raw", "secret"))
	if !strings.Contains(secretManifest.Output, token) || !strings.Contains(secretManifest.Output, clientSecret) {
		t.Errorf("the Secret manifest lacks the credentials")
	}
	cli.Must(cli.TryDestroy())
}

// TestAccConnector_refreshSendsNothing: the deployment is not observable,
// so a refresh and a plan without changes send no request at all.
func TestAccConnector_refreshSendsNothing(t *testing.T) {
	org := acctest.NewOrg(t, 10, 2, 3)
	config := org.Config(`resource "atlassian_connector" "test" {}`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{PreConfig: org.ResetStats, Config: config, PlanOnly: true},
			{
				PreConfig: func() {
					if stats := org.Stats(); stats.Total != 0 {
						t.Errorf("a no-op plan sent %d requests: %v", stats.Total, stats.ByRoute)
					}
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// TestAccConnector_example applies the documentation's example to the demo
// organization and imports it by its import id.
func TestAccConnector_example(t *testing.T) {
	org := newDemoOrg(t)
	// The provider runs in this process, whose working directory is this
	// package's: the example's sync path, relative to the configuration,
	// would land in the source tree.
	example := exampleConfig(t, "examples/resources/atlassian_connector/resource.tf")
	const relativeSyncPath = `"${path.root}/atlassian.c1z"`
	if !strings.Contains(example, relativeSyncPath) {
		t.Fatalf("the example no longer writes its sync to %s: update this test", relativeSyncPath)
	}
	config := org.Config(strings.Replace(example, relativeSyncPath, strconv.Quote(filepath.Join(t.TempDir(), "atlassian.c1z")), 1))
	accounts, groups, workspaces, grants := expectedSyncCounts(org.State())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("atlassian_connector.this", tfjsonpath.New("id"), knownvalue.StringExact(org.OrgID+"/baton-atlassian")),
					statecheck.ExpectKnownOutputValue("atlassian_sync", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"organization": knownvalue.StringExact(org.State().Organization.Name),
						"accounts":     knownvalue.Int64Exact(int64(accounts)),
						"groups":       knownvalue.Int64Exact(int64(groups)),
						"workspaces":   knownvalue.Int64Exact(int64(workspaces)),
						"grants":       knownvalue.Int64Exact(int64(grants)),
					})),
				},
			},
			{
				ResourceName:            "atlassian_connector.this",
				ImportState:             true,
				ImportStateId:           org.OrgID + "/baton-atlassian",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"namespace", "sync_path", "accounts", "groups", "workspaces", "grants", "synced_at", "secret_manifest", "deployment_manifest"},
			},
		},
	})
}

// TestAccRequestsPerSecondIsTheProvidersTotal: requests_per_second holds for
// everything one provider process sends to an organization with one key.
// Data sources, memberships and atlassian_connector's credential check and
// full sync run in one apply, and the sandbox never sees more requests in
// any one second than the limit allows: the rate, plus the one request the
// limiter may let through at once (its burst).
func TestAccRequestsPerSecondIsTheProvidersTotal(t *testing.T) {
	const perSecond = 4
	org := acctest.NewOrg(t, 12, 4, 1)
	group := org.WritableGroup(t)
	members := map[string]bool{}
	for _, m := range group.MemberAccountIDs {
		members[m] = true
	}
	var memberships strings.Builder
	added := 0
	for _, u := range org.ActiveUsers() {
		if members[u.AccountID] {
			continue
		}
		fmt.Fprintf(&memberships, `
resource "atlassian_group_membership" "m%d" {
  group_id   = %q
  account_id = %q
}
`, added, group.ID, u.AccountID)
		added++
	}
	if added == 0 {
		t.Fatal("every active account is already in the group; the test would write nothing")
	}
	config := fmt.Sprintf(`
provider "atlassian" {
  organization_id     = %q
  api_token           = %q
  base_url            = %q
  requests_per_second = %d
}

data "atlassian_groups" "all" {}
data "atlassian_accounts" "all" {}

resource "atlassian_connector" "c" {
  sync_path = %q
}
%s`, org.OrgID, org.Token, org.URL, perSecond, filepath.Join(t.TempDir(), "org.c1z"), memberships.String())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: org.ResetStats,
			Config:    config,
			Check: func(*terraform.State) error {
				stats := org.Stats()
				if stats.Total < 3*perSecond {
					return fmt.Errorf("the apply sent %d requests: too few to hold the limit to anything", stats.Total)
				}
				if limit := int64(perSecond + 1); stats.BusiestSecond > limit {
					return fmt.Errorf("the sandbox saw %d requests within one second; requests_per_second = %d allows %d (by route: %v)",
						stats.BusiestSecond, perSecond, limit, stats.ByRoute)
				}
				return nil
			},
		}},
	})
}

// TestAccConnector_upgradeKeepsTheDeployment: a state written by an earlier
// release (the guide's Deployment, the upstream image at latest, no
// resources attribute) plans an in-place update to the hardened rendering,
// never a replacement, and is stable once applied.
func TestAccConnector_upgradeKeepsTheDeployment(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t, 5, 2, 1)
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	cli.WriteConfig(org.Config(`resource "atlassian_connector" "test" {}`))
	cli.MustApply()

	// What the earlier release stored.
	const earlierImage = "ghcr.io/conductorone/baton-atlassian:latest"
	statePath := filepath.Join(cli.Dir(), "terraform.tfstate")
	raw, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	state["serial"] = state["serial"].(float64) + 1
	attrs := state["resources"].([]any)[0].(map[string]any)["instances"].([]any)[0].(map[string]any)["attributes"].(map[string]any)
	_, deployment := guideManifests(t, connectorDeploymentSpec{Name: defaultConnectorName, Namespace: defaultConnectorNamespace, Image: earlierImage})
	unhardened := decodeYAML(t, guideDeployment)
	unhardened["metadata"].(map[string]any)["namespace"] = defaultConnectorNamespace
	if reflect.DeepEqual(unhardened, deployment) {
		t.Fatal("the earlier rendering is the current one: the test would prove nothing")
	}
	earlierManifest, err := k8syaml.Marshal(unhardened)
	if err != nil {
		t.Fatal(err)
	}
	attrs["image"], attrs["deployment_manifest"] = earlierImage, string(earlierManifest)
	delete(attrs, "resources")
	edited, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(statePath, edited, 0o600); err != nil {
		t.Fatal(err)
	}

	plan, _ := cli.SavedPlan()
	if got := acctest.ActionsByAddress(plan); !reflect.DeepEqual(got, map[string]string{connectorAddr: "update"}) {
		t.Fatalf("the upgrade plans %v, want an in-place update of %s", got, connectorAddr)
	}
	for _, rc := range plan.ResourceChanges {
		after := rc.Change.After.(map[string]any)
		if after["image"] != defaultConnectorImage("test") || !strings.Contains(fmt.Sprint(after["deployment_manifest"]), "readOnlyRootFilesystem: true") {
			t.Errorf("the update does not deploy the release's image hardened: image %v, manifest\n%v", after["image"], after["deployment_manifest"])
		}
	}
	cli.MustApply()
	if changes, res := cli.PlanChanges(); changes {
		t.Fatalf("a plan after the upgrade still wants changes:\n%s", res)
	}
}
