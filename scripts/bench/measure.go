package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// plugin says which provider a measured command attaches.
type plugin int

const (
	noPlugin        plugin = iota // terraform_data only: built into Terraform
	atlassianPlugin               // the provider under test
	noopPlugin                    // the no-op provider (noop.go)
	// atlassianLaunched lets Terraform launch the provider itself, as with
	// a normal installation (dev_overrides): no peak memory, but the wall
	// time includes what the debug-mode attachment leaves out (starting the
	// provider, and Terraform reading the provider's log stream).
	atlassianLaunched
	// shapePlugin is the shapes measurement's provider (shapes.go), served
	// inside the benchmark: no peak memory of its own.
	shapePlugin
)

// measurement is one measured terraform command.
type measurement struct {
	requests int64            // admin API requests the sandbox received
	byRoute  map[string]int64 // the same, by route template
	tooMany  int64            // of which answered 429
	wall     time.Duration    // the terraform command, start to exit
	peakRSS  int64            // the provider process's VmHWM, bytes (0: no provider or unknown)
	out      tfdriver.Result
	runs     []time.Duration           // every run's wall time, when repeated (see rounds)
	started  time.Time                 // when the terraform command started
	windows  map[string]sandbox.Window // first and last request of each route
}

// measure runs one terraform command with a fresh provider process (when
// the command needs one) and the sandbox's counters reset just before it.
func (b *bench) measure(ctx context.Context, ws *workspace, p plugin, okCodes []int, c command) (measurement, error) {
	var proc *providerProcess
	var err error
	logName := fmt.Sprintf("provider-%s-%d.log", c.name, time.Now().UnixNano())
	switch p {
	case atlassianPlugin:
		proc, err = startProvider(ctx, b.providerBin, []string{"-debug"}, b.providerEnv, ws.dir, ws.path(logName))
	case noopPlugin:
		proc, err = startProvider(ctx, b.self, []string{"-serve-noop"}, b.providerEnv, ws.dir, ws.path(logName))
	}
	if err != nil {
		return measurement{}, err
	}
	switch {
	case proc != nil:
		defer proc.stop()
		ws.tf.SetReattach(proc.Reattach)
	case p == shapePlugin:
		ws.tf.SetReattach(b.shapes)
	default:
		ws.tf.SetReattach(nil)
	}
	b.sb.resetCounters()
	started := time.Now()
	res, err := ws.terraform(ctx, okCodes, c)
	stats := b.sb.Stats()
	m := measurement{
		requests: stats.Total, byRoute: stats.ByRoute, tooMany: b.sb.tooMany.Load(),
		wall: res.Took, out: res, started: started, windows: stats.Windows,
	}
	if proc != nil {
		m.peakRSS = proc.peakRSS()
		if exitErr := proc.Exited(); exitErr != nil && err == nil {
			err = fmt.Errorf("the provider process ended during terraform %s: %v", c.name, exitErr)
		}
	}
	return m, err
}

// job is one kind of measured command, with whatever it must reset before
// each run (a fresh state, a reloaded sandbox).
type job struct {
	name string
	run  func() (measurement, error)
}

// rounds runs every job once per round, in turn, for n rounds, and keeps
// each job's fastest run. The machine is shared: interleaving the jobs
// spreads changes of load over all of them alike, so their ratios stay
// meaningful, and the fastest run is the least disturbed one. Request
// counts must not vary between runs; a difference is reported.
func rounds(n int, jobs ...job) (map[string]measurement, error) {
	out := make(map[string]measurement, len(jobs))
	for range n {
		for _, j := range jobs {
			m, err := j.run()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", j.name, err)
			}
			best, seen := out[j.name]
			if seen && m.requests != best.requests {
				fmt.Printf("   note: %s sent %d requests, an earlier run %d\n", j.name, m.requests, best.requests)
			}
			m.runs = append(slices.Clone(best.runs), m.wall)
			m.peakRSS = max(m.peakRSS, best.peakRSS)
			if seen && best.wall <= m.wall {
				best.runs, best.peakRSS = m.runs, m.peakRSS
				m = best
			}
			out[j.name] = m
		}
	}
	return out, nil
}

