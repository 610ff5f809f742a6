// Package config declares the configuration fields of the baton-atlassian
// connector. The typed configuration those fields decode into, conf.gen.go,
// is written by the SDK's generator (config.Generate, run by ./gen) from the
// declarations here, so the struct and the schema cannot drift apart.
package config

//go:generate go run ./gen

import (
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

// ConnectorName is what the generator derives the struct name from.
const ConnectorName = "atlassian"

// The struct field names are given where the generator's own spelling
// (OrganizationId, BaseUrl) would break Go's initialism convention.
var (
	accessTokenField = field.StringField(FieldAccessToken,
		field.WithRequired(true),
		field.WithIsSecret(true),
		field.WithDisplayName("Access token"),
		field.WithDescription("Atlassian organization API key (admin.atlassian.com > Settings > API keys): without scopes, or with the scopes of what it does (a sync and an impact read with read:directories:admin, read:group:admin and read:org:admin; grants need the write scopes). Env BATON_ACCESS_TOKEN, or BATON_API_TOKEN as in the setup guide."),
	)
	organizationIDField = field.StringField(FieldOrganizationID,
		field.WithRequired(true),
		field.WithDisplayName("Organization ID"),
		field.WithDescription("Atlassian organization id: the UUID after /o/ in admin.atlassian.com URLs. Env BATON_ORGANIZATION_ID, or BATON_ORG as in the setup guide."),
		field.WithStructFieldName("OrganizationID"),
	)
	// Shown in --help (not hidden): it is how the binary is tried against
	// the sandbox organization (cmd/atlassian-sandbox), as the README's
	// standalone section shows. CLI only: a deployment never sets it.
	baseURLField = field.StringField(FieldBaseURL,
		field.WithExportTarget(field.ExportTargetCLIOnly),
		field.WithDescription("Base URL of the Atlassian admin API (default "+orgconfig.DefaultBaseURL+"). For testing against the sandbox organization (cmd/atlassian-sandbox): its base_url; http:// only to a loopback host."),
		field.WithStructFieldName("BaseURL"),
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
