// Package contract checks HTTP exchanges with the admin API against
// Atlassian's published Organizations REST API document (the facts-only
// extract in testdata, made by scripts/openapi-extract).
//
// A Checker wraps the handler that serves the API (the sandbox) and checks
// every exchange under /admin/: the request (operation known and not
// deprecated, path and query parameters, body fields, types, enums and
// limits) and the answer (status documented, body against the schema of that
// status, no body where none is declared). Objects may carry only the fields
// the document declares, in requests and answers alike: a field the
// document does not name is one a client cannot count on and Atlassian would
// not accept.
//
// Who broke the contract decides what counts as a violation. A request sent
// by the product's own client (see IsProductClient) that is out of contract
// is a client violation. A request from anything else (a test sending a bad
// request on purpose) must be refused with a documented 4xx: accepting it is
// a sandbox violation. Every answer out of contract is a sandbox violation,
// except the answers a fault injector marks as injected on purpose.
//
// It imports nothing of the sandbox, so that the sandbox's own tests can use
// it too.
package contract

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed testdata/atlassian-organization-openapi.extract.json
var extractJSON []byte

// ExtractPath is the extract's path from the module root.
const ExtractPath = "internal/sandbox/contract/testdata/atlassian-organization-openapi.extract.json"

// Who broke the contract.
const (
	Client  = "CLIENT"
	Sandbox = "SANDBOX"
)

// productTokens are the first User-Agent product names of the product's own
// programs (internal/provider/settings.go, internal/connector/cli.go, and
// the client's default in internal/atlassian).
var productTokens = []string{"terraform-provider-atlassian", "baton-atlassian"}

// IsProductClient reports whether a User-Agent is the product's own client:
// its first product token is one of the product's programs, with or without
// a version.
func IsProductClient(userAgent string) bool {
	first, _, _ := strings.Cut(userAgent, " ")
	name, _, _ := strings.Cut(first, "/")
	return slices.Contains(productTokens, name)
}

// Violation is one breach of the contract.
type Violation struct {
	Who       string // Client or Sandbox
	Operation string // "METHOD /path/template (operationId)", or the raw path of an unknown one
	Part      string // "request", "answer 200", ...
	Field     string // "query accountIds", "body data[].accountType", "status", ...
	Rule      string // the schema keyword or contract rule broken: maxItems, enum, required, ...
	Detail    string
}

func (v Violation) String() string {
	s := fmt.Sprintf("%s %s: %s", v.Who, v.Operation, v.Part)
	if v.Field != "" {
		s += " " + v.Field
	}
	s += ": " + v.Rule
	if v.Detail != "" {
		s += ": " + v.Detail
	}
	return s
}

// Count is how many requests and answers of one operation were checked.
type Count struct {
	Requests int `json:"requests"`
	Answers  int `json:"answers"`
}

// UnknownOperation is the key of Checker.Counts under which requests for an
// operation the document does not have are counted.
const UnknownOperation = "(operations not in the document)"

// Options tune a Checker.
type Options struct {
	// DeliberateAnswerHeaders name the answer headers a server sets on the
	// answers it gives out of contract on purpose: an injected fault
	// (sandbox.InjectedFaultHeader), or a setting that imitates an answer
	// the document does not describe (sandbox.UndocumentedAnswersHeader).
	// Their requests are checked, the answers are not.
	DeliberateAnswerHeaders []string
}

// Checker checks the exchanges of the handlers it wraps. It is safe for
// concurrent use.
type Checker struct {
	opts Options

	mu         sync.Mutex
	violations map[string]int
	first      map[string]Violation
	counts     map[string]*Count
}

// deliberate tells whether an answer carries one of the headers of answers
// given out of contract on purpose.
func (c *Checker) deliberate(h http.Header) bool {
	for _, name := range c.opts.DeliberateAnswerHeaders {
		if h.Get(name) != "" {
			return true
		}
	}
	return false
}

// New returns a Checker against the committed extract.
func New(opts Options) (*Checker, error) {
	if _, err := loadSpec(); err != nil {
		return nil, err
	}
	return &Checker{opts: opts, violations: map[string]int{}, first: map[string]Violation{}, counts: map[string]*Count{}}, nil
}

