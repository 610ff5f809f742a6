package contract

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// The scope each operation needs, from the extract's per-operation security
// requirement (the document states it in prose only; scripts/openapi-extract
// makes it a fact, each choice with its reason). It is the one map of
// scopes: the sandbox refuses a scoped key by it, and the tests check the
// client's own map and the docs' table against it.

// pathParameter matches a parameter of a path template, whatever its name:
// the sandbox and the client name some differently ({dirId},
// {directoryId}).
var pathParameter = regexp.MustCompile(`\{[^}]+\}`)

// OperationKey is how RequiredScopes names an operation: the method and the
// path under /admin with its parameters unnamed ("POST
// /v2/orgs/{}/directories/{}/groups"). route may carry the /admin prefix.
func OperationKey(method, route string) string {
	route = strings.TrimPrefix(route, "/admin")
	return strings.ToUpper(method) + " " + pathParameter.ReplaceAllString(route, "{}")
}

// Requirement is the scope an operation needs, and how the document lets it
// refuse a credential without it.
type Requirement struct {
	Scope string
	// Forbids is true when the operation documents a 403: a scoped key
	// without the scope is refused with it. An operation without one
	// (most reads) can only refuse with the gateway's 401.
	Forbids bool
}

var requiredScopes = sync.OnceValues(func() (map[string]Requirement, error) {
	var doc struct {
		Paths map[string]map[string]struct {
			Security  []map[string][]string      `json:"security"`
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(extractJSON, &doc); err != nil {
		return nil, fmt.Errorf("contract: the extract: %w", err)
	}
	scopes := map[string]Requirement{}
	for path, item := range doc.Paths {
		for method, op := range item {
			for _, requirement := range op.Security {
				if s := requirement["oauth2"]; len(s) == 1 {
					_, forbids := op.Responses["403"]
					scopes[OperationKey(method, path)] = Requirement{Scope: s[0], Forbids: forbids}
				}
			}
		}
	}
	return scopes, nil
})

// RequiredScopes maps each operation (OperationKey) to the one scope a
// scoped API key must carry to call it. The map is shared: do not change it.
func RequiredScopes() (map[string]Requirement, error) { return requiredScopes() }
