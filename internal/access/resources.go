package access

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// Account is a user account as the connector syncs it.
type Account struct {
	ID          string
	Name        string
	Email       string
	Status      string // active, suspended, deactivated, ...
	AccountType string // atlassian, customer, app
	ClaimStatus string // managed, unmanaged
	// PlatformRoles are the organization-level roles (atlassian/org-admin,
	// ...); MFAEnabled is nil when Atlassian did not say.
	PlatformRoles []string
	MFAEnabled    *bool
	// ManagementSource is invited or synced; empty when Atlassian cannot
	// tell (unmanaged accounts).
	ManagementSource string
	// AddedToOrg is nil when Atlassian did not say.
	AddedToOrg *time.Time
	// LastActive is the latest activity in any product; nil when never.
	LastActive *time.Time
	// ProductAccess is the product instances the account can reach, with
	// its last activity on each; nil when the read did not say.
	ProductAccess []ProductAccess
}

// ProductAccess is one product instance an account can reach.
type ProductAccess struct {
	WorkspaceID string
	Product     string     // the product key
	LastActive  *time.Time // nil when never used
}

// InactiveSince reports whether the account used no product since cutoff:
// its latest activity is older, or it never used one.
func (a Account) InactiveSince(cutoff time.Time) bool {
	return a.LastActive == nil || a.LastActive.Before(cutoff)
}

// CanReach reports whether the account can reach a workspace, as its
// product access says.
func (a Account) CanReach(workspaceID string) bool {
	for _, p := range a.ProductAccess {
		if p.WorkspaceID == workspaceID {
			return true
		}
	}
	return false
}

// Group is a group as the connector syncs it.
type Group struct {
	ID             string
	Name           string
	Description    string
	DirectoryID    string
	ExternalSynced bool
	// Undeletable is a group Atlassian refuses to delete (its
	// managementAccess.deletable is false): a default product access group,
	// one that grants admin access, or one synced from an identity
	// provider. A group whose listing does not say is deletable.
	Undeletable bool
}

// Workspace is a product instance (a Jira or Confluence site).
type Workspace struct {
	ID      string // an ARI
	Name    string
	Type    string // the type key, e.g. jira-software
	Product string // e.g. jira
	Status  string
	HostURL string
}

// listResources walks every page of a resource type.
func (d *View) listResources(ctx context.Context, resourceType string) ([]*v2.Resource, error) {
	var out []*v2.Resource
	token := ""
	progress := newProgress(ctx, "listing "+resourceType+" resources")
	for {
		resp, err := d.conn.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{
			ResourceTypeId: resourceType, PageToken: token,
		}.Build())
		if err != nil {
			return nil, describe(err)
		}
		out = append(out, resp.GetList()...)
		progress.page(len(resp.GetList()))
		next := resp.GetNextPageToken()
		if next == "" {
			progress.done()
			return out, nil
		}
		if next == token {
			return nil, fmt.Errorf("listing %s resources: the connector returned the same page token twice", resourceType)
		}
		token = next
	}
}

// getResource reads one resource; found is false when it does not exist.
func (d *View) getResource(ctx context.Context, resourceType, id string) (*v2.Resource, bool, error) {
	resp, err := d.conn.GetResource(ctx, v2.ResourceGetterServiceGetResourceRequest_builder{
		ResourceId: v2.ResourceId_builder{ResourceType: resourceType, Resource: id}.Build(),
	}.Build())
	if err != nil {
		if isNotFound(err) {
			return nil, false, nil
		}
		return nil, false, describe(err)
	}
	if resp.GetResource() == nil {
		return nil, false, nil
	}
	return resp.GetResource(), true, nil
}

// cachedList lists a resource type once per View and converts it.
func cachedList[T any](ctx context.Context, d *View, resourceType string, slot *[]T, convert func(*v2.Resource) T) ([]T, error) {
	d.mu.Lock()
	if *slot != nil {
		out := *slot
		d.mu.Unlock()
		return out, nil
	}
	d.mu.Unlock()
	return shareFetch(ctx, d, "list/"+resourceType, func(ctx context.Context) ([]T, error) {
		resources, err := d.listResources(ctx, resourceType)
		if err != nil {
			return nil, err
		}
		items := make([]T, 0, len(resources))
		for _, r := range resources {
			items = append(items, convert(r))
		}
		d.mu.Lock()
		*slot = items
		d.mu.Unlock()
		return items, nil
	})
}

