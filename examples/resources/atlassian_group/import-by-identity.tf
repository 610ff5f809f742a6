# Terraform 1.12 and later: import by identity, as terraform query
# -generate-config-out writes it.
import {
  to = atlassian_group.platform
  identity = {
    id = "ce6aca9f-f5d0-4ea1-b56b-766c0495744a"
  }
}
