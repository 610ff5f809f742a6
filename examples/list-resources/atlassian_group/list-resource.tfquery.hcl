# In a .tfquery.hcl file, for terraform query (Terraform 1.14 and later).
# Every group: raise limit (Terraform's default is 100 results per list).
list "atlassian_group" "all" {
  provider = atlassian
  limit    = 10000
}

# Only the groups whose name contains "platform", regardless of case.
list "atlassian_group" "platform" {
  provider = atlassian
  config {
    name_contains = "platform"
  }
}
