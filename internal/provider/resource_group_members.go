package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.Resource                = (*groupMembersResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupMembersResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*groupMembersResource)(nil)
	_ resource.ResourceWithImportState = (*groupMembersResource)(nil)
	_ resource.ResourceWithIdentity    = (*groupMembersResource)(nil)

	_ resource.ResourceWithValidateConfig = (*groupMembersResource)(nil)
)

// Why members is a map (account id => label) and not a set or a list of
// account ids: as scenario 7 of scripts/bench measures, the framework and Terraform handle a map or a list in time
// linear in its size and a set of strings in quadratic time, many times
// slower at thousands of elements. A list makes the configuration's order
// and duplicates matter: a reordered list is a diff, and neither a plan
// modifier (Terraform refuses a planned value that differs from the
// configuration) nor semantic equality (not consulted when planning) can
// hide it. A map is linear (about as fast as a list), has no order and
// cannot hold a key twice; and its values make plans readable: a diff names
// people, not only account ids.

// NewGroupMembersResource returns the atlassian_group_members resource.
func NewGroupMembersResource() resource.Resource { return &groupMembersResource{} }

type groupMembersResource struct{ accessResourceBase }

type groupMembersModel struct {
	ID                            types.String `tfsdk:"id"`
	GroupID                       types.String `tfsdk:"group_id"`
	Members                       types.Map    `tfsdk:"members"`
	RemoveUnlistedMembersOnCreate types.Bool   `tfsdk:"remove_unlisted_members_on_create"`
	MemberExpiry                  types.Map    `tfsdk:"member_expiry"`
	MemberActive                  types.Map    `tfsdk:"member_active"`
}

