package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

const exampleOrgID = "3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37"

func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestSettingsFromEnvironmentInOrder(t *testing.T) {
	model := providerModel{
		OrganizationID: types.StringNull(), APIToken: types.StringNull(), BaseURL: types.StringNull(),
		RequestsPerSecond: types.Float64Null(), MaxConcurrency: types.Int64Null(),
	}
	s, diags := resolveSettings(model, env(map[string]string{
		"BATON_ORG":          exampleOrgID,
		"BATON_API_TOKEN":    "guide-token",
		"BATON_ACCESS_TOKEN": "baton-token",
		"ATLASSIAN_BASE_URL": "http://127.0.0.1:9999/admin/",
	}), "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if s.OrganizationID != exampleOrgID || s.APIToken != "baton-token" || s.BaseURL != "http://127.0.0.1:9999" {
		t.Fatalf("settings = %+v", s)
	}
	if s.MaxConcurrency != orgconfig.DefaultMaxConcurrency || s.RequestsPerSecond != 0 {
		t.Fatalf("defaults = %+v", s)
	}
	if s.UserAgent != "terraform-provider-atlassian/test" {
		t.Errorf("the User-Agent product is %q, want the provider's name and version", s.UserAgent)
	}
}

func TestSettingsConfigurationWinsOverEnvironment(t *testing.T) {
	model := providerModel{
		OrganizationID: types.StringValue(exampleOrgID), APIToken: types.StringValue("from-config"),
		BaseURL: types.StringNull(), RequestsPerSecond: types.Float64Value(5), MaxConcurrency: types.Int64Value(3),
	}
	s, diags := resolveSettings(model, env(map[string]string{"ATLASSIAN_API_TOKEN": "from-env"}), "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if s.APIToken != "from-config" || s.BaseURL != orgconfig.DefaultBaseURL || s.RequestsPerSecond != 5 || s.MaxConcurrency != 3 {
		t.Fatalf("settings = %+v", s)
	}
}

func TestSettingsErrorsNameTheAttributeAndTheVariables(t *testing.T) {
	cases := []struct {
		name   string
		model  providerModel
		vars   map[string]string
		attr   string
		inText []string
	}{
		{
			name:   "missing organization id",
			model:  providerModel{OrganizationID: types.StringNull(), APIToken: types.StringValue("k"), BaseURL: types.StringNull()},
			attr:   "organization_id",
			inText: []string{"ATLASSIAN_ORGANIZATION_ID", "BATON_ORGANIZATION_ID", "BATON_ORG"},
		},
		{
			name:   "malformed organization id",
			model:  providerModel{OrganizationID: types.StringValue("acme"), APIToken: types.StringValue("k"), BaseURL: types.StringNull()},
			attr:   "organization_id",
			inText: []string{`"acme"`, "UUID"},
		},
		{
			name:   "missing api token",
			model:  providerModel{OrganizationID: types.StringValue(exampleOrgID), APIToken: types.StringNull(), BaseURL: types.StringNull()},
			attr:   "api_token",
			inText: []string{"ATLASSIAN_API_TOKEN", "BATON_ACCESS_TOKEN", "BATON_API_TOKEN"},
		},
		{
			name:   "api token with white space, from the environment",
			model:  providerModel{OrganizationID: types.StringValue(exampleOrgID), APIToken: types.StringNull(), BaseURL: types.StringNull()},
			vars:   map[string]string{"BATON_API_TOKEN": "two words"},
			attr:   "api_token",
			inText: []string{"$BATON_API_TOKEN", "white space"},
		},
		{
			name:   "malformed base url",
			model:  providerModel{OrganizationID: types.StringValue(exampleOrgID), APIToken: types.StringValue("k"), BaseURL: types.StringValue("api.atlassian.com")},
			attr:   "base_url",
			inText: []string{"absolute http or https URL"},
		},
		{
			name:   "unknown organization id",
			model:  providerModel{OrganizationID: types.StringUnknown(), APIToken: types.StringValue("k"), BaseURL: types.StringNull()},
			attr:   "organization_id",
			inText: []string{"only known after apply"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := resolveSettings(tc.model, env(tc.vars), "test")
			if !diags.HasError() {
				t.Fatal("no error")
			}
			d := diags.Errors()[0]
			text := d.Summary() + " " + d.Detail()
			if !strings.Contains(text, tc.attr) {
				t.Errorf("diagnostic does not name %s: %s", tc.attr, text)
			}
			for _, s := range tc.inText {
				if !strings.Contains(text, s) {
					t.Errorf("diagnostic lacks %q: %s", s, text)
				}
			}
			if strings.Contains(text, "two words") {
				t.Errorf("diagnostic echoes the API key: %s", text)
			}
		})
	}
}
