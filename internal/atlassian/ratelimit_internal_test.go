package atlassian

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRateLimit(t *testing.T) {
	now := time.Date(2026, 3, 26, 15, 59, 30, 0, time.UTC)
	headers := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	cases := []struct {
		name   string
		status int
		header http.Header
		want   RateLimit
		ok     bool
	}{
		{"served with counts", 200, headers("X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "42"),
			RateLimit{Limit: 100, Remaining: 42}, true},
		{"served with a reset", 200, headers("X-RateLimit-Remaining", "3", "X-RateLimit-Reset", "2026-03-26T16:00:00Z"),
			RateLimit{Remaining: 3, ResetAt: time.Date(2026, 3, 26, 16, 0, 0, 0, time.UTC)}, true},
		{"fractional limit rounds down", 200, headers("X-RateLimit-Limit", "0.2", "X-RateLimit-Remaining", "0"),
			RateLimit{}, true},
		{"429: Retry-After wins over the reset", 429, headers("X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "2026-03-26T16:00Z", "Retry-After", "7"),
			RateLimit{Limit: 10, ResetAt: now.Add(7 * time.Second), Exceeded: true}, true},
		{"429: reset without seconds", 429, headers("X-RateLimit-Reset", "2026-03-26T16:01Z"),
			RateLimit{ResetAt: time.Date(2026, 3, 26, 16, 1, 0, 0, time.UTC), Exceeded: true}, true},
		{"429 without headers", 429, headers(), RateLimit{Exceeded: true}, true},
		{"503 Retry-After is not a rate limit", 503, headers("Retry-After", "3"), RateLimit{}, false},
		{"no headers", 200, headers(), RateLimit{}, false},
		{"unreadable headers count as absent", 200, headers("X-RateLimit-Limit", "lots", "X-RateLimit-Remaining", "-1", "X-RateLimit-Reset", "soon"),
			RateLimit{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := parseRateLimit(c.status, c.header, now)
			if ok != c.ok || got != c.want {
				t.Fatalf("parseRateLimit = %+v, %v; want %+v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}
