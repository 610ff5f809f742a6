package provider

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// Environment variables, in order of precedence. The BATON_ spellings are the
// connector's own (and those of the setup guide's Kubernetes Secret), so one
// environment serves both the provider and the connector.
var (
	envOrganizationID = []string{"ATLASSIAN_ORGANIZATION_ID", "BATON_ORGANIZATION_ID", "BATON_ORG"}
	envAPIToken       = []string{"ATLASSIAN_API_TOKEN", "BATON_ACCESS_TOKEN", "BATON_API_TOKEN"}
)

const envBaseURL = "ATLASSIAN_BASE_URL"

func lookupEnv(name string) (string, bool) { return os.LookupEnv(name) }

func envList(names []string) string { return strings.Join(names, "`, `") }

// firstEnv returns the first non-empty variable among names, and its name.
func firstEnv(lookup func(string) (string, bool), names ...string) (value, name string) {
	for _, n := range names {
		if v, ok := lookup(n); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v), n
		}
	}
	return "", ""
}

// resolveSettings is the provider's edge: it applies the environment
// fallbacks, trims, and checks every value with orgconfig's parsers, naming
// the attribute and the variables in each error. What it returns goes down
// the stack unchanged.
func resolveSettings(m providerModel, lookup func(string) (string, bool), version string) (orgconfig.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := orgconfig.Config{MaxConcurrency: orgconfig.DefaultMaxConcurrency, UserAgent: "terraform-provider-atlassian/" + version}

	unknown := func(attr string, v interface{ IsUnknown() bool }) bool {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(attr), "Unknown provider "+attr,
				"The provider's "+attr+" depends on a value that is only known after apply. "+
					"Set it from a value known at plan time, or from the environment.")
			return true
		}
		return false
	}

	// organization_id
	if !unknown("organization_id", m.OrganizationID) {
		value, source := stringOrEnv(m.OrganizationID, lookup, envOrganizationID)
		_, err := orgconfig.ParseOrganizationID(value)
		switch {
		case errors.Is(err, orgconfig.ErrMissing):
			diags.AddAttributeError(path.Root("organization_id"), "Missing organization_id",
				fmt.Sprintf("Set organization_id in the provider block or one of the environment variables %s: "+
					"it is the UUID after /o/ in admin.atlassian.com URLs.", strings.Join(envOrganizationID, ", ")))
		case err != nil:
			diags.AddAttributeError(path.Root("organization_id"), "Malformed organization_id",
				fmt.Sprintf("The organization id %q (from %s) is not a UUID such as 3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37: "+
					"copy it from the address bar of admin.atlassian.com, after /o/.", value, source))
		}
		s.OrganizationID = value
	}

	// api_token
	if !unknown("api_token", m.APIToken) {
		value, source := stringOrEnv(m.APIToken, lookup, envAPIToken)
		_, err := orgconfig.ParseAPIToken(value)
		switch {
		case errors.Is(err, orgconfig.ErrMissing):
			diags.AddAttributeError(path.Root("api_token"), "Missing api_token",
				fmt.Sprintf("Set api_token in the provider block or one of the environment variables %s: "+
					"an organization API key (admin.atlassian.com > Settings > API keys).", strings.Join(envAPIToken, ", ")))
		case err != nil:
			// The value itself is never echoed.
			diags.AddAttributeError(path.Root("api_token"), "Malformed api_token",
				fmt.Sprintf("The API key from %s contains white space; copy the key again without spaces or line breaks.", source))
		}
		s.APIToken = value
	}

	// base_url
	if !unknown("base_url", m.BaseURL) {
		value, source := stringOrEnv(m.BaseURL, lookup, []string{envBaseURL})
		if value == "" {
			value, source = orgconfig.DefaultBaseURL, "the default"
		}
		// Refused here, at plan time, a URL that would carry the key in
		// clear text is never sent a request.
		base, err := orgconfig.ParseBaseURL(value)
		if err != nil {
			summary := "Malformed base_url"
			if errors.Is(err, orgconfig.ErrInsecure) {
				summary = "Insecure base_url"
			}
			diags.AddAttributeError(path.Root("base_url"), summary, fmt.Sprintf("%s. The value comes from %s.", baseURLReason(err), source))
		}
		s.BaseURL = base
	}

	if !m.RequestsPerSecond.IsNull() && !m.RequestsPerSecond.IsUnknown() {
		s.RequestsPerSecond = m.RequestsPerSecond.ValueFloat64()
	}
	if !m.MaxConcurrency.IsNull() && !m.MaxConcurrency.IsUnknown() {
		s.MaxConcurrency = int(m.MaxConcurrency.ValueInt64())
	}
	return s, diags
}

// baseURLReason is orgconfig's sentence without its kind ("malformed: ").
func baseURLReason(err error) string {
	msg := err.Error()
	for _, kind := range []error{orgconfig.ErrMalformed, orgconfig.ErrInsecure} {
		msg = strings.TrimPrefix(msg, kind.Error()+": ")
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg
}

func stringOrEnv(v types.String, lookup func(string) (string, bool), env []string) (value, source string) {
	if !v.IsNull() {
		return strings.TrimSpace(v.ValueString()), "the provider block"
	}
	value, name := firstEnv(lookup, env...)
	return value, "$" + name
}

// resolveExpiryWarningWindow checks expiry_warning_window: a Go duration,
// not negative; unset is the default.
func resolveExpiryWarningWindow(v types.String) (time.Duration, diag.Diagnostics) {
	var diags diag.Diagnostics
	attr := path.Root("expiry_warning_window")
	switch {
	case v.IsUnknown():
		diags.AddAttributeError(attr, "Unknown provider expiry_warning_window",
			"The provider's expiry_warning_window depends on a value that is only known after apply. Set it from a value known at plan time.")
		return 0, diags
	case v.IsNull():
		return defaultExpiryWarningWindow, diags
	}
	text := strings.TrimSpace(v.ValueString())
	d, err := time.ParseDuration(text)
	if err != nil || d < 0 {
		diags.AddAttributeError(attr, "Malformed expiry_warning_window",
			fmt.Sprintf("The expiry warning window %q is not a duration such as 72h, 24h or 90m (0 turns the warnings off).", text))
		return 0, diags
	}
	return d, diags
}