// spec is the loaded extract, shared: validation only reads it.
type spec struct {
	doc    *openapi3.T
	router routers.Router
	// formats are the string formats the document uses that a value must
	// satisfy (uuid, email; date and date-time are always checked).
	formats map[string]openapi3.StringFormatValidator
}

var loadSpec = sync.OnceValues(func() (*spec, error) {
	return parseSpec(extractJSON)
})

func parseSpec(raw []byte) (*spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("contract: loading the extract: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: the extract is not a valid OpenAPI document: %w", err)
	}
	closeObjects(doc)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: routing the extract: %w", err)
	}
	return &spec{doc: doc, router: router, formats: map[string]openapi3.StringFormatValidator{
		"uuid":  openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122),
		"email": openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail),
	}}, nil
}

// Operation describes one operation of the extract.
type Operation struct {
	Method, Path, ID string
	Deprecated       bool
}

func (o Operation) String() string { return fmt.Sprintf("%s %s (%s)", o.Method, o.Path, o.ID) }

// Operations lists the extract's operations, sorted by path then method.
func Operations() ([]Operation, error) {
	s, err := loadSpec()
	if err != nil {
		return nil, err
	}
	var ops []Operation
	for path, item := range s.doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, Operation{Method: method, Path: path, ID: op.OperationID, Deprecated: op.Deprecated})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		return ops[i].Path < ops[j].Path || ops[i].Path == ops[j].Path && ops[i].Method < ops[j].Method
	})
	return ops, nil
}

// Handler wraps next, checking each admin API exchange it serves.
func (c *Checker) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/admin/") {
			next.ServeHTTP(w, r) // the sandbox's control endpoints are no part of the API
			return
		}
		c.serve(next, w, r)
	})
}

// maxBody bounds what is kept of a request or an answer for checking.
const maxBody = 64 << 20

func (c *Checker) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	s, _ := loadSpec() // New loaded it
	var reqBody []byte
	if r.Body != nil {
		var err error
		reqBody, err = io.ReadAll(io.LimitReader(r.Body, maxBody))
		_ = r.Body.Close()
		if err != nil {
			http.Error(w, "contract: reading the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	client := IsProductClient(r.UserAgent())
	ex := c.checkRequest(s, r, reqBody)
	refused := ex.refusals
	for _, v := range ex.violations {
		if client {
			v.Who = Client
			c.add(v)
		}
	}

	rec := &recorder{w: w}
	next.ServeHTTP(rec, r)

	switch {
	case rec.hijacked, r.Context().Err() != nil:
		return // the answer was lost (a reset) or nobody is there to receive it
	case c.deliberate(rec.Header()):
		return // out of contract on purpose
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if !client && len(refused) > 0 && (status < 400 || status > 499) {
		why := refused[0]
		c.add(Violation{Who: Sandbox, Operation: ex.operation, Part: fmt.Sprintf("answer %d", status), Field: "status",
			Rule: "refuse-out-of-contract", Detail: "accepted a request out of contract (" + strings.TrimSpace(why.Part+" "+why.Field) + ": " + why.Rule + ") instead of refusing it with a documented 4xx"})
	}
	if ex.input == nil {
		c.countAnswer(UnknownOperation)
		return // an unknown operation has no documented answers
	}
	c.checkAnswer(s, ex, status, rec.Header(), rec.body.Bytes())
}

// exchange is what checking the request found.
type exchange struct {
	operation  string
	input      *openapi3filter.RequestValidationInput // nil for an unknown operation
	violations []Violation
	// refusals are the violations a server must refuse the request for:
	// all but deprecation, which Atlassian serves until the end date.
	refusals []Violation
}

func (c *Checker) checkRequest(s *spec, r *http.Request, body []byte) exchange {
	probe := r.Clone(r.Context())
	probe.Body = io.NopCloser(bytes.NewReader(body))
	route, pathParams, err := s.router.FindRoute(probe)
	if err != nil {
		op := r.Method + " " + r.URL.Path
		c.countRequest(UnknownOperation)
		rule := "unknown-operation"
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			rule = "unknown-method"
		}
		v := Violation{Operation: op, Part: "request", Rule: rule, Detail: "the document has no such operation"}
		return exchange{operation: op, violations: []Violation{v}, refusals: []Violation{v}}
	}
	op := Operation{Method: route.Method, Path: route.Path, ID: route.Operation.OperationID}.String()
	c.countRequest(op)
	ex := exchange{operation: op}
	ex.input = &openapi3filter.RequestValidationInput{
		Request: probe, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{
			MultiError:                        true,
			SkipSettingDefaults:               true,
			RejectWhenRequestBodyNotSpecified: true,
			AuthenticationFunc:                bearerPresent,
			SchemaValidationOptions:           []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(s.formats)},
		},
	}
	if route.Operation.Deprecated {
		ex.violations = append(ex.violations, Violation{Operation: op, Part: "request", Rule: "deprecated", Detail: "the operation is deprecated: use its documented replacement"})
	}
	declared := map[string]bool{}
	for _, p := range append(route.PathItem.Parameters, route.Operation.Parameters...) {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			declared[p.Value.Name] = true
		}
	}
	for _, name := range sortedKeys(r.URL.Query()) {
		if !declared[name] {
			v := Violation{Operation: op, Part: "request", Field: "query " + name, Rule: "undeclared-parameter", Detail: "the operation declares no such query parameter"}
			ex.violations = append(ex.violations, v)
			ex.refusals = append(ex.refusals, v)
		}
	}
	if err := openapi3filter.ValidateRequest(r.Context(), ex.input); err != nil {
		for _, v := range flatten(err, "request", op) {
			ex.violations = append(ex.violations, v)
			ex.refusals = append(ex.refusals, v)
		}
	}
	return ex
}

