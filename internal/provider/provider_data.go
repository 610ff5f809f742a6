package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// providerData is what Configure hands to every resource and data source:
// the provider's configuration as checked at the edge, and the one access
// view of the organization that they all share (so a group is listed once,
// however many resources read it). Each access view runs one connector,
// with its one client: the provider's limits (requests_per_second,
// max_concurrency) are the totals of everything that uses it, the
// credential check and sync of atlassian_connector included.
type providerData struct {
	settings orgconfig.Config
	view     *access.View
	// expiry is the clock and warning window of the grants with an expiry.
	expiry expiryPolicy

	// otherOrganizations are the access views of the organizations and
	// keys atlassian_connector names besides the provider's own, opened
	// once each on first use.
	othersMu           sync.Mutex
	otherOrganizations map[credentials]*access.View
}

// credentials name one organization and key.
type credentials struct{ organizationID, apiToken string }

func newProviderData(ctx context.Context, s orgconfig.Config) (*providerData, error) {
	d, err := access.Open(ctx, s)
	if err != nil {
		return nil, err
	}
	return &providerData{settings: s, view: d}, nil
}

// viewFor returns the access view of this organization and key: the
// provider's own when they are the provider's, else one opened for them
// once and kept, with the provider's other settings.
func (pd *providerData) viewFor(ctx context.Context, orgID, token string) (*access.View, error) {
	if orgID == pd.settings.OrganizationID && token == pd.settings.APIToken {
		return pd.view, nil
	}
	pd.othersMu.Lock()
	defer pd.othersMu.Unlock()
	key := credentials{organizationID: orgID, apiToken: token}
	if d, ok := pd.otherOrganizations[key]; ok {
		return d, nil
	}
	cfg := pd.settings
	cfg.OrganizationID, cfg.APIToken = orgID, token
	d, err := access.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if pd.otherOrganizations == nil {
		pd.otherOrganizations = map[credentials]*access.View{}
	}
	pd.otherOrganizations[key] = d
	return d, nil
}

// requireConfigured is the check every resource and data source makes
// before it uses the provider data: false, with an error saying so, when
// Configure has not given it any.
func requireConfigured(configured bool, when string, diags *diag.Diagnostics) bool {
	if !configured {
		diags.AddError("Provider not configured",
			"The Atlassian provider was not configured before this "+when+". This is a bug in the provider; please report it.")
	}
	return configured
}

// providerDataFrom is the common Configure of resources and data sources: it
// accepts nil (the provider is not configured yet, as during validation) and
// reports a clear error for anything unexpected.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}
