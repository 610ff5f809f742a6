package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// State is the whole sandbox organization. It is what GET /_sandbox/state
// returns, what PUT /_sandbox/state and ReplaceState accept, and the format of
// the --state file. Keys are snake_case on purpose: this is the sandbox's own
// format, not the admin API's camelCase, so the two are never confused.
type State struct {
	Organization         Organization          `json:"organization"`
	Directories          []Directory           `json:"directories"`
	Users                []User                `json:"users"`
	Groups               []Group               `json:"groups"`
	Workspaces           []Workspace           `json:"workspaces"`
	UserRoleAssignments  []UserRoleAssignment  `json:"user_role_assignments"`
	GroupRoleAssignments []GroupRoleAssignment `json:"group_role_assignments"`
	Settings             Settings              `json:"settings"`
}

// Organization identifies the org; its ID is the {orgId} of every admin path.
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Directory is a user directory of the organization. Reads accept its id or
// "-" (every directory); writes require the real id.
type Directory struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User holds every field of the v2 admin API user object, plus the directory
// the user belongs to. PlatformRoles is derived from the user role
// assignments whose resource_owner is "platform" whenever state is loaded.
type User struct {
	AccountID        string   `json:"account_id"`
	DirectoryID      string   `json:"directory_id"`
	AccountType      string   `json:"account_type"`      // atlassian, customer, app
	Status           string   `json:"status"`            // active, suspended, not_invited, deactivated, for_deletion
	AccountStatus    string   `json:"account_status"`    // active, inactive, closed
	MembershipStatus string   `json:"membership_status"` // active, suspended, no_membership
	Name             string   `json:"name"`
	Nickname         string   `json:"nickname"`
	Email            string   `json:"email"`
	EmailVerified    bool     `json:"email_verified"`
	ClaimStatus      string   `json:"claim_status"` // managed, unmanaged
	AddedToOrg       string   `json:"added_to_org"`
	PlatformRoles    []string `json:"platform_roles"`
	Picture          string   `json:"picture"`
	// MFAEnabled is what the users search reports as mfaEnabled; the GET
	// forms of the user object do not carry it.
	MFAEnabled bool `json:"mfa_enabled"`
	// ManagementSource is how a managed account came into its directory:
	// "invited" by an admin or "synced" from an identity provider; empty
	// when that cannot be told (the search answers null).
	ManagementSource string `json:"management_source,omitempty"`
	// ProductActivity is the account's last activity per product instance:
	// workspace id to an RFC 3339 time. A workspace the account can reach
	// but is absent here was never used; activity kept for a workspace the
	// account lost access to is not reported.
	ProductActivity map[string]string `json:"product_activity,omitempty"`
}

// Group is a directory group. MemberAccountIDs is kept sorted: user listings
// filtered by group walk it directly for keyset paging.
type Group struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	DirectoryID string `json:"directory_id"`
	// ExternalSynced groups come from an identity provider: membership writes
	// and deletion are refused.
	ExternalSynced bool `json:"external_synced"`
	// Default groups are product access groups created by Atlassian; they can
	// gain and lose members but cannot be deleted.
	Default          bool     `json:"default"`
	Deletable        bool     `json:"deletable"`
	ManagedBy        string   `json:"managed_by"`
	MemberAccountIDs []string `json:"member_account_ids"`
}

// UnmarshalJSON defaults Deletable to true so hand-written state files need
// not spell it out for ordinary groups.
func (g *Group) UnmarshalJSON(data []byte) error {
	type plain Group
	decoded := plain{Deletable: true}
	if err := json.Unmarshal(data, &decoded); err != nil {
		return err
	}
	*g = Group(decoded)
	return nil
}

