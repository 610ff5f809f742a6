# The import id is <role>/<account_id>; a bare account id imports the
# organization admin role.
terraform import atlassian_organization_role_assignment.ivan atlassian/org-admin/57517bc6cc009900ad755128
