# In a .tfquery.hcl file, for terraform query (Terraform 1.14 and later).
# One member list per group that accepts membership changes, each member
# labelled with its email.
list "atlassian_group_members" "all" {
  provider = atlassian
  limit    = 10000
}

# One group's member list.
list "atlassian_group_members" "sre" {
  provider = atlassian
  config {
    group_id = "ce6aca9f-f5d0-4ea1-b56b-766c0495744a"
  }
}
