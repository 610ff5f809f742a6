package access

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// The errors of this layer. Every error a View returns that the
// connector explained wraps one of them (errors.Is), so callers tell
// failures apart without knowing what sits under the connector.
var (
	// ErrNotFound: the account, group or workspace does not exist.
	ErrNotFound = errors.New("not found")
	// ErrOrganizationNotFound: the API key does not reach the organization.
	// It is never ErrNotFound: a wrong organization id says nothing about
	// the group or account asked about.
	ErrOrganizationNotFound = errors.New("organization not found for this API key")
	// ErrUnauthenticated: Atlassian rejected the API key.
	ErrUnauthenticated = errors.New("API key rejected")
	// ErrForbidden: the key may not do this (a group synced from an
	// identity provider, role endpoints not enabled, ...).
	ErrForbidden = errors.New("not allowed")
	// ErrAlreadyExists and ErrConflict: a create collided with what exists.
	ErrAlreadyExists = errors.New("already exists")
	ErrConflict      = errors.New("conflict")
	// ErrLicenceLimit: the product has no seat left.
	ErrLicenceLimit = errors.New("licence limit reached")
	// ErrInactiveUser: the account is suspended or deactivated.
	ErrInactiveUser = errors.New("account not active")
	// ErrInvalidRole: the workspace has no such role.
	ErrInvalidRole = errors.New("invalid role")
	// ErrPaymentRequired: invitations need an organization with a paid
	// subscription.
	ErrPaymentRequired = errors.New("paid subscription required")
	// ErrUnavailable: the admin API failed (5xx) or did not answer
	// (connection reset, timeout) after the client's retries. A write that
	// ends so may or may not have been carried out.
	ErrUnavailable = errors.New("admin API unavailable")
	// errCreatedNotVisible: a create succeeded without naming what it
	// created, and reads do not show it yet; CreateGroup looks again.
	errCreatedNotVisible = errors.New("created, but not visible yet")
	// ErrSuspensionRefused: Atlassian refused to suspend the account, which
	// it does for an organization admin.
	ErrSuspensionRefused = errors.New("suspension refused")
)

// errorOfReason is the one place where the connector's reasons become this
// layer's errors.
var errorOfReason = map[string]error{
	connector.ReasonNotFound:             ErrNotFound,
	connector.ReasonOrganizationNotFound: ErrOrganizationNotFound,
	connector.ReasonUnauthenticated:      ErrUnauthenticated,
	connector.ReasonForbidden:            ErrForbidden,
	connector.ReasonAlreadyExists:        ErrAlreadyExists,
	connector.ReasonConflict:             ErrConflict,
	connector.ReasonLicenceLimit:         ErrLicenceLimit,
	connector.ReasonInactiveUser:         ErrInactiveUser,
	connector.ReasonInvalidRole:          ErrInvalidRole,
	connector.ReasonPaymentRequired:      ErrPaymentRequired,
	connector.ReasonServer:               ErrUnavailable,
	connector.ReasonTransport:            ErrUnavailable,
	connector.ReasonCreatedNotVisible:    errCreatedNotVisible,
	connector.ReasonSuspensionRefused:    ErrSuspensionRefused,
}

// isNotFound reports that the resource asked about does not exist: the
// connector says NotFound for it, and also for a wrong organization id
// (with its own reason), which is an error: taken for "not found", it would
// make every group, membership and role look deleted outside Terraform, and
// every delete look done while nothing was removed.
func isNotFound(err error) bool {
	return status.Code(err) == codes.NotFound && connector.Reason(err) != connector.ReasonOrganizationNotFound
}

// describe turns a connector error into this layer's: the connector's
// message without gRPC's "rpc error: code = ... desc =" framing, which
// means nothing to a Terraform user, wrapping the error of its reason (and
// the context's error when the call was cancelled). It does not unwrap to
// the connector's error.
func describe(err error) error {
	s, ok := status.FromError(err)
	if !ok || s.Code() == codes.Unknown {
		return err
	}
	described := &describedError{msg: connector.Message(err)}
	described.scope, described.scopeRefused = connector.Scope(err)
	switch {
	case isNotFound(err):
		described.msg = ErrNotFound.Error() + ": " + described.msg
		described.causes = append(described.causes, ErrNotFound)
	case errorOfReason[connector.Reason(err)] != nil:
		described.causes = append(described.causes, errorOfReason[connector.Reason(err)])
	}
	switch s.Code() {
	case codes.Canceled:
		described.causes = append(described.causes, context.Canceled)
	case codes.DeadlineExceeded:
		described.causes = append(described.causes, context.DeadlineExceeded)
	}
	return described
}

// describedError is a connector error with its gRPC framing removed.
type describedError struct {
	msg    string
	causes []error
	// scope is the scope the refused call needs, and scopeRefused whether
	// Atlassian said the key lacks it; see MissingScope.
	scope        string
	scopeRefused bool
}

// RequiredScope is the scope the refused call needs, and whether the
// refusal was for want of it.
func (e *describedError) RequiredScope() (string, bool) { return e.scope, e.scopeRefused }

// MissingScope returns the scope an API key with scopes needs for the call
// that failed with err (ErrForbidden or ErrUnauthenticated), or "" when
// none is known: the scope to add to the key. certain is true when
// Atlassian's refusal said the key lacks it; else it is one possible cause
// among the others of the error. It reads any error of the chain that says
// its RequiredScope.
func MissingScope(err error) (scope string, certain bool) {
	var scoped interface{ RequiredScope() (string, bool) }
	if errors.As(err, &scoped) {
		return scoped.RequiredScope()
	}
	return "", false
}

func (e *describedError) Error() string   { return e.msg }
func (e *describedError) Unwrap() []error { return e.causes }
