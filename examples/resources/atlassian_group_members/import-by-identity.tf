# Terraform 1.12 and later: import by identity, as terraform query
# -generate-config-out writes it. Like an import by id, it takes over the
# group's member list as it is.
import {
  to = atlassian_group_members.sre
  identity = {
    group_id = "ce6aca9f-f5d0-4ea1-b56b-766c0495744a"
  }
}
