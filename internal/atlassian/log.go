package atlassian

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the client's log lines: retries,
// the waits before them, and pauses of the client-side rate limit. Its
// level follows TF_LOG_PROVIDER, or TF_LOG_PROVIDER_ATLASSIAN_CLIENT when
// that is set.
//
// The client logs through tflog on each request's own context, rather than
// through a logger handed to it at construction: the provider's requests
// reach the client only through the connector server, which passes their
// context down unchanged, and that context already carries the logger
// Terraform's plugin server set up for the RPC (its level, its log file,
// the provider's fields). A logger held by the client would have to be
// threaded through orgconfig, the connector and access, and would log
// without the RPC's fields. Where no provider logger is on the context
// (baton-atlassian, plain tests) tflog does nothing, and baton-atlassian
// keeps the SDK's own logging.
const LogSubsystem = "atlassian_client"

// noticeablePause is how long the client-side rate limit must hold a
// request back before the pause is worth a log line: shorter ones are the
// limiter's ordinary spacing of concurrent requests.
const noticeablePause = time.Second

// logContext returns ctx with the client's subsystem, masking the API key
// should any value ever contain it. It is built only when there is
// something to log, so the common path costs nothing.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_ATLASSIAN", "CLIENT"))
	if c.token != "" {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, c.token)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, c.token)
	}
	return ctx
}

// logRetry says that a call will be sent again after wait, and why. It
// names the route template, never the URL's values or any header.
func (c *Client) logRetry(ctx context.Context, r request, attempt int, resp *http.Response, err error, wait time.Duration) {
	fields := map[string]any{
		"method": r.method, "route": r.route, "attempt": attempt,
		"wait": wait.Round(time.Millisecond).String(), "wait_ms": wait.Milliseconds(),
	}
	msg := "retrying after a transport error"
	if resp != nil {
		fields["status"] = resp.StatusCode
		fields["wait_reason"] = waitReason(resp)
		if v := resp.Header.Get("X-RateLimit-Remaining"); v != "" {
			fields["rate_limit_remaining"] = v
		}
		msg = "retrying after HTTP " + strconv.Itoa(resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests {
			msg = "rate limited (HTTP 429): waiting before the next attempt"
		}
	} else if err != nil {
		fields["error"] = c.redact(err.Error())
	}
	tflog.SubsystemDebug(c.logContext(ctx), LogSubsystem, msg, fields)
}

// logGiveUp says that a retryable answer is the result because the retry
// budget (attempts or time) is spent.
func (c *Client) logGiveUp(ctx context.Context, r request, attempt int, resp *http.Response, wait time.Duration) {
	fields := map[string]any{"method": r.method, "route": r.route, "attempt": attempt,
		"wait": wait.Round(time.Millisecond).String()}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	tflog.SubsystemDebug(c.logContext(ctx), LogSubsystem, "not retrying: the wait would end past the retry budget", fields)
}

// logPause reports a long hold of the client-side rate limit.
func (c *Client) logPause(ctx context.Context, method string, waited time.Duration) {
	if waited < noticeablePause {
		return
	}
	tflog.SubsystemDebug(c.logContext(ctx), LogSubsystem, "paused by the client-side rate limit", map[string]any{
		"method": method, "waited": waited.Round(time.Millisecond).String(), "waited_ms": waited.Milliseconds(),
	})
}

// waitReason names what set a wait: the server's Retry-After or
// X-RateLimit-Reset, else the client's own backoff.
func waitReason(resp *http.Response) string {
	if _, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok &&
		(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		return "Retry-After"
	}
	if _, ok := ParseRateLimitReset(resp.Header.Get("X-RateLimit-Reset")); ok && resp.StatusCode == http.StatusTooManyRequests {
		return "X-RateLimit-Reset"
	}
	return "backoff"
}