// memberActiveValues returns a known member_active map as account id =>
// held; an unknown or null one is empty.
func memberActiveValues(m types.Map) map[string]types.Bool {
	out := map[string]types.Bool{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for id, v := range m.Elements() {
		if b, ok := v.(types.Bool); ok {
			out[id] = b
		}
	}
	return out
}

// heldMembers is the accounts of labels that are meant to be in the group:
// all but those whose expiry has revoked them (active known false).
func heldMembers(labels map[string]attr.Value, active map[string]types.Bool) map[string]bool {
	out := make(map[string]bool, len(labels))
	for id := range labels {
		if a, ok := active[id]; ok && !a.IsNull() && !a.IsUnknown() && !a.ValueBool() {
			continue
		}
		out[id] = true
	}
	return out
}

// memberActiveMap is member_active from its values; empty keeps fallback
// (the state's null or empty map), so that resources without expiries
// never show a change.
func memberActiveMap(values map[string]types.Bool, fallback types.Map) (types.Map, diag.Diagnostics) {
	if len(values) == 0 && !fallback.IsUnknown() && (fallback.IsNull() || len(fallback.Elements()) == 0) {
		return fallback, nil
	}
	elems := make(map[string]attr.Value, len(values))
	for id, v := range values {
		elems[id] = v
	}
	return types.MapValue(types.BoolType, elems)
}

// The attribute that lets a first apply remove members; named by the
// takeover refusal.
const removeUnlistedAttr = "remove_unlisted_members_on_create"

// memberLabels returns a known members map as account id => label value.
func memberLabels(m types.Map) map[string]attr.Value {
	if m.IsNull() || m.IsUnknown() {
		return map[string]attr.Value{}
	}
	return m.Elements()
}

func (r *groupMembersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_members"
}

func (r *groupMembersResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The whole member list of one group. The resource is **authoritative**: every apply makes " +
			"the group's members exactly the accounts in `members`, adding the missing ones and removing the others, " +
			"including members added outside Terraform. Use `atlassian_group_membership` instead to add members " +
			"without owning the list; **do not use both on the same group**, or each apply undoes the other's changes: a plan " +
			"with both for the same account and group fails.\n\n" +
			"So that a first apply can never silently strip a group, creating this resource for a group that already " +
			"has members not in `members` fails, naming them, unless `" + removeUnlistedAttr + " = true`. " +
			"To take over a group as it is, import it instead (import id: the group id) and edit `members` afterwards.\n\n" +
			"Changes are applied in parallel, within the provider's `max_concurrency`. If some fail, the state records " +
			"exactly the changes that were made, and the next apply retries the rest. Destroying the resource removes " +
			"every member it lists from the group; when the group had members before this resource managed it " +
			"(imported or adopted), the plan of that destroy, or of a move to another group, warns with the number of " +
			"accounts that lose access (a `removed` block with `destroy = false` stops managing the list and leaves " +
			"the members). A group deleted outside Terraform removes the resource from the " +
			"state, with a warning. The group's members are read with one listing (a page per 100 members), so even " +
			"groups of thousands plan quickly.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group id (the same as `group_id`). This is also the import id.",
			},
			"group_id": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage)},
				MarkdownDescription: "The group's id (the `id` of an `atlassian_group`, or found by name with the " +
					"`atlassian_group` data source). The group must not be synced from an identity provider, whose members " +
					"only that identity provider can change. Changing it moves the management to another group: the " +
					"members are removed from the old group and set on the new one.",
			},
			"members": schema.MapAttribute{
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage)),
					mapvalidator.NoNullValues(),
				},
				MarkdownDescription: "The members: a map from each member's Atlassian account id to a label of your choice, " +
					"typically the member's email address (see the example). Only the keys are sent to Atlassian; the labels " +
					"are kept in the state so that plans say who is added or removed, and changing a label changes nothing " +
					"in Atlassian. `{}` empties the group. Accounts that do not exist fail the plan, naming the key. Members " +
					"found in the group but not in the configuration are read back with their email as label (and the next " +
					"apply removes them). A member is any account the group lists, whatever the account's status. " +
					"A map rather than a list or set of ids: it has no order and cannot repeat an account, so no " +
					"reordering or duplicate ever shows up as a change, and it stays fast with thousands of members.",
			},
			removeUnlistedAttr: schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Only matters when the resource is created (not when it is imported): `true` lets the " +
					"first apply remove the group's existing members that are not in `members`. With `false`, the " +
					"default, creating the resource for a group with such members fails, naming them, and changes " +
					"nothing: add them to `members`, import the resource to take over the group as it is, or set this " +
					"to `true` if removing them is intended. Once the resource exists the member list is authoritative " +
					"either way, and changing this value changes nothing in Atlassian.",
			},
			"member_expiry": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.RegexMatches(groupMemberIDPattern, groupMemberIDMessage)),
					mapvalidator.ValueStringsAre(expiryValidator),
				},
				MarkdownDescription: "Just-in-time membership: for some accounts of `members`, when their membership " +
					"ends, as a map from the account id to an RFC 3339 time with an offset, such as `2026-12-08T18:00:00Z`. " +
					"A key that is not in `members` fails the plan, naming the key. Members without an entry are " +
					"permanent. From an account's expiry on, the next plan removes it from the group as an in-place " +
					"change (`member_active` of the account goes from `true` to `false`, with a warning); the account " +
					"stays in `members` and in the state as expired, so later plans are empty; if it is added again " +
					"outside Terraform, the next plan removes it again. Moving its expiry into the future adds it again; " +
					"removing its entry makes it permanent. An account whose expiry is already past when the resource is " +
					"created is not added (and removed if it is a member), with a warning. Plans warn about members " +
					"expiring within the provider's `expiry_warning_window`. " + expiryDocs + " " + expiryStaysPutDocs +
					" Import cannot know it (Atlassian keeps no expiry).",
			},
			"member_active": schema.MapAttribute{
				ElementType: types.BoolType,
				Computed:    true,
				MarkdownDescription: "For each account of `members` that has an entry in `member_expiry`: whether it is " +
					"in the group (`false` once its expiry has passed and an apply has removed it). A plan that changes the " +
					"resource shows the members whose expiry is still ahead as known after apply: the apply decides by its " +
					"own clock, so a saved plan applied after an expiry does not add that member.",
			},
		},
	}
}

// IdentitySchema: a member list is named by its group.
func (r *groupMembersResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"group_id": requiredIdentity("The group's id."),
		},
	}
}

// ValidateConfig refuses an expiry for an account that is not in members,
// on that key of member_expiry.
func (r *groupMembersResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config groupMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.Members.IsUnknown() || config.Members.IsNull() ||
		config.MemberExpiry.IsUnknown() || config.MemberExpiry.IsNull() {
		return
	}
	members := config.Members.Elements()
	stray := keysNotIn(config.MemberExpiry.Elements(), members)
	sort.Strings(stray)
	for _, id := range stray {
		resp.Diagnostics.AddAttributeError(path.Root("member_expiry").AtMapKey(id), "Expiry for an account not in members",
			fmt.Sprintf("member_expiry gives account %q an expiry, but members does not list it: an expiry ends a "+
				"membership this resource grants. Add the account to members, or remove its entry from member_expiry.", id))
	}
}

