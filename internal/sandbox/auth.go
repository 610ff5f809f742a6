package sandbox

import (
	"net/http"
	"strings"
)

// admit authenticates an admin request and checks its organization, writing
// the refusal itself in the route's documented envelope: a 401 for a missing
// or wrong token, a 404 (ADMIN-UAM-404-2, or ADMIN-404-2 on the organization
// read) for an organization other than the sandbox's. Authentication comes first, as
// on the real service, so an unauthenticated caller learns nothing about
// which organizations exist.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, style errorStyle, requestID string) bool {
	if !s.authorized(r) {
		writeGatewayError(w, style, requestID, http.StatusUnauthorized, codeUnauthenticated, "Unauthorized; scope does not match")
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

// authorized checks "Authorization: Bearer <token>"; the scheme is
// case-insensitive as in RFC 7235.
func (s *Server) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) == s.token
}

// orgID is the id every admin path must carry. It is read per request since
// ReplaceState may swap in an organization with another id.
func (s *Server) orgID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data.st.Organization.ID
}
