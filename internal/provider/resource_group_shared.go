package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"golang.org/x/sync/errgroup"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// What the three group resources (atlassian_group, atlassian_group_membership
// and atlassian_group_members) share: the provider's access view, the checks
// that make a wrong reference fail at plan time, and the parallel writer of
// member lists.

// groupMemberIDPattern is the shape of group and account ids as these
// resources accept them: not empty, no white space, and no slash, which
// separates the two parts of a membership id. Atlassian account ids
// ("5b10ac8d82e05b22cc7d4ef5", "712020:<uuid>", "qm:<uuid>:<uuid>") and group
// ids (UUIDs) never contain either.
var groupMemberIDPattern = regexp.MustCompile(`^[^\s/]+$`)

const groupMemberIDMessage = "must not be empty or contain white space or /"

// accessResourceBase is embedded by the resources that read and write access
// (groups, memberships, role assignments, suspensions, invitations): the
// provider's shared access view and the settings their writes need.
type accessResourceBase struct {
	view  *access.View
	orgID string
	// concurrency bounds the member writes one resource sends at once: the
	// provider's max_concurrency, which also bounds the client's requests.
	concurrency int
	// expiry judges the expiries of the membership resources.
	expiry expiryPolicy
}

func (b *accessResourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		b.view = pd.view
		b.orgID = pd.settings.OrganizationID
		b.concurrency = max(1, pd.settings.MaxConcurrency)
		b.expiry = pd.expiry
	}
}

// configured reports an error instead of panicking when the resource is used
// before the provider is configured (Terraform never does this for a CRUD
// call, but a bug must not crash).
func (b *accessResourceBase) configured(diags *diag.Diagnostics) bool {
	return requireConfigured(b.view != nil, "resource was used", diags)
}

