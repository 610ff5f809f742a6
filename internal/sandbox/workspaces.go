package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// apiWorkspace is one workspace of POST /v2/orgs/{orgId}/workspaces.
type apiWorkspace struct {
	ID         string              `json:"id"`
	Type       string              `json:"type"`
	Attributes workspaceAttributes `json:"attributes"`
	Links      selfLinks           `json:"links"`
}

type workspaceAttributes struct {
	Name    string `json:"name"`
	TypeKey string `json:"typeKey"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	HostURL string `json:"hostUrl"`
	// Sandbox is an object on the real API ({"type":"CHILD"} for sandbox
	// instances) and absent for production ones.
	Sandbox   *workspaceSandbox `json:"sandbox,omitempty"`
	CreatedAt string            `json:"createdAt"`
}

type workspaceSandbox struct {
	Type string `json:"type"`
}

// workspaceMeta describes the page: startIndex is the 0-based position of
// the first item, endIndex the position just past the last one.
type workspaceMeta struct {
	PageSize   int `json:"pageSize"`
	StartIndex int `json:"startIndex"`
	EndIndex   int `json:"endIndex"`
	Total      int `json:"total"`
}

type workspacePage struct {
	Data  []apiWorkspace `json:"data"`
	Links pageLinks      `json:"links"`
	Meta  workspaceMeta  `json:"meta"`
}

func renderWorkspace(ws *Workspace, links linker) apiWorkspace {
	out := apiWorkspace{
		ID:   ws.ID,
		Type: "workspace",
		Attributes: workspaceAttributes{
			Name:      ws.Name,
			TypeKey:   ws.TypeKey,
			Type:      ws.Type,
			Status:    ws.Status,
			HostURL:   ws.HostURL,
			CreatedAt: ws.CreatedAt,
		},
		Links: selfLinks{Self: links.workspace(ws)},
	}
	if ws.Sandbox {
		out.Attributes.Sandbox = &workspaceSandbox{Type: "CHILD"}
	}
	return out
}

// workspaceCursor is the position a workspaces cursor encodes. Workspaces
// page by offset because meta reports indexes; the page size travels in the
// cursor since a cursor body may carry nothing else.
type workspaceCursor struct {
	start, pageSize int
}

func (c workspaceCursor) encode() string {
	return encodeCursor(cursorWorkspacesPage, strconv.Itoa(c.start)+":"+strconv.Itoa(c.pageSize), nil)
}

func decodeWorkspaceCursor(raw string) (workspaceCursor, *apiError) {
	pos, err := decodeCursor(cursorWorkspacesPage, raw)
	if err != nil {
		return workspaceCursor{}, err
	}
	startText, sizeText, ok := strings.Cut(pos.after, ":")
	start, err1 := strconv.Atoi(startText)
	size, err2 := strconv.Atoi(sizeText)
	if !ok || err1 != nil || err2 != nil || start < 0 || size < 1 || size > maxPageLimit {
		return workspaceCursor{}, errBadRequest("invalid cursor")
	}
	return workspaceCursor{start: start, pageSize: size}, nil
}

// parseWorkspaceRequest reads the body: {} (or nothing) for the first page,
// optionally with "limit"; {"cursor": "..."} alone for the next ones. Other
// first-page fields (query, sort) are accepted and ignored.
func parseWorkspaceRequest(r *http.Request) (workspaceCursor, *apiError) {
	var fields map[string]json.RawMessage
	if err := decodeBody(r, &fields); err != nil {
		return workspaceCursor{}, err
	}
	if rawCursor, ok := fields["cursor"]; ok {
		if len(fields) > 1 {
			return workspaceCursor{}, errBadRequest("when a cursor is provided in the request body, no other properties may be present")
		}
		var cursor string
		if err := json.Unmarshal(rawCursor, &cursor); err != nil {
			return workspaceCursor{}, errBadRequest("cursor must be a string")
		}
		return decodeWorkspaceCursor(cursor)
	}
	c := workspaceCursor{pageSize: defaultPageLimit}
	if rawLimit, ok := fields["limit"]; ok {
		var limit int
		if err := json.Unmarshal(rawLimit, &limit); err != nil {
			return workspaceCursor{}, errBadRequest("limit must be an integer between 1 and %d", maxPageLimit)
		}
		var err *apiError
		if c.pageSize, err = checkLimit(limit); err != nil {
			return workspaceCursor{}, err
		}
	}
	return c, nil
}

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) error {
	cursor, err := parseWorkspaceRequest(r)
	if err != nil {
		return err
	}
	var page workspacePage
	readErr := s.read(func(d *store) error {
		total := len(d.st.Workspaces)
		if cursor.start > total {
			return errBadRequest("invalid cursor")
		}
		end := min(cursor.start+cursor.pageSize, total)
		links := newLinker(r, d)
		page.Data = make([]apiWorkspace, 0, end-cursor.start)
		for i := cursor.start; i < end; i++ {
			page.Data = append(page.Data, renderWorkspace(&d.st.Workspaces[i], links))
		}
		page.Links.Self = selfLink(r)
		if end < total {
			page.Links.Next = workspaceCursor{start: end, pageSize: cursor.pageSize}.encode()
		}
		page.Meta = workspaceMeta{PageSize: cursor.pageSize, StartIndex: cursor.start, EndIndex: end, Total: total}
		return nil
	})
	if readErr != nil {
		return readErr
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}
