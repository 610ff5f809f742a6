package sandbox

import (
	"encoding/json"
	"errors"
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
	err = writeAndClose(tmp, raw)
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		// The partial file goes; nothing is left to remove after a rename.
		return fmt.Errorf("sandbox: saving state: %w", errors.Join(err, os.Remove(tmp.Name())))
	}
	return nil
}

// writeAndClose writes raw into the temporary file f and closes it.
func writeAndClose(f *os.File, raw []byte) error {
	// CreateTemp's 0600 is needlessly strict for test data.
	err := f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(raw)
	}
	return errors.Join(err, f.Close())
}
