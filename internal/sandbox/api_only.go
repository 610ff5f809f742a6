package sandbox

import "net/http"

// APIOnly serves the admin API alone, as Atlassian does: the control paths
// under /_sandbox/ are unknown paths there, answered like any other (404
// with the routing envelope, counted as unmatched). A process that stands in
// for Atlassian serves this, so a client that reached for a control endpoint
// fails as it would against the real service.
func (s *Server) APIOnly() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.dispatch(s.apiMux, w, r)
	})
}