// timeline says when, from the start of the command, its reads and its
// writes were sent: "reads 0.4–9.8 s, writes 9.9–31.2 s". It shows how
// much of a run is Terraform's own work before the first write.
func timeline(m measurement) string {
	var parts []string
	// The searches and the workspaces query are reads sent as POST.
	isRead := func(route string) bool {
		return strings.HasPrefix(route, "GET ") || strings.HasSuffix(route, "/search") || strings.HasSuffix(route, "/workspaces")
	}
	for _, kind := range []struct {
		name  string
		match func(route string) bool
	}{
		{"reads", isRead},
		{"writes", func(route string) bool { return !isRead(route) }},
	} {
		var first, last time.Time
		for route, w := range m.windows {
			if !kind.match(route) {
				continue
			}
			if first.IsZero() || w.First.Before(first) {
				first = w.First
			}
			if w.Last.After(last) {
				last = w.Last
			}
		}
		if !first.IsZero() {
			parts = append(parts, fmt.Sprintf("%s %.1f–%.1f s", kind.name,
				first.Sub(m.started).Seconds(), last.Sub(m.started).Seconds()))
		}
	}
	if len(parts) == 0 {
		return "no requests"
	}
	return strings.Join(parts, ", ")
}

// runsText renders every run's wall time: "27.1 s (runs 27.1, 29.4)".
func runsText(m measurement) string {
	if len(m.runs) <= 1 {
		return fmt.Sprintf("%.2f s", m.wall.Seconds())
	}
	parts := make([]string, len(m.runs))
	for i, r := range m.runs {
		parts[i] = fmt.Sprintf("%.2f", r.Seconds())
	}
	return fmt.Sprintf("%.2f s (fastest of %s)", m.wall.Seconds(), strings.Join(parts, ", "))
}

// ---- results ----

// result is one row of the table.
type result struct {
	id, title string
	m         measurement
	// baseline is the comparable terraform_data command's wall time (0: none).
	baseline     time.Duration
	baselineNote string
	// ratioTo is what the wall time is compared with: the baseline, or a
	// computed floor (ratioNote says which).
	ratioTo   time.Duration
	ratioNote string
	budget    string
	checks    []check
	notes     []string
}

type check struct {
	what string
	ok   bool
}

func (r *result) expect(ok bool, format string, args ...any) {
	r.checks = append(r.checks, check{what: fmt.Sprintf(format, args...), ok: ok})
}

func (r *result) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *result) ratio() float64 {
	if r.ratioTo <= 0 {
		return math.NaN()
	}
	return r.m.wall.Seconds() / r.ratioTo.Seconds()
}

func (r *result) passed() bool {
	for _, c := range r.checks {
		if !c.ok {
			return false
		}
	}
	return true
}

func (r *result) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d requests, %.2f s", r.id, r.m.requests, r.m.wall.Seconds())
	if r.baseline > 0 {
		fmt.Fprintf(&b, ", baseline %.2f s", r.baseline.Seconds())
	}
	if !math.IsNaN(r.ratio()) {
		fmt.Fprintf(&b, ", ratio %.2f", r.ratio())
	}
	if r.m.peakRSS > 0 {
		fmt.Fprintf(&b, ", peak RSS %s", mib(r.m.peakRSS))
	}
	for _, c := range r.checks {
		mark := "ok  "
		if !c.ok {
			mark = "OVER"
		}
		fmt.Fprintf(&b, "\n%s %s", mark, c.what)
	}
	return b.String()
}

func mib(bytes int64) string { return fmt.Sprintf("%.0f MiB", float64(bytes)/(1<<20)) }

// routes renders the busiest routes of a measurement.
func routes(m measurement) string {
	type rc struct {
		route string
		n     int64
	}
	var list []rc
	for r, n := range m.byRoute {
		list = append(list, rc{r, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].route < list[j].route
	})
	parts := make([]string, 0, len(list))
	for _, x := range list {
		parts = append(parts, fmt.Sprintf("%d × %#q", x.n, x.route))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
