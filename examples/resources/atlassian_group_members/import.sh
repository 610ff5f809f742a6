# The import id is the group id. Importing takes over the group's member
# list as it is (no takeover refusal): edit members afterwards.
terraform import atlassian_group_members.sre ce6aca9f-f5d0-4ea1-b56b-766c0495744a
