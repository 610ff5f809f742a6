# Find a workspace by name and product type: a site's Jira and Confluence
# workspaces can share a name, so the type is required with the name.
data "atlassian_workspace" "jira" {
  name = "sandbox-org Jira Software"
  type = "jira-software"
}

# Or by id (an ARI).
data "atlassian_workspace" "same_workspace" {
  workspace_id = data.atlassian_workspace.jira.workspace_id
}

output "jira" {
  value = {
    workspace_id = data.atlassian_workspace.jira.workspace_id
    host_url     = data.atlassian_workspace.jira.host_url
    status       = data.atlassian_workspace.jira.status
  }
}
