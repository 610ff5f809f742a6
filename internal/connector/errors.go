package connector

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// Why the mapping below exists: the Atlassian client already retried (it is
// the only place that retries). The SDK retries again whatever reaches it as
// codes.Unavailable or codes.DeadlineExceeded (pkg/retry.ShouldWaitAndRetry):
// the builder's Grant and Revoke 3 times starting at 15 s, Validate 5 times,
// and the syncer without limit. So a final failure must leave the connector
// with an explicit code that is neither of those two, and with the client's
// message, which names the call, the Atlassian error code and the fix.
//
//	client error                        gRPC code
//	ErrUnauthenticated (401)            Unauthenticated
//	ErrForbidden (403)                  PermissionDenied
//	ErrOrganizationNotFound (404-2)     NotFound (Validate words it as the org id)
//	ErrNotFound (404)                   NotFound
//	ErrInvalidRole (400-3)              InvalidArgument
//	ErrBadRequest (400)                 InvalidArgument
//	ErrInactiveUser (400-2)             FailedPrecondition (restore the account first)
//	ErrLicenceLimit (409-3)             FailedPrecondition (free a seat first)
//	ErrPaymentRequired (402)            FailedPrecondition (invitations need a paid subscription)
//	ErrAlreadyExists (409-2)            AlreadyExists (where it is not an idempotent no-op)
//	other 409                           Aborted
//	ErrRateLimited (429 after budget)   ResourceExhausted
//	ErrServer (5xx after budget)        Aborted
//	ErrTransport (no answer after budget) Aborted
//	ErrMalformedResponse                Internal
//	ErrCreatedNotVisible                Aborted (the caller looks again later)
//	context cancelled / deadline        Canceled / DeadlineExceeded (the context is done: no retry waits)
//	anything else                       Unknown
//
// NotFound is also what the syncer treats as a warning (the resource went
// away during the sync; its grants are skipped), which is what a user or
// group deleted mid-sync should do.

// Reasons say which of the failures that share a gRPC code happened (a
// wrong organization and a missing group are both NotFound; an inactive
// account and a full licence are both FailedPrecondition). Each status
// error carries its reason as an ErrorInfo detail in ErrorDomain, which
// survives the trip through the SDK's server and over the wire, so a
// caller tells failures apart with Reason, in this process or another.
const (
	ErrorDomain = "atlassian.baton.conductorone.com"

	ReasonUnauthenticated      = "UNAUTHENTICATED"        // 401: the key is wrong or revoked
	ReasonForbidden            = "FORBIDDEN"              // 403: not allowed (identity-provider group, role endpoints off)
	ReasonOrganizationNotFound = "ORGANIZATION_NOT_FOUND" // 404-2: the key does not reach this organization
	ReasonNotFound             = "NOT_FOUND"              // 404: the account, group or workspace is not there
	ReasonInvalidRole          = "INVALID_ROLE"           // 400-3: no such role on that workspace
	ReasonBadRequest           = "BAD_REQUEST"            // 400
	ReasonInactiveUser         = "INACTIVE_USER"          // 400-2: the account is suspended or deactivated
	ReasonLicenceLimit         = "LICENCE_LIMIT"          // 409-3: no seat left
	ReasonAlreadyExists        = "ALREADY_EXISTS"         // 409-2
	ReasonConflict             = "CONFLICT"               // other 409
	ReasonRateLimited          = "RATE_LIMITED"           // 429 after the retry budget
	ReasonServer               = "SERVER_ERROR"           // 5xx after the retry budget
	ReasonTransport            = "TRANSPORT"              // no answer after the retry budget
	ReasonMalformedResponse    = "MALFORMED_RESPONSE"
	ReasonPaymentRequired      = "PAYMENT_REQUIRED"    // 402: invitations need a paid subscription
	ReasonCreatedNotVisible    = "CREATED_NOT_VISIBLE" // a create accepted without its id, not yet in reads
)

// Reason returns the reason a connector error carries, or "" for an error
// that carries none (a caller mistake found before any call was sent, or
// an error from outside the connector).
func Reason(err error) string {
	s, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, d := range s.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == ErrorDomain {
			return info.GetReason()
		}
	}
	return ""
}

// statusError is a connector error: a gRPC status with its reason. It does
// not unwrap to the client's error: callers see what a caller in another
// process would see.
type statusError struct{ st *status.Status }

func (e *statusError) Error() string              { return e.st.Message() }
func (e *statusError) GRPCStatus() *status.Status { return e.st }

// The ErrorInfo metadata keys of the scope a refused call needs, and
// whether Atlassian's refusal said it was for want of it (see Scope).
const (
	scopeMetadata        = "scope"
	scopeRefusedMetadata = "scope_refused"
)

