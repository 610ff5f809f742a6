// Package atlassian is a thin client for the Atlassian Cloud organization
// admin REST API (https://api.atlassian.com/admin): typed calls for the
// endpoints the connector needs, listings that always reach the last page,
// typed errors decoded from every envelope Atlassian uses, and one retry
// policy with a client-side rate and concurrency limit.
package atlassian

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// AllDirectories is the directory id that, on reads, means every directory
// the caller may manage. Writes need a group's real directory id.
const AllDirectories = "-"

// MaxPageSize is the largest `limit` the v2 directory endpoints accept; a
// larger one is answered 400, not clamped.
const MaxPageSize = 100

// Config configures a Client: the organization's settings as the edge
// checked them (orgconfig.New), and what only this layer knows about.
type Config struct {
	orgconfig.Config

	// PageSize is the `limit` sent on paged reads; zero means MaxPageSize.
	PageSize int

	Retry RetryPolicy

	// HTTPClient is the transport; nil means a pooled client with sane
	// timeouts. Its Transport is wrapped, never replaced.
	HTTPClient *http.Client
}

// projectURL follows the User-Agent's product token, so that Atlassian can
// tell whose traffic it is.
const projectURL = "(+https://github.com/cureigad/terraform-provider-atlassian)"

// Client talks to one organization. It is safe for concurrent use.
type Client struct {
	baseURL   *url.URL
	orgID     string
	token     string
	userAgent string
	pageSize  int
	retry     RetryPolicy
	http      *http.Client
	limiter   *rate.Limiter
	inFlight  *semaphore.Weighted
	stats     counters
}

// New builds a client. It sends nothing. The organization settings are
// taken as orgconfig checked them; New only refuses what this layer adds.
func New(cfg Config) (*Client, error) {
	if cfg.OrganizationID == "" || cfg.APIToken == "" {
		return nil, errors.New("atlassian: the organization id and the API key are required (see orgconfig.New)")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("atlassian: base URL %q is not an absolute URL (see orgconfig.ParseBaseURL)", cfg.BaseURL)
	}
	if cfg.PageSize < 0 || cfg.PageSize > MaxPageSize {
		return nil, fmt.Errorf("atlassian: page size %d must be between 1 and %d", cfg.PageSize, MaxPageSize)
	}
	if cfg.RequestsPerSecond < 0 || cfg.MaxConcurrency < 0 {
		return nil, errors.New("atlassian: rate and concurrency limits must not be negative")
	}
	c := &Client{
		baseURL:  base,
		orgID:    cfg.OrganizationID,
		token:    cfg.APIToken,
		pageSize: cfg.PageSize,
		retry:    cfg.Retry.withDefaults(),
	}
	if c.pageSize == 0 {
		c.pageSize = MaxPageSize
	}
	product := cfg.UserAgent
	if product == "" {
		product = "terraform-provider-atlassian"
	}
	c.userAgent = product + " " + projectURL
	concurrency := cfg.MaxConcurrency
	if concurrency == 0 {
		concurrency = orgconfig.DefaultMaxConcurrency
	}
	c.inFlight = semaphore.NewWeighted(int64(concurrency))
	if cfg.RequestsPerSecond > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), 1)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
		hc.Timeout = 60 * time.Second
		if t, ok := hc.Transport.(*http.Transport); ok {
			t.MaxIdleConnsPerHost = concurrency
		}
	}
	wrapped := *hc
	wrapped.Transport = &limitedTransport{next: transportOf(hc), client: c}
	c.http = &wrapped
	return c, nil
}

// OrganizationID is the organization this client manages.
func (c *Client) OrganizationID() string { return c.orgID }

// Stats reports how many requests this client sent and how many of them were
// retries. It is cheap and safe to call at any time.
func (c *Client) Stats() Stats { return c.stats.snapshot() }

