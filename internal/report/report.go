// Package report turns a finished sync (a .c1z file, read with baton-sdk's
// own reader) into an access review: one row per account and access it
// holds, with the path it holds it through, written as CSV, JSON or a
// self-contained HTML page. It never calls Atlassian: what the sync holds is
// the whole input.
package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	c1zpb "github.com/conductorone/baton-sdk/pb/c1/c1z/v1"
	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorstore"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
	"github.com/conductorone/baton-sdk/pkg/dotc1z/c1zstore"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// Access types of a row.
const (
	AccessGroupMembership  = "group_membership"
	AccessWorkspaceRole    = "workspace_role"
	AccessOrganizationRole = "organization_role"
)

// PathDirect is the path of access an account holds itself.
const PathDirect = "direct"

// Row is one account holding one access through one path.
type Row struct {
	AccountID     string `json:"account_id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	AccountStatus string `json:"account_status"` // the Atlassian user status: active, suspended, deactivated, ...
	ClaimStatus   string `json:"claim_status"`   // managed, unmanaged
	AccessType    string `json:"access_type"`    // Access*
	ResourceID    string `json:"resource_id"`    // group id, workspace ARI or organization id
	ResourceName  string `json:"resource_name"`
	Role          string `json:"role"` // "member" for a membership, else the Atlassian role
	// Path is PathDirect or the name of the group the access comes through;
	// PathGroupID is that group's id ("" for direct access), since group
	// names need not be unique across directories.
	Path        string `json:"path"`
	PathGroupID string `json:"path_group_id"`
	// LastActive is, on a workspace role row, the account's last activity
	// on that workspace (RFC 3339, UTC); "" when it never used it, when the
	// sync does not say, and on every other row.
	LastActive string `json:"last_active"`
}

// Columns are the row's part of the CSV header, in the order of Row's
// fields; MetadataColumns follow them.
var Columns = []string{
	"account_id", "email", "name", "account_status", "claim_status",
	"access_type", "resource_id", "resource_name", "role", "path", "path_group_id", "last_active",
}

// Record is the row as CSV fields, in the order of Columns.
func (r Row) Record() []string {
	return []string{r.AccountID, r.Email, r.Name, r.AccountStatus, r.ClaimStatus,
		r.AccessType, r.ResourceID, r.ResourceName, r.Role, r.Path, r.PathGroupID, r.LastActive}
}

// Account is a synced account, as the report names it.
type Account struct {
	ID, Email, Name, Status, ClaimStatus string
	// MFAEnabled is nil when the sync does not say.
	MFAEnabled *bool
	// ManagementSource is invited or synced; "" when Atlassian cannot tell.
	ManagementSource string
	// ProductAccess is the account's last activity per workspace it can
	// reach (a nil time: never used); nil when the sync does not say.
	ProductAccess map[string]*time.Time
}

// Group is a synced group.
type Group struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// Metadata says what a report is of and what wrote it: what an auditor
// needs to accept it as evidence of one organization at one time.
type Metadata struct {
	// OrganizationID and OrganizationName are the synced organization's,
	// as its organization resource in the sync names it.
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	// SyncID, SyncStartedAt and SyncEndedAt are those of the sync run the
	// report reads (the file's latest finished full sync), as the SDK
	// recorded them.
	SyncID        string    `json:"sync_id"`
	SyncStartedAt time.Time `json:"sync_started_at"`
	SyncEndedAt   time.Time `json:"sync_ended_at"`
	// ToolVersion is the version of the tool that wrote the report (Load
	// leaves it to its caller).
	ToolVersion string `json:"tool_version"`
}

// Report is a sync's effective access.
type Report struct {
	Metadata Metadata
	Rows     []Row
	// Groups are every synced group, sorted by name then id, with their
	// member counts.
	Groups []Group
	// Accounts counts the synced accounts.
	Accounts int
	// AccountsByID are the synced accounts, with what the findings on
	// activity and two-step verification read.
	AccountsByID map[string]Account
	// InactiveDays is how long product access may go unused before a
	// finding names it; 0 is DefaultInactiveDays.
	InactiveDays int
}

// DefaultInactiveDays is the unused time after which product access is a
// finding, when the report is not told otherwise.
const DefaultInactiveDays = 90

// Load reads the latest finished full sync of a c1z file. tmpDir holds the
// decompressed database while it is read ("" means the system's temporary
// directory).
func Load(ctx context.Context, c1zPath, tmpDir string) (*Report, error) {
	store, err := dotc1z.NewStore(ctx, c1zPath, dotc1z.WithReadOnly(true), dotc1z.WithTmpDir(tmpDir))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", c1zPath, err)
	}
	rep, err := reportOfLatestFullSync(ctx, store)
	closeErr := store.Close(context.WithoutCancel(ctx))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", c1zPath, err)
	}
	if closeErr != nil {
		return nil, fmt.Errorf("closing %s: %w", c1zPath, closeErr)
	}
	return rep, nil
}

// reportOfLatestFullSync reads the file's latest finished full sync, and
// only it: every listing names that sync, so the rows are of the run the
// metadata names on either storage engine (left to themselves, SQLite's
// listings read the latest full sync and Pebble's the latest of any type).
func reportOfLatestFullSync(ctx context.Context, store c1zstore.Store) (*Report, error) {
	run, err := store.SyncMeta().LatestFullSync(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync run: %w", err)
	}
	if run == nil {
		return nil, errors.New("the file holds no finished full sync")
	}
	rep, err := reportOfStore(ctx, store, run.ID)
	if err != nil {
		return nil, err
	}
	rep.Metadata.SyncID = run.ID
	if run.StartedAt != nil {
		rep.Metadata.SyncStartedAt = run.StartedAt.UTC()
	}
	if run.EndedAt != nil {
		rep.Metadata.SyncEndedAt = run.EndedAt.UTC()
	}
	return rep, nil
}

// adminRoles are the roles a finding about unmanaged accounts looks for.
var adminRoles = map[string]bool{
	"atlassian/admin":             true,
	"atlassian/org-admin":         true,
	"atlassian/site-admin":        true,
	"atlassian/user-access-admin": true,
}

// IsAdminRole reports whether a role administers its workspace or the
// organization.
func IsAdminRole(role string) bool { return adminRoles[role] }

// held is one entitlement held by one account through one path: the key
// that keeps a grant seen twice (directly and as the SDK's expansion of a
// group grant) to one row.
type held struct {
	accountID, entitlementID, pathGroupID string
}

func reportOfStore(ctx context.Context, r connectorstore.Reader, syncID string) (*Report, error) {
	ofSync := annotations.New(c1zpb.SyncDetails_builder{Id: syncID}.Build())
	accounts := map[string]Account{}
	groups := map[string]*Group{}
	names := map[string]string{} // resource key -> display name
	var meta Metadata
	err := eachPage(ctx, func(token string) ([]*v2.Resource, string, error) {
		resp, err := r.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{PageToken: token, Annotations: ofSync}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}, func(res *v2.Resource) error {
		id := res.GetId()
		names[resourceKey(id.GetResourceType(), id.GetResource())] = res.GetDisplayName()
		switch id.GetResourceType() {
		case connector.ResourceTypeUser:
			accounts[id.GetResource()] = accountOf(res)
		case connector.ResourceTypeGroup:
			groups[id.GetResource()] = &Group{ID: id.GetResource(), Name: res.GetDisplayName()}
		case connector.ResourceTypeOrganization:
			meta.OrganizationID, meta.OrganizationName = id.GetResource(), res.GetDisplayName()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resources: %w", err)
	}

	members := map[string][]string{} // group id -> member account ids
	var roleGrants []*v2.Grant       // grants of role entitlements
	err = eachPage(ctx, func(token string) ([]*v2.Grant, string, error) {
		resp, err := r.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{PageToken: token, Annotations: ofSync}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}, func(g *v2.Grant) error {
		on := g.GetEntitlement().GetResource().GetId()
		principal := g.GetPrincipal().GetId()
		if on.GetResourceType() == connector.ResourceTypeGroup {
			if principal.GetResourceType() == connector.ResourceTypeUser {
				members[on.GetResource()] = append(members[on.GetResource()], principal.GetResource())
			}
			return nil
		}
		roleGrants = append(roleGrants, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}

	seen := map[held]bool{}
	var rows []Row
	add := func(accountID, accessType, resourceID, resourceName, role, entitlementID, pathGroupID string) {
		k := held{accountID, entitlementID, pathGroupID}
		if seen[k] {
			return
		}
		seen[k] = true
		a, ok := accounts[accountID]
		if !ok {
			a = Account{ID: accountID}
		}
		path := PathDirect
		if pathGroupID != "" {
			path = cmp.Or(names[resourceKey(connector.ResourceTypeGroup, pathGroupID)], pathGroupID)
		}
		lastActive := ""
		if accessType == AccessWorkspaceRole {
			if t := a.ProductAccess[resourceID]; t != nil {
				lastActive = FormatTime(*t)
			}
		}
		rows = append(rows, Row{
			AccountID: accountID, Email: a.Email, Name: a.Name, AccountStatus: a.Status, ClaimStatus: a.ClaimStatus,
			AccessType: accessType, ResourceID: resourceID, ResourceName: resourceName, Role: role,
			Path: path, PathGroupID: pathGroupID, LastActive: lastActive,
		})
	}

	for groupID, ids := range members {
		name := cmp.Or(names[resourceKey(connector.ResourceTypeGroup, groupID)], groupID)
		entitlementID := connector.GroupMemberEntitlementID(groupID)
		for _, id := range ids {
			add(id, AccessGroupMembership, groupID, name, connector.MemberSlug, entitlementID, "")
		}
		if g := groups[groupID]; g != nil {
			g.Members = len(ids)
		}
	}

	for _, g := range roleGrants {
		ent := g.GetEntitlement()
		ref, err := connector.ParseEntitlementID(ent.GetId())
		if err != nil || ref.Role() == "" {
			return nil, fmt.Errorf("grant %s: entitlement %q is not a role of this connector", g.GetId(), ent.GetId())
		}
		accessType := AccessWorkspaceRole
		if ref.ResourceType == connector.ResourceTypeOrganization {
			accessType = AccessOrganizationRole
		}
		resourceName := cmp.Or(names[resourceKey(ref.ResourceType, ref.ResourceID)], ref.ResourceID)
		principal := g.GetPrincipal().GetId()
		switch principal.GetResourceType() {
		case connector.ResourceTypeGroup:
			// A group's role is held by each of its members, through it.
			for _, id := range members[principal.GetResource()] {
				add(id, accessType, ref.ResourceID, resourceName, ref.Role(), ent.GetId(), principal.GetResource())
			}
		case connector.ResourceTypeUser:
			// A grant the SDK expanded from a group's names that group's
			// membership among its sources; one the user holds itself has
			// no sources, or its own entitlement among them.
			sources := g.GetSources().GetSources()
			if len(sources) == 0 || sources[ent.GetId()] != nil {
				add(principal.GetResource(), accessType, ref.ResourceID, resourceName, ref.Role(), ent.GetId(), "")
			}
			for source := range sources {
				if src, err := connector.ParseEntitlementID(source); err == nil && src.ResourceType == connector.ResourceTypeGroup && src.Slug == connector.MemberSlug {
					add(principal.GetResource(), accessType, ref.ResourceID, resourceName, ref.Role(), ent.GetId(), src.ResourceID)
				}
			}
		}
	}

	Sort(rows)
	rep := &Report{Metadata: meta, Rows: rows, Accounts: len(accounts), AccountsByID: accounts}
	for _, g := range groups {
		rep.Groups = append(rep.Groups, *g)
	}
	slices.SortFunc(rep.Groups, func(a, b Group) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return rep, nil
}

// Sort orders rows stably by email, then resource (name, then id), then
// access type, role and path, and the account id last so that accounts
// without an email still sort the same every time.
func Sort(rows []Row) {
	slices.SortStableFunc(rows, Compare)
}

// Compare is the report's row order.
func Compare(a, b Row) int {
	return cmp.Or(
		cmp.Compare(a.Email, b.Email),
		cmp.Compare(a.ResourceName, b.ResourceName),
		cmp.Compare(a.ResourceID, b.ResourceID),
		cmp.Compare(a.AccessType, b.AccessType),
		cmp.Compare(a.Role, b.Role),
		cmp.Compare(a.PathGroupID, b.PathGroupID),
		cmp.Compare(a.AccountID, b.AccountID),
	)
}

func accountOf(res *v2.Resource) Account {
	a := Account{ID: res.GetId().GetResource(), Name: res.GetDisplayName()}
	trait, err := resource.GetUserTrait(res)
	if err != nil {
		return a
	}
	// The profile and status moved from the trait to the resource in
	// baton-sdk v0.25; the getters read either, so older syncs read too.
	profile := resource.GetProfile(res)
	str := func(k string) string { v, _ := resource.GetProfileStringValue(profile, k); return v }
	a.Email = str(connector.ProfileEmail)
	if a.Email == "" && len(trait.GetEmails()) > 0 {
		a.Email = trait.GetEmails()[0].GetAddress()
	}
	a.Name = cmp.Or(str(connector.ProfileUserName), a.Name)
	a.Status = cmp.Or(str(connector.ProfileUserStatus), strings.ToLower(strings.TrimPrefix(resource.GetStatus(res).GetStatus().String(), "RESOURCE_STATUS_")))
	a.ClaimStatus = str(connector.ProfileClaimStatus)
	a.ManagementSource = str(connector.ProfileManagementSource)
	if mfa := trait.GetMfaStatus(); mfa != nil {
		enabled := mfa.GetMfaEnabled()
		a.MFAEnabled = &enabled
	} else if v, ok := profile.GetFields()[connector.ProfileMFAEnabled]; ok {
		enabled := v.GetBoolValue()
		a.MFAEnabled = &enabled
	}
	if v, ok := profile.GetFields()[connector.ProfileProductAccess]; ok {
		a.ProductAccess = map[string]*time.Time{}
		for _, item := range v.GetListValue().GetValues() {
			fields := item.GetStructValue().GetFields()
			var last *time.Time
			if t, err := time.Parse(time.RFC3339Nano, fields[connector.ProductAccessLastActive].GetStringValue()); err == nil {
				t = t.UTC()
				last = &t
			}
			a.ProductAccess[fields[connector.ProductAccessWorkspaceID].GetStringValue()] = last
		}
	}
	return a
}

func resourceKey(resourceType, id string) string { return resourceType + "\x00" + id }

// eachPage walks a paged listing of the store.
func eachPage[T any](ctx context.Context, page func(token string) ([]T, string, error), each func(T) error) error {
	for token := ""; ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		items, next, err := page(token)
		if err != nil {
			return err
		}
		for _, item := range items {
			if err := each(item); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		if next == token {
			return errors.New("the store returned the same page token twice")
		}
		token = next
	}
}
