package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// orgSandbox is the sandbox organization, served in-process on a loopback
// listener. The benchmark steers it through the Go API (state, faults,
// stats); Terraform's provider and baton-atlassian reach it over HTTP like
// they would reach api.atlassian.com.
type orgSandbox struct {
	*sandbox.Server
	URL   string
	OrgID string
	Token string

	http *http.Server
	// tooMany counts the admin API answers that were 429: the sandbox's
	// own stats count every request, answered or refused.
	tooMany atomic.Int64
}

func startSandbox() (*orgSandbox, error) {
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces = 0, 0, 0
	srv, err := sandbox.New(opts)
	if err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &orgSandbox{
		Server: srv,
		URL:    "http://" + listener.Addr().String(),
		OrgID:  opts.OrgID,
		Token:  opts.Token,
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.http.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Println("bench: sandbox stopped:", err)
		}
	}()
	return s, nil
}

// ServeHTTP counts the 429 answers of admin requests on the way out.
func (s *orgSandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/admin/") {
		s.Server.ServeHTTP(w, r)
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	s.Server.ServeHTTP(rec, r)
	if rec.status == http.StatusTooManyRequests {
		s.tooMany.Add(1)
	}
}

func (s *orgSandbox) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.http.Shutdown(ctx)
}

// load replaces the organization and clears faults and counters.
func (s *orgSandbox) load(st sandbox.State) error {
	st.Organization.ID = s.OrgID
	if err := s.ReplaceState(st); err != nil {
		return err
	}
	s.SetFaults(sandbox.Faults{})
	s.resetCounters()
	return nil
}

func (s *orgSandbox) resetCounters() {
	s.ResetStats()
	s.tooMany.Store(0)
}

// statusRecorder remembers the status a handler answered with. It keeps the
// Hijacker of the underlying writer: the connection-reset fault needs it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("not hijackable")
	}
	return h.Hijack()
}
