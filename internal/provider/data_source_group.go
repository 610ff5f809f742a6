package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ datasource.DataSource              = (*groupDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*groupDataSource)(nil)
)

// NewGroupDataSource returns the atlassian_group data source.
func NewGroupDataSource() datasource.DataSource { return &groupDataSource{} }

type groupDataSource struct {
	accessDataSource
}

type groupDataModel struct {
	ID             types.String `tfsdk:"id"`
	GroupID        types.String `tfsdk:"group_id"`
	Name           types.String `tfsdk:"name"`
	Description    types.String `tfsdk:"description"`
	DirectoryID    types.String `tfsdk:"directory_id"`
	ExternalSynced types.Bool   `tfsdk:"external_synced"`
	MemberCount    types.Int64  `tfsdk:"member_count"`
}

func (d *groupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (d *groupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds one group of the organization, by id or by name (set exactly one), and counts its " +
			"members. It is an error when no group matches or when several do, so a configuration never manages the " +
			"wrong group. The usual way to refer to a group created outside Terraform (a product access group, or one " +
			"synced from an identity provider) by its name.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The same as `group_id`.",
			},
			"group_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: groupIDDescription + " Set it to look the group up by id; otherwise it is the id of " +
					"the group found by `name`. Exactly one of `group_id` and `name` must be set.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ExactlyOneOf(path.MatchRoot("group_id"), path.MatchRoot("name")),
				},
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The group's name, as Atlassian stores it. Set it to look the group up by name, " +
					"compared ignoring case.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description":     schema.StringAttribute{Computed: true, MarkdownDescription: groupDescriptionDesc},
			"directory_id":    schema.StringAttribute{Computed: true, MarkdownDescription: groupDirectoryIDDesc},
			"external_synced": schema.BoolAttribute{Computed: true, MarkdownDescription: groupExternalSyncedDescr},
			"member_count": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "How many accounts are members of the group, whatever their status. Counting reads " +
					"the group's member listing (one admin API request per 100 members), shared with the membership " +
					"resources of the same plan.",
			},
		},
	}
}

// groupsNamed returns the groups whose name is name, ignoring case.
func groupsNamed(all []access.Group, name string) []access.Group {
	var out []access.Group
	for _, g := range all {
		if strings.EqualFold(g.Name, name) {
			out = append(out, g)
		}
	}
	return out
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model groupDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}

	var group access.Group
	selector := path.Root("group_id")
	switch {
	case !model.GroupID.IsNull():
		id := model.GroupID.ValueString()
		g, found, err := d.view.Group(ctx, id)
		if err != nil {
			resp.Diagnostics.AddAttributeError(selector, "Could not read the group",
				fmt.Sprintf("Reading group_id %q failed: %s", id, err))
			return
		}
		if !found {
			resp.Diagnostics.AddAttributeError(selector, "Group not found",
				fmt.Sprintf("group_id %q names no group of the organization.", id))
			return
		}
		group = g

	case !model.Name.IsNull():
		selector = path.Root("name")
		name := model.Name.ValueString()
		all, err := d.view.Groups(ctx)
		if err != nil {
			resp.Diagnostics.AddAttributeError(selector, "Could not list the organization's groups", err.Error())
			return
		}
		matches := groupsNamed(all, name)
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(selector, "Group not found",
				fmt.Sprintf("name %q matches no group of the organization.", name))
			return
		case 1:
			group = matches[0]
		default:
			slices.SortFunc(matches, func(a, b access.Group) int { return strings.Compare(a.ID, b.ID) })
			ids := make([]string, len(matches))
			for i, g := range matches {
				ids[i] = g.ID + " (directory " + g.DirectoryID + ")"
			}
			resp.Diagnostics.AddAttributeError(selector, "Several groups have this name",
				fmt.Sprintf("name %q matches %d groups: %s. Look the group up by group_id instead.",
					name, len(matches), quotedList(ids)))
			return
		}

	default:
		// The ExactlyOneOf validator rules this out before Read.
		resp.Diagnostics.AddAttributeError(selector, "Missing group selector", "Set exactly one of group_id and name.")
		return
	}

	members, found, err := d.view.GroupMembers(ctx, group.ID)
	if err != nil {
		resp.Diagnostics.AddAttributeError(selector, "Could not list the group's members",
			fmt.Sprintf("Listing the members of group %q (%s) failed: %s", group.Name, group.ID, err))
		return
	}
	if !found {
		// Deleted between the lookup and the member listing.
		resp.Diagnostics.AddAttributeError(selector, "Group not found",
			fmt.Sprintf("Group %q (%s) was deleted while it was being read.", group.Name, group.ID))
		return
	}

	model.ID = types.StringValue(group.ID)
	model.GroupID = types.StringValue(group.ID)
	model.Name = types.StringValue(group.Name)
	model.Description = types.StringValue(group.Description)
	model.DirectoryID = types.StringValue(group.DirectoryID)
	model.ExternalSynced = types.BoolValue(group.ExternalSynced)
	model.MemberCount = types.Int64Value(int64(len(members)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
