package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// workspace is one Terraform working directory.
type workspace struct {
	b   *bench
	dir string
}

func (b *bench) workspace(name string) (*workspace, error) {
	dir := filepath.Join(b.dir, "work", name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &workspace{b: b, dir: dir}, nil
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

// tfResult is one finished terraform command.
type tfResult struct {
	exitCode int
	stdout   string
	wall     time.Duration
}

// terraform runs the CLI in the workspace. A non-zero exit is returned as a
// result, not an error, when it is one of okCodes (plan -detailed-exitcode
// answers 2 for "changes"); any other failure is an error that carries the
// output's tail.
func (w *workspace) terraform(ctx context.Context, env []string, okCodes []int, args ...string) (tfResult, error) {
	cmd := exec.CommandContext(ctx, w.b.terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = append(append(os.Environ(), w.b.terraformEnv()...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := tfResult{wall: time.Since(start), stdout: stdout.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &exit):
		res.exitCode = exit.ExitCode()
		for _, code := range okCodes {
			if code == res.exitCode {
				return res, nil
			}
		}
	}
	log := filepath.Join(w.dir, fmt.Sprintf("failed-%s.log", args[0]))
	_ = os.WriteFile(log, append(stdout.Bytes(), stderr.Bytes()...), 0o644)
	return res, fmt.Errorf("terraform %s in %s: %v\n%s\n(full output: %s)",
		strings.Join(args, " "), w.dir, err, tail(stderr.String()+stdout.String(), 30), log)
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
