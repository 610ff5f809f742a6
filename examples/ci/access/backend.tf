# The state lives in an S3 bucket; the bucket, key and region come from the
# workflows (repository secrets), so nothing about them is committed.
# use_lockfile (Terraform 1.10 and later) locks the state with a file in
# the bucket, so a scheduled apply and an apply on merge never overlap.
terraform {
  required_version = ">= 1.10"

  backend "s3" {
    use_lockfile = true
  }

  required_providers {
    atlassian = {
      source = "cureigad/atlassian"
    }
  }
}

# ATLASSIAN_ORGANIZATION_ID and ATLASSIAN_API_TOKEN come from the
# environment: the read-only key in pull requests, the write key of the
# atlassian-write environment on main.
provider "atlassian" {}
