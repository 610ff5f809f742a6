# Add one person to an existing group, found by name. The group's other
# members are left alone.
data "atlassian_group" "design" {
  name = "design"
}

data "atlassian_account" "liam" {
  email = "liam.reddy@sandbox-org.example"
}

resource "atlassian_group_membership" "design_liam" {
  group_id   = data.atlassian_group.design.group_id
  account_id = data.atlassian_account.liam.account_id
}

# Several people, one resource each.
data "atlassian_account" "designers" {
  for_each = toset([
    "seoyeon.lin@sandbox-org.example",
    "michael.chen@sandbox-org.example",
  ])
  email = each.value
}

resource "atlassian_group_membership" "designers" {
  for_each   = data.atlassian_account.designers
  group_id   = data.atlassian_group.design.group_id
  account_id = each.value.account_id
}

# Just-in-time access: the membership ends at the first apply after
# expires_at (run applies on a schedule, see examples/ci). Any offset is
# accepted; plans show the time in UTC.
data "atlassian_account" "ingrid" {
  email = "ingrid.watanabe@sandbox-org.example"
}

resource "atlassian_group_membership" "incident_4711" {
  group_id   = data.atlassian_group.design.group_id
  account_id = data.atlassian_account.ingrid.account_id
  expires_at = "2026-12-08T18:00:00Z" # reviewed in the pull request like any other change
}
