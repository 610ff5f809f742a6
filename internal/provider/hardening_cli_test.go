package provider

// What the hardening tests (hardening_*_test.go: faults, interruptions, bad
// input, secrets) share: a driver of the real terraform CLI that shows
// everything a user sees (the test framework hides the output of the steps
// that succeed, and cannot express "this apply may fail, the next must
// converge"), the provider built as a plugin binary of its own for the
// tests that need Terraform and the provider in separate processes, and
// readers of `terraform show -json`.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// hardTerraformPath returns the terraform CLI of the acceptance tests, or
// skips the test when acceptance tests are off.
func hardTerraformPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv(resource.EnvTfAcc) == "" || path == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	return path
}

// hardPanicMarkers are what Terraform prints when a provider crashes.
var hardPanicMarkers = []string{"panic:", "plugin crashed", "The plugin encountered an error, and failed to respond"}

// hardCLI runs terraform in one working directory.
type hardCLI struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
	// transcript holds every command and its output, for failure messages
	// and for the secret searches.
	mu         sync.Mutex
	transcript strings.Builder
}

// hardBaseEnv is the environment of every terraform command: the test's,
// without the variables that would change what terraform does (logging,
// CLI configuration, reattached providers), plus what automation sets.
func hardBaseEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_LOG"), name == "TF_CLI_CONFIG_FILE", name == "TF_REATTACH_PROVIDERS",
			strings.HasPrefix(name, "TF_VAR_"), strings.HasPrefix(name, "ATLASSIAN_"), strings.HasPrefix(name, "BATON_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, append([]string{"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0"}, extra...)...)
}

// hardCountingProvider is the provider, remembering the provider data of
// every Configure so that a test can read its clients' request counters.
type hardCountingProvider struct {
	*atlassianProvider

	mu         sync.Mutex
	configured []*providerData
}

func newHardCountingProvider() *hardCountingProvider {
	return &hardCountingProvider{atlassianProvider: New("test")().(*atlassianProvider)}
}

func (p *hardCountingProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	p.atlassianProvider.Configure(ctx, req, resp)
	if pd, ok := resp.ResourceData.(*providerData); ok {
		p.mu.Lock()
		p.configured = append(p.configured, pd)
		p.mu.Unlock()
	}
}

// clientStats adds up what the admin API clients of every configuration
// so far sent: requests, and retries (attempts after the first).
func (p *hardCountingProvider) clientStats() access.RequestStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	var total access.RequestStats
	for _, pd := range p.configured {
		s := pd.requestStats()
		total.Requests += s.Requests
		total.Retries += s.Retries
	}
	return total
}

