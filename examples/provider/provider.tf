terraform {
  required_providers {
    atlassian = {
      source = "cureigad/atlassian"
    }
  }
}

# Credentials are best left to the environment:
#   export ATLASSIAN_ORGANIZATION_ID=3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37
#   export ATLASSIAN_API_TOKEN=...   # an organization API key without scopes
# (BATON_ORGANIZATION_ID / BATON_ORG and BATON_ACCESS_TOKEN / BATON_API_TOKEN work too.)
provider "atlassian" {
  # Share Atlassian's rate limit politely with other tools of the organization.
  requests_per_second = 20
  max_concurrency     = 8
  # Plans warn about grants (expires_at, member_expiry) that expire within
  # this window, so that reviewers see what is about to lapse.
  expiry_warning_window = "72h"
}