// planMemberActive plans member_active and adds the warnings of an expiry
// unknown or moved later. It returns what adds the other expiry warnings,
// which ModifyPlan calls last: by then its checks have read the group, whose
// name the warnings show.
func (r *groupMembersResource) planMemberActive(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	plan groupMembersModel, state *groupMembersModel) (expiryWarnings func()) {
	activePath := path.Root("member_active")
	// The expiries of another group's members say nothing about this one's.
	sameGroup := state
	if state != nil && !plan.GroupID.Equal(state.GroupID) {
		sameGroup = nil
	}
	warnUnsettledMemberExpiries(memberExpiryChangesOf(plan.MemberExpiry, sameGroup), plan.GroupID.ValueString(), sameGroup == nil, &resp.Diagnostics)
	if plan.Members.IsUnknown() || plan.MemberExpiry.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, activePath, types.MapUnknown(types.BoolType))...)
		return nil
	}
	for _, v := range plan.MemberExpiry.Elements() {
		if v.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, activePath, types.MapUnknown(types.BoolType))...)
			return nil
		}
	}
	members := heldMembers(memberLabels(plan.Members), nil)
	prior, fallback := map[string]types.Bool{}, types.MapValueMust(types.BoolType, map[string]attr.Value{})
	if state != nil {
		prior, fallback = memberActiveValues(state.MemberActive), state.MemberActive
	}
	act := r.expiry.planMemberActivity(members, memberExpiries(plan.MemberExpiry), prior, planChanges(req))
	active, diags := memberActiveMap(act.values, fallback)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, activePath, active)...)
	var private privateGetter
	if sameGroup != nil && req.Private != nil {
		private = req.Private // the facts of the state's group
	}
	return func() {
		group := r.groupInWords(ctx, private, plan.GroupID.ValueString())
		act.warn(path.Root("member_expiry"), group, configuredLabels(plan.Members), state == nil, r.expiry.now(), &resp.Diagnostics)
	}
}

// groupInWords names the resource's group in a message: by the name kept in
// its private state (private nil: none for this group), else as groupNamed.
func (r *groupMembersResource) groupInWords(ctx context.Context, private privateGetter, groupID string) string {
	if private != nil {
		if facts, ok := readGroupFacts(ctx, private); ok && facts.Name != "" {
			return fmt.Sprintf("%q (%s)", facts.Name, groupID)
		}
	}
	return groupNamed(r.view, groupID)
}

// configuredLabels are the labels members gives its accounts (their emails,
// as an import writes them), for messages that list members as the plan
// diff shows them.
func configuredLabels(members types.Map) map[string]string {
	return labelStrings(memberLabels(members))
}

// labelStrings merges members' labels (as memberLabels reads them) into
// strings; a later map's label wins.
func labelStrings(labelMaps ...map[string]attr.Value) map[string]string {
	out := map[string]string{}
	for _, labels := range labelMaps {
		for id, v := range labels {
			if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				out[id] = s.ValueString()
			}
		}
	}
	return out
}

