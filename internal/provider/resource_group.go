package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ resource.Resource                = (*groupResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*groupResource)(nil)
	_ resource.ResourceWithImportState = (*groupResource)(nil)
	_ resource.ResourceWithIdentity    = (*groupResource)(nil)
)

// groupNamePattern refuses names with white space at either end: Atlassian
// trims them, and the stored name would then differ from the configuration.
var groupNamePattern = regexp.MustCompile(`^\S(?:.*\S)?$`)

// replacedGroupKey is the private-state key under which a replacement's
// plan remembers the id of the group it replaces.
const replacedGroupKey = "replaced_group_id"

// maxGroupNameLength is Atlassian's limit on group names.
const maxGroupNameLength = 255

// NewGroupResource returns the atlassian_group resource.
func NewGroupResource() resource.Resource { return &groupResource{} }

type groupResource struct{ accessResourceBase }

type groupResourceModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	DirectoryID  types.String `tfsdk:"directory_id"`
	AllowReplace types.Bool   `tfsdk:"allow_replace"`
}

func (r *groupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (r *groupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A group of the organization's directory, created and deleted by Terraform. Its members " +
			"are managed separately, by `atlassian_group_members` (the whole member list) or " +
			"`atlassian_group_membership` (one member each); its product access by `atlassian_workspace_role_assignment`.\n\n" +
			"The admin API can create and delete groups but cannot rename them or change their description, so a new " +
			"`name` or `description` can only be had by replacing the group: deleting it and creating a new one with a " +
			"new id, which loses every member and product role of the old group that Terraform does not manage. " +
			"**No plan replaces a group that holds access unless the resource says so**:\n\n" +
			"* A `name` or `description` **changed in the configuration** of a group that has members or product roles " +
			"**fails the plan** on that attribute, with the number of members and roles that would be lost, unless " +
			"`allow_replace = true`. An empty group is replaced.\n" +
			"* A `name` or `description` **changed outside Terraform** (in admin.atlassian.com) never plans a " +
			"replacement: the plan warns that Atlassian's value differs and that the API cannot change it, and keeps " +
			"the group as it is. The state keeps the configured value; set the configuration to Atlassian's value to " +
			"silence the warning.\n\n" +
			"A group deleted outside Terraform is removed from the state with a warning and created again by the next apply.\n\n" +
			"Atlassian refuses to delete groups synced from an identity provider and its default product access groups: " +
			"a plan that destroys or replaces one fails, before anything that depends on the group is destroyed. To stop " +
			"managing such a group, use a `removed` block with `destroy = false`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group id, a UUID. This is also the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: fmt.Sprintf("The group name, unique in the organization regardless of case, "+
					"1 to %d characters without white space at either end. A name that another group already has "+
					"fails the plan: import that group instead. Changing it replaces the group, which fails the plan "+
					"while the group has members or roles unless `allow_replace = true` (see above).", maxGroupNameLength),
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxGroupNameLength),
					stringvalidator.RegexMatches(groupNamePattern, "must not start or end with white space"),
				},
			},
			"description": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
				MarkdownDescription: "What the group is for, shown in admin.atlassian.com. Defaults to no description " +
					"(`\"\"`). The admin API cannot change a description: changing it replaces the group, which fails " +
					"the plan while the group has members or roles unless `allow_replace = true`; a description edited " +
					"in admin.atlassian.com is kept, with a warning in the plan (see above).",
			},
			"allow_replace": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether a change of `name` or `description` in the configuration may replace the " +
					"group even though it has members or product roles, which the replacement deletes. Defaults to " +
					"`false`: such a change fails the plan, saying how many members and roles would be lost. Changing " +
					"this argument sends nothing to Atlassian.",
			},
			"directory_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The directory the group belongs to (the organization's only directory, in most organizations).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema: a group is named by its id.
func (r *groupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": requiredIdentity("The group id, a UUID."),
		},
	}
}

// ModifyPlan decides what a change of name or description means (the API
// can change neither, see guardReplacement), and makes a name that another
// group already has fail the plan, on name, when the group is created or
// renamed (one group listing). A destroy or replacement of a group that
// Atlassian refuses to delete fails (refuseUndeletableGroup). A plan that
// changes nothing reads nothing.
func (r *groupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.view == nil {
		return // the provider is not configured yet
	}
	if req.Plan.Raw.IsNull() {
		// Destroy: refused for a group Atlassian will not delete.
		var state groupResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() && isKnownString(state.ID) {
			r.refuseUndeletableGroup(ctx, state.ID.ValueString(), false, &resp.Diagnostics)
		}
		return
	}
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The group a replacement deletes first: its name, in any case, is free.
	var replacedID string
	if !req.State.Raw.IsNull() {
		var state groupResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if !r.guardReplacement(ctx, req.Private, plan, state, resp) || resp.Diagnostics.HasError() {
			return
		}
		if r.refuseUndeletableGroup(ctx, state.ID.ValueString(), true, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
		// A replacement. Terraform plans its create part with a second call
		// that has no prior state but gets this call's private data: that is
		// how the second call knows which group is being replaced.
		replacedID = state.ID.ValueString()
		if resp.Private != nil {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedGroupKey, []byte(strconv.Quote(replacedID)))...)
		}
		if state.Name.Equal(plan.Name) {
			return
		}
	} else if req.Private != nil {
		raw, diags := req.Private.GetKey(ctx, replacedGroupKey)
		resp.Diagnostics.Append(diags...)
		if len(raw) > 0 {
			if id, err := strconv.Unquote(string(raw)); err == nil {
				replacedID = id
			}
		}
	}
	if !isKnownString(plan.Name) {
		return
	}
	groups, err := r.view.Groups(ctx)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Could not list the organization's groups",
			fmt.Sprintf("Checking that no other group is named %q failed: %s", plan.Name.ValueString(), err))
		return
	}
	for _, g := range groups {
		if g.ID != replacedID && strings.EqualFold(g.Name, plan.Name.ValueString()) {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Group name already taken", nameTakenDetail(plan.Name.ValueString(), g))
			return
		}
	}
}