// Accounts lists every account of the organization, once per process.
func (d *View) Accounts(ctx context.Context) ([]Account, error) {
	return cachedList(ctx, d, TypeUser, &d.accounts, accountFromResource)
}

// Groups lists every group, once per process (writes keep it current). A
// listing fetched after this View deleted a group may still show it on
// the real service, which is eventually consistent: the groups this process
// deleted are left out, and the groups it created are in.
func (d *View) Groups(ctx context.Context) ([]Group, error) {
	all, err := cachedList(ctx, d, TypeGroup, &d.groups, groupFromResource)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.deletedGroups) == 0 && len(d.createdGroups) == 0 {
		return all, nil
	}
	kept := make([]Group, 0, len(all)+len(d.createdGroups))
	listed := make(map[string]bool, len(all))
	for _, g := range all {
		listed[g.ID] = true
		if !d.deletedGroups[g.ID] {
			kept = append(kept, g)
		}
	}
	var missing []Group
	for id, g := range d.createdGroups {
		if !listed[id] {
			missing = append(missing, g)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].ID < missing[j].ID })
	return append(kept, missing...), nil
}

// Workspaces lists every workspace, once per process.
func (d *View) Workspaces(ctx context.Context) ([]Workspace, error) {
	return cachedList(ctx, d, TypeWorkspace, &d.workspaces, workspaceFromResource)
}

// IndividualLookups is how many single-resource reads of one type a process
// makes before it lists the whole type instead: a plan that checks a handful
// of references reads them one by one, a plan that checks thousands pays for
// one listing rather than thousands of reads.
//
// Measured against the alternative for accounts, batching concurrent
// lookups through the accountIds filter: Terraform's calls arrive spread
// out, so batches held a few ids each, and `make bench` scenario 5 sent
// more account requests and took longer (BENCHMARKS.md, findings on 5a,
// has the figures).
const IndividualLookups = 25

// Account reads one account by id; found is false when there is none.
// Every account found is remembered for the life of the process.
func (d *View) Account(ctx context.Context, id string) (Account, bool, error) {
	if a, found, known := d.knownAccount(id); known {
		return a, found, nil
	}
	return lookup(ctx, d, TypeUser, id, &d.accounts, d.found, d.Accounts, accountFromResource, func(a Account) string { return a.ID })
}

// knownAccount answers from what the process already holds: accounts found
// before, or the full listing, which is authoritative when present.
func (d *View) knownAccount(id string) (a Account, found, known bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a, ok := d.found[id]; ok {
		return a, true, true
	}
	if d.accounts == nil {
		return Account{}, false, false
	}
	if !d.accountsIndexed {
		// Indexed on first use only: listing a large organization for a data
		// source must not also cost a map of them.
		for _, a := range d.accounts {
			d.found[a.ID] = a
		}
		d.accountsIndexed = true
		a, ok := d.found[id]
		return a, ok, true
	}
	return Account{}, false, true
}

// HeldAccount answers from what the process already holds, never with a
// request: the accounts found or listed before, and those the connector's
// member listings read. Messages name an account by its email beside its
// id with it, where a lookup per message would cost a request each.
func (d *View) HeldAccount(id string) (Account, bool) {
	if a, found, known := d.knownAccount(id); known {
		return a, found
	}
	held := map[string]Account{}
	d.takeListed([]string{id}, held)
	a, found := held[id]
	return a, found
}

