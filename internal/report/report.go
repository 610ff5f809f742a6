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
	"unique"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
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
// directory). The report holds every row in memory: WriteSync writes CSV
// and JSON without holding them.
func Load(ctx context.Context, c1zPath, tmpDir string) (*Report, error) {
	var rep *Report
	err := withLatestFullSync(ctx, c1zPath, tmpDir, func(s *syncIndex) error {
		rep = &Report{Metadata: s.meta, Groups: s.sortedGroups(), Accounts: len(s.accounts), AccountsByID: s.accounts}
		return s.eachEmail(ctx, func(rows []Row) error {
			rep.Rows = append(rep.Rows, rows...)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// withLatestFullSync opens a c1z file, indexes its latest finished full
// sync and hands the index to read while the file is open.
func withLatestFullSync(ctx context.Context, c1zPath, tmpDir string, read func(*syncIndex) error) error {
	store, err := dotc1z.NewStore(ctx, c1zPath, dotc1z.WithReadOnly(true), dotc1z.WithTmpDir(tmpDir))
	if err != nil {
		return fmt.Errorf("opening %s: %w", c1zPath, err)
	}
	s, err := indexLatestFullSync(ctx, store)
	if err == nil {
		err = read(s)
	}
	closeErr := store.Close(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("reading %s: %w", c1zPath, err)
	}
	if closeErr != nil {
		return fmt.Errorf("closing %s: %w", c1zPath, closeErr)
	}
	return nil
}

// indexLatestFullSync reads the file's latest finished full sync, and
// only it: every listing names that sync, so the rows are of the run the
// metadata names on either storage engine (left to themselves, SQLite's
// listings read the latest full sync and Pebble's the latest of any type).
func indexLatestFullSync(ctx context.Context, store c1zstore.Store) (*syncIndex, error) {
	run, err := store.SyncMeta().LatestFullSync(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync run: %w", err)
	}
	if run == nil {
		return nil, errors.New("the file holds no finished full sync")
	}
	s, err := indexSync(ctx, store, run.ID)
	if err != nil {
		return nil, err
	}
	s.meta.SyncID = run.ID
	if run.StartedAt != nil {
		s.meta.SyncStartedAt = run.StartedAt.UTC()
	}
	if run.EndedAt != nil {
		s.meta.SyncEndedAt = run.EndedAt.UTC()
	}
	return s, nil
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
	a.Status = intern(cmp.Or(str(connector.ProfileUserStatus), strings.ToLower(strings.TrimPrefix(resource.GetStatus(res).GetStatus().String(), "RESOURCE_STATUS_"))))
	a.ClaimStatus = intern(str(connector.ProfileClaimStatus))
	a.ManagementSource = intern(str(connector.ProfileManagementSource))
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
			// Every account names the same few workspaces: one copy of
			// each id serves them all.
			a.ProductAccess[intern(fields[connector.ProductAccessWorkspaceID].GetStringValue())] = last
		}
	}
	return a
}

// intern is the one copy of a string many accounts share (a status, a
// workspace id).
func intern(s string) string { return unique.Make(s).Value() }

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
