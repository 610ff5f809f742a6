package connector

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/conductorone/baton-sdk/pkg/cli"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector/config"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// ConfigurationSchema is the connector's configuration for config.RunConnector;
// the fields are declared in internal/connector/config, beside the struct the
// SDK generates from them.
var ConfigurationSchema = config.ConfigurationSchema

// EnvAliases maps the environment variables the ConductorOne setup guide's
// Kubernetes Secret uses to the ones the SDK reads for our fields.
var EnvAliases = map[string]string{
	"BATON_API_TOKEN": "BATON_ACCESS_TOKEN",
	"BATON_ORG":       "BATON_ORGANIZATION_ID",
}

// ApplyEnvAliases copies each alias (BATON_API_TOKEN, BATON_ORG) to its
// canonical variable when the canonical one is unset or empty. It must run
// before config.RunConnector: the SDK builds its viper instance inside
// RunConnector and offers no hook to bind extra names, and the connector
// service it re-executes as a child inherits this process's environment, so
// setting the canonical variables here serves both processes. An explicit
// canonical variable or flag still wins.
func ApplyEnvAliases() {
	for alias, canonical := range EnvAliases {
		if os.Getenv(canonical) != "" {
			continue
		}
		if v, ok := os.LookupEnv(alias); ok && v != "" {
			_ = os.Setenv(canonical, v)
		}
	}
}

// configFromCLI is the edge of baton-atlassian: the decoded flags and
// environment, trimmed and checked once, in the connector's Config; the
// connector and its client take the result as it is. It is the one place
// that knows both shapes; version names the binary in the User-Agent.
func configFromCLI(c *config.Atlassian, version string) (Config, error) {
	org, err := orgconfig.New(orgconfig.Config{
		BaseURL:           c.BaseURL,
		OrganizationID:    c.OrganizationID,
		APIToken:          c.AccessToken,
		RequestsPerSecond: float64(c.RequestsPerSecond),
		MaxConcurrency:    c.MaxConcurrency,
		UserAgent:         "baton-atlassian/" + version,
	})
	if err != nil {
		return Config{}, fmt.Errorf("baton-atlassian: %w", err)
	}
	return Config{Config: org}, nil
}

// NewFromCLI returns the constructor config.RunConnector calls with the
// decoded flags; version names the binary in the User-Agent.
// RunConnector adds its own session store option to the builder.
func NewFromCLI(version string) func(context.Context, *config.Atlassian, *cli.ConnectorOpts) (connectorbuilder.ConnectorBuilderV2, []connectorbuilder.Opt, error) {
	return func(ctx context.Context, cfg *config.Atlassian, _ *cli.ConnectorOpts) (connectorbuilder.ConnectorBuilderV2, []connectorbuilder.Opt, error) {
		if cfg == nil {
			return nil, nil, errors.New("baton-atlassian: no configuration")
		}
		connectorConfig, err := configFromCLI(cfg, version)
		if err != nil {
			return nil, nil, err
		}
		c, err := New(ctx, connectorConfig)
		if err != nil {
			return nil, nil, err
		}
		return c, nil, nil
	}
}