// HeldGroup answers, like HeldAccount, from the groups the process already
// holds: found, listed or created by it.
func (d *View) HeldGroup(id string) (Group, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if g, found := d.foundGroups[id]; found {
		return g, true
	}
	if g, found := d.createdGroups[id]; found {
		return g, true
	}
	for _, g := range d.groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// HeldWorkspace answers, like HeldAccount, from the workspace listing when
// the process has read it.
func (d *View) HeldWorkspace(id string) (Workspace, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, w := range d.workspaces {
		if w.ID == id {
			return w, true
		}
	}
	return Workspace{}, false
}

// FindAccounts reads the accounts among ids, keyed by id; ids that name no
// account are absent. It answers from what the process holds, and looks up
// the rest in batches of connector.AccountIDsPerLookup ids.
func (d *View) FindAccounts(ctx context.Context, ids []string) (map[string]Account, error) {
	out := make(map[string]Account, len(ids))
	var unknown []string
	for _, id := range ids {
		a, found, known := d.knownAccount(id)
		switch {
		case !known:
			unknown = append(unknown, id)
		case found:
			out[id] = a
		}
	}
	unknown = d.takeListed(unknown, out)
	if len(unknown) == 0 {
		return out, nil
	}
	found, err := d.findAccounts(ctx, unknown)
	if err != nil {
		return nil, err
	}
	for id, a := range found {
		out[id] = a
	}
	return out, nil
}

// FindMemberAccounts reads the accounts of groups' members (members: each
// group's member ids, as its listing gave them), keyed by id, as
// FindAccounts does, but the cheaper way for the accounts not held yet:
// by id, a batch of connector.AccountIDsPerLookup ids to a request, or by
// the groups holding them, connector.GroupIDsPerLookup groups to a search
// and a page of members to a request. A member the search no longer finds
// (it left its group since) is absent.
func (d *View) FindMemberAccounts(ctx context.Context, members map[string][]string) (map[string]Account, error) {
	var ids []string
	for _, m := range members {
		ids = append(ids, m...)
	}
	out := make(map[string]Account, len(ids))
	var notHeld []string
	for _, id := range ids {
		a, found, known := d.knownAccount(id)
		switch {
		case !known:
			notHeld = append(notHeld, id)
		case found:
			out[id] = a
		}
	}
	unknown := map[string]bool{} // an account in several groups is looked up once
	for _, id := range d.takeListed(notHeld, out) {
		unknown[id] = true
	}
	if len(unknown) == 0 {
		return out, nil
	}
	var groups []string
	for g, m := range members {
		if slices.ContainsFunc(m, func(id string) bool { return unknown[id] }) {
			groups = append(groups, g)
		}
	}
	slices.Sort(groups)
	byGroups := 0
	for chunk := range slices.Chunk(groups, connector.GroupIDsPerLookup) {
		union := map[string]bool{}
		for _, g := range chunk {
			for _, id := range members[g] {
				union[id] = true
			}
		}
		byGroups += max(1, (len(union)+connector.LookupPageSize-1)/connector.LookupPageSize)
	}
	byIDs := (len(unknown) + connector.AccountIDsPerLookup - 1) / connector.AccountIDsPerLookup
	if byIDs <= byGroups {
		found, err := d.findAccounts(ctx, slices.Collect(maps.Keys(unknown)))
		if err != nil {
			return nil, err
		}
		maps.Copy(out, found)
		return out, nil
	}
	resources, err := d.conn.FindGroupMembers(ctx, groups)
	if err != nil {
		return nil, describe(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range resources {
		a := accountFromResource(r)
		d.found[a.ID] = a
		if unknown[a.ID] {
			out[a.ID] = a
		}
	}
	return out, nil
}

// takeListed answers, from the accounts the connector's member listings
// read, those among ids it can, into out, remembering them, and returns
// the ids still to look up.
func (d *View) takeListed(ids []string, out map[string]Account) []string {
	if len(ids) == 0 {
		return ids
	}
	listed := d.conn.ListedUsers(ids)
	if len(listed) == 0 {
		return ids
	}
	d.mu.Lock()
	for _, r := range listed {
		a := accountFromResource(r)
		d.found[a.ID] = a
		out[a.ID] = a
	}
	d.mu.Unlock()
	rest := ids[:0:0]
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			rest = append(rest, id)
		}
	}
	return rest
}

// findAccounts asks the connector and remembers what it found.
func (d *View) findAccounts(ctx context.Context, ids []string) (map[string]Account, error) {
	resources, err := d.conn.FindUsers(ctx, ids)
	if err != nil {
		return nil, describe(err)
	}
	out := make(map[string]Account, len(resources))
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range resources {
		a := accountFromResource(r)
		d.found[a.ID] = a
		out[a.ID] = a
	}
	return out, nil
}

// Group reads one group by id; found is false when there is none.
func (d *View) Group(ctx context.Context, id string) (Group, bool, error) {
	return lookup(ctx, d, TypeGroup, id, &d.groups, d.foundGroups, d.Groups, groupFromResource, func(g Group) string { return g.ID })
}

// Workspace reads one workspace by id from the workspace listing: an
// organization has few workspaces, and one listing answers every reference.
func (d *View) Workspace(ctx context.Context, id string) (Workspace, bool, error) {
	all, err := d.Workspaces(ctx)
	if err != nil {
		return Workspace{}, false, err
	}
	for _, w := range all {
		if w.ID == id {
			return w, true, nil
		}
	}
	return Workspace{}, false, nil
}

// lookup reads one resource by id: from the type's listing when the process
// has it (or has looked up more than IndividualLookups of the type), else
// from the ones found before, else with one read that concurrent callers
// share. found (guarded by d.mu) remembers every resource read.
func lookup[T any](ctx context.Context, d *View, resourceType, id string, slot *[]T, found map[string]T,
	listAll func(context.Context) ([]T, error), convert func(*v2.Resource) T, idOf func(T) string,
) (T, bool, error) {
	var zero T
	d.mu.Lock()
	item, known := found[id]
	listed := *slot != nil
	many := d.lookups[resourceType] >= IndividualLookups
	d.mu.Unlock()
	if known {
		return item, true, nil
	}
	if listed || many {
		all, err := listAll(ctx)
		if err != nil {
			return zero, false, err
		}
		for _, item := range all {
			if idOf(item) == id {
				return item, true, nil
			}
		}
		return zero, false, nil
	}
	type result struct {
		item  T
		found bool
	}
	r, err := shareFetch(ctx, d, "get/"+resourceType+"/"+id, func(ctx context.Context) (result, error) {
		d.mu.Lock()
		d.lookups[resourceType]++
		d.mu.Unlock()
		r, ok, err := d.getResource(ctx, resourceType, id)
		if err != nil || !ok {
			return result{}, err
		}
		item := convert(r)
		d.mu.Lock()
		found[id] = item
		d.mu.Unlock()
		return result{item: item, found: true}, nil
	})
	if err != nil {
		return zero, false, err
	}
	return r.item, r.found, nil
}

// createGroupOnce sends one create through the connector's resource
// manager (CreateGroup decides whether and when to send another).
func (d *View) createGroupOnce(ctx context.Context, name, description string) (Group, error) {
	resp, err := d.conn.CreateResource(ctx, v2.CreateResourceRequest_builder{
		Resource: newGroupResource(name, description),
	}.Build())
	if err != nil {
		return Group{}, describe(err)
	}
	g := groupFromResource(resp.GetCreated())
	if g.ID == "" {
		return Group{}, fmt.Errorf("the connector created group %q but did not return its id", name)
	}
	if g.Name == "" {
		g.Name = name
	}
	if g.Description == "" {
		g.Description = description
	}
	return g, nil
}

// rememberCreated files a group this View created (or adopted after a
// lost answer) in the listings, with no members and no roles yet: what
// is read next in this process comes from here, not from a re-read that
// the real service may answer with the state before the create.
func (d *View) rememberCreated(g Group) {
	if g.DirectoryID != "" {
		d.conn.RememberGroupDirectory(g.ID, g.DirectoryID)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.deletedGroups, g.ID)
	d.createdGroups[g.ID] = g
	if d.groups != nil && !slices.ContainsFunc(d.groups, func(x Group) bool { return x.ID == g.ID }) {
		d.groups = append(d.groups, g)
	}
	d.foundGroups[g.ID] = g
	d.grants[listingKey(TypeGroup, g.ID)] = &grantListing{found: true, members: map[string]bool{}, roles: map[Role]bool{}}
}

// DeleteGroup deletes a group; deleting one that is already gone succeeds.
func (d *View) DeleteGroup(ctx context.Context, id string) error {
	d.writing.Store(true)
	_, err := d.conn.DeleteResourceV2(ctx, v2.DeleteResourceV2Request_builder{
		ResourceId: v2.ResourceId_builder{ResourceType: TypeGroup, Resource: id}.Build(),
	}.Build())
	if err != nil && !isNotFound(err) {
		return describe(err)
	}
	d.mu.Lock()
	if d.groups != nil {
		kept := d.groups[:0:0]
		for _, g := range d.groups {
			if g.ID != id {
				kept = append(kept, g)
			}
		}
		d.groups = kept
	}
	delete(d.foundGroups, id)
	delete(d.createdGroups, id)
	d.deletedGroups[id] = true
	d.grants[listingKey(TypeGroup, id)] = &grantListing{found: false}
	d.mu.Unlock()
	return nil
}

// SortAccounts orders accounts by email, then id, for stable output.
func SortAccounts(accounts []Account) {
	sort.Slice(accounts, func(i, j int) bool {
		a, b := strings.ToLower(accounts[i].Email), strings.ToLower(accounts[j].Email)
		if a != b {
			return a < b
		}
		return accounts[i].ID < accounts[j].ID
	})
}
