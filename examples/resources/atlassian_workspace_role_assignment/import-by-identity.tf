# Terraform 1.12 and later: import by identity, as terraform query
# -generate-config-out writes it. principal_type is "user" for an
# account_id, "group" for a group_id.
import {
  to = atlassian_workspace_role_assignment.ingrid_jira
  identity = {
    workspace_id   = "ari:cloud:jira::site/a539f4b1-2d74-416b-a6bb-debbbec84443"
    role           = "atlassian/user"
    principal_type = "user"
    principal_id   = "502bd1d583e94424cbcf0d2f"
  }
}

import {
  to = atlassian_workspace_role_assignment.engineering_confluence_admins
  identity = {
    workspace_id   = "ari:cloud:confluence::site/c441f24f-b88d-4185-adf1-87ca68d61ec1"
    role           = "atlassian/admin"
    principal_type = "group"
    principal_id   = "0c1e2d3f-4a5b-4c7d-8e9f-0a1b2c3d4e5f"
  }
}
