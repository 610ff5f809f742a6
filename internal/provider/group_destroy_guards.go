package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Mass removal on destroy. Destroying a resource that adopted access takes
// that access away, however long it existed before Terraform: the plans
// refuse what Atlassian will refuse anyway (deleting a group synced from an
// identity provider or a default group, which would otherwise fail only
// after the group's memberships and roles had been destroyed), and warn,
// with a count, when a destroy empties a group that had members before
// Terraform managed its list.

// stopManagingAdvice is how the destroy guards say to let go of a resource
// without touching what it manages, and to protect what must never go.
func stopManagingAdvice(address string) string {
	return fmt.Sprintf("To stop managing it with Terraform and leave everything in Atlassian as it is, replace the "+
		"resource block with a removed block (Terraform 1.7 and later; or `terraform state rm`):\n\n"+
		"  removed {\n    from = %s\n    lifecycle {\n      destroy = false\n    }\n  }\n\n"+
		"To make sure no plan ever destroys it, add lifecycle { prevent_destroy = true } to the resource.", address)
}

// refuseUndeletableGroup makes the plan fail when it deletes group id
// (destroy, or a replacement when replacing is true) and Atlassian refuses
// to delete that group. A group that is already gone, or cannot be read,
// is left to the apply.
func (r *groupResource) refuseUndeletableGroup(ctx context.Context, id string, replacing bool, diags *diag.Diagnostics) {
	g, found, err := r.view.Group(ctx, id)
	if err != nil || !found || (!g.ExternalSynced && !g.Undeletable) {
		return
	}
	why := "is a group Atlassian does not let anyone delete (a default product access group, or one that grants " +
		"admin access to a product or the organization)"
	if g.ExternalSynced {
		why = "is synced from an identity provider (SCIM), and only that identity provider can delete it"
	}
	what, advice := "Destroying this resource deletes the group", stopManagingAdvice("atlassian_group.<name>")
	if replacing {
		what = "This change replaces the group: Terraform would delete it and create another"
		advice = "Keep name and description as Atlassian has them. " + advice
	}
	diags.AddError("Atlassian refuses to delete this group",
		fmt.Sprintf("%s, but group %q (%s) %s: the delete would fail, and only after Terraform had destroyed the "+
			"resources that depend on the group, such as its memberships and product roles, taking that access away. "+
			"%s", what, g.Name, g.ID, why, advice))
}

// adoptedMembersKey names, in an atlassian_group_members resource's
// private state, whether the group had members when the resource started
// managing its list (imported, or created over existing members): JSON
// true or false. States written before it have none, and count as adopted.
const adoptedMembersKey = "adopted_members"

func writeAdoptedMembers(ctx context.Context, private privateSetter, adopted bool, diags *diag.Diagnostics) {
	raw, err := json.Marshal(adopted)
	if err != nil {
		return
	}
	diags.Append(private.SetKey(ctx, adoptedMembersKey, raw)...)
}

// membersAdopted reports whether the list's group had members before the
// resource managed it; unknown (no or unreadable mark) counts as yes.
func membersAdopted(ctx context.Context, private privateGetter) bool {
	if private == nil {
		return true
	}
	raw, diags := private.GetKey(ctx, adoptedMembersKey)
	var adopted bool
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &adopted) != nil {
		return true
	}
	return adopted
}

// warnEmptiedGroup warns, with their count, that destroying the resource
// (or moving it to group movedTo) removes every member it holds from its
// group, when that group had members before the resource managed it.
func warnEmptiedGroup(ctx context.Context, private privateGetter, state groupMembersModel, movedTo string, diags *diag.Diagnostics) {
	if !membersAdopted(ctx, private) {
		return
	}
	held := heldMembers(memberLabels(state.Members), memberActiveValues(state.MemberActive))
	if len(held) == 0 {
		return
	}
	groupID := state.GroupID.ValueString()
	group := "group " + groupID
	if facts, ok := readGroupFacts(ctx, private); ok && facts.Name != "" {
		group = fmt.Sprintf("group %q (%s)", facts.Name, groupID)
	}
	what := "Destroying this atlassian_group_members removes every member it lists"
	if movedTo != "" {
		what = fmt.Sprintf("Moving this atlassian_group_members to group %s first removes every member it lists", movedTo)
	}
	lose := accountsLose(len(held))
	diags.AddWarning(fmt.Sprintf("%s their membership of %s", lose, group),
		fmt.Sprintf("%s from %s, which had members before Terraform managed its list (it was imported or adopted): "+
			"%s their membership, and the product access the group gives them. The group itself stays, empty. %s",
			what, group, lose, stopManagingAdvice("atlassian_group_members.<name>")))
}

// accountsLose is "1 account loses" or "<n> accounts lose".
func accountsLose(n int) string {
	if n == 1 {
		return "1 account loses"
	}
	return fmt.Sprintf("%d accounts lose", n)
}