// groupObservedKey names, in the private state, the name and description
// the last refresh read from Atlassian. The state keeps the configured
// values (a refresh does not overwrite them): comparing the three tells a
// change of the configuration from a change made outside Terraform.
const groupObservedKey = "observed"

type groupObserved struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// observedGroup returns what the last refresh read, or, before any, what
// the state holds.
func observedGroup(ctx context.Context, private privateGetter, state groupResourceModel) groupObserved {
	fallback := groupObserved{Name: state.Name.ValueString(), Description: state.Description.ValueString()}
	if private == nil {
		return fallback
	}
	raw, diags := private.GetKey(ctx, groupObservedKey)
	if diags.HasError() || len(raw) == 0 {
		return fallback
	}
	var o groupObserved
	if err := json.Unmarshal(raw, &o); err != nil {
		return fallback
	}
	return o
}

// guardReplacement looks at name and description of an existing group, the
// two attributes the API cannot change, and reports whether the group is
// to be replaced:
//
//   - the configured value is Atlassian's: nothing to send (a configuration
//     that now follows a change made outside Terraform is an update of the
//     state alone);
//   - the configuration did not change but Atlassian's value did: a warning,
//     and the group stays;
//   - the configuration changed: a replacement, which deletes the group's
//     members and roles. It fails the plan on the attribute, with how many
//     of each would be lost (one listing), unless allow_replace is set or
//     the group holds nothing.
func (r *groupResource) guardReplacement(ctx context.Context, private privateGetter, plan, state groupResourceModel, resp *resource.ModifyPlanResponse) bool {
	observed := observedGroup(ctx, private, state)
	type change struct {
		attr              string
		configured        types.String
		stored, atlassian string
	}
	var changed []change
	for _, c := range []change{
		{"name", plan.Name, state.Name.ValueString(), observed.Name},
		{"description", plan.Description, state.Description.ValueString(), observed.Description},
	} {
		switch {
		case isKnownString(c.configured) && c.configured.ValueString() == c.atlassian:
		case isKnownString(c.configured) && c.configured.ValueString() == c.stored:
			// One summary per attribute: terraform folds warnings that share one.
			summary := "Group renamed outside Terraform"
			if c.attr == "description" {
				summary = "Group description changed outside Terraform"
			}
			resp.Diagnostics.AddAttributeWarning(path.Root(c.attr), summary,
				fmt.Sprintf("In Atlassian, the %[1]s of group %[2]s is now %[3]q, while the configuration says %[4]q. "+
					"The admin API cannot change a group's %[1]s, so Terraform keeps the group as it is, with its "+
					"members and roles, and plans no change to it. To silence this warning, set %[1]s = %[3]q in the "+
					"configuration, or change it back in admin.atlassian.com.",
					c.attr, state.ID.ValueString(), c.atlassian, c.configured.ValueString()))
		default:
			changed = append(changed, c)
		}
	}
	if len(changed) == 0 {
		return false
	}
	replace := func() bool {
		for _, c := range changed {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(c.attr))
		}
		return true
	}
	if plan.AllowReplace.ValueBool() {
		return replace()
	}
	id := state.ID.ValueString()
	members, roles, err := r.heldAccess(ctx, id)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(changed[0].attr), "Could not count what the replacement would remove",
			fmt.Sprintf("Changing the %s of group %q (%s) replaces it, so the plan first counts the group's members "+
				"and roles; reading them failed: %s", changed[0].attr, observed.Name, id, err))
		return false
	}
	if members == 0 && roles == 0 {
		return replace()
	}
	for _, c := range changed {
		to := "an unknown value"
		if isKnownString(c.configured) {
			to = strconv.Quote(c.configured.ValueString())
		}
		resp.Diagnostics.AddAttributeError(path.Root(c.attr), "Replacing the group would remove access",
			fmt.Sprintf("The admin API cannot change a group's %[1]s, so changing it from %[2]q to %[3]s replaces "+
				"group %[4]q (%[5]s): Terraform would delete it and create a new group with a new id, and its %[6]d "+
				"members and %[7]d product roles would be lost (only those Terraform manages and that refer to this "+
				"resource would be granted again). Keep %[1]s = %[2]q, or set allow_replace = true on this resource "+
				"to replace the group anyway.",
				c.attr, c.atlassian, to, observed.Name, id, members, roles))
	}
	return false
}

