package main_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cureigad/terraform-provider-atlassian/internal/report"
)

// Where the browser test keeps its screenshot (ignored by git), and the
// README's copy, rewritten when UPDATE_SCREENSHOT=1.
const (
	artifactsDir     = "../../.artifacts"
	readmeScreenshot = "../../examples/report/report.png"
)

// The laptop screen the page must read well on.
const screenWidth, screenHeight = 1366, 768

// chromiumPath finds the browser: CHROMIUM_PATH (make test sets it from
// scripts/chromium.sh, which installs chromium when the machine has none),
// else chromium on PATH. Without one the test fails with how to get it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the report's browser check needs chromium: run the tests with make test (scripts/chromium.sh " +
		"installs it), or apt-get install -y chromium, or set CHROMIUM_PATH")
	return ""
}

var accessLabels = map[string]string{
	"group_membership":  "group membership",
	"workspace_role":    "workspace role",
	"organization_role": "organization role",
}

// The rows every finding card shows before its own scrolling starts (all
// of them when it has fewer).
const findingRowsShown = 10

// TestReportInBrowser loads the HTML report in headless chromium on a
// laptop-sized screen: the header names the organization, the sync and the
// version that wrote the page; the finding cards count their entries, show
// whole addresses and enough rows to read; the table holds the CSV's rows,
// cell for cell; filtering and sorting work; nothing overflows the
// screen's width; and a screenshot is kept under .artifacts/.
func TestReportInBrowser(t *testing.T) {
	browser := chromiumPath(t)
	bin := buildBinary(t)
	env := reviewOrganization(t)
	st := env.State()
	_, ran, files := syncAndReport(t, bin, env)
	rows, metadata := readReport(t, files["csv"])
	checkMetadata(t, metadata, st, ran)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // root in CI containers
		chromedp.DisableGPU,
		chromedp.WindowSize(screenWidth, screenHeight),
	)...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(screenWidth, screenHeight),
		chromedp.Navigate("file://"+files["html"]),
		chromedp.WaitReady("#access tbody"),
	); err != nil {
		t.Fatalf("loading the report: %v", err)
	}
	cells := evaluate[[][]string](t, ctx, `Array.from(document.querySelectorAll('#access tbody tr')).map(tr => Array.from(tr.cells).map(c => c.textContent))`)
	if len(cells) != len(rows) {
		t.Fatalf("the page's table has %d rows, the CSV %d", len(cells), len(rows))
	}
	for i, r := range rows {
		want := []string{r[1], r[2], r[3], r[4], accessLabels[r[5]], r[7], r[8], r[9], report.LastActiveCell(r[11]), r[0], r[6]}
		if !slices.Equal(cells[i], want) {
			t.Fatalf("table row %d is %q, the CSV's %q", i, cells[i], want)
		}
	}
	checkHeader(t, ctx, metadata)
	checkFindingCards(t, ctx, files["json"], rows)
	if evaluate[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Errorf("the page is wider than a %d px screen", screenWidth)
	}
	if top := evaluate[float64](t, ctx, `document.getElementById('findings').getBoundingClientRect().top`); top > screenHeight/2 {
		t.Errorf("the findings start %v px down, below the first half of the screen", top)
	}

	// The filter: a suspended account's email shows its rows only.
	var suspended string
	for _, r := range rows {
		if r[3] == "suspended" {
			suspended = r[1]
			break
		}
	}
	if suspended == "" {
		t.Fatal("no suspended account in the report: the test arranged one")
	}
	wantShown := countRows(rows, func(r []string) bool {
		return slices.ContainsFunc([]string{r[1], r[2], r[3], r[4], accessLabels[r[5]], r[7], r[8], r[9], r[0], r[6]},
			func(s string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(suspended)) })
	})
	if err := chromedp.Do(ctx, chromedp.SendKeys("#filter", suspended)); err != nil {
		t.Fatal(err)
	}
	checkShown(t, ctx, "filtering on "+suspended, wantShown, len(rows))

	// The access type select, with the text filter cleared.
	wantOrgRoles := countRows(rows, func(r []string) bool { return r[5] == "organization_role" })
	setControl(t, ctx, "filter", "", "input")
	setControl(t, ctx, "filter-type", "organization role", "change")
	checkShown(t, ctx, "organization roles only", wantOrgRoles, len(rows))

	// Sorting: the Email header twice sorts by email, descending.
	setControl(t, ctx, "filter-type", "", "change")
	checkShown(t, ctx, "no filter", len(rows), len(rows))
	if err := chromedp.Do(ctx, chromedp.Click(`#access th[data-col="0"]`), chromedp.Click(`#access th[data-col="0"]`)); err != nil {
		t.Fatal(err)
	}
	first := evaluate[string](t, ctx, `document.querySelector('#access tbody tr').cells[0].textContent`)
	maxEmail := slices.MaxFunc(rows, func(a, b []string) int { return strings.Compare(strings.ToLower(a[1]), strings.ToLower(b[1])) })[1]
	if !strings.EqualFold(first, maxEmail) {
		t.Errorf("sorted by email descending, the first row is %q, want %q", first, maxEmail)
	}

	// The screenshot, of the page as it opens.
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+files["html"]), chromedp.WaitReady("#access tbody")); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	artifact := filepath.Join(artifactsDir, "report.png")
	if err := os.WriteFile(artifact, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", artifact)
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		small, err := compressScreenshot(shot)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(readmeScreenshot, small, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("README screenshot: %s (%d bytes)", readmeScreenshot, len(small))
	}
}

