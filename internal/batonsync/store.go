package batonsync

import (
	"context"
	"sync"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
)

// lockedStore serializes the writes the SDK's parallel syncer makes from its
// workers. In baton-sdk v0.16.0 every write of the SQLite store
// (dotc1z.C1File.PutResources, PutEntitlements, PutGrants, ...) ends by
// setting an unguarded field (C1File.dbUpdated), a data race as soon as two
// workers store at once, which `go test -race` reports. SQLite takes one
// writer at a time anyway, so the mutex costs nothing measurable. Reads and
// the syncer's own sequential steps (checkpoints, expansion) pass through.
type lockedStore struct {
	dotc1z.C1ZStore
	mu sync.Mutex
}

func (s *lockedStore) PutResourceTypes(ctx context.Context, resourceTypes ...*v2.ResourceType) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.C1ZStore.PutResourceTypes(ctx, resourceTypes...)
}

func (s *lockedStore) PutResources(ctx context.Context, resources ...*v2.Resource) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.C1ZStore.PutResources(ctx, resources...)
}

func (s *lockedStore) PutEntitlements(ctx context.Context, entitlements ...*v2.Entitlement) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.C1ZStore.PutEntitlements(ctx, entitlements...)
}

func (s *lockedStore) PutGrants(ctx context.Context, grants ...*v2.Grant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.C1ZStore.PutGrants(ctx, grants...)
}

func (s *lockedStore) DeleteGrant(ctx context.Context, grantID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.C1ZStore.DeleteGrant(ctx, grantID)
}

func (s *lockedStore) PutAsset(ctx context.Context, assetRef *v2.AssetRef, contentType string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.C1ZStore.PutAsset(ctx, assetRef, contentType, data)
}
