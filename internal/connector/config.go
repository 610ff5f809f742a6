package connector

import (
	"net/http"
	"strings"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// Config configures a Connector. OrganizationID and APIToken are required.
type Config struct {
	// BaseURL is the admin API's host, default https://api.atlassian.com;
	// tests and demos point it at the sandbox.
	BaseURL        string
	OrganizationID string
	// APIToken is an organization API key ("API key without scopes").
	APIToken string

	// RequestsPerSecond caps the request rate (0: no client-side cap, the
	// client still honours 429s); MaxConcurrency caps requests in flight
	// (0: the client's default).
	RequestsPerSecond float64
	MaxConcurrency    int

	// Retry overrides the client's retry policy (zero: its defaults).
	Retry atlassian.RetryPolicy
	// UserAgent is prepended to the client's product token.
	UserAgent string
	// HTTPClient replaces the client's transport (nil: pooled default).
	HTTPClient *http.Client
}

func (c Config) clientConfig() atlassian.Config {
	return atlassian.Config{
		BaseURL:           c.BaseURL,
		OrganizationID:    strings.TrimSpace(c.OrganizationID),
		APIToken:          strings.TrimSpace(c.APIToken),
		RequestsPerSecond: c.RequestsPerSecond,
		MaxConcurrency:    c.MaxConcurrency,
		Retry:             c.Retry,
		UserAgent:         c.UserAgent,
		HTTPClient:        c.HTTPClient,
	}
}