// checkHeader: the page's header names the organization, the sync and the
// version, as the CSV's metadata does.
func checkHeader(t *testing.T, ctx context.Context, metadata map[string]string) {
	t.Helper()
	for id, want := range map[string]string{
		"meta-org":  fmt.Sprintf("Organization %s (%s)", metadata["organization_name"], metadata["organization_id"]),
		"meta-sync": fmt.Sprintf("Sync %s: started %s, finished %s", metadata["sync_id"], metadata["sync_started_at"], metadata["sync_ended_at"]),
		"meta-tool": "Written by baton-atlassian " + testToolVersion,
	} {
		if got := evaluate[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).textContent`, id)); got != want {
			t.Errorf("#%s reads %q, want %q", id, got, want)
		}
		if !evaluate[bool](t, ctx, fmt.Sprintf(`(() => { const r = document.getElementById(%q).getBoundingClientRect(); return r.width > 0 && r.bottom <= window.innerHeight; })()`, id)) {
			t.Errorf("#%s is not on the screen as the page opens", id)
		}
	}
}

// findingCard is what the page shows of one finding card.
type findingCard struct {
	ID    string `json:"id"`
	Count string `json:"count"`
	// Rows are the card's table rows, without its header.
	Rows int `json:"rows"`
	// Shown counts the rows wholly inside the card's visible box.
	Shown int `json:"shown"`
	// Addresses are the account cells: their text, whether it is on one
	// line, and whether it ends inside the visible box.
	Addresses []struct {
		Text    string `json:"text"`
		OneLine bool   `json:"oneLine"`
		Inside  bool   `json:"inside"`
	} `json:"addresses"`
}

// checkFindingCards: each card counts the entries the JSON report's
// finding holds and lists them all; it shows whole addresses, on one line
// and inside the card; and it shows findingRowsShown rows (or all) without
// scrolling its box.
func checkFindingCards(t *testing.T, ctx context.Context, jsonPath string, rows [][]string) {
	t.Helper()
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	entries := map[string]int{}
	for card, finding := range map[string]string{
		"finding-org-admins": "organization_admins", "finding-inactive": "inactive_with_access",
		"finding-unmanaged-admins": "unmanaged_admins", "finding-unused-access": "unused_product_access",
		"finding-never-used": "never_used_product_access", "finding-admins-without-two-step": "admins_without_two_step_verification",
		"finding-hand-invited-admins": "hand_invited_admins", "finding-empty-groups": "empty_groups",
	} {
		var list []json.RawMessage
		if err := json.Unmarshal(doc.Findings[finding], &list); err != nil {
			t.Fatalf("finding %s: %v", finding, err)
		}
		entries[card] = len(list)
	}
	// An account cell names the account by its email, else its id.
	addresses := map[string]bool{}
	for _, r := range rows {
		addresses[cmp.Or(r[1], r[0])] = true
	}
	cards := evaluate[[]findingCard](t, ctx, `Array.from(document.querySelectorAll('#findings .card')).map(card => {
		const box = card.querySelector('.scroll').getBoundingClientRect();
		const rows = Array.from(card.querySelectorAll('tr')).slice(1);
		return {
			id: card.id,
			count: card.querySelector('h3 .n').textContent,
			rows: rows.length,
			shown: rows.filter(tr => { const r = tr.getBoundingClientRect(); return r.top >= box.top && r.bottom <= box.bottom + 0.5; }).length,
			addresses: Array.from(card.querySelectorAll('td.addr')).map(td => {
				const range = document.createRange();
				range.selectNodeContents(td);
				return { text: td.textContent, oneLine: range.getClientRects().length === 1, inside: range.getBoundingClientRect().right <= box.right };
			}),
		};
	})`)
	if len(cards) != len(entries) {
		t.Fatalf("%d finding cards, want %d", len(cards), len(entries))
	}
	for _, c := range cards {
		want, ok := entries[c.ID]
		if !ok {
			t.Errorf("finding card %q is not one of %v", c.ID, entries)
			continue
		}
		if c.Count != fmt.Sprint(want) || c.Rows != want {
			t.Errorf("%s counts %s and lists %d, the JSON report's finding has %d", c.ID, c.Count, c.Rows, want)
		}
		if c.Shown < min(c.Rows, findingRowsShown) {
			t.Errorf("%s shows %d of its %d rows without scrolling, want %d", c.ID, c.Shown, c.Rows, min(c.Rows, findingRowsShown))
		}
		for _, a := range c.Addresses {
			if !addresses[a.Text] || !a.OneLine || !a.Inside {
				t.Errorf("%s: the account cell %q is not a whole address on one line inside the card (an account: %v, one line: %v, inside: %v)",
					c.ID, a.Text, addresses[a.Text], a.OneLine, a.Inside)
			}
		}
	}
	if entries["finding-org-admins"] == 0 || entries["finding-unmanaged-admins"] == 0 {
		t.Errorf("the findings hold no organization admin or no unmanaged admin, which the test arranged: %v", entries)
	}
}

// setControl sets a form control's value as a user's choice would, with
// the event a user's change fires.
func setControl(t *testing.T, ctx context.Context, id, value, event string) {
	t.Helper()
	script := fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q; return el.dispatchEvent(new Event(%q)) && el.value === %q; })()`, id, value, event, value)
	if !evaluate[bool](t, ctx, script) {
		t.Fatalf("#%s does not take the value %q", id, value)
	}
}

