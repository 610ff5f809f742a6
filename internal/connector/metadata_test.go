package connector_test

import (
	"os"
	"slices"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// TestCapabilities: what the SDK advertises from the interfaces the syncers
// implement.
func TestCapabilities(t *testing.T) {
	env := startOrg(t, 1, 1, 0)
	_, srv := newServer(t, configFor(env))
	resp, err := srv.GetMetadata(ctxFor(t), &v2.ConnectorServiceGetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]v2.Capability{
		connector.ResourceTypeUser:         {v2.Capability_CAPABILITY_SYNC, v2.Capability_CAPABILITY_TARGETED_SYNC, v2.Capability_CAPABILITY_ACCOUNT_PROVISIONING, v2.Capability_CAPABILITY_RESOURCE_DELETE},
		connector.ResourceTypeGroup:        {v2.Capability_CAPABILITY_SYNC, v2.Capability_CAPABILITY_TARGETED_SYNC, v2.Capability_CAPABILITY_PROVISION, v2.Capability_CAPABILITY_RESOURCE_DELETE, v2.Capability_CAPABILITY_RESOURCE_CREATE},
		connector.ResourceTypeWorkspace:    {v2.Capability_CAPABILITY_SYNC, v2.Capability_CAPABILITY_TARGETED_SYNC, v2.Capability_CAPABILITY_PROVISION},
		connector.ResourceTypeOrganization: {v2.Capability_CAPABILITY_SYNC, v2.Capability_CAPABILITY_TARGETED_SYNC, v2.Capability_CAPABILITY_PROVISION},
	}
	got := map[string][]v2.Capability{}
	for _, rc := range resp.GetMetadata().GetCapabilities().GetResourceTypeCapabilities() {
		caps := slices.Clone(rc.GetCapabilities())
		slices.Sort(caps)
		got[rc.GetResourceType().GetId()] = caps
	}
	for typ, caps := range want {
		slices.Sort(caps)
		if !slices.Equal(got[typ], caps) {
			t.Errorf("%s capabilities %v, want %v", typ, got[typ], caps)
		}
	}
	if len(got) != len(want) {
		t.Errorf("resource types %v", got)
	}
	// disable_user and enable_user make the connector advertise actions.
	if !slices.Contains(resp.GetMetadata().GetCapabilities().GetConnectorCapabilities(), v2.Capability_CAPABILITY_ACTIONS) {
		t.Errorf("connector capabilities %v lack actions", resp.GetMetadata().GetCapabilities().GetConnectorCapabilities())
	}
}

func TestApplyEnvAliases(t *testing.T) {
	t.Setenv("BATON_ACCESS_TOKEN", "")
	t.Setenv("BATON_ORGANIZATION_ID", "canonical-org")
	t.Setenv("BATON_API_TOKEN", "guide-token")
	t.Setenv("BATON_ORG", "guide-org")
	connector.ApplyEnvAliases()
	if got := os.Getenv("BATON_ACCESS_TOKEN"); got != "guide-token" {
		t.Errorf("BATON_ACCESS_TOKEN = %q, want the BATON_API_TOKEN value", got)
	}
	if got := os.Getenv("BATON_ORGANIZATION_ID"); got != "canonical-org" {
		t.Errorf("BATON_ORGANIZATION_ID = %q, want the canonical value kept", got)
	}
}
