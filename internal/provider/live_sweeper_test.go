package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// The sweeper removes what interrupted live runs left behind in the
// organization of the environment:
//
//	go test ./internal/provider -v -sweep=org -sweep-run=atlassian_group
//
// An organization has no regions: -sweep takes any word. Deleting a group
// removes its memberships and role assignments with it, so one sweeper
// covers everything the live tests create.
func init() {
	tfresource.AddTestSweepers("atlassian_group", &tfresource.Sweeper{
		Name: "atlassian_group",
		F:    sweepLiveGroups,
	})
}

// sweepLiveGroups is the registered sweeper; the region is not used.
func sweepLiveGroups(string) error {
	cfg, err := liveConfigFromEnv()
	if err != nil {
		return fmt.Errorf("sweeper atlassian_group: %w", err)
	}
	removed, err := sweepGroups(context.Background(), cfg)
	for _, g := range removed {
		log.Printf("[INFO] sweeper atlassian_group: deleted group %q (%s)", g.Name, g.ID)
	}
	log.Printf("[INFO] sweeper atlassian_group: %d groups named %s* deleted", len(removed), liveNamePrefix)
	return err
}

// sweepGroups deletes every group whose name starts with liveNamePrefix,
// and nothing else; it goes on past a group it cannot delete and reports
// each failure.
func sweepGroups(ctx context.Context, cfg orgconfig.Config) ([]access.Group, error) {
	d, err := access.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	groups, err := d.Groups(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing groups: %w", err)
	}
	var removed []access.Group
	var errs []error
	for _, g := range groups {
		if !strings.HasPrefix(g.Name, liveNamePrefix) {
			continue
		}
		if err := d.DeleteGroup(ctx, g.ID); err != nil {
			errs = append(errs, fmt.Errorf("deleting group %q (%s): %w", g.Name, g.ID, err))
			continue
		}
		removed = append(removed, g)
	}
	return removed, errors.Join(errs...)
}
