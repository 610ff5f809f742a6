package connector_test

import (
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	reader_v2 "github.com/conductorone/baton-sdk/pb/c1/reader/v2"
	"github.com/conductorone/baton-sdk/pkg/connectorstore"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// expectedSync is what a full sync of a sandbox state must hold, by id.
type expectedSync struct {
	resources    map[string]map[string]bool // type -> ids
	entitlements map[string]bool
	grants       map[string]bool
}

func expectFromState(st sandbox.State) expectedSync {
	orgID := st.Organization.ID
	e := expectedSync{
		resources: map[string]map[string]bool{
			connector.ResourceTypeUser: {}, connector.ResourceTypeGroup: {},
			connector.ResourceTypeWorkspace: {}, connector.ResourceTypeOrganization: {orgID: true},
		},
		entitlements: map[string]bool{},
		grants:       map[string]bool{},
	}
	for _, u := range st.Users {
		e.resources[connector.ResourceTypeUser][u.AccountID] = true
	}
	for _, g := range st.Groups {
		e.resources[connector.ResourceTypeGroup][g.ID] = true
		e.entitlements[connector.GroupMemberEntitlementID(g.ID)] = true
		for _, m := range g.MemberAccountIDs {
			e.grants[connector.GrantID(connector.GroupMemberEntitlementID(g.ID), connector.ResourceTypeUser, m)] = true
		}
	}
	for _, w := range st.Workspaces {
		e.resources[connector.ResourceTypeWorkspace][w.ID] = true
		for _, role := range connector.WorkspaceRoles {
			e.entitlements[connector.WorkspaceRoleEntitlementID(w.ID, role)] = true
		}
	}
	for _, role := range connector.OrganizationRoles {
		e.entitlements[connector.OrganizationRoleEntitlementID(orgID, role)] = true
	}
	roleEntitlement := func(owner, resourceID, role string) string {
		if owner == "platform" {
			return connector.OrganizationRoleEntitlementID(orgID, role)
		}
		return connector.WorkspaceRoleEntitlementID(resourceID, role)
	}
	for _, a := range st.UserRoleAssignments {
		e.grants[connector.GrantID(roleEntitlement(a.ResourceOwner, a.ResourceID, a.Role), connector.ResourceTypeUser, a.AccountID)] = true
	}
	for _, a := range st.GroupRoleAssignments {
		e.grants[connector.GrantID(roleEntitlement(a.ResourceOwner, a.ResourceID, a.Role), connector.ResourceTypeGroup, a.GroupID)] = true
	}
	return e
}

// readSync reads every resource, entitlement and grant id of a c1z.
func readSync(t *testing.T, r connectorstore.Reader) (expectedSync, map[string]*v2.Resource) {
	t.Helper()
	ctx := ctxFor(t)
	got := expectedSync{resources: map[string]map[string]bool{}, entitlements: map[string]bool{}, grants: map[string]bool{}}
	all := map[string]*v2.Resource{}
	for token := ""; ; {
		resp, err := r.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{PageToken: token}.Build())
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range resp.GetList() {
			typ := res.GetId().GetResourceType()
			if got.resources[typ] == nil {
				got.resources[typ] = map[string]bool{}
			}
			got.resources[typ][res.GetId().GetResource()] = true
			all[typ+"/"+res.GetId().GetResource()] = res
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	for token := ""; ; {
		resp, err := r.ListEntitlements(ctx, v2.EntitlementsServiceListEntitlementsRequest_builder{PageToken: token}.Build())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.GetList() {
			got.entitlements[e.GetId()] = true
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	for token := ""; ; {
		resp, err := r.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{PageToken: token}.Build())
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range resp.GetList() {
			if got.grants[g.GetId()] {
				t.Errorf("grant %s stored twice", g.GetId())
			}
			got.grants[g.GetId()] = true
			want := connector.GrantID(g.GetEntitlement().GetId(), g.GetPrincipal().GetId().GetResourceType(), g.GetPrincipal().GetId().GetResource())
			if g.GetId() != want {
				t.Errorf("grant id %s does not match its entitlement and principal (%s)", g.GetId(), want)
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return got, all
}

func compareSets(t *testing.T, what string, got, want map[string]bool) {
	t.Helper()
	var missing, extra []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("%s: %d missing %v; %d unexpected %v", what, len(missing), head(missing), len(extra), head(extra))
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// TestFullSyncMatchesSandbox runs the SDK's real syncer over the connector
// against a sandbox org and compares the c1z with the sandbox's own state:
// the same users, groups, workspaces, memberships and role assignments,
// and nothing else.
func TestFullSyncMatchesSandbox(t *testing.T) {
	env := startOrg(t, 300, 12, 4)
	// App and customer accounts, and the traits they sync with, are only
	// seen where the service lists them (the document lists none).
	env.Update(func(st *sandbox.State) error { st.Settings.ListNonAtlassianAccounts = true; return nil })
	_, srv := newServer(t, configFor(env))
	ctx := ctxFor(t)
	path := filepath.Join(t.TempDir(), "sync.c1z")
	env.ResetStats()
	counts, err := batonsync.Sync(ctx, srv, path, t.TempDir())
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	st := env.State()
	want := expectFromState(st)
	// Activity, two-step verification and management source come with the
	// pages of the users listing: the sync reads users in as many searches
	// as the listings take (the users, and each group's members), and never
	// one account at a time.
	stats := env.Stats()
	pages := func(n int) int { return max(1, (n+atlassian.MaxPageSize-1)/atlassian.MaxPageSize) }
	listingFloor := pages(len(st.Users))
	for _, g := range st.Groups {
		listingFloor += pages(len(g.MemberAccountIDs))
	}
	if got := stats.ByRoute[routeUsersSearch]; got != int64(listingFloor) {
		t.Errorf("the sync made %d users searches, want the listings' %d pages", got, listingFloor)
	}
	if got := stats.ByRoute[routeGetUser]; got != 0 {
		t.Errorf("the sync read %d accounts one at a time", got)
	}
	if len(st.UserRoleAssignments) == 0 || len(st.GroupRoleAssignments) == 0 {
		t.Fatalf("the sandbox state has no role assignments to compare")
	}

	store, err := batonsync.OpenSyncFile(ctx, path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := store.Close(ctx); err != nil {
			t.Error(err)
		}
	}()
	got, resources := readSync(t, store)

	for _, typ := range slices.Sorted(maps.Keys(want.resources)) {
		compareSets(t, "resources of type "+typ, got.resources[typ], want.resources[typ])
		if counts.Resources[typ] != len(want.resources[typ]) {
			t.Errorf("Counts.Resources[%s] = %d, want %d", typ, counts.Resources[typ], len(want.resources[typ]))
		}
	}
	if len(got.resources) != len(want.resources) {
		t.Errorf("resource types %v, want %v", slices.Sorted(maps.Keys(got.resources)), slices.Sorted(maps.Keys(want.resources)))
	}
	compareSets(t, "entitlements", got.entitlements, want.entitlements)
	compareSets(t, "grants", got.grants, want.grants)
	if counts.Grants != len(want.grants) || counts.Entitlements != len(want.entitlements) {
		t.Errorf("Counts = %d entitlements, %d grants; want %d, %d", counts.Entitlements, counts.Grants, len(want.entitlements), len(want.grants))
	}
	for id := range got.grants {
		ref, err := connector.ParseGrantID(id)
		if err != nil {
			t.Errorf("grant id %s does not parse: %v", id, err)
		} else if !got.entitlements[ref.Entitlement.ID()] {
			t.Errorf("grant %s is of an entitlement the sync does not hold", id)
		}
	}
	t.Logf("synced %v resources, %d entitlements, %d grants in %s", counts.Resources, counts.Entitlements, counts.Grants, counts.Duration)

	// Grants emitted by the user syncer live under the workspace: a
	// reader asking for the workspace entitlement's grants finds them.
	var direct sandbox.UserRoleAssignment
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner != "platform" {
			direct = a
			break
		}
	}
	entitlementID := connector.WorkspaceRoleEntitlementID(direct.ResourceID, direct.Role)
	resp, err := store.ListGrantsForEntitlement(ctx, reader_v2.GrantsReaderServiceListGrantsForEntitlementRequest_builder{
		Entitlement: ent(entitlementID),
	}.Build())
	if err != nil {
		t.Fatal(err)
	}
	wantGrant := connector.GrantID(entitlementID, connector.ResourceTypeUser, direct.AccountID)
	if !slices.ContainsFunc(resp.GetList(), func(g *v2.Grant) bool { return g.GetId() == wantGrant }) {
		t.Errorf("ListGrantsForEntitlement(%s) lacks %s", entitlementID, wantGrant)
	}
	for _, g := range resp.GetList() {
		if g.GetEntitlement().GetId() != entitlementID {
			t.Errorf("ListGrantsForEntitlement(%s) returned a grant of %s", entitlementID, g.GetEntitlement().GetId())
		}
	}

	// The user mapping: status, login, email, activity.
	withLastLogin := 0
	for _, u := range st.Users {
		r := resources[connector.ResourceTypeUser+"/"+u.AccountID]
		trait, err := resource.GetUserTrait(r)
		if err != nil {
			t.Fatalf("user %s: %v", u.AccountID, err)
		}
		wantStatus := v2.Status_RESOURCE_STATUS_DISABLED
		if u.Status == "active" {
			wantStatus = v2.Status_RESOURCE_STATUS_ENABLED
		}
		if got := r.GetStatus().GetStatus(); got != wantStatus {
			t.Errorf("user %s with status %s has resource status %s", u.AccountID, u.Status, got)
		}
		if u.Email != "" && (trait.GetLogin() != u.Email || len(trait.GetEmails()) == 0 || trait.GetEmails()[0].GetAddress() != u.Email) {
			t.Errorf("user %s: login %q, emails %v; want %q", u.AccountID, trait.GetLogin(), trait.GetEmails(), u.Email)
		}
		if r.GetDisplayName() != u.Name {
			t.Errorf("user %s: display name %q, want %q", u.AccountID, r.GetDisplayName(), u.Name)
		}
		if at, _ := resource.GetProfileStringValue(resource.GetProfile(r), "account_type"); at != u.AccountType {
			t.Errorf("user %s: profile account_type %q, want %q", u.AccountID, at, u.AccountType)
		}
		checkUserActivity(t, st, u, r, trait)
		if trait.GetLastLogin() != nil {
			withLastLogin++
		}
	}
	if withLastLogin == 0 || withLastLogin == len(st.Users) {
		t.Errorf("%d of %d users have a last login: the sandbox should hold both active and never-active accounts", withLastLogin, len(st.Users))
	}
	for _, g := range st.Groups {
		r := resources[connector.ResourceTypeGroup+"/"+g.ID]
		if _, err := resource.GetGroupTrait(r); err != nil {
			t.Fatalf("group %s: %v", g.ID, err)
		}
		if d, _ := resource.GetProfileStringValue(resource.GetProfile(r), connector.ProfileDirectoryID); d != g.DirectoryID {
			t.Errorf("group %s: profile directory_id %q, want %q", g.ID, d, g.DirectoryID)
		}
	}
}

// Routes of the sandbox's request counts.
const (
	routeUsersSearch = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/users/search"
	routeGetUser     = "GET /admin/v2/orgs/{orgId}/directories/{dirId}/users/{accountId}"
)

// reachableWorkspaces are the workspaces an account holds a role on, itself
// or through a group, computed from the sandbox state.
func reachableWorkspaces(st sandbox.State, accountID string) map[string]bool {
	workspaces := map[string]bool{}
	for _, w := range st.Workspaces {
		workspaces[w.ID] = false
	}
	out := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if _, ok := workspaces[a.ResourceID]; ok && a.AccountID == accountID {
			out[a.ResourceID] = true
		}
	}
	for _, a := range st.GroupRoleAssignments {
		if _, ok := workspaces[a.ResourceID]; ok && isMember(st, a.GroupID, accountID) {
			out[a.ResourceID] = true
		}
	}
	return out
}

// checkUserActivity compares a synced user's last login, two-step
// verification, management source and product access with the sandbox.
func checkUserActivity(t *testing.T, st sandbox.State, u sandbox.User, r *v2.Resource, trait *v2.UserTrait) {
	t.Helper()
	profile := resource.GetProfile(r)
	reachable := reachableWorkspaces(st, u.AccountID)
	var latest time.Time
	for ws := range reachable {
		if at, ok := u.ProductActivity[ws]; ok {
			last, err := time.Parse(time.RFC3339, at)
			if err != nil {
				t.Fatalf("sandbox activity %q: %v", at, err)
			}
			if last.After(latest) {
				latest = last
			}
		}
	}
	switch {
	case latest.IsZero() && trait.GetLastLogin() != nil:
		t.Errorf("user %s never used a product but has last login %s", u.AccountID, trait.GetLastLogin().AsTime())
	case !latest.IsZero() && !trait.GetLastLogin().AsTime().Equal(latest):
		t.Errorf("user %s: last login %v, want %s", u.AccountID, trait.GetLastLogin(), latest)
	}
	if trait.GetMfaStatus() == nil || trait.GetMfaStatus().GetMfaEnabled() != u.MFAEnabled {
		t.Errorf("user %s: MFA status %v, want enabled=%v", u.AccountID, trait.GetMfaStatus(), u.MFAEnabled)
	}
	if source, _ := resource.GetProfileStringValue(profile, connector.ProfileManagementSource); source != u.ManagementSource {
		t.Errorf("user %s: management source %q, want %q", u.AccountID, source, u.ManagementSource)
	}
	items := profile.GetFields()[connector.ProfileProductAccess].GetListValue().GetValues()
	if len(items) != len(reachable) {
		t.Errorf("user %s: %d product access items, want %d", u.AccountID, len(items), len(reachable))
	}
	for _, item := range items {
		fields := item.GetStructValue().GetFields()
		ws := fields[connector.ProductAccessWorkspaceID].GetStringValue()
		if !reachable[ws] {
			t.Errorf("user %s: product access on %s, which it cannot reach", u.AccountID, ws)
		}
		got, want := fields[connector.ProductAccessLastActive].GetStringValue(), ""
		if at, ok := u.ProductActivity[ws]; ok {
			last, _ := time.Parse(time.RFC3339, at)
			want = last.UTC().Format(time.RFC3339Nano)
		}
		if got != want {
			t.Errorf("user %s on %s: last active %q, want %q", u.AccountID, ws, got, want)
		}
	}
	if n, _ := resource.GetProfileInt64Value(profile, connector.ProfileResourceCount); int(n) != len(reachable) {
		t.Errorf("user %s: resource count %d, want %d", u.AccountID, n, len(reachable))
	}
}

// TestSyncRefusesAnExistingFile: an existing c1z would be resumed silently.
func TestSyncRefusesAnExistingFile(t *testing.T) {
	env := startOrg(t, 5, 4, 1)
	_, srv := newServer(t, configFor(env))
	path := filepath.Join(t.TempDir(), "sync.c1z")
	if _, err := batonsync.Sync(ctxFor(t), srv, path, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, err := batonsync.Sync(ctxFor(t), srv, path, t.TempDir()); err == nil {
		t.Fatal("a second sync into the same path succeeded")
	}
}
