// Package sandboxtest starts a sandbox organization on a real HTTP listener
// for tests, and tears it down with the test; it also serves a listener off
// the loopback interface, where a request sent in clear text would land.
package sandboxtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/contract"
)

// Env is a running sandbox. URL replaces https://api.atlassian.com: admin
// paths are URL + "/admin/...".
type Env struct {
	URL    string
	OrgID  string
	Token  string
	Server *sandbox.Server
	HTTP   *httptest.Server
	// Handler serves the sandbox behind the contract check: a test that
	// puts its own server in front of the sandbox passes requests to it,
	// not to Server, so that they are checked too.
	Handler http.Handler
	// Contract checks every admin API exchange against Atlassian's
	// published document; its violations fail the test at cleanup.
	Contract *contract.Checker

	tb testing.TB
}

// Start generates (or loads, with opts.StatePath) an organization and serves
// it on a local httptest server, closed by t.Cleanup. Empty identity fields
// of opts take the sandbox defaults; sizes are used as given (zero users
// means none), so start from sandbox.DefaultOptions() for a typical org.
//
// Every admin API exchange is checked against Atlassian's published
// contract (package contract): at cleanup, the test fails listing each
// request of the product's client and each sandbox answer out of contract.
func Start(t testing.TB, opts sandbox.Options) *Env {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandboxtest: starting sandbox: %v", err)
	}
	checker, err := contract.New(contract.Options{
		DeliberateAnswerHeaders: []string{sandbox.InjectedFaultHeader, sandbox.UndocumentedAnswersHeader},
	})
	if err != nil {
		t.Fatalf("sandboxtest: %v", err)
	}
	handler := checker.Handler(srv)
	ts := httptest.NewServer(handler)
	t.Cleanup(func() {
		ts.Close() // waits for the exchanges in flight, so all are checked
		if err := checker.WriteTally(); err != nil {
			t.Errorf("sandboxtest: writing the contract tally: %v", err)
		}
		if report := checker.Report(); report != "" {
			t.Errorf("sandboxtest: %s", report)
		}
	})
	token := opts.Token
	if token == "" {
		token = sandbox.DefaultToken
	}
	return &Env{
		URL:      ts.URL,
		OrgID:    srv.State().Organization.ID,
		Token:    token,
		Server:   srv,
		HTTP:     ts,
		Handler:  handler,
		Contract: checker,
		tb:       t,
	}
}

// Client returns an HTTP client that adds the bearer token to every request.
func (e *Env) Client() *http.Client {
	return &http.Client{Transport: &bearerTransport{token: e.Token, base: e.HTTP.Client().Transport}}
}

type bearerTransport struct {
	token string
	base  http.RoundTripper
}

func (b *bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	return b.base.RoundTrip(r)
}

// State fetches the organization over HTTP from GET /_sandbox/state, the way
// an out-of-process harness would see it.
func (e *Env) State() sandbox.State {
	e.tb.Helper()
	var st sandbox.State
	e.control(http.MethodGet, "/_sandbox/state", nil, &st)
	return st
}

// SetFaults configures fault injection through PUT /_sandbox/faults.
func (e *Env) SetFaults(f sandbox.Faults) {
	e.tb.Helper()
	e.control(http.MethodPut, "/_sandbox/faults", f, nil)
}

// ClearFaults turns every fault off.
func (e *Env) ClearFaults() { e.SetFaults(sandbox.Faults{}) }

// Stats fetches the request counters from GET /_sandbox/stats.
func (e *Env) Stats() sandbox.Stats {
	e.tb.Helper()
	var s sandbox.Stats
	e.control(http.MethodGet, "/_sandbox/stats", nil, &s)
	return s
}

// ResetStats zeroes the request counters through POST /_sandbox/stats/reset.
func (e *Env) ResetStats() {
	e.tb.Helper()
	e.control(http.MethodPost, "/_sandbox/stats/reset", nil, nil)
}

// Update mutates the organization out-of-band (as another admin would),
// failing the test on error.
func (e *Env) Update(fn func(st *sandbox.State) error) {
	e.tb.Helper()
	if err := e.Server.Update(fn); err != nil {
		e.tb.Fatalf("sandboxtest: update: %v", err)
	}
}

// control calls a control endpoint, failing the test on any error.
func (e *Env) control(method, path string, body, out any) {
	e.tb.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			e.tb.Fatalf("sandboxtest: encoding %s %s: %v", method, path, err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.URL+path, reader)
	if err != nil {
		e.tb.Fatalf("sandboxtest: %s %s: %v", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		e.tb.Fatalf("sandboxtest: %s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(resp.Body)
	err = errors.Join(err, resp.Body.Close())
	if err != nil {
		e.tb.Fatalf("sandboxtest: %s %s: reading body: %v", method, path, err)
	}
	if resp.StatusCode >= 300 {
		e.tb.Fatalf("sandboxtest: %s %s: %s: %s", method, path, resp.Status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.tb.Fatalf("sandboxtest: %s %s: decoding: %v", method, path, err)
		}
	}
}
