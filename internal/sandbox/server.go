package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/contract"
)

// Server is the sandbox organization behind an http.Handler. It is safe for
// concurrent use: the organization is guarded by one RWMutex (reads share it,
// writes are serialized, which is also what makes the licence check atomic),
// while faults and stats have their own locks so they never wait on data.
type Server struct {
	token     string
	statePath string

	// scopes is the scope each admin operation needs (the contract's map);
	// keys holds the scoped API keys; routeErr is a route registered without
	// a scope in that map, which New reports.
	scopes   map[string]contract.Requirement
	keys     scopedKeys
	routeErr error

	mu   sync.RWMutex
	data *store
	// lagged journals recent writes for Settings.ReadAfterWriteLagMS (lag.go).
	lagged lagJournal

	faults *faultInjector
	stats  *statsRecorder
	ids    *lockedRand // new group ids
	reqSeq atomic.Uint64

	apiMux     *http.ServeMux
	controlMux *http.ServeMux
}

// New builds a sandbox organization: loaded from opts.StatePath when that
// file exists, generated from opts otherwise.
func New(opts Options) (*Server, error) {
	opts = opts.withIdentityDefaults()
	st, err := initialState(opts)
	if err != nil {
		return nil, err
	}
	data, err := newStore(st)
	if err != nil {
		return nil, fmt.Errorf("sandbox: invalid state: %w", err)
	}
	scopes, err := contract.RequiredScopes()
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s := &Server{
		token:      opts.Token,
		scopes:     scopes,
		statePath:  opts.StatePath,
		data:       data,
		faults:     newFaultInjector(opts.Seed),
		stats:      newStatsRecorder(),
		ids:        newLockedRand(opts.Seed, 0x67726f7570), // "group"
		apiMux:     http.NewServeMux(),
		controlMux: http.NewServeMux(),
	}
	s.registerAdminRoutes()
	s.registerControlRoutes()
	if s.routeErr != nil {
		return nil, s.routeErr
	}
	return s, nil
}

func initialState(opts Options) (State, error) {
	if opts.StatePath != "" {
		st, err := loadStateFile(opts.StatePath)
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return State{}, err
		}
	}
	return Generate(opts), nil
}

const controlPrefix = "/_sandbox"

// ServeHTTP serves the admin API under /admin/... and the control endpoints
// under /_sandbox/...; anything else gets the routing layer's flat 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == controlPrefix || strings.HasPrefix(r.URL.Path, controlPrefix+"/") {
		s.dispatch(s.controlMux, w, r)
		return
	}
	s.dispatch(s.apiMux, w, r)
}

// unmatchedRoute is the stats key of admin requests no route matched.
const unmatchedRoute = "UNMATCHED"

// dispatch routes through mux, but answers unknown paths and methods with
// the flat routing envelope instead of ServeMux's plain-text pages. The mux
// reports no pattern for both cases; running its fallback handler against a
// probe tells 404 from 405 (and yields the Allow header).
func (s *Server) dispatch(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	fallback, pattern := mux.Handler(r)
	if pattern != "" {
		mux.ServeHTTP(w, r)
		return
	}
	if mux == s.apiMux {
		s.stats.record(unmatchedRoute)
	}
	probe := &statusProbe{header: http.Header{}}
	fallback.ServeHTTP(probe, r)
	status := probe.status
	if status != http.StatusMethodNotAllowed {
		status = http.StatusNotFound
	}
	if allow := probe.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	writeRoutingError(w, r, status, s.newRequestID())
}

// statusProbe is a ResponseWriter that only remembers the status and headers.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *statusProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