// Workspace is a product instance (a "resource" in role assignments).
type Workspace struct {
	ID        string `json:"id"`       // ARI, e.g. ari:cloud:jira::site/<uuid>
	Type      string `json:"type"`     // product family: jira, confluence; also the resourceOwner of its roles
	Name      string `json:"name"`     // display name
	TypeKey   string `json:"type_key"` // jira-software, confluence, jira-servicedesk
	Status    string `json:"status"`   // online, offline, deprecated
	HostURL   string `json:"host_url"`
	Sandbox   bool   `json:"sandbox"`
	CreatedAt string `json:"created_at"`
}

// UserRoleAssignment grants a role on a resource directly to a user.
type UserRoleAssignment struct {
	AccountID     string `json:"account_id"`
	ResourceID    string `json:"resource_id"`
	ResourceOwner string `json:"resource_owner"`
	Role          string `json:"role"`
}

// GroupRoleAssignment grants a role on a resource to every member of a group.
type GroupRoleAssignment struct {
	GroupID       string `json:"group_id"`
	ResourceID    string `json:"resource_id"`
	ResourceOwner string `json:"resource_owner"`
	Role          string `json:"role"`
}

// Settings switch behaviours on which the real service varies between
// organizations or where the reference is unconfirmed, so clients can be
// tested against each variant.
type Settings struct {
	// LicenceLimit caps the distinct users with access to any one workspace;
	// 0 means unlimited.
	LicenceLimit int `json:"licence_limit"`
	// WorkspaceRolesEnabled: Atlassian support must enable the workspace role
	// endpoints per organization; when false they answer 403.
	WorkspaceRolesEnabled bool `json:"workspace_roles_enabled"`
	// CreateGroupReturnsBody: when true, create group answers 201 with the
	// new group as its body, a plausible answer of the real service. False,
	// the default, is the documented answer: 201 with no body.
	CreateGroupReturnsBody bool `json:"create_group_returns_body"`
	// CreateGroupLocation: when true, create group's 201 names the new group
	// in a Location header, which the document does not declare.
	CreateGroupLocation bool `json:"create_group_location"`
	// SuspendRestoreReturnBody: when true, suspend and restore answer 200
	// with a {message} body, as the sandbox once did; false, the default, is
	// the documented 204 with no body.
	SuspendRestoreReturnBody bool `json:"suspend_restore_return_body"`
	// GroupRoleAssignReturns204: when true, a group role assignment answers
	// 204; false, the default, is the documented 200 (with no body).
	GroupRoleAssignReturns204 bool `json:"group_role_assign_returns_204"`
	// NumericErrorStatus: when true, errors[].status is a number, as the
	// real service is known to send on some endpoints; false, the default,
	// is the documented string.
	NumericErrorStatus bool `json:"numeric_error_status"`
	// GatewayRateLimitBody: when true, every 429 is the gateway's
	// {code, message}; false, the default, answers each route's 429 in the
	// envelope its document gives (errors[] on the v2 routes).
	GatewayRateLimitBody bool `json:"gateway_rate_limit_body"`
	// WriteErrorsWithoutBody: when true, the v2 writes whose document
	// declares their failures without a body (group create and delete,
	// memberships, group role assign and revoke, suspend, restore, user
	// removal) answer a failure with its status alone, no code to tell, say,
	// a repeated add from a licence limit. False, the default, answers them
	// in the errors[] envelope of the other v2 routes.
	WriteErrorsWithoutBody bool `json:"write_errors_without_body"`
	// RepeatedAddReturns204: when true, adding an existing member answers 204
	// instead of 409 ADMIN-UAM-409-2.
	RepeatedAddReturns204 bool `json:"repeated_add_returns_204"`
	// PaidSubscription: invitations are only for organizations with a paid
	// subscription; when false, invite answers 402 ADMIN-UAM-402-1.
	PaidSubscription bool `json:"paid_subscription"`
	// ReadAfterWriteLagMS makes reads lag behind writes, as on the
	// eventually consistent real service: for this many milliseconds after
	// a write to a group (create, delete, membership) or to a principal's
	// role assignments, listings and gets still answer with the object as
	// it was before. 0, the default, means reads see every write at once.
	ReadAfterWriteLagMS int `json:"read_after_write_lag_ms"`
	// OrgRoleConsistencyDelayMs is how long an organization role assign or
	// revoke takes to show in role-assignment reads and platformRoles (the
	// reference: eventually consistent, within MaxOrgRoleConsistencyDelayMs). 0 makes the
	// change visible at once.
	OrgRoleConsistencyDelayMs int `json:"org_role_consistency_delay_ms"`
	// SearchFindsGroupAccess: when true, the users search's resourceIds and
	// roleIds also match the roles an account holds through its groups.
	// The reference does not say which; false, the default, matches the
	// account's own role assignments only, and a test sets it to check that
	// clients are right under either answer.
	SearchFindsGroupAccess bool `json:"search_finds_group_access"`
	// UserRolesLegacyShape: when true, a user's role-assignments listing
	// answers in the older shape the reference first gave: the account's
	// own roles only, in roles, with no roleAssignments. False, the
	// default, is the shape the reference now gives: roleAssignments with
	// each role's methods, the roles held through groups included.
	UserRolesLegacyShape bool `json:"user_roles_legacy_shape"`
	// ListNonAtlassianAccounts: when true, the directory API shows app and
	// customer accounts with their own accountType, which the document does
	// not give (its only value is "atlassian") but the real service may.
	// False, the default, leaves them out of every v2 answer, as documented.
	ListNonAtlassianAccounts bool `json:"list_non_atlassian_accounts"`
}

