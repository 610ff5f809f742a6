// Package deploy is what the atlassian_connector resource needs of the
// connector it deploys: proof that the connector's credentials work, and a
// full sync written to a .c1z file, both through the connector's own server
// as baton-atlassian runs it, for the provider's organization and key or
// for the resource's own.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// Why a Check failed; the error wraps one of these (errors.Is) and keeps
// the connector's message, which says what to fix.
var (
	ErrKeyRejected         = errors.New("API key rejected")
	ErrUnknownOrganization = errors.New("organization not found for this API key")
	ErrForbidden           = errors.New("API key may not read the organization")
)

// Connector is one connector, not yet deployed anywhere but this process.
type Connector struct {
	conn   *connector.Connector
	server types.ConnectorServer
}

// Open starts a connector for cfg, as the edge checked it. It sends nothing.
func Open(ctx context.Context, cfg orgconfig.Config) (*Connector, error) {
	c, server, err := connector.Open(ctx, connector.Config{Config: cfg})
	if err != nil {
		return nil, err
	}
	return &Connector{conn: c, server: server}, nil
}

// Check proves the key and the organization id with the connector's own
// Validate, and returns the organization's name, which Validate has just
// read: one request.
func (c *Connector) Check(ctx context.Context) (organizationName string, err error) {
	if _, err := c.server.Validate(ctx, &v2.ConnectorServiceValidateRequest{}); err != nil {
		return "", checkError(err)
	}
	resp, err := c.server.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{
		ResourceTypeId: connector.ResourceTypeOrganization,
	}.Build())
	if err != nil {
		return "", fmt.Errorf("reading the organization: %s", connector.Message(err))
	}
	for _, res := range resp.GetList() {
		return res.GetDisplayName(), nil
	}
	return "", errors.New("the connector listed no organization")
}

// checkError keeps the connector's message and says which credential is
// wrong.
func checkError(err error) error {
	var kind error
	switch status.Code(err) {
	case codes.Unauthenticated:
		kind = ErrKeyRejected
	case codes.NotFound:
		kind = ErrUnknownOrganization
	case codes.PermissionDenied:
		kind = ErrForbidden
	}
	return &checkFailure{msg: connector.Message(err), kind: kind}
}

type checkFailure struct {
	msg  string
	kind error // nil: neither credential is known to be wrong
}

func (e *checkFailure) Error() string { return e.msg }
func (e *checkFailure) Unwrap() error { return e.kind }

// Counts is what a sync holds.
type Counts struct {
	Accounts, Groups, Workspaces, Grants int
	// Duration is the wall time of the sync itself.
	Duration time.Duration
}

func countsOf(c batonsync.Counts) Counts {
	return Counts{
		Accounts:   c.Resources[connector.ResourceTypeUser],
		Groups:     c.Resources[connector.ResourceTypeGroup],
		Workspaces: c.Resources[connector.ResourceTypeWorkspace],
		Grants:     c.Grants,
		Duration:   c.Duration,
	}
}

// SyncTo runs the connector's full sync into a fresh file beside target and
// renames it into place, so a failed sync never leaves a truncated file
// where the last good one was.
func (c *Connector) SyncTo(ctx context.Context, target string) (Counts, error) {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Counts{}, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return Counts{}, err
	}
	tmpPath := tmp.Name()
	if err := tmp.Close(); err != nil {
		return Counts{}, err
	}
	// The syncer wants a path that does not exist (it would resume one).
	if err := os.Remove(tmpPath); err != nil {
		return Counts{}, err
	}
	defer func() { _ = os.Remove(tmpPath) }()
	counts, err := batonsync.Sync(withSyncLogger(ctx), c.server, tmpPath, "")
	if err != nil {
		return Counts{}, err
	}
	if err := os.Chmod(tmpPath, 0o600); err != nil {
		return Counts{}, err
	}
	if err := os.Rename(tmpPath, target); err != nil {
		return Counts{}, err
	}
	return countsOf(counts), nil
}

// RequestStats counts what this connector has sent to Atlassian.
type RequestStats struct {
	Requests int64 // every attempt, retries included
	Retries  int64 // attempts after the first
}

// RequestStats reports what has been sent so far.
func (c *Connector) RequestStats() RequestStats {
	s := c.conn.RequestStats()
	return RequestStats{Requests: s.Requests, Retries: s.Retries}
}
