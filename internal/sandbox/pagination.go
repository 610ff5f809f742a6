package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page sizes of the v2 directory endpoints and of workspaces.
const (
	defaultPageLimit = 20
	maxPageLimit     = 100
	maxGroupIDFilter = 10
)

// Cursors are opaque to clients: base64url of a small JSON document holding
// the kind of listing, the sort key of the last item served (account id,
// group id, resource id; a start offset for workspaces) and the filters of
// the first request. Keyset positions stay correct when items are inserted or
// deleted between pages, unlike offsets. Carrying the filters matches the
// real API, where "if a cursor is present, all other parameters are
// discarded": a client may send the cursor alone or repeat its filters, and
// both page the same result. The kind stops a users cursor from being
// replayed against groups.
type cursorKind string

const (
	cursorUsers          cursorKind = "users"
	cursorGroups         cursorKind = "groups"
	cursorUserRoles      cursorKind = "user-roles"
	cursorGroupRoles     cursorKind = "group-roles"
	cursorWorkspacesPage cursorKind = "workspaces"
)

type cursorPayload struct {
	Kind  cursorKind `json:"k"`
	After string     `json:"a"`
	Query url.Values `json:"q,omitempty"`
}

// cursorPosition is a decoded cursor: resume strictly after `after`, with
// the carried query (nil when the listing has no filters to carry).
type cursorPosition struct {
	after string
	query url.Values
}

func encodeCursor(kind cursorKind, after string, query url.Values) string {
	raw, _ := json.Marshal(cursorPayload{Kind: kind, After: after, Query: query}) // cannot fail: strings only
	return base64.RawURLEncoding.EncodeToString(raw)
}

// decodeCursor checks and decodes a cursor of the expected kind. The empty
// cursor means "from the start".
func decodeCursor(kind cursorKind, raw string) (cursorPosition, *apiError) {
	if raw == "" {
		return cursorPosition{}, nil
	}
	decoded, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(raw, "="))
	if err != nil {
		return cursorPosition{}, errBadRequest("invalid cursor")
	}
	var payload cursorPayload
	if err := json.Unmarshal(decoded, &payload); err != nil || payload.Kind != kind || payload.After == "" {
		return cursorPosition{}, errBadRequest("invalid cursor")
	}
	return cursorPosition{after: payload.After, query: payload.Query}, nil
}

// effectiveQuery returns the parameters a page is computed from: the
// request's own, or, when the cursor carries the first request's filters,
// those (an explicit limit on the request still applies).
func effectiveQuery(request url.Values, pos cursorPosition) url.Values {
	if pos.query == nil {
		return request
	}
	out := maps.Clone(pos.query)
	if limit, ok := request["limit"]; ok {
		out["limit"] = limit
	}
	return out
}

// carriedQuery keeps the named parameters of q for the next cursor.
func carriedQuery(q url.Values, names ...string) url.Values {
	out := url.Values{}
	for _, name := range names {
		if v, ok := q[name]; ok {
			out[name] = v
		}
	}
	return out
}

// parseLimit validates a limit given as text: absent means the default; a
// value that is not an integer in [1, max] is a 400, never clamped.
func parseLimit(values url.Values) (int, *apiError) {
	raw, present := values["limit"]
	if !present {
		return defaultPageLimit, nil
	}
	if len(raw) != 1 {
		return 0, errBadRequest("limit must be given once")
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw[0]))
	if err != nil {
		return 0, errBadRequest("limit must be an integer between 1 and %d", maxPageLimit)
	}
	return checkLimit(n)
}

func checkLimit(n int) (int, *apiError) {
	if n < 1 || n > maxPageLimit {
		return 0, errBadRequest("limit must be an integer between 1 and %d", maxPageLimit)
	}
	return n, nil
}

// pageLinks is the links object of paged answers: self always, next only
// when another page exists.
type pageLinks struct {
	Self string `json:"self"`
	Next string `json:"next,omitempty"`
}

// baseURL is the scheme and host the client used, so links point back at
// this sandbox whatever port it listens on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// selfLink is the absolute URL of the request itself.
func selfLink(r *http.Request) string {
	return baseURL(r) + r.URL.RequestURI()
}
