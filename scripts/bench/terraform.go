package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// workspace is one Terraform working directory, driven through
// internal/tfdriver.
type workspace struct {
	b   *bench
	dir string
	tf  *tfdriver.Workdir
}

func (b *bench) workspace(name string) (*workspace, error) {
	dir := filepath.Join(b.dir, "work", name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tf, err := tfdriver.New(context.Background(), tfdriver.Options{
		Terraform: b.terraform, Dir: dir, CLIConfig: filepath.Join(b.dir, "terraformrc"),
	})
	if err != nil {
		return nil, err
	}
	return &workspace{b: b, dir: dir, tf: tf}, nil
}

func (w *workspace) path(name string) string { return filepath.Join(w.dir, name) }

func (w *workspace) write(name, content string) error {
	return os.WriteFile(w.path(name), []byte(content), 0o644)
}

func (w *workspace) writeJSON(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(w.path(name), data, 0o644)
}

// clean removes Terraform's files, keeping the configuration.
func (w *workspace) clean(names ...string) {
	for _, n := range names {
		_ = os.RemoveAll(w.path(n))
	}
}

// command is one terraform command a scenario runs.
type command struct {
	name string
	run  func(context.Context, *tfdriver.Workdir) (tfdriver.Result, error)
}

// Terraform's commands as the scenarios run them: plans always with
// -detailed-exitcode (0 no changes, 2 changes), applies without asking.
var (
	planCmd = command{"plan", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
		_, res, err := w.Plan(ctx)
		return res, err
	}}
	applyCmd = command{"apply", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
		return w.Apply(ctx)
	}}
)

// planTo plans into a saved plan file.
func planTo(path string) command {
	return command{"plan", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
		_, res, err := w.Plan(ctx, tfexec.Out(path))
		return res, err
	}}
}

// applyPlan applies a saved plan.
func applyPlan(path string) command {
	return command{"apply", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
		return w.Apply(ctx, tfexec.DirOrPlan(path))
	}}
}

// terraform runs a command in the workspace. It must end with one of
// okCodes (a plan that was meant to find no changes and found some is a
// failure too); a failure is an error that carries the output's tail,
// the whole output being written next to the workspace.
func (w *workspace) terraform(ctx context.Context, okCodes []int, c command) (tfdriver.Result, error) {
	res, err := c.run(ctx, w.tf)
	if err == nil && slices.Contains(okCodes, res.ExitCode) {
		return res, nil
	}
	if err == nil {
		err = fmt.Errorf("exit code %d, want one of %v", res.ExitCode, okCodes)
	}
	log := filepath.Join(w.dir, fmt.Sprintf("failed-%s.log", c.name))
	if writeErr := os.WriteFile(log, []byte(res.Output), 0o644); writeErr != nil {
		log = writeErr.Error()
	}
	return res, fmt.Errorf("terraform %s in %s: %v\n%s\n(full output: %s)",
		res.Command, w.dir, err, tail(res.Output, 30), log)
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// ---- state files ----

// stateFile is a Terraform state (format version 4) written directly, so
// that a scenario's thousands of existing resources need no unmeasured
// apply. Only managed resources with for_each keys (or none) are needed.
type stateFile struct {
	Version          int             `json:"version"`
	TerraformVersion string          `json:"terraform_version"`
	Serial           int             `json:"serial"`
	Lineage          string          `json:"lineage"`
	Outputs          map[string]any  `json:"outputs"`
	Resources        []stateResource `json:"resources"`
	CheckResults     any             `json:"check_results"`
}

type stateResource struct {
	Mode      string          `json:"mode"`
	Type      string          `json:"type"`
	Name      string          `json:"name"`
	Provider  string          `json:"provider"`
	Instances []stateInstance `json:"instances"`
}

type stateInstance struct {
	IndexKey            any            `json:"index_key,omitempty"`
	SchemaVersion       int            `json:"schema_version"`
	Attributes          map[string]any `json:"attributes"`
	SensitiveAttributes []any          `json:"sensitive_attributes"`
}

func (b *bench) newState(resources ...stateResource) stateFile {
	return stateFile{
		Version: 4, TerraformVersion: b.terraformVersion, Serial: 1, Lineage: newUUID(),
		Outputs: map[string]any{}, Resources: resources,
	}
}

func providerRef(address string) string { return fmt.Sprintf("provider[%q]", address) }

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
