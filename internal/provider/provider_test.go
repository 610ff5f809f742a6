package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A provider block without credentials fails the plan, naming the attribute
// and the environment variables that could supply it.
func TestAccProviderMissingCredentials(t *testing.T) {
	for _, name := range append(append([]string{}, envOrganizationID...), envAPIToken...) {
		t.Setenv(name, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "atlassian" {
  base_url = "http://127.0.0.1:1"
}

resource "terraform_data" "probe" {}
data "atlassian_workspaces" "all" {}
`,
			ExpectError: regexp.MustCompile(`(?s)Missing organization_id.*ATLASSIAN_ORGANIZATION_ID.*Missing api_token.*BATON_API_TOKEN`),
		}},
	})
}
