package atlassian

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Sentinel errors a caller tests with errors.Is. An *APIError wraps one or
// more of them, chosen from the HTTP status and the Atlassian error code.
var (
	ErrBadRequest           = errors.New("bad request")
	ErrInactiveUser         = errors.New("user is not active")
	ErrInvalidRole          = errors.New("role is not valid for this resource")
	ErrUnauthenticated      = errors.New("unauthenticated")
	ErrForbidden            = errors.New("forbidden")
	ErrNotFound             = errors.New("not found")
	ErrOrganizationNotFound = errors.New("organization not found")
	ErrConflict             = errors.New("conflict")
	ErrAlreadyExists        = errors.New("already exists")
	ErrLicenceLimit         = errors.New("product licence limit exceeded")
	ErrRateLimited          = errors.New("rate limited")
	ErrServer               = errors.New("server error")
	ErrMalformedResponse    = errors.New("malformed response")
	// ErrPaymentRequired (402): the feature needs a paid subscription, as
	// invitations do.
	ErrPaymentRequired = errors.New("payment required")
	// ErrTransport is a call that got no answer at all (connection refused
	// or reset, timeout) after the retry budget, or at once when the host
	// does not resolve, which no retry fixes.
	ErrTransport = errors.New("no answer from the admin API")
	// ErrCreatedNotVisible is a create Atlassian accepted without naming
	// what it created, which reads do not show yet: the service is
	// eventually consistent.
	ErrCreatedNotVisible = errors.New("created, but not visible in reads yet")
)

// APIError is a failed admin API call, decoded from whichever error envelope
// Atlassian answered with. Its text names the call, the status, the
// Atlassian code and what to do about it; it never contains the API key.
type APIError struct {
	Method     string // HTTP method
	Route      string // path template, e.g. /v2/orgs/{orgId}/directories/{dirId}/users
	StatusCode int
	Code       string // Atlassian code such as ADMIN-UAM-409-2, when one was sent
	Title      string
	Detail     string
	RequestID  string
	Hint       string // what the caller can do about it
	// Scope is the scope the call needs, set on a refusal (401, 403) of a
	// call a key with scopes may have been refused for want of it.
	Scope string
	// ScopeRefused is true when the refusal itself says it is about a
	// scope (a 403 whose answer mentions one): the key lacks Scope. Else
	// Scope is one possible cause among others.
	ScopeRefused bool
	Attempts     int // how many times the call was sent
	kinds        []error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "atlassian: %s %s: %d", e.Method, e.Route, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	msg := e.Title
	if e.Detail != "" && e.Detail != e.Title {
		if msg != "" {
			msg += ": "
		}
		msg += e.Detail
	}
	if msg == "" && len(e.kinds) > 0 {
		msg = e.kinds[0].Error()
	}
	if msg != "" {
		fmt.Fprintf(&b, " (%s)", msg)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, ". %s", e.Hint)
	}
	return b.String()
}

// Unwrap lets errors.Is match the sentinels this error belongs to.
func (e *APIError) Unwrap() []error { return e.kinds }

// flexString decodes a JSON string or number: Atlassian sends `status` and
// `code` as either, depending on the endpoint.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

type envelopeItem struct {
	ID     flexString `json:"id"`
	Status flexString `json:"status"`
	Code   flexString `json:"code"`
	Title  string     `json:"title"`
	Detail string     `json:"detail"`
}

// envelope is the union of every error body Atlassian is known to send:
//   - {"errors":[{id,status,code,title,detail}]}            (most endpoints)
//   - {id,status,code,title,detail}                           (workspaces)
//   - {timestamp,path,status,error,requestId,message}         (routing layer)
//   - {code,message}                                          (some 401 and 429)
//   - {key,errorDetail,context}                               (lifecycle endpoints)
type envelope struct {
	Errors []envelopeItem `json:"errors"`
	envelopeItem
	Error       string `json:"error"`
	Message     string `json:"message"`
	RequestID   string `json:"requestId"`
	Key         string `json:"key"`
	ErrorDetail string `json:"errorDetail"`
}