// ModifyPlan fills in the id and checks what the plan will change: when the
// resource is created (or moved to another group), that the group exists,
// accepts membership changes, and has no members the plan would silently
// remove; when members are added, that their accounts exist (a batched
// lookup: about one request per hundred new members). A plan that adds no
// member reads nothing. Every plan also fails for the listed accounts that
// an atlassian_group_membership of the same configuration adds to the
// group (see plannedMemberships). A destroy, or a move to another group,
// that empties a group whose members were there before the resource warns
// with their count (warnEmptiedGroup).
func (r *groupMembersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.view == nil {
		return // the provider is not configured yet
	}
	if req.Plan.Raw.IsNull() {
		// Destroy: it empties the group, which may have had its members
		// long before Terraform.
		var state groupMembersModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			warnEmptiedGroup(ctx, req.Private, state, "", &resp.Diagnostics)
		}
		return
	}
	var plan groupMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !isKnownString(plan.GroupID) {
		if !req.State.Raw.IsNull() {
			// Moved to a group known only at apply: the old one empties.
			var state groupMembersModel
			resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
			if !resp.Diagnostics.HasError() {
				warnEmptiedGroup(ctx, req.Private, state, "(known after apply)", &resp.Diagnostics)
			}
		}
		return
	}
	groupID := plan.GroupID.ValueString()
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), groupID)...)
	if !plan.Members.IsUnknown() {
		r.refuseMixedMemberships(ctx, groupID, slices.Collect(maps.Keys(memberLabels(plan.Members))), &resp.Diagnostics)
	}

	var state *groupMembersModel
	if !req.State.Raw.IsNull() {
		state = &groupMembersModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	creating := state == nil || !plan.GroupID.Equal(state.GroupID)
	if state != nil && creating {
		warnEmptiedGroup(ctx, req.Private, *state, groupID, &resp.Diagnostics)
	}
	if warn := r.planMemberActive(ctx, req, resp, plan, state); warn != nil {
		defer warn()
	}

	if !creating {
		if plan.Members.IsUnknown() {
			return // checked when applied
		}
		planned, prior := memberLabels(plan.Members), memberLabels(state.Members)
		added, removed := keysNotIn(planned, prior), keysNotIn(prior, planned)
		if len(added) == 0 && len(removed) == 0 {
			return // at most labels change: nothing to check, nothing to read
		}
		// What the last refresh learned about the group (groupFactsKey)
		// spares reading it again in each of Terraform's two plans.
		if facts, ok := readGroupFacts(ctx, req.Private); ok {
			if facts.ExternalSynced {
				resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Group is managed by an identity provider",
					externalSyncedDetail(facts.group(groupID)))
				return
			}
		} else if _, ok := r.checkWritableGroup(ctx, path.Root("group_id"), groupID, &resp.Diagnostics); !ok {
			return
		}
		r.checkMemberAccounts(ctx, added, &resp.Diagnostics)
		return
	}

	if _, ok := r.checkWritableGroup(ctx, path.Root("group_id"), groupID, &resp.Diagnostics); !ok || plan.Members.IsUnknown() {
		return
	}
	current, found, err := r.view.GroupMembers(ctx, groupID)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Could not list the group's members",
			fmt.Sprintf("Listing the members of group %s failed: %s", groupNamed(r.view, groupID), err))
		return
	}
	if !found {
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Unknown group",
			fmt.Sprintf("Organization %s has no group with id %q (any more).", r.orgID, groupID))
		return
	}
	planned := memberLabels(plan.Members)
	if unlisted := keysNotIn(current, planned); len(unlisted) > 0 && !plan.RemoveUnlistedMembersOnCreate.IsUnknown() &&
		!plan.RemoveUnlistedMembersOnCreate.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("members"), "Group already has members that are not in members",
			r.takeoverRefusal(ctx, groupID, unlisted))
		return
	}
	// Current members exist; only the others need a look-up.
	r.checkMemberAccounts(ctx, keysNotIn(planned, current), &resp.Diagnostics)
}

// refuseMixedMemberships records in the process's ledger that this list
// names accounts of group groupID, and fails the plan on members["<id>"]
// for each of them that an atlassian_group_membership planned before adds
// (the first ten, then a count). The membership planned after the list
// fails instead (see plannedMemberships).
func (r *groupMembersResource) refuseMixedMemberships(ctx context.Context, groupID string, accounts []string, diags *diag.Diagnostics) {
	both := membershipPlanOf(r.view).planList(groupID, accounts)
	const shown = 10
	for i, id := range both {
		if i == shown {
			diags.AddAttributeError(path.Root("members"), mixedMembershipSummary,
				fmt.Sprintf("%d more accounts of members also have an atlassian_group_membership for group %s in this "+
					"configuration.", len(both)-shown, lookedUpGroup(ctx, r.view, groupID)))
			break
		}
		diags.AddAttributeError(path.Root("members").AtMapKey(id), mixedMembershipSummary,
			mixedMembershipDetail(lookedUpGroup(ctx, r.view, groupID), lookedUpAccount(ctx, r.view, id), true))
	}
}

