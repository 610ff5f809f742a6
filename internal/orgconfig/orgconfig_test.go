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
