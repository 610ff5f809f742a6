package sandbox_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func TestDirectoriesListing(t *testing.T) {
	h := start(t, nil)
	h.env.Update(func(st *sandbox.State) error {
		st.Directories = append(st.Directories, sandbox.Directory{ID: "ffffffff-0000-0000-0000-000000000001", Name: "Contractors"})
		return nil
	})
	st := h.env.Server.State()
	var page struct {
		Data []struct {
			DirectoryID string `json:"directoryId"`
			Name        string `json:"name"`
		} `json:"data"`
		Links linksJSON `json:"links"`
	}
	h.call("GET", h.orgPath()+"/directories?limit=1", nil).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 1 || page.Links.Next == "" {
		t.Fatalf("first page = %+v", page)
	}
	first := page.Data[0].DirectoryID
	next := page.Links.Next
	page.Links = linksJSON{}
	h.call("GET", h.orgPath()+"/directories?limit=1&cursor="+url.QueryEscape(next), nil).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].DirectoryID == first || page.Links.Next != "" {
		t.Fatalf("second page = %+v", page)
	}
	h.call("GET", h.orgPath()+"/directories?searchTerm=contract", nil).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].Name != "Contractors" {
		t.Fatalf("search = %+v", page)
	}
	h.call("GET", h.orgPath()+"/directories?accountId="+url.QueryEscape(st.Users[0].AccountID), nil).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].DirectoryID != st.Users[0].DirectoryID {
		t.Fatalf("directory of an account = %+v", page)
	}
	h.call("GET", h.orgPath()+"/directories?accountId=nobody", nil).wantStatus(t, 200).decode(t, &page)
	if len(page.Data) != 0 {
		t.Fatalf("directory of nobody = %+v", page)
	}
	// The document's maxItems of directoryIds is ten.
	eleven := url.Values{"directoryIds": strs(11, "d%d")}
	item := h.call("GET", h.orgPath()+"/directories?"+eleven.Encode(), nil).wantError(t, 400, "ADMIN-UAM-400-1")
	if !strings.Contains(item.Detail, "directoryIds") {
		t.Fatalf("eleven directoryIds: %q", item.Detail)
	}
}

func TestRemoveFromDirectory(t *testing.T) {
	h := start(t, nil)
	st := h.env.Server.State()
	// Someone with a group and a role.
	var victim string
	for _, a := range st.UserRoleAssignments {
		for _, g := range st.Groups {
			if slices.Contains(g.MemberAccountIDs, a.AccountID) {
				victim = a.AccountID
			}
		}
	}
	if victim == "" {
		t.Fatal("no account with both a group and a role")
	}
	h.call("DELETE", h.userPath("-", victim), nil).wantError(t, 400, "ADMIN-UAM-400-1")
	h.call("DELETE", h.userPath(h.dirID, victim), nil).wantStatus(t, 204)
	h.call("DELETE", h.userPath(h.dirID, victim), nil).wantError(t, 404, "ADMIN-UAM-404-1")
	h.call("GET", h.userPath("-", victim), nil).wantError(t, 404, "ADMIN-UAM-404-1")
	after := h.env.Server.State()
	for _, g := range after.Groups {
		if slices.Contains(g.MemberAccountIDs, victim) {
			t.Fatalf("still a member of %s", g.ID)
		}
	}
	if slices.ContainsFunc(after.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return a.AccountID == victim }) {
		t.Fatal("still holds roles")
	}
	if len(after.Users) != len(st.Users)-1 {
		t.Fatalf("%d users left, want %d", len(after.Users), len(st.Users)-1)
	}
}
