package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ list.ListResource              = (*groupMembershipListResource)(nil)
	_ list.ListResourceWithConfigure = (*groupMembershipListResource)(nil)
	_ list.ListResource              = (*groupMembersListResource)(nil)
	_ list.ListResourceWithConfigure = (*groupMembersListResource)(nil)
)

// The two list resources of group members: atlassian_group_membership (one
// result per member of a group) and atlassian_group_members (one result per
// group). Both list only the groups that accept membership changes, the
// groups the resources can manage: a group synced from an identity provider
// would fail their plan.

// groupFilterConfig is the config of both: an optional group.
type groupFilterConfig struct {
	GroupID types.String `tfsdk:"group_id"`
}

func groupFilterSchema(description, groupIDDescription string) schema.Schema {
	return schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"group_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: groupIDDescription,
				Validators:          []validator.String{stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage)},
			},
		},
	}
}

// writableGroups yields the pages of groups to list: the one group of
// config (which must exist and accept membership changes), or every group
// that accepts membership changes. A failure is yielded as diagnostics,
// last.
func (b *listBase) writableGroups(ctx context.Context, config groupFilterConfig, yield func([]access.Group, diag.Diagnostics) bool) {
	var diags diag.Diagnostics
	if !config.GroupID.IsNull() {
		id := config.GroupID.ValueString()
		g, found, err := b.view.Group(ctx, id)
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("group_id"), "Could not look up the group", fmt.Sprintf("Reading group %s failed: %s", id, err))
		case !found:
			diags.AddAttributeError(path.Root("group_id"), "Unknown group",
				fmt.Sprintf("Organization %s has no group with id %q. The atlassian_group data source finds a group's id by its name.", b.orgID, id))
		case g.ExternalSynced:
			diags.AddAttributeError(path.Root("group_id"), "Group is managed by an identity provider", externalSyncedDetail(g))
		}
		if diags.HasError() {
			yield(nil, diags)
			return
		}
		yield([]access.Group{g}, nil)
		return
	}
	for page, err := range b.view.GroupPages(ctx) {
		if err != nil {
			yield(nil, listError("Could not list the organization's groups", err))
			return
		}
		writable := page[:0]
		for _, g := range page {
			if !g.ExternalSynced {
				writable = append(writable, g)
			}
		}
		if !yield(writable, nil) {
			return
		}
	}
}

// NewGroupMembershipListResource returns the atlassian_group_membership list
// resource.
func NewGroupMembershipListResource() list.ListResource { return &groupMembershipListResource{} }

type groupMembershipListResource struct{ listBase }

func (r *groupMembershipListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_membership"
}

func (r *groupMembershipListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = groupFilterSchema("Lists group memberships as `atlassian_group_membership` resources, one per member "+
		"of a group, for `terraform query` (Terraform 1.14 and later), each named by the member's email and the group's "+
		"name. Groups synced from an identity provider are left "+
		"out: only that identity provider can change their members.",
		"Only this group's memberships: the group's id. It must not be synced from an identity provider. Without it, "+
			"every membership of every group that accepts membership changes.")
}

func (r *groupMembershipListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config groupFilterConfig
	r.stream(ctx, req, stream, &config, func(out *results) {
		r.writableGroups(ctx, config, func(groups []access.Group, diags diag.Diagnostics) bool {
			if diags.HasError() {
				out.fail(diags)
				return false
			}
			for m, err := range r.view.MembersOf(ctx, groups, r.concurrency) {
				if err != nil {
					out.fail(listError("Could not list the members of the groups", err))
					return false
				}
				// m.Found is false for a group deleted since its page was
				// read: it has no memberships to import.
				if len(m.AccountIDs) == 0 {
					continue
				}
				// Members are labelled by email, as the other lists label
				// accounts. The member listing just read holds the
				// accounts, so this answers without a request.
				accounts, err := r.view.FindAccounts(ctx, m.AccountIDs)
				if err != nil {
					out.fail(listError("Could not look up the members of group "+m.Group.Name, err))
					return false
				}
				for _, accountID := range m.AccountIDs {
					object := groupMembershipModel{
						ID:        types.StringValue(membershipID(m.Group.ID, accountID)),
						GroupID:   types.StringValue(m.Group.ID),
						AccountID: types.StringValue(accountID),
						Active:    types.BoolValue(true),
					}
					if !out.add(ctx, accountDisplayName(accounts[accountID], accountID)+" in "+m.Group.Name, object.identity(), object) {
						return false
					}
				}
			}
			return true
		})
	})
}

