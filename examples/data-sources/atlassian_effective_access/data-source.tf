data "atlassian_workspace" "jira" {
  name = "sandbox-org Jira Software"
  type = "jira-software"
}

# Who holds atlassian/admin on the Jira workspace, and through which path.
data "atlassian_effective_access" "jira_admins" {
  workspace_id = data.atlassian_workspace.jira.workspace_id
  role         = "atlassian/admin"
}

locals {
  unmanaged_jira_admins = sort(distinct([
    for a in data.atlassian_effective_access.jira_admins.access :
    "${a.email} (${a.path})" if a.claim_status != "managed"
  ]))
}

# A check block reports a failed assertion as a warning on every plan and
# apply: the run goes on.
check "no_unmanaged_jira_admins" {
  assert {
    condition     = length(local.unmanaged_jira_admins) == 0
    error_message = "Unmanaged accounts hold atlassian/admin on Jira: ${join(", ", local.unmanaged_jira_admins)}."
  }
}

# A precondition fails the plan itself: nothing is applied while an
# unmanaged account holds atlassian/admin on Jira.
output "jira_admin_emails" {
  value = sort(distinct(data.atlassian_effective_access.jira_admins.access[*].email))

  precondition {
    condition     = length(local.unmanaged_jira_admins) == 0
    error_message = "Unmanaged accounts hold atlassian/admin on Jira: ${join(", ", local.unmanaged_jira_admins)}."
  }
}

# Who would lose access to Jira if the group "jira-software-users" lost its roles
# there (or were deleted): the accounts whose every path to Jira goes
# through that group.
data "atlassian_group" "jira_users" {
  name = "jira-software-users"
}

data "atlassian_effective_access" "jira" {
  workspace_id = data.atlassian_workspace.jira.workspace_id
}

locals {
  jira_users_id = data.atlassian_group.jira_users.group_id
  keep_jira_without_jira_users = toset([
    for a in data.atlassian_effective_access.jira.access : a.account_id if a.path_group_id != local.jira_users_id
  ])
}

output "would_lose_jira_access" {
  value = sort(distinct([
    for a in data.atlassian_effective_access.jira.access :
    a.email if a.path_group_id == local.jira_users_id && !contains(local.keep_jira_without_jira_users, a.account_id)
  ]))
}

# Everything one account holds, directly or through its groups.
data "atlassian_account" "ingrid" {
  email = "ingrid.watanabe@sandbox-org.example"
}

data "atlassian_effective_access" "ingrid" {
  account_id = data.atlassian_account.ingrid.account_id
}

output "ingrid_access" {
  value = [
    for a in data.atlassian_effective_access.ingrid.access :
    "${a.access_type} ${a.role} on ${a.resource_name} (${a.path})"
  ]
}
