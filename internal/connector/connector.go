// Package connector is the ConductorOne baton connector for an Atlassian
// Cloud organization: users, groups, workspaces (product instances) and the
// organization, with group memberships and workspace roles as entitlements.
//
// It is the only way the Terraform provider reads and writes Atlassian: the
// provider's access layer opens a Service (service.go), the connector's
// whole surface to a caller in its process, and calls its gRPC-shaped
// methods in-process; the same connector ships alone as the baton-atlassian
// binary. Its callers see what a caller in another process would see: gRPC
// statuses whose code and reason (errors.go) say what went wrong, and the
// few calls the baton protocol has no method for, declared by Lookups.
// Underneath is the thin
// client of internal/atlassian, which owns paging, retries and error
// decoding; this package owns the baton model and the mapping of client
// errors to statuses.
package connector

import (
	"context"
	"errors"
	"fmt"
	"sync"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/session"
	"github.com/conductorone/baton-sdk/pkg/types"
	"golang.org/x/sync/singleflight"
	"google.golang.org/grpc/codes"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// Connector is the baton ConnectorBuilderV2 for one Atlassian organization.
// It is safe for concurrent use.
type Connector struct {
	client *atlassian.Client
	orgID  string

	// directories caches group id -> directory id. Membership and group
	// role writes need the group's real directory (reads use "-"), and a
	// group never changes directory, so each is looked up at most once.
	// Listing groups fills it for free.
	directories    sync.Map
	directoryReads singleflight.Group

	// org is the organization read by the last successful Validate or
	// organization listing; its name is all the organization resource needs.
	orgMu sync.Mutex
	org   *atlassian.Organization

	// listed holds, with Config.RememberListedUsers, the accounts group
	// member listings read (nil: not kept).
	listed *listedAccounts
}

var (
	_ connectorbuilder.ConnectorBuilderV2 = (*Connector)(nil)
	_ Lookups                             = (*Connector)(nil)
)

// Lookups are the connector's calls that the baton protocol has no method
// for, which a caller that serves many plan-time checks at once needs
// beside the server (types.ConnectorServer) that answers the rest.
type Lookups interface {
	// FindUsers reads many accounts in batched requests of
	// AccountIDsPerLookup ids, as the same user resources a sync emits; ids
	// that name no account are absent. The protocol reads resources one at
	// a time or lists them all.
	FindUsers(ctx context.Context, accountIDs []string) ([]*v2.Resource, error)
	// FindGroupMembers reads the members of groups, each once, as user
	// resources: GroupIDsPerLookup groups to a search, a page of up to
	// LookupPageSize accounts to a request.
	FindGroupMembers(ctx context.Context, groupIDs []string) ([]*v2.Resource, error)
	// ListedUsers answers, without a request, the accounts among
	// accountIDs that group member listings of this process have read, as
	// user resources (none unless Config.RememberListedUsers). A member
	// listing carries whole accounts; the protocol's grants carry ids.
	ListedUsers(accountIDs []string) []*v2.Resource
	// RememberGroupDirectory passes on a group's directory id learned
	// earlier (a resource's private state), which every membership write
	// needs in its path, so that the write need not read the group first.
	RememberGroupDirectory(groupID, directoryID string)
	// FindUsersByEmail reads the accounts of exact emails, as user
	// resources; emails that name no account are absent. The protocol
	// has no lookup by anything but id.
	FindUsersByEmail(ctx context.Context, emails []string) ([]*v2.Resource, error)
	// FindGroupByName reads the group whose name equals name, regardless of
	// case, as the group resource a sync emits; found is false when no
	// group has that name. It is how a caller finds out whether a create
	// whose answer was lost did create the group.
	FindGroupByName(ctx context.Context, name string) (group *v2.Resource, found bool, err error)
	// FindUsersWithRoleOn reads, as user resources, the accounts Atlassian's
	// users search finds holding some role on a resource (a workspace ARI):
	// at least every account that holds one there itself. Whether it also
	// finds those that hold one only through a group is not published, so
	// the answer is a set of candidates: each one's own roles are in its
	// role listing. The protocol lists role holders per principal only.
	FindUsersWithRoleOn(ctx context.Context, resourceID string) ([]*v2.Resource, error)
	// FindUsersWithRole reads, as user resources, the accounts Atlassian's
	// users search finds holding a role (its roleIds filter), on whatever
	// resource: for an organization role such as atlassian/org-admin, its
	// holders, in the pages of that search instead of every account's.
	// Each resource carries the account's platform roles, which say
	// whether it holds an organization role. The protocol finds a role's
	// holders only by listing every account.
	FindUsersWithRole(ctx context.Context, role string) ([]*v2.Resource, error)
	// FindGroupsOf reads the groups an account is a member of, as group
	// resources. The protocol lists a group's members, never an account's
	// groups.
	FindGroupsOf(ctx context.Context, accountID string) ([]*v2.Resource, error)
	// FindGroupsWithRoleOn reads the groups that hold some role on a
	// resource (a workspace ARI), as group resources: each one's roles are
	// in its listing.
	FindGroupsWithRoleOn(ctx context.Context, resourceID string) ([]*v2.Resource, error)
}

// What one request of the batched lookups carries (Atlassian's limits), so
// that a caller can tell which lookup costs fewer requests.
const (
	AccountIDsPerLookup = atlassian.MaxAccountIDsPerSearch
	GroupIDsPerLookup   = atlassian.MaxGroupIDsPerSearch
	LookupPageSize      = atlassian.MaxPageSize
)

// New builds a connector. It sends nothing: Validate checks the credentials.
func New(_ context.Context, cfg Config) (*Connector, error) {
	client, err := atlassian.New(cfg.clientConfig())
	if err != nil {
		return nil, err
	}
	c := &Connector{client: client, orgID: client.OrganizationID()}
	if cfg.RememberListedUsers {
		c.listed = newListedAccounts()
	}
	return c, nil
}

// Server wraps this connector in the SDK's connector server. The session
// store is a no-op one: the SDK panics on session use when none is
// configured, and this connector keeps no session state.
func (c *Connector) Server(ctx context.Context) (types.ConnectorServer, error) {
	return connectorbuilder.NewConnector(ctx, c, connectorbuilder.WithSessionStore(&session.NoOpSessionStore{}))
}

// Metadata describes the connector.
func (c *Connector) Metadata(_ context.Context) (*v2.ConnectorMetadata, error) {
	return v2.ConnectorMetadata_builder{
		DisplayName: "Atlassian",
		Description: "Users, groups, workspaces and roles of an Atlassian Cloud organization, through the organization admin API.",
	}.Build(), nil
}

// Validate proves both the API key and the organization id with one call
// (GET /v1/orgs/{orgId}) and says which of the two is wrong. Its errors are
// never Unavailable, which the SDK would retry 5 more times.
func (c *Connector) Validate(ctx context.Context) (annotations.Annotations, error) {
	org, err := c.client.GetOrganization(ctx)
	switch {
	case err == nil:
		c.rememberOrganization(org)
		return nil, nil
	case errors.Is(err, atlassian.ErrUnauthenticated):
		return nil, newStatusError(codes.Unauthenticated, err,
			"the access token (organization API key) is rejected by Atlassian: %s", err)
	case errors.Is(err, atlassian.ErrOrganizationNotFound):
		return nil, newStatusError(codes.NotFound, err,
			"organization id %q not found for this access token: %s", c.orgID, err)
	case errors.Is(err, atlassian.ErrForbidden):
		return nil, newStatusError(codes.PermissionDenied, err,
			"the access token may not read organization %q: %s", c.orgID, err)
	case errors.Is(err, atlassian.ErrNotFound):
		return nil, newStatusError(codes.NotFound, err,
			"organization %q not found, or the base URL is not the Atlassian admin API: %s", c.orgID, err)
	}
	return nil, wrapError(err, "validating the access token and organization id")
}

// ResourceSyncers lists one syncer per resource type.
func (c *Connector) ResourceSyncers(_ context.Context) []connectorbuilder.ResourceSyncerV2 {
	return []connectorbuilder.ResourceSyncerV2{
		&userSyncer{c: c},
		&groupSyncer{c: c},
		&workspaceSyncer{c: c},
		&organizationSyncer{c: c},
	}
}

func (c *Connector) rememberOrganization(org *atlassian.Organization) {
	c.orgMu.Lock()
	defer c.orgMu.Unlock()
	c.org = org
}

// organization returns the organization, reading it when no Validate or
// earlier listing did.
func (c *Connector) organization(ctx context.Context) (*atlassian.Organization, error) {
	c.orgMu.Lock()
	org := c.org
	c.orgMu.Unlock()
	if org != nil {
		return org, nil
	}
	org, err := c.client.GetOrganization(ctx)
	if err != nil {
		return nil, wrapError(err, "reading organization %s", c.orgID)
	}
	c.rememberOrganization(org)
	return org, nil
}

// rememberDirectory records a group's directory id.
func (c *Connector) rememberDirectory(groupID, directoryID string) {
	if groupID != "" && directoryID != "" && directoryID != atlassian.AllDirectories {
		c.directories.Store(groupID, directoryID)
	}
}

// groupDirectory returns the real directory id of a group, from the cache
// or, once per group, from GET group.
func (c *Connector) groupDirectory(ctx context.Context, groupID string) (string, error) {
	if v, ok := c.directories.Load(groupID); ok {
		return v.(string), nil
	}
	// Parallel writes to one group share the read.
	v, err, _ := c.directoryReads.Do(groupID, func() (any, error) {
		g, err := c.client.GetGroup(ctx, atlassian.AllDirectories, groupID)
		if err != nil {
			return "", err
		}
		if g.DirectoryID == "" {
			return "", fmt.Errorf("atlassian: group %s has no directoryId", groupID)
		}
		c.rememberDirectory(g.ID, g.DirectoryID)
		c.rememberDirectory(groupID, g.DirectoryID)
		return g.DirectoryID, nil
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// forgetDirectory drops a deleted group from the cache.
func (c *Connector) forgetDirectory(groupID string) { c.directories.Delete(groupID) }

// RememberGroupDirectory records a group's directory id learned elsewhere
// (the provider keeps it in a resource's private state), so that a write to
// the group does not first read the group to find it.
func (c *Connector) RememberGroupDirectory(groupID, directoryID string) {
	c.rememberDirectory(groupID, directoryID)
}
