package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Error codes of the usual envelope, ADMIN-UAM-<http>-<n>, as listed in the
// reference.
const (
	codeBadRequest   = "ADMIN-UAM-400-1"
	codeInactiveUser = "ADMIN-UAM-400-2"
	codeInvalidRole  = "ADMIN-UAM-400-3"
	codeForbidden    = "ADMIN-UAM-403-1"
	codeNotFound     = "ADMIN-UAM-404-1"
	codeOrgNotFound  = "ADMIN-UAM-404-2"
	// codeV1OrgNotFound is the organization read's own 404 code.
	codeV1OrgNotFound   = "ADMIN-404-2"
	codeGroupNotFound   = "ADMIN-UAM-404-3"
	codeConflict        = "ADMIN-UAM-409-2"
	codeLicenceExceeded = "ADMIN-UAM-409-3"
	codeInternal        = "ADMIN-UAM-500-1"
	codeUnauthenticated = "ADMIN-UAM-401-1"
	codeRateLimited     = "ADMIN-429-1"
)

// apiError is an admin API failure. Handlers return it; the route wrapper
// renders it in the envelope style of the route.
type apiError struct {
	Status int
	Code   string
	Detail string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Detail) }

func errBadRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, codeBadRequest, fmt.Sprintf(format, args...)}
}

func errInactiveUser(accountID string) *apiError {
	return &apiError{http.StatusBadRequest, codeInactiveUser, fmt.Sprintf("user %s is not active", accountID)}
}

func errInvalidRole(role, resource string) *apiError {
	return &apiError{http.StatusBadRequest, codeInvalidRole, fmt.Sprintf("role %q is not valid for resource %s", role, resource)}
}

func errForbidden(format string, args ...any) *apiError {
	return &apiError{http.StatusForbidden, codeForbidden, fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *apiError {
	return &apiError{http.StatusNotFound, codeNotFound, fmt.Sprintf(format, args...)}
}

func errOrgNotFound(orgID string) *apiError {
	return &apiError{http.StatusNotFound, codeOrgNotFound, fmt.Sprintf("organization %s not found", orgID)}
}

func errGroupNotFound(groupID string) *apiError {
	return &apiError{http.StatusNotFound, codeGroupNotFound, fmt.Sprintf("group %s not found", groupID)}
}

func errConflict(format string, args ...any) *apiError {
	return &apiError{http.StatusConflict, codeConflict, fmt.Sprintf(format, args...)}
}

func errLicenceExceeded(resourceID string, limit int) *apiError {
	return &apiError{http.StatusConflict, codeLicenceExceeded, fmt.Sprintf("product licence limit exceeded: %s allows %d users", resourceID, limit)}
}

// Details shared by several endpoints, worded so a client can pass them on.
const (
	detailRealDirectoryRequired = "a real directoryId is required for this operation; the '-' directory is only valid for reads"
	detailExternalSynced        = "group is synced from an identity provider; change its memberships in the identity provider"
	detailSuspendOrgAdmin       = "user %s is an organization admin; an organization admin's access cannot be suspended"
	detailWorkspaceRolesOff     = "workspace role endpoints are not enabled for this organization; they must be enabled by Atlassian support"
)

// envelopeKind is the error envelope a route's operation declares in
// Atlassian's document.
type envelopeKind int

const (
	// envelopeV2: {"errors":[{"id","status":"404","code","title","detail"}]}
	// for every failure, the 401 and the 429 included (the v2 directory
	// routes and the invitation).
	envelopeV2 envelopeKind = iota
	// envelopeV2Write: a v2 write whose document declares its failures
	// without a body; they answer errors[] as envelopeV2 does, or the status
	// alone under Settings.WriteErrorsWithoutBody.
	envelopeV2Write
	// envelopeV1: the same errors[] envelope, but the gateway's 401 and 429
	// are {code, message} (the v1 organization and role routes).
	envelopeV1
	// envelopeUnwrapped: a single {"id","status","code","title","detail"}
	// object, with the gateway's 401 and 429 as {code, message} (the
	// workspaces query).
	envelopeUnwrapped
)

// errorStyle is how one answer renders a failure: the route's documented
// envelope, and the settings that make it give another plausible answer of
// the real service instead.
type errorStyle struct {
	kind envelopeKind
	// numericStatus sends errors[].status as a number (the document: a
	// string); Settings.NumericErrorStatus.
	numericStatus bool
	// gatewayRateLimit answers every 429 as {code, message}, on the routes
	// whose document gives errors[] too; Settings.GatewayRateLimitBody.
	gatewayRateLimit bool
	// noBody answers the failures of an envelopeV2Write route with their
	// status alone; Settings.WriteErrorsWithoutBody.
	noBody bool
}

// errorItem is one entry of the usual envelope. Status is `any`: a string
// as documented, a number under Settings.NumericErrorStatus.
type errorItem struct {
	ID     string `json:"id"`
	Status any    `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

type errorEnvelope struct {
	Errors []errorItem `json:"errors"`
}

// writeAPIError renders e in the given style.
func writeAPIError(w http.ResponseWriter, style errorStyle, requestID string, e *apiError) {
	if style.kind == envelopeV2Write && style.noBody {
		w.WriteHeader(e.Status)
		return
	}
	item := errorItem{
		ID:     requestID,
		Status: strconv.Itoa(e.Status),
		Code:   e.Code,
		Title:  http.StatusText(e.Status),
		Detail: e.Detail,
	}
	if style.numericStatus {
		item.Status = e.Status
	}
	if style.kind == envelopeUnwrapped {
		writeJSON(w, e.Status, item)
		return
	}
	writeJSON(w, e.Status, errorEnvelope{Errors: []errorItem{item}})
}

// writeGatewayError answers a 401 or a 429, which the gateway in front of
// the API sends: {code, message} where the route's document says so,
// errors[] where it gives that envelope.
func writeGatewayError(w http.ResponseWriter, style errorStyle, requestID string, status int, code, message string) {
	v2 := style.kind == envelopeV2 || style.kind == envelopeV2Write
	gateway := !v2 || (status == http.StatusTooManyRequests && style.gatewayRateLimit)
	if gateway {
		writeJSON(w, status, codeMessage{Code: status, Message: message})
		return
	}
	writeAPIError(w, style, requestID, &apiError{Status: status, Code: code, Detail: message})
}

// codeMessage is the {code, message} envelope of the gateway's 401 and 429
// (the document's ProxyError).
type codeMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// routingError is the flat envelope of the routing layer (unknown path or
// method).
type routingError struct {
	Timestamp string `json:"timestamp"`
	Path      string `json:"path"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	RequestID string `json:"requestId"`
	Message   string `json:"message"`
}

func writeRoutingError(w http.ResponseWriter, r *http.Request, status int, requestID string) {
	message := "No handler found for " + r.Method + " " + r.URL.Path
	if status == http.StatusMethodNotAllowed {
		message = "Request method '" + r.Method + "' is not supported"
	}
	writeJSON(w, status, routingError{
		Timestamp: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		Path:      r.URL.Path,
		Status:    status,
		Error:     http.StatusText(status),
		RequestID: requestID,
		Message:   message,
	})
}

// writeJSON encodes v as the whole response. HTML escaping is off so ARIs and
// links read naturally on the wire.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"errors":[{"status":500,"code":"`+codeInternal+`","title":"Internal Server Error","detail":"encoding failed"}]}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
