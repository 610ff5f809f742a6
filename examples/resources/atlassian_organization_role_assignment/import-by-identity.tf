# Terraform 1.12 and later: import by identity.
import {
  to = atlassian_organization_role_assignment.ivan
  identity = {
    account_id = "57517bc6cc009900ad755128"
    role       = "atlassian/org-admin"
  }
}