// takeoverRefusal explains why creating the resource would strip the group,
// naming the first unlisted members with their emails.
func (r *groupMembersResource) takeoverRefusal(ctx context.Context, groupID string, unlisted []string) string {
	sorted := append([]string(nil), unlisted...)
	sort.Strings(sorted)
	const shown = 10
	named := sorted[:min(shown, len(sorted))]
	emails := r.accountEmails(ctx, named)
	list := listedFirst(sorted, shown, func(id string) string {
		if e := emails[id]; e != "" {
			return id + " (" + e + ")"
		}
		return id
	})
	return fmt.Sprintf("Group %s has %d members that are not in members:%s\n\n"+
		"Creating atlassian_group_members for it would remove them, and a first apply never does that unless asked. Either:\n"+
		"  - add them to members, to keep them;\n"+
		"  - import the resource (an import block with id = %q, or `terraform import <address> %s`), to take over "+
		"the group as it is, then edit members;\n"+
		"  - or set %s = true, if removing them is intended.",
		groupNamed(r.view, groupID), len(unlisted), list, groupID, groupID, removeUnlistedAttr)
}

// checkMemberAccounts makes the plan fail on members["<id>"] for each
// account that does not exist (the first ten, then a count).
func (r *groupMembersResource) checkMemberAccounts(ctx context.Context, ids []string, diags *diag.Diagnostics) {
	if len(ids) == 0 || r.view.Applying() {
		return // nothing to check, or checked when the change was planned
	}
	missing, err := r.missingAccounts(ctx, ids)
	if err != nil {
		diags.AddAttributeError(path.Root("members"), "Could not look up the accounts", err.Error())
		return
	}
	const shown = 10
	for i, id := range missing {
		if i == shown {
			diags.AddAttributeError(path.Root("members"), "Unknown accounts",
				fmt.Sprintf("%d more keys of members name no account of organization %s.", len(missing)-shown, r.orgID))
			break
		}
		diags.AddAttributeError(path.Root("members").AtMapKey(id), "Unknown account",
			fmt.Sprintf("Organization %s has no account %q. The atlassian_account data source finds account ids by email.", r.orgID, id))
	}
}

// Create sets the group's members, after the same takeover check as the
// plan (the group may have changed since). If some writes fail, nothing is
// recorded: a created-but-failed resource would be tainted, and replacing it
// would remove and re-add every member. The next apply resumes instead: the
// accounts already added are in members, so they are no longer "unlisted".
func (r *groupMembersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan groupMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := plan.GroupID.ValueString()
	group, ok := r.checkWritableGroup(ctx, path.Root("group_id"), groupID, &resp.Diagnostics)
	if !ok {
		return
	}
	writeGroupFacts(ctx, resp.Private, group, &resp.Diagnostics)
	current, found, err := r.view.GroupMembers(ctx, groupID)
	if err != nil || !found {
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Could not list the group's members",
			fmt.Sprintf("Listing the members of group %s failed: %v", groupNamed(r.view, groupID), orNotFound(err)))
		return
	}
	planned := memberLabels(plan.Members)
	unlisted := keysNotIn(current, planned)
	if len(unlisted) > 0 && !plan.RemoveUnlistedMembersOnCreate.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("members"), "Group already has members that are not in members",
			r.takeoverRefusal(ctx, groupID, unlisted))
		return
	}
	// Members that were there before this resource: destroying it later
	// takes away access Terraform did not give (warnEmptiedGroup).
	writeAdoptedMembers(ctx, resp.Private, len(current) > 0, &resp.Diagnostics)
	// Members whose expiry has passed are not added, and removed if they
	// are members already.
	plannedActive := r.expiry.resolveMemberActive(memberActiveValues(plan.MemberActive), heldMembers(planned, nil), memberExpiries(plan.MemberExpiry))
	held := heldMembers(planned, plannedActive)
	remove := unlisted
	for id := range planned {
		if !held[id] && current[id] {
			remove = append(remove, id)
		}
	}
	changes := r.applyMemberChanges(ctx, groupID, keysNotIn(held, current), remove)
	tflog.Debug(ctx, "set group members", map[string]any{
		"group_id": groupID, "added": len(changes.added), "removed": len(changes.removed), "failed": len(changes.failures),
	})
	if changes.incomplete() {
		changes.report(&resp.Diagnostics, groupNamed(r.view, groupID), labelStrings(planned), "Nothing is recorded in the Terraform state yet: the changes "+
			"that were made stay, and the next apply makes the rest.")
		return
	}
	memberActive, diags := memberActiveMap(plannedActive, plan.MemberActive)
	resp.Diagnostics.Append(diags...)
	plan.MemberActive = memberActive
	plan.ID = types.StringValue(groupID)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, groupMembersIdentityModel{GroupID: plan.GroupID}, &resp.Diagnostics)
}

