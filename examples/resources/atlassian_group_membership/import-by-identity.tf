# Terraform 1.12 and later: import by identity, as terraform query
# -generate-config-out writes it.
import {
  to = atlassian_group_membership.design_liam
  identity = {
    group_id   = "e95b9572-d83c-45e9-9440-6ef41003285b"
    account_id = "504054724dbc69eb92ef6fc7"
  }
}
