# Terraform 1.12 and later: import by identity. name defaults to
# baton-atlassian; the API key is the provider's.
import {
  to = atlassian_connector.this
  identity = {
    organization_id = "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35"
    name            = "baton-atlassian"
  }
}
