// Command bench is `make bench`: it measures what plans and applies at
// scale cost in admin API requests, wall time and provider memory, against
// a sandbox organization that answers every request after 50 ms, and
// compares each with its budget.
//
//	go run ./scripts/bench -terraform /path/to/terraform [-out BENCHMARKS.md] [-run regexp] [-scale 0.1]
//
// It builds the provider and baton-atlassian, serves the sandbox in-process
// on a loopback listener, and runs the real Terraform CLI. The provider is
// started by the benchmark in debug mode and attached through
// TF_REATTACH_PROVIDERS, one process per measured command, so that its peak
// memory (VmHWM) can be read before it stops. Request counts come from the
// sandbox's own counters, reset before each measured command. Everything
// lives in .bench/ (recreated each run); nothing leaves the machine.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

func main() {
	terraform := flag.String("terraform", "terraform", "the Terraform CLI to run")
	dir := flag.String("dir", ".bench", "scratch directory (recreated on every run)")
	out := flag.String("out", "", "write the report to this Markdown file (BENCHMARKS.md); empty: stdout only")
	run := flag.String("run", "", "only the scenarios whose id matches this regular expression")
	scale := flag.Float64("scale", 1, "multiply every scenario's size by this (for trying the benchmark quickly; budgets scale with it, the report says so)")
	latency := flag.Int("latency", 50, "sandbox latency per admin API request, in milliseconds")
	providerEnv := flag.String("provider-env", "", "extra environment of the provider process, comma-separated K=V (e.g. GODEBUG=gctrace=1 for profiling)")
	providerSrc := flag.String("provider-src", ".", "internal: the package to build as the provider (for profiling variants)")
	hold := flag.Bool("hold", false, "keep serving the sandbox (in the last scenario's state) after the run, until interrupted: for trying commands by hand in .bench/work")
	serveNoop := flag.Bool("serve-noop", false, "internal: serve the no-op provider in debug mode")
	shapeSizes := flag.String("shape-sizes", "1000,2000,5000", "scenario 7: the sizes of the member lists, comma-separated (scaled by -scale)")
	shapeKinds := flag.String("shape-kinds", "set,list,map,real", "scenario 7: the shapes to measure: set, list and map (framework and CLI alone), real (atlassian_group_members)")
	readSyncFile := flag.String("read-sync", "", "internal: read a sync as the report does, holding nothing (scenario 12's store floor)")
	measureRSS := flag.String("measure-rss", "", "internal: run the command after -- and write its peak RSS in bytes to this file")
	flag.Parse()

	if *measureRSS != "" {
		os.Exit(measureChild(*measureRSS, flag.Args()))
	}
	if *readSyncFile != "" {
		if err := readSync(*readSyncFile); err != nil {
			fmt.Fprintln(os.Stderr, "bench: reading the sync:", err)
			os.Exit(1)
		}
		return
	}
	if *serveNoop {
		if err := serveNoopProvider(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: no-op provider:", err)
			os.Exit(1)
		}
		return
	}

	b := &bench{latencyMS: *latency, scale: *scale, providerSrc: *providerSrc, hold: *hold, shapeKinds: strings.Split(*shapeKinds, ",")}
	var err error
	if b.shapeSizes, err = parseSizes(*shapeSizes); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if *providerEnv != "" {
		b.providerEnv = strings.Split(*providerEnv, ",")
	}
	var only *regexp.Regexp
	if *run != "" {
		if only, err = regexp.Compile(*run); err != nil {
			fmt.Fprintln(os.Stderr, "bench: -run:", err)
			os.Exit(2)
		}
	}
	// stop runs before os.Exit, which skips deferred calls.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = b.main(ctx, *terraform, *dir, *out, only)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// bench is one run of the benchmark.
type bench struct {
	root             string // the repository
	dir              string // scratch, absolute
	terraform        string
	terraformVersion string
	goVersion        string
	providerBin      string
	batonBin         string
	self             string // this program, which also serves the no-op provider
	sb               *orgSandbox
	latencyMS        int
	providerEnv      []string
	providerSrc      string
	hold             bool
	scale            float64
	started          time.Time
	loadAtStart      string

	shapeSizes []int
	shapeKinds []string
	// shapes attaches the shape provider, served in this process while
	// scenario 7 runs.
	shapes tfexec.ReattachInfo

	results []*result
}

func (b *bench) main(ctx context.Context, terraform, dir, out string, only *regexp.Regexp) error {
	b.started = time.Now()
	var err error
	if b.root, err = os.Getwd(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(b.root, "go.mod")); err != nil {
		return errors.New("run it from the repository root (make bench)")
	}
	if b.dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	if err := os.RemoveAll(b.dir); err != nil {
		return err
	}
	binDir := filepath.Join(b.dir, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return err
	}
	if b.terraform, err = exec.LookPath(terraform); err != nil {
		return fmt.Errorf("the Terraform CLI %q: %w", terraform, err)
	}
	if b.terraform, err = filepath.Abs(b.terraform); err != nil {
		return err
	}
	if b.self, err = os.Executable(); err != nil {
		return err
	}
	b.loadAtStart = loadAverage()
	if err := b.writeCLIConfig(binDir); err != nil {
		return err
	}
	if err := b.versions(ctx); err != nil {
		return err
	}

	step("Building the provider and baton-atlassian")
	b.providerBin = filepath.Join(binDir, "terraform-provider-atlassian")
	b.batonBin = filepath.Join(binDir, "baton-atlassian")
	for _, build := range [][2]string{{b.providerBin, b.providerSrc}, {b.batonBin, "./cmd/baton-atlassian"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", build[0], build[1])
		cmd.Dir, cmd.Stdout, cmd.Stderr = b.root, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", build[1], err)
		}
	}

	if b.sb, err = startSandbox(); err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer b.sb.close()
	fmt.Printf("   sandbox organization %s at %s, %d ms per admin API request\n", b.sb.OrgID, b.sb.URL, b.latencyMS)

	for _, s := range scenarios {
		if only != nil && !only.MatchString(s.id) {
			continue
		}
		step(fmt.Sprintf("%s: %s", s.id, s.title))
		start := time.Now()
		results, err := s.run(ctx, b)
		if err != nil {
			return fmt.Errorf("scenario %s: %w", s.id, err)
		}
		for _, r := range results {
			if r.id == "" {
				r.id = s.id
			}
			if r.title == "" {
				r.title = s.title
			}
			b.results = append(b.results, r)
			fmt.Println(indent(r.summary()))
		}
		fmt.Printf("   done in %s\n", time.Since(start).Round(time.Second))
	}

	report := b.report()
	step("Results")
	fmt.Println(report.table)
	if out != "" {
		path := out
		if !filepath.IsAbs(path) {
			path = filepath.Join(b.root, path)
		}
		existing, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.WriteFile(path, []byte(splice(string(existing), report.markdown)), 0o644); err != nil {
			return err
		}
		fmt.Printf("\nWrote %s\n", out)
	}
	if b.hold {
		fmt.Printf("\nThe sandbox keeps serving %s (%d ms per request); interrupt to stop.\n", b.sb.URL, b.latencyMS)
		<-ctx.Done()
	}
	if failed := report.failed; len(failed) > 0 {
		return fmt.Errorf("over budget: %s", strings.Join(failed, "; "))
	}
	return nil
}

// writeCLIConfig gives Terraform a CLI configuration of its own: some
// machines export TF_CLI_CONFIG_FILE pointing at a file that does not
// exist. The provider is attached with TF_REATTACH_PROVIDERS; the
// dev_overrides entry lets Terraform launch it itself (atlassianLaunched)
// and keeps `terraform` from looking it up in the registry.
func (b *bench) writeCLIConfig(binDir string) error {
	return os.WriteFile(filepath.Join(b.dir, "terraformrc"), []byte(tfdriver.DevOverrides(binDir, "cureigad/atlassian")), 0o644)
}

func (b *bench) versions(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, b.terraform, "version", "-json").Output()
	if err != nil {
		return fmt.Errorf("%s version: %w", b.terraform, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return fmt.Errorf("%s version -json: unexpected output %q", b.terraform, out)
	}
	b.terraformVersion = v.Version
	goVersion, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return fmt.Errorf("go env GOVERSION: %w", err)
	}
	b.goVersion = strings.TrimSpace(string(goVersion))
	return nil
}

// machine describes where the benchmark ran.
func (b *bench) machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	memory := "unknown"
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
					memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	kernel := runtime.GOOS
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel += " " + strings.TrimSpace(string(data))
	}
	return fmt.Sprintf("%d cores (%s), %s memory, %s/%s (%s); %s, Terraform %s; load average at start %s; %s",
		runtime.NumCPU(), cpu, memory, runtime.GOOS, runtime.GOARCH, kernel, b.goVersion, b.terraformVersion,
		b.loadAtStart, b.started.UTC().Format("2006-01-02 15:04 UTC"))
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }

func indent(s string) string {
	return "   " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n   ")
}
