package sandbox

import (
	"maps"
	"sync"
	"time"
)

// Stats counts the admin API requests the sandbox received, including those
// answered by faults, so tests can assert how many calls a client made. It is
// the JSON of GET /_sandbox/stats. Control endpoints are never counted.
type Stats struct {
	Total int64 `json:"total"`
	// ByRoute is keyed by route template, e.g.
	// "GET /admin/v2/orgs/{orgId}/directories/{dirId}/users"; requests no
	// route matched are counted under "UNMATCHED".
	ByRoute map[string]int64 `json:"by_route"`
	// Windows holds, by the same keys, when the first and the last request
	// of each route arrived: a benchmark reads from them when a command
	// started writing and how long its writes took.
	Windows map[string]Window `json:"windows"`
}

// Window is when the first and the last counted request of a route arrived.
type Window struct {
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

type statsRecorder struct {
	mu      sync.Mutex
	total   int64
	byRoute map[string]int64
	windows map[string]Window
}

func newStatsRecorder() *statsRecorder {
	return &statsRecorder{byRoute: make(map[string]int64), windows: make(map[string]Window)}
}

func (s *statsRecorder) record(route string) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.byRoute[route]++
	w, seen := s.windows[route]
	if !seen {
		w.First = now
	}
	w.Last = now
	s.windows[route] = w
}

func (s *statsRecorder) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Total: s.total, ByRoute: maps.Clone(s.byRoute), Windows: maps.Clone(s.windows)}
}

func (s *statsRecorder) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total = 0
	clear(s.byRoute)
	clear(s.windows)
}
