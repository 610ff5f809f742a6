# Find a group by name (compared ignoring case).
data "atlassian_group" "engineering" {
  name = "engineering"
}

# Or by id.
data "atlassian_group" "same_group" {
  group_id = data.atlassian_group.engineering.group_id
}

output "engineering" {
  value = {
    group_id        = data.atlassian_group.engineering.group_id
    member_count    = data.atlassian_group.engineering.member_count
    external_synced = data.atlassian_group.engineering.external_synced
  }
}