// evaluate runs a script in the page and returns its value.
func evaluate[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return v
}

func countRows(rows [][]string, keep func([]string) bool) int {
	n := 0
	for _, r := range rows {
		if keep(r) {
			n++
		}
	}
	return n
}

// checkShown polls until the page counts want rows shown, then checks
// that exactly that many rows are visible.
func checkShown(t *testing.T, ctx context.Context, what string, want, total int) {
	t.Helper()
	label := fmt.Sprintf("%d of %d rows", want, total)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.getElementById('shown').textContent === %q`, label), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		shown := evaluate[string](t, ctx, `document.getElementById('shown').textContent`)
		t.Fatalf("%s: the page shows %q, want %q: %v", what, shown, label, err)
	}
	if visible := evaluate[int](t, ctx, `Array.from(document.querySelectorAll('#access tbody tr')).filter(tr => !tr.hidden).length`); visible != want {
		t.Fatalf("%s: %d rows visible, want %d", what, visible, want)
	}
}

// compressScreenshot makes the README's copy small: 256 colours (the page
// has few) and the best compression.
func compressScreenshot(shot []byte) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		return nil, err
	}
	paletted := image.NewPaletted(img.Bounds(), palette.Plan9)
	draw.Draw(paletted, img.Bounds(), img, image.Point{}, draw.Src)
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&out, paletted); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
