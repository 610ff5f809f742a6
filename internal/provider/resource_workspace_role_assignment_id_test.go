package provider

import (
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// roleGrantID is the baton grant id of role r held by p, as a ConductorOne
// sync or a .c1z file shows it.
func roleGrantID(p access.Principal, r access.Role) string {
	return connector.GrantID(connector.WorkspaceRoleEntitlementID(r.WorkspaceID, r.Role), p.Type, p.ID)
}

func TestRoleAssignmentIDRoundTrip(t *testing.T) {
	cases := []roleAssignmentID{
		{"ari:cloud:jira::site/9e1f0c7a-3b2d-4c5e-8f60-1a2b3c4d5e6f", "atlassian/user", "user", "5b10ac8d82e05b22cc7d4ef5"},
		// Account ids with colons, in both known prefixed forms.
		{"ari:cloud:jira::site/9e1f0c7a-3b2d-4c5e-8f60-1a2b3c4d5e6f", "atlassian/admin", "user", "712020:5f3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d"},
		{"ari:cloud:confluence::site/41d2", "atlassian/user-access-admin", "user", "qm:1a2b:3c4d"},
		{"ari:cloud:jira-servicedesk::site/1", "atlassian/customer", "group", "0c1e2d3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f"},
		// An ARI with a cloud id, many colons and slashes, even ":role:" and
		// "|" inside: the id is read from its right end.
		{"ari:cloud:jira:cloud-1:workspace/a/b:c", "atlassian/guest", "group", "g"},
		{"ari:cloud:jira::site/x:role:atlassian/admin:user:y", "atlassian/basic", "user", "u:1"},
		{"ari:cloud:jira::site/a|b|user:c", "atlassian/stakeholder", "user", "d"},
	}
	for _, want := range cases {
		s := want.String()
		got, err := parseRoleAssignmentID(s)
		if err != nil {
			t.Errorf("parse(%q): %v", s, err)
			continue
		}
		if got != want {
			t.Errorf("parse(%q) = %+v, want %+v", s, got, want)
		}
		if got.String() != s {
			t.Errorf("%q does not round-trip: %q", s, got.String())
		}
		// Surrounding white space (a copy-paste) is forgiven.
		if got, err := parseRoleAssignmentID("  " + s + "\n"); err != nil || got != want {
			t.Errorf("parse with white space (%q) = %+v, %v", s, got, err)
		}
		// The baton grant id of the same assignment imports to the same id,
		// except where the ARI holds "|" (the grant id then looks like ours)
		// or ":role:" (grant ids are ambiguous then; no real ARI does).
		if !strings.Contains(want.WorkspaceID, "|") && !strings.Contains(want.WorkspaceID, ":role:") {
			grantID := roleGrantID(want.principal(), want.role())
			got, err := parseRoleAssignmentID(grantID)
			if err != nil || got != want {
				t.Errorf("parse(grant id %q) = %+v, %v; want %+v", grantID, got, err, want)
			}
		}
	}
}

func TestRoleAssignmentIDMalformed(t *testing.T) {
	const ws = "ari:cloud:jira::site/9e1f0c7a-3b2d-4c5e-8f60-1a2b3c4d5e6f"
	cases := map[string]string{
		"":   "empty",
		"  ": "empty",
		"ari:cloud:jira::site/1/atlassian/user/5b10": "separators",
		ws + "|user:5b10":                                            "one \"|\" separator",
		ws + "|atlassian/user|5b10":                                  "must be user:<account id> or group:<group id>",
		ws + "|atlassian/user|workspace:5b10":                        "must be user:<account id> or group:<group id>",
		ws + "|atlassian/user|user:":                                 "user id after \"user:\" is empty",
		ws + "|atlassian/user|group:":                                "group id after \"group:\" is empty",
		ws + "|atlassian/site-admin|user:5b10":                       "is not a workspace role",
		ws + "||user:5b10":                                           "is not a workspace role",
		"|atlassian/user|user:5b10":                                  "is not a workspace ARI",
		"jira-site|atlassian/user|user:5b10":                         "is not a workspace ARI",
		ws + "|atlassian/user|user:5b 10":                            "must not contain white space",
		"workspace:" + ws + ":role:atlassian/user":                   "not a workspace role grant id",
		"workspace:" + ws + ":role:atlassian/site-admin:user:5b10":   "is not a workspace role",
		"group:0c1e:member:user:5b10":                                "separators",
		"workspace:" + ws + ":role:atlassian/user:organization:5b10": "not a workspace role grant id",
		"workspace:jira-site:role:atlassian/user:user:5b10":          "is not a workspace ARI",
	}
	for raw, want := range cases {
		_, err := parseRoleAssignmentID(raw)
		if err == nil {
			t.Errorf("parse(%q) succeeded; want an error mentioning %q", raw, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("parse(%q) = %q; want it to mention %q", raw, err, want)
		}
	}
}

// FuzzRoleAssignmentID checks that parsing never panics, that whatever
// parses formats back to itself (modulo surrounding white space), and that
// every valid id formats to a string that parses back to it.
func FuzzRoleAssignmentID(f *testing.F) {
	f.Add("ari:cloud:jira::site/1|atlassian/user|user:712020:abc", "ari:cloud:jira::site/1", "atlassian/admin", true, "5b10:ac")
	f.Add("workspace:ari:cloud:jira::site/1:role:atlassian/user:group:g", "ari:cloud:jira::site/x|y", "atlassian/guest", false, "g")
	f.Add("||||", "ari:cloud:a::b:role:c", "atlassian/basic", true, "user:u")
	f.Add("ari:cloud:jira::site/1|atlassian/user|group:", "", "", false, "")
	f.Fuzz(func(t *testing.T, raw, workspace, role string, user bool, principalID string) {
		if id, err := parseRoleAssignmentID(raw); err == nil {
			if id.String() != strings.Trim(raw, asciiSpace) && !strings.HasPrefix(strings.Trim(raw, asciiSpace), "workspace:") {
				t.Fatalf("parse(%q) = %+v formats as %q", raw, id, id.String())
			}
			again, err := parseRoleAssignmentID(id.String())
			if err != nil || again != id {
				t.Fatalf("%+v formats as %q, which parses to %+v, %v", id, id.String(), again, err)
			}
		}
		id := roleAssignmentID{WorkspaceID: workspace, Role: role, PrincipalType: "group", PrincipalID: principalID}
		if user {
			id.PrincipalType = "user"
		}
		if id.check("") != nil {
			return // not something the schema would accept
		}
		got, err := parseRoleAssignmentID(id.String())
		if err != nil || got != id {
			t.Fatalf("%+v formats as %q, which parses to %+v, %v", id, id.String(), got, err)
		}
	})
}
