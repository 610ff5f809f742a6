package sandbox_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestGenerateIsDeterministic(t *testing.T) {
	opts := sandbox.DefaultOptions()
	a := mustJSON(t, sandbox.Generate(opts))
	b := mustJSON(t, sandbox.Generate(opts))
	if !bytes.Equal(a, b) {
		t.Fatal("same options gave different state JSON")
	}
	opts.Seed = 2
	if c := mustJSON(t, sandbox.Generate(opts)); bytes.Equal(a, c) {
		t.Fatal("a different seed gave the same state JSON")
	}
}

var (
	hex24AccountID  = regexp.MustCompile(`^[0-9a-f]{24}$`)
	uuidAccountID   = regexp.MustCompile(`^712020:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	workspaceARI    = regexp.MustCompile(`^ari:cloud:(jira|confluence)::site/[0-9a-f-]{36}$`)
	validStatuses   = map[string]bool{"active": true, "suspended": true, "not_invited": true, "deactivated": true, "for_deletion": true}
	validTypes      = map[string]bool{"atlassian": true, "customer": true, "app": true}
	workspaceRoleRe = regexp.MustCompile(`^atlassian/(user|admin|user-access-admin|guest|contributor|customer|basic|stakeholder)$`)
)

func TestGenerateShape(t *testing.T) {
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces = 2000, 30, 7
	st := sandbox.Generate(opts)

	if st.Organization.ID != opts.OrgID || st.Organization.Name != opts.OrgName {
		t.Fatalf("organization = %+v", st.Organization)
	}
	if !st.Settings.WorkspaceRolesEnabled || st.Settings.CreateGroupReturnsBody || st.Settings.RepeatedAddReturns204 || st.Settings.LicenceLimit != 0 {
		t.Fatalf("settings = %+v, want the defaults", st.Settings)
	}
	if len(st.Users) != 2000 || len(st.Groups) != 30 || len(st.Workspaces) != 7 {
		t.Fatalf("sizes: %d users, %d groups, %d workspaces", len(st.Users), len(st.Groups), len(st.Workspaces))
	}

	counts := map[string]int{}
	for i, u := range st.Users {
		if i > 0 && st.Users[i-1].AccountID >= u.AccountID {
			t.Fatal("users are not sorted by account id")
		}
		if !validStatuses[u.Status] || !validTypes[u.AccountType] {
			t.Fatalf("user %+v has an invalid status or type", u)
		}
		switch {
		case hex24AccountID.MatchString(u.AccountID):
			counts["hex"]++
		case uuidAccountID.MatchString(u.AccountID):
			counts["712020"]++
		}
		counts[u.AccountType]++
		counts[u.Status]++
		if u.AccountType == "atlassian" && !strings.Contains(u.Email, "@") {
			t.Fatalf("staff user without email: %+v", u)
		}
		if u.Name == "" || u.AddedToOrg == "" || u.PlatformRoles == nil {
			t.Fatalf("incomplete user: %+v", u)
		}
	}
	t.Logf("user mix: %v", counts)
	for _, key := range []string{"hex", "712020", "app", "customer", "suspended", "deactivated", "not_invited"} {
		if counts[key] == 0 {
			t.Errorf("no %s users generated", key)
		}
	}
	if s := counts["suspended"]; s < 20 || s > 110 {
		t.Errorf("%d suspended of 2000, want about 3%%", s)
	}

	var defaults, synced int
	names := map[string]bool{}
	sizes := []int{}
	for _, g := range st.Groups {
		if names[strings.ToLower(g.Name)] {
			t.Fatalf("duplicate group name %q", g.Name)
		}
		names[strings.ToLower(g.Name)] = true
		if g.Default {
			defaults++
		}
		if g.ExternalSynced {
			synced++
		}
		sizes = append(sizes, len(g.MemberAccountIDs))
		for i := 1; i < len(g.MemberAccountIDs); i++ {
			if g.MemberAccountIDs[i-1] >= g.MemberAccountIDs[i] {
				t.Fatalf("group %s members not sorted and unique", g.Name)
			}
		}
	}
	if defaults != 1 || synced < 1 || synced > 2 {
		t.Fatalf("%d default and %d synced groups", defaults, synced)
	}
	for _, want := range []string{"jira-software-users", "confluence-users", "engineering", "site-admins", "finance-emea", "engineering-2"} {
		if !names[want] {
			t.Errorf("no group named %s", want)
		}
	}
	big, small := 0, 0
	for _, n := range sizes {
		if n > 1000 {
			big++
		}
		if n < 200 {
			small++
		}
	}
	if big < 2 || small < 15 {
		t.Errorf("group sizes not skewed: %v", sizes)
	}

	for _, ws := range st.Workspaces {
		if !workspaceARI.MatchString(ws.ID) || !strings.HasPrefix(ws.ID, "ari:cloud:"+ws.Type+"::") {
			t.Fatalf("workspace id %q does not match type %q", ws.ID, ws.Type)
		}
	}
	if st.Workspaces[0].TypeKey != "jira-software" || st.Workspaces[1].TypeKey != "confluence" || st.Workspaces[2].TypeKey != "jira-servicedesk" {
		t.Fatalf("workspace products do not cycle: %+v", st.Workspaces[:3])
	}

	orgAdmins := 0
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner == "platform" {
			if a.Role != "atlassian/org-admin" || a.ResourceID != "ari:cloud:platform::org/"+opts.OrgID {
				t.Fatalf("platform assignment %+v", a)
			}
			orgAdmins++
			continue
		}
		if !workspaceRoleRe.MatchString(a.Role) {
			t.Fatalf("user workspace assignment with role %q", a.Role)
		}
	}
	if orgAdmins == 0 || len(st.UserRoleAssignments) <= orgAdmins {
		t.Fatalf("%d org admins of %d user assignments", orgAdmins, len(st.UserRoleAssignments))
	}
	if len(st.GroupRoleAssignments) == 0 {
		t.Fatal("no group role assignments")
	}
}

func TestGenerateEmptyAndTiny(t *testing.T) {
	for _, opts := range []sandbox.Options{
		{Seed: 1},
		{Users: 1, Groups: 3, Workspaces: 1, Seed: 1},
		{Users: 0, Groups: 30, Workspaces: 0, Seed: 9},
	} {
		st := sandbox.Generate(opts)
		if st.Organization.ID != sandbox.DefaultOrgID || len(st.Directories) != 1 {
			t.Fatalf("options %+v: %+v", opts, st.Organization)
		}
		if _, err := sandbox.New(opts); err != nil {
			t.Fatalf("options %+v: %v", opts, err)
		}
	}
}

func TestGenerateFiftyThousandUsersIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("large organization")
	}
	opts := sandbox.DefaultOptions()
	opts.Users = 50_000
	began := time.Now()
	st := sandbox.Generate(opts)
	t.Logf("generated %d users, %d groups in %v", len(st.Users), len(st.Groups), time.Since(began))
}
