# Eight hours of access for an on-call engineer, with an expiry that stays
# put. time_offset (from the hashicorp/time provider) computes the instant
# once, when it is created, and keeps it in its state: every later plan
# knows it, and the first apply after it removes the membership.
resource "time_offset" "oncall_shift" {
  offset_hours = 8
}

resource "atlassian_group_membership" "oncall_ingrid" {
  group_id   = "e95b9572-d83c-45e9-9440-6ef41003285b"
  account_id = "504054724dbc69eb92ef6fc7"
  expires_at = time_offset.oncall_shift.rfc3339
}

# NOT this: timestamp() is new at every apply, so every scheduled apply
# pushes the expiry another eight hours out and the access never ends.
# Plans warn about it ("Expiry not known until apply").
#
#   expires_at = timeadd(timestamp(), "8h")
#
# To grant the next shift, replace the time resource:
#   terraform apply -replace=time_offset.oncall_shift