// apiHandler serves one admin route. It returns an *apiError (or any error,
// answered as 500) instead of writing it, so the route decides the envelope.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// handle registers an admin route. Every request on it is counted, then
// faults get their chance to answer, then the bearer token and the org id are
// checked, and only then does the handler run: so an injected failure never
// leaves a half-applied mutation behind.
func (s *Server) handle(pattern string, envelope envelopeKind, h apiHandler) {
	method, route, _ := strings.Cut(pattern, " ")
	needs, ok := s.scopes[contract.OperationKey(method, route)]
	if !ok && s.routeErr == nil {
		s.routeErr = fmt.Errorf("sandbox: the route %s is no operation with a scope in Atlassian's document", pattern)
	}
	s.apiMux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		requestID := s.newRequestID()
		s.stats.record(pattern)
		settings := s.Settings()
		style := errorStyleOf(envelope, settings)
		if names := settings.UndocumentedAnswers(); len(names) > 0 {
			w.Header().Set(UndocumentedAnswersHeader, strings.Join(names, ","))
		}
		if s.faults.intercept(w, r, pattern, style, requestID) {
			return
		}
		if !s.admit(w, r, style, requestID, needs) {
			return
		}
		if s.faults.loseAnswer(pattern) {
			_ = h(&discardedAnswer{header: http.Header{}}, r)
			resetConnection(w)
			return
		}
		if status, lost := s.faults.failsAfterWrite(r, pattern); lost {
			_ = h(&discardedAnswer{header: http.Header{}}, r) // carried out; its answer, success or not, is lost
			w.Header().Set(InjectedFaultHeader, "error_after_write")
			writeAPIError(w, style, requestID, &apiError{
				Status: status,
				Code:   fmt.Sprintf("ADMIN-UAM-%d-1", status),
				Detail: "injected failure: the sandbox carried out this request and was asked to fail its answer",
			})
			return
		}
		err := h(w, r)
		if err == nil {
			return
		}
		var apiErr *apiError
		if !errors.As(err, &apiErr) {
			apiErr = &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Detail: err.Error()}
		}
		writeAPIError(w, style, requestID, apiErr)
	})
}

// errorStyleOf is the route's documented envelope, as the settings may
// change it into another plausible answer of the real service.
func errorStyleOf(envelope envelopeKind, settings Settings) errorStyle {
	return errorStyle{
		kind:             envelope,
		numericStatus:    settings.NumericErrorStatus,
		gatewayRateLimit: settings.GatewayRateLimitBody,
		noBody:           settings.WriteErrorsWithoutBody,
	}
}

// read runs fn with shared access to the organization, as reads see it:
// while a read-after-write lag is set, recent writes are not visible yet.
func (s *Server) read(fn func(d *store) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(s.readable())
}

// write runs fn with exclusive access to the organization. fn must validate
// everything before its first mutation, so a refused request changes nothing.
func (s *Server) write(fn func(d *store) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(s.data)
}

// newRequestID returns a UUID-shaped id for error envelopes. It is derived
// from a counter (scrambled by splitmix64) so it is unique and reproducible.
func (s *Server) newRequestID() string {
	n := s.reqSeq.Add(1)
	return formatUUID(splitmix64(n), splitmix64(^n))
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// State returns a deep copy of the organization.
func (s *Server) State() State {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data.st.clone()
}

// ReplaceState swaps in a whole new organization after validating it. The
// caller keeps ownership of st: it is copied.
func (s *Server) ReplaceState(st State) error {
	data, err := newStore(st.clone())
	if err != nil {
		return fmt.Errorf("sandbox: invalid state: %w", err)
	}
	s.mu.Lock()
	s.data = data
	s.forgetStale()
	s.mu.Unlock()
	return nil
}

// Update mutates the organization under the lock, as another admin would
// out-of-band. fn works on a copy that is adopted only if fn succeeds and the
// result is valid, so a failed Update changes nothing.
func (s *Server) Update(fn func(st *State) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	working := s.data.st.clone()
	if err := fn(&working); err != nil {
		return err
	}
	data, err := newStore(working)
	if err != nil {
		return fmt.Errorf("sandbox: invalid state after update: %w", err)
	}
	s.data = data
	s.forgetStale()
	return nil
}

// Settings returns the current behaviour settings.
func (s *Server) Settings() Settings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data.st.Settings
}

// SetFaults replaces the fault configuration (values are clamped to sane
// ranges) and refills the rate-limit bucket.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// Faults returns the current fault configuration.
func (s *Server) Faults() Faults { return s.faults.get() }

// Stats returns a copy of the request counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the request counters.
func (s *Server) ResetStats() { s.stats.reset() }

// Save writes the organization as JSON to path, or to Options.StatePath when
// path is empty. The file is replaced atomically.
func (s *Server) Save(path string) error {
	if path == "" {
		path = s.statePath
	}
	if path == "" {
		return errors.New("sandbox: Save: no path given and no StatePath configured")
	}
	return writeStateFile(path, s.State())
}
