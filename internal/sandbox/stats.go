package sandbox

import (
	"maps"
	"sync"
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
}

type statsRecorder struct {
	mu      sync.Mutex
	total   int64
	byRoute map[string]int64
}

func newStatsRecorder() *statsRecorder {
	return &statsRecorder{byRoute: make(map[string]int64)}
}

func (s *statsRecorder) record(route string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.byRoute[route]++
}

func (s *statsRecorder) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Total: s.total, ByRoute: maps.Clone(s.byRoute)}
}

func (s *statsRecorder) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total = 0
	clear(s.byRoute)
}
