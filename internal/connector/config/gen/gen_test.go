package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedFileIsGenerated fails when conf.gen.go differs from what the
// generator writes from the field declarations: run go generate in
// internal/connector/config and commit the result.
func TestCommittedFileIsGenerated(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join("..", genFile))
	if err != nil {
		t.Fatal(err)
	}
	// The generator writes into the working directory; a temporary one
	// keeps the committed file untouched.
	dir := t.TempDir()
	t.Chdir(dir)
	if err := generate(); err != nil {
		t.Fatal(err)
	}
	fresh, err := os.ReadFile(filepath.Join(dir, genFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, fresh) {
		t.Fatalf("internal/connector/config/%s is stale: run go generate ./internal/connector/config and commit it\n--- committed\n%s\n--- generated\n%s", genFile, committed, fresh)
	}
}
