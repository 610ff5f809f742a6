package provider

// What the hardening tests (hardening_*_test.go: faults, interruptions, bad
// input, secrets, drift) share: the real terraform CLI through
// internal/tfdriver, which shows everything a user sees (the test framework
// hides the output of the steps that succeed, and cannot express "this
// apply may fail, the next must converge"), with the provider served in
// the test process or built as a plugin binary of its own for the tests
// that need Terraform and the provider in separate processes.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// requireTerraform returns the terraform CLI of the acceptance tests, or
// skips the test when acceptance tests are off.
func requireTerraform(t *testing.T) string {
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

// terraformCLI is the driver of one test's working directory: a failure
// to run a command at all fails the test, a command that fails is a
// result to look at.
type terraformCLI struct {
	t *testing.T
	*tfdriver.Workdir
}

// newCLI runs terraform in a fresh directory; opts.Terraform, Dir and
// CLIConfig are filled in when empty.
func newCLI(t *testing.T, opts tfdriver.Options) *terraformCLI {
	t.Helper()
	if opts.Terraform == "" {
		opts.Terraform = requireTerraform(t)
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
	return &terraformCLI{t: t, Workdir: w}
}

// newReattachedCLI runs terraform against p served inside the test
// process (so the race detector and the test's coverage see the
// provider's code); opts as for newCLI.
func newReattachedCLI(t *testing.T, p provider.Provider, opts tfdriver.Options) *terraformCLI {
	t.Helper()
	requireTerraform(t)
	config, stop, err := tfdriver.ServeInProcess(context.Background(), Address, providerserver.NewProtocol6(p),
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
	return newCLI(t, opts)
}

// newPluginCLI runs terraform against the provider built as a plugin
// binary, started by terraform as a process of its own through a
// dev_overrides CLI configuration (as scripts/demo does).
func newPluginCLI(t *testing.T, opts tfdriver.Options) *terraformCLI {
	t.Helper()
	requireTerraform(t)
	binDir := providerBinary(t)
	opts.CLIConfig = filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(opts.CLIConfig, []byte(tfdriver.DevOverrides(binDir, providerSources...)), 0o600); err != nil {
		t.Fatal(err)
	}
	return newCLI(t, opts)
}

// providerBuild is the provider binary shared by the tests that run at the
// same time: built by the first, removed when the last one ends (a later
// test builds it again).
var providerBuild struct {
	mu    sync.Mutex
	users int
	dir   string
}

// providerBinary builds the provider into a temporary directory (once for
// all the tests running at the same time) and returns that directory.
func providerBinary(t *testing.T) string {
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

// writeConfig replaces the working directory's configuration.
func (c *terraformCLI) writeConfig(hcl string) {
	c.t.Helper()
	if err := c.WriteFile("main.tf", hcl); err != nil {
		c.t.Fatal(err)
	}
}

// ran fails the test when a command did not run to an exit, and returns
// its result whatever the exit code.
func (c *terraformCLI) ran(res tfdriver.Result) tfdriver.Result {
	c.t.Helper()
	if res.ExitCode < 0 {
		c.t.Fatalf("running terraform %s: %v", res.Command, res.Err)
	}
	return res
}

// must fails the test unless a command succeeded without showing a crash.
func (c *terraformCLI) must(res tfdriver.Result) tfdriver.Result {
	c.t.Helper()
	if res.Err != nil {
		c.t.Fatalf("%s", res)
	}
	c.expectNoCrash(res)
	return res
}

// expectNoCrash fails when terraform's output shows a provider crash.
func (c *terraformCLI) expectNoCrash(res tfdriver.Result) {
	c.t.Helper()
	if marker := res.Crash(); marker != "" {
		c.t.Errorf("terraform %s shows a provider crash (%q):\n%s", res.Command, marker, lastLines(res.Output, 80))
	}
}

// run runs a command terraform-exec has no method for (the human forms of
// show and output) to completion, whatever its exit code.
func (c *terraformCLI) run(args ...string) tfdriver.Result {
	c.t.Helper()
	res, _ := c.Run(context.Background(), args...) // the error is res.Err
	return c.ran(res)
}

// apply runs terraform apply without asking, whatever its exit code.
func (c *terraformCLI) apply(opts ...tfexec.ApplyOption) tfdriver.Result {
	c.t.Helper()
	res, _ := c.Apply(context.Background(), opts...) // the error is res.Err
	return c.ran(res)
}

// mustApply runs an apply that must succeed.
func (c *terraformCLI) mustApply(opts ...tfexec.ApplyOption) tfdriver.Result {
	c.t.Helper()
	return c.must(c.apply(opts...))
}

// tryPlan runs terraform plan, whatever its exit code.
func (c *terraformCLI) tryPlan(opts ...tfexec.PlanOption) tfdriver.Result {
	c.t.Helper()
	_, res, _ := c.Plan(context.Background(), opts...) // the error is res.Err
	return c.ran(res)
}

// planChanges runs terraform plan and reports whether it wants changes; a
// failed plan fails the test.
func (c *terraformCLI) planChanges() (bool, tfdriver.Result) {
	c.t.Helper()
	res := c.must(c.tryPlan())
	return res.ExitCode == 2, res
}

// destroy runs terraform destroy without asking, whatever its exit code.
func (c *terraformCLI) destroy(opts ...tfexec.DestroyOption) tfdriver.Result {
	c.t.Helper()
	res, _ := c.Destroy(context.Background(), opts...) // the error is res.Err
	return c.ran(res)
}

// importResource runs terraform import, whatever its exit code.
func (c *terraformCLI) importResource(address, id string, opts ...tfexec.ImportOption) tfdriver.Result {
	c.t.Helper()
	res, _ := c.Import(context.Background(), address, id, opts...) // the error is res.Err
	return c.ran(res)
}

// showState reads the current state through terraform show -json.
func (c *terraformCLI) showState() *tfjson.State {
	c.t.Helper()
	st, res, err := c.Show(context.Background())
	if err != nil {
		c.t.Fatalf("%s", res)
	}
	return st
}

// state returns the resources of the current state's root module.
func (c *terraformCLI) state() []*tfjson.StateResource {
	c.t.Helper()
	st := c.showState()
	if st.Values == nil || st.Values.RootModule == nil {
		return nil
	}
	return st.Values.RootModule.Resources
}

// plan runs terraform plan into a file and returns its JSON and the
// plan's own output (with warnings).
func (c *terraformCLI) plan() (*tfjson.Plan, tfdriver.Result) {
	c.t.Helper()
	res := c.must(c.tryPlan(tfexec.Out("hardening.tfplan")))
	p, show, err := c.ShowPlanFile(context.Background(), "hardening.tfplan")
	if err != nil {
		c.t.Fatalf("%s", show)
	}
	return p, res
}

// actionsByAddress summarizes a plan: address => actions joined by "," for
// every change that is not a no-op.
func actionsByAddress(p *tfjson.Plan) map[string]string {
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

// ---- what an apply must leave in the sandbox ----

// orgAccess is the access an organization grants: the members of each
// group and the workspace role assignments, as sets.
type orgAccess struct {
	members    map[string]map[string]bool // group id => account ids
	userRoles  map[sandbox.UserRoleAssignment]bool
	groupRoles map[sandbox.GroupRoleAssignment]bool
}

func accessOf(st sandbox.State) orgAccess {
	a := orgAccess{members: map[string]map[string]bool{}, userRoles: map[sandbox.UserRoleAssignment]bool{}, groupRoles: map[sandbox.GroupRoleAssignment]bool{}}
	for _, g := range st.Groups {
		set := map[string]bool{}
		for _, m := range g.MemberAccountIDs {
			set[m] = true
		}
		a.members[g.ID] = set
	}
	for _, r := range st.UserRoleAssignments {
		a.userRoles[r] = true
	}
	for _, r := range st.GroupRoleAssignments {
		a.groupRoles[r] = true
	}
	return a
}

// diff describes how got differs from want, or returns "" when they are
// the same.
func (want orgAccess) diff(got orgAccess) string {
	var problems []string
	groups := map[string]bool{}
	for id := range want.members {
		groups[id] = true
	}
	for id := range got.members {
		groups[id] = true
	}
	for id := range groups {
		missing, extra := setDiff(want.members[id], got.members[id])
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("group %s lacks %d members: %s", id, len(missing), firstN(missing, 5)))
		}
		if len(extra) > 0 {
			problems = append(problems, fmt.Sprintf("group %s has %d extra members: %s", id, len(extra), firstN(extra, 5)))
		}
	}
	for r := range want.userRoles {
		if !got.userRoles[r] {
			problems = append(problems, fmt.Sprintf("missing user role %+v", r))
		}
	}
	for r := range got.userRoles {
		if !want.userRoles[r] {
			problems = append(problems, fmt.Sprintf("extra user role %+v", r))
		}
	}
	for r := range want.groupRoles {
		if !got.groupRoles[r] {
			problems = append(problems, fmt.Sprintf("missing group role %+v", r))
		}
	}
	for r := range got.groupRoles {
		if !want.groupRoles[r] {
			problems = append(problems, fmt.Sprintf("extra group role %+v", r))
		}
	}
	sort.Strings(problems)
	if len(problems) > 12 {
		problems = append(problems[:12], fmt.Sprintf("... and %d more differences", len(problems)-12))
	}
	return strings.Join(problems, "\n")
}

func setDiff(want, got map[string]bool) (missing, extra []string) {
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

func firstN(ids []string, n int) string {
	if len(ids) > n {
		return strings.Join(ids[:n], ", ") + ", ..."
	}
	return strings.Join(ids, ", ")
}

// ---- diagnostics as terraform prints them ----

// wordsPattern matches a phrase whatever line wrapping terraform applies to
// its words.
func wordsPattern(phrase string) string {
	words := strings.Fields(phrase)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// attrError matches an error diagnostic on one attribute of one
// resource as terraform prints it: the summary, the resource address, the
// configuration line of the attribute ("<n>:   <attribute> = ..."), then
// the phrases of the detail, in order.
func attrError(summary, address, attribute string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + wordsPattern(summary) + `\s+with ` + regexp.QuoteMeta(address) + `,\s+on [^\n]+ line \d+, in [^\n]+:\s+\d+:\s+` +
		regexp.QuoteMeta(attribute) + `\s*=`
	for _, p := range phrases {
		pattern += `.*` + wordsPattern(p)
	}
	return regexp.MustCompile(pattern)
}

// blockError matches an error diagnostic on a whole block (no
// attribute): the configuration line shown is the block's first.
func blockError(summary, address string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + wordsPattern(summary) + `\s+with ` + regexp.QuoteMeta(address) + `,\s+on [^\n]+ line \d+, in [^\n]+:\s+\d+:\s+(resource|data) "`
	for _, p := range phrases {
		pattern += `.*` + wordsPattern(p)
	}
	return regexp.MustCompile(pattern)
}

// plainError matches an error diagnostic without a configuration
// location (import ids, provider errors): the summary, then the phrases.
func plainError(summary string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + wordsPattern(summary)
	for _, p := range phrases {
		pattern += `.*` + wordsPattern(p)
	}
	return regexp.MustCompile(pattern)
}
