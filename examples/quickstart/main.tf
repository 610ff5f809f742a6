# Quick start: an on-call group for the platform team, filled from a list of
# emails, given Jira Software access, and the ConductorOne connector that
# keeps watching the organization.
#
# `make demo` applies this against a local sandbox organization. Against a
# real organization, set ATLASSIAN_ORGANIZATION_ID and ATLASSIAN_API_TOKEN and
# change the emails.

terraform {
  required_providers {
    atlassian = {
      source = "cureigad/atlassian"
    }
  }
}

# Credentials come from the environment (ATLASSIAN_ORGANIZATION_ID,
# ATLASSIAN_API_TOKEN, and ATLASSIAN_BASE_URL for the sandbox).
provider "atlassian" {}

variable "oncall_emails" {
  description = "Who is on call for the platform."
  type        = set(string)
  default = [
    "ingrid.watanabe@sandbox-org.example",
    "liam.reddy@sandbox-org.example",
    "elijah.suzuki@sandbox-org.example",
    "xiu.doyle@sandbox-org.example",
  ]
}

variable "connector_sync_path" {
  description = "Where to write a full sync of the organization (a .c1z file) on apply; null for none."
  type        = string
  default     = null
}

# Accounts are found by email; a typo fails the plan, naming the email.
data "atlassian_account" "oncall" {
  for_each = var.oncall_emails
  email    = each.value
}

resource "atlassian_group" "oncall" {
  name        = "platform-oncall"
  description = "Platform on-call rotation. Members managed by Terraform."
}

# Authoritative: the group holds exactly these accounts.
resource "atlassian_group_members" "oncall" {
  group_id = atlassian_group.oncall.id
  members  = { for email, account in data.atlassian_account.oncall : account.account_id => email }
}

data "atlassian_workspace" "jira" {
  name = "sandbox-org Jira Software"
  type = "jira-software"
}

# Everyone in the group gets Jira Software.
resource "atlassian_workspace_role_assignment" "oncall_jira" {
  workspace_id = data.atlassian_workspace.jira.workspace_id
  role         = "atlassian/user"
  group_id     = atlassian_group.oncall.id
}

# One more person, added without owning the whole group.
data "atlassian_group" "engineering" {
  name = "engineering"
}

resource "atlassian_group_membership" "engineering_seoyeon" {
  group_id   = data.atlassian_group.engineering.group_id
  account_id = data.atlassian_account.seoyeon.account_id
}

data "atlassian_account" "seoyeon" {
  email = "seoyeon.lin@sandbox-org.example"
}

# The self-hosted connector of the setup guide: its Kubernetes Secret and
# Deployment, and (with connector_sync_path) a full sync of what it sees.
resource "atlassian_connector" "this" {
  namespace = "conductorone"
  sync_path = var.connector_sync_path
}

output "group_id" {
  value = atlassian_group.oncall.id
}

output "oncall_members" {
  value = sort(values(atlassian_group_members.oncall.members))
}

output "connector_sync" {
  value = {
    organization = atlassian_connector.this.organization_name
    accounts     = atlassian_connector.this.accounts
    groups       = atlassian_connector.this.groups
    workspaces   = atlassian_connector.this.workspaces
    grants       = atlassian_connector.this.grants
  }
}

output "connector_deployment_manifest" {
  value = atlassian_connector.this.deployment_manifest
}
