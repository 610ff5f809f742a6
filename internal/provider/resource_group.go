package provider

import (
	"context"
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

type groupResource struct{ groupResourceBase }

type groupResourceModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	DirectoryID types.String `tfsdk:"directory_id"`
}

func (r *groupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (r *groupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A group of the organization's directory, created and deleted by Terraform. Its members " +
			"are managed separately, by `atlassian_group_members` (the whole member list) or " +
			"`atlassian_group_membership` (one member each); its product access by `atlassian_workspace_role_assignment`.\n\n" +
			"The admin API can create and delete groups but not change them, so **changing `name` or `description` " +
			"replaces the group**: Terraform deletes it and creates a new one with a new id, and the members and roles " +
			"of the old group are gone with it (Terraform re-creates those that it manages and that refer to this " +
			"resource). A group deleted outside Terraform is removed from the state with a warning and created again " +
			"by the next apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group id, a UUID. This is also the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:      true,
				PlanModifiers: replace,
				MarkdownDescription: fmt.Sprintf("The group name, unique in the organization regardless of case, "+
					"1 to %d characters without white space at either end. A name that another group already has "+
					"fails the plan: import that group instead. Changing it replaces the group.", maxGroupNameLength),
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxGroupNameLength),
					stringvalidator.RegexMatches(groupNamePattern, "must not start or end with white space"),
				},
			},
			"description": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(""),
				PlanModifiers: replace,
				MarkdownDescription: "What the group is for, shown in admin.atlassian.com. Defaults to no description " +
					"(`\"\"`). The admin API cannot change a description, so **changing it replaces the group** " +
					"(see above); a description changed outside Terraform shows up as a planned replacement. If " +
					"descriptions are edited by hand in admin.atlassian.com, add `lifecycle { ignore_changes = [description] }`.",
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

// ModifyPlan makes a name that another group already has fail the plan, on
// name, when the group is created or renamed (one group listing). A plan
// that changes nothing reads nothing.
func (r *groupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.directory == nil {
		return // destroy, or the provider is not configured yet
	}
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !isKnownString(plan.Name) {
		return
	}
	// The group a replacement deletes first: its name, in any case, is free.
	var replacedID string
	if !req.State.Raw.IsNull() {
		var state groupResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() || (state.Name.Equal(plan.Name) && state.Description.Equal(plan.Description)) {
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
	groups, err := r.directory.Groups(ctx)
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
	created, err := r.directory.CreateGroup(ctx, name, plan.Description.ValueString())
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
	g, found, err := r.directory.Group(ctx, id)
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
	state.Name = types.StringValue(g.Name)
	state.Description = types.StringValue(g.Description)
	state.DirectoryID = types.StringValue(g.DirectoryID)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called: every argument forces a new group.
func (r *groupResource) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Unexpected update",
		"Every argument of atlassian_group forces a new group, so it is never updated in place. This is a bug in the provider; please report it.")
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
	if err := r.directory.DeleteGroup(ctx, id); err != nil {
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
