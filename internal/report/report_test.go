package report_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/connectorstore"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/report"
)

// TestGrantsTheSDKExpanded: a grant the SDK's expansion derived from a
// group (a user grant whose sources name the group's membership) is
// reported through that group, a grant the user also holds itself once
// more as direct, and a group's own grant once per member; a grant seen
// both ways is one row per path. The sync is written with the SDK's own
// store, as a syncer would.
func TestGrantsTheSDKExpanded(t *testing.T) {
	ctx := context.Background()
	user := func(id, email, status string, productAccess ...any) *v2.Resource {
		profile := map[string]any{
			connector.ProfileEmail: email, connector.ProfileUserName: strings.Split(email, "@")[0],
			connector.ProfileUserStatus: status, connector.ProfileClaimStatus: "managed",
		}
		if productAccess != nil {
			profile[connector.ProfileProductAccess] = productAccess
		}
		r, err := resource.NewUserResource(email, userType, id, []resource.UserTraitOption{resource.WithEmail(email, true)},
			resource.WithResourceProfile(profile))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	group := func(id, name string) *v2.Resource {
		r, err := resource.NewGroupResource(name, groupType, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// ada was last active on the workspace at a known time; the sync does
	// not say for bo.
	ada := user("u-ada", "ada@example.test", "active", map[string]any{
		connector.ProductAccessWorkspaceID: "ari:cloud:jira::site/1", connector.ProductAccessKey: "jira-software",
		connector.ProductAccessLastActive: "2026-03-04T05:06:07.891Z",
	})
	bo := user("u-bo", "bo@example.test", "suspended")
	admins, viewers, empty := group("g-admins", "admins"), group("g-viewers", "viewers"), group("g-empty", "empty")
	ws, err := resource.NewResource("Jira", workspaceType, "ari:cloud:jira::site/1")
	if err != nil {
		t.Fatal(err)
	}
	org, err := resource.NewResource("Example Org", organizationType, "org-1")
	if err != nil {
		t.Fatal(err)
	}
	adminRole := connector.RoleSlug("atlassian/admin")
	userRole := connector.RoleSlug("atlassian/user")
	viewersMember := connector.GroupMemberEntitlementID("g-viewers")
	// bo holds atlassian/user itself and through viewers: the SDK's
	// expansion leaves one grant whose sources name both.
	expanded := grant.NewGrant(ws, userRole, bo.GetId())
	expanded.SetSources(v2.GrantSources_builder{Sources: map[string]*v2.GrantSources_GrantSource{
		connector.WorkspaceRoleEntitlementID(ws.GetId().GetResource(), "atlassian/user"): {},
		viewersMember: {},
	}}.Build())
	// ada holds atlassian/admin through admins only: the group's grant, and
	// the expansion of it, which must not make a second row.
	adaExpanded := grant.NewGrant(ws, adminRole, ada.GetId())
	adaExpanded.SetSources(v2.GrantSources_builder{Sources: map[string]*v2.GrantSources_GrantSource{
		connector.GroupMemberEntitlementID("g-admins"): {},
	}}.Build())
	sync := writeSync(t, []*v2.Resource{ada, bo, admins, viewers, empty, ws, org},
		grant.NewGrant(admins, connector.MemberSlug, ada.GetId()),
		grant.NewGrant(viewers, connector.MemberSlug, bo.GetId()),
		grant.NewGrant(ws, adminRole, admins.GetId()),
		adaExpanded,
		expanded,
	)
	path, syncID, before, after := sync.path, sync.id, sync.notBefore, sync.notAfter

	rep, err := report.Load(ctx, path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Metadata
	if m.OrganizationID != "org-1" || m.OrganizationName != "Example Org" || m.SyncID != syncID || m.ToolVersion != "" {
		t.Errorf("metadata %+v, want organization org-1 (Example Org), sync %s and no version (the caller's to set)", m, syncID)
	}
	if m.SyncStartedAt.Before(before) || m.SyncEndedAt.Before(m.SyncStartedAt) || m.SyncEndedAt.After(after) {
		t.Errorf("the sync started %v and ended %v, outside its run from %v to %v", m.SyncStartedAt, m.SyncEndedAt, before, after)
	}
	rep.Metadata.ToolVersion = "v1.2.3"
	meta := []string{"org-1", "Example Org", syncID, m.SyncStartedAt.UTC().Format(time.RFC3339), m.SyncEndedAt.UTC().Format(time.RFC3339), "v1.2.3"}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by email, then resource name ("Jira" before "admins": byte
	// order); every row ends with the metadata.
	want := [][]string{
		slices.Concat(report.Columns, report.MetadataColumns),
		slices.Concat([]string{"u-ada", "ada@example.test", "ada", "active", "managed", "workspace_role", "ari:cloud:jira::site/1", "Jira", "atlassian/admin", "admins", "g-admins", "2026-03-04T05:06:07Z"}, meta),
		slices.Concat([]string{"u-ada", "ada@example.test", "ada", "active", "managed", "group_membership", "g-admins", "admins", "member", "direct", "", ""}, meta),
		slices.Concat([]string{"u-bo", "bo@example.test", "bo", "suspended", "managed", "workspace_role", "ari:cloud:jira::site/1", "Jira", "atlassian/user", "direct", "", ""}, meta),
		slices.Concat([]string{"u-bo", "bo@example.test", "bo", "suspended", "managed", "workspace_role", "ari:cloud:jira::site/1", "Jira", "atlassian/user", "viewers", "g-viewers", ""}, meta),
		slices.Concat([]string{"u-bo", "bo@example.test", "bo", "suspended", "managed", "group_membership", "g-viewers", "viewers", "member", "direct", "", ""}, meta),
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("rows:\n%q\nwant\n%q", got, want)
	}
	f := rep.Findings()
	if len(f.EmptyGroups) != 1 || f.EmptyGroups[0].ID != "g-empty" {
		t.Errorf("empty groups %v, want g-empty", f.EmptyGroups)
	}
	if len(f.InactiveWithAccess) != 1 || f.InactiveWithAccess[0].AccountID != "u-bo" || f.InactiveWithAccess[0].Rows != 3 {
		t.Errorf("inactive accounts with access %v, want u-bo with 3 rows", f.InactiveWithAccess)
	}
	// Per workspace role, accounts: bo holds atlassian/user both directly
	// and through viewers, and counts once in each column.
	wantRoles := []report.RoleCount{
		{WorkspaceID: "ari:cloud:jira::site/1", WorkspaceName: "Jira", Role: "atlassian/admin", Accounts: 1, Direct: 0, ThroughGroups: 1},
		{WorkspaceID: "ari:cloud:jira::site/1", WorkspaceName: "Jira", Role: "atlassian/user", Accounts: 1, Direct: 1, ThroughGroups: 1},
	}
	if got := rep.Summary().WorkspaceRoles; !slices.Equal(got, wantRoles) {
		t.Errorf("per workspace role %+v, want %+v", got, wantRoles)
	}
}

// TestHTMLEscapesEveryCell: what Atlassian returns (a name, a group name)
// is text in the page, never markup.
func TestHTMLEscapesEveryCell(t *testing.T) {
	rep := &report.Report{Rows: []report.Row{{
		AccountID: "u-1", Email: "x@example.test", Name: `<script>alert(1)</script>`, AccountStatus: `"><img>`,
		ClaimStatus: "managed", AccessType: report.AccessGroupMembership, ResourceID: "g-1",
		ResourceName: `</td><b>`, Role: "member", Path: report.PathDirect,
	}}, Groups: []report.Group{{ID: "g-1", Name: `<i>group</i>`, Members: 1}}, Accounts: 1,
		Metadata: report.Metadata{OrganizationID: "org-1", OrganizationName: `<u>org</u>`, ToolVersion: `<s>v1</s>`}}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, raw := range []string{"<script>alert", `"><img>`, "</td><b>", "<i>group</i>", "<u>org</u>", "<s>v1</s>"} {
		if strings.Contains(page, raw) {
			t.Errorf("the page holds %q unescaped", raw)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;/td&gt;&lt;b&gt;", "&lt;i&gt;group&lt;/i&gt;", "&lt;u&gt;org&lt;/u&gt;", "&lt;s&gt;v1&lt;/s&gt;"} {
		if !strings.Contains(page, escaped) {
			t.Errorf("the page lacks %q", escaped)
		}
	}
}

// TestReportReadsTheSyncItNames: of a file holding two finished full
// syncs, the report reads the later one, and names it; a file whose only
// sync never finished gives no report.
func TestReportReadsTheSyncItNames(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sync.c1z")
	sync := func(orgName string, finish bool) string {
		store, err := dotc1z.NewStore(ctx, path, dotc1z.WithTmpDir(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		id, err := store.StartNewSync(ctx, connectorstore.SyncTypeFull, "")
		if err != nil {
			t.Fatal(err)
		}
		org, err := resource.NewResource(orgName, organizationType, "org-1")
		if err != nil {
			t.Fatal(err)
		}
		if err := store.PutResourceTypes(ctx, organizationType); err != nil {
			t.Fatal(err)
		}
		if err := store.PutResources(ctx, org); err != nil {
			t.Fatal(err)
		}
		if finish {
			if err := store.EndSync(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.Close(ctx); err != nil {
			t.Fatal(err)
		}
		return id
	}

	sync("Unfinished Org", false)
	if rep, err := report.Load(ctx, path, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no finished full sync") {
		t.Errorf("a file with no finished sync: error %v, report %+v; want an error saying so", err, rep)
	}
	sync("Old Org", true)
	latest := sync("Renamed Org", true)
	rep, err := report.Load(ctx, path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Metadata.SyncID != latest || rep.Metadata.OrganizationName != "Renamed Org" {
		t.Errorf("the report reads sync %s of %q, want the latest, %s of %q", rep.Metadata.SyncID, rep.Metadata.OrganizationName, latest, "Renamed Org")
	}
}

// TestFindingsCountAccounts: an account holding admin roles on two
// workspaces, or the organization admin role both directly and through a
// group, is one entry of its finding, listing each role and path.
func TestFindingsCountAccounts(t *testing.T) {
	row := func(account, claim, accessType, resource, role, pathGroup string) report.Row {
		return report.Row{AccountID: account, Email: account + "@example.test", AccountStatus: "active", ClaimStatus: claim,
			AccessType: accessType, ResourceID: resource, ResourceName: resource, Role: role,
			Path: cmp.Or(pathGroup, report.PathDirect), PathGroupID: pathGroup}
	}
	rep := &report.Report{Rows: []report.Row{
		row("ext", "unmanaged", report.AccessWorkspaceRole, "jira", "atlassian/admin", ""),
		row("ext", "unmanaged", report.AccessWorkspaceRole, "confluence", "atlassian/admin", "g-admins"),
		row("ext", "unmanaged", report.AccessWorkspaceRole, "confluence", "atlassian/user", ""),
		row("ext", "unmanaged", report.AccessGroupMembership, "g-admins", "member", ""),
		row("boss", "managed", report.AccessOrganizationRole, "org-1", "atlassian/org-admin", ""),
		row("boss", "managed", report.AccessOrganizationRole, "org-1", "atlassian/org-admin", "g-admins"),
		row("boss", "managed", report.AccessWorkspaceRole, "jira", "atlassian/admin", ""),
	}}
	f := rep.Findings()
	roles := func(entries []report.AccountRoles) map[string][]string {
		out := map[string][]string{}
		for _, a := range entries {
			for _, r := range a.Roles {
				out[a.AccountID] = append(out[a.AccountID], r.Role+" on "+r.ResourceID+" via "+r.Path)
			}
		}
		return out
	}
	if len(f.UnmanagedAdmins) != 1 {
		t.Errorf("%d unmanaged admins, want 1: %+v", len(f.UnmanagedAdmins), f.UnmanagedAdmins)
	}
	if got, want := roles(f.UnmanagedAdmins), map[string][]string{"ext": {"atlassian/admin on jira via direct", "atlassian/admin on confluence via g-admins"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("unmanaged admins %v, want %v", got, want)
	}
	if len(f.OrganizationAdmins) != 1 {
		t.Errorf("%d organization admins, want 1: %+v", len(f.OrganizationAdmins), f.OrganizationAdmins)
	}
	if got, want := roles(f.OrganizationAdmins), map[string][]string{"boss": {"atlassian/org-admin on org-1 via direct", "atlassian/org-admin on org-1 via g-admins"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("organization admins %v, want %v", got, want)
	}
}
