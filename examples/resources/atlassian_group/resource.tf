resource "atlassian_group" "platform" {
  name        = "platform-engineering"
  description = "Builds and runs the internal platform. Managed by Terraform."
}

# Members and product access refer to the group's id.
data "atlassian_account" "ingrid" {
  email = "ingrid.watanabe@sandbox-org.example"
}

resource "atlassian_group_membership" "platform_ingrid" {
  group_id   = atlassian_group.platform.id
  account_id = data.atlassian_account.ingrid.account_id
}
