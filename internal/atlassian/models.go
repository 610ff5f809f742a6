package atlassian

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// The JSON field names below are the Atlassian admin API's own (camelCase).
// Unknown fields are ignored so that additions on Atlassian's side never
// break decoding.

// Organization is the answer of GET /v1/orgs/{orgId}.
type Organization struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"-"`
}

// User is a managed account as the v2 directory endpoints describe it.
type User struct {
	AccountID        string     `json:"accountId"`
	AccountType      string     `json:"accountType"`
	Status           string     `json:"status"`
	AccountStatus    string     `json:"accountStatus,omitempty"`
	MembershipStatus string     `json:"membershipStatus,omitempty"`
	Name             string     `json:"name"`
	Nickname         string     `json:"nickname,omitempty"`
	Email            string     `json:"email,omitempty"`
	EmailVerified    bool       `json:"emailVerified,omitempty"`
	ClaimStatus      string     `json:"claimStatus,omitempty"`
	AddedToOrg       *time.Time `json:"addedToOrg,omitempty"`
	PlatformRoles    []string   `json:"platformRoles,omitempty"`
	Picture          string     `json:"picture,omitempty"`
	// MFAEnabled is reported by the users search only; nil when the answer
	// did not say (the GET forms).
	MFAEnabled *bool `json:"mfaEnabled,omitempty"`
	// ManagementSource is how a managed account came in (ManagementInvited,
	// ManagementSynced); empty when Atlassian cannot tell or did not say.
	ManagementSource string `json:"managementSource,omitempty"`
	// ProductAccess is the account's product instances with its last
	// activity on each; reported by the users search when asked for
	// (UserSearch.ProductAccess), nil otherwise.
	ProductAccess []ProductAccess `json:"productAccess,omitempty"`
	// Counts is reported by the users search with ProductAccess.
	Counts *UserCounts `json:"counts,omitempty"`
}

// Management sources of a managed account.
const (
	ManagementInvited = "invited" // invited by an admin
	ManagementSynced  = "synced"  // provisioned from an identity provider
)

// ProductAccess is one product instance an account can reach.
type ProductAccess struct {
	ID  string `json:"id"`  // the workspace ARI
	Key string `json:"key"` // the product key
	// LastActive is nil when the account never used the product.
	LastActive *time.Time `json:"lastActiveTimestamp,omitempty"`
}

// UserCounts are the sizes the users search reports alongside an account.
type UserCounts struct {
	Resources int `json:"resources"` // product instances the account can reach
}

// LastActive is the account's latest activity in any product; nil when it
// never used one (or the answer did not say).
func (u *User) LastActive() *time.Time {
	var latest *time.Time
	for _, p := range u.ProductAccess {
		if p.LastActive != nil && (latest == nil || p.LastActive.After(*latest)) {
			latest = p.LastActive
		}
	}
	return latest
}

// User statuses the API reports. Only UserStatusActive counts as an enabled
// account; every other value is some flavour of "cannot sign in".
const (
	UserStatusActive      = "active"
	UserStatusSuspended   = "suspended"
	UserStatusNotInvited  = "not_invited"
	UserStatusDeactivated = "deactivated"
	UserStatusForDeletion = "for_deletion"
)

// ManagementAccess says what the caller may do with a group.
type ManagementAccess struct {
	Readable   bool `json:"readable"`
	Modifiable bool `json:"modifiable"`
	Deletable  bool `json:"deletable"`
}

// GroupCounts are the sizes Atlassian reports alongside a group.
type GroupCounts struct {
	Users     int `json:"users"`
	Resources int `json:"resources"`
}

// Group is a group in one directory of the organization.
type Group struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Description      string            `json:"description,omitempty"`
	DirectoryID      string            `json:"directoryId"`
	ManagementAccess *ManagementAccess `json:"managementAccess,omitempty"`
	ExternalSynced   bool              `json:"externalSynced,omitempty"`
	ManagedBy        string            `json:"managedBy,omitempty"`
	Counts           *GroupCounts      `json:"counts,omitempty"`
}

// RoleAssignment is one entry of a user's or a group's role assignments:
// the roles held on one resource. In a user's, Roles are the user's own
// grants only, never those it holds through a group or that are inferred.
type RoleAssignment struct {
	ResourceID    string   `json:"resourceId"`
	ResourceOwner string   `json:"resourceOwner"`
	Roles         []string `json:"roles"`
	DirectoryID   string   `json:"directoryId,omitempty"`
}

// Workspace is a product instance (a Jira or Confluence site, ...). Its ID is
// an ARI such as "ari:cloud:jira::site/<uuid>".
type Workspace struct {
	ID         string              `json:"id"`
	Type       string              `json:"type"`
	Attributes WorkspaceAttributes `json:"attributes"`
}

// WorkspaceAttributes are the descriptive fields of a workspace.
type WorkspaceAttributes struct {
	Name    string `json:"name"`
	TypeKey string `json:"typeKey"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	HostURL string `json:"hostUrl,omitempty"`
	// Sandbox is an object on the real API ({"type":"CHILD"} for a sandbox
	// of another workspace); older answers carried a boolean. Kept raw so
	// that either decodes; IsSandbox interprets it.
	Sandbox   json.RawMessage `json:"sandbox,omitempty"`
	CreatedAt string          `json:"createdAt,omitempty"`
}

// IsSandbox reports whether the workspace is a sandbox copy of another.
func (a WorkspaceAttributes) IsSandbox() bool {
	raw := bytes.TrimSpace(a.Sandbox)
	switch {
	case len(raw) == 0, bytes.Equal(raw, []byte("null")), bytes.Equal(raw, []byte("false")), bytes.Equal(raw, []byte("{}")):
		return false
	case bytes.Equal(raw, []byte("true")):
		return true
	}
	var obj struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.Type != "" && !strings.EqualFold(obj.Type, "NONE")
	}
	return false
}

// Page is one page of a listing. Next is the opaque cursor of the following
// page, empty on the last one.
type Page[T any] struct {
	Items []T
	Next  string
}

// GroupFilter narrows a groups search. Empty fields do not filter.
type GroupFilter struct {
	SearchTerm string
	// GroupNames are exact names (at most 100).
	GroupNames []string
	GroupIDs   []string // at most 10
	AccountIDs []string // at most 10
	// ResourceIDs (ARIs, at most 20) keeps the groups holding a role on any
	// of them.
	ResourceIDs []string
}
