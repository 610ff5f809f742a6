package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The scope each operation needs. The document declares no per-operation
// security requirement: its top-level security accepts a bearer key or an
// OAuth token with no scope at all, and the scope an operation needs is
// said in its description only ("Authorization scopes required:
// `read:groups:admin`"), for a third of the operations. Worse, those
// sentences name scopes the oauth2 scheme does not declare (read:groups:admin
// beside the declared read:group:admin). An organization creates scoped API
// keys from the declared list, so the extract gives each operation a
// security requirement naming one declared scope:
//
//	"security": [{"bearerAuth": []}, {"oauth2": ["read:group:admin"]}]
//
// an unscoped bearer key (which keeps every power), or a credential that
// carries the scope. The sandbox refuses a scoped key without it, and the
// client's own map of the scope per operation is checked against it.

// scopeSentence is how a description states the scope an operation needs.
var scopeSentence = regexp.MustCompile("Authorization scopes\\]\\([^)]*\\) required:\\*\\* `([a-z:-]+)`")

// describedScopeNames maps each scope name the descriptions use to the
// declared scope it stands for. A name the scheme declares maps to itself.
var describedScopeNames = map[string]string{
	"read:directories:admin": "read:directories:admin",
	"read:domains:admin":     "read:domains:admin",
	// The descriptions pluralise where the scheme does not.
	"read:orgs:admin":   "read:org:admin",
	"read:groups:admin": "read:group:admin",
	// The managed accounts listing reads users: the scheme's user scope.
	"read:accounts:admin": "read:user:admin",
	// Workspaces are the organization's product instances, and audit events
	// are the organization's log: the scheme has no scope of their own, the
	// organization's read covers them.
	"read:workspaces:admin": "read:org:admin",
	"read:events:admin":     "read:org:admin",
}

// undescribedScopes names the declared scope of each operation whose
// description states none (every write among them): the write twin of the
// read scope of the object the operation changes. Keys are the document's
// own paths, before the corrections of correct.
var undescribedScopes = map[string]string{
	"GET /v1/orgs": "read:org:admin",
	"GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates": "read:user:admin",

	// Authentication policies belong to the organization.
	"GET /v1/orgs/{orgId}/policies":                                      "read:org:admin",
	"POST /v1/orgs/{orgId}/policies":                                     "write:org:admin",
	"GET /v1/orgs/{orgId}/policies/{policyId}":                           "read:org:admin",
	"PUT /v1/orgs/{orgId}/policies/{policyId}":                           "write:org:admin",
	"DELETE /v1/orgs/{orgId}/policies/{policyId}":                        "write:org:admin",
	"POST /v1/orgs/{orgId}/policies/{policyId}/resources":                "write:org:admin",
	"PUT /v1/orgs/{orgId}/policies/{policyId}/resources/{resourceId}":    "write:org:admin",
	"DELETE /v1/orgs/{orgId}/policies/{policyId}/resources/{resourceId}": "write:org:admin",
	"GET /v1/orgs/{orgId}/policies/{policyId}/validate":                  "read:org:admin",

	// A user's product roles change what the user holds; the organization
	// admin role changes the organization's own administration.
	"POST /v1/orgs/{orgId}/users/{userId}/roles/assign":            "write:user:admin",
	"POST /v1/orgs/{orgId}/users/{userId}/roles/revoke":            "write:user:admin",
	"POST /v1/orgs/{orgId}/users/{userId}/role-assignments/assign": "write:org:admin",
	"POST /v1/orgs/{orgId}/users/{userId}/role-assignments/revoke": "write:org:admin",

	// Groups: their reads, and every change to a group, its members and
	// its roles.
	"GET /v2/orgs/{orgId}/directories/{directoryId}/groups/count":                                "read:group:admin",
	"GET /v2/orgs/{orgId}/directories/{directoryId}/groups/stats":                                "read:group:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups/search":                              "read:group:admin",
	"GET /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}":                            "read:group:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups":                                     "write:group:admin",
	"DELETE /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}":                         "write:group:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships":               "write:group:admin",
	"DELETE /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}": "write:group:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign":   "write:group:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/revoke":   "write:group:admin",

	// Users in directories: their reads as the described ones
	// (read:directories:admin), and the changes to a user.
	"GET /v2/orgs/{orgId}/directories/{directoryId}/users/count":                "read:directories:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/users/search":              "read:directories:admin",
	"GET /v2/orgs/{orgId}/directories/{directoryId}/users/{userId}":             "read:directories:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend": "write:user:admin",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore": "write:user:admin",
	"DELETE /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}":       "write:user:admin",
	"POST /v2/orgs/{orgId}/users/invite":                                        "write:user:admin",
}

// correctScopes gives every operation of doc its security requirement, read
// from its description or from undescribedScopes. It fails on an operation
// that would get none, a name the scheme does not declare, and an entry of
// undescribedScopes the document now describes or no longer has.
func correctScopes(doc map[string]any) error {
	declared := asMap(dig(doc, "components", "securitySchemes", "oauth2", "flows", "authorizationCode", "scopes"))
	if len(declared) == 0 {
		return fmt.Errorf("correction: the oauth2 scheme declares no scopes any more; review the scope correction")
	}
	for described, scope := range describedScopeNames {
		if _, ok := declared[scope]; !ok {
			return fmt.Errorf("correction: %s stands for %s, which the oauth2 scheme does not declare", described, scope)
		}
	}
	used := map[string]bool{}
	paths := asMap(doc["paths"])
	for _, key := range sortedKeys(paths) {
		for _, method := range methods {
			op, ok := dig(paths, key, method).(map[string]any)
			if !ok {
				continue
			}
			name := strings.ToUpper(method) + " " + key
			if op["security"] != nil {
				return fmt.Errorf("correction: %s now declares its security; drop the scope correction for it", name)
			}
			desc, _ := op["description"].(string)
			var scope string
			if m := scopeSentence.FindStringSubmatch(desc); m != nil {
				if _, listed := undescribedScopes[name]; listed {
					return fmt.Errorf("correction: %s now states its scope (%s); drop it from undescribedScopes", name, m[1])
				}
				var known bool
				if scope, known = describedScopeNames[m[1]]; !known {
					return fmt.Errorf("correction: %s names the scope %s: say in describedScopeNames which declared scope it is", name, m[1])
				}
			} else {
				if scope = undescribedScopes[name]; scope == "" {
					return fmt.Errorf("correction: %s states no scope: name its scope in undescribedScopes", name)
				}
				used[name] = true
			}
			if _, ok := declared[scope]; !ok {
				return fmt.Errorf("correction: %s would need %s, which the oauth2 scheme does not declare", name, scope)
			}
			op["security"] = []any{
				map[string]any{"bearerAuth": []any{}},
				map[string]any{"oauth2": []any{scope}},
			}
		}
	}
	var stale []string
	for name := range undescribedScopes {
		if !used[name] {
			stale = append(stale, name)
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		return fmt.Errorf("correction: undescribedScopes names operations the document no longer has: %s", strings.Join(stale, ", "))
	}
	return nil
}
