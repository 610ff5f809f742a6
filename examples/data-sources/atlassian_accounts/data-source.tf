# Every account of the organization.
data "atlassian_accounts" "all" {}

# The staff members of a group who can still sign in.
data "atlassian_group" "engineering" {
  name = "engineering"
}

data "atlassian_accounts" "active_engineers" {
  group_id     = data.atlassian_group.engineering.group_id
  status       = "active"
  account_type = "atlassian"
}

# Suspended accounts, for an access review.
data "atlassian_accounts" "suspended" {
  status = "suspended"
}

# Free text: every account whose name or email contains "chen", ignoring case.
data "atlassian_accounts" "chen" {
  search = "chen"
}

output "account_count" {
  value = length(data.atlassian_accounts.all.accounts)
}

output "active_engineer_emails" {
  value = data.atlassian_accounts.active_engineers.accounts[*].email
}

output "suspended_account_ids" {
  value = data.atlassian_accounts.suspended.accounts[*].account_id
}

# Give every active engineer Confluence, one assignment each, keyed by
# account id so that people joining or leaving the group change only their
# own assignment.
data "atlassian_workspace" "confluence" {
  name = "sandbox-org Confluence"
  type = "confluence"
}

resource "atlassian_workspace_role_assignment" "engineers_confluence" {
  for_each = { for account in data.atlassian_accounts.active_engineers.accounts : account.account_id => account }

  workspace_id = data.atlassian_workspace.confluence.workspace_id
  role         = "atlassian/user"
  account_id   = each.key
}
