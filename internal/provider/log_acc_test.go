package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// TestAccDebugLogShowsRateLimitWaits: a user who sets TF_LOG=DEBUG and
// TF_LOG_PATH, as the Troubleshooting guide says, sees in that file why an
// apply under Atlassian's rate limit is slow (each 429, how long the
// client waits and on what header), and never the API key.
func TestAccDebugLogShowsRateLimitWaits(t *testing.T) {
	org := acctest.NewOrg(t, 40, 4, 1)
	group := org.WritableGroup(t)
	var body strings.Builder
	added := 0
	for _, u := range org.ActiveUsers() {
		if slices.Contains(group.MemberAccountIDs, u.AccountID) {
			continue
		}
		fmt.Fprintf(&body, "resource \"atlassian_group_membership\" \"m%d\" {\n  group_id   = %q\n  account_id = %q\n}\n",
			added, group.ID, u.AccountID)
		if added++; added == 12 {
			break
		}
	}
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	cli := acctest.NewPluginCLI(t, tfdriver.Options{LogLevel: "DEBUG", LogPath: logPath})
	cli.WriteConfig(org.Config(body.String()))
	// Fewer requests a second than the apply sends at once: some are
	// answered 429 with Retry-After, as Atlassian's gateway does.
	org.Server.SetFaults(sandbox.Faults{RateLimitPerSecond: 3, RetryAfterSeconds: 1})
	res := cli.TryApply()
	cli.ExpectNoCrash(res)
	if res.ExitCode != 0 {
		t.Fatalf("apply under rate limits failed:\n%s", res)
	}
	org.Server.SetFaults(sandbox.Faults{})

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	if strings.Contains(log, org.Token) {
		t.Fatal("the debug log holds the API key")
	}
	wait := regexp.MustCompile(`\[DEBUG\] provider\.terraform-provider-atlassian[^:]*: rate limited \(HTTP 429\): waiting before the next attempt: ` +
		`.*@module=atlassian\.atlassian_client.*`)
	lines := wait.FindAllString(log, -1)
	if len(lines) == 0 {
		t.Fatalf("no 429 wait in the debug log (%d bytes); its provider lines:\n%s", len(raw), grepLines(log, "provider.terraform-provider-atlassian", 40))
	}
	for _, want := range []string{"status=429", "wait_reason=Retry-After", "wait_ms=", "route=", "attempt="} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("the wait line lacks %s:\n%s", want, lines[0])
		}
	}
	t.Logf("%d waits logged; the first:\n%s", len(lines), lines[0])
}

// grepLines returns up to n lines of text that contain s.
func grepLines(text, s string, n int) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) && len(out) < n {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
