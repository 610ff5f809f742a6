package connector

import (
	"net/http"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// Config configures a Connector: the organization as the edge checked it
// (orgconfig.New), carried to the client unchanged, and the client knobs
// that tests turn.
type Config struct {
	orgconfig.Config

	// Retry overrides the client's retry policy (zero: its defaults).
	Retry atlassian.RetryPolicy
	// HTTPClient replaces the client's transport (nil: pooled default).
	HTTPClient *http.Client
	// RememberListedUsers keeps the accounts that group member listings
	// read, for ListedUsers: for a process that reads members and then
	// asks about their accounts (the provider), not for a long-running
	// connector, whose memory would only grow.
	RememberListedUsers bool
}

func (c Config) clientConfig() atlassian.Config {
	return atlassian.Config{Config: c.Config, Retry: c.Retry, HTTPClient: c.HTTPClient}
}