// UndocumentedAnswersHeader marks every admin API answer given while a
// setting asks for answers Atlassian's document does not give; its value
// names those settings, so a contract check can tell them from the
// sandbox's documented answers.
const UndocumentedAnswersHeader = "X-Sandbox-Undocumented-Answers"

// UndocumentedAnswers names (by their JSON names) the settings turned on
// that make the sandbox answer otherwise than the document says.
func (s Settings) UndocumentedAnswers() []string {
	var names []string
	for _, setting := range []struct {
		on   bool
		name string
	}{
		{s.CreateGroupReturnsBody, "create_group_returns_body"},
		{s.CreateGroupLocation, "create_group_location"},
		{s.SuspendRestoreReturnBody, "suspend_restore_return_body"},
		{s.GroupRoleAssignReturns204, "group_role_assign_returns_204"},
		{s.NumericErrorStatus, "numeric_error_status"},
		{s.GatewayRateLimitBody, "gateway_rate_limit_body"},
		{s.WriteErrorsWithoutBody, "write_errors_without_body"},
		{s.ListNonAtlassianAccounts, "list_non_atlassian_accounts"},
	} {
		if setting.on {
			names = append(names, setting.name)
		}
	}
	return names
}

// DefaultSettings returns the settings of a freshly generated organization.
func DefaultSettings() Settings {
	return Settings{WorkspaceRolesEnabled: true, PaidSubscription: true, OrgRoleConsistencyDelayMs: defaultOrgRoleConsistencyDelayMs}
}

// UnmarshalJSON starts from DefaultSettings, so a partial settings object
// only changes the fields it names.
func (s *Settings) UnmarshalJSON(data []byte) error {
	type plain Settings
	decoded := plain(DefaultSettings())
	if err := json.Unmarshal(data, &decoded); err != nil {
		return err
	}
	*s = Settings(decoded)
	return nil
}

// UnmarshalJSON gives a state document without a "settings" key the default
// settings rather than all-false ones.
func (st *State) UnmarshalJSON(data []byte) error {
	type plain State
	decoded := plain{Settings: DefaultSettings()}
	if err := json.Unmarshal(data, &decoded); err != nil {
		return err
	}
	*st = State(decoded)
	return nil
}

