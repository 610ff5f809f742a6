# Make one person an organization admin. An organization admin can do
# anything in the organization: keep this list short and reviewed.
data "atlassian_account" "ingrid" {
  email = "ingrid.watanabe@sandbox-org.example"
}

resource "atlassian_organization_role_assignment" "ingrid" {
  account_id = data.atlassian_account.ingrid.account_id
  role       = "atlassian/org-admin"
}

# Just-in-time organization administration for the length of an incident:
# the first apply after expires_at revokes it (run applies on a schedule,
# see examples/ci). The plan refuses an expiry that would leave the
# organization without any organization admin.
data "atlassian_account" "ivan" {
  email = "ivan.nwosu@sandbox-org.example"
}

resource "atlassian_organization_role_assignment" "ivan_incident" {
  account_id = data.atlassian_account.ivan.account_id
  role       = "atlassian/org-admin"
  expires_at = "2026-12-08T19:00:00+01:00"
}