func orNotFound(err error) error {
	if err == nil {
		return fmt.Errorf("the group does not exist")
	}
	return err
}

// Read sets members to the group's actual members: members removed outside
// Terraform drop out (the next plan re-adds them), members added outside it
// come in with their email as label (the next plan removes them). A vanished
// group removes the resource with a warning.
func (r *groupMembersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state groupMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := state.GroupID.ValueString()
	if groupID == "" {
		groupID = state.ID.ValueString()
	}
	setIdentity(ctx, resp.Identity, groupMembersIdentityModel{GroupID: types.StringValue(groupID)}, &resp.Diagnostics)
	// The group itself (one request), for the plans that follow: see
	// groupFactsKey.
	group, found, err := r.view.Group(ctx, groupID)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the group",
			fmt.Sprintf("Reading group %s failed: %s", groupID, err))
		return
	}
	var current map[string]bool
	if found {
		writeGroupFacts(ctx, resp.Private, group, &resp.Diagnostics)
		current, found, err = r.view.GroupMembers(ctx, groupID)
		if err != nil {
			resp.Diagnostics.AddError("Could not read the group's members",
				fmt.Sprintf("Listing the members of group %s failed: %s", groupNamed(r.view, groupID), err))
			return
		}
	}
	if !found {
		resp.Diagnostics.AddWarning("Group deleted outside Terraform",
			fmt.Sprintf("Group %s no longer exists in the organization, so its atlassian_group_members is removed "+
				"from the Terraform state.", r.groupInWords(ctx, req.Private, groupID)))
		resp.State.RemoveResource(ctx)
		return
	}
	prior := memberLabels(state.Members)
	priorActive := memberActiveValues(state.MemberActive)
	expiries := memberExpiries(state.MemberExpiry)
	now := r.expiry.now()
	labels := make(map[string]attr.Value, len(current))
	active := make(map[string]types.Bool, len(priorActive))
	changed := state.Members.IsNull() || state.Members.IsUnknown()
	for id, label := range prior {
		wasActive, tracked := priorActive[id]
		at, hasExpiry := expiries[id]
		switch {
		case current[id]:
			labels[id] = label
			if tracked || hasExpiry {
				// An expired member found in the group again is drift:
				// the next plan removes it again.
				active[id] = types.BoolValue(true)
			}
		case tracked && !wasActive.IsNull() && !wasActive.IsUnknown() && !wasActive.ValueBool(),
			hasExpiry && !now.Before(at):
			// Removed by its expiry (or expired, and removed outside
			// Terraform): it stays listed, as expired.
			labels[id] = label
			active[id] = types.BoolValue(false)
		default:
			changed = true
		}
	}
	if !maps.EqualFunc(active, priorActive, func(a, b types.Bool) bool { return a.Equal(b) }) {
		memberActive, diags := memberActiveMap(active, state.MemberActive)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		state.MemberActive = memberActive
	}
	if outsiders := keysNotIn(current, prior); len(outsiders) > 0 {
		changed = true
		emails := r.accountEmails(ctx, outsiders)
		for _, id := range outsiders {
			labels[id] = types.StringValue(emails[id])
		}
	}
	if changed {
		members, diags := types.MapValue(types.StringType, labels)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		state.Members = members
	}
	state.ID = types.StringValue(groupID)
	state.GroupID = types.StringValue(groupID)
	if state.RemoveUnlistedMembersOnCreate.IsNull() || state.RemoveUnlistedMembersOnCreate.IsUnknown() {
		state.RemoveUnlistedMembersOnCreate = types.BoolValue(false) // imported: the default
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update adds and removes exactly the difference between the state and the
// plan, in parallel. The new state is what was actually applied: the
// planned members whose add succeeded (or who were members already), and
// the prior members whose removal failed.
func (r *groupMembersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan, state groupMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := plan.GroupID.ValueString()
	rememberGroupDirectory(ctx, r.view, req.Private, groupID)
	planned, prior := memberLabels(plan.Members), memberLabels(state.Members)
	plannedActive := r.expiry.resolveMemberActive(memberActiveValues(plan.MemberActive), heldMembers(planned, nil), memberExpiries(plan.MemberExpiry))
	priorActive := memberActiveValues(state.MemberActive)
	// The state records what was decided, also when the plan left it to
	// this apply; on partial failure it is corrected below.
	resolved, diags := memberActiveMap(plannedActive, plan.MemberActive)
	resp.Diagnostics.Append(diags...)
	plan.MemberActive = resolved
	// What is meant to be in the group, before and after: the listed
	// members but those removed by their expiry.
	want, had := heldMembers(planned, plannedActive), heldMembers(prior, priorActive)
	add, remove := keysNotIn(want, had), keysNotIn(had, want)
	changes := r.applyMemberChanges(ctx, groupID, add, remove)
	tflog.Debug(ctx, "updated group members", map[string]any{
		"group_id": groupID, "added": len(changes.added), "removed": len(changes.removed), "failed": len(changes.failures),
	})
	if changes.incomplete() {
		applied := changes.appliedSet()
		failedAdd, failedRemove := map[string]bool{}, map[string]bool{}
		for _, id := range add {
			failedAdd[id] = !applied[id]
		}
		for _, id := range remove {
			failedRemove[id] = !applied[id]
		}
		labels := make(map[string]attr.Value, len(planned))
		active := make(map[string]types.Bool, len(plannedActive))
		for id, v := range plannedActive {
			active[id] = v
		}
		for id, label := range planned {
			_, listed := prior[id]
			switch {
			case failedAdd[id] && !listed:
				delete(active, id) // never added: not in the state
				continue
			case failedAdd[id]:
				active[id] = types.BoolValue(false) // still removed by its expiry
			case failedRemove[id]:
				if _, tracked := active[id]; tracked {
					active[id] = types.BoolValue(true) // its expiry's removal failed: still a member
				}
			}
			labels[id] = label
		}
		for id, label := range prior {
			if _, kept := planned[id]; !kept && failedRemove[id] {
				labels[id] = label // its removal failed: still a member
				if _, tracked := priorActive[id]; tracked {
					active[id] = types.BoolValue(true)
				}
			}
		}
		members, diags := types.MapValue(types.StringType, labels)
		resp.Diagnostics.Append(diags...)
		plan.Members = members
		memberActive, diags := memberActiveMap(active, plan.MemberActive)
		resp.Diagnostics.Append(diags...)
		plan.MemberActive = memberActive
		changes.report(&resp.Diagnostics, groupNamed(r.view, groupID), labelStrings(prior, planned), "The Terraform state records the changes that were made; "+
			"the next apply retries the rest.")
	}
	plan.ID = types.StringValue(groupID)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, groupMembersIdentityModel{GroupID: plan.GroupID}, &resp.Diagnostics)
}

