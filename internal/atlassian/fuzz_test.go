package atlassian

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// FuzzDecodeErrorBody: whatever a server answers, classifying it never
// panics, always yields a typed error for an error status, and never lets
// the API key through.
func FuzzDecodeErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"errors":[{"id":"r","status":"409","code":"ADMIN-UAM-409-2","title":"Conflict","detail":"member"}]}`,
		`{"errors":[{"status":409,"code":"ADMIN-UAM-409-3"}]}`,
		`{"id":"r","status":"404","code":"ADMIN-UAM-404-2","title":"Not Found"}`,
		`{"timestamp":"t","path":"/x","status":404,"error":"Not Found","requestId":"q","message":"m"}`,
		`{"code":401,"message":"Unauthorized"}`,
		`{"key":"ADMIN-UAM-400-2","errorDetail":"inactive","context":{}}`,
		`<html>502</html>`,
		`{"errors":[]}`,
		`{"status":null,"code":1e400}`,
		``,
	} {
		f.Add(409, seed)
	}
	const secret = "fuzz-secret-key"
	redact := func(s string) string { return strings.ReplaceAll(s, secret, "[redacted]") }
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 400 || status > 599 {
			status = 400 + (abs(status) % 200)
		}
		err := newAPIError(http.MethodPost, routeGroupMemberships, status, []byte(body+secret), nil, redact)
		text := err.Error()
		if strings.Contains(text, secret) {
			t.Fatalf("error text carries the key: %q", text)
		}
		if !strings.Contains(text, routeGroupMemberships) {
			t.Fatalf("error text does not name the call: %q", text)
		}
		if errors.Is(err, ErrAlreadyExists) && !strings.HasSuffix(err.Code, "-409-2") {
			t.Fatalf("ErrAlreadyExists without code 409-2: %+v", err)
		}
		if errors.Is(err, ErrLicenceLimit) && status != http.StatusConflict {
			t.Fatalf("licence limit on status %d", status)
		}
	})
}

// FuzzNextCursor: any links.next value gives a cursor without panicking,
// and an opaque cursor (not a URL) is passed back unchanged.
func FuzzNextCursor(f *testing.F) {
	for _, seed := range []string{"", "abc", "eyJrIjoiYSJ9", "/admin/v2/orgs/o/directories/-/users?cursor=x", "https://h/p?cursor=%zz", "http://[::1", " spaced "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := NextCursor(next)
		trimmed := strings.TrimSpace(next)
		isURL := strings.HasPrefix(trimmed, "/") || strings.HasPrefix(trimmed, "http://") || strings.HasPrefix(trimmed, "https://")
		if !isURL && got != trimmed {
			t.Fatalf("opaque cursor %q became %q", next, got)
		}
	})
}

// FuzzParseRateLimitReset: no input panics, and an accepted one is UTC.
func FuzzParseRateLimitReset(f *testing.F) {
	for _, seed := range []string{"2026-03-26T16:00Z", "2026-03-26T16:00:05Z", "2026-03-26T16:00:05.1+02:00", "x", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if ts, ok := ParseRateLimitReset(v); ok && ts.Location().String() != "UTC" {
			t.Fatalf("%q parsed into zone %v", v, ts.Location())
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
