# A group and its whole member list, from a list of emails. Anyone else in
# the group is removed by the next apply.
locals {
  sre_team = [
    "ingrid.watanabe@sandbox-org.example",
    "elijah.suzuki@sandbox-org.example",
    "xiu.doyle@sandbox-org.example",
  ]
}

data "atlassian_account" "sre" {
  for_each = toset(local.sre_team)
  email    = each.value
}

resource "atlassian_group" "sre" {
  name        = "site-reliability"
  description = "On-call engineers. Members managed by Terraform."
}

resource "atlassian_group_members" "sre" {
  group_id = atlassian_group.sre.id
  # account id => label; the labels (emails here) make plans readable.
  members = { for email, account in data.atlassian_account.sre : account.account_id => email }
  # Just-in-time: one member only until the end of the on-call week. The
  # first apply after that time removes them (run applies on a schedule, see
  # examples/ci); the others stay.
  member_expiry = {
    (data.atlassian_account.sre["xiu.doyle@sandbox-org.example"].account_id) = "2026-12-08T18:00:00Z"
  }
}

# Thousands of members are fine: everyone active at the EU domain.
data "atlassian_accounts" "eu_staff" {
  search       = "@sandbox-org-eu.example"
  account_type = "atlassian"
  status       = "active"
}

resource "atlassian_group" "eu_staff" {
  name        = "eu-staff"
  description = "Everyone at the EU office. Members managed by Terraform."
}

resource "atlassian_group_members" "eu_staff" {
  group_id = atlassian_group.eu_staff.id
  members  = { for a in data.atlassian_accounts.eu_staff.accounts : a.account_id => a.email }
}
