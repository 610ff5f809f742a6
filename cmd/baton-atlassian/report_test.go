package main_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// reviewOrganization is a sandbox organization with one of each thing an
// access review must show: an unmanaged account holding atlassian/admin
// directly, a suspended account still in groups, a group holding a
// workspace role and an organization role for its members, and a group
// with no members.
func reviewOrganization(t *testing.T) *sandboxtest.Env {
	t.Helper()
	env := sandboxtest.Start(t, sandbox.Options{Users: 60, Groups: 8, Workspaces: 3, Seed: 11})
	env.Update(func(st *sandbox.State) error {
		var unmanaged, suspended *sandbox.User
		for i := range st.Users {
			u := &st.Users[i]
			switch {
			case unmanaged == nil && u.ClaimStatus == "unmanaged" && u.Status == "active":
				unmanaged = u
			case suspended == nil && u.ClaimStatus == "managed" && u.Status == "active" && inAnyGroup(st, u.AccountID):
				suspended = u
			}
		}
		if unmanaged == nil || suspended == nil {
			t.Fatalf("the generated organization has no unmanaged account (%v) or no grouped managed account (%v)", unmanaged, suspended)
		}
		suspended.Status, suspended.MembershipStatus = "suspended", "suspended"
		ws0, ws1 := st.Workspaces[0], st.Workspaces[1]
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: unmanaged.AccountID, ResourceID: ws0.ID, ResourceOwner: ws0.Type, Role: "atlassian/admin",
		})
		var withMembers *sandbox.Group
		for i := range st.Groups {
			if len(st.Groups[i].MemberAccountIDs) > 1 {
				withMembers = &st.Groups[i]
				break
			}
		}
		st.GroupRoleAssignments = append(st.GroupRoleAssignments,
			sandbox.GroupRoleAssignment{GroupID: withMembers.ID, ResourceID: ws1.ID, ResourceOwner: ws1.Type, Role: "atlassian/admin"},
			sandbox.GroupRoleAssignment{GroupID: withMembers.ID, ResourceID: "ari:cloud:platform::org/" + st.Organization.ID, ResourceOwner: "platform", Role: "atlassian/org-admin"},
		)
		st.Groups = append(st.Groups, sandbox.Group{
			ID: "0c6f3d2e-9b1a-4e57-8d20-6f4a1b3c5e7d", Name: "review-empty-group", DirectoryID: st.Directories[0].ID, Deletable: true,
		})
		return nil
	})
	return env
}

func inAnyGroup(st *sandbox.State, accountID string) bool {
	for _, g := range st.Groups {
		if slices.Contains(g.MemberAccountIDs, accountID) {
			return true
		}
	}
	return false
}

// syncAndReport syncs the organization with the binary, then writes the
// report in each format to files; it returns the sync's path and the files
// by format.
func syncAndReport(t *testing.T, bin string, env *sandboxtest.Env) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	syncPath := filepath.Join(dir, "sync.c1z")
	flags := []string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL, "-f", syncPath}
	if out, err := run(t, bin, cleanEnv(), flags...); err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	files := map[string]string{}
	for _, format := range []string{"csv", "json", "html"} {
		files[format] = filepath.Join(dir, "report."+format)
		// No credentials: the report never calls Atlassian.
		if out, err := run(t, bin, cleanEnv(), "report", "-f", syncPath, "--format", format, "--output", files[format]); err != nil {
			t.Fatalf("report --format %s: %v\n%s", format, err, out)
		}
	}
	return syncPath, files
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	want := []string{"account_id", "email", "name", "account_status", "claim_status", "access_type", "resource_id", "resource_name", "role", "path", "path_group_id"}
	if len(records) == 0 || !slices.Equal(records[0], want) {
		t.Fatalf("CSV header %v, want %v", records[:min(1, len(records))], want)
	}
	return records[1:]
}