// hardServeProvider serves p in this process in debug mode and returns the
// TF_REATTACH_PROVIDERS value that points terraform at it (for
// configurations without required_providers, which name
// hashicorp/atlassian).
func hardServeProvider(t *testing.T, p provider.Provider) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattachCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	go func() {
		err := tf6server.Serve(Address, providerserver.NewProtocol6(p),
			tf6server.WithDebug(ctx, reattachCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
		)
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	var config *plugin.ReattachConfig
	select {
	case config = <-reattachCh:
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the provider server did not start")
	}
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})
	reattach, err := json.Marshal(map[string]any{
		"registry.terraform.io/hashicorp/atlassian": map[string]any{
			"Protocol":        string(config.Protocol),
			"ProtocolVersion": config.ProtocolVersion,
			"Pid":             config.Pid,
			"Test":            config.Test,
			"Addr":            map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(reattach)
}

// newHardCLIReattached runs terraform against p served inside the test
// process (so the race detector and the test's coverage see the
// provider's code).
func newHardCLIReattached(t *testing.T, p provider.Provider, extraEnv ...string) *hardCLI {
	t.Helper()
	tf := hardTerraformPath(t)
	reattach := hardServeProvider(t, p)
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := hardBaseEnv(append([]string{"TF_REATTACH_PROVIDERS=" + reattach, "TF_CLI_CONFIG_FILE=" + rc}, extraEnv...)...)
	return &hardCLI{t: t, terraform: tf, dir: t.TempDir(), env: env}
}

// newHardCLIPlugin runs terraform against the provider built as a plugin
// binary, started by terraform as a process of its own through a
// dev_overrides CLI configuration (as scripts/demo does).
func newHardCLIPlugin(t *testing.T, extraEnv ...string) *hardCLI {
	t.Helper()
	tf := hardTerraformPath(t)
	binDir := hardProviderBinary(t)
	rc := filepath.Join(t.TempDir(), "terraformrc")
	// Without required_providers the configurations name
	// hashicorp/atlassian: override both addresses.
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		Address, binDir, "registry.terraform.io/hashicorp/atlassian", binDir)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := hardBaseEnv(append([]string{"TF_CLI_CONFIG_FILE=" + rc}, extraEnv...)...)
	return &hardCLI{t: t, terraform: tf, dir: t.TempDir(), env: env}
}

// hardBuild is the provider binary shared by the tests that run at the same
// time: built by the first, removed when the last one ends (a later test
// builds it again).
var hardBuild struct {
	mu    sync.Mutex
	users int
	dir   string
}

// hardProviderBinary builds the provider into a temporary directory (once
// for all the tests running at the same time) and returns that directory.
func hardProviderBinary(t *testing.T) string {
	t.Helper()
	hardBuild.mu.Lock()
	defer hardBuild.mu.Unlock()
	if hardBuild.dir == "" {
		dir, err := hardBuildProvider()
		if err != nil {
			t.Fatalf("building the provider: %v", err)
		}
		hardBuild.dir = dir
	}
	hardBuild.users++
	t.Cleanup(func() {
		hardBuild.mu.Lock()
		defer hardBuild.mu.Unlock()
		if hardBuild.users--; hardBuild.users == 0 {
			_ = os.RemoveAll(hardBuild.dir)
			hardBuild.dir = ""
		}
	})
	return hardBuild.dir
}

func hardBuildProvider() (string, error) {
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
	name := "terraform-provider-atlassian"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return dir, nil
}

// writeConfig replaces the working directory's configuration.
func (c *hardCLI) writeConfig(hcl string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// hardResult is what one terraform command did.
type hardResult struct {
	args     []string
	output   string // stdout and stderr, interleaved
	exitCode int
	took     time.Duration
}

func (r hardResult) String() string {
	return fmt.Sprintf("terraform %s (exit %d, %s):\n%s", strings.Join(r.args, " "), r.exitCode, r.took.Round(time.Millisecond), lastLines(r.output, 60))
}

// run runs one terraform command to completion and returns its result
// whatever the exit code.
func (c *hardCLI) run(args ...string) hardResult {
	c.t.Helper()
	cmd := c.command(context.Background(), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := hardResult{args: args, output: out.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.exitCode = exit.ExitCode()
	default:
		c.t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
	}
	c.record(res)
	return res
}

func (c *hardCLI) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.terraform, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	return cmd
}

// record adds a command to the transcript. The JSON of `terraform show
// -json` holds sensitive values in clear (as documented), so it is left out:
// the secret tests search its non-sensitive values separately.
func (c *hardCLI) record(res hardResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	output := res.output
	if slices.Contains(res.args, "-json") {
		output = "(JSON output left out of the transcript)\n"
	}
	fmt.Fprintf(&c.transcript, "$ terraform %s\n%s\n", strings.Join(res.args, " "), output)
}

// Transcript returns everything the commands printed so far.
func (c *hardCLI) Transcript() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transcript.String()
}

// mustRun runs a command that must succeed and must not show a crash.
func (c *hardCLI) mustRun(args ...string) hardResult {
	c.t.Helper()
	res := c.run(args...)
	if res.exitCode != 0 {
		c.t.Fatalf("%s", res)
	}
	c.expectNoCrash(res)
	return res
}

// expectNoCrash fails when terraform's output shows a provider crash.
func (c *hardCLI) expectNoCrash(res hardResult) {
	c.t.Helper()
	for _, marker := range hardPanicMarkers {
		if strings.Contains(res.output, marker) {
			c.t.Errorf("terraform %s shows a provider crash (%q):\n%s", strings.Join(res.args, " "), marker, lastLines(res.output, 80))
		}
	}
}

// apply runs terraform apply without asking.
func (c *hardCLI) apply(extra ...string) hardResult {
	c.t.Helper()
	return c.run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, extra...)...)
}

// planChanges runs terraform plan -detailed-exitcode and reports whether
// it wants changes; a failed plan fails the test.
func (c *hardCLI) planChanges() (bool, hardResult) {
	c.t.Helper()
	res := c.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	switch res.exitCode {
	case 0:
		c.expectNoCrash(res)
		return false, res
	case 2:
		c.expectNoCrash(res)
		return true, res
	}
	c.t.Fatalf("%s", res)
	return false, res
}

// hardJSONResource is one resource instance of `terraform show -json`.
type hardJSONResource struct {
	Address         string          `json:"address"`
	Mode            string          `json:"mode"`
	Type            string          `json:"type"`
	Values          map[string]any  `json:"values"`
	SensitiveValues json.RawMessage `json:"sensitive_values"`
}

type hardJSONModule struct {
	Resources    []hardJSONResource `json:"resources"`
	ChildModules []hardJSONModule   `json:"child_modules"`
}

// hardJSONState is the part of `terraform show -json` the tests read.
type hardJSONState struct {
	Values *struct {
		Outputs    map[string]json.RawMessage `json:"outputs"`
		RootModule hardJSONModule             `json:"root_module"`
	} `json:"values"`
}

// state reads the current state through terraform show -json.
func (c *hardCLI) state() []hardJSONResource {
	c.t.Helper()
	res := c.run("show", "-json", "-no-color")
	if res.exitCode != 0 {
		c.t.Fatalf("%s", res)
	}
	var st hardJSONState
	if err := json.Unmarshal([]byte(res.output), &st); err != nil {
		c.t.Fatalf("decoding terraform show -json: %v\n%s", err, lastLines(res.output, 20))
	}
	if st.Values == nil {
		return nil
	}
	return st.Values.RootModule.Resources
}

