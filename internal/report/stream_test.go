package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/report"
)

// TestWriteSyncWritesWhatLoadWrites: the report written account by
// account is, in every format, byte for byte the report of the whole sync
// held in memory: with accounts sharing an email, accounts without one, an
// account a grant names that the sync does not hold, roles held directly
// and through groups, and findings of unused access and of admins.
func TestWriteSyncWritesWhatLoadWrites(t *testing.T) {
	ctx := context.Background()
	jira, confluence := "ari:cloud:jira::site/1", "ari:cloud:confluence::site/2"
	user := func(id, email, claim string, lastActive map[string]string) *v2.Resource {
		profile := map[string]any{
			connector.ProfileEmail: email, connector.ProfileUserName: "name of " + id,
			connector.ProfileUserStatus: "active", connector.ProfileClaimStatus: claim,
		}
		var access []any
		for workspace, last := range lastActive {
			access = append(access, map[string]any{
				connector.ProductAccessWorkspaceID: workspace, connector.ProductAccessKey: "product",
				connector.ProductAccessLastActive: last,
			})
		}
		if access != nil {
			profile[connector.ProfileProductAccess] = access
		}
		r, err := resource.NewUserResource(id, userType, id, nil, resource.WithResourceProfile(profile))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	newResource := func(name string, rt *v2.ResourceType, id string) *v2.Resource {
		r, err := resource.NewResource(name, rt, id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// ada and ada-2 share an email; bo and cy have none; ghost is named
	// by a grant only.
	ada := user("u-ada", "ada@example.test", "managed", map[string]string{jira: "2020-01-01T00:00:00Z", confluence: ""})
	ada2 := user("u-ada-2", "ada@example.test", "unmanaged", map[string]string{jira: ""})
	bo := user("u-bo", "", "managed", map[string]string{jira: "2020-01-01T00:00:00Z"})
	cy := user("u-cy", "", "unmanaged", nil)
	ghost := v2.ResourceId_builder{ResourceType: connector.ResourceTypeUser, Resource: "u-ghost"}.Build()
	admins := newResource("admins", groupType, "g-admins")
	staff := newResource("staff", groupType, "g-staff")
	empty := newResource("empty", groupType, "g-empty")
	jiraSite, confluenceSite := newResource("Jira", workspaceType, jira), newResource("Confluence", workspaceType, confluence)
	org := newResource("Example Org", organizationType, "org-1")
	role := func(r string) string { return connector.RoleSlug(r) }
	path := writeSync(t, []*v2.Resource{ada, ada2, bo, cy, admins, staff, empty, jiraSite, confluenceSite, org},
		grant.NewGrant(admins, connector.MemberSlug, ada.GetId()),
		grant.NewGrant(admins, connector.MemberSlug, cy.GetId()),
		grant.NewGrant(staff, connector.MemberSlug, ada.GetId()),
		grant.NewGrant(staff, connector.MemberSlug, ada2.GetId()),
		grant.NewGrant(staff, connector.MemberSlug, bo.GetId()),
		grant.NewGrant(staff, connector.MemberSlug, ghost),
		grant.NewGrant(jiraSite, role("atlassian/admin"), admins.GetId()),
		grant.NewGrant(org, role("atlassian/org-admin"), admins.GetId()),
		grant.NewGrant(jiraSite, role("atlassian/user"), staff.GetId()),
		grant.NewGrant(confluenceSite, role("atlassian/user"), ada.GetId()),
		grant.NewGrant(confluenceSite, role("atlassian/admin"), cy.GetId()),
		grant.NewGrant(jiraSite, role("atlassian/user"), bo.GetId()),
		grant.NewGrant(org, role("atlassian/org-admin"), ada2.GetId()),
	).path

	opts := report.Options{ToolVersion: "v9.9.9", InactiveDays: 30}
	for _, format := range report.Formats {
		rep, err := report.Load(ctx, path, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(rep.Rows, report.Compare) {
			t.Errorf("the rows are not in the report's order: %+v", rep.Rows)
		}
		rep.Metadata.ToolVersion, rep.InactiveDays = opts.ToolVersion, opts.InactiveDays
		var whole, streamed bytes.Buffer
		if err := rep.Write(&whole, format); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteSync(ctx, path, t.TempDir(), &streamed, format, opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Bytes(), streamed.Bytes()) {
			t.Errorf("%s: written account by account:\n%s\nheld in memory:\n%s", format, streamed.String(), whole.String())
		}
		if format == report.FormatCSV {
			// 6 memberships; through admins 2 × 2 roles; through staff 4 ×
			// 1; 4 held directly.
			if lines := strings.Count(streamed.String(), "\n"); lines != 1+6+4+4+4 {
				t.Errorf("the CSV has %d lines, want a header and 18 rows", lines)
			}
		}
		if format == report.FormatJSON {
			var doc struct {
				Findings report.Findings `json:"findings"`
			}
			if err := json.Unmarshal(streamed.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			f := doc.Findings
			if len(f.UnusedProductAccess) != 2 || len(f.NeverUsedProductAccess) != 2 || len(f.OrganizationAdmins) != 3 ||
				len(f.UnmanagedAdmins) != 2 || len(f.EmptyGroups) != 1 {
				t.Errorf("findings %+v: want 2 unused (ada, bo on Jira), 2 never used (ada on Confluence, ada-2 on Jira), "+
					"3 organization admins (ada, ada-2, cy), 2 unmanaged admins (ada-2, cy) and 1 empty group", f)
			}
		}
	}
}
