package atlassian

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestNewAPIErrorDecodesEveryEnvelope(t *testing.T) {
	const route = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships"
	cases := []struct {
		name       string
		status     int
		body       string
		wantCode   string
		wantKinds  []error
		wantInText []string
	}{
		{
			name:      "usual envelope, string status",
			status:    409,
			body:      `{"errors":[{"id":"r-1","status":"409","code":"ADMIN-UAM-409-2","title":"Conflict","detail":"User is already a member"}]}`,
			wantCode:  "ADMIN-UAM-409-2",
			wantKinds: []error{ErrAlreadyExists, ErrConflict},
		},
		{
			name:       "usual envelope, number status, licence limit",
			status:     409,
			body:       `{"errors":[{"id":"r-2","status":409,"code":"ADMIN-UAM-409-3","title":"Conflict","detail":"Product licence limit exceeded"}]}`,
			wantCode:   "ADMIN-UAM-409-3",
			wantKinds:  []error{ErrLicenceLimit, ErrConflict},
			wantInText: []string{"licence"},
		},
		{
			name:       "single unwrapped object (workspaces)",
			status:     404,
			body:       `{"id":"r-3","status":"404","code":"ADMIN-UAM-404-2","title":"Not Found","detail":"Organization not found"}`,
			wantCode:   "ADMIN-UAM-404-2",
			wantKinds:  []error{ErrOrganizationNotFound, ErrNotFound},
			wantInText: []string{"organization id", "/o/"},
		},
		{
			name:       "routing layer flat envelope",
			status:     404,
			body:       `{"timestamp":"2026-11-26T12:00:00Z","path":"/admin/v9/x","status":404,"error":"Not Found","requestId":"abc","message":"No route"}`,
			wantKinds:  []error{ErrNotFound},
			wantInText: []string{"Not Found: No route", "request id abc"},
		},
		{
			name:       "code and message (401)",
			status:     401,
			body:       `{"code":401,"message":"Unauthorized; scope does not match"}`,
			wantKinds:  []error{ErrUnauthenticated},
			wantInText: []string{"API key was rejected"},
		},
		{
			name:      "lifecycle envelope",
			status:    400,
			body:      `{"key":"ADMIN-UAM-400-2","errorDetail":"The user is inactive","context":{}}`,
			wantCode:  "ADMIN-UAM-400-2",
			wantKinds: []error{ErrInactiveUser, ErrBadRequest},
		},
		{
			name:       "HTML from a proxy",
			status:     502,
			body:       `<html><body>Bad gateway</body></html>`,
			wantKinds:  []error{ErrServer},
			wantInText: []string{"502"},
		},
		{
			name:      "invalid role",
			status:    400,
			body:      `{"errors":[{"status":"400","code":"ADMIN-UAM-400-3","title":"Bad Request","detail":"invalid role"}]}`,
			wantCode:  "ADMIN-UAM-400-3",
			wantKinds: []error{ErrInvalidRole, ErrBadRequest},
		},
		{
			name:      "409 without a code is no proof of membership",
			status:    409,
			body:      `{}`,
			wantKinds: []error{ErrConflict},
		},
		{
			name:       "forbidden on role endpoints explains enablement",
			status:     403,
			body:       `{"errors":[{"status":"403","code":"ADMIN-UAM-403-1","title":"Forbidden"}]}`,
			wantCode:   "ADMIN-UAM-403-1",
			wantKinds:  []error{ErrForbidden},
			wantInText: []string{"identity provider"},
		},
		{name: "rate limited", status: 429, body: `{"code":"429","message":"Too many requests"}`, wantKinds: []error{ErrRateLimited}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := newAPIError(http.MethodPost, route, tc.status, []byte(tc.body), nil, func(s string) string { return s })
			if err.Code != tc.wantCode {
				t.Errorf("code = %q, want %q", err.Code, tc.wantCode)
			}
			for _, kind := range tc.wantKinds {
				if !errors.Is(err, kind) {
					t.Errorf("errors.Is(%v) = false; error: %v", kind, err)
				}
			}
			if errors.Is(err, ErrAlreadyExists) && !containsErr(tc.wantKinds, ErrAlreadyExists) {
				t.Errorf("unexpectedly ErrAlreadyExists: %v", err)
			}
			for _, s := range tc.wantInText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error text %q lacks %q", err.Error(), s)
				}
			}
		})
	}
}

func TestRoleRouteForbiddenNamesEnablement(t *testing.T) {
	err := newAPIError(http.MethodPost, routeUserRoleAssign, 403, []byte(`{"errors":[{"code":"ADMIN-UAM-403-1"}]}`), nil, func(s string) string { return s })
	if !strings.Contains(err.Error(), "enabled for the organization by Atlassian support") {
		t.Fatalf("error does not say role endpoints need enabling: %v", err)
	}
}

func TestAPIErrorRedactsEchoedSecrets(t *testing.T) {
	const secret = "ATATT-obviously-fake-key-0000"
	body := `{"errors":[{"status":"401","code":"ADMIN-UAM-401-1","title":"Unauthorized","detail":"bad token ` + secret + `"}]}`
	redact := func(s string) string { return strings.ReplaceAll(s, secret, "[redacted]") }
	err := newAPIError(http.MethodGet, routeOrganization, 401, []byte(body), nil, redact)
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("error text contains the API key: %v", err)
	}
}

func containsErr(list []error, target error) bool {
	for _, e := range list {
		if e == target {
			return true
		}
	}
	return false
}