// bearerPresent stands in for Atlassian's authentication: the contract only
// says a bearer credential is sent.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" { // the scheme is case-insensitive (RFC 9110)
		return errors.New("no bearer token")
	}
	return nil
}

func (c *Checker) checkAnswer(s *spec, ex exchange, status int, header http.Header, body []byte) {
	c.countAnswer(ex.operation)
	part := fmt.Sprintf("answer %d", status)
	responses := ex.input.Route.Operation.Responses
	ref := responses.Status(status)
	if ref == nil {
		ref = responses.Default()
	}
	if ref == nil {
		c.add(Violation{Who: Sandbox, Operation: ex.operation, Part: part, Field: "status", Rule: "undocumented-status", Detail: "the operation documents no such status"})
		return
	}
	if ref.Value == nil || len(ref.Value.Content) == 0 {
		if len(body) > 0 {
			c.add(Violation{Who: Sandbox, Operation: ex.operation, Part: part, Field: "body", Rule: "no-body", Detail: "the document declares no body for this status"})
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: ex.input, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			MultiError: true, IncludeResponseStatus: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(s.formats)},
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		for _, v := range flatten(err, part, ex.operation) {
			v.Who = Sandbox
			c.add(v)
		}
	}
}

func (c *Checker) add(v Violation) {
	key := v.String()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.violations[key] == 0 {
		c.first[key] = v
	}
	c.violations[key]++
}

func (c *Checker) countRequest(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(op).Requests++
}

func (c *Checker) countAnswer(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(op).Answers++
}

func (c *Checker) count(op string) *Count {
	n := c.counts[op]
	if n == nil {
		n = &Count{}
		c.counts[op] = n
	}
	return n
}

// Counted is one distinct violation and how many times it happened.
type Counted struct {
	Violation
	Times int
}

// Violations returns the distinct violations seen so far, most frequent
// first.
func (c *Checker) Violations() []Counted {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Counted, 0, len(c.violations))
	for key, n := range c.violations {
		out = append(out, Counted{Violation: c.first[key], Times: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Times != out[j].Times {
			return out[i].Times > out[j].Times
		}
		return out[i].String() < out[j].String()
	})
	return out
}

// Counts returns, per operation, the requests and answers checked so far.
func (c *Checker) Counts() map[string]Count {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]Count, len(c.counts))
	for op, n := range c.counts {
		out[op] = *n
	}
	return out
}

