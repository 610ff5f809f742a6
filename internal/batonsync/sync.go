package batonsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/connectorstore"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
	"github.com/conductorone/baton-sdk/pkg/dotc1z/c1zstore"
	sdksync "github.com/conductorone/baton-sdk/pkg/sync"
	"github.com/conductorone/baton-sdk/pkg/types"
)

// DefaultTimeout bounds a sync whose context has no deadline of its own. The
// SDK's syncer retries Unavailable errors with no attempt limit, so a sync
// must never run without a deadline.
const DefaultTimeout = 30 * time.Minute

// DefaultWorkerCount is how many resources the syncer works on at once. The
// per-user role listings (one request per user) dominate a full sync, and
// each waits on a network round trip: as many workers as the Atlassian
// client's default requests in flight keep that many round trips going (its
// concurrency and rate limits still apply underneath). `make bench`
// scenario 6 measures the effect (BENCHMARKS.md).
const DefaultWorkerCount = 8

// Option adjusts a Sync.
type Option func(*options)

type options struct {
	timeout time.Duration
	workers int
}

// WithTimeout bounds the sync (default DefaultTimeout); an earlier deadline
// of the context wins.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithWorkerCount sets the syncer's parallelism (1: sequential).
func WithWorkerCount(n int) Option { return func(o *options) { o.workers = n } }

// Counts summarizes a finished sync.
type Counts struct {
	// Resources counts resources per resource type id.
	Resources map[string]int
	// Entitlements and Grants are totals; GrantsByResourceType counts grants
	// per resource type of the entitlement they grant.
	Entitlements         int
	Grants               int
	GrantsByResourceType map[string]int
	// Duration is the wall time of the sync itself (not of the read-back).
	Duration time.Duration
}

// Sync runs a full sync of server into a new c1z file at c1zPath and returns
// what it holds. The path must not exist yet: the SDK silently resumes an
// unfinished sync found in an existing file, so every run gets a fresh one.
// tmpDir holds the decompressed database while the file is open ("" means
// the system's temporary directory).
func Sync(ctx context.Context, server types.ConnectorServer, c1zPath, tmpDir string, opts ...Option) (Counts, error) {
	o := options{timeout: DefaultTimeout, workers: DefaultWorkerCount}
	for _, opt := range opts {
		opt(&o)
	}
	if c1zPath == "" {
		return Counts{}, errors.New("batonsync: a c1z path is required")
	}
	if _, err := os.Stat(c1zPath); err == nil {
		return Counts{}, fmt.Errorf("batonsync: %s already exists; a sync needs a fresh path (an existing file would be resumed)", c1zPath)
	} else if !errors.Is(err, os.ErrNotExist) {
		return Counts{}, fmt.Errorf("batonsync: %w", err)
	}
	// The earlier of the caller's deadline and the timeout applies.
	timeout := o.timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// The store is opened here rather than by the syncer (WithC1ZPath), so
	// that a file that cannot be created fails with its own message. The
	// SDK picks the engine of a new file: Pebble since v0.25 (the README
	// says which format a sync writes). The syncer closes the store, which
	// writes the c1z file.
	store, err := dotc1z.NewStore(ctx, c1zPath, dotc1z.WithTmpDir(tmpDir))
	if err != nil {
		return Counts{}, fmt.Errorf("batonsync: creating %s: %w", c1zPath, err)
	}
	syncOpts := []sdksync.SyncOpt{
		sdksync.WithConnectorStore(store),
		sdksync.WithTmpDir(tmpDir),
		sdksync.WithWorkerCount(o.workers),
	}
	start := time.Now()
	syncer, err := sdksync.NewSyncer(ctx, NewClient(server), syncOpts...)
	if err != nil {
		_ = store.Close(context.WithoutCancel(ctx))
		return Counts{}, fmt.Errorf("batonsync: %w", err)
	}
	syncErr := syncer.Sync(ctx)
	// Close writes the c1z; it needs a live context even when the sync's
	// ran out.
	closeCtx, cancelClose := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancelClose()
	closeErr := syncer.Close(closeCtx)
	if syncErr != nil {
		return Counts{}, fmt.Errorf("batonsync: sync: %w", syncErr)
	}
	if closeErr != nil {
		return Counts{}, fmt.Errorf("batonsync: writing %s: %w", c1zPath, closeErr)
	}
	elapsed := time.Since(start)

	counts, err := ReadCounts(ctx, c1zPath, tmpDir)
	counts.Duration = elapsed
	return counts, err
}

// OpenSyncFile opens a c1z file read-only; reads see its latest finished sync. The
// caller closes the store, which removes the decompressed copy.
func OpenSyncFile(ctx context.Context, c1zPath, tmpDir string) (c1zstore.Store, error) {
	store, err := dotc1z.NewStore(ctx, c1zPath, dotc1z.WithReadOnly(true), dotc1z.WithTmpDir(tmpDir))
	if err != nil {
		return nil, fmt.Errorf("batonsync: opening %s: %w", c1zPath, err)
	}
	return store, nil
}

// ReadCounts counts the resources, entitlements and grants of a c1z file's
// latest finished sync.
func ReadCounts(ctx context.Context, c1zPath, tmpDir string) (Counts, error) {
	store, err := OpenSyncFile(ctx, c1zPath, tmpDir)
	if err != nil {
		return Counts{}, err
	}
	defer func() { _ = store.Close(context.WithoutCancel(ctx)) }()
	return countStore(ctx, store)
}

func countStore(ctx context.Context, r connectorstore.Reader) (Counts, error) {
	counts := Counts{Resources: map[string]int{}, GrantsByResourceType: map[string]int{}}
	for token := ""; ; {
		resp, err := r.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{PageToken: token}.Build())
		if err != nil {
			return counts, fmt.Errorf("batonsync: reading resources: %w", err)
		}
		for _, res := range resp.GetList() {
			counts.Resources[res.GetId().GetResourceType()]++
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	for token := ""; ; {
		resp, err := r.ListEntitlements(ctx, v2.EntitlementsServiceListEntitlementsRequest_builder{PageToken: token}.Build())
		if err != nil {
			return counts, fmt.Errorf("batonsync: reading entitlements: %w", err)
		}
		counts.Entitlements += len(resp.GetList())
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	for token := ""; ; {
		resp, err := r.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{PageToken: token}.Build())
		if err != nil {
			return counts, fmt.Errorf("batonsync: reading grants: %w", err)
		}
		for _, g := range resp.GetList() {
			counts.Grants++
			counts.GrantsByResourceType[g.GetEntitlement().GetResource().GetId().GetResourceType()]++
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return counts, nil
}
