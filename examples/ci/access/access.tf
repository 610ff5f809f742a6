# Who has access to what. Every change is a pull request: its plan is posted
# on it for review, and merging applies it. Temporary access carries its own
# end; the scheduled apply takes it away.

data "atlassian_group" "prod_admins" {
  name = "prod-admins"
}

data "atlassian_account" "ingrid" {
  email = "ingrid@example.com"
}

# Granted for an incident, until the given time. The first scheduled apply
# after it removes the membership (within about 15 minutes).
resource "atlassian_group_membership" "incident_4711_ingrid" {
  group_id   = data.atlassian_group.prod_admins.group_id
  account_id = data.atlassian_account.ingrid.account_id
  expires_at = "2026-12-08T18:00:00Z"
}
