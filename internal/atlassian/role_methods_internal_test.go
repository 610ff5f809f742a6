package atlassian

import (
	"context"
	"net/http"
	"slices"
	"testing"
)

// Odd answers of the user role listing: how each item reads.
func TestUserRoleListingOddMethods(t *testing.T) {
	page := `{"data":[
		{"resourceId":"ari:cloud:jira::site/a","resourceOwner":"jira","roles":["atlassian/user","atlassian/admin"],"roleAssignments":[
			{"role":"atlassian/user","roleAssignmentMethods":["group_direct","direct"]},
			{"role":"atlassian/admin","roleAssignmentMethods":[]}]},
		{"resourceId":"ari:cloud:jira::site/b","resourceOwner":"jira","roles":["atlassian/guest"],"roleAssignments":[
			{"role":"atlassian/guest","roleAssignmentMethods":["some_future_method"]},
			{"role":"atlassian/basic"}]},
		{"resourceId":"ari:cloud:jira::site/c","resourceOwner":"jira","roles":["atlassian/user"],"roleAssignments":[]},
		{"resourceId":"ari:cloud:jira::site/d","resourceOwner":"jira","roles":["atlassian/user"],"roleAssignments":null},
		{"resourceId":"ari:cloud:platform::org/o","resourceOwner":"platform","roles":["atlassian/org-admin"],"directoryId":null,"roleAssignments":[
			{"role":"atlassian/org-admin","roleAssignmentMethods":["inferred"]}]},
		{"resourceId":"ari:cloud:confluence::site/e","resourceOwner":"confluence","roles":[],"directoryId":"dir-1","roleAssignments":[
			{"role":"atlassian/admin","roleAssignmentMethods":["direct"]},
			{"role":"atlassian/admin","roleAssignmentMethods":["inferred","direct"]}]}
	],"links":{"next":"after-e"}}`
	c, _ := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(page))
	})
	got, err := c.ListUserRoleAssignmentsPage(context.Background(), AllDirectories, "acc-1", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Next != "after-e" {
		t.Fatalf("next = %q", got.Next)
	}
	type item struct {
		resource, directory string
		roles               []string
	}
	want := []item{
		// Direct among others counts; no method at all does not.
		{"ari:cloud:jira::site/a", "", []string{"atlassian/user"}},
		// b (unknown method, missing methods) and c (empty roleAssignments)
		// hold nothing of the user's own; roles[] is not read for them.
		// d sent roleAssignments null: the older shape, roles[] as given.
		{"ari:cloud:jira::site/d", "", []string{"atlassian/user"}},
		// The platform entry is inferred only, so it is dropped.
		{"ari:cloud:confluence::site/e", "dir-1", []string{"atlassian/admin"}},
	}
	if len(got.Items) != len(want) {
		t.Fatalf("items = %+v, want %+v", got.Items, want)
	}
	for i, w := range want {
		g := got.Items[i]
		if g.ResourceID != w.resource || g.DirectoryID != w.directory || !slices.Equal(g.Roles, w.roles) {
			t.Fatalf("item %d = %+v, want %+v", i, g, w)
		}
	}
}
