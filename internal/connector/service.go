package connector

import (
	"context"

	"github.com/conductorone/baton-sdk/pkg/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
)

// Service is the connector's whole surface to a caller in its process: the
// baton protocol's server, the lookups the protocol has no method for, the
// SDK's full sync of the organization, and what has been sent. A caller
// holds one Service per organization and key, so one client, one rate
// limit and one concurrency limit serve everything it does.
type Service interface {
	types.ConnectorServer
	Lookups

	// Sync runs the SDK's full sync against this connector into a new
	// .c1z file at c1zPath (which must not exist: the syncer would resume
	// it), in the SDK's default format for a new file.
	Sync(ctx context.Context, c1zPath string) (batonsync.Counts, error)
	// RequestStats reports what the connector has sent so far.
	RequestStats() RequestStats
	// OrganizationID is the organization the connector governs.
	OrganizationID() string
}

// RequestStats counts what the connector's client sent.
type RequestStats struct {
	Requests int64 // every attempt sent, retries included
	Retries  int64 // attempts after the first
}

// Open builds a connector and serves it as a Service. It sends nothing.
func Open(ctx context.Context, cfg Config) (Service, error) {
	c, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	server, err := c.Server(ctx)
	if err != nil {
		return nil, err
	}
	return &service{ConnectorServer: server, Lookups: c, connector: c}, nil
}

// service pairs the SDK's server with the connector it serves. The two
// cannot both be embedded: the connector's builder methods (Validate,
// Metadata) share names with the server's.
type service struct {
	types.ConnectorServer
	Lookups
	connector *Connector
}

func (s *service) Sync(ctx context.Context, c1zPath string) (batonsync.Counts, error) {
	return batonsync.Sync(ctx, s.ConnectorServer, c1zPath, "")
}

func (s *service) RequestStats() RequestStats { return s.connector.requestStats() }

func (c *Connector) requestStats() RequestStats {
	stats := c.client.Stats()
	return RequestStats{Requests: stats.Requests, Retries: stats.Retries}
}

func (s *service) OrganizationID() string { return s.connector.orgID }
