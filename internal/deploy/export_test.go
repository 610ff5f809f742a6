package deploy

import (
	"context"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
)

// ReadCounts reads what a finished sync file holds, without the network,
// as Sync counts it; tmpDir is scratch space for the unpacked file.
func ReadCounts(ctx context.Context, c1zPath, tmpDir string) (Counts, error) {
	counts, err := batonsync.ReadCounts(ctx, c1zPath, tmpDir)
	if err != nil {
		return Counts{}, err
	}
	return countsOf(counts), nil
}