// Report lists the distinct violations with their counts, or returns "".
func (c *Checker) Report() string {
	vs := c.Violations()
	if len(vs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d distinct exchange(s) out of Atlassian's published contract (%s):", len(vs), ExtractPath)
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %dx %s", v.Times, v)
	}
	return b.String()
}

// flatten turns a validation error into violations naming field and rule.
func flatten(err error, part, op string) []Violation {
	var out []Violation
	var walk func(err error, field string)
	walk = func(err error, field string) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, each := range e {
				walk(each, field)
			}
		case *openapi3filter.SecurityRequirementsError:
			out = append(out, Violation{Operation: op, Part: part, Field: "header Authorization", Rule: "security", Detail: "no bearer credential"})
		case *openapi3filter.RequestError:
			f := field
			switch {
			case e.Parameter != nil:
				f = e.Parameter.In + " " + e.Parameter.Name
			case e.RequestBody != nil:
				f = "body"
			}
			if e.Err == nil {
				out = append(out, Violation{Operation: op, Part: part, Field: f, Rule: ruleOf(e.Reason), Detail: e.Reason})
				return
			}
			walk(e.Err, f)
		case *openapi3filter.ResponseError:
			if e.Err == nil {
				out = append(out, Violation{Operation: op, Part: part, Field: "body", Rule: ruleOf(e.Reason), Detail: e.Reason})
				return
			}
			walk(e.Err, "body")
		case *openapi3.SchemaError:
			f := joinField(field, pointer(e.JSONPointer()))
			if e.Origin != nil && (e.SchemaField == "allOf" || e.SchemaField == "oneOf" || e.SchemaField == "anyOf") {
				walk(e.Origin, field) // the breach inside the composition, whose path is from the same root
				return
			}
			rule := e.SchemaField
			if rule == "properties" && strings.Contains(e.Reason, "is unsupported") {
				rule = "additionalProperties" // the closed objects (closeObjects)
			}
			out = append(out, Violation{Operation: op, Part: part, Field: f, Rule: rule, Detail: e.Reason})
		case *openapi3filter.ParseError:
			out = append(out, Violation{Operation: op, Part: part, Field: field, Rule: "parse", Detail: e.Reason})
		default:
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				for _, each := range joined.Unwrap() {
					walk(each, field)
				}
				return
			}
			if inner := errors.Unwrap(err); inner != nil {
				walk(inner, field)
				return
			}
			out = append(out, Violation{Operation: op, Part: part, Field: field, Rule: "invalid", Detail: err.Error()})
		}
	}
	walk(err, "")
	return out
}

// joinField appends a JSON path to a field: "body" + "data[].id" is
// "body data[].id", "body data" + "id" is "body data.id".
func joinField(field, path string) string {
	switch {
	case path == "":
		return field
	case field == "":
		return path
	case !strings.Contains(field, " "):
		return field + " " + path
	case strings.HasPrefix(path, "[]"):
		return field + path
	default:
		return field + "." + path
	}
}

// ruleOf names the rule of a reason kin-openapi gives without a schema error.
func ruleOf(reason string) string {
	switch {
	case strings.Contains(reason, "status is not supported"):
		return "undocumented-status"
	case strings.Contains(reason, "Content-Type"):
		return "content-type"
	case strings.Contains(reason, "must not be empty"), strings.Contains(reason, "required"):
		return "required"
	case strings.Contains(reason, "not specified"):
		return "undeclared-body"
	}
	return "invalid"
}

// pointer renders a JSON pointer with array indexes folded, so that the same
// breach in every item of a list is one violation: data[].accountType.
func pointer(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			b.WriteString("[]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// recorder passes an answer through and keeps a copy of it.
type recorder struct {
	w           http.ResponseWriter
	status      int
	body        bytes.Buffer
	hijacked    bool
	wroteHeader bool
}

func (r *recorder) Header() http.Header { return r.w.Header() }

func (r *recorder) WriteHeader(status int) {
	if !r.wroteHeader && status >= 200 {
		r.status, r.wroteHeader = status, true
	}
	r.w.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	if r.body.Len() < maxBody {
		r.body.Write(b)
	}
	return r.w.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack is how a fault injector resets a connection: the answer is lost.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("contract: the connection cannot be hijacked")
	}
	r.hijacked = true
	return h.Hijack()
}