// redact removes the API key from a text that may have echoed it.
func (c *Client) redact(s string) string {
	if c.token == "" || !strings.Contains(s, c.token) {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[redacted]")
}

// request describes one admin API call.
type request struct {
	method string
	route  string     // path template under /admin, used in errors and logs
	path   string     // the same path with its values escaped in
	query  url.Values // may be nil
	body   any        // JSON-encoded when non-nil
	// replaySafe is true when sending the call twice cannot do harm: reads,
	// and writes whose repetition Atlassian reports distinctly (409-2 on a
	// repeated add, 404 on a repeated remove).
	replaySafe bool
	// answerHeader, when non-nil, receives the headers of a 2xx answer.
	answerHeader *http.Header
}

// do sends the call under the retry policy and decodes a 2xx JSON answer
// into out (when out is non-nil and the body is not empty).
func (c *Client) do(ctx context.Context, r request, out any) error {
	u := *c.baseURL
	u.RawPath = c.baseURL.EscapedPath() + "/admin" + r.path
	var err error
	if u.Path, err = url.PathUnescape(u.RawPath); err != nil {
		return fmt.Errorf("atlassian: %s %s: bad path: %w", r.method, r.route, err)
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var payload []byte
	if r.body != nil {
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("atlassian: encoding %s %s: %w", r.method, r.route, err)
		}
	}
	resp, attempts, err := c.send(ctx, r, u.String(), payload)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("atlassian: %s %s: %w", r.method, r.route, ctxErr)
		}
		if dnsErr := hostNotFound(err); dnsErr != nil {
			return fmt.Errorf("atlassian: %s %s: %w: the host %q does not resolve (check the base URL and any proxy): %s", r.method, r.route, ErrTransport, dnsErr.Name, c.redact(err.Error()))
		}
		return fmt.Errorf("atlassian: %s %s failed after %d attempt(s): %w: %s", r.method, r.route, attempts, ErrTransport, c.redact(err.Error()))
	}
	defer drain(resp.Body)
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("atlassian: reading %s %s: %s", r.method, r.route, c.redact(err.Error()))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(r.method, r.route, resp.StatusCode, body, resp.Header, c.redact)
		apiErr.Attempts = attempts
		return apiErr
	}
	if r.answerHeader != nil {
		*r.answerHeader = resp.Header
	}
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &APIError{
			Method: r.method, Route: r.route, StatusCode: resp.StatusCode, Attempts: attempts,
			Detail: fmt.Sprintf("the answer is not the JSON expected (%s, %d bytes): %v", resp.Header.Get("Content-Type"), len(body), err),
			Hint:   "Check that the base URL points at the Atlassian admin API.",
			kinds:  []error{ErrMalformedResponse},
		}
	}
	return nil
}

func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	_ = body.Close()
}

// limitedTransport is the transport every attempt goes through: it applies the
// client-side rate and concurrency limits, the credentials and the
// User-Agent, so that retries are limited exactly like first attempts.
type limitedTransport struct {
	next   http.RoundTripper
	client *Client
}

func transportOf(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}

func (g *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := g.client
	ctx := req.Context()
	if c.limiter != nil {
		start := time.Now()
		err := c.limiter.Wait(ctx)
		paused := time.Since(start)
		observeRateLimitWait(ctx, paused)
		if err != nil {
			return nil, err
		}
		c.logPause(ctx, req.Method, paused)
	}
	if err := c.inFlight.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	req = req.Clone(ctx)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if req.Body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	c.stats.requests.Add(1)
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		c.inFlight.Release(1)
		return nil, err
	}
	resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: func() { c.inFlight.Release(1) }}
	return resp, nil
}

// releaseOnClose frees the concurrency slot once the answer is read, so a
// slow body still counts as a request in flight.
type releaseOnClose struct {
	io.ReadCloser
	release func()
	once    sync.Once
}

func (r *releaseOnClose) Close() error {
	err := r.ReadCloser.Close()
	r.once.Do(r.release)
	return err
}
