package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The corrections of the published document's known defects. Each one
// fails loudly when the document no longer has the defect it corrects, so
// that a fixed upstream document drops the correction instead of hiding a
// change.

// missingOperationIDs names the operations the document leaves without an
// operationId (every write but a few): the contract test's messages and
// counts name operations by id, so each needs a stable one.
var missingOperationIDs = map[string]string{
	"GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates":                         "getUserLastActiveDates",
	"POST /v1/orgs/{orgId}/users/{userId}/role-assignments/assign":                               "assignOrgRole",
	"POST /v1/orgs/{orgId}/users/{userId}/role-assignments/revoke":                               "revokeOrgRole",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups":                                     "createGroup",
	"DELETE /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}":                         "deleteGroup",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships":               "addGroupMember",
	"DELETE /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}": "removeGroupMember",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign":   "assignGroupRole",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/revoke":   "revokeGroupRole",
	"DELETE /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}":                        "removeDirectoryUser",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore":                  "restoreDirectoryUser",
	"POST /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend":                  "suspendDirectoryUser",
	"POST /v2/orgs/{orgId}/users/invite":                                                         "inviteUsers",
}

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// proseEnums are the role ids whose valid values the document lists in a
// description instead of an enum: without the enum, a role Atlassian refuses
// (a short name such as "user") would pass the contract.
var proseEnums = [][]string{
	{"components", "schemas", "MultidirectoryInviteRoleAssociation", "properties", "role"},
	{"paths", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign", "post", "requestBody", "content", "application/json", "schema", "properties", "roleId"},
	{"paths", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/revoke", "post", "requestBody", "content", "application/json", "schema", "properties", "roleId"},
}

var roleID = regexp.MustCompile(`atlassian/[a-z][a-z-]*`)

// correctProse applies the corrections that read the document's prose, so
// before it is dropped.
func correctProse(doc map[string]any) error {
	if err := correctScopes(doc); err != nil {
		return err
	}
	for _, at := range proseEnums {
		prop, _ := dig(doc, at...).(map[string]any)
		desc, _ := prop["description"].(string)
		if prop == nil || prop["enum"] != nil || !strings.Contains(desc, "Valid values") {
			return fmt.Errorf("correction: %s no longer lists its valid values in prose only; review the correction", strings.Join(at, "/"))
		}
		var values []any
		for _, id := range roleID.FindAllString(desc, -1) {
			values = append(values, id)
		}
		prop["enum"] = values
	}
	return nil
}

func correct(doc map[string]any) error {
	paths := doc["paths"].(map[string]any)
	components := doc["components"].(map[string]any)

	// getDirectoryUserDetails: the path says {userId} but its only path
	// parameter is accountId (accountIdParam); it is the same resource as
	// the DELETE of .../users/{accountId}, so it joins that path.
	const userIDPath = "/v2/orgs/{orgId}/directories/{directoryId}/users/{userId}"
	const accountIDPath = "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"
	details, _ := dig(paths, userIDPath, "get").(map[string]any)
	if details == nil || len(paths[userIDPath].(map[string]any)) != 1 {
		return fmt.Errorf("correction: GET %s is gone or has company; review the accountId correction", userIDPath)
	}
	if !hasParameterRef(details, "#/components/parameters/accountIdParam") {
		return fmt.Errorf("correction: GET %s no longer takes accountIdParam; review the correction", userIDPath)
	}
	target, _ := paths[accountIDPath].(map[string]any)
	if target == nil || target["get"] != nil {
		return fmt.Errorf("correction: %s has no DELETE or already has a GET; review the correction", accountIDPath)
	}
	target["get"] = details
	delete(paths, userIDPath)

	for _, key := range sortedKeys(paths) {
		item := paths[key].(map[string]any)
		for _, method := range methods {
			op, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			name := strings.ToUpper(method) + " " + key
			if err := correctOperation(name, op); err != nil {
				return err
			}
		}
	}
	for name := range missingOperationIDs {
		method, path, _ := strings.Cut(name, " ")
		if dig(paths, path, strings.ToLower(method)) == nil {
			return fmt.Errorf("correction: %s is no longer in the document; drop its operationId", name)
		}
	}

	// The invite body's emails is an array limited with minimum/maximum,
	// which constrain numbers: the limits of an array are minItems/maxItems.
	emails, _ := dig(components, "schemas", "MultidirectoryInviteApiRequest", "properties", "emails").(map[string]any)
	if emails == nil || emails["type"] != "array" || emails["maximum"] == nil || emails["minimum"] == nil {
		return fmt.Errorf("correction: MultidirectoryInviteApiRequest.emails no longer limits with minimum/maximum; review the correction")
	}
	emails["minItems"], emails["maxItems"] = emails["minimum"], emails["maximum"]
	delete(emails, "minimum")
	delete(emails, "maximum")

	// OpenAPI requires a description on every response; the extract keeps
	// none of the prose, so each gets an empty one.
	for _, key := range sortedKeys(paths) {
		for _, method := range methods {
			for _, resp := range asMap(dig(paths, key, method, "responses")) {
				describe(resp)
			}
		}
	}
	for _, resp := range asMap(components["responses"]) {
		describe(resp)
	}
	return nil
}

// userRolePath matches the per-user organization and product role writes.
var userRolePath = regexp.MustCompile(`^/v1/orgs/\{orgId\}/users/\{userId\}/(roles|role-assignments)/(assign|revoke)$`)

func correctOperation(name string, op map[string]any) error {
	if id, ok := missingOperationIDs[name]; ok {
		if op["operationId"] != nil {
			return fmt.Errorf("correction: %s now has operationId %v; drop ours (%s)", name, op["operationId"], id)
		}
		op["operationId"] = id
	}
	if op["operationId"] == nil {
		return fmt.Errorf("%s has no operationId: name it in missingOperationIDs", name)
	}
	_, path, _ := strings.Cut(name, " ")
	if userRolePath.MatchString(path) {
		// userId and orgId are declared format: uuid, which real account
		// ids (557058:..., 5b10a2844c20165700ede21g) and org ids do not
		// satisfy: a correct client or server would fail it.
		found := false
		for _, p := range asList(op["parameters"]) {
			param, _ := p.(map[string]any)
			schema, _ := param["schema"].(map[string]any)
			if param["in"] == "path" && (param["name"] == "userId" || param["name"] == "orgId") && schema["format"] == "uuid" {
				delete(schema, "format")
				found = true
			}
		}
		if !found && strings.Contains(path, "/roles/") {
			return fmt.Errorf("correction: %s no longer declares userId format uuid; review the correction", name)
		}
	}
	if strings.HasPrefix(path, "/v2/") {
		// These v2 writes declare their error statuses with no body, while
		// Atlassian answers their errors (ADMIN-UAM-409-3 on a membership
		// add, for one) with the errors[] envelope every other v2
		// operation declares: without it, a server that sends the envelope
		// would be out of contract.
		for status, r := range asMap(op["responses"]) {
			resp, _ := r.(map[string]any)
			if status >= "400" && resp["$ref"] == nil && resp["content"] == nil {
				resp["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Errors"}}}
			}
		}
	}
	return nil
}

func hasParameterRef(op map[string]any, ref string) bool {
	for _, p := range asList(op["parameters"]) {
		if m, _ := p.(map[string]any); m["$ref"] == ref {
			return true
		}
	}
	return false
}

func describe(r any) {
	if m, ok := r.(map[string]any); ok && m["$ref"] == nil {
		m["description"] = ""
	}
}

func asMap(n any) map[string]any { m, _ := n.(map[string]any); return m }
func asList(n any) []any         { l, _ := n.([]any); return l }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
