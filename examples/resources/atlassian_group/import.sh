# The import id is the group id (the atlassian_group data source finds it by name).
terraform import atlassian_group.platform ce6aca9f-f5d0-4ea1-b56b-766c0495744a