// heldAccess counts the members and the product roles group id holds
// itself: one listing of the group's grants, which answers both.
func (r *groupResource) heldAccess(ctx context.Context, id string) (members, roles int, err error) {
	for m, err := range r.view.MembersOf(ctx, []access.Group{{ID: id}}, 1) {
		if err != nil {
			return 0, 0, err
		}
		members = len(m.AccountIDs)
	}
	for held, err := range r.view.RolesOf(ctx, []access.Principal{{Type: access.TypeGroup, ID: id}}, 1) {
		if err != nil {
			return 0, 0, err
		}
		roles = len(held.Roles)
	}
	return members, roles, nil
}

func nameTakenDetail(name string, existing access.Group) string {
	return fmt.Sprintf("The organization already has a group named %q (id %s), and group names are unique regardless "+
		"of case. To manage that group with Terraform, import it (an import block with id = %q, or "+
		"`terraform import <address> %s`); otherwise choose another name.", existing.Name, existing.ID, existing.ID, existing.ID)
}

func (r *groupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	// The access layer makes the create safe to retry: it sends it again
	// after a failure that created nothing, and adopts the group a create
	// whose answer was lost did create.
	created, err := r.view.CreateGroup(ctx, name, plan.Description.ValueString())
	if err != nil {
		if errors.Is(err, access.ErrAlreadyExists) || errors.Is(err, access.ErrConflict) {
			// Created by someone else between plan and apply.
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Group name already taken",
				fmt.Sprintf("Group %q cannot be created because a group with that name already exists (names are "+
					"unique regardless of case); it was created after the plan checked the name. Import that group, or "+
					"choose another name.\n\n%s", name, err))
			return
		}
		resp.Diagnostics.AddError("Could not create the group", fmt.Sprintf("Creating group %q failed: %s", name, err))
		return
	}
	tflog.Debug(ctx, "created group", map[string]any{"group_id": created.ID, "directory_id": created.DirectoryID})
	// The state is the plan plus the new ids: a re-read right after the
	// create could be stale on the real service.
	plan.ID = types.StringValue(created.ID)
	plan.DirectoryID = types.StringValue(created.DirectoryID)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, groupIdentityModel{ID: plan.ID}, &resp.Diagnostics)
}

// Read refreshes the group; a group deleted outside Terraform leaves the
// state with a warning, so the next apply creates it again.
func (r *groupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state groupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIdentity(ctx, resp.Identity, groupIdentityModel{ID: state.ID}, &resp.Diagnostics)
	id := state.ID.ValueString()
	g, found, err := r.view.Group(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the group", fmt.Sprintf("Reading group %s failed: %s", id, err))
		return
	}
	if !found {
		resp.Diagnostics.AddWarning("Group deleted outside Terraform",
			fmt.Sprintf("Group %q (%s) no longer exists in the organization, so it is removed from the Terraform state; "+
				"the next apply creates it again (with a new id).", state.Name.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	// The state keeps the configured name and description (after an
	// import there are none yet: Atlassian's are taken); what Atlassian
	// says goes to the private state, where the plan compares the two.
	if state.Name.IsNull() {
		state.Name = types.StringValue(g.Name)
	}
	if state.Description.IsNull() {
		state.Description = types.StringValue(g.Description)
	}
	state.DirectoryID = types.StringValue(g.DirectoryID)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	if raw, err := json.Marshal(groupObserved{Name: g.Name, Description: g.Description}); err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, groupObservedKey, raw)...)
	}
}

// Update records what needs no request: allow_replace, or a name or
// description that the configuration now shares with Atlassian. Any other
// change of those two is a replacement (ModifyPlan).
func (r *groupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, groupIdentityModel{ID: plan.ID}, &resp.Diagnostics)
}

func (r *groupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	var state groupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// Deleting a group that is already gone succeeds (the access layer).
	if err := r.view.DeleteGroup(ctx, id); err != nil {
		detail := fmt.Sprintf("Deleting group %q (%s) failed: %s", state.Name.ValueString(), id, err)
		if errors.Is(err, access.ErrForbidden) {
			detail += "\n\nAtlassian does not let anyone delete groups synced from an identity provider or its " +
				"default product access groups. To stop managing such a group with Terraform without deleting it, " +
				"remove it from the state (a removed block, or `terraform state rm`)."
		}
		resp.Diagnostics.AddError("Could not delete the group", detail)
	}
}

// ImportState takes a group id, or an identity holding it; the group must
// exist.
func (r *groupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	rawID := req.ID
	var identity groupIdentityModel
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		rawID = identity.ID.ValueString()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := r.importGroupID(ctx, rawID, groupImportWording{
		resourceType:   "atlassian_group",
		useInstead:     "the group's id",
		missingSummary: "Cannot import a group that does not exist",
	}, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	setIdentity(ctx, resp.Identity, groupIdentityModel{ID: types.StringValue(id)}, &resp.Diagnostics)
}