// hardPlanChange is one resource change of a JSON plan.
type hardPlanChange struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	Change  struct {
		Actions []string       `json:"actions"`
		Before  map[string]any `json:"before"`
		After   map[string]any `json:"after"`
	} `json:"change"`
}

// hardJSONPlan is the part of `terraform show -json <plan>` the tests read.
type hardJSONPlan struct {
	ResourceChanges []hardPlanChange `json:"resource_changes"`
	ResourceDrift   []hardPlanChange `json:"resource_drift"`
}

// plan runs terraform plan into a file and returns its JSON and the
// plan's own output (with warnings).
func (c *hardCLI) plan() (hardJSONPlan, hardResult) {
	c.t.Helper()
	res := c.run("plan", "-input=false", "-no-color", "-out=hardening.tfplan")
	if res.exitCode != 0 {
		c.t.Fatalf("%s", res)
	}
	c.expectNoCrash(res)
	show := c.run("show", "-json", "-no-color", "hardening.tfplan")
	if show.exitCode != 0 {
		c.t.Fatalf("%s", show)
	}
	var p hardJSONPlan
	if err := json.Unmarshal([]byte(show.output), &p); err != nil {
		c.t.Fatalf("decoding the JSON plan: %v", err)
	}
	return p, res
}

// actionsByAddress summarizes a plan: address => actions joined by "," for
// every change that is not a no-op.
func (p hardJSONPlan) actionsByAddress() map[string]string {
	out := map[string]string{}
	for _, rc := range p.ResourceChanges {
		actions := strings.Join(rc.Change.Actions, ",")
		if actions != "no-op" && actions != "read" {
			out[rc.Address] = actions
		}
	}
	return out
}

// ---- what an apply must leave in the sandbox ----

// hardOrgAccess is the access an organization grants: the members of each
// group and the workspace role assignments, as sets.
type hardOrgAccess struct {
	members    map[string]map[string]bool // group id => account ids
	userRoles  map[sandbox.UserRoleAssignment]bool
	groupRoles map[sandbox.GroupRoleAssignment]bool
}

func hardAccessOf(st sandbox.State) hardOrgAccess {
	a := hardOrgAccess{members: map[string]map[string]bool{}, userRoles: map[sandbox.UserRoleAssignment]bool{}, groupRoles: map[sandbox.GroupRoleAssignment]bool{}}
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
func (want hardOrgAccess) diff(got hardOrgAccess) string {
	var problems []string
	groups := map[string]bool{}
	for id := range want.members {
		groups[id] = true
	}
	for id := range got.members {
		groups[id] = true
	}
	for id := range groups {
		missing, extra := hardSetDiff(want.members[id], got.members[id])
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("group %s lacks %d members: %s", id, len(missing), hardFirst(missing, 5)))
		}
		if len(extra) > 0 {
			problems = append(problems, fmt.Sprintf("group %s has %d extra members: %s", id, len(extra), hardFirst(extra, 5)))
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

func hardSetDiff(want, got map[string]bool) (missing, extra []string) {
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

func hardFirst(ids []string, n int) string {
	if len(ids) > n {
		return strings.Join(ids[:n], ", ") + ", ..."
	}
	return strings.Join(ids, ", ")
}

// ---- diagnostics as terraform prints them ----

// hardWords matches a phrase whatever line wrapping terraform applies to
// its words.
func hardWords(phrase string) string {
	words := strings.Fields(phrase)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// hardAttrError matches an error diagnostic on one attribute of one
// resource as terraform prints it: the summary, the resource address, the
// configuration line of the attribute ("<n>:   <attribute> = ..."), then
// the phrases of the detail, in order.
func hardAttrError(summary, address, attribute string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + hardWords(summary) + `\s+with ` + regexp.QuoteMeta(address) + `,\s+on [^\n]+ line \d+, in [^\n]+:\s+\d+:\s+` +
		regexp.QuoteMeta(attribute) + `\s*=`
	for _, p := range phrases {
		pattern += `.*` + hardWords(p)
	}
	return regexp.MustCompile(pattern)
}

// hardBlockError matches an error diagnostic on a whole block (no
// attribute): the configuration line shown is the block's first.
func hardBlockError(summary, address string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + hardWords(summary) + `\s+with ` + regexp.QuoteMeta(address) + `,\s+on [^\n]+ line \d+, in [^\n]+:\s+\d+:\s+(resource|data) "`
	for _, p := range phrases {
		pattern += `.*` + hardWords(p)
	}
	return regexp.MustCompile(pattern)
}

// hardPlainError matches an error diagnostic without a configuration
// location (import ids, provider errors): the summary, then the phrases.
func hardPlainError(summary string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + hardWords(summary)
	for _, p := range phrases {
		pattern += `.*` + hardWords(p)
	}
	return regexp.MustCompile(pattern)
}