// Delete removes every member the resource lists; members already gone, or
// a group already gone, are fine. Members whose removal fails stay in the
// state.
func (r *groupMembersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state groupMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := state.GroupID.ValueString()
	rememberGroupDirectory(ctx, r.view, req.Private, groupID)
	current, found, err := r.view.GroupMembers(ctx, groupID)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the group's members",
			fmt.Sprintf("Listing the members of group %s failed: %s", groupNamed(r.view, groupID), err))
		return
	}
	if !found {
		return // the group is gone, and its members with it
	}
	prior := memberLabels(state.Members)
	var remove []string
	for id := range prior {
		if current[id] {
			remove = append(remove, id)
		}
	}
	changes := r.applyMemberChanges(ctx, groupID, nil, remove)
	if !changes.incomplete() {
		return
	}
	applied := changes.appliedSet()
	labels := make(map[string]attr.Value)
	for id, label := range prior {
		if current[id] && !applied[id] {
			labels[id] = label
		}
	}
	members, diags := types.MapValue(types.StringType, labels)
	resp.Diagnostics.Append(diags...)
	state.Members = members
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	changes.report(&resp.Diagnostics, r.groupInWords(ctx, req.Private, groupID), labelStrings(prior), "The members that could not be removed stay in the Terraform state.")
}

// ImportState takes the group id, or an identity holding it; Read then
// fills in the members.
func (r *groupMembersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	rawID := req.ID
	var identity groupMembersIdentityModel
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		rawID = identity.GroupID.ValueString()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := r.importGroupID(ctx, rawID, groupImportWording{
		resourceType:   "atlassian_group_members",
		useInstead:     "the id of the group",
		missingSummary: "Cannot import the members of a group that does not exist",
	}, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), id)...)
	writeAdoptedMembers(ctx, resp.Private, true, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, groupMembersIdentityModel{GroupID: types.StringValue(id)}, &resp.Diagnostics)
}