// TestReportMatchesSandboxState: the CSV rows of a real sync's report are
// the rows computed from the sandbox's state, in order; the JSON holds the
// same rows and findings that name what was arranged.
func TestReportMatchesSandboxState(t *testing.T) {
	bin := buildBinary(t)
	env := reviewOrganization(t)
	st := env.State()
	_, files := syncAndReport(t, bin, env)

	got := readCSV(t, files["csv"])
	want := sandboxtest.AccessRows(st)
	if len(got) != len(want) {
		t.Errorf("the report has %d rows, the sandbox state gives %d", len(got), len(want))
	}
	for i := range max(len(got), len(want)) {
		var g, w []string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !slices.Equal(g, w) {
			t.Fatalf("row %d:\n got %q\nwant %q", i, g, w)
		}
	}
	var through int
	for _, r := range got {
		if r[9] != "direct" {
			through++
		}
	}
	if through == 0 {
		t.Fatal("no row holds its access through a group: the test arranged some")
	}

	data, err := os.ReadFile(files["json"])
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rows     []map[string]string `json:"rows"`
		Findings struct {
			OrganizationAdmins []map[string]string `json:"organization_admins"`
			InactiveWithAccess []map[string]any    `json:"inactive_with_access"`
			UnmanagedAdmins    []map[string]string `json:"unmanaged_admins"`
			EmptyGroups        []map[string]any    `json:"empty_groups"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	columns := []string{"account_id", "email", "name", "account_status", "claim_status", "access_type", "resource_id", "resource_name", "role", "path", "path_group_id"}
	if len(doc.Rows) != len(got) {
		t.Fatalf("the JSON report has %d rows, the CSV %d", len(doc.Rows), len(got))
	}
	for i, r := range doc.Rows {
		fields := make([]string, len(columns))
		for j, c := range columns {
			fields[j] = r[c]
		}
		if !slices.Equal(fields, got[i]) {
			t.Fatalf("JSON row %d is %q, CSV row %q", i, fields, got[i])
		}
	}

	// The findings name what the organization was given.
	orgAdmins := 0
	for _, a := range st.UserRoleAssignments {
		if a.Role == "atlassian/org-admin" {
			orgAdmins++
		}
	}
	for _, a := range st.GroupRoleAssignments {
		if a.Role == "atlassian/org-admin" {
			for _, g := range st.Groups {
				if g.ID == a.GroupID {
					orgAdmins += len(g.MemberAccountIDs)
				}
			}
		}
	}
	if len(doc.Findings.OrganizationAdmins) != orgAdmins {
		t.Errorf("%d organization admins found, the state has %d", len(doc.Findings.OrganizationAdmins), orgAdmins)
	}
	if !slices.ContainsFunc(doc.Findings.InactiveWithAccess, func(a map[string]any) bool { return a["account_status"] == "suspended" }) {
		t.Errorf("no suspended account among the inactive ones holding access: %v", doc.Findings.InactiveWithAccess)
	}
	if !slices.ContainsFunc(doc.Findings.UnmanagedAdmins, func(r map[string]string) bool {
		return r["role"] == "atlassian/admin" && r["claim_status"] == "unmanaged" && r["path"] == "direct"
	}) {
		t.Errorf("the unmanaged atlassian/admin is not among the findings: %v", doc.Findings.UnmanagedAdmins)
	}
	if !slices.ContainsFunc(doc.Findings.EmptyGroups, func(g map[string]any) bool { return g["name"] == "review-empty-group" }) {
		t.Errorf("the empty group is not among the findings: %v", doc.Findings.EmptyGroups)
	}
}

// TestReportErrors: a missing sync and an unknown format are refused with
// the flag named.
func TestReportErrors(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "-f", filepath.Join(t.TempDir(), "none.c1z")}, "--file"},
		{[]string{"report", "-f", "x.c1z", "--format", "xml"}, "--format"},
	} {
		out, err := run(t, bin, cleanEnv(), c.args...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%v: error %v, output %q, want a failure naming %s", c.args, err, out, c.want)
		}
	}
}
