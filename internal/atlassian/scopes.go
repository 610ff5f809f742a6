package atlassian

import (
	"net/http"
	"strings"
)

// Organizations may give an API key scopes (an "API key with scopes"): such
// a key calls only the operations its scopes cover, and Atlassian refuses
// the others (403, or the gateway's 401 where an operation documents no
// 403). The document's error envelopes have no field for the missing
// scope, so the client knows the scope of each operation it sends and
// names it in the error; a refusal whose text speaks of a scope says the
// key lacks it (APIError.ScopeRefused), any other leaves it one possible
// cause.
// The map is checked against the scopes of Atlassian's document
// (internal/sandbox/contract, TestClientScopesMatchTheDocument).

// Scopes a key may carry, as Atlassian's document declares them.
const (
	ScopeReadDirectories = "read:directories:admin"
	ScopeReadGroups      = "read:group:admin"
	ScopeReadUsers       = "read:user:admin"
	ScopeReadOrg         = "read:org:admin"
	ScopeWriteGroups     = "write:group:admin"
	ScopeWriteUsers      = "write:user:admin"
	ScopeWriteOrg        = "write:org:admin"
)

// ReadScopes are the scopes of every read the client sends: a key with
// these alone plans, refreshes, syncs and reports.
var ReadScopes = []string{ScopeReadDirectories, ScopeReadGroups, ScopeReadOrg}

// operationScope is the scope an operation needs and what the operation
// does, in words that complete "which ... needs".
type operationScope struct {
	scope, doing string
}

// operationScopes is keyed by method and route constant, as requests name
// their operation.
var operationScopes = map[string]operationScope{
	http.MethodGet + " " + routeOrganization:         {ScopeReadOrg, "reading the organization"},
	http.MethodPost + " " + routeWorkspaces:          {ScopeReadOrg, "listing workspaces"},
	http.MethodGet + " " + routeDirectories:          {ScopeReadDirectories, "listing directories"},
	http.MethodPost + " " + routeUsersSearch:         {ScopeReadDirectories, "searching users"},
	http.MethodGet + " " + routeUser:                 {ScopeReadDirectories, "reading a user"},
	http.MethodGet + " " + routeUserRoleAssignments:  {ScopeReadDirectories, "listing a user's roles"},
	http.MethodPost + " " + routeGroupsSearch:        {ScopeReadGroups, "searching groups"},
	http.MethodGet + " " + routeGroup:                {ScopeReadGroups, "reading a group"},
	http.MethodGet + " " + routeGroupRoleAssignments: {ScopeReadGroups, "listing a group's roles"},

	http.MethodPost + " " + routeGroups:            {ScopeWriteGroups, "creating a group"},
	http.MethodDelete + " " + routeGroup:           {ScopeWriteGroups, "deleting a group"},
	http.MethodPost + " " + routeGroupMemberships:  {ScopeWriteGroups, "adding a group member"},
	http.MethodDelete + " " + routeGroupMembership: {ScopeWriteGroups, "removing a group member"},
	http.MethodPost + " " + routeGroupRoleAssign:   {ScopeWriteGroups, "giving a group a role"},
	http.MethodPost + " " + routeGroupRoleRevoke:   {ScopeWriteGroups, "taking a role from a group"},
	http.MethodPost + " " + routeUserRoleAssign:    {ScopeWriteUsers, "giving a user a workspace role"},
	http.MethodPost + " " + routeUserRoleRevoke:    {ScopeWriteUsers, "taking a workspace role from a user"},
	http.MethodPost + " " + routeUserSuspend:       {ScopeWriteUsers, "suspending a user's access"},
	http.MethodPost + " " + routeUserRestore:       {ScopeWriteUsers, "restoring a user's access"},
	http.MethodDelete + " " + routeUser:            {ScopeWriteUsers, "removing a user from a directory"},
	http.MethodPost + " " + routeInvite:            {ScopeWriteUsers, "inviting users"},
	http.MethodPost + " " + routeOrgRoleAssign:     {ScopeWriteOrg, "giving the organization admin role"},
	http.MethodPost + " " + routeOrgRoleRevoke:     {ScopeWriteOrg, "taking the organization admin role"},
}

// RequiredScope returns the scope a key with scopes needs for an operation
// of the client (method and route template), or "" for one the client does
// not send.
func RequiredScope(method, route string) string {
	return operationScopes[method+" "+route].scope
}

// OperationScopes returns, for each operation the client sends ("METHOD
// route"), the scope it needs: for tests that check the map against
// Atlassian's document.
func OperationScopes() map[string]string {
	out := make(map[string]string, len(operationScopes))
	for op, s := range operationScopes {
		out[op] = s.scope
	}
	return out
}

// scopeHint is the advice on a refusal of an operation of a known scope:
// when the refusal says it is about a scope, the scope to add instead of
// the other advice; else the other advice, then the scope a key with
// scopes also needs.
func scopeHint(method, route string, refused bool, otherwise string) string {
	s := operationScopes[method+" "+route]
	if refused {
		return "The API key lacks the scope " + s.scope + ", which " + s.doing +
			" needs: add it to the key (admin.atlassian.com > Settings > API keys) or use a key without scopes."
	}
	return strings.TrimSpace(otherwise + " If the API key has scopes, it needs the scope " + s.scope + ", which " + s.doing + " needs.")
}
