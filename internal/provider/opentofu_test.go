package provider

import (
	"os"
	"os/exec"
	"strings"
)

// openTofuProviderHost points terraform-plugin-testing at OpenTofu's
// registry host when the acceptance tests run under OpenTofu
// (TF_ACC_TERRAFORM_PATH="$(scripts/tofu-cli.sh)"). The framework names the
// provider it serves registry.terraform.io/hashicorp/atlassian unless
// TF_ACC_PROVIDER_HOST says otherwise, and OpenTofu reads a configuration
// without required_providers as registry.opentofu.org/hashicorp/atlassian:
// it would then look for the provider in a registry instead of attaching
// to the one the test serves. An explicit TF_ACC_PROVIDER_HOST is kept.
func openTofuProviderHost() {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" || os.Getenv("TF_ACC_PROVIDER_HOST") != "" {
		return
	}
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "OpenTofu v") {
			os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
			return
		}
	}
}