// keysNotIn returns the keys of m that other does not have, in no
// particular order: the set difference of two member maps, whatever their
// values (labels from the configuration, or membership from a listing).
func keysNotIn[V, W any](m map[string]V, other map[string]W) []string {
	var out []string
	for k := range m {
		if _, ok := other[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// checkWritableGroup makes a plan fail, on attr, when groupID names no group
// of the organization or a group whose members are managed by an identity
// provider. It returns the group when it exists.
func (b *accessResourceBase) checkWritableGroup(ctx context.Context, attr path.Path, groupID string, diags *diag.Diagnostics) (access.Group, bool) {
	g, found, err := b.view.Group(ctx, groupID)
	switch {
	case err != nil:
		diags.AddAttributeError(attr, "Could not look up the group", fmt.Sprintf("Reading group %s failed: %s", groupID, err))
		return access.Group{}, false
	case !found:
		diags.AddAttributeError(attr, "Unknown group",
			fmt.Sprintf("Organization %s has no group with id %q. The atlassian_group data source finds a group's id by "+
				"its name; the atlassian_groups data source lists them.", b.orgID, groupID))
		return access.Group{}, false
	case g.ExternalSynced:
		diags.AddAttributeError(attr, "Group is managed by an identity provider", externalSyncedDetail(g))
		return g, false
	}
	return g, true
}

// groupImportWording is what differs between the import errors of the
// resources whose import id is a group id.
type groupImportWording struct {
	resourceType   string // named by the malformed-id error
	useInstead     string // what the malformed-id error says to use, e.g. "the group's id"
	missingSummary string // the summary of the error for a group that does not exist
}

// importGroupID checks an import id that names a group: it must have a
// group id's shape (before the provider is needed, so a typo fails even
// unconfigured) and name a group of the organization. It returns the id
// without surrounding white space.
func (b *accessResourceBase) importGroupID(ctx context.Context, rawID string, w groupImportWording, diags *diag.Diagnostics) (string, bool) {
	id := strings.TrimSpace(rawID)
	if !groupMemberIDPattern.MatchString(id) {
		diags.AddError("Malformed import id for "+w.resourceType,
			fmt.Sprintf("The import id %q is not a group id: use %s (a UUID such as "+
				"0f8fad5b-d9cb-469f-a165-70867728950e); the atlassian_group data source finds it by name.", rawID, w.useInstead))
		return "", false
	}
	if !b.configured(diags) {
		return "", false
	}
	if _, found, err := b.view.Group(ctx, id); err != nil {
		diags.AddError("Could not read the group", fmt.Sprintf("Reading group %s failed: %s", id, err))
		return "", false
	} else if !found {
		diags.AddError(w.missingSummary,
			fmt.Sprintf("Organization %s has no group with id %q. The atlassian_group data source finds a group's id by its name.", b.orgID, id))
		return "", false
	}
	return id, true
}

func externalSyncedDetail(g access.Group) string {
	return fmt.Sprintf("Group %q (%s) is synced from an identity provider (SCIM), so it is managed by that identity "+
		"provider: Atlassian refuses membership changes made anywhere else. Change its members in the identity provider, "+
		"or manage the membership of a group that is not synced.", g.Name, g.ID)
}

// missingAccounts returns the ids among ids that name no account of the
// organization, sorted. The access layer looks them up in batches (one
// request per ten ids, Atlassian's limit) and remembers what it found.
func (b *accessResourceBase) missingAccounts(ctx context.Context, ids []string) ([]string, error) {
	found, err := b.view.FindAccounts(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("looking up %d accounts: %w", len(ids), err)
	}
	var missing []string
	for _, id := range ids {
		if _, ok := found[id]; !ok {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	return missing, nil
}

// accountEmails returns the email of each account among ids that has one
// (the labels of members found outside Terraform). Failures only cost the
// labels, so they are not errors.
func (b *accessResourceBase) accountEmails(ctx context.Context, ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	found, err := b.view.FindAccounts(ctx, ids)
	if err != nil {
		return out
	}
	for id, a := range found {
		if a.Email != "" {
			out[id] = a.Email
		}
	}
	return out
}

// memberChangeFailureLimit is how many failed member writes stop the rest of
// a batch: one bad account does not hold up the others, but an outage (every
// write failing after the client's retries) should not be tried thousands
// of times.
const memberChangeFailureLimit = 10

// memberChanges is what applyMemberChanges did: the accounts actually added
// and removed, the failures, and how many changes were not attempted.
type memberChanges struct {
	added, removed []string
	failures       []memberChangeFailure
	skipped        int
}

type memberChangeFailure struct {
	accountID string
	add       bool
	err       error
}

// applyMemberChanges adds and removes accounts of a group in parallel,
// within the provider's concurrency. Repeated adds and removes are no-ops,
// not errors. It never stops half-way through one write: the result says
// exactly which writes succeeded, so the caller can record what was applied.
func (b *accessResourceBase) applyMemberChanges(ctx context.Context, groupID string, add, remove []string) memberChanges {
	var (
		mu       sync.Mutex
		out      memberChanges
		failures atomic.Int64
		g        errgroup.Group
	)
	g.SetLimit(max(1, b.concurrency))
	run := func(accountID string, adding bool) {
		g.Go(func() error {
			if failures.Load() >= memberChangeFailureLimit || ctx.Err() != nil {
				mu.Lock()
				out.skipped++
				mu.Unlock()
				return nil
			}
			var err error
			if adding {
				_, err = b.view.AddMember(ctx, groupID, accountID)
			} else {
				_, err = b.view.RemoveMember(ctx, groupID, accountID)
				if errors.Is(err, access.ErrNotFound) {
					err = nil // the group or the account is gone, and the membership with it
				}
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failures.Add(1)
				out.failures = append(out.failures, memberChangeFailure{accountID: accountID, add: adding, err: err})
			case adding:
				out.added = append(out.added, accountID)
			default:
				out.removed = append(out.removed, accountID)
			}
			return nil
		})
	}
	for _, id := range remove {
		run(id, false)
	}
	for _, id := range add {
		run(id, true)
	}
	_ = g.Wait() // the workers record their failures instead of returning them
	sort.Slice(out.failures, func(i, j int) bool { return out.failures[i].accountID < out.failures[j].accountID })
	return out
}

// appliedSet is the accounts whose add or removal succeeded.
func (c memberChanges) appliedSet() map[string]bool {
	out := make(map[string]bool, len(c.added)+len(c.removed))
	for _, id := range c.added {
		out[id] = true
	}
	for _, id := range c.removed {
		out[id] = true
	}
	return out
}

// incomplete reports whether some changes failed or were not attempted.
func (c memberChanges) incomplete() bool { return len(c.failures) > 0 || c.skipped > 0 }

// report adds one error describing the failed or skipped writes of a
// batch, if any: group names the group in words, labels are the members'
// labels in the configuration, shown beside their ids.
func (c memberChanges) report(diags *diag.Diagnostics, group string, labels map[string]string, outcome string) {
	if !c.incomplete() {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of the membership changes of group %s failed", len(c.failures), group)
	switch {
	case c.skipped > 0 && len(c.failures) >= memberChangeFailureLimit:
		fmt.Fprintf(&b, ", and %d were not attempted after %d failures", c.skipped, memberChangeFailureLimit)
	case c.skipped > 0:
		fmt.Fprintf(&b, ", and %d were not attempted because the operation was cancelled", c.skipped)
	}
	fmt.Fprintf(&b, " (%d added, %d removed). %s\n", len(c.added), len(c.removed), outcome)
	b.WriteString(listedFirst(c.failures, 10, func(f memberChangeFailure) string {
		verb := "removing"
		if f.add {
			verb = "adding"
		}
		account := f.accountID
		if label := labels[f.accountID]; label != "" {
			account += " (" + label + ")"
		}
		return fmt.Sprintf("%s %s: %s", verb, account, f.err)
	}))
	diags.AddError("Could not change all members of the group", b.String())
}
