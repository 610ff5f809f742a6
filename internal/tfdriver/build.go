package tfdriver

import (
	"context"
	"fmt"
	"os/exec"
)

// Build compiles the Go package pkg of the module in moduleDir into the
// binary out (the provider, the sandbox), reporting the compiler's output
// when it fails.
func Build(ctx context.Context, moduleDir, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = moduleDir
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, output)
	}
	return nil
}
