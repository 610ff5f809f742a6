# Suspend one person's access to the organization while this resource
# exists; removing it restores the access, with the groups and roles the
# account had.
data "atlassian_account" "liam" {
  email = "liam.reddy@sandbox-org.example"
}

resource "atlassian_account_suspension" "liam" {
  account_id = data.atlassian_account.liam.account_id
}
