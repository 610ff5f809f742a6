# Terraform 1.12 and later: import by identity, the account id.
import {
  to = atlassian_invitation.ada
  identity = {
    account_id = "5b10ac8d82e05b22cc7d4ef5"
  }
}
