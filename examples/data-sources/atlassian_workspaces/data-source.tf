# Every workspace (product instance) of the organization.
data "atlassian_workspaces" "all" {}

# Every Jira workspace, whatever the Jira product.
data "atlassian_workspaces" "jira" {
  product = "jira"
}

# Only Confluence.
data "atlassian_workspaces" "confluence" {
  type = "confluence"
}

output "workspace_urls" {
  value = { for workspace in data.atlassian_workspaces.all.workspaces : workspace.name => workspace.host_url }
}

output "jira_workspace_ids" {
  value = data.atlassian_workspaces.jira.workspaces[*].workspace_id
}

output "online_confluence_workspaces" {
  value = [for workspace in data.atlassian_workspaces.confluence.workspaces : workspace.name if workspace.status == "online"]
}
