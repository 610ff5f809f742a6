package sandbox

import (
	"cmp"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults configures failures injected into admin API requests, so clients
// can be tested against the bad days of the real service. Every field is
// optional and zero means off. It is the JSON of GET/PUT /_sandbox/faults.
type Faults struct {
	// LatencyMS delays every request before it is handled (abandoned early
	// when the client cancels).
	LatencyMS int `json:"latency_ms"`
	// RateLimitPerSecond enables a token bucket (burst = one second's worth)
	// over all admin requests; requests over it get a real 429.
	RateLimitPerSecond float64 `json:"rate_limit_per_second"`
	// RetryAfterSeconds, when positive, adds Retry-After to 429 answers.
	RetryAfterSeconds int `json:"retry_after_seconds"`
	// ErrorRate is the fraction of requests answered ErrorStatus (default
	// 500) with an ADMIN-UAM-<status>-1 envelope, before any mutation.
	ErrorRate   float64 `json:"error_rate"`
	ErrorStatus int     `json:"error_status"`
	// ResetConnectionRate is the fraction of requests whose TCP connection is
	// reset without an answer, before any mutation.
	ResetConnectionRate float64 `json:"reset_connection_rate"`

	// Routes limits the faults to these route templates, given as
	// "METHOD /admin/..." (the Stats keys) or just the path template. Empty
	// means every admin route.
	Routes []string `json:"routes,omitempty"`
	// RateLimitHeaders chooses the X-RateLimit-* headers of a 429: "all"
	// (default: Limit, Remaining, Reset), "reset_only", or "none".
	RateLimitHeaders string `json:"rate_limit_headers,omitempty"`
	// ResetWithoutSeconds formats X-RateLimit-Reset as 2026-03-26T16:01Z,
	// which strict RFC 3339 parsers reject (the real service does this).
	ResetWithoutSeconds bool `json:"reset_without_seconds"`
	// GarbageRate is the fraction of requests answered with a broken body:
	// GarbageKind "json" (default) is a 200 with truncated JSON, "html" a 502
	// HTML page from a proxy.
	GarbageRate float64 `json:"garbage_rate"`
	GarbageKind string  `json:"garbage_kind,omitempty"`
	// LoseAnswerRate is the fraction of requests that are handled, their
	// change applied, but whose answer is lost: the connection is reset
	// instead. It is the ambiguous failure a client must recover from by
	// reading before it writes again.
	LoseAnswerRate float64 `json:"lose_answer_rate"`
	// ErrorAfterWriteRate is the fraction of write requests (every method
	// but GET) that are carried out and then answered ErrorStatus (default
	// 500) instead of their answer, as a gateway that times out on a
	// backend that did act: the client cannot tell it from a failure that
	// changed nothing.
	ErrorAfterWriteRate float64 `json:"error_after_write_rate"`
}

// InjectedFaultHeader is set on every answer a fault produced on purpose (a
// 429 of the rate limit, an injected error or broken body, an error after
// the write), its value naming the fault, so that a contract check can tell
// them from the organization's own answers.
const InjectedFaultHeader = "X-Sandbox-Injected-Fault"

// Accepted values of Faults.RateLimitHeaders and Faults.GarbageKind.
const (
	RateLimitHeadersAll       = "all"
	RateLimitHeadersResetOnly = "reset_only"
	RateLimitHeadersNone      = "none"

	GarbageJSON = "json"
	GarbageHTML = "html"
)

// Validate reports the first out-of-range field; PUT /_sandbox/faults
// answers 400 with it.
func (f Faults) Validate() error {
	for name, rate := range map[string]float64{
		"error_rate": f.ErrorRate, "reset_connection_rate": f.ResetConnectionRate, "garbage_rate": f.GarbageRate,
		"lose_answer_rate":       f.LoseAnswerRate,
		"error_after_write_rate": f.ErrorAfterWriteRate,
	} {
		if rate < 0 || rate > 1 || math.IsNaN(rate) {
			return fmt.Errorf("%s must be between 0 and 1", name)
		}
	}
	switch {
	case f.LatencyMS < 0:
		return fmt.Errorf("latency_ms must not be negative")
	case f.RateLimitPerSecond < 0 || math.IsNaN(f.RateLimitPerSecond) || math.IsInf(f.RateLimitPerSecond, 0):
		return fmt.Errorf("rate_limit_per_second must be a non-negative number")
	case f.RetryAfterSeconds < 0:
		return fmt.Errorf("retry_after_seconds must not be negative")
	case f.ErrorStatus != 0 && (f.ErrorStatus < 400 || f.ErrorStatus > 599):
		return fmt.Errorf("error_status must be a 4xx or 5xx status")
	}
	switch f.RateLimitHeaders {
	case "", RateLimitHeadersAll, RateLimitHeadersResetOnly, RateLimitHeadersNone:
	default:
		return fmt.Errorf("rate_limit_headers must be %q, %q or %q", RateLimitHeadersAll, RateLimitHeadersResetOnly, RateLimitHeadersNone)
	}
	switch f.GarbageKind {
	case "", GarbageJSON, GarbageHTML:
	default:
		return fmt.Errorf("garbage_kind must be %q or %q", GarbageJSON, GarbageHTML)
	}
	return nil
}

// sanitized clamps a configuration set through the Go API (which cannot
// return an error) into the valid ranges.
func (f Faults) sanitized() Faults {
	clamp := func(p float64) float64 {
		if math.IsNaN(p) {
			return 0
		}
		return min(max(p, 0), 1)
	}
	f.ErrorRate = clamp(f.ErrorRate)
	f.ResetConnectionRate = clamp(f.ResetConnectionRate)
	f.GarbageRate = clamp(f.GarbageRate)
	f.LoseAnswerRate = clamp(f.LoseAnswerRate)
	f.ErrorAfterWriteRate = clamp(f.ErrorAfterWriteRate)
	f.LatencyMS = max(f.LatencyMS, 0)
	f.RetryAfterSeconds = max(f.RetryAfterSeconds, 0)
	if f.RateLimitPerSecond < 0 || math.IsNaN(f.RateLimitPerSecond) || math.IsInf(f.RateLimitPerSecond, 0) {
		f.RateLimitPerSecond = 0
	}
	if f.ErrorStatus != 0 && (f.ErrorStatus < 400 || f.ErrorStatus > 599) {
		f.ErrorStatus = 0
	}
	if f.Validate() != nil { // unknown enum spellings fall back to defaults
		f.RateLimitHeaders, f.GarbageKind = "", ""
	}
	return f
}

// faultInjector decides, per request, whether a fault answers instead of the
// handler. Its dice come from a seeded source so a fault pattern repeats.
type faultInjector struct {
	dice *lockedRand

	mu     sync.Mutex
	cfg    Faults
	routes map[string]bool // nil = all routes
	bucket tokenBucket
}

func newFaultInjector(seed uint64) *faultInjector {
	return &faultInjector{dice: newLockedRand(seed, 0x6661756c7473)} // "faults"
}

func (f *faultInjector) set(cfg Faults) {
	cfg = cfg.sanitized()
	cfg.Routes = append([]string(nil), cfg.Routes...)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = cfg
	f.routes = nil
	if len(cfg.Routes) > 0 {
		f.routes = make(map[string]bool, len(cfg.Routes))
		for _, route := range cfg.Routes {
			f.routes[strings.TrimSpace(route)] = true
		}
	}
	f.bucket = newTokenBucket(cfg.RateLimitPerSecond, time.Now())
}

func (f *faultInjector) get() Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	cfg := f.cfg
	cfg.Routes = append([]string(nil), cfg.Routes...)
	if len(cfg.Routes) == 0 {
		cfg.Routes = nil
	}
	return cfg
}

