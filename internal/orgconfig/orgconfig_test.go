package orgconfig

import (
	"errors"
	"strings"
	"testing"
)

const (
	orgID     = "3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37"
	fakeToken = "test-token-obviously-fake"
)

func TestNewTrimsAndDefaults(t *testing.T) {
	got, err := New(Config{BaseURL: " http://127.0.0.1:8080/admin/ ", OrganizationID: " " + orgID + "\n", APIToken: "\t" + fakeToken + " "})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{BaseURL: "http://127.0.0.1:8080", OrganizationID: orgID, APIToken: fakeToken, MaxConcurrency: DefaultMaxConcurrency}
	if got != want {
		t.Errorf("New = %+v, want %+v", got, want)
	}
	got, err = New(Config{OrganizationID: orgID, APIToken: fakeToken, MaxConcurrency: 3, RequestsPerSecond: 50})
	if err != nil {
		t.Fatal(err)
	}
	if got.BaseURL != DefaultBaseURL || got.MaxConcurrency != 3 || got.RequestsPerSecond != 50 {
		t.Errorf("New kept %+v", got)
	}
}

func TestNewNamesEachField(t *testing.T) {
	cases := []struct {
		name  string
		raw   Config
		field string
		kind  error
	}{
		{"no organization", Config{APIToken: fakeToken}, "organization_id", ErrMissing},
		{"organization not a UUID", Config{OrganizationID: "org-1", APIToken: fakeToken}, "organization_id", ErrMalformed},
		{"no key", Config{OrganizationID: orgID}, "api_token", ErrMissing},
		{"key with a space", Config{OrganizationID: orgID, APIToken: "two " + fakeToken}, "api_token", ErrMalformed},
		{"ftp base URL", Config{OrganizationID: orgID, APIToken: fakeToken, BaseURL: "ftp://example"}, "base_url", ErrMalformed},
		{"relative base URL", Config{OrganizationID: orgID, APIToken: fakeToken, BaseURL: "not a url"}, "base_url", ErrMalformed},
		{"base URL with a query", Config{OrganizationID: orgID, APIToken: fakeToken, BaseURL: "https://api.atlassian.com?x=1"}, "base_url", ErrMalformed},
		{"negative rate", Config{OrganizationID: orgID, APIToken: fakeToken, RequestsPerSecond: -1}, "requests_per_second", ErrMalformed},
		{"rate too high", Config{OrganizationID: orgID, APIToken: fakeToken, RequestsPerSecond: MaxRequestsPerSecond + 1}, "requests_per_second", ErrMalformed},
		{"negative concurrency", Config{OrganizationID: orgID, APIToken: fakeToken, MaxConcurrency: -1}, "max_concurrency", ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.raw)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, tc.kind) {
				t.Fatalf("New(%+v) = %v; want a %s error on %s", tc.raw, err, tc.kind, tc.field)
			}
			if strings.Contains(err.Error(), fakeToken) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

// TestParseBaseURLOnlyLoopbackInClear: http:// is for this machine alone;
// anything that would carry the key across a network in clear text, or
// that only looks like this machine, is refused as insecure.
func TestParseBaseURLOnlyLoopbackInClear(t *testing.T) {
	accepted := map[string]string{
		"https://api.atlassian.com":        "https://api.atlassian.com",
		"https://api.atlassian.com/admin/": "https://api.atlassian.com",
		"http://127.0.0.1:8080":            "http://127.0.0.1:8080",
		"http://127.45.6.7:1/admin":        "http://127.45.6.7:1",
		"http://[::1]:9000/":               "http://[::1]:9000",
		"http://localhost:8080":            "http://localhost:8080",
		"http://LOCALHOST":                 "http://LOCALHOST",
		"HTTP://127.0.0.1:8080":            "HTTP://127.0.0.1:8080",
		"https://10.0.0.5:8443":            "https://10.0.0.5:8443",
	}
	for raw, want := range accepted {
		got, err := ParseBaseURL(raw)
		if err != nil || got != want {
			t.Errorf("ParseBaseURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	insecure := []string{
		"http://api.atlassian.com",
		"http://10.0.0.5:8080",
		"http://192.168.1.20",
		"http://[2001:db8::1]:80",
		"http://localhost.evil.com",
		"http://127.0.0.1.nip.io",
		"http://localhost.",
		"http://0.0.0.0:8080",
		"HTTP://api.atlassian.com",
	}
	for _, raw := range insecure {
		_, err := ParseBaseURL(raw)
		if !errors.Is(err, ErrInsecure) || errors.Is(err, ErrMalformed) {
			t.Errorf("ParseBaseURL(%q) = %v; want an insecure-URL error", raw, err)
			continue
		}
		if !strings.Contains(err.Error(), "clear text") || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("ParseBaseURL(%q): the error does not say why: %v", raw, err)
		}
	}
	malformed := []string{
		"https://user:s3cr3t-pass@api.atlassian.com",
		"http://user@127.0.0.1:8080",
		"https://api.atlassian.com/#frag",
		"https://api.atlassian.com/?",
		"https:api.atlassian.com",
		"ws://127.0.0.1:8080",
	}
	for _, raw := range malformed {
		_, err := ParseBaseURL(raw)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseBaseURL(%q) = %v; want a malformed-URL error", raw, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t-pass") {
			t.Errorf("ParseBaseURL(%q): the error shows the URL's password: %v", raw, err)
		}
	}
	if _, err := ParseBaseURL("http://user@127.0.0.1:8080"); err == nil || !strings.Contains(err.Error(), "user info") {
		t.Errorf("a URL with user info is refused without saying why: %v", err)
	}
}

func TestNewRefusesAnInsecureBaseURL(t *testing.T) {
	_, err := New(Config{OrganizationID: orgID, APIToken: fakeToken, BaseURL: "http://api.example.com"})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "base_url" || !errors.Is(err, ErrInsecure) {
		t.Fatalf("New = %v; want an insecure error on base_url", err)
	}
}
