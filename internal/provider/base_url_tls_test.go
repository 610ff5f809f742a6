package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// TestAccBaseURLCleartextRefusedAtPlan: a base_url with http:// to a host
// that is not this machine fails the plan on base_url, and nothing is sent.
// The listener answers on one of this machine's own non-loopback
// addresses, so a request sent despite the check would arrive there and be
// counted.
func TestAccBaseURLCleartextRefusedAtPlan(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	addr, hits := sandboxtest.NonLoopbackListener(t)
	const token = "cleartext-plan-key-obviously-fake"
	cli := newReattachedCLI(t, New("test")(), tfdriver.Options{})
	for _, base := range []string{"http://" + addr, "http://" + strings.Replace(addr, ":", ".nip.io:", 1)} {
		cli.WriteConfig(fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}

data "atlassian_groups" "all" {}

resource "atlassian_group" "g" {
  name = "cleartext"
}
`, exampleOrgID, token, base))
		res := cli.TryPlan()
		host, _, _ := strings.Cut(strings.TrimPrefix(base, "http://"), ":")
		want := acctest.AttrError("Insecure base_url", `provider["registry.terraform.io/hashicorp/atlassian"]`, "base_url",
			fmt.Sprintf("The base URL %q uses http:// to %q, which is not a loopback host", base, host),
			"the organization's API key would cross the network in clear text",
			"use https://, or http:// only to 127.0.0.1 (or any 127.x.y.z), ::1 or localhost", "The value comes from the provider block.")
		if res.Err == nil || !want.MatchString(res.Output) {
			t.Errorf("the plan with base_url %s did not fail with %s\n%s", base, want, res)
		}
		if strings.Contains(res.Output, token) {
			t.Errorf("the output shows the key")
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the listener at %s received %d requests; want none", addr, n)
	}
}