// NewGroupMembersListResource returns the atlassian_group_members list
// resource.
func NewGroupMembersListResource() list.ListResource { return &groupMembersListResource{} }

type groupMembersListResource struct{ listBase }

func (r *groupMembersListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_members"
}

func (r *groupMembersListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = groupFilterSchema("Lists member lists as `atlassian_group_members` resources, one per group, for "+
		"`terraform query` (Terraform 1.14 and later). Each holds the group's members labelled with their emails, as a "+
		"refresh after importing the group's member list labels them. Groups synced from an identity provider are left "+
		"out: only that identity provider can change their members.",
		"Only this group's member list: the group's id. It must not be synced from an identity provider. Without it, "+
			"the member list of every group that accepts membership changes.")
}

func (r *groupMembersListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config groupFilterConfig
	r.stream(ctx, req, stream, &config, func(out *results) {
		r.writableGroups(ctx, config, func(groups []access.Group, diags diag.Diagnostics) bool {
			if diags.HasError() {
				out.fail(diags)
				return false
			}
			for m, err := range r.view.MembersOf(ctx, groups, r.concurrency) {
				if err != nil {
					out.fail(listError("Could not list the members of the groups", err))
					return false
				}
				if !m.Found {
					continue // deleted since its page was read: nothing to import
				}
				object, diags := r.membersObject(ctx, m, req.IncludeResource)
				if diags.HasError() {
					out.fail(diags)
					return false
				}
				identity := groupMembersIdentityModel{GroupID: types.StringValue(m.Group.ID)}
				if !out.add(ctx, fmt.Sprintf("%s (%d members)", m.Group.Name, len(m.AccountIDs)), identity, object) {
					return false
				}
			}
			return true
		})
	})
}

// membersObject is the resource a refresh after import reads: every member
// labelled with its email (empty for accounts without one), and the
// default remove_unlisted_members_on_create. Without the object, no email
// is looked up.
func (r *groupMembersListResource) membersObject(ctx context.Context, m access.Members, include bool) (groupMembersModel, diag.Diagnostics) {
	object := groupMembersModel{
		ID:                            types.StringValue(m.Group.ID),
		GroupID:                       types.StringValue(m.Group.ID),
		RemoveUnlistedMembersOnCreate: types.BoolValue(false),
		Members:                       types.MapNull(types.StringType),
		MemberExpiry:                  types.MapNull(types.StringType),
		MemberActive:                  types.MapNull(types.BoolType),
	}
	if !include {
		return object, nil
	}
	// The member listing just read carries the members' accounts, which
	// the access layer keeps: the labels cost no request, and no walk of
	// every account is needed for them (a walk costs a request per page
	// of the whole organization). A member whose account it did not keep
	// is looked up by id, in batches, group by group: a group's members at
	// a time keep the accounts held in memory at once few.
	found, err := r.view.FindAccounts(ctx, m.AccountIDs)
	if err != nil {
		return object, listError("Could not look up the members of group "+m.Group.Name, err)
	}
	labels := make(map[string]string, len(m.AccountIDs))
	for _, id := range m.AccountIDs {
		labels[id] = found[id].Email
	}
	members, diags := types.MapValueFrom(ctx, types.StringType, labels)
	object.Members = members
	return object, diags
}
