package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The published document, as the make targets find it beside the
// repository.
const publishedDocument = "../../../shared/reference/atlassian-openapi/atlassian-organization-openapi.json"

// Every operation of the published document gets one declared scope: the
// one its description states, under the scheme's name, or the one
// undescribedScopes gives it.
func TestEveryOperationGetsADeclaredScope(t *testing.T) {
	raw, err := os.ReadFile(publishedDocument)
	if err != nil {
		t.Fatalf("%v (make openapi-check reads the same document)", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if err := correctScopes(doc); err != nil {
		t.Fatal(err)
	}
	declared := asMap(dig(doc, "components", "securitySchemes", "oauth2", "flows", "authorizationCode", "scopes"))
	want := map[string]string{
		// Described, under a name the scheme does not declare.
		"get /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments": "read:group:admin",
		"get /v1/orgs/{orgId}": "read:org:admin",
		// Described under a declared name.
		"get /v2/orgs/{orgId}/directories": "read:directories:admin",
		// Not described: the correction's.
		"post /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships": "write:group:admin",
		"post /v1/orgs/{orgId}/users/{userId}/role-assignments/assign":                 "write:org:admin",
	}
	count := 0
	for path, item := range asMap(doc["paths"]) {
		for _, method := range methods {
			op := asMap(asMap(item)[method])
			if op == nil {
				continue
			}
			count++
			security := asList(op["security"])
			if len(security) != 2 {
				t.Errorf("%s %s: security %v", method, path, op["security"])
				continue
			}
			scopes := asList(asMap(security[1])["oauth2"])
			if len(scopes) != 1 || declared[scopes[0].(string)] == nil {
				t.Errorf("%s %s: oauth2 scopes %v, want one the scheme declares", method, path, scopes)
				continue
			}
			if w, ok := want[method+" "+path]; ok && scopes[0] != w {
				t.Errorf("%s %s needs %v, want %s", method, path, scopes[0], w)
			}
		}
	}
	if count < 40 {
		t.Errorf("only %d operations", count)
	}
}

// A described scope the correction does not know, and an operation with
// neither a described scope nor a correction, fail the extract.
func TestScopeCorrectionFailsOnTheUnknown(t *testing.T) {
	doc := func(description string) map[string]any {
		var d map[string]any
		if err := json.Unmarshal([]byte(`{
 "components": {"securitySchemes": {"oauth2": {"flows": {"authorizationCode": {"scopes": {
  "read:directories:admin": "", "read:domains:admin": "", "read:group:admin": "", "read:org:admin": "", "read:user:admin": ""}}}}}},
 "paths": {"/v9/new": {"get": {"description": `+jsonString(description)+`}}}}`), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if err := correctScopes(doc("Reads.\n#### Scopes **[Authorization scopes](/cloud/admin/scopes/) required:** `read:new:admin`")); err == nil || !strings.Contains(err.Error(), "read:new:admin") {
		t.Errorf("an unknown described scope: %v", err)
	}
	if err := correctScopes(doc("Reads.")); err == nil || !strings.Contains(err.Error(), "GET /v9/new states no scope") {
		t.Errorf("an operation without a scope: %v", err)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
