# In a .tfquery.hcl file, for terraform query (Terraform 1.14 and later).
# Every membership of one group.
list "atlassian_group_membership" "design" {
  provider = atlassian
  limit    = 10000
  config {
    group_id = "e95b9572-d83c-45e9-9440-6ef41003285b"
  }
}

# Without group_id: every membership of every group that accepts
# membership changes (groups synced from an identity provider are left out).
list "atlassian_group_membership" "all" {
  provider = atlassian
  limit    = 100000
}
