package connector

import (
	"context"
	"errors"
	"fmt"

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
//	ErrAlreadyExists (409-2)            AlreadyExists (where it is not an idempotent no-op)
//	other 409                           Aborted
//	ErrRateLimited (429 after budget)   ResourceExhausted
//	ErrServer (5xx after budget)        Aborted
//	ErrTransport (no answer after budget) Aborted
//	ErrMalformedResponse                Internal
//	context cancelled / deadline        Canceled / DeadlineExceeded (the context is done: no retry waits)
//	anything else                       Unknown
//
// NotFound is also what the syncer treats as a warning (the resource went
// away during the sync; its grants are skipped), which is what a user or
// group deleted mid-sync should do.

// statusError carries a gRPC status and still unwraps to the client error, so
// that in-process callers (the Terraform provider) can use errors.Is with the
// atlassian sentinels as well as status.Code.
type statusError struct {
	st  *status.Status
	err error
}

func (e *statusError) Error() string              { return e.st.Message() }
func (e *statusError) GRPCStatus() *status.Status { return e.st }
func (e *statusError) Unwrap() error              { return e.err }

// newStatusError builds an error with an explicit code that wraps cause.
func newStatusError(code codes.Code, cause error, format string, args ...any) error {
	return &statusError{st: status.New(code, fmt.Sprintf(format, args...)), err: cause}
}

// invalidArgument is a caller mistake found before any call is sent.
func invalidArgument(format string, args ...any) error {
	return newStatusError(codes.InvalidArgument, nil, format, args...)
}

// codeOf picks the gRPC code for a client error; see the table above.
func codeOf(err error) codes.Code {
	switch {
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	case errors.Is(err, atlassian.ErrUnauthenticated):
		return codes.Unauthenticated
	case errors.Is(err, atlassian.ErrForbidden):
		return codes.PermissionDenied
	case errors.Is(err, atlassian.ErrNotFound):
		return codes.NotFound
	case errors.Is(err, atlassian.ErrInactiveUser), errors.Is(err, atlassian.ErrLicenceLimit):
		return codes.FailedPrecondition
	case errors.Is(err, atlassian.ErrInvalidRole), errors.Is(err, atlassian.ErrBadRequest):
		return codes.InvalidArgument
	case errors.Is(err, atlassian.ErrAlreadyExists):
		return codes.AlreadyExists
	case errors.Is(err, atlassian.ErrConflict):
		return codes.Aborted
	case errors.Is(err, atlassian.ErrRateLimited):
		return codes.ResourceExhausted
	case errors.Is(err, atlassian.ErrServer), errors.Is(err, atlassian.ErrTransport):
		return codes.Aborted
	case errors.Is(err, atlassian.ErrMalformedResponse):
		return codes.Internal
	}
	// An HTTP status the client did not classify (405, 501, ...).
	return codes.Unknown
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
