package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
)

// The ephemeral environment is the Secret's: the same entries, under the
// same names, as atlassian_connector's environment for the same arguments,
// and opening it sends no request. The echo provider of the testing
// framework carries the ephemeral value into a state, where the test can
// read it (a configuration cannot store it otherwise).
func TestAccConnectorEnvironment_ephemeral(t *testing.T) {
	org := acctest.NewOrg(t, 5, 2, 1)
	org.ResetStats()
	const clientSecret = "c1-secret-obviously-fake"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"atlassian": providerserver.NewProtocol6WithError(New("test")()),
			"echo":      echoprovider.NewProviderServer(),
		},
		Steps: []tfresource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
ephemeral "atlassian_connector_environment" "c" {
  name          = "edge"
  client_id     = "bright-otter"
  client_secret = %q
}

provider "echo" {
  data = ephemeral.atlassian_connector_environment.c
}

resource "echo" "env" {}
`, clientSecret)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.env", tfjsonpath.New("data").AtMapKey("secret_name"), knownvalue.StringExact("edge-secrets")),
					statecheck.ExpectKnownValue("echo.env", tfjsonpath.New("data").AtMapKey("organization_id"), knownvalue.StringExact(org.OrgID)),
					statecheck.ExpectKnownValue("echo.env", tfjsonpath.New("data").AtMapKey("environment"), knownvalue.MapExact(map[string]knownvalue.Check{
						"BATON_CLIENT_ID":       knownvalue.StringExact("bright-otter"),
						"BATON_CLIENT_SECRET":   knownvalue.StringExact(clientSecret),
						"BATON_API_TOKEN":       knownvalue.StringExact(org.Token),
						"BATON_ACCESS_TOKEN":    knownvalue.StringExact(org.Token),
						"BATON_ORG":             knownvalue.StringExact(org.OrgID),
						"BATON_ORGANIZATION_ID": knownvalue.StringExact(org.OrgID),
						"BATON_BASE_URL":        knownvalue.StringExact(org.URL),
					})),
				},
				Check: func(*terraform.State) error {
					if n := org.Stats().Total; n != 0 {
						return fmt.Errorf("opening the ephemeral environment sent %d requests; want none", n)
					}
					return nil
				},
			},
		},
	})
}
