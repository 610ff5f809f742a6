# The import id is <group_id>/<account_id>.
terraform import atlassian_group_membership.design_liam e95b9572-d83c-45e9-9440-6ef41003285b/504054724dbc69eb92ef6fc7

# A resource with for_each: quote the address for the shell.
terraform import 'atlassian_group_membership.designers["seoyeon.lin@sandbox-org.example"]' \
  e95b9572-d83c-45e9-9440-6ef41003285b/5071ddcb03875b7ec74c2581
