package atlassian

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy bounds how hard the client tries. It is the only place in the
// project that retries a call as it was sent: callers above the client must
// not retry again. The one exception is a create, which is not safe to
// replay: the client sends it once (429s and failed dials aside, which
// Atlassian never acted on), and the access layer, which knows whether the
// group existed before, decides whether a failed create is sent again or
// its group adopted (access.View.CreateGroup).
type RetryPolicy struct {
	// MaxAttempts counts the first attempt too; default 8.
	MaxAttempts int
	// RateLimitedAttempts is how many attempts beyond MaxAttempts answers
	// 429 may use up: Atlassian did not act on those, so a rate-limit storm
	// on top of a few server errors does not end a call that waiting would
	// see through. Default MaxAttempts-1 (so one attempt when MaxAttempts is
	// 1); negative means none.
	RateLimitedAttempts int
	// MaxElapsed bounds the time spent on one call, waits included; a wait
	// that would end past it is not started. Default 3 minutes.
	MaxElapsed time.Duration
	// MinWait and MaxWait bound the exponential backoff (defaults 250 ms and
	// 30 s). A wait the server asks for (Retry-After, X-RateLimit-Reset) is
	// honoured as asked, within MaxElapsed.
	MinWait, MaxWait time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 8
	}
	switch {
	case p.RateLimitedAttempts == 0:
		p.RateLimitedAttempts = p.MaxAttempts - 1
	case p.RateLimitedAttempts < 0:
		p.RateLimitedAttempts = 0
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 3 * time.Minute
	}
	if p.MinWait <= 0 {
		p.MinWait = 250 * time.Millisecond
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 30 * time.Second
	}
	if p.MaxWait < p.MinWait {
		p.MaxWait = p.MinWait
	}
	return p
}

// Stats counts what a client sent.
type Stats struct {
	Requests int64 // every attempt, retries included
	Retries  int64 // attempts after the first
}

type counters struct{ requests, retries atomic.Int64 }

func (c *counters) snapshot() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load()}
}

// send runs one call through go-retryablehttp with this project's policy:
//   - 429 is always retried (Atlassian did not act on the call), after
//     Retry-After when present, else until X-RateLimit-Reset, else an
//     exponential backoff with jitter;
//   - 5xx and transport errors (connection resets) are retried only when the
//     call is safe to replay, except a failed dial, which any call may retry
//     (requestNeverSent); a host that does not resolve is never retried;
//   - attempts and total time are bounded, and the context cancels waits.
//
// It returns the final response (success or not) and the attempt count.
func (c *Client) send(ctx context.Context, r request, rawURL string, payload []byte) (*http.Response, int, error) {
	policy := c.retry
	start := time.Now()
	attempts := 0
	rateLimited := 0 // attempts answered 429
	var nextWait time.Duration
	var lastErr error // the transport error of the attempt being retried
	// rateLimitWaitStart is when the wait after a 429 began, zero when no
	// such wait is under way; the wait is measured when the next attempt
	// starts (or the call ends), so that the observer gets the time really
	// waited.
	var rateLimitWaitStart time.Time
	endRateLimitWait := func() {
		if !rateLimitWaitStart.IsZero() {
			observeRateLimitWait(ctx, time.Since(rateLimitWaitStart))
			rateLimitWaitStart = time.Time{}
		}
	}

	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryMax:     policy.MaxAttempts - 1 + policy.RateLimitedAttempts,
		RetryWaitMin: policy.MinWait,
		RetryWaitMax: policy.MaxWait,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
			endRateLimitWait()
			attempts = attempt + 1
			if attempt > 0 {
				c.stats.retries.Add(1)
			}
		},
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			retry, wait := policy.decide(r.replaySafe, attempts, resp, err)
			if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
				rateLimited++
			}
			// Every attempt counts against MaxAttempts, except the 429s
			// that RateLimitedAttempts allows on top.
			if attempts-min(rateLimited, policy.RateLimitedAttempts) >= policy.MaxAttempts {
				retry = false
			}
			if !retry {
				// A transport error that will not be retried is the result.
				if resp == nil && err != nil {
					return false, err
				}
				return false, nil
			}
			if time.Since(start)+wait > policy.MaxElapsed {
				c.logGiveUp(ctx, r, attempts, resp, wait)
				if resp == nil {
					return false, err
				}
				return false, nil
			}
			nextWait, lastErr = wait, err
			return true, nil
		},
		// Backoff is called only when a wait is really about to start (not
		// after the last allowed attempt), so that is where it is logged.
		Backoff: func(_, _ time.Duration, _ int, resp *http.Response) time.Duration {
			c.logRetry(ctx, r, attempts, resp, lastErr, nextWait)
			if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
				rateLimitWaitStart = time.Now()
			}
			return nextWait
		},
		// Hand back the last answer so that its envelope is decoded into a
		// typed error rather than retryablehttp's generic "giving up".
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	var body any
	if payload != nil {
		body = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, rawURL, body)
	if err != nil {
		return nil, 0, err
	}
	resp, err := rc.Do(req)
	endRateLimitWait() // a wait the context cut short
	observeRateLimit(ctx, resp)
	if err != nil && resp != nil {
		// CheckRetry declined with a response in hand: that response is
		// the answer to decode.
		return resp, attempts, nil
	}
	return resp, attempts, err
}

