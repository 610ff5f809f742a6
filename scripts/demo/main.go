// Command demo is `make demo`: it builds the provider, starts a sandbox
// organization, applies examples/quickstart through a dev_overrides CLI
// configuration, prints what changed and the sandbox's resulting
// memberships, plans again to show that nothing is left to do, and stops the
// sandbox. No credentials and no network beyond loopback.
//
//	go run ./scripts/demo -terraform /path/to/terraform
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

func main() {
	terraform := flag.String("terraform", "terraform", "the Terraform CLI to run")
	workDir := flag.String("dir", ".demo", "scratch directory (recreated on every run)")
	flag.Parse()
	// stop runs before os.Exit, which skips deferred calls.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *terraform, *workDir)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// sandboxInfo is the first line the sandbox prints.
type sandboxInfo struct {
	BaseURL        string `json:"base_url"`
	OrganizationID string `json:"organization_id"`
	APIToken       string `json:"api_token"`
}

func run(ctx context.Context, terraform, dir string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	// A fresh directory every run: the sandbox starts fresh too, so old
	// state would describe a different organization.
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	binDir, work := filepath.Join(dir, "bin"), filepath.Join(dir, "quickstart")
	for _, d := range []string{binDir, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}

	step("Building the provider and the sandbox")
	if err := tfdriver.Build(ctx, root, ".", filepath.Join(binDir, "terraform-provider-atlassian")); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	sandboxBin := filepath.Join(binDir, "atlassian-sandbox")
	if err := tfdriver.Build(ctx, root, "./cmd/atlassian-sandbox", sandboxBin); err != nil {
		return fmt.Errorf("building the sandbox: %w", err)
	}

	step("Starting a sandbox organization (200 users, 12 groups, 3 workspaces, seed 1)")
	info, stopSandbox, err := startSandbox(ctx, sandboxBin)
	if err != nil {
		return err
	}
	defer stopSandbox()
	fmt.Printf("   %s (organization %s)\n", info.BaseURL, info.OrganizationID)

	if err := tfdriver.CopyConfiguration(filepath.Join(root, "examples", "quickstart"), work); err != nil {
		return err
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, []byte(tfdriver.DevOverrides(binDir, "cureigad/atlassian")), 0o644); err != nil {
		return err
	}
	tf, err := tfdriver.New(ctx, tfdriver.Options{
		Terraform: terraform, Dir: work, CLIConfig: rc,
		Env: []string{
			"ATLASSIAN_ORGANIZATION_ID=" + info.OrganizationID,
			"ATLASSIAN_API_TOKEN=" + info.APIToken,
			"ATLASSIAN_BASE_URL=" + info.BaseURL,
		},
		Variables: map[string]string{"connector_sync_path": filepath.Join(dir, "sync.c1z")},
		Output:    os.Stdout,
	})
	if err != nil {
		return err
	}

	step("terraform apply examples/quickstart")
	if _, err := tf.Apply(ctx); err != nil {
		return fmt.Errorf("terraform apply: %w", err)
	}

	step("What the sandbox organization holds now")
	if err := report(ctx, info, tf); err != nil {
		return err
	}

	step("terraform plan again: nothing should be left to do")
	changes, _, err := tf.Plan(ctx)
	switch {
	case err != nil:
		return fmt.Errorf("terraform plan: %w", err)
	case changes:
		return errors.New("the second plan wants changes: the provider did not converge")
	}
	fmt.Println("\n   No changes: the organization matches the configuration.")
	step("Stopping the sandbox")
	return nil
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }

// startSandbox runs the sandbox binary and reads its announcement line.
func startSandbox(ctx context.Context, bin string) (sandboxInfo, func(), error) {
	cmd := exec.CommandContext(ctx, bin, "--addr", "127.0.0.1:0", "--users", "200", "--groups", "12", "--workspaces", "3", "--seed", "1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return sandboxInfo{}, nil, err
	}
	if err := cmd.Start(); err != nil {
		return sandboxInfo{}, nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return sandboxInfo{}, nil, fmt.Errorf("reading the sandbox's first line: %w", err)
	}
	var info sandboxInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		stop()
		return sandboxInfo{}, nil, fmt.Errorf("the sandbox's first line %q: %w", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return info, stop, nil
}

// sandboxState is the part of GET /_sandbox/state the report needs.
type sandboxState struct {
	Users []struct {
		AccountID string `json:"account_id"`
		Email     string `json:"email"`
	} `json:"users"`
	Groups []struct {
		ID               string   `json:"id"`
		Name             string   `json:"name"`
		MemberAccountIDs []string `json:"member_account_ids"`
	} `json:"groups"`
	Workspaces []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"workspaces"`
	GroupRoleAssignments []struct {
		GroupID    string `json:"group_id"`
		ResourceID string `json:"resource_id"`
		Role       string `json:"role"`
	} `json:"group_role_assignments"`
}

// report prints, from the sandbox itself, the members and workspace roles of
// the groups the quickstart manages.
func report(ctx context.Context, info sandboxInfo, tf *tfdriver.Workdir) error {
	st, res, err := tf.Show(ctx)
	if err != nil {
		return fmt.Errorf("terraform show: %w\n%s", err, res.Output)
	}
	var groupID string
	if st.Values != nil {
		if out := st.Values.Outputs["group_id"]; out != nil {
			groupID, _ = out.Value.(string)
		}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, info.BaseURL+"/_sandbox/state", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	var org sandboxState
	err = json.NewDecoder(resp.Body).Decode(&org)
	if err := errors.Join(err, resp.Body.Close()); err != nil {
		return err
	}
	emails := map[string]string{}
	for _, u := range org.Users {
		emails[u.AccountID] = u.Email
	}
	workspaces := map[string]string{}
	for _, w := range org.Workspaces {
		workspaces[w.ID] = w.Name
	}
	for _, g := range org.Groups {
		if g.ID != groupID {
			continue
		}
		members := make([]string, 0, len(g.MemberAccountIDs))
		for _, id := range g.MemberAccountIDs {
			members = append(members, emails[id])
		}
		sort.Strings(members)
		fmt.Printf("   group %q (%s) has %d members:\n", g.Name, g.ID, len(members))
		for _, m := range members {
			fmt.Printf("     - %s\n", m)
		}
		var roles []string
		for _, ra := range org.GroupRoleAssignments {
			if ra.GroupID == g.ID {
				roles = append(roles, fmt.Sprintf("%s on %s", ra.Role, workspaces[ra.ResourceID]))
			}
		}
		slices.Sort(roles)
		fmt.Printf("   and holds: %s\n", strings.Join(roles, "; "))
		return nil
	}
	return fmt.Errorf("the sandbox has no group %q: the apply did not create it", groupID)
}
