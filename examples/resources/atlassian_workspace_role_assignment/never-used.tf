# Take Confluence away from the active accounts that hold atlassian/user on
# it themselves but never used it (Terraform 1.7 and later: import blocks
# with for_each). Each such assignment is imported, so that Terraform owns
# it, with an expiry already past, so that this apply revokes it.
#
# Only roles an account holds itself can be taken away per account. An
# account that reaches Confluence through a group keeps it however it is
# configured here: those are listed by the check below, for a review of the
# group instead.
locals {
  role = "atlassian/user"
  # When the review decided: an expiry in the past revokes the role.
  reviewed_at = "2026-12-01T00:00:00Z"
  # More removals than this in one plan is worth a second look.
  removal_limit = 25
}

data "atlassian_workspace" "confluence" {
  name = "sandbox-org Confluence"
  type = "confluence"
}

# The active people that can reach Confluence, with their last activity
# there (product_access): null when they never used it. App accounts show
# no activity, so they are left out.
data "atlassian_accounts" "confluence" {
  status       = "active"
  account_type = "atlassian"
  workspace_id = data.atlassian_workspace.confluence.workspace_id
}

# Who holds the role, and through which path: "direct" or a group.
data "atlassian_effective_access" "confluence_users" {
  workspace_id = data.atlassian_workspace.confluence.workspace_id
  role         = local.role
}

locals {
  confluence_id = data.atlassian_workspace.confluence.workspace_id
  never_used = {
    for a in data.atlassian_accounts.confluence.accounts : a.account_id => a.email
    if anytrue([for p in a.product_access : p.workspace_id == local.confluence_id && p.last_active == null])
  }
  # Keyed by email, so that the plan names each account.
  unused_direct = {
    for h in data.atlassian_effective_access.confluence_users.access : h.email => h.account_id
    if h.path == "direct" && contains(keys(local.never_used), h.account_id)
  }
  unused_through_groups = sort(distinct([
    for h in data.atlassian_effective_access.confluence_users.access : "${h.email} (${h.path})"
    if h.path != "direct" && contains(keys(local.never_used), h.account_id)
  ]))
}

import {
  for_each = local.unused_direct
  to       = atlassian_workspace_role_assignment.never_used[each.key]
  id       = "${local.confluence_id}|${local.role}|user:${each.value}"
}

resource "atlassian_workspace_role_assignment" "never_used" {
  for_each     = local.unused_direct
  workspace_id = local.confluence_id
  role         = local.role
  account_id   = each.value
  expires_at   = local.reviewed_at
}

check "never_used_removals" {
  assert {
    condition     = length(local.unused_direct) <= local.removal_limit
    error_message = "${length(local.unused_direct)} accounts would lose ${local.role} on Confluence, more than the limit of ${local.removal_limit}: check the activity data before applying."
  }
}

check "never_used_through_groups" {
  assert {
    condition     = length(local.unused_through_groups) == 0
    error_message = "These accounts never used Confluence but hold ${local.role} through a group, which this configuration cannot take away per account: ${join(", ", local.unused_through_groups)}."
  }
}
