# Find a person by email address (compared ignoring case). It is an error if
# nobody, or more than one account, has this address.
data "atlassian_account" "ingrid" {
  email = "ingrid.watanabe@sandbox-org.example"
}

# Or by account id, e.g. one read from an audit log.
data "atlassian_account" "by_id" {
  account_id = "504054724dbc69eb92ef6fc7"
}

# Refuse to grant anything to an account that cannot sign in.
check "ingrid_is_active" {
  assert {
    condition     = data.atlassian_account.ingrid.status == "active"
    error_message = "${data.atlassian_account.ingrid.email} is ${data.atlassian_account.ingrid.status}."
  }
}

output "ingrid_account_id" {
  value = data.atlassian_account.ingrid.account_id
}

output "by_id" {
  value = {
    name   = data.atlassian_account.by_id.name
    email  = data.atlassian_account.by_id.email
    status = data.atlassian_account.by_id.status
  }
}
