package main_test

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// reviewOrganization is a sandbox organization with one of each thing an
// access review must show: an unmanaged account holding atlassian/admin
// directly on two workspaces (two rows, one account), a suspended account
// still in groups, a group holding a workspace role and an organization
// role for its members, one of whom also holds the organization role
// directly (two paths, one admin), and a group with no members.
func reviewOrganization(t *testing.T) *sandboxtest.Env {
	t.Helper()
	// Activity is generated back from now, so the report, judging it
	// against the end of its sync, finds recent, stale and never used
	// access.
	env := sandboxtest.Start(t, sandbox.Options{Users: 60, Groups: 8, Workspaces: 3, Seed: 11, ActivityAsOf: time.Now().UTC()})
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
		// The external admin has no two-step verification.
		unmanaged.MFAEnabled = false
		ws0, ws1 := st.Workspaces[0], st.Workspaces[1]
		organization := "ari:cloud:platform::org/" + st.Organization.ID
		st.UserRoleAssignments = append(st.UserRoleAssignments,
			sandbox.UserRoleAssignment{AccountID: unmanaged.AccountID, ResourceID: ws0.ID, ResourceOwner: ws0.Type, Role: "atlassian/admin"},
			sandbox.UserRoleAssignment{AccountID: unmanaged.AccountID, ResourceID: ws1.ID, ResourceOwner: ws1.Type, Role: "atlassian/admin"},
		)
		var withMembers *sandbox.Group
		for i := range st.Groups {
			if len(st.Groups[i].MemberAccountIDs) > 1 {
				withMembers = &st.Groups[i]
				break
			}
		}
		st.GroupRoleAssignments = append(st.GroupRoleAssignments,
			sandbox.GroupRoleAssignment{GroupID: withMembers.ID, ResourceID: ws1.ID, ResourceOwner: ws1.Type, Role: "atlassian/admin"},
			sandbox.GroupRoleAssignment{GroupID: withMembers.ID, ResourceID: organization, ResourceOwner: "platform", Role: "atlassian/org-admin"},
		)
		st.UserRoleAssignments = append(st.UserRoleAssignments, sandbox.UserRoleAssignment{
			AccountID: withMembers.MemberAccountIDs[0], ResourceID: organization, ResourceOwner: "platform", Role: "atlassian/org-admin",
		})
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

// syncRun is when a sync ran, as the test saw it from outside: just
// before the binary started and just after it exited.
type syncRun struct{ before, after time.Time }

// syncAndReport syncs the organization with the binary, then writes the
// report in each format to files; it returns the sync's path, when the
// sync ran, and the files by format.
func syncAndReport(t *testing.T, bin string, env *sandboxtest.Env) (string, syncRun, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	syncPath := filepath.Join(dir, "sync.c1z")
	flags := []string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL, "-f", syncPath}
	var ran syncRun
	ran.before = time.Now()
	if out, err := run(t, bin, cleanEnv(), flags...); err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	ran.after = time.Now()
	files := map[string]string{}
	for _, format := range []string{"csv", "json", "html"} {
		files[format] = filepath.Join(dir, "report."+format)
		// No credentials: the report never calls Atlassian.
		if out, err := run(t, bin, cleanEnv(), "report", "-f", syncPath, "--format", format, "--output", files[format]); err != nil {
			t.Fatalf("report --format %s: %v\n%s", format, err, out)
		}
	}
	return syncPath, ran, files
}

// The CSV report's header: the row's columns, then the metadata's.
var (
	rowColumns      = []string{"account_id", "email", "name", "account_status", "claim_status", "access_type", "resource_id", "resource_name", "role", "path", "path_group_id", "last_active"}
	metadataColumns = []string{"organization_id", "organization_name", "sync_id", "sync_started_at", "sync_ended_at", "tool_version"}
)

// readCSV reads a CSV file whose header must be header, and returns its
// records.
func readCSV(t *testing.T, path string, header []string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(records) == 0 || !slices.Equal(records[0], header) {
		t.Fatalf("%s: CSV header %v, want %v", path, records[:min(1, len(records))], header)
	}
	return records[1:]
}