// clone returns a deep copy: no slice of the copy aliases the original.
func (st State) clone() State {
	out := st
	out.Directories = slices.Clone(st.Directories)
	out.Users = slices.Clone(st.Users)
	for i := range out.Users {
		out.Users[i].PlatformRoles = slices.Clone(out.Users[i].PlatformRoles)
		out.Users[i].ProductActivity = maps.Clone(out.Users[i].ProductActivity)
	}
	out.Groups = slices.Clone(st.Groups)
	for i := range out.Groups {
		out.Groups[i].MemberAccountIDs = slices.Clone(out.Groups[i].MemberAccountIDs)
	}
	out.Workspaces = slices.Clone(st.Workspaces)
	out.UserRoleAssignments = slices.Clone(st.UserRoleAssignments)
	out.GroupRoleAssignments = slices.Clone(st.GroupRoleAssignments)
	return out
}

// Ordering of the role assignment slices. Keeping them sorted by principal
// first makes one principal's assignments a contiguous run found by binary
// search, already ordered by resource for keyset paging.
func compareUserRoleAssignments(a, b UserRoleAssignment) int {
	return cmp.Or(
		strings.Compare(a.AccountID, b.AccountID),
		strings.Compare(a.ResourceID, b.ResourceID),
		strings.Compare(a.Role, b.Role),
	)
}

func compareGroupRoleAssignments(a, b GroupRoleAssignment) int {
	return cmp.Or(
		strings.Compare(a.GroupID, b.GroupID),
		strings.Compare(a.ResourceID, b.ResourceID),
		strings.Compare(a.Role, b.Role),
	)
}

