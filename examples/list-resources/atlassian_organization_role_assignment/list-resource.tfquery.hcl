# In a .tfquery.hcl file, for terraform query (Terraform 1.14 and later).
# Every organization admin, to adopt with -generate-config-out.
list "atlassian_organization_role_assignment" "admins" {
  provider = atlassian
}
