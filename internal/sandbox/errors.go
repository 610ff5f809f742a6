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
	codeBadRequest      = "ADMIN-UAM-400-1"
	codeInactiveUser    = "ADMIN-UAM-400-2"
	codeInvalidRole     = "ADMIN-UAM-400-3"
	codeForbidden       = "ADMIN-UAM-403-1"
	codeNotFound        = "ADMIN-UAM-404-1"
	codeOrgNotFound     = "ADMIN-UAM-404-2"
	codeGroupNotFound   = "ADMIN-UAM-404-3"
	codeConflict        = "ADMIN-UAM-409-2"
	codeLicenceExceeded = "ADMIN-UAM-409-3"
	codeInternal        = "ADMIN-UAM-500-1"
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

// errorStyle selects which of the real service's error envelopes a route
// answers with, so clients are exercised against all of them.
type errorStyle int

const (
	// styleNumericStatus: {"errors":[{"id","status":404,"code","title","detail"}]}
	styleNumericStatus errorStyle = iota
	// styleStringStatus: the same with "status":"404" for 4xx answers (the
	// membership endpoints); 5xx answers keep a number.
	styleStringStatus
	// styleUnwrapped: a single {"id","status","code","title","detail"} object
	// (the workspaces endpoint).
	styleUnwrapped
)

// errorItem is one entry of the usual envelope. Status is `any` because the
// real service sends it as a string on some endpoints and a number on others.
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
	item := errorItem{
		ID:     requestID,
		Status: e.Status,
		Code:   e.Code,
		Title:  http.StatusText(e.Status),
		Detail: e.Detail,
	}
	if style == styleStringStatus && e.Status < 500 {
		item.Status = strconv.Itoa(e.Status)
	}
	if style == styleUnwrapped {
		writeJSON(w, e.Status, item)
		return
	}
	writeJSON(w, e.Status, errorEnvelope{Errors: []errorItem{item}})
}

// codeMessage is the {code, message} envelope of the gateway's 401 and 429.
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
