# Suspend the managed accounts that used no product for 90 days, except
# those listed. Inactivity is judged at each plan, so the set grows as time
# passes: read the plan before applying it. A suspended account stays
# inactive, so it stays in the set (and suspended) until it is listed as an
# exception; organization admins cannot be suspended and are left out.
locals {
  never_suspend = [
    "ingrid.watanabe@sandbox-org.example",
    "xiu.doyle@sandbox-org.example",
  ]
  # More suspensions than this in one plan is worth a second look.
  suspension_limit = 50
}

data "atlassian_accounts" "inactive" {
  claim_status = "managed"
  inactive_for = "90d"
}

locals {
  inactive_accounts = {
    for a in data.atlassian_accounts.inactive.accounts : a.email => a.account_id
    if contains(["active", "suspended"], a.status)
    && !contains(a.platform_roles, "atlassian/org-admin")
    && !contains(local.never_suspend, a.email)
  }
}

resource "atlassian_account_suspension" "inactive" {
  for_each   = local.inactive_accounts
  account_id = each.value
}

check "inactive_suspensions" {
  assert {
    condition     = length(local.inactive_accounts) <= local.suspension_limit
    error_message = "${length(local.inactive_accounts)} accounts would be suspended for inactivity, more than the limit of ${local.suspension_limit}: check the exceptions and the activity data before applying."
  }
}