// forRoute returns the configuration and whether it applies to the route
// pattern ("GET /admin/...").
func (f *faultInjector) forRoute(pattern string) (Faults, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.routes == nil {
		return f.cfg, true
	}
	_, path, _ := strings.Cut(pattern, " ")
	return f.cfg, f.routes[pattern] || f.routes[path]
}

// takeToken consumes a rate-limit token.
func (f *faultInjector) takeToken() (ok bool, remaining int, resetAt time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bucket.take(time.Now())
}

// intercept applies the configured faults to a request and reports whether
// it answered (or dropped) the request. It runs before authentication and
// before the handler, so a faulted request has no effect.
func (f *faultInjector) intercept(w http.ResponseWriter, r *http.Request, pattern string, style errorStyle, requestID string) bool {
	cfg, applies := f.forRoute(pattern)
	if !applies {
		return false
	}
	if cfg.LatencyMS > 0 {
		timer := time.NewTimer(time.Duration(cfg.LatencyMS) * time.Millisecond)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return true // the client is gone; nobody to answer
		}
	}
	if f.dice.chance(cfg.ResetConnectionRate) {
		resetConnection(w)
		return true
	}
	if cfg.RateLimitPerSecond > 0 {
		ok, remaining, resetAt := f.takeToken()
		if !ok {
			w.Header().Set(InjectedFaultHeader, "rate_limit")
			writeRateLimited(w, style, requestID, cfg, resetAt)
			return true
		}
		if cfg.RateLimitHeaders == "" || cfg.RateLimitHeaders == RateLimitHeadersAll {
			w.Header().Set("X-RateLimit-Limit", formatRate(cfg.RateLimitPerSecond))
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		}
	}
	if f.dice.chance(cfg.ErrorRate) {
		w.Header().Set(InjectedFaultHeader, "error")
		status := cmp.Or(cfg.ErrorStatus, http.StatusInternalServerError)
		writeAPIError(w, style, requestID, &apiError{
			Status: status,
			Code:   fmt.Sprintf("ADMIN-UAM-%d-1", status),
			Detail: "injected failure: the sandbox was asked to fail this request",
		})
		return true
	}
	if f.dice.chance(cfg.GarbageRate) {
		w.Header().Set(InjectedFaultHeader, "garbage")
		writeGarbage(w, cfg.GarbageKind)
		return true
	}
	return false
}

