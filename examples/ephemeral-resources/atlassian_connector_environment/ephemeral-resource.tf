# Terraform 1.11 and later: the connector's API key and ConductorOne client
# secret never touch a state or plan file. Both come from ephemeral
# variables (or a secret manager's ephemeral resource); the connector takes
# them as write-only arguments, and the Kubernetes Secret gets them as
# write-only data.
variable "connector_api_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "conductorone_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

# Raise it whenever either secret changes: write-only values are not
# compared between runs.
variable "secrets_revision" {
  type    = number
  default = 1
}

resource "atlassian_connector" "this" {
  namespace = "conductorone"

  api_token_wo         = var.connector_api_token
  api_token_wo_version = var.secrets_revision

  client_id                = "bright-otter-12345@acme.conductor.one/pcc"
  client_secret_wo         = var.conductorone_client_secret
  client_secret_wo_version = var.secrets_revision
}

ephemeral "atlassian_connector_environment" "this" {
  name          = atlassian_connector.this.name
  api_token     = var.connector_api_token
  client_id     = atlassian_connector.this.client_id
  client_secret = var.conductorone_client_secret
}

resource "kubernetes_secret_v1" "baton_atlassian" {
  metadata {
    name      = ephemeral.atlassian_connector_environment.this.secret_name
    namespace = atlassian_connector.this.namespace
  }
  type             = "Opaque"
  data_wo          = ephemeral.atlassian_connector_environment.this.environment
  data_wo_revision = var.secrets_revision
}

# The Deployment holds no secret: it reads the Secret above.
resource "kubernetes_manifest" "baton_atlassian" {
  manifest   = yamldecode(atlassian_connector.this.deployment_manifest)
  depends_on = [kubernetes_secret_v1.baton_atlassian]
}
