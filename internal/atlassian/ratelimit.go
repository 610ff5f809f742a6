package atlassian

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit is what one admin API answer said about the caller's rate
// limit, read from the headers Atlassian sends (X-RateLimit-Limit,
// X-RateLimit-Remaining, X-RateLimit-Reset, and Retry-After on a 429).
type RateLimit struct {
	// Limit and Remaining are the X-RateLimit-Limit and -Remaining counts,
	// zero when not sent. A fractional value is rounded down.
	Limit     int64
	Remaining int64
	// ResetAt is when requests are accepted again: Retry-After on a 429,
	// else X-RateLimit-Reset (the same precedence as the retry wait); zero
	// when neither was sent.
	ResetAt time.Time
	// Exceeded is set when the answer was 429 Too Many Requests; Remaining
	// is then zero whatever the header said.
	Exceeded bool
}

// RateLimitObserver collects the rate limit of the admin API answers to the
// calls made with the context ObserveRateLimit returned. Only the final
// answer of each call counts (a 429 that a retry got past does not), and
// only answers that say something about the limit: an answer without any of
// the headers leaves the observer as it was. It also adds up the time those
// calls spent waiting on rate limits (Waited). It is safe for concurrent use.
//
// It is a per-call observation rather than a field of each result so that
// every call, pages and writes alike, reports the same way without a
// change to its signature.
type RateLimitObserver struct {
	// parent is the observer of an enclosing ObserveRateLimit, which sees
	// everything this one sees.
	parent *RateLimitObserver

	mu     sync.Mutex
	last   RateLimit
	seen   bool
	waited time.Duration
}

type rateLimitObserverKey struct{}

// ObserveRateLimit returns a context whose admin API calls report their
// rate limit to the returned observer (and to any observer of ctx).
func ObserveRateLimit(ctx context.Context) (context.Context, *RateLimitObserver) {
	parent, _ := ctx.Value(rateLimitObserverKey{}).(*RateLimitObserver)
	o := &RateLimitObserver{parent: parent}
	return context.WithValue(ctx, rateLimitObserverKey{}, o), o
}

// Last returns the rate limit of the latest answer that carried one, and
// false when no answer did.
func (o *RateLimitObserver) Last() (RateLimit, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last, o.seen
}

// Waited is the time the observed calls spent held back by rate limits: the
// waits after answers 429 (Retry-After, X-RateLimit-Reset or backoff) and
// the pauses of the client-side rate limit (Config.RequestsPerSecond), as
// measured, not as planned: a wait the context cut short counts for what
// it lasted. Waits after server errors or transport errors, and the queue
// of the concurrency limit, are not rate-limit waits and are not counted.
// Concurrent calls' waits add up, so the total may exceed the wall time.
func (o *RateLimitObserver) Waited() time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.waited
}

func (o *RateLimitObserver) addWait(d time.Duration) {
	for ; o != nil; o = o.parent {
		o.mu.Lock()
		o.waited += d
		o.mu.Unlock()
	}
}

// observeRateLimitWait hands a measured rate-limit wait of a call to the
// context's observer, if any.
func observeRateLimitWait(ctx context.Context, d time.Duration) {
	o, ok := ctx.Value(rateLimitObserverKey{}).(*RateLimitObserver)
	if !ok || d <= 0 {
		return
	}
	o.addWait(d)
}

func (o *RateLimitObserver) record(rl RateLimit) {
	for ; o != nil; o = o.parent {
		o.mu.Lock()
		o.last, o.seen = rl, true
		o.mu.Unlock()
	}
}

// observeRateLimit hands the final answer of a call to the context's
// observer, if any.
func observeRateLimit(ctx context.Context, resp *http.Response) {
	o, ok := ctx.Value(rateLimitObserverKey{}).(*RateLimitObserver)
	if !ok || resp == nil {
		return
	}
	if rl, ok := parseRateLimit(resp.StatusCode, resp.Header, time.Now()); ok {
		o.record(rl)
	}
}

// parseRateLimit reads the rate-limit headers of an answer. It reports false
// when the answer says nothing about the limit: no header and not a 429.
// A header that does not parse counts as not sent; the call it came with
// has succeeded or failed on its own merits, and a malformed hint must not
// change that.
func parseRateLimit(status int, h http.Header, now time.Time) (RateLimit, bool) {
	var rl RateLimit
	limit, hasLimit := headerCount(h.Get("X-RateLimit-Limit"))
	remaining, hasRemaining := headerCount(h.Get("X-RateLimit-Remaining"))
	rl.Limit, rl.Remaining = limit, remaining
	// Retry-After is a rate-limit reset only on a 429; on a 503 it is about
	// an outage.
	if status == http.StatusTooManyRequests {
		rl.Exceeded = true
		rl.Remaining = 0
		if d, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
			rl.ResetAt = now.Add(d)
		}
	}
	if rl.ResetAt.IsZero() {
		if reset, ok := ParseRateLimitReset(h.Get("X-RateLimit-Reset")); ok {
			rl.ResetAt = reset
		}
	}
	return rl, hasLimit || hasRemaining || !rl.ResetAt.IsZero() || rl.Exceeded
}

// headerCount reads a non-negative count. Whole numbers are the usual form;
// a fractional one (a per-second rate below one) is rounded down.
func headerCount(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return n, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) || f > math.MaxInt64 {
		return 0, false
	}
	return int64(math.Floor(f)), true
}
