package tfdriver

import (
	"fmt"
	"strings"
)

// Registry hosts of provider source addresses: Terraform's, and OpenTofu's,
// which OpenTofu assumes for a source without a host.
var registryHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// Addresses returns the full addresses of provider sources such as
// "cureigad/atlassian" under every registry host, so that the same
// dev_overrides block or reattach configuration serves Terraform and
// OpenTofu.
func Addresses(sources ...string) []string {
	var out []string
	for _, source := range sources {
		for _, host := range registryHosts {
			out = append(out, host+"/"+source)
		}
	}
	return out
}

// DevOverrides is a CLI configuration that makes the CLI run the provider
// binaries found in binDir for the given sources, without installing
// anything (and without `terraform init`), as a developer runs a provider
// built from source. A configuration without required_providers names
// hashicorp/<name>: pass that source too.
func DevOverrides(binDir string, sources ...string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, address := range Addresses(sources...) {
		fmt.Fprintf(&b, "    %q = %q\n", address, binDir)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}
