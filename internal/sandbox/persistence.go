package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// loadStateFile reads a state file written by Save (or by hand). A missing
// file is reported with an error wrapping fs.ErrNotExist.
func loadStateFile(path string) (State, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return State{}, err
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil {
		return State{}, fmt.Errorf("sandbox: parsing state file %s: %w", path, err)
	}
	return st, nil
}

// writeStateFile writes st as indented JSON through a temporary file renamed
// into place, so a crash mid-write never leaves a truncated state behind.
func writeStateFile(path string, st State) error {
	raw, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("sandbox: encoding state: %w", err)
	}
	raw = append(raw, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("sandbox: saving state: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after a successful rename
	// CreateTemp's 0600 is needlessly strict for test data.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox: saving state: %w", err)
	}
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox: saving state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("sandbox: saving state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("sandbox: saving state: %w", err)
	}
	return nil
}
