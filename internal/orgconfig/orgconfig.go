// Package orgconfig is the one shape of what every layer needs to reach an
// Atlassian organization: where the admin API is, which organization, the
// key, and how hard to push. It is checked once, where it enters the
// program (the provider block, the baton-atlassian flags), and carried down
// unchanged: no layer under the edge trims, defaults or validates it again.
package orgconfig

import (
	"errors"
	"fmt"
	"net"
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
	// ErrInsecure: a base URL over which the API key would travel in
	// clear text (http:// to a host other than this machine).
	ErrInsecure = errors.New("insecure")
)

// FieldError says which field of a Config New refused.
type FieldError struct {
	Field string // "base_url", "organization_id", "api_token", "requests_per_second", "max_concurrency"
	Err   error  // wraps ErrMissing or ErrMalformed
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// ParseBaseURL accepts an absolute https URL without a query, fragment or
// user info, or an http one whose host is this machine (IsLoopbackHost):
// the API key travels in a header of every request, so a URL that would
// carry it in clear text across a network is refused before anything is
// sent. "" means DefaultBaseURL. The result has no trailing slash and no
// /admin suffix, which every admin API path adds itself. A refusal wraps
// ErrMalformed or ErrInsecure, and its message is a sentence an edge can
// show as it is (it never holds a password from the URL).
func ParseBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		shown := raw
		if err == nil {
			shown = u.Redacted()
		}
		return "", fmt.Errorf("%w: the base URL %q must be an absolute http or https URL without a query, such as %s",
			ErrMalformed, shown, DefaultBaseURL)
	}
	if u.User != nil {
		return "", fmt.Errorf("%w: the base URL %q holds user info (a name before @): the admin API takes no credentials "+
			"in the URL, only the API key, which the provider sends in a header; remove the part before @",
			ErrMalformed, u.Redacted())
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("%w: the base URL %q uses http:// to %q, which is not a loopback host, so the organization's "+
			"API key would cross the network in clear text; use https://, or http:// only to 127.0.0.1 (or any "+
			"127.x.y.z), ::1 or localhost, such as a local sandbox",
			ErrInsecure, raw, u.Hostname())
	}
	return strings.TrimSuffix(strings.TrimRight(raw, "/"), "/admin"), nil
}

// IsLoopbackHost reports whether host (without a port or brackets) is this
// machine: "localhost" exactly, or an IP literal in 127.0.0.0/8 or ::1.
// Names that merely start like one ("localhost.example.com",
// "127.0.0.1.nip.io") are names a resolver may send anywhere, and are not.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
