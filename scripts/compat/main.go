// Command compat is the compatibility pass of .ci/run: it runs the life of
// examples/quickstart, as a user runs it, under each CLI it is given (the
// oldest Terraform the provider supports, the oldest the tests accept,
// OpenTofu), against a fresh sandbox organization per CLI. The provider is built once and installed
// through dev_overrides, so the CLI starts it as a plugin process of its
// own, as it starts a released one.
//
// The steps, each printed as one result line per CLI:
//
//	apply     terraform apply of the quickstart
//	replan    a plan right after it wants no changes
//	import    two resources leave the state and come back: one through
//	          `terraform import`, one through an import block and an apply
//	replan    a plan wants no changes again
//	query     terraform query -generate-config-out finds the quickstart's
//	          group by name and writes its import block (Terraform 1.14
//	          and later; a CLI without the command says "skipped")
//	destroy   terraform destroy, and the sandbox no longer holds the group
//
// It exits non-zero when any step under any CLI failed.
//
//	go run ./scripts/compat /path/to/terraform-1.8.5 /path/to/terraform-1.14.3 /path/to/tofu-1.12.6
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

func main() {
	keep := flag.Bool("keep", false, "keep the scratch directory (working directories, states, CLI configuration)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/compat [-keep] CLI...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	// stop runs before os.Exit, which skips deferred calls.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ok, err := run(ctx, flag.Args(), *keep)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// The quickstart's resources the import step takes out of the state and
// brings back.
const (
	groupAddress      = "atlassian_group.oncall"
	membershipAddress = "atlassian_group_membership.engineering_seoyeon"
)

func run(ctx context.Context, clis []string, keep bool) (ok bool, err error) {
	root, err := os.Getwd()
	if err != nil {
		return false, err
	}
	scratch, err := os.MkdirTemp("", "compat-")
	if err != nil {
		return false, err
	}
	if keep {
		fmt.Println("compat: scratch directory", scratch)
	} else {
		defer func() { err = errors.Join(err, os.RemoveAll(scratch)) }()
	}
	binDir := filepath.Join(scratch, "bin")
	start := time.Now()
	if err := tfdriver.Build(ctx, root, ".", filepath.Join(binDir, "terraform-provider-atlassian")); err != nil {
		return false, fmt.Errorf("building the provider: %w", err)
	}
	fmt.Printf("compat: provider built in %s\n", time.Since(start).Round(time.Second))
	rc := filepath.Join(scratch, "terraformrc")
	// DevOverrides names the provider under registry.terraform.io and
	// registry.opentofu.org, the host OpenTofu gives an address without one.
	if err := os.WriteFile(rc, []byte(tfdriver.DevOverrides(binDir, "cureigad/atlassian")), 0o644); err != nil {
		return false, err
	}

	allOK := true
	for i, cli := range clis {
		dir := filepath.Join(scratch, fmt.Sprintf("cli%d", i))
		if !runCLI(ctx, root, cli, rc, dir) {
			allOK = false
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
	}
	if allOK {
		fmt.Println("compat: PASS")
	} else {
		fmt.Println("compat: FAIL")
	}
	return allOK, nil
}

// runCLI runs every step under one CLI and reports whether all passed. A
// failed step ends the CLI's run: later steps depend on it.
func runCLI(ctx context.Context, root, cli, rc, dir string) bool {
	name := cliName(ctx, cli, rc)
	fail := func(step string, err error) bool {
		fmt.Printf("%-18s %-8s FAIL  %v\n", name, step, err)
		return false
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail("setup", err)
	}
	if err := tfdriver.CopyConfiguration(filepath.Join(root, "examples", "quickstart"), dir); err != nil {
		return fail("setup", err)
	}
	srv, err := sandbox.New(sandbox.DefaultOptions())
	if err != nil {
		return fail("setup", err)
	}
	org := httptest.NewServer(srv)
	defer org.Close()
	tf, err := tfdriver.New(ctx, tfdriver.Options{
		Terraform: cli, Dir: dir, CLIConfig: rc,
		Env: []string{
			"ATLASSIAN_ORGANIZATION_ID=" + srv.State().Organization.ID,
			"ATLASSIAN_API_TOKEN=" + sandbox.DefaultToken,
			"ATLASSIAN_BASE_URL=" + org.URL,
		},
		Variables: map[string]string{"connector_sync_path": filepath.Join(dir, "sync.c1z")},
	})
	if err != nil {
		return fail("setup", err)
	}

	steps := []struct {
		name string
		do   func() (tfdriver.Result, error)
		// skip, when not empty, is why the CLI cannot run the step.
		skip string
	}{
		{name: "apply", do: func() (tfdriver.Result, error) { return tf.Apply(ctx) }},
		{name: "replan", do: func() (tfdriver.Result, error) { return planEmpty(ctx, tf) }},
		{name: "import", do: func() (tfdriver.Result, error) { return reimport(ctx, tf) }},
		{name: "replan", do: func() (tfdriver.Result, error) { return planEmpty(ctx, tf) }},
		{name: "query", do: func() (tfdriver.Result, error) { return queryGroup(ctx, tf, srv) }, skip: lacksQuery(name)},
		{name: "destroy", do: func() (tfdriver.Result, error) { return destroy(ctx, tf, srv) }},
	}
	for _, s := range steps {
		if s.skip != "" {
			fmt.Printf("%-18s %-8s skipped: %s\n", name, s.name, s.skip)
			continue
		}
		res, err := s.do()
		if err != nil {
			fail(s.name, err)
			if res.Command != "" {
				fmt.Println(indent(res.String()))
			}
			return false
		}
		fmt.Printf("%-18s %-8s ok    %s\n", name, s.name, res.Took.Round(100*time.Millisecond))
	}
	return true
}

// planEmpty plans and fails when the plan wants changes.
func planEmpty(ctx context.Context, tf *tfdriver.Workdir) (tfdriver.Result, error) {
	changes, res, err := tf.Plan(ctx)
	if err == nil && changes {
		err = errors.New("the plan wants changes")
	}
	return res, err
}

// reimport removes the group and the membership from the state and brings
// them back: the group through the import command, the membership through
// an import block applied (which must change nothing else).
func reimport(ctx context.Context, tf *tfdriver.Workdir) (res tfdriver.Result, err error) {
	start := time.Now()
	ids := map[string]string{}
	st, res, err := tf.Show(ctx)
	if err != nil {
		return res, err
	}
	if st.Values != nil {
		for _, r := range st.Values.RootModule.Resources {
			if id, ok := r.AttributeValues["id"].(string); ok {
				ids[r.Address] = id
			}
		}
	}
	for _, address := range []string{groupAddress, membershipAddress} {
		if ids[address] == "" {
			return res, fmt.Errorf("the state has no id for %s", address)
		}
		if res, err := tf.Run(ctx, "state", "rm", address); err != nil {
			return res, err
		}
	}
	if res, err := tf.Import(ctx, groupAddress, ids[groupAddress]); err != nil {
		return res, err
	}
	block := fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", membershipAddress, ids[membershipAddress])
	if err := tf.WriteFile("compat_import.tf", block); err != nil {
		return res, err
	}
	defer func() { err = errors.Join(err, os.Remove(filepath.Join(tf.Dir(), "compat_import.tf"))) }()
	res, err = tf.Apply(ctx)
	if err != nil {
		return res, err
	}
	// Both CLIs summarize an apply as "Apply complete! Resources: 1
	// imported, 0 added, 0 changed, 0 destroyed."
	if !strings.Contains(res.Output, "1 imported, 0 added, 0 changed, 0 destroyed") {
		return res, errors.New("the apply of the import block did more than import the membership")
	}
	res.Took = time.Since(start)
	return res, nil
}

// firstQuery is the first Terraform release with `terraform query` and list
// resources.
var firstQuery = version.Must(version.NewVersion("1.14.0"))

// lacksQuery says why the CLI named name (cliName) has no `terraform
// query`, or "" when it has one. OpenTofu has none in any release so far.
func lacksQuery(name string) string {
	v, ok := strings.CutPrefix(name, "Terraform v")
	if !ok {
		return "no query command"
	}
	if parsed, err := version.NewVersion(v); err != nil || parsed.LessThan(firstQuery) {
		return "no query command before Terraform 1.14"
	}
	return ""
}

// queryGroup lists the groups named like the quickstart's with `terraform
// query -generate-config-out`, as the guide to adopting an organization
// does, and checks that the generated configuration imports that group by
// its id. The query file and the generated configuration are removed
// after, and a removal that fails fails the step: the generated file is
// configuration that the destroy step must not see.
func queryGroup(ctx context.Context, tf *tfdriver.Workdir, srv *sandbox.Server) (res tfdriver.Result, err error) {
	var groupID string
	for _, g := range srv.State().Groups {
		if g.Name == "platform-oncall" {
			groupID = g.ID
		}
	}
	if groupID == "" {
		return res, errors.New("the sandbox holds no group platform-oncall after the apply")
	}
	const queryFile, generated = "compat.tfquery.hcl", "compat_generated.tf"
	defer func() {
		for _, name := range []string{queryFile, generated} {
			if rmErr := os.Remove(filepath.Join(tf.Dir(), name)); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
				err = errors.Join(err, rmErr)
			}
		}
	}()
	query := "list \"atlassian_group\" \"oncall\" {\n  provider = atlassian\n  config {\n    name_contains = \"platform-oncall\"\n  }\n}\n"
	if err := tf.WriteFile(queryFile, query); err != nil {
		return res, err
	}
	res, err = tf.Run(ctx, "query", "-no-color", "-generate-config-out="+generated)
	if err != nil {
		return res, err
	}
	config, err := os.ReadFile(filepath.Join(tf.Dir(), generated))
	if err != nil {
		return res, fmt.Errorf("terraform query wrote no configuration: %w", err)
	}
	// An import block to an atlassian_group, naming the group by identity:
	// `identity = { id = "<group id>" }`, however terraform fmt aligns it.
	imports := regexp.MustCompile(`(?s)import \{\s*to\s*=\s*atlassian_group\.\w+.*?identity\s*=\s*\{\s*id\s*=\s*"` + regexp.QuoteMeta(groupID) + `"`)
	if !imports.Match(config) {
		return res, fmt.Errorf("the generated configuration has no import block of group %s:\n%s", groupID, config)
	}
	return res, nil
}

// destroy destroys everything and checks that the sandbox no longer holds
// the quickstart's group.
func destroy(ctx context.Context, tf *tfdriver.Workdir, srv *sandbox.Server) (tfdriver.Result, error) {
	res, err := tf.Destroy(ctx)
	if err != nil {
		return res, err
	}
	for _, g := range srv.State().Groups {
		if g.Name == "platform-oncall" {
			return res, fmt.Errorf("the sandbox still holds group %s after the destroy", g.ID)
		}
	}
	return res, nil
}

// cliName is what `version` says the CLI is: "Terraform v1.8.5",
// "OpenTofu v1.12.6". It reads the line rather than the first one: a CLI
// configuration it cannot read makes OpenTofu print a warning first.
func cliName(ctx context.Context, cli, rc string) string {
	cmd := exec.CommandContext(ctx, cli, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+rc)
	out, _ := cmd.Output()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			return strings.TrimSpace(line)
		}
	}
	return filepath.Base(cli)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
