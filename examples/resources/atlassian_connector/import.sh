# The id is <organization_id>/<name>. The API key is taken from the provider; set
# api_token in the configuration to give the connector another one.
terraform import atlassian_connector.this 5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35/baton-atlassian
