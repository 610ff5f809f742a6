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
	// BusiestSecond is the most requests that arrived within any one second
	// (a sliding window, not calendar seconds): what a client's rate limit
	// is held to.
	BusiestSecond int64 `json:"busiest_second"`
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
	// lastSecond holds the arrival times of the requests of the last
	// second, oldest first; busiest is the most it ever held.
	lastSecond []time.Time
	busiest    int64
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
	cutoff := now.Add(-time.Second)
	drop := 0
	for drop < len(s.lastSecond) && !s.lastSecond[drop].After(cutoff) {
		drop++
	}
	s.lastSecond = append(s.lastSecond[drop:], now)
	s.busiest = max(s.busiest, int64(len(s.lastSecond)))
}

func (s *statsRecorder) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Total: s.total, ByRoute: maps.Clone(s.byRoute), Windows: maps.Clone(s.windows), BusiestSecond: s.busiest}
}

func (s *statsRecorder) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total = 0
	clear(s.byRoute)
	clear(s.windows)
	s.lastSecond, s.busiest = nil, 0
}
