// Package orgconfig is the one shape of what every layer needs to reach an
// Atlassian organization: where the admin API is, which organization, the
// key, and how hard to push. It is checked once, where it enters the
// program (the provider block, the baton-atlassian flags), and carried down
// unchanged: no layer under the edge trims, defaults or validates it again.
package orgconfig

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// DefaultBaseURL is where the real admin API lives; the sandbox replaces it.
const DefaultBaseURL = "https://api.atlassian.com"

// DefaultMaxConcurrency is how many requests may be in flight when the
// configuration does not say.
const DefaultMaxConcurrency = 8

// MaxRequestsPerSecond bounds the client-side rate cap.
const MaxRequestsPerSecond = 1000

// Config reaches one organization. Build it with New, or field by field
// with the Parse functions at an edge that reports each field on its own
// (the provider names the attribute of every error).
type Config struct {
	// BaseURL is the admin API's host without a trailing slash or the
	// /admin suffix.
	BaseURL        string
	OrganizationID string
	// APIToken is an organization API key ("API key without scopes"). It
	// is never logged or echoed.
	APIToken string

	// RequestsPerSecond caps the request rate, retries included (0: no
	// client-side cap; 429 answers are honoured either way).
	RequestsPerSecond float64
	// MaxConcurrency caps requests in flight.
	MaxConcurrency int

	// UserAgent names the program and its version, e.g.
	// "terraform-provider-atlassian/1.2.0"; the client sends it as the
	// first product token of its User-Agent.
	UserAgent string
}

// Errors of the Parse functions; a *FieldError from New wraps one of them.
var (
	ErrMissing   = errors.New("missing")
	ErrMalformed = errors.New("malformed")
)

// FieldError says which field of a Config New refused.
type FieldError struct {
	Field string // "base_url", "organization_id", "api_token", "requests_per_second", "max_concurrency"
	Err   error  // wraps ErrMissing or ErrMalformed
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// ParseBaseURL accepts an absolute http or https URL without a query; ""
// means DefaultBaseURL. The result has no trailing slash and no /admin
// suffix, which every admin API path adds itself.
func ParseBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return "", fmt.Errorf("%w: the base URL %q must be an absolute http or https URL without a query, such as %s",
			ErrMalformed, raw, DefaultBaseURL)
	}
	return strings.TrimSuffix(strings.TrimRight(raw, "/"), "/admin"), nil
}

// OrganizationIDPattern accepts the UUIDs Atlassian uses for organization
// ids (for schema validators; IsOrganizationID for the rest).
var OrganizationIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsOrganizationID reports whether s has the shape of an organization id.
func IsOrganizationID(s string) bool { return OrganizationIDPattern.MatchString(s) }

// ParseOrganizationID accepts a UUID such as
// 3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37.
func ParseOrganizationID(raw string) (string, error) {
	switch {
	case raw == "":
		return "", fmt.Errorf("%w: no organization id", ErrMissing)
	case !IsOrganizationID(raw):
		return "", fmt.Errorf("%w: the organization id %q is not a UUID", ErrMalformed, raw)
	}
	return raw, nil
}

// ParseAPIToken accepts any key without white space; the error never
// contains the value.
func ParseAPIToken(raw string) (string, error) {
	switch {
	case raw == "":
		return "", fmt.Errorf("%w: no API key", ErrMissing)
	case strings.ContainsAny(raw, " \t\r\n"):
		return "", fmt.Errorf("%w: the API key contains white space", ErrMalformed)
	}
	return raw, nil
}

// New trims the strings of raw, applies the defaults and checks every
// field, for edges that report one error for all of them.
func New(raw Config) (Config, error) {
	c := raw
	var errs []error
	var err error
	if c.BaseURL, err = ParseBaseURL(strings.TrimSpace(raw.BaseURL)); err != nil {
		errs = append(errs, &FieldError{Field: "base_url", Err: err})
	}
	if c.OrganizationID, err = ParseOrganizationID(strings.TrimSpace(raw.OrganizationID)); err != nil {
		errs = append(errs, &FieldError{Field: "organization_id", Err: err})
	}
	if c.APIToken, err = ParseAPIToken(strings.TrimSpace(raw.APIToken)); err != nil {
		errs = append(errs, &FieldError{Field: "api_token", Err: err})
	}
	if c.RequestsPerSecond < 0 || c.RequestsPerSecond > MaxRequestsPerSecond {
		errs = append(errs, &FieldError{Field: "requests_per_second",
			Err: fmt.Errorf("%w: %v is not between 0 and %d", ErrMalformed, c.RequestsPerSecond, MaxRequestsPerSecond)})
	}
	switch {
	case c.MaxConcurrency == 0:
		c.MaxConcurrency = DefaultMaxConcurrency
	case c.MaxConcurrency < 0:
		errs = append(errs, &FieldError{Field: "max_concurrency",
			Err: fmt.Errorf("%w: %d is negative", ErrMalformed, c.MaxConcurrency)})
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}
