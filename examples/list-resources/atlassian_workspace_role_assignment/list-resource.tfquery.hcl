# In a .tfquery.hcl file, for terraform query (Terraform 1.14 and later).
# Every role on one workspace, held by groups or by accounts directly.
list "atlassian_workspace_role_assignment" "jira" {
  provider = atlassian
  limit    = 10000
  config {
    workspace_id = "ari:cloud:jira::site/a539f4b1-2d74-416b-a6bb-debbbec84443"
  }
}

# Without workspace_id: every role on every workspace.
list "atlassian_workspace_role_assignment" "all" {
  provider = atlassian
  limit    = 10000
}
