package report_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/connectorstore"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// The connector's resource types, as its syncs declare them.
var (
	userType         = v2.ResourceType_builder{Id: connector.ResourceTypeUser, Traits: []v2.ResourceType_Trait{v2.ResourceType_TRAIT_USER}}.Build()
	groupType        = v2.ResourceType_builder{Id: connector.ResourceTypeGroup, Traits: []v2.ResourceType_Trait{v2.ResourceType_TRAIT_GROUP}}.Build()
	workspaceType    = v2.ResourceType_builder{Id: connector.ResourceTypeWorkspace}.Build()
	organizationType = v2.ResourceType_builder{Id: connector.ResourceTypeOrganization}.Build()
)

// writtenSync is a sync file a test wrote, the id of its sync, and the
// times just before the sync started and just after it ended.
type writtenSync struct {
	path, id            string
	notBefore, notAfter time.Time
}

// writeSync writes one finished full sync of the connector's resource
// types, resources and grants to a new file, with the SDK's own store, as a
// syncer would.
func writeSync(t *testing.T, resources []*v2.Resource, grants ...*v2.Grant) writtenSync {
	t.Helper()
	ctx := context.Background()
	w := writtenSync{path: filepath.Join(t.TempDir(), "sync.c1z")}
	store, err := dotc1z.NewStore(ctx, w.path, dotc1z.WithTmpDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	w.notBefore = time.Now()
	if w.id, err = store.StartNewSync(ctx, connectorstore.SyncTypeFull, ""); err != nil {
		t.Fatal(err)
	}
	if err := store.PutResourceTypes(ctx, userType, groupType, workspaceType, organizationType); err != nil {
		t.Fatal(err)
	}
	if err := store.PutResources(ctx, resources...); err != nil {
		t.Fatal(err)
	}
	if err := store.PutGrants(ctx, grants...); err != nil {
		t.Fatal(err)
	}
	if err := store.EndSync(ctx); err != nil {
		t.Fatal(err)
	}
	w.notAfter = time.Now()
	if err := store.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}
