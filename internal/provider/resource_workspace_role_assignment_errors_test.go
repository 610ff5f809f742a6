package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// TestWorkspaceRoleWriteErrors drives the real connector against the
// sandbox into each refusal Atlassian can answer an assignment with, and
// checks the diagnostic the resource makes of it. The acceptance tests
// reach most of these through Terraform; an inactive account and an
// invalid role never get that far there (the plan refuses them first), so
// this is where the apply-time wording of those is checked.
func TestWorkspaceRoleWriteErrors(t *testing.T) {
	org := acctest.NewOrg(t, 20, 3, 3)
	st := org.State()
	ws := st.Workspaces[0].ID
	user := newcomer(t, org, ws)
	suspended := org.ActiveUsers()[len(org.ActiveUsers())-1]
	org.Update(func(st *sandbox.State) error {
		for i := range st.Users {
			if st.Users[i].AccountID == suspended.AccountID {
				st.Users[i].Status = "suspended"
			}
		}
		return nil
	})
	before := org.State()

	ctx := context.Background()
	pd, err := newProviderData(ctx, orgconfig.Config{OrganizationID: org.OrgID, APIToken: org.Token, BaseURL: org.URL, MaxConcurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	userAssignment := func(accountID, role string) roleAssignmentID {
		return roleAssignmentID{WorkspaceID: ws, Role: role, PrincipalType: access.TypeUser, PrincipalID: accountID}
	}

	cases := []struct {
		name     string
		settings func(*sandbox.Settings)
		id       roleAssignmentID
		summary  string
		path     path.Path // empty: an error without an attribute
		detail   []string
	}{
		{name: "inactive account", id: userAssignment(suspended.AccountID, "atlassian/user"),
			summary: "Account is not active", path: path.Root("account_id"),
			detail: []string{"ADMIN-UAM-400-2", "Restore the account's access", suspended.AccountID}},
		{name: "licence limit", id: userAssignment(user.AccountID, "atlassian/user"),
			settings: func(s *sandbox.Settings) { s.LicenceLimit = len(sandboxtest.LicensedAccounts(before, ws)) },
			summary:  "Licence limit reached", path: path.Root("account_id"),
			detail: []string{"ADMIN-UAM-409-3", "Free seats"}},
		{name: "licence limit, group", id: roleAssignmentID{WorkspaceID: ws, Role: "atlassian/user", PrincipalType: access.TypeGroup, PrincipalID: groupWithNewcomers(t, before, ws).ID},
			settings: func(s *sandbox.Settings) { s.LicenceLimit = len(sandboxtest.LicensedAccounts(before, ws)) },
			summary:  "Licence limit reached", path: path.Root("group_id"),
			detail: []string{"ADMIN-UAM-409-3"}},
		{name: "role endpoints disabled", id: userAssignment(user.AccountID, "atlassian/user"),
			settings: func(s *sandbox.Settings) { s.WorkspaceRolesEnabled = false },
			summary:  "Workspace role endpoints are not enabled",
			detail:   []string{"Atlassian support must enable the workspace role endpoints", "403"}},
		{name: "invalid role", id: userAssignment(user.AccountID, "atlassian/site-admin"),
			summary: "Invalid role for this workspace", path: path.Root("role"),
			detail: []string{"ADMIN-UAM-400-3", "atlassian/site-admin"}},
		{name: "unknown workspace", id: roleAssignmentID{WorkspaceID: "ari:cloud:jira::site/00000000-0000-4000-8000-000000000000", Role: "atlassian/user", PrincipalType: access.TypeUser, PrincipalID: user.AccountID},
			summary: "Workspace or account not found",
			detail:  []string{"ari:cloud:jira::site/00000000-0000-4000-8000-000000000000"}},
		{name: "unknown account", id: userAssignment("5b10ac8d82e05b22cc7d4ef5", "atlassian/user"),
			summary: "Workspace or account not found",
			detail:  []string{"5b10ac8d82e05b22cc7d4ef5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			org.Update(func(st *sandbox.State) error {
				st.Settings = before.Settings
				if c.settings != nil {
					c.settings(&st.Settings)
				}
				return nil
			})
			_, err := pd.view.AssignRole(ctx, c.id.principal(), c.id.role())
			if err == nil {
				t.Fatal("the assignment succeeded")
			}
			var diags diag.Diagnostics
			addRoleWriteError(&diags, nil, "assign", c.id, err)
			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics, want 1: %v", len(diags), diags)
			}
			d := diags[0]
			t.Logf("%s\n%s", d.Summary(), d.Detail())
			if d.Severity() != diag.SeverityError || d.Summary() != c.summary {
				t.Errorf("summary %q (%v), want the error %q; detail: %s", d.Summary(), d.Severity(), c.summary, d.Detail())
			}
			var got path.Path
			if withPath, ok := d.(diag.DiagnosticWithPath); ok {
				got = withPath.Path()
			}
			if !got.Equal(c.path) {
				t.Errorf("attribute %q, want %q", got, c.path)
			}
			for _, want := range c.detail {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail does not mention %q: %s", want, d.Detail())
				}
			}
			if strings.Contains(d.Detail(), org.Token) {
				t.Errorf("the detail holds the API key: %s", d.Detail())
			}
		})
	}
	after := org.State()
	if len(after.UserRoleAssignments) != len(before.UserRoleAssignments) || len(after.GroupRoleAssignments) != len(before.GroupRoleAssignments) {
		t.Error("a refused assignment changed the sandbox")
	}
}
