package tfdriver

import (
	"os"
	"path/filepath"
	"strings"
)

// CopyConfiguration copies the .tf files of one directory into another, as
// a user's working directory starts from an example: only the files at its
// top level (Terraform reads no others), never its state or lock file.
func CopyConfiguration(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
