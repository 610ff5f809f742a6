# In a .tfquery.hcl file, for terraform query (Terraform 1.14 and later).
# Every suspended account: raise limit (Terraform's default is 100 results
# per list).
list "atlassian_account_suspension" "suspended" {
  provider = atlassian
  limit    = 10000
}