// loseAnswer decides whether the answer of a request that was handled is
// dropped (LoseAnswerRate).
func (f *faultInjector) loseAnswer(pattern string) bool {
	cfg, applies := f.forRoute(pattern)
	return applies && f.dice.chance(cfg.LoseAnswerRate)
}

// failsAfterWrite decides whether a request that passed intercept is to be
// carried out and then answered with an error (ErrorAfterWriteRate).
func (f *faultInjector) failsAfterWrite(r *http.Request, pattern string) (int, bool) {
	if r.Method == http.MethodGet {
		return 0, false
	}
	cfg, applies := f.forRoute(pattern)
	if !applies || !f.dice.chance(cfg.ErrorAfterWriteRate) {
		return 0, false
	}
	return cmp.Or(cfg.ErrorStatus, http.StatusInternalServerError), true
}

// discardedAnswer is the ResponseWriter of a request whose answer a fault
// replaces (a lost answer or an error after the write): the handler runs,
// its answer is dropped.
type discardedAnswer struct{ header http.Header }

func (d *discardedAnswer) Header() http.Header         { return d.header }
func (d *discardedAnswer) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardedAnswer) WriteHeader(int)             {}

func formatRate(perSecond float64) string {
	return strconv.FormatFloat(perSecond, 'f', -1, 64)
}

// writeRateLimited answers 429 the way the real gateway does, in the route's
// documented envelope.
func writeRateLimited(w http.ResponseWriter, style errorStyle, requestID string, cfg Faults, resetAt time.Time) {
	h := w.Header()
	reset := formatRateLimitReset(resetAt, cfg.ResetWithoutSeconds)
	switch cfg.RateLimitHeaders {
	case RateLimitHeadersNone:
	case RateLimitHeadersResetOnly:
		h.Set("X-RateLimit-Reset", reset)
	default:
		h.Set("X-RateLimit-Limit", formatRate(cfg.RateLimitPerSecond))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", reset)
	}
	if cfg.RetryAfterSeconds > 0 {
		h.Set("Retry-After", strconv.Itoa(cfg.RetryAfterSeconds))
	}
	writeGatewayError(w, style, requestID, http.StatusTooManyRequests, codeRateLimited, "Rate limit exceeded")
}

// formatRateLimitReset renders the reset instant in ISO-8601 UTC, rounded up
// so a client waiting until then is never early: to the second
// (2026-11-26T12:00:05Z), or to the minute without seconds (2026-11-26T12:01Z).
func formatRateLimitReset(t time.Time, withoutSeconds bool) string {
	t = t.UTC()
	if withoutSeconds {
		if rounded := t.Truncate(time.Minute); rounded.Before(t) {
			t = rounded.Add(time.Minute)
		}
		return t.Format("2006-01-02T15:04Z")
	}
	if rounded := t.Truncate(time.Second); rounded.Before(t) {
		t = rounded.Add(time.Second)
	}
	return t.Format("2006-01-02T15:04:05Z")
}

// resetConnection drops the TCP connection with an RST (linger 0) and no
// answer, as a failing load balancer does. Where the connection cannot be
// hijacked (HTTP/2), aborting the handler resets the stream instead.
func resetConnection(w http.ResponseWriter) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if wrapped, ok := conn.(interface{ NetConn() net.Conn }); ok { // TLS
		raw = wrapped.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// Broken bodies of the garbage fault.
const (
	truncatedJSONBody = `{"data":[{"accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","status":"active","name":"Priya Nata`
	proxyErrorHTML    = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>awselb/2.0</center>\r\n</body>\r\n</html>\r\n"
)

func writeGarbage(w http.ResponseWriter, kind string) {
	if kind == GarbageHTML {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(proxyErrorHTML))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(truncatedJSONBody))
}

// tokenBucket is a classic token bucket: capacity tokens, refilled at rate
// per second. A zero rate means no limit.
type tokenBucket struct {
	rate     float64
	capacity float64
	tokens   float64
	last     time.Time
}

func newTokenBucket(rate float64, now time.Time) tokenBucket {
	capacity := max(rate, 1)
	return tokenBucket{rate: rate, capacity: capacity, tokens: capacity, last: now}
}

// take consumes one token if available. It returns the whole tokens left,
// and, when refused, the instant the next token becomes available.
func (b *tokenBucket) take(now time.Time) (ok bool, remaining int, resetAt time.Time) {
	if b.rate <= 0 {
		return true, 0, now
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(b.capacity, b.tokens+elapsed*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, int(b.tokens), now
	}
	wait := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
	return false, 0, now.Add(wait)
}
