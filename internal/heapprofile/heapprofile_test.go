package heapprofile

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// A watched process whose heap grows gets a profile, in pprof's gzipped
// form, without being asked.
func TestProfileWrittenWhenTheHeapGrows(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	stop, err := StartFromEnv(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	path := filepath.Join(dir, "heap-"+strconv.Itoa(os.Getpid())+".pprof")
	var held [][]byte
	deadline := time.Now().Add(30 * time.Second)
	for {
		held = append(held, make([]byte, 1<<20))
		if profile, err := os.ReadFile(path); err == nil {
			if !bytes.HasPrefix(profile, []byte{0x1f, 0x8b}) {
				t.Fatalf("%s is not a gzipped pprof profile", path)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no profile at %s after the heap grew by %d MiB", path, len(held))
		}
		// Poll at twice the watcher's rate.
		<-time.After(pollEvery / 2)
	}
}

func TestUnwritableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvDir, filepath.Join(file, "profiles"))
	if _, err := StartFromEnv(t.Context()); err == nil {
		t.Fatal("a directory under a file was accepted")
	}
}
