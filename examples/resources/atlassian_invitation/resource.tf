# Invite a new colleague with Jira Software and a team group. Destroying
# this resource leaves the person in the organization.
data "atlassian_workspace" "jira" {
  name = "sandbox-org Jira Software"
  type = "jira-software"
}

data "atlassian_group" "engineering" {
  name = "engineering"
}

resource "atlassian_invitation" "ada" {
  email = "ada.lovelace@sandbox-org.example"

  workspace_roles = [{
    workspace_id = data.atlassian_workspace.jira.workspace_id
    role         = "atlassian/user"
  }]
  groups = [data.atlassian_group.engineering.group_id]
}

# A contractor who leaves with the configuration: destroying this
# resource removes the account from the directory, with every group and
# role it holds. That cannot be undone from the API.
resource "atlassian_invitation" "contractor" {
  email             = "grace.hopper@contractor.example"
  send_notification = false
  remove_on_destroy = true
}

output "ada_account_id" {
  value = atlassian_invitation.ada.account_id
}
