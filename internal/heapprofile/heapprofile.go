// Package heapprofile writes the provider's heap profile at its peak, for
// finding what holds the memory of a large plan. A profile written at exit
// shows what is left, not what the peak held, and the peak is brief: a
// watcher polls the live heap and rewrites the profile each time the heap
// grows well past the last profile's size.
package heapprofile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// EnvDir names the environment variable that turns the watcher on: the
// directory to write heap-<pid>.pprof into.
const EnvDir = "ATLASSIAN_PROVIDER_HEAP_PROFILE_DIR"

// pollEvery and growth trade the profile's closeness to the true peak for
// the cost of writing it: a profile is written at most once per poll, and
// only after the heap has grown by growth over the last one.
const (
	pollEvery = 200 * time.Millisecond
	growth    = 1.1
)

const liveHeapMetric = "/memory/classes/heap/objects:bytes"

// StartFromEnv starts the watcher when EnvDir is set, and returns the
// function that stops it. It returns an error, and starts nothing, when the
// directory cannot be made.
func StartFromEnv(ctx context.Context) (stop func(), err error) {
	dir := os.Getenv(EnvDir)
	if dir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%s: %w", EnvDir, err)
	}
	w := &watcher{path: filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", os.Getpid()))}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.watch(ctx)
	}()
	return func() { cancel(); <-done }, nil
}

type watcher struct {
	path    string
	written uint64 // the live heap when the profile was last written
	sample  [1]metrics.Sample
}

func (w *watcher) watch(ctx context.Context) {
	w.sample[0].Name = liveHeapMetric
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			metrics.Read(w.sample[:])
			live := w.sample[0].Value.Uint64()
			if float64(live) < float64(w.written)*growth {
				continue
			}
			if err := w.write(); err != nil {
				// A profile is a diagnostic aid: say once why there is
				// none, and stop watching rather than fail the provider.
				fmt.Fprintf(os.Stderr, "heapprofile: %v\n", err)
				return
			}
			w.written = live
		}
	}
}

// write replaces the profile through a temporary file, so that a reader
// never sees half of one.
func (w *watcher) write() error {
	tmp := w.path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		return errors.Join(err, f.Close())
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, w.path)
}
