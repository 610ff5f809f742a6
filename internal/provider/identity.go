package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later): every resource declares the
// values that name its remote object, stores them beside its state, and can
// be imported from them (an import block's identity, and the import blocks
// `terraform query -generate-config-out` writes). Older CLIs never ask for
// identities; the resources behave for them as before.
//
// States written before identities existed have none: every Read sets the
// identity from the state it read before anything else, so a refresh of
// such a state (even one that removes the resource) gives it its identity.

// Identity models: the fields are the identity attributes, named like the
// resource attributes that hold the same values; the role assignment's
// holder is a type and an id, as in its import id, so that every attribute
// of its identity is set.
type (
	groupIdentityModel struct {
		ID types.String `tfsdk:"id"`
	}
	groupMembershipIdentityModel struct {
		GroupID   types.String `tfsdk:"group_id"`
		AccountID types.String `tfsdk:"account_id"`
	}
	groupMembersIdentityModel struct {
		GroupID types.String `tfsdk:"group_id"`
	}
	roleAssignmentIdentityModel struct {
		WorkspaceID   types.String `tfsdk:"workspace_id"`
		Role          types.String `tfsdk:"role"`
		PrincipalType types.String `tfsdk:"principal_type"`
		PrincipalID   types.String `tfsdk:"principal_id"`
	}
	connectorIdentityModel struct {
		OrganizationID types.String `tfsdk:"organization_id"`
		Name           types.String `tfsdk:"name"`
	}
)

// requiredIdentity is an identity attribute an import block must set.
func requiredIdentity(description string) identityschema.StringAttribute {
	return identityschema.StringAttribute{RequiredForImport: true, Description: description}
}

// setIdentity records identity beside the state, when the framework gives
// the response an identity (it always does for a resource with an identity
// schema).
func setIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, identity any, diags *diag.Diagnostics) {
	if target != nil {
		diags.Append(target.Set(ctx, identity)...)
	}
}

// importIdentity reads the identity of an import by identity into out and
// reports whether the import is one; an import by id (the command, or an
// import block's id) has req.ID set instead.
func importIdentity(ctx context.Context, req resource.ImportStateRequest, out any, diags *diag.Diagnostics) bool {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return false
	}
	diags.Append(req.Identity.Get(ctx, out)...)
	return true
}
