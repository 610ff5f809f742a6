package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ datasource.DataSource              = (*groupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*groupsDataSource)(nil)
)

// NewGroupsDataSource returns the atlassian_groups data source.
func NewGroupsDataSource() datasource.DataSource { return &groupsDataSource{} }

type groupsDataSource struct {
	accessDataSource
}

type groupsModel struct {
	ID     types.String `tfsdk:"id"`
	Search types.String `tfsdk:"search"`
	Groups []groupModel `tfsdk:"groups"`
}

type groupModel struct {
	GroupID        string `tfsdk:"group_id"`
	Name           string `tfsdk:"name"`
	Description    string `tfsdk:"description"`
	DirectoryID    string `tfsdk:"directory_id"`
	ExternalSynced bool   `tfsdk:"external_synced"`
}

// Descriptions shared by the plural and the singular data source.
const (
	groupIDDescription       = "The group id (a UUID): what memberships and group role assignments refer to."
	groupNameDescription     = "The group's name, unique in the organization (ignoring case)."
	groupDescriptionDesc     = "The group's description; empty when it has none."
	groupDirectoryIDDesc     = "The id of the user directory the group belongs to."
	groupExternalSyncedDescr = "`true` when the group is synced from an identity provider (SCIM): its members are managed " +
		"there, and the admin API refuses membership changes and deletion."
)

func groupAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"group_id":        schema.StringAttribute{Computed: true, MarkdownDescription: groupIDDescription},
		"name":            schema.StringAttribute{Computed: true, MarkdownDescription: groupNameDescription},
		"description":     schema.StringAttribute{Computed: true, MarkdownDescription: groupDescriptionDesc},
		"directory_id":    schema.StringAttribute{Computed: true, MarkdownDescription: groupDirectoryIDDesc},
		"external_synced": schema.BoolAttribute{Computed: true, MarkdownDescription: groupExternalSyncedDescr},
	}
}

func (d *groupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_groups"
}

func (d *groupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the groups of the organization, in every directory, optionally only those whose name " +
			"contains a search term. The group listing is read once per plan and shared by every group data " +
			"source. To find one group by name, and fail when there is none, use `atlassian_group`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`groups` when no filter is set; otherwise a stable hash of the filter.",
			},
			"search": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only groups whose name contains this text, ignoring case.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"groups": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching groups, sorted by name (ignoring case), then by id.",
				NestedObject:        schema.NestedAttributeObject{Attributes: groupAttributes()},
			},
		},
	}
}

// filterGroups returns, in a new slice sorted by name then id, the groups
// whose name contains search (ignoring case; "" matches all). The input is
// the directory's shared listing and is never modified.
func filterGroups(all []access.Group, search string) []access.Group {
	out := []access.Group{}
	for _, g := range all {
		if search == "" || containsFold(g.Name, search) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b access.Group) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (d *groupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model groupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}
	all, err := d.view.Groups(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list the organization's groups", err.Error())
		return
	}
	search := model.Search.ValueString()
	matched := filterGroups(all, search)
	model.ID = types.StringValue(filtersID("groups", "search", strings.ToLower(search)))
	model.Groups = make([]groupModel, len(matched))
	for i, g := range matched {
		model.Groups[i] = groupModel{
			GroupID: g.ID, Name: g.Name, Description: g.Description,
			DirectoryID: g.DirectoryID, ExternalSynced: g.ExternalSynced,
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
