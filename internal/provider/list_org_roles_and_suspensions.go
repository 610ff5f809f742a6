package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

var (
	_ list.ListResource              = (*organizationRoleAssignmentListResource)(nil)
	_ list.ListResourceWithConfigure = (*organizationRoleAssignmentListResource)(nil)
	_ list.ListResource              = (*accountSuspensionListResource)(nil)
	_ list.ListResourceWithConfigure = (*accountSuspensionListResource)(nil)
)

// NewOrganizationRoleAssignmentListResource returns the
// atlassian_organization_role_assignment list resource.
func NewOrganizationRoleAssignmentListResource() list.ListResource {
	return &organizationRoleAssignmentListResource{}
}

// NewAccountSuspensionListResource returns the atlassian_account_suspension
// list resource.
func NewAccountSuspensionListResource() list.ListResource { return &accountSuspensionListResource{} }

type (
	organizationRoleAssignmentListResource struct{ listBase }
	accountSuspensionListResource          struct{ listBase }
	// noListConfig: these lists take no filter.
	noListConfig struct{}
)

func (r *organizationRoleAssignmentListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization_role_assignment"
}

func (r *organizationRoleAssignmentListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the organization admins as `atlassian_organization_role_assignment` resources, for " +
			"`terraform query` (Terraform 1.14 and later), each named by the account's email. One account listing.",
	}
}

func (r *organizationRoleAssignmentListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.stream(ctx, req, stream, &noListConfig{}, func(out *results) {
		admins, err := r.view.OrganizationAdmins(ctx)
		if err != nil {
			out.fail(listError("Could not list the organization admins", err))
			return
		}
		accounts, err := r.view.FindAccounts(ctx, admins)
		if err != nil {
			out.fail(listError("Could not read the organization admins' accounts", err))
			return
		}
		for _, id := range admins {
			object := existingOrganizationRoleAssignment(access.RoleOrgAdmin, id)
			if !out.add(ctx, accountDisplayName(accounts[id], id), object.identity(), object) {
				return
			}
		}
	})
}

func (r *accountSuspensionListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_suspension"
}

func (r *accountSuspensionListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the suspended accounts as `atlassian_account_suspension` resources, for " +
			"`terraform query` (Terraform 1.14 and later), each named by the account's email.",
	}
}

func (r *accountSuspensionListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.stream(ctx, req, stream, &noListConfig{}, func(out *results) {
		for page, err := range r.view.AccountPages(ctx) {
			if err != nil {
				out.fail(listError("Could not list the organization's accounts", err))
				return
			}
			for _, a := range page {
				if a.Status != access.StatusSuspended {
					continue
				}
				object := accountSuspensionModel{ID: types.StringValue(a.ID), AccountID: types.StringValue(a.ID)}
				if !out.add(ctx, accountDisplayName(a, a.ID), object.identity(), object) {
					return
				}
			}
		}
	})
}

// accountDisplayName names an account in query output by its email, or its
// name, or its id.
func accountDisplayName(a access.Account, id string) string {
	for _, name := range []string{a.Email, a.Name} {
		if name != "" {
			return name
		}
	}
	return id
}
