package provider

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// underOpenTofu is whether the acceptance tests run under OpenTofu
// (TF_ACC_TERRAFORM_PATH="$(scripts/tofu-cli.sh)"); TestMain sets it.
var underOpenTofu bool

// detectOpenTofu sets underOpenTofu and, under OpenTofu, points
// terraform-plugin-testing at OpenTofu's registry host. The framework names
// the provider it serves registry.terraform.io/hashicorp/atlassian unless
// TF_ACC_PROVIDER_HOST says otherwise, and OpenTofu reads a configuration
// without required_providers as registry.opentofu.org/hashicorp/atlassian:
// init would then look for the provider in a registry instead of attaching
// to the one the test serves. An explicit TF_ACC_PROVIDER_HOST is kept.
func detectOpenTofu() {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		return
	}
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return
	}
	// The line, not the first one: OpenTofu prints warnings about its CLI
	// configuration before it.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "OpenTofu v") {
			underOpenTofu = true
			if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
				os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
			}
			return
		}
	}
}

// skipOnOpenTofu skips a test of a feature OpenTofu lacks: list resources
// and `query`, and actions, as measured with OpenTofu 1.12.6 (README,
// Supported CLIs). Resource identity, ephemeral resources and write-only
// arguments work under OpenTofu: their tests must not call it.
func skipOnOpenTofu(t *testing.T, feature string) {
	t.Helper()
	if underOpenTofu {
		t.Skipf("OpenTofu has no %s (README: Supported CLIs)", feature)
	}
}