// decide says whether an attempt's outcome is worth another try, and after
// how long. attempt is the number of attempts made so far (1 after the first).
func (p RetryPolicy) decide(replaySafe bool, attempt int, resp *http.Response, err error) (bool, time.Duration) {
	if err != nil || resp == nil {
		if hostNotFound(err) != nil || !transportErrorRetryable(err) {
			return false, 0
		}
		if !replaySafe && !requestNeverSent(err) {
			return false, 0
		}
		return true, p.backoff(attempt)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, p.rateLimitWait(attempt, resp.Header, time.Now())
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		if !replaySafe {
			return false, 0
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				return true, d
			}
		}
		return true, p.backoff(attempt)
	}
	return false, 0
}

// transportErrorRetryable filters out errors no retry can fix (bad URL
// scheme, TLS trust, too many redirects), using retryablehttp's own rules.
func transportErrorRetryable(err error) bool {
	retry, _ := retryablehttp.DefaultRetryPolicy(context.Background(), nil, err)
	return retry
}

// requestNeverSent reports whether a transport error came before any byte
// of the request was written: the dial to the server, or to the HTTP proxy
// (which net/http reports with Op "proxyconnect"). The server never saw
// such a request, so sending it again is safe even for a create.
func requestNeverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect")
}

// hostNotFound returns the DNS error of a host name that does not resolve
// (NXDOMAIN), or nil. Such a name is a wrong base URL or proxy, not a
// passing failure, so retrying it would only spend the retry budget; a DNS
// timeout or server failure is not "not found" and stays retryable.
func hostNotFound(err error) *net.DNSError {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return dnsErr
	}
	return nil
}

// backoff is "full jitter" exponential backoff: a random wait between
// MinWait and min(MaxWait, MinWait*2^(attempt-1)).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.MinWait
	for i := 1; i < attempt && ceiling < p.MaxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxWait)
	if ceiling <= p.MinWait {
		return p.MinWait
	}
	return p.MinWait + rand.N(ceiling-p.MinWait)
}

// rateLimitWait picks the wait after a 429: Retry-After, else the
// X-RateLimit-Reset instant, else backoff. A little jitter spreads the
// workers that were all told the same instant.
func (p RetryPolicy) rateLimitWait(attempt int, h http.Header, now time.Time) time.Duration {
	if d, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
		return d + jitter(d)
	}
	if reset, ok := ParseRateLimitReset(h.Get("X-RateLimit-Reset")); ok {
		// The reset instant has at most second precision: add a little so
		// that the retry lands after it, not on it.
		d := max(reset.Sub(now), 0)
		return d + jitter(d) + p.MinWait/5
	}
	return p.backoff(attempt)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d/10 + 1)
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// rateLimitResetLayouts are the ISO-8601 forms Atlassian sends; strict
// RFC 3339 rejects the one without seconds ("2026-03-26T16:00Z").
var rateLimitResetLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
}

// ParseRateLimitReset parses an X-RateLimit-Reset value. Values without a
// zone are taken as UTC, which is what Atlassian documents.
func ParseRateLimitReset(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	for _, layout := range rateLimitResetLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
