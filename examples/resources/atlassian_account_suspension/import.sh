# The import id is the account id of an account that is already suspended.
terraform import atlassian_account_suspension.liam 504054724dbc69eb92ef6fc7
