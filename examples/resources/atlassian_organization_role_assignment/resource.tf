# Make one person an organization admin. An organization admin can do
# anything in the organization: keep this list short and reviewed.
data "atlassian_account" "ingrid" {
  email = "ingrid.watanabe@sandbox-org.example"
}

resource "atlassian_organization_role_assignment" "ingrid" {
  account_id = data.atlassian_account.ingrid.account_id
  role       = "atlassian/org-admin"
}