// newStatusError builds an error with an explicit code, and the reason of
// cause (the client's error) when there is one, with the scope a refused
// call needs when the client named one.
func newStatusError(code codes.Code, cause error, format string, args ...any) error {
	st := status.New(code, fmt.Sprintf(format, args...))
	if reason := reasonOf(cause); reason != "" {
		info := &errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}
		var apiErr *atlassian.APIError
		if errors.As(cause, &apiErr) && apiErr.Scope != "" {
			info.Metadata = map[string]string{scopeMetadata: apiErr.Scope, scopeRefusedMetadata: strconv.FormatBool(apiErr.ScopeRefused)}
		}
		if detailed, err := st.WithDetails(info); err == nil {
			st = detailed
		}
	}
	return &statusError{st: st}
}

// Scope returns the scope a refused call (reason UNAUTHENTICATED or
// FORBIDDEN) needs, which an API key with scopes may lack, or "" when the
// call needs none the connector knows of; refused is true when Atlassian's
// refusal said the key lacks it, false when it is one possible cause among
// others. Like the reason, it survives the trip through the SDK's server.
func Scope(err error) (scope string, refused bool) {
	s, ok := status.FromError(err)
	if !ok {
		return "", false
	}
	for _, d := range s.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == ErrorDomain {
			return info.GetMetadata()[scopeMetadata], info.GetMetadata()[scopeRefusedMetadata] == "true"
		}
	}
	return "", false
}

// invalidArgument is a caller mistake found before any call is sent.
func invalidArgument(format string, args ...any) error {
	return newStatusError(codes.InvalidArgument, nil, format, args...)
}

// classes pairs each client error with its code and reason; the first
// match wins, so the organization comes before the wider NotFound.
var classes = []struct {
	err    error
	code   codes.Code
	reason string
}{
	{context.Canceled, codes.Canceled, ""},
	{context.DeadlineExceeded, codes.DeadlineExceeded, ""},
	{atlassian.ErrUnauthenticated, codes.Unauthenticated, ReasonUnauthenticated},
	{atlassian.ErrForbidden, codes.PermissionDenied, ReasonForbidden},
	{atlassian.ErrOrganizationNotFound, codes.NotFound, ReasonOrganizationNotFound},
	{atlassian.ErrNotFound, codes.NotFound, ReasonNotFound},
	{atlassian.ErrInactiveUser, codes.FailedPrecondition, ReasonInactiveUser},
	{atlassian.ErrLicenceLimit, codes.FailedPrecondition, ReasonLicenceLimit},
	{atlassian.ErrInvalidRole, codes.InvalidArgument, ReasonInvalidRole},
	{atlassian.ErrBadRequest, codes.InvalidArgument, ReasonBadRequest},
	{atlassian.ErrAlreadyExists, codes.AlreadyExists, ReasonAlreadyExists},
	{atlassian.ErrConflict, codes.Aborted, ReasonConflict},
	{atlassian.ErrRateLimited, codes.ResourceExhausted, ReasonRateLimited},
	{atlassian.ErrServer, codes.Aborted, ReasonServer},
	{atlassian.ErrTransport, codes.Aborted, ReasonTransport},
	{atlassian.ErrMalformedResponse, codes.Internal, ReasonMalformedResponse},
	{atlassian.ErrPaymentRequired, codes.FailedPrecondition, ReasonPaymentRequired},
	{atlassian.ErrCreatedNotVisible, codes.Aborted, ReasonCreatedNotVisible},
}

// codeOf picks the gRPC code for a client error; see the table above.
func codeOf(err error) codes.Code {
	for _, c := range classes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	// An HTTP status the client did not classify (405, 501, ...).
	return codes.Unknown
}

func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	for _, c := range classes {
		if errors.Is(err, c.err) {
			return c.reason
		}
	}
	return ""
}

// wrapError turns a client error into a status error, prefixed with what the
// connector was doing. An error that already carries a status is kept.
func wrapError(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
		return fmt.Errorf("%s: %w", what, err)
	}
	return newStatusError(codeOf(err), err, "%s: %s", what, err.Error())
}

// Message returns what the connector said about err: its own status
// message, without gRPC's framing or the prefixes the SDK's server adds
// ("grant failed: ...", "validate failed: ..."), which mean nothing to a
// person.
func Message(err error) string {
	var inner interface{ GRPCStatus() *status.Status }
	if errors.As(err, &inner) && inner.GRPCStatus().Message() != "" {
		return inner.GRPCStatus().Message()
	}
	if s, ok := status.FromError(err); ok {
		return s.Message()
	}
	return err.Error()
}
