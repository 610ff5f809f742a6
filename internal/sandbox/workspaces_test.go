package sandbox_test

import (
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

type workspacePageJSON struct {
	Data []struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			Name      string          `json:"name"`
			TypeKey   string          `json:"typeKey"`
			Type      string          `json:"type"`
			Status    string          `json:"status"`
			HostURL   string          `json:"hostUrl"`
			Sandbox   *map[string]any `json:"sandbox"`
			CreatedAt string          `json:"createdAt"`
		} `json:"attributes"`
		Links struct {
			Self string `json:"self"`
		} `json:"links"`
	} `json:"data"`
	Links linksJSON `json:"links"`
	Meta  struct {
		PageSize   int `json:"pageSize"`
		StartIndex int `json:"startIndex"`
		EndIndex   int `json:"endIndex"`
		Total      int `json:"total"`
	} `json:"meta"`
}

func TestWorkspaces(t *testing.T) {
	h := start(t, func(o *sandbox.Options) { o.Workspaces = 45 })
	st := h.env.Server.State()
	path := h.orgPath() + "/workspaces"

	var page workspacePageJSON
	h.call("POST", path, map[string]any{}).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 20 || page.Meta.PageSize != 20 || page.Meta.StartIndex != 0 || page.Meta.EndIndex != 20 || page.Meta.Total != 45 || page.Links.Next == "" || page.Links.Self == "" {
		t.Fatalf("first page: %d items, meta %+v, links %+v", len(page.Data), page.Meta, page.Links)
	}
	w := page.Data[0]
	if w.ID != st.Workspaces[0].ID || w.Type == "" || w.Attributes.TypeKey != "jira-software" || w.Attributes.Type != "jira" ||
		w.Attributes.Name == "" || w.Attributes.Status != "online" || w.Attributes.HostURL == "" || w.Attributes.CreatedAt == "" || w.Links.Self == "" {
		t.Fatalf("workspace JSON %+v", w)
	}

	seen := len(page.Data)
	for page.Links.Next != "" {
		next := page.Links.Next
		page = workspacePageJSON{}
		h.call("POST", path, map[string]any{"cursor": next}).wantStatus(t, 200).decode(t, &page)
		if page.Meta.StartIndex != seen {
			t.Fatalf("startIndex %d, want %d", page.Meta.StartIndex, seen)
		}
		seen += len(page.Data)
	}
	if seen != 45 {
		t.Fatalf("paged %d workspaces, want 45", seen)
	}

	// An empty body and an explicit limit.
	h.call("POST", path, nil).wantStatus(t, 200)
	page = workspacePageJSON{}
	h.call("POST", path, map[string]any{"limit": 100}).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 45 || page.Links.Next != "" {
		t.Fatalf("limit 100: %d items, next %q", len(page.Data), page.Links.Next)
	}
	sandboxes := 0
	for _, w := range page.Data {
		if w.Attributes.Sandbox != nil {
			sandboxes++
		}
	}
	if sandboxes != 3 {
		t.Fatalf("%d sandbox workspaces, want the 3 of the third site", sandboxes)
	}

	// Workspace errors use the unwrapped envelope.
	h.call("POST", path, map[string]any{"cursor": page.Links.Self, "limit": 5}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", path, map[string]any{"cursor": "nonsense"}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", path, map[string]any{"cursor": 12}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", path, map[string]any{"limit": 101}).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("POST", path, "not json").wantError(t, 400, "ADMIN-UAM-400-1")
	r := h.call("POST", path, map[string]any{"limit": 0})
	var unwrapped apiErr
	r.wantStatus(t, 400).decode(t, &unwrapped)
	if unwrapped.Code != "ADMIN-UAM-400-1" || string(unwrapped.Status) != `"400"` {
		t.Fatalf("unwrapped error = %s", r.body)
	}
}
