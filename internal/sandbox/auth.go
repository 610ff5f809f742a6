package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/contract"
)

// admit authenticates an admin request, checks that its key carries the
// scope the operation needs, and checks its organization, writing the
// refusal itself in the route's documented envelope: a 401 for a missing
// or wrong token, a 403 (or, on an operation that documents none, the
// gateway's 401) for a scoped key without the operation's scope, a 404
// (ADMIN-UAM-404-2, or ADMIN-404-2 on the organization read) for an
// organization other than the sandbox's. Authentication comes first, as on
// the real service, so an unauthenticated caller learns nothing about
// which organizations exist.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, style errorStyle, requestID string, needs contract.Requirement) bool {
	scopes, known := s.credential(r)
	if !known {
		writeGatewayError(w, style, requestID, http.StatusUnauthorized, codeUnauthenticated, "Unauthorized; scope does not match")
		return false
	}
	if scopes != nil && !slices.Contains(scopes, needs.Scope) {
		if !needs.Forbids {
			writeGatewayError(w, style, requestID, http.StatusUnauthorized, codeUnauthenticated, "Unauthorized; scope does not match")
			return false
		}
		writeAPIError(w, style, requestID, errForbidden("the API key lacks the scope %s, which this operation needs", needs.Scope))
		return false
	}
	if orgID := r.PathValue("orgId"); orgID != s.orgID() {
		notFound := errOrgNotFound(orgID)
		if r.Pattern == "GET "+v1Org { // the organization read has its own code
			notFound.Code = codeV1OrgNotFound
		}
		writeAPIError(w, style, requestID, notFound)
		return false
	}
	return true
}

// credential reads "Authorization: Bearer <token>" (the scheme is
// case-insensitive as in RFC 7235) and reports whether the token is one of
// the organization's keys, with its scopes: nil for the unscoped key, which
// may call every operation.
func (s *Server) credential(r *http.Request) (scopes []string, known bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, false
	}
	token = strings.TrimSpace(token)
	if token == s.token {
		return nil, true
	}
	return s.keys.scopes(token)
}

// AddScopedKey makes token an API key of the organization that carries the
// given scopes only (an organization's "API key with scopes"): an operation
// whose scope it lacks is refused. The organization's own token stays
// unscoped.
func (s *Server) AddScopedKey(token string, scopes ...string) {
	s.keys.add(token, scopes)
}

// scopedKeys are the organization's API keys with scopes, by token.
type scopedKeys struct {
	mu   sync.RWMutex
	byID map[string][]string
}

func (k *scopedKeys) add(token string, scopes []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.byID == nil {
		k.byID = map[string][]string{}
	}
	k.byID[token] = append([]string{}, scopes...) // never nil: a key with no scope may call nothing
}

func (k *scopedKeys) scopes(token string) ([]string, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	scopes, ok := k.byID[token]
	return scopes, ok
}

// orgID is the id every admin path must carry. It is read per request since
// ReplaceState may swap in an organization with another id.
func (s *Server) orgID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data.st.Organization.ID
}
