package connector

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/conductorone/baton-sdk/pkg/cli"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/field"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// Field names of the configuration. The SDK derives the flag (--access-token)
// and the environment variable (BATON_ACCESS_TOKEN: prefix BATON_, dashes to
// underscores, see config.DefineConfigurationV2) from each.
const (
	FieldAccessToken       = "access-token"
	FieldOrganizationID    = "organization-id"
	FieldBaseURL           = "base-url"
	FieldRequestsPerSecond = "requests-per-second"
	FieldMaxConcurrency    = "max-concurrency"
)

var (
	accessTokenField = field.StringField(FieldAccessToken,
		field.WithRequired(true),
		field.WithIsSecret(true),
		field.WithDisplayName("Access token"),
		field.WithDescription("Atlassian organization API key (admin.atlassian.com > Settings > API keys, \"API key without scopes\"). Env BATON_ACCESS_TOKEN, or BATON_API_TOKEN as in the setup guide."),
	)
	organizationIDField = field.StringField(FieldOrganizationID,
		field.WithRequired(true),
		field.WithDisplayName("Organization ID"),
		field.WithDescription("Atlassian organization id: the UUID after /o/ in admin.atlassian.com URLs. Env BATON_ORGANIZATION_ID, or BATON_ORG as in the setup guide."),
	)
	baseURLField = field.StringField(FieldBaseURL,
		field.WithHidden(true),
		field.WithExportTarget(field.ExportTargetCLIOnly),
		field.WithDescription("Base URL of the Atlassian admin API (default "+orgconfig.DefaultBaseURL+"); for the sandbox and tests."),
	)
	requestsPerSecondField = field.IntField(FieldRequestsPerSecond,
		field.WithExportTarget(field.ExportTargetOps),
		field.WithDescription("Maximum admin API requests per second (0: no client-side limit; 429 answers are always honoured)."),
	)
	maxConcurrencyField = field.IntField(FieldMaxConcurrency,
		field.WithExportTarget(field.ExportTargetOps),
		field.WithDescription("Maximum admin API requests in flight (0: the client default)."),
	)
)

// ConfigurationSchema is the connector's configuration for config.RunConnector.
var ConfigurationSchema = field.NewConfiguration(
	[]field.SchemaField{accessTokenField, organizationIDField, baseURLField, requestsPerSecondField, maxConcurrencyField},
	field.WithConnectorDisplayName("Atlassian"),
	field.WithHelpUrl("/docs/baton/atlassian"),
	field.WithIsDirectory(true),
)

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

// CLIConfig is the configuration struct RunConnector decodes flags and
// environment into (the SDK's generated conf.gen.go, written by hand).
type CLIConfig struct {
	AccessToken       string `mapstructure:"access-token"`
	OrganizationID    string `mapstructure:"organization-id"`
	BaseURL           string `mapstructure:"base-url"`
	RequestsPerSecond int    `mapstructure:"requests-per-second"`
	MaxConcurrency    int    `mapstructure:"max-concurrency"`
}

// GetString, GetInt, ... make CLIConfig a field.Configurable, which the SDK
// uses to validate required fields.
func (c *CLIConfig) GetString(key string) string {
	switch key {
	case FieldAccessToken:
		return c.AccessToken
	case FieldOrganizationID:
		return c.OrganizationID
	case FieldBaseURL:
		return c.BaseURL
	}
	return ""
}

func (c *CLIConfig) GetInt(key string) int {
	switch key {
	case FieldRequestsPerSecond:
		return c.RequestsPerSecond
	case FieldMaxConcurrency:
		return c.MaxConcurrency
	}
	return 0
}

func (c *CLIConfig) GetBool(string) bool                { return false }
func (c *CLIConfig) GetStringSlice(string) []string     { return nil }
func (c *CLIConfig) GetStringMap(string) map[string]any { return nil }

// orgConfig is the edge of baton-atlassian: the decoded flags, trimmed and
// checked once; the connector and its client take the result as it is.
func (c *CLIConfig) orgConfig(version string) (orgconfig.Config, error) {
	cfg, err := orgconfig.New(orgconfig.Config{
		BaseURL:           c.BaseURL,
		OrganizationID:    c.OrganizationID,
		APIToken:          c.AccessToken,
		RequestsPerSecond: float64(c.RequestsPerSecond),
		MaxConcurrency:    c.MaxConcurrency,
		UserAgent:         "baton-atlassian/" + version,
	})
	if err != nil {
		return orgconfig.Config{}, fmt.Errorf("baton-atlassian: %w", err)
	}
	return cfg, nil
}

// NewFromCLI returns the constructor config.RunConnector calls with the
// decoded flags; version names the binary in the User-Agent.
// RunConnector adds its own session store option to the builder.
func NewFromCLI(version string) func(context.Context, *CLIConfig, *cli.ConnectorOpts) (connectorbuilder.ConnectorBuilderV2, []connectorbuilder.Opt, error) {
	return func(ctx context.Context, cfg *CLIConfig, _ *cli.ConnectorOpts) (connectorbuilder.ConnectorBuilderV2, []connectorbuilder.Opt, error) {
		if cfg == nil {
			return nil, nil, errors.New("baton-atlassian: no configuration")
		}
		org, err := cfg.orgConfig(version)
		if err != nil {
			return nil, nil, err
		}
		c, err := New(ctx, Config{Config: org})
		if err != nil {
			return nil, nil, err
		}
		return c, nil, nil
	}
}