// readReport reads a CSV report: its rows (the row's columns) and its
// metadata, which every row must repeat unchanged.
func readReport(t *testing.T, path string) (rows [][]string, metadata map[string]string) {
	t.Helper()
	records := readCSV(t, path, slices.Concat(rowColumns, metadataColumns))
	if len(records) == 0 {
		t.Fatalf("%s: no rows", path)
	}
	first := records[0][len(rowColumns):]
	for i, r := range records {
		if !slices.Equal(r[len(rowColumns):], first) {
			t.Fatalf("%s: row %d's metadata %q differs from the first row's %q", path, i, r[len(rowColumns):], first)
		}
		rows = append(rows, r[:len(rowColumns)])
	}
	metadata = map[string]string{}
	for i, c := range metadataColumns {
		metadata[c] = first[i]
	}
	return rows, metadata
}

// checkMetadata: the CSV metadata names the sandbox's organization, a sync
// that started and ended while the sync ran, and the binary's version.
func checkMetadata(t *testing.T, metadata map[string]string, st sandbox.State, ran syncRun) {
	t.Helper()
	if metadata["organization_id"] != st.Organization.ID || metadata["organization_name"] != st.Organization.Name {
		t.Errorf("the report names organization %q (%q), the sandbox is %q (%q)",
			metadata["organization_id"], metadata["organization_name"], st.Organization.ID, st.Organization.Name)
	}
	if metadata["tool_version"] != testToolVersion {
		t.Errorf("the report was written by version %q, the binary is %q", metadata["tool_version"], testToolVersion)
	}
	if metadata["sync_id"] == "" {
		t.Error("the report names no sync")
	}
	started, err := time.Parse(time.RFC3339, metadata["sync_started_at"])
	if err != nil {
		t.Fatalf("sync_started_at: %v", err)
	}
	ended, err := time.Parse(time.RFC3339, metadata["sync_ended_at"])
	if err != nil {
		t.Fatalf("sync_ended_at: %v", err)
	}
	// The CSV's times are to the second.
	if started.Before(ran.before.Truncate(time.Second)) || ended.Before(started) || ended.After(ran.after) {
		t.Errorf("the sync started %v and ended %v, outside the run from %v to %v", started, ended, ran.before, ran.after)
	}
}

