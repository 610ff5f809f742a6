package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

// isKnownString reports a value Terraform knows (neither null nor unknown):
// what a plan check needs before it can look the value up.
func isKnownString(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
