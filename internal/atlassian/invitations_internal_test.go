package atlassian

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// The invitation sends role ids whatever spelling it was given, and reads
// back the answer's roles in any form Atlassian may echo: the id, the short
// name, or an ARI (the document's example).
func TestInviteSendsRoleIDsAndReadsAnyEcho(t *testing.T) {
	const ws, other = "ari:cloud:jira::site/1", "ari:cloud:confluence::site/2"
	var sent []string
	answer := func(w http.ResponseWriter, r *http.Request) {
		var body inviteBody
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("invite body: %v", err)
		}
		for _, rule := range body.PermissionRules {
			sent = append(sent, rule.Role)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":[{"id":"acc-1","email":"a@invited.example","results":[{"roleAssignmentResult":[
			{"resource":"` + ws + `","role":"user","status":"INVITED"},
			{"resource":"` + ws + `","role":"atlassian/admin","status":"ERROR","statusReason":"no"},
			{"resource":"` + other + `","role":"ari:cloud:confluence::role/product/member","status":"INVITED"}]}]}]}`))
	}
	c, _ := scripted(t, answer)
	results, err := c.Invite(context.Background(), Invitation{
		Emails: []string{"a@invited.example"},
		Rules:  []PermissionRule{{Resource: ws, Role: "atlassian/user"}, {Resource: ws, Role: "admin"}, {Resource: other, Role: "atlassian/user"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"atlassian/user", "atlassian/admin", "atlassian/user"}; !slices.Equal(sent, want) {
		t.Fatalf("sent roles %v, want %v", sent, want)
	}
	if len(results) != 1 || len(results[0].Roles) != 3 {
		t.Fatalf("results = %+v", results)
	}
	got := results[0].Roles
	if got[0].Role != "atlassian/user" || got[0].Failed() || got[1].Role != "admin" || !got[1].Failed() || got[2].Role != "atlassian/user" {
		t.Fatalf("roles read back as %+v; want each as the invitation spelled it", got)
	}
}
