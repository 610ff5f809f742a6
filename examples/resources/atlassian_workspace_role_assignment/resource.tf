# Jira Software for one person, found by email.
data "atlassian_account" "ingrid" {
  email = "ingrid.watanabe@sandbox-org.example"
}

data "atlassian_workspace" "jira" {
  name = "sandbox-org Jira Software"
  type = "jira-software"
}

resource "atlassian_workspace_role_assignment" "ingrid_jira" {
  workspace_id = data.atlassian_workspace.jira.workspace_id
  role         = "atlassian/user"
  account_id   = data.atlassian_account.ingrid.account_id
}

# Confluence administration for everyone in a group.
data "atlassian_group" "engineering" {
  name = "engineering"
}

data "atlassian_workspace" "confluence" {
  name = "sandbox-org Confluence"
  type = "confluence"
}

resource "atlassian_workspace_role_assignment" "engineering_confluence_admins" {
  workspace_id = data.atlassian_workspace.confluence.workspace_id
  role         = "atlassian/admin"
  group_id     = data.atlassian_group.engineering.group_id
}

# Just-in-time administration of Jira for the length of an incident: the
# first apply after expires_at revokes it (run applies on a schedule, see
# examples/ci).
resource "atlassian_workspace_role_assignment" "ingrid_jira_admin" {
  workspace_id = data.atlassian_workspace.jira.workspace_id
  role         = "atlassian/admin"
  account_id   = data.atlassian_account.ingrid.account_id
  expires_at   = "2026-12-08T19:00:00+01:00"
}