// TestReportMatchesSandboxState: the CSV rows of a real sync's report are
// the rows computed from the sandbox's state, in order, with metadata that
// names the organization, the sync and the binary; the JSON holds the same
// rows and metadata, and findings that count the accounts and groups the
// state gives.
func TestReportMatchesSandboxState(t *testing.T) {
	bin := buildBinary(t)
	env := reviewOrganization(t)
	st := env.State()
	_, ran, files := syncAndReport(t, bin, env)

	got, csvMetadata := readReport(t, files["csv"])
	checkMetadata(t, csvMetadata, st, ran)
	want := sandboxtest.AccessRows(st)
	for i, r := range want {
		lastActive := ""
		if r[5] == "workspace_role" {
			lastActive = sandboxtest.LastActive(st, r[0], r[6])
		}
		want[i] = append(r, lastActive)
	}
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
		Metadata struct {
			OrganizationID   string    `json:"organization_id"`
			OrganizationName string    `json:"organization_name"`
			SyncID           string    `json:"sync_id"`
			SyncStartedAt    time.Time `json:"sync_started_at"`
			SyncEndedAt      time.Time `json:"sync_ended_at"`
			ToolVersion      string    `json:"tool_version"`
		} `json:"metadata"`
		Rows     []map[string]string `json:"rows"`
		Findings struct {
			OrganizationAdmins []accountRoles   `json:"organization_admins"`
			InactiveWithAccess []map[string]any `json:"inactive_with_access"`
			UnmanagedAdmins    []accountRoles   `json:"unmanaged_admins"`
			EmptyGroups        []map[string]any `json:"empty_groups"`
			activityFindings
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	m := doc.Metadata
	if jsonMetadata := map[string]string{
		"organization_id": m.OrganizationID, "organization_name": m.OrganizationName, "sync_id": m.SyncID,
		"sync_started_at": m.SyncStartedAt.UTC().Format(time.RFC3339), "sync_ended_at": m.SyncEndedAt.UTC().Format(time.RFC3339),
		"tool_version": m.ToolVersion,
	}; !maps.Equal(jsonMetadata, csvMetadata) {
		t.Errorf("the JSON report's metadata %v differs from the CSV's %v", jsonMetadata, csvMetadata)
	}
	if m.SyncStartedAt.Before(ran.before) || m.SyncEndedAt.Before(m.SyncStartedAt) || m.SyncEndedAt.After(ran.after) {
		t.Errorf("the JSON report's sync started %v and ended %v, outside the run from %v to %v", m.SyncStartedAt, m.SyncEndedAt, ran.before, ran.after)
	}
	if len(doc.Rows) != len(got) {
		t.Fatalf("the JSON report has %d rows, the CSV %d", len(doc.Rows), len(got))
	}
	for i, r := range doc.Rows {
		fields := make([]string, len(rowColumns))
		for j, c := range rowColumns {
			fields[j] = r[c]
		}
		if !slices.Equal(fields, got[i]) {
			t.Fatalf("JSON row %d is %q, CSV row %q", i, fields, got[i])
		}
	}

	// Each finding counts accounts (or groups), with the roles and paths
	// each account holds, as the state gives them.
	held := rolesFromState(st)
	wantOrgAdmins := heldBy(held, func(accountID string, r stateRole) bool {
		return r.resourceID == st.Organization.ID && r.role == "atlassian/org-admin"
	})
	if gotOrgAdmins := accountsOf(t, doc.Findings.OrganizationAdmins); !maps.EqualFunc(gotOrgAdmins, wantOrgAdmins, slices.Equal) {
		t.Errorf("organization admins:\n got %v\nwant %v", gotOrgAdmins, wantOrgAdmins)
	}
	claim := map[string]string{}
	for _, u := range sandbox.ListedUsers(st) {
		claim[u.AccountID] = u.ClaimStatus
	}
	wantUnmanaged := heldBy(held, func(accountID string, r stateRole) bool {
		return claim[accountID] != "managed" && slices.Contains(administrativeRoles, r.role)
	})
	if gotUnmanaged := accountsOf(t, doc.Findings.UnmanagedAdmins); !maps.EqualFunc(gotUnmanaged, wantUnmanaged, slices.Equal) {
		t.Errorf("unmanaged accounts with admin roles:\n got %v\nwant %v", gotUnmanaged, wantUnmanaged)
	}
	// What the organization was given makes counting rows and counting
	// accounts differ, for both.
	for name, accounts := range map[string]map[string][]string{"organization admins": wantOrgAdmins, "unmanaged admins": wantUnmanaged} {
		if holdings(accounts) == len(accounts) {
			t.Errorf("%s: no account holds two roles or paths, as the test arranged: %v", name, accounts)
		}
	}

	wantInactive := map[string]float64{}
	for _, r := range want {
		if r[3] != "active" {
			wantInactive[r[0]]++
		}
	}
	gotInactive := map[string]float64{}
	for _, a := range doc.Findings.InactiveWithAccess {
		if gotInactive[a["account_id"].(string)] != 0 {
			t.Errorf("account %v is listed twice among the inactive ones", a["account_id"])
		}
		gotInactive[a["account_id"].(string)] = a["rows"].(float64)
	}
	if !maps.Equal(gotInactive, wantInactive) {
		t.Errorf("inactive accounts holding access (account: rows):\n got %v\nwant %v", gotInactive, wantInactive)
	}
	if !slices.ContainsFunc(doc.Findings.InactiveWithAccess, func(a map[string]any) bool { return a["account_status"] == "suspended" }) {
		t.Errorf("no suspended account among the inactive ones holding access: %v", doc.Findings.InactiveWithAccess)
	}

	checkActivityFindings(t, st, held, doc.Findings.activityFindings, 90)

	var wantEmpty, gotEmpty []string
	for _, g := range st.Groups {
		if len(g.MemberAccountIDs) == 0 {
			wantEmpty = append(wantEmpty, g.ID)
		}
	}
	for _, g := range doc.Findings.EmptyGroups {
		gotEmpty = append(gotEmpty, g["id"].(string))
	}
	slices.Sort(wantEmpty)
	slices.Sort(gotEmpty)
	if !slices.Equal(gotEmpty, wantEmpty) || !slices.Contains(gotEmpty, "0c6f3d2e-9b1a-4e57-8d20-6f4a1b3c5e7d") {
		t.Errorf("groups with no members: got %v, want %v (with review-empty-group)", gotEmpty, wantEmpty)
	}
}

// accountRoles is a finding's entry for one account, as the JSON report
// writes it.
type accountRoles struct {
	AccountID string `json:"account_id"`
	Roles     []struct {
		ResourceID  string `json:"resource_id"`
		Role        string `json:"role"`
		PathGroupID string `json:"path_group_id"`
	} `json:"roles"`
}

// administrativeRoles are the roles that administer a workspace or the
// organization.
var administrativeRoles = []string{"atlassian/admin", "atlassian/org-admin", "atlassian/site-admin", "atlassian/user-access-admin"}

// stateRole is a role an account holds, computed from the sandbox's state.
type stateRole struct{ role, resourceID, pathGroupID string }

func (r stateRole) String() string {
	return r.role + " on " + r.resourceID + " through " + cmp.Or(r.pathGroupID, "direct")
}

// rolesFromState is, by account, every role a listed account holds on a
// workspace or the organization, directly or through a group, from the
// sandbox's state alone.
func rolesFromState(st sandbox.State) map[string][]stateRole {
	listed := map[string]bool{}
	for _, u := range sandbox.ListedUsers(st) {
		listed[u.AccountID] = true
	}
	on := func(owner, resourceID string) (string, bool) {
		switch owner {
		case "platform":
			return st.Organization.ID, true
		case "project", "goal":
			return "", false
		}
		return resourceID, true
	}
	held := map[string][]stateRole{}
	for _, a := range st.UserRoleAssignments {
		if id, ok := on(a.ResourceOwner, a.ResourceID); ok && listed[a.AccountID] {
			held[a.AccountID] = append(held[a.AccountID], stateRole{a.Role, id, ""})
		}
	}
	for _, a := range st.GroupRoleAssignments {
		id, ok := on(a.ResourceOwner, a.ResourceID)
		if !ok {
			continue
		}
		for _, g := range st.Groups {
			if g.ID != a.GroupID {
				continue
			}
			for _, m := range g.MemberAccountIDs {
				if listed[m] {
					held[m] = append(held[m], stateRole{a.Role, id, g.ID})
				}
			}
		}
	}
	return held
}

// heldBy is, by account, the sorted roles of held that keep accepts;
// accounts with none are left out.
func heldBy(held map[string][]stateRole, keep func(accountID string, r stateRole) bool) map[string][]string {
	out := map[string][]string{}
	for id, roles := range held {
		for _, r := range roles {
			if keep(id, r) {
				out[id] = append(out[id], r.String())
			}
		}
		slices.Sort(out[id])
	}
	return out
}

// accountsOf is a finding's entries in heldBy's form; a finding must name
// an account once.
func accountsOf(t *testing.T, entries []accountRoles) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, a := range entries {
		if _, twice := out[a.AccountID]; twice {
			t.Errorf("account %s has two entries in one finding", a.AccountID)
		}
		var roles []string
		for _, r := range a.Roles {
			roles = append(roles, stateRole{r.Role, r.ResourceID, r.PathGroupID}.String())
		}
		slices.Sort(roles)
		out[a.AccountID] = roles
	}
	return out
}

// holdings counts the roles of all the accounts.
func holdings(accounts map[string][]string) int {
	n := 0
	for _, roles := range accounts {
		n += len(roles)
	}
	return n
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
