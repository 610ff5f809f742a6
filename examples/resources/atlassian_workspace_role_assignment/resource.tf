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
