package acctest

import (
	"os"
	"os/exec"
	"strings"
)

// DetectOpenTofu, when the acceptance tests run under OpenTofu
// (TF_ACC_TERRAFORM_PATH="$(scripts/tofu-cli.sh)"), points
// terraform-plugin-testing at OpenTofu's registry host. The framework names
// the provider it serves registry.terraform.io/hashicorp/atlassian unless
// TF_ACC_PROVIDER_HOST says otherwise, and OpenTofu reads a configuration
// without required_providers as registry.opentofu.org/hashicorp/atlassian:
// init would then look for the provider in a registry instead of attaching
// to the one the test serves. An explicit TF_ACC_PROVIDER_HOST is kept.
func DetectOpenTofu() error {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		return nil
	}
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		// Not OpenTofu's to judge: a CLI that cannot print its version
		// fails the tests that run it.
		return nil
	}
	// The line, not the first one: OpenTofu prints warnings about its CLI
	// configuration before it.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "OpenTofu v") {
			if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
				return os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
			}
			return nil
		}
	}
	return nil
}
