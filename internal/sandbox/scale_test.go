package sandbox_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// TestFiftyThousandUsersPageOut pages a large organization to the end over
// real HTTP at the maximum page size, and logs how long it takes.
func TestFiftyThousandUsersPageOut(t *testing.T) {
	if testing.Short() {
		t.Skip("large organization")
	}
	began := time.Now()
	h := start(t, func(o *sandbox.Options) { o.Users = 50_000 })
	t.Logf("generated and started 50,000 users in %v", time.Since(began))

	began = time.Now()
	ids := h.listAllUsers("-", url.Values{"limit": {"100"}})
	t.Logf("paged %d users (limit 100, %d requests) in %v", len(ids), (len(ids)+99)/100, time.Since(began))
	if want := len(sandbox.ListedUsers(h.env.Server.State())); len(ids) != want {
		t.Fatalf("paged %d users, want the %d listed", len(ids), want)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			t.Fatalf("ids out of order at %d", i)
		}
	}

	// The biggest group, through the member-list path.
	st := h.env.Server.State()
	biggest := st.Groups[0]
	for _, g := range st.Groups {
		if len(g.MemberAccountIDs) > len(biggest.MemberAccountIDs) {
			biggest = g
		}
	}
	began = time.Now()
	members := h.listAllUsers("-", url.Values{"limit": {"100"}, "groupIds": {biggest.ID}})
	t.Logf("paged the %d members of %s in %v", len(members), biggest.Name, time.Since(began))
	if len(members) != len(biggest.MemberAccountIDs) {
		t.Fatalf("paged %d members, want %d", len(members), len(biggest.MemberAccountIDs))
	}
}

// BenchmarkListUsersPage measures one 100-user page from the middle of a
// 50,000-user organization, over HTTP.
func BenchmarkListUsersPage(b *testing.B) {
	opts := sandbox.DefaultOptions()
	opts.Users = 50_000
	env := sandboxtest.Start(b, opts)
	client := env.Client()
	// A cursor in the middle: page 250 of 500.
	var cursor string
	for range 250 {
		res := do(client, "GET", env.URL+"/admin/v2/orgs/"+env.OrgID+"/directories/-/users?limit=100&cursor="+url.QueryEscape(cursor), "")
		var page struct {
			Links linksJSON `json:"links"`
		}
		if res.err != nil || json.Unmarshal(res.body, &page) != nil {
			b.Fatalf("priming: %v", res.err)
		}
		cursor = page.Links.Next
	}
	target := env.URL + "/admin/v2/orgs/" + env.OrgID + "/directories/-/users?limit=100&cursor=" + url.QueryEscape(cursor)
	b.ReportAllocs()
	for b.Loop() {
		if res := do(client, "GET", target, ""); res.err != nil || res.status != 200 {
			b.Fatalf("%v %d", res.err, res.status)
		}
	}
}