// decodeErrorBody fills code, title and detail from any known envelope. A
// body that is not JSON (an HTML page from a proxy, say) leaves them empty:
// the status code alone then decides the kind.
func decodeErrorBody(body []byte) (code, title, detail, requestID string) {
	var env envelope
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &env) != nil {
		return "", "", "", ""
	}
	item := env.envelopeItem
	if len(env.Errors) > 0 {
		item = env.Errors[0]
	}
	code = string(item.Code)
	title = item.Title
	detail = item.Detail
	if code == "" && env.Key != "" {
		code = env.Key
	}
	if title == "" {
		title = env.Error
	}
	if detail == "" {
		detail = firstNonEmpty(env.Message, env.ErrorDetail)
	}
	// {code: 401, message: ...} carries the HTTP status as its code: that is
	// no Atlassian error code.
	if _, err := strconv.Atoi(code); err == nil {
		code = ""
	}
	if item.ID != "" && env.RequestID == "" {
		requestID = string(item.ID)
	} else {
		requestID = env.RequestID
	}
	return code, title, detail, requestID
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// newAPIError classifies a non-2xx answer. redact removes the API key from
// any text the server echoed back.
func newAPIError(method, route string, status int, body []byte, header http.Header, redact func(string) string) *APIError {
	code, title, detail, requestID := decodeErrorBody(body)
	if requestID == "" && header != nil {
		requestID = firstNonEmpty(header.Get("X-Request-Id"), header.Get("Atl-Traceid"))
	}
	e := &APIError{
		Method:     method,
		Route:      route,
		StatusCode: status,
		Code:       redact(code),
		Title:      redact(truncate(title, 200)),
		Detail:     redact(truncate(detail, 500)),
		RequestID:  redact(truncate(requestID, 100)),
	}
	e.kinds, e.Hint = classify(route, status, code)
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		if scope := RequiredScope(method, route); scope != "" {
			e.Scope = scope
			// Atlassian's gateway says "scope does not match" on a 401 for
			// a wrong key too, so only a 403 that speaks of a scope is sure.
			e.ScopeRefused = status == http.StatusForbidden &&
				strings.Contains(strings.ToLower(title+" "+detail), "scope")
			e.Hint = scopeHint(method, route, e.ScopeRefused, e.Hint)
		}
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// licenceHint is the advice on a full licence.
const licenceHint = "The product has no licence seat left: free seats or raise the licence limit."

// classify maps a status and an Atlassian code to sentinels and advice.
func classify(route string, status int, code string) ([]error, string) {
	roleRoute := strings.Contains(route, "/roles/") || strings.Contains(route, "/role-assignments")
	switch {
	case status == http.StatusBadRequest:
		switch {
		case strings.HasSuffix(code, "-400-2"):
			return []error{ErrInactiveUser, ErrBadRequest}, "Only active accounts can be given roles; restore the account first."
		case strings.HasSuffix(code, "-400-3"):
			return []error{ErrInvalidRole, ErrBadRequest}, "Use a workspace role the product supports, such as atlassian/user or atlassian/admin."
		}
		return []error{ErrBadRequest}, ""
	case status == http.StatusUnauthorized:
		return []error{ErrUnauthenticated}, "The API key was rejected: check that it is a current organization API key (admin.atlassian.com > Settings > API keys)."
	case status == http.StatusForbidden:
		if roleRoute {
			return []error{ErrForbidden}, "The API key may not manage roles here: workspace role endpoints must be enabled for the organization by Atlassian support, and the key must belong to an organization admin."
		}
		if strings.Contains(route, "/groups/") {
			return []error{ErrForbidden}, "The group refuses changes: groups synced from an identity provider and default groups must be managed at their source."
		}
		return []error{ErrForbidden}, "The API key lacks permission for this call: it must be an organization admin's key."
	case status == http.StatusNotFound:
		if strings.HasSuffix(code, "-404-2") {
			return []error{ErrOrganizationNotFound, ErrNotFound}, "Check the organization id: it is the UUID after /o/ in admin.atlassian.com URLs, and the API key must belong to that organization."
		}
		return []error{ErrNotFound}, ""
	case status == http.StatusConflict:
		switch {
		case strings.HasSuffix(code, "-409-2"):
			return []error{ErrAlreadyExists, ErrConflict}, ""
		case strings.HasSuffix(code, "-409-3"),
			// The document's one 409 of a group role assignment is the
			// licence limit, whatever code comes with it.
			code == "" && route == routeGroupRoleAssign:
			return []error{ErrLicenceLimit, ErrConflict}, licenceHint
		}
		return []error{ErrConflict}, ""
	case status == http.StatusPaymentRequired:
		return []error{ErrPaymentRequired}, "Inviting users through the API needs an organization with a paid subscription: upgrade a product of the organization, or invite from admin.atlassian.com."
	case status == http.StatusTooManyRequests:
		return []error{ErrRateLimited}, "Atlassian's rate limit held after the retry budget: lower the request rate or retry later."
	case status >= 500:
		return []error{ErrServer}, "Atlassian answered with a server error after the retry budget: retry later."
	}
	return nil, ""
}
