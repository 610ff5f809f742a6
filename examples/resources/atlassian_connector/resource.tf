# The ConductorOne credentials of the connector: ConductorOne > Connectors > the
# connector > Settings > Rotate. Without them the connector is deployed for
# one-shot syncs only.
variable "conductorone_client_id" {
  type    = string
  default = null
}

variable "conductorone_client_secret" {
  type      = string
  sensitive = true
  default   = null
}

resource "atlassian_connector" "this" {
  namespace     = "conductorone"
  client_id     = var.conductorone_client_id
  client_secret = var.conductorone_client_secret

  # Check what the connector sees before deploying it: a full sync, written
  # on every create and update.
  sync_path = "${path.root}/atlassian.c1z"
}

# Ready for kubernetes_manifest { manifest = yamldecode(...) } of the
# hashicorp/kubernetes provider; the Secret's manifest is sensitive.
output "deployment_manifest" {
  value = atlassian_connector.this.deployment_manifest
}

output "atlassian_sync" {
  value = {
    organization = atlassian_connector.this.organization_name
    accounts     = atlassian_connector.this.accounts
    groups       = atlassian_connector.this.groups
    workspaces   = atlassian_connector.this.workspaces
    grants       = atlassian_connector.this.grants
    synced_at    = atlassian_connector.this.synced_at
  }
}
