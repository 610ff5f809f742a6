package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ list.ListResource              = (*groupListResource)(nil)
	_ list.ListResourceWithConfigure = (*groupListResource)(nil)
)

// NewGroupListResource returns the atlassian_group list resource.
func NewGroupListResource() list.ListResource { return &groupListResource{} }

type groupListResource struct{ listBase }

type groupListConfig struct {
	NameContains types.String `tfsdk:"name_contains"`
}

func (r *groupListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (r *groupListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the organization's groups as `atlassian_group` resources, for `terraform query` " +
			"(Terraform 1.14 and later). Groups synced from an identity provider are listed too, marked " +
			"`(synced from an identity provider)` in their display name: they can be imported, but Atlassian lets " +
			"nobody delete them, so destroying them fails.",
		Attributes: map[string]schema.Attribute{
			"name_contains": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the groups whose `name` contains this text, regardless of case.",
			},
		},
	}
}

func (r *groupListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config groupListConfig
	r.stream(ctx, req, stream, &config, func(out *results) {
		needle := strings.ToLower(config.NameContains.ValueString())
		for page, err := range r.view.GroupPages(ctx) {
			if err != nil {
				out.fail(listError("Could not list the organization's groups", err))
				return
			}
			for _, g := range page {
				if !strings.Contains(strings.ToLower(g.Name), needle) {
					continue
				}
				object := groupResourceModel{
					ID:          types.StringValue(g.ID),
					Name:        types.StringValue(g.Name),
					Description: types.StringValue(g.Description),
					DirectoryID: types.StringValue(g.DirectoryID),
					// Not a property of the group: a list result leaves it unset.
					AllowReplace: types.BoolNull(),
				}
				if !out.add(ctx, groupDisplayName(g), groupIdentityModel{ID: object.ID}, object) {
					return
				}
			}
		}
	})
}

// listError is the diagnostic of a read that ended a list: what was being
// read, and the access layer's explanation.
func listError(summary string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError(summary, err.Error())
	return diags
}
