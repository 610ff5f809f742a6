package connector

// Profile keys of the resources this connector emits. They are what readers
// of a sync (internal/access among them) look up, so they are named here
// once rather than spelled as strings on both sides. Keys that two resource
// types share a spelling of ("name", "status", "type") still get a constant
// per type: they hold different things.

// Keys of the user trait profile: the Atlassian account as the admin API
// describes it.
const (
	ProfileAccountID        = "account_id"
	ProfileAccountType      = "account_type"
	ProfileUserStatus       = "status" // atlassian.UserStatus*
	ProfileAccountStatus    = "account_status"
	ProfileMembershipStatus = "membership_status"
	ProfileClaimStatus      = "claim_status"
	ProfileUserName         = "name"
	ProfileNickname         = "nickname"
	ProfileEmail            = "email"
	ProfileEmailVerified    = "email_verified"
	ProfilePlatformRoles    = "platform_roles" // comma-separated
	ProfileAddedToOrg       = "added_to_org"   // RFC 3339, UTC; absent when unknown
	ProfileMFAEnabled       = "mfa_enabled"    // absent when Atlassian did not say
	// ProfileManagementSource: invited or synced; absent when Atlassian
	// cannot tell (unmanaged accounts).
	ProfileManagementSource = "management_source"
	// ProfileLastActive is the latest activity in any product, RFC 3339,
	// UTC; absent when the account never used one. The user trait's last
	// login carries the same time.
	ProfileLastActive = "last_active"
	// ProfileProductAccess: a list of {ProductAccessWorkspaceID,
	// ProductAccessKey, ProductAccessLastActive} per product instance the
	// account can reach; absent when Atlassian did not say.
	ProfileProductAccess = "product_access"
	// ProfileResourceCount: how many product instances the account can reach.
	ProfileResourceCount = "resource_count"
)

// Keys of each item of ProfileProductAccess; ProductAccessLastActive is
// absent for a product never used.
const (
	ProductAccessWorkspaceID = "workspace_id"
	ProductAccessKey         = "key"
	ProductAccessLastActive  = "last_active"
)

// Keys of the group trait profile. directory_id is what membership writes
// need; description is also the resource description. modifiable and
// deletable are present only when Atlassian says.
const (
	ProfileGroupID        = "group_id"
	ProfileGroupName      = "name"
	ProfileDescription    = "description"
	ProfileDirectoryID    = "directory_id"
	ProfileExternalSynced = "external_synced"
	ProfileManagedBy      = "managed_by"
	ProfileModifiable     = "modifiable"
	ProfileDeletable      = "deletable"
)

// Keys of the workspace app trait profile: the workspace's attributes as
// the admin API lists them, and its ARI.
const (
	ProfileWorkspaceARI     = "ari"
	ProfileWorkspaceType    = "type"
	ProfileWorkspaceTypeKey = "type_key"
	ProfileWorkspaceStatus  = "status"
	ProfileHostURL          = "host_url"
	ProfileSandbox          = "sandbox"
	ProfileCreatedAt        = "created_at"
)
