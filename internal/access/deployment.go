package access

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// What atlassian_connector needs of the connector it deploys: proof that
// its credentials work, and a full sync written to a .c1z file. Both go
// through the View's own connector server, as baton-atlassian runs it,
// so a provider process has one connector (one client, one rate limit, one
// concurrency limit) per organization and key, whatever uses it.

// CheckCredentials proves the key and the organization id with the
// connector's own Validate, and returns the organization's name, which
// Validate has just read: one request. A refusal wraps ErrUnauthenticated,
// ErrOrganizationNotFound or ErrForbidden, with the connector's message.
func (d *View) CheckCredentials(ctx context.Context) (organizationName string, err error) {
	if _, err := d.conn.Validate(ctx, &v2.ConnectorServiceValidateRequest{}); err != nil {
		return "", credentialError(err)
	}
	resp, err := d.conn.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{
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

// credentialError keeps the connector's message (which says what to fix,
// without gRPC or SDK framing) and says which credential is wrong.
func credentialError(err error) error {
	described := &describedError{msg: connector.Message(err)}
	described.scope, described.scopeRefused = connector.Scope(err)
	switch status.Code(err) {
	case codes.Unauthenticated:
		described.causes = append(described.causes, ErrUnauthenticated)
	case codes.NotFound:
		described.causes = append(described.causes, ErrOrganizationNotFound)
	case codes.PermissionDenied:
		described.causes = append(described.causes, ErrForbidden)
	}
	return described
}

// SyncCounts is what a sync holds.
type SyncCounts struct {
	Accounts, Groups, Workspaces, Grants int
	// Duration is the wall time of the sync itself.
	Duration time.Duration
}

// SyncTo runs the connector's full sync into a fresh file beside target and
// renames it into place, so a failed sync never leaves a truncated file
// where the last good one was. The file is the SDK's default format for a
// new file (Pebble since baton-sdk v0.25), readable by its owner only.
func (d *View) SyncTo(ctx context.Context, target string) (SyncCounts, error) {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return SyncCounts{}, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return SyncCounts{}, err
	}
	tmpPath := tmp.Name()
	if err := tmp.Close(); err != nil {
		return SyncCounts{}, err
	}
	// The syncer wants a path that does not exist (it would resume one).
	if err := os.Remove(tmpPath); err != nil {
		return SyncCounts{}, err
	}
	defer func() { _ = os.Remove(tmpPath) }()
	counts, err := d.conn.Sync(withSyncLogger(ctx), tmpPath)
	if err != nil {
		return SyncCounts{}, err
	}
	if err := os.Chmod(tmpPath, 0o600); err != nil {
		return SyncCounts{}, err
	}
	if err := os.Rename(tmpPath, target); err != nil {
		return SyncCounts{}, err
	}
	return SyncCounts{
		Accounts:   counts.Resources[connector.ResourceTypeUser],
		Groups:     counts.Resources[connector.ResourceTypeGroup],
		Workspaces: counts.Resources[connector.ResourceTypeWorkspace],
		Grants:     counts.Grants,
		Duration:   counts.Duration,
	}, nil
}