// checkAndCanonicalize checks a state's referential integrity and brings it
// into the canonical form the server relies on: users and groups sorted by id, member
// lists sorted and unique, assignments sorted and unique, platform roles
// derived. It is applied to every state the server adopts.
func checkAndCanonicalize(st *State) error {
	if st.Organization.ID == "" {
		return fmt.Errorf("organization.id is empty")
	}
	if len(st.Directories) == 0 {
		// Hand-written states may omit directories; give them the one
		// directory every organization has.
		st.Directories = []Directory{{ID: uuidFromString("directory:" + st.Organization.ID), Name: st.Organization.Name + " directory"}}
	}
	directoryIDs := make(map[string]bool, len(st.Directories))
	for _, d := range st.Directories {
		if d.ID == "" || d.ID == allDirectories {
			return fmt.Errorf("invalid directory id %q", d.ID)
		}
		if directoryIDs[d.ID] {
			return fmt.Errorf("duplicate directory id %q", d.ID)
		}
		directoryIDs[d.ID] = true
	}
	firstDirectory := st.Directories[0].ID

	slices.SortFunc(st.Users, func(a, b User) int { return strings.Compare(a.AccountID, b.AccountID) })
	for i := range st.Users {
		u := &st.Users[i]
		if u.AccountID == "" {
			return fmt.Errorf("user %d has an empty account_id", i)
		}
		if i > 0 && st.Users[i-1].AccountID == u.AccountID {
			return fmt.Errorf("duplicate user account_id %q", u.AccountID)
		}
		if u.DirectoryID == "" {
			u.DirectoryID = firstDirectory
		} else if !directoryIDs[u.DirectoryID] {
			return fmt.Errorf("user %q: unknown directory_id %q", u.AccountID, u.DirectoryID)
		}
		u.PlatformRoles = nil
	}
	userExists := func(id string) bool {
		_, found := slices.BinarySearchFunc(st.Users, id, func(u User, id string) int { return strings.Compare(u.AccountID, id) })
		return found
	}

	slices.SortFunc(st.Groups, func(a, b Group) int { return strings.Compare(a.ID, b.ID) })
	groupNames := make(map[string]bool, len(st.Groups))
	for i := range st.Groups {
		g := &st.Groups[i]
		if g.ID == "" {
			return fmt.Errorf("group %d has an empty id", i)
		}
		if i > 0 && st.Groups[i-1].ID == g.ID {
			return fmt.Errorf("duplicate group id %q", g.ID)
		}
		if strings.TrimSpace(g.Name) == "" {
			return fmt.Errorf("group %q has an empty name", g.ID)
		}
		if g.DirectoryID == "" {
			g.DirectoryID = firstDirectory
		} else if !directoryIDs[g.DirectoryID] {
			return fmt.Errorf("group %q: unknown directory_id %q", g.ID, g.DirectoryID)
		}
		// Names are unique within a directory, as create group enforces.
		if key := g.DirectoryID + "\x00" + strings.ToLower(g.Name); groupNames[key] {
			return fmt.Errorf("duplicate group name %q in directory %q", g.Name, g.DirectoryID)
		} else {
			groupNames[key] = true
		}
		slices.Sort(g.MemberAccountIDs)
		g.MemberAccountIDs = slices.Compact(g.MemberAccountIDs)
		if g.MemberAccountIDs == nil {
			g.MemberAccountIDs = []string{}
		}
		for _, id := range g.MemberAccountIDs {
			if !userExists(id) {
				return fmt.Errorf("group %q: unknown member %q", g.ID, id)
			}
		}
	}
	groupExists := func(id string) bool {
		_, found := slices.BinarySearchFunc(st.Groups, id, func(g Group, id string) int { return strings.Compare(g.ID, id) })
		return found
	}

	workspaceIDs := make(map[string]bool, len(st.Workspaces))
	for _, w := range st.Workspaces {
		if w.ID == "" || workspaceIDs[w.ID] {
			return fmt.Errorf("empty or duplicate workspace id %q", w.ID)
		}
		workspaceIDs[w.ID] = true
	}

	slices.SortFunc(st.UserRoleAssignments, compareUserRoleAssignments)
	st.UserRoleAssignments = slices.CompactFunc(st.UserRoleAssignments, func(a, b UserRoleAssignment) bool { return a == b })
	for _, a := range st.UserRoleAssignments {
		if !userExists(a.AccountID) {
			return fmt.Errorf("user role assignment for unknown user %q", a.AccountID)
		}
		if a.ResourceID == "" || a.Role == "" {
			return fmt.Errorf("user role assignment for %q lacks a resource or role", a.AccountID)
		}
	}
	slices.SortFunc(st.GroupRoleAssignments, compareGroupRoleAssignments)
	st.GroupRoleAssignments = slices.CompactFunc(st.GroupRoleAssignments, func(a, b GroupRoleAssignment) bool { return a == b })
	for _, a := range st.GroupRoleAssignments {
		if !groupExists(a.GroupID) {
			return fmt.Errorf("group role assignment for unknown group %q", a.GroupID)
		}
		if a.ResourceID == "" || a.Role == "" {
			return fmt.Errorf("group role assignment for %q lacks a resource or role", a.GroupID)
		}
	}

	// Platform roles on the user object mirror the org-level assignments, so
	// the two views can never disagree.
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner != resourceOwnerPlatform {
			continue
		}
		i, _ := slices.BinarySearchFunc(st.Users, a.AccountID, func(u User, id string) int { return strings.Compare(u.AccountID, id) })
		if !slices.Contains(st.Users[i].PlatformRoles, a.Role) {
			st.Users[i].PlatformRoles = append(st.Users[i].PlatformRoles, a.Role)
		}
	}
	for i := range st.Users {
		if st.Users[i].PlatformRoles == nil {
			st.Users[i].PlatformRoles = []string{}
		}
		slices.Sort(st.Users[i].PlatformRoles)
	}

	// Nil slices would marshal as null; the state format always uses arrays.
	if st.UserRoleAssignments == nil {
		st.UserRoleAssignments = []UserRoleAssignment{}
	}
	if st.GroupRoleAssignments == nil {
		st.GroupRoleAssignments = []GroupRoleAssignment{}
	}
	if st.Users == nil {
		st.Users = []User{}
	}
	if st.Groups == nil {
		st.Groups = []Group{}
	}
	if st.Workspaces == nil {
		st.Workspaces = []Workspace{}
	}
	return nil
}
