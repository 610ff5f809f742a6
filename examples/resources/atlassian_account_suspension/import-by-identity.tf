# Terraform 1.12 and later: import by identity.
import {
  to = atlassian_account_suspension.liam
  identity = {
    account_id = "504054724dbc69eb92ef6fc7"
  }
}
