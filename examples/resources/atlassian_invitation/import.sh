# The import id is the person's email or account id; the account must exist.
terraform import atlassian_invitation.ada ada.lovelace@sandbox-org.example
terraform import atlassian_invitation.ada 5b10ac8d82e05b22cc7d4ef5
