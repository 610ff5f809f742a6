package provider

import (
	"context"
	"fmt"

	"github.com/conductorone/baton-sdk/pkg/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// providerData is what Configure hands to every resource and data source:
// one connector per provider process, and the access view over it that
// they all share (so a group is listed once, however many resources read it).
type providerData struct {
	settings  settings
	version   string
	connector *connector.Connector
	server    types.ConnectorServer
	directory *access.Directory
}

func newProviderData(ctx context.Context, s settings, version string) (*providerData, error) {
	c, err := connector.New(ctx, s.connectorConfig())
	if err != nil {
		return nil, err
	}
	server, err := c.Server(ctx)
	if err != nil {
		return nil, err
	}
	return &providerData{settings: s, version: version, connector: c, server: server, directory: access.New(server, c)}, nil
}

func (s settings) connectorConfig() connector.Config {
	return connector.Config{
		BaseURL:           s.BaseURL,
		OrganizationID:    s.OrganizationID,
		APIToken:          s.APIToken,
		RequestsPerSecond: s.RequestsPerSecond,
		MaxConcurrency:    s.MaxConcurrency,
	}
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
