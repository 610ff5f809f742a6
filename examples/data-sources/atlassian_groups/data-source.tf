# Every group of the organization.
data "atlassian_groups" "all" {}

# The product access groups: every group whose name contains "users".
data "atlassian_groups" "product_access" {
  search = "users"
}

output "group_ids_by_name" {
  value = { for group in data.atlassian_groups.all.groups : group.name => group.group_id }
}

# Groups synced from an identity provider: their members are managed there,
# not in Terraform.
output "identity_provider_groups" {
  value = [for group in data.atlassian_groups.all.groups : group.name if group.external_synced]
}

output "product_access_groups" {
  value = data.atlassian_groups.product_access.groups[*].name
}
