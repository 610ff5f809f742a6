package connector_test

import (
	"cmp"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// BenchmarkFullSync5000 measures a full sync of a 5,000-user, 100-group,
// 5-workspace organization: admin API requests (the sandbox's own count)
// and wall time, per worker count, with no added latency and with 5 ms per
// request (localhost answers in microseconds; Atlassian in tens to hundreds
// of milliseconds, where the workers pay off). It asserts nothing about time.
//
//	go test ./internal/connector -run '^$' -bench FullSync5000 -benchtime 1x
func BenchmarkFullSync5000(b *testing.B) {
	env := sandboxtest.Start(b, sandbox.Options{Users: 5000, Groups: 100, Workspaces: 5, Seed: 1})
	st := env.State()
	b.Logf("sandbox: %d users, %d groups, %d workspaces, %d user and %d group role assignments",
		len(st.Users), len(st.Groups), len(st.Workspaces), len(st.UserRoleAssignments), len(st.GroupRoleAssignments))
	for _, c := range []struct{ workers, latencyMS int }{{1, 0}, {4, 0}, {8, 0}, {1, 5}, {4, 5}, {8, 5}} {
		workers := c.workers
		b.Run(fmt.Sprintf("workers=%d/latency=%dms", workers, c.latencyMS), func(b *testing.B) {
			env.SetFaults(sandbox.Faults{LatencyMS: c.latencyMS})
			defer env.ClearFaults()
			for range b.N {
				c, srv := newServer(b, configFor(env))
				env.ResetStats()
				start := time.Now()
				counts, err := batonsync.Sync(ctxFor(b), srv, filepath.Join(b.TempDir(), "sync.c1z"), b.TempDir(),
					batonsync.WithWorkerCount(workers), batonsync.WithTimeout(10*time.Minute))
				if err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				stats := env.Stats()
				b.ReportMetric(float64(stats.Total), "requests")
				b.ReportMetric(elapsed.Seconds(), "s/sync")
				b.Logf("workers=%d: %d admin API requests (client counted %d, %d retries) in %s (sync %s); %v resources, %d entitlements, %d grants",
					workers, stats.Total, c.RequestStats().Requests, c.RequestStats().Retries, elapsed.Round(time.Millisecond), counts.Duration.Round(time.Millisecond),
					counts.Resources, counts.Entitlements, counts.Grants)
				b.Logf("by route:\n%s", formatRoutes(stats.ByRoute))
			}
		})
	}
}

func formatRoutes(byRoute map[string]int64) string {
	routes := slices.SortedFunc(maps.Keys(byRoute), func(a, b string) int { return cmp.Compare(byRoute[b], byRoute[a]) })
	var sb strings.Builder
	for _, r := range routes {
		fmt.Fprintf(&sb, "  %6d  %s\n", byRoute[r], r)
	}
	return sb.String()
}
