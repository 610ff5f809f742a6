package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// RequireTerraform returns the terraform CLI of the acceptance tests, or
// skips the test when acceptance tests are off.
func RequireTerraform(t *testing.T) string {
	t.Helper()
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv(resource.EnvTfAcc) == "" || path == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	return path
}

// providerSources are the sources the CLI must find this provider under:
// its own, and hashicorp/atlassian, which configurations without
// required_providers name.
var providerSources = []string{"cureigad/atlassian", "hashicorp/atlassian"}

// CLI is the driver of one test's working directory: a failure
// to run a command at all fails the test, a command that fails is a
// result to look at.
type CLI struct {
	T *testing.T
	*tfdriver.Workdir
}

// NewCLI runs terraform in a fresh directory; opts.Terraform, Dir and
// CLIConfig are filled in when empty.
func NewCLI(t *testing.T, opts tfdriver.Options) *CLI {
	t.Helper()
	if opts.Terraform == "" {
		opts.Terraform = RequireTerraform(t)
	}
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.CLIConfig == "" {
		opts.CLIConfig = filepath.Join(t.TempDir(), "terraformrc")
		if err := os.WriteFile(opts.CLIConfig, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := tfdriver.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return &CLI{T: t, Workdir: w}
}

// NewReattachedCLI runs terraform against p, served under address
// inside the test process (so the race detector and the test's coverage see the
// provider's code); opts as for NewCLI.
func NewReattachedCLI(t *testing.T, address string, p provider.Provider, opts tfdriver.Options) *CLI {
	t.Helper()
	RequireTerraform(t)
	config, stop, err := tfdriver.ServeInProcess(context.Background(), address, providerserver.NewProtocol6(p),
		tf6server.WithLoggingSink(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	})
	opts.Reattach = tfdriver.Reattach(config, providerSources...)
	return NewCLI(t, opts)
}

// NewPluginCLI runs terraform against the provider built as a plugin
// binary, started by terraform as a process of its own through a
// dev_overrides CLI configuration (as scripts/demo does).
func NewPluginCLI(t *testing.T, opts tfdriver.Options) *CLI {
	t.Helper()
	RequireTerraform(t)
	binDir := ProviderBinary(t)
	opts.CLIConfig = filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(opts.CLIConfig, []byte(tfdriver.DevOverrides(binDir, providerSources...)), 0o600); err != nil {
		t.Fatal(err)
	}
	return NewCLI(t, opts)
}

// providerBuild is the provider binary shared by the tests that run at the
// same time: built by the first, removed when the last one ends (a later
// test builds it again).
var providerBuild struct {
	mu    sync.Mutex
	users int
	dir   string
}

// ProviderBinary builds the provider into a temporary directory (once for
// all the tests running at the same time) and returns that directory.
func ProviderBinary(t *testing.T) string {
	t.Helper()
	providerBuild.mu.Lock()
	defer providerBuild.mu.Unlock()
	if providerBuild.dir == "" {
		dir, err := buildProvider()
		if err != nil {
			t.Fatalf("building the provider: %v", err)
		}
		providerBuild.dir = dir
	}
	providerBuild.users++
	t.Cleanup(func() {
		providerBuild.mu.Lock()
		defer providerBuild.mu.Unlock()
		if providerBuild.users--; providerBuild.users == 0 {
			if err := os.RemoveAll(providerBuild.dir); err != nil {
				t.Errorf("removing the provider binary: %v", err)
			}
			providerBuild.dir = ""
		}
	})
	return providerBuild.dir
}

func buildProvider() (string, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		return "", fmt.Errorf("the module root %s has no main.go: %w", root, err)
	}
	dir, err := os.MkdirTemp("", "terraform-provider-atlassian-bin-*")
	if err != nil {
		return "", err
	}
	if err := tfdriver.Build(context.Background(), root, ".", filepath.Join(dir, "terraform-provider-atlassian")); err != nil {
		return "", errors.Join(err, os.RemoveAll(dir))
	}
	return dir, nil
}

// WriteConfig replaces the working directory's configuration.
func (c *CLI) WriteConfig(hcl string) {
	c.T.Helper()
	if err := c.WriteFile("main.tf", hcl); err != nil {
		c.T.Fatal(err)
	}
}

// Ran fails the test when a command did not run to an exit, and returns
// its result whatever the exit code.
func (c *CLI) Ran(res tfdriver.Result) tfdriver.Result {
	c.T.Helper()
	if res.ExitCode < 0 {
		c.T.Fatalf("running terraform %s: %v", res.Command, res.Err)
	}
	return res
}

// Must fails the test unless a command succeeded without showing a crash.
func (c *CLI) Must(res tfdriver.Result) tfdriver.Result {
	c.T.Helper()
	if res.Err != nil {
		c.T.Fatalf("%s", res)
	}
	c.ExpectNoCrash(res)
	return res
}

// ExpectNoCrash fails when terraform's output shows a provider crash.
func (c *CLI) ExpectNoCrash(res tfdriver.Result) {
	c.T.Helper()
	if marker := res.Crash(); marker != "" {
		c.T.Errorf("terraform %s shows a provider crash (%q):\n%s", res.Command, marker, tfdriver.LastLines(res.Output, 80))
	}
}

// Exec runs a command terraform-exec has no method for (the human forms of
// show and output) to completion, whatever its exit code.
func (c *CLI) Exec(args ...string) tfdriver.Result {
	c.T.Helper()
	res, _ := c.Run(context.Background(), args...) // the error is res.Err
	return c.Ran(res)
}

// TryApply runs terraform apply without asking, whatever its exit code.
func (c *CLI) TryApply(opts ...tfexec.ApplyOption) tfdriver.Result {
	c.T.Helper()
	res, _ := c.Apply(context.Background(), opts...) // the error is res.Err
	return c.Ran(res)
}

// MustApply runs an apply that must succeed.
func (c *CLI) MustApply(opts ...tfexec.ApplyOption) tfdriver.Result {
	c.T.Helper()
	return c.Must(c.TryApply(opts...))
}

// TryPlan runs terraform plan, whatever its exit code.
func (c *CLI) TryPlan(opts ...tfexec.PlanOption) tfdriver.Result {
	c.T.Helper()
	_, res, _ := c.Plan(context.Background(), opts...) // the error is res.Err
	return c.Ran(res)
}

// PlanChanges runs terraform plan and reports whether it wants changes; a
// failed plan fails the test.
func (c *CLI) PlanChanges() (bool, tfdriver.Result) {
	c.T.Helper()
	res := c.Must(c.TryPlan())
	return res.ExitCode == 2, res
}

// TryDestroy runs terraform destroy without asking, whatever its exit code.
func (c *CLI) TryDestroy(opts ...tfexec.DestroyOption) tfdriver.Result {
	c.T.Helper()
	res, _ := c.Destroy(context.Background(), opts...) // the error is res.Err
	return c.Ran(res)
}

// TryImport runs terraform import, whatever its exit code.
func (c *CLI) TryImport(address, id string, opts ...tfexec.ImportOption) tfdriver.Result {
	c.T.Helper()
	res, _ := c.Import(context.Background(), address, id, opts...) // the error is res.Err
	return c.Ran(res)
}

// ShowState reads the current state through terraform show -json.
func (c *CLI) ShowState() *tfjson.State {
	c.T.Helper()
	st, res, err := c.Show(context.Background())
	if err != nil {
		c.T.Fatalf("%s", res)
	}
	return st
}

// StateResources returns the resources of the current state's root module.
func (c *CLI) StateResources() []*tfjson.StateResource {
	c.T.Helper()
	st := c.ShowState()
	if st.Values == nil || st.Values.RootModule == nil {
		return nil
	}
	return st.Values.RootModule.Resources
}

// SavedPlan runs terraform plan into a file and returns its JSON and the
// plan's own output (with warnings).
func (c *CLI) SavedPlan() (*tfjson.Plan, tfdriver.Result) {
	c.T.Helper()
	res := c.Must(c.TryPlan(tfexec.Out("hardening.tfplan")))
	p, show, err := c.ShowPlanFile(context.Background(), "hardening.tfplan")
	if err != nil {
		c.T.Fatalf("%s", show)
	}
	return p, res
}

// StateValues returns the attributes of address in the current state.
func (c *CLI) StateValues(address string) map[string]any {
	c.T.Helper()
	for _, r := range c.StateResources() {
		if r.Address == address {
			return r.AttributeValues
		}
	}
	c.T.Fatalf("%s is not in the state", address)
	return nil
}

// ExpectEmptyPlan fails unless a plan finds nothing to change.
func (c *CLI) ExpectEmptyPlan(when string) tfdriver.Result {
	c.T.Helper()
	changes, res := c.PlanChanges()
	if changes {
		c.T.Fatalf("%s: the plan is not empty:\n%s", when, res)
	}
	return res
}

// ExpectInState fails unless the state holds exactly these managed
// resources.
func (c *CLI) ExpectInState(addresses ...string) {
	c.T.Helper()
	var got []string
	for _, r := range c.StateResources() {
		got = append(got, r.Address)
	}
	if strings.Join(got, ",") != strings.Join(addresses, ",") {
		c.T.Fatalf("the state holds %v, want %v", got, addresses)
	}
}

// SkipBelow skips the test when the CLI is older than minimum, the first
// version that has what the test needs.
func (c *CLI) SkipBelow(minimum *version.Version, what string) {
	c.T.Helper()
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(c.Must(c.Exec("version", "-json")).Output), &v); err != nil {
		c.T.Fatal(err)
	}
	got, err := version.NewVersion(v.Version)
	if err != nil {
		c.T.Fatal(err)
	}
	if got.LessThan(minimum) {
		c.T.Skipf("%s needs Terraform %s or later, not %s", what, minimum, got)
	}
}

// ActionsByAddress summarizes a plan: address => actions joined by "," for
// every change that is not a no-op.
func ActionsByAddress(p *tfjson.Plan) map[string]string {
	out := map[string]string{}
	for _, rc := range p.ResourceChanges {
		actions := make([]string, len(rc.Change.Actions))
		for i, a := range rc.Change.Actions {
			actions[i] = string(a)
		}
		joined := strings.Join(actions, ",")
		if joined != "no-op" && joined != "read" {
			out[rc.Address] = joined
		}
	}
	return out
}
