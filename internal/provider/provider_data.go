package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/deploy"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// providerData is what Configure hands to every resource and data source:
// the provider's configuration as checked at the edge, and the one access
// view of the organization that they all share (so a group is listed once,
// however many resources read it).
type providerData struct {
	settings  orgconfig.Config
	directory *access.Directory
	// expiry is the clock and warning window of the grants with an expiry.
	expiry expiryPolicy

	// deployment is the connector atlassian_connector checks and syncs with
	// when it uses the provider's own credentials, opened on first use.
	deploymentMu sync.Mutex
	deployment   *deploy.Connector
}

func newProviderData(ctx context.Context, s orgconfig.Config) (*providerData, error) {
	d, err := access.Open(ctx, s)
	if err != nil {
		return nil, err
	}
	return &providerData{settings: s, directory: d}, nil
}

// connectorFor returns the connector for this organization and key: the
// provider's own (opened once) when they are the provider's, else a new one.
func (pd *providerData) connectorFor(ctx context.Context, orgID, token string) (*deploy.Connector, error) {
	if orgID != pd.settings.OrganizationID || token != pd.settings.APIToken {
		cfg := pd.settings
		cfg.OrganizationID, cfg.APIToken = orgID, token
		return deploy.Open(ctx, cfg)
	}
	pd.deploymentMu.Lock()
	defer pd.deploymentMu.Unlock()
	if pd.deployment == nil {
		c, err := deploy.Open(ctx, pd.settings)
		if err != nil {
			return nil, err
		}
		pd.deployment = c
	}
	return pd.deployment, nil
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
