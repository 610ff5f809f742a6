package main

import (
	"fmt"
	"math"
	"strings"
)

type report struct {
	table    string // Markdown table, also printed
	markdown string // the generated part of BENCHMARKS.md
	failed   []string
}

func (b *bench) report() report {
	var t strings.Builder
	t.WriteString("| # | scenario | admin API requests | wall (s) | baseline (s) | ratio | provider peak RSS | budget | met |\n")
	t.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n")
	var failed []string
	for _, r := range b.results {
		baseline, ratio, rss := "–", "–", "–"
		if r.baseline > 0 {
			baseline = fmt.Sprintf("%.2f", r.baseline.Seconds())
		}
		if x := r.ratio(); !math.IsNaN(x) {
			ratio = fmt.Sprintf("%.2f", x)
			if r.ratioNote != "" && r.ratioNote != "baseline" {
				ratio += " ¹"
			}
		}
		if r.m.peakRSS > 0 {
			rss = mib(r.m.peakRSS)
		}
		met := "yes"
		if !r.passed() {
			met = "**no**"
			for _, c := range r.checks {
				if !c.ok {
					failed = append(failed, r.id+": "+c.what)
				}
			}
		}
		fmt.Fprintf(&t, "| %s | %s | %d | %.2f | %s | %s | %s | %s | %s |\n",
			r.id, r.title, r.m.requests, r.m.wall.Seconds(), baseline, ratio, rss, r.budget, met)
	}

	var md strings.Builder
	md.WriteString("How it measures: a sandbox organization (`internal/sandbox`, served in-process on a loopback listener) " +
		fmt.Sprintf("answers every admin API request after **%d ms**. ", b.latencyMS) +
		"The provider is built from this tree, started in debug mode and attached with `TF_REATTACH_PROVIDERS`, one process " +
		"per measured command, so its peak resident memory (`VmHWM`) is read before it stops; its start-up (tens of ms, " +
		"paid on every command with a normal installation) is not in the wall times. The real Terraform CLI runs every " +
		"command. Request counts are the sandbox's, reset before each measured command. Existing resources are written " +
		"into the state directly, and the measured plans must find no changes. The baseline of a plan is `terraform plan` " +
		"of the same number of `terraform_data` resources (built into Terraform: no plugin, no gRPC), timed in the same " +
		"run; commands compared with a baseline run twice, interleaved with it, and the fastest run of each is kept, " +
		"since the machine may be shared (the notes list every run). Where a plan is compared with the no-op provider " +
		"(`scripts/bench/noop.go`: the same resources on a plugin that does nothing, with the provider's process defaults), " +
		"the gap is the provider's own work.\n\n")
	fmt.Fprintf(&md, "Machine: %s.\n\n", b.machine())
	if b.scale != 1 {
		fmt.Fprintf(&md, "**Scaled run: every size × %g** (budgets scale with the sizes).\n\n", b.scale)
	}
	md.WriteString(t.String())
	md.WriteString("\n¹ Ratio to the no-op provider on the same plan, or to a computed floor, instead of the baseline: see the scenario's notes.\n")
	md.WriteString("\n## Scenarios\n")
	for _, r := range b.results {
		fmt.Fprintf(&md, "\n### %s. %s\n\n", r.id, r.title)
		if r.baselineNote != "" {
			fmt.Fprintf(&md, "- Baseline: %s.\n", r.baselineNote)
		}
		if r.ratioNote != "" && r.ratioNote != "baseline" {
			fmt.Fprintf(&md, "- Ratio to: %s.\n", r.ratioNote)
		}
		for _, c := range r.checks {
			mark := "met"
			if !c.ok {
				mark = "**not met**"
			}
			fmt.Fprintf(&md, "- Budget %s: %s.\n", mark, c.what)
		}
		for _, n := range r.notes {
			fmt.Fprintf(&md, "- %s\n", n)
		}
	}
	return report{table: t.String(), markdown: md.String(), failed: failed}
}

// Markers of the generated part of BENCHMARKS.md: a rerun replaces what is
// between them and keeps the hand-written text around them.
const (
	generatedBegin = "<!-- make bench: generated from here -->"
	generatedEnd   = "<!-- make bench: generated up to here -->"
)

const defaultIntro = "# Benchmarks\n\n" +
	"What plans and applies at scale cost: admin API requests (each one a network round trip that counts against " +
	"Atlassian's rate limit), wall time next to Terraform's own overhead, and the provider's memory. `make bench` " +
	"(`go run ./scripts/bench`) measures them and rewrites the generated part of this file; rerun it to measure your machine.\n\n"

// splice puts the generated report into an existing file's markers, or
// makes a new file.
func splice(existing, generated string) string {
	block := generatedBegin + "\n\n" + strings.TrimSpace(generated) + "\n\n" + generatedEnd
	i, j := strings.Index(existing, generatedBegin), strings.Index(existing, generatedEnd)
	if i < 0 || j < i {
		return defaultIntro + block + "\n"
	}
	return existing[:i] + block + existing[j+len(generatedEnd):]
}
