# The id is <workspace ARI>|<role>|user:<account id> or <workspace ARI>|<role>|group:<group id>.
# Quote it: "|" is a pipe to the shell.
terraform import atlassian_workspace_role_assignment.ingrid_jira \
  'ari:cloud:jira::site/a539f4b1-2d74-416b-a6bb-debbbec84443|atlassian/user|user:502bd1d583e94424cbcf0d2f'

terraform import atlassian_workspace_role_assignment.engineering_confluence_admins \
  'ari:cloud:confluence::site/c441f24f-b88d-4185-adf1-87ca68d61ec1|atlassian/admin|group:0c1e2d3f-4a5b-4c7d-8e9f-0a1b2c3d4e5f'

# The baton grant id of an assignment, as a ConductorOne sync or a .c1z file shows it, is accepted too.
terraform import atlassian_workspace_role_assignment.ingrid_jira \
  'workspace:ari:cloud:jira::site/a539f4b1-2d74-416b-a6bb-debbbec84443:role:atlassian/user:user:502bd1d583e94424cbcf0d2f'
