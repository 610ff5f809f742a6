package access_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// TestSyncSpeaksInTheProvidersLog: an in-process sync under rate limits
// reports the SDK's progress and the client's waits in the provider's log
// (tflog, as Terraform's plugin server sets it up), and never the key.
func TestSyncSpeaksInTheProvidersLog(t *testing.T) {
	env := startDeploymentOrg(t)
	// A budget a full sync exceeds, so that some requests are answered 429
	// with the gateway's headers and wait for the reset.
	env.SetFaults(sandbox.Faults{RateLimitPerSecond: 10, RetryAfterSeconds: 1})
	// Each log call's subsystem logger writes on its own, as the
	// provider's do to stderr, which is safe for concurrent writes: so must
	// the test's stand-in be.
	out := &lockedBuffer{}
	ctx := tflogtest.RootLogger(context.Background(), out)
	target := filepath.Join(t.TempDir(), "org.c1z")
	c := openDeployment(t, env, nil)
	if _, err := c.SyncTo(ctx, target); err != nil {
		t.Fatal(err)
	}
	if c.RequestStats().Retries == 0 {
		t.Fatal("the sync was never rate limited; the test proves nothing")
	}
	if strings.Contains(out.String(), env.Token) {
		t.Fatal("the provider's log holds the API key")
	}
	lines, err := tflogtest.MultilineJSONDecode(strings.NewReader(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	var progress, waits int
	for _, l := range lines {
		switch l["@module"] {
		case "provider." + access.SyncLogSubsystem:
			if l["@level"] == "info" && strings.HasPrefix(l["@message"].(string), "Synced") {
				progress++
			}
		case "provider." + atlassian.LogSubsystem:
			if l["status"] == float64(429) && l["wait_reason"] == "Retry-After" && l["wait_ms"].(float64) >= 1000 {
				waits++
			}
		}
	}
	if testing.Verbose() {
		t.Logf("the provider's log:\n%s", summary(lines))
	}
	if progress == 0 || waits == 0 {
		t.Errorf("%d progress lines and %d 429 waits in the log:\n%s", progress, waits, summary(lines))
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func summary(lines []map[string]any) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l["@level"].(string) + " " + l["@module"].(string) + ": " + l["@message"].(string) + "\n")
	}
	return b.String()
}
