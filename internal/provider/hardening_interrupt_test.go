package provider

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Interrupted applies: terraform runs as a real process with the provider
// as a plugin process of its own (built from this module), the sandbox
// slows every write down so that the apply is still running when the test
// interrupts it, as Ctrl-C in a terminal does (SIGINT to terraform's whole
// process group), and in the harsher variant kills everything a moment
// later. Afterwards Terraform's state must never claim access the sandbox
// does not grant, the sandbox must grant nothing the configuration does not
// ask for, and the next apply must make the sandbox exactly the
// configuration, with an empty plan after it.

// interruptSize is big enough that the apply takes seconds with the
// writes slowed down.
var interruptSize = faultSize{membershipGroups: 3, membersPerGroup: 60, userRoles: 20, groupRoles: 5, users: 80, orgGroups: 8, membershipsInTotal: 240}

func TestAccInterruptedApply(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	for _, tc := range []struct {
		name string
		// killAfter is how long after SIGINT the process group is killed;
		// zero lets terraform shut down gracefully.
		killAfter time.Duration
	}{
		{name: "SIGINT, graceful shutdown"},
		// Terraform stops within a few hundred milliseconds of SIGINT (the
		// provider cancels its requests), so the kill must follow closely
		// to find it still running: a crash, or a CI runner killing the job.
		{name: "SIGINT, then SIGKILL", killAfter: 5 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			interruptedApply(t, tc.killAfter)
		})
	}
}

func interruptedApply(t *testing.T, killAfter time.Duration) {
	t.Helper()
	fx := newFaultFixture(t, interruptSize)
	org := fx.org
	cli := acctest.NewPluginCLI(t, tfdriver.Options{})
	cli.WriteConfig(fx.config)
	before := acctest.AccessOf(org.State())

	// Writes take 150 ms each; reads stay fast, so the plan is quick and the
	// apply is slow.
	org.Server.SetFaults(sandbox.Faults{LatencyMS: 150, Routes: []string{
		"POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/memberships",
		"POST /admin/v1/orgs/{orgId}/users/{accountId}/roles/assign",
		"POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}/role-assignments/assign",
	}})
	fx.counter.take()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Command starts it in a process group of its own, as a terminal's
	// foreground job: the signals reach terraform and the provider plugin
	// it started, and nothing else.
	args := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	cmd := cli.Command(ctx, args...)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// Never leave the group behind, whatever failed.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	})

	// Interrupt once a third of the writes reached the sandbox.
	threshold := fx.writes / 3
	deadline := time.Now().Add(time.Minute)
	for writesSoFar(org) < threshold {
		select {
		case err := <-exited:
			t.Fatalf("the apply ended (%v) before %d writes: too fast to interrupt\n%s", err, threshold, tfdriver.LastLines(output.String(), 40))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes after a minute", writesSoFar(org))
		}
	}
	atInterrupt := writesSoFar(org)
	if err := syscall.Kill(-pgid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	if killAfter > 0 {
		select {
		case err := <-exited:
			t.Fatalf("terraform exited (%v) within %s of SIGINT, before the kill: the test proves nothing", err, killAfter)
		case <-time.After(killAfter):
			if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			waitErr = <-exited
		}
	} else {
		select {
		case waitErr = <-exited:
		case <-time.After(2 * time.Minute):
			t.Fatalf("terraform did not stop within two minutes of SIGINT:\n%s", tfdriver.LastLines(output.String(), 40))
		}
	}
	// Let writes still in flight in the sandbox (a killed client does not
	// stop a handler that already started) land before looking. Terraform
	// and its plugin have exited, so no request starts after this.
	landed := time.Now().Add(time.Minute)
	for n := fx.counter.inFlight.Load(); n > 0; n = fx.counter.inFlight.Load() {
		if time.Now().After(landed) {
			t.Fatalf("the sandbox still handles %d requests a minute after terraform exited", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	org.Server.SetFaults(sandbox.Faults{})
	interrupted := output.String()
	res := tfdriver.Result{Command: strings.Join(args, " ") + " (interrupted)", Output: interrupted, ExitCode: -1, Err: waitErr}
	cli.Record(res)
	cli.ExpectNoCrash(res)
	afterInterrupt := fx.counter.take()
	t.Logf("interrupted after %d writes; terraform exited with %v after %d writes; it printed:\n%s",
		atInterrupt, waitErr, len(afterInterrupt), tfdriver.LastLines(interrupted, 12))
	if waitErr == nil {
		t.Fatalf("the apply completed despite the interrupt: the test proves nothing\n%s", tfdriver.LastLines(interrupted, 30))
	}
	for key, n := range afterInterrupt {
		if strings.HasPrefix(key, "DELETE") || strings.Contains(key, "/revoke ") {
			t.Errorf("the interrupted apply removed something: %s", key)
		}
		if n > 1 {
			t.Errorf("the interrupted apply sent %s %d times without any fault", key, n)
		}
	}
	if killAfter == 0 && !strings.Contains(interrupted, "Interrupt received") {
		t.Errorf("terraform did not acknowledge the interrupt:\n%s", tfdriver.LastLines(interrupted, 30))
	}

	// What Terraform recorded must be true of the sandbox, and the sandbox
	// must hold nothing the configuration does not ask for.
	got := acctest.AccessOf(org.State())
	recorded := stateAccessOf(t, cli.StateResources())
	if problems := notGranted(recorded, got); len(problems) > 0 {
		t.Errorf("the state records access the sandbox does not grant:\n%s", strings.Join(problems, "\n"))
	}
	if problems := grantedBeyond(got, before, fx.want); len(problems) > 0 {
		t.Errorf("after the interrupt the sandbox grants access the configuration does not ask for:\n%s", strings.Join(problems, "\n"))
	}
	made := countAdded(before, got)
	t.Logf("after the interrupt: %d grants made in the sandbox, %d recorded in the state (the next apply adopts the rest)",
		made, recorded.count())
	if made == 0 || made == fx.writes {
		t.Errorf("%d of %d grants were made before the interrupt took effect: not an interrupted apply", made, fx.writes)
	}

	// The next apply repairs everything, with no removal and no write sent
	// more often than the retry policy allows.
	cli.MustApply()
	for key, n := range fx.counter.take() {
		if strings.HasPrefix(key, "DELETE") || strings.Contains(key, "/revoke ") {
			t.Errorf("the repairing apply removed something: %s", key)
		}
		if n > 1 {
			t.Errorf("the repairing apply sent %s %d times without any fault", key, n)
		}
	}
	if d := fx.want.Diff(acctest.AccessOf(org.State())); d != "" {
		t.Errorf("after the repairing apply the sandbox differs from the configuration:\n%s", d)
	}
	if n := managedCount(cli.StateResources()); n != fx.resources {
		t.Errorf("%d managed resources in the state after the repairing apply, want %d", n, fx.resources)
	}
	if changes, res := cli.PlanChanges(); changes {
		t.Errorf("the plan after the repairing apply is not empty:\n%s", res)
	}
}

// writesSoFar counts the write requests the sandbox received.
func writesSoFar(org *acctest.Org) int {
	n := 0
	for route, count := range org.Server.Stats().ByRoute {
		if strings.HasPrefix(route, "POST ") && (strings.HasSuffix(route, "/memberships") || strings.HasSuffix(route, "/assign")) {
			n += int(count)
		}
	}
	return n
}

// stateAccess is the access a Terraform state records.
type stateAccess struct {
	members    map[string][]string // group id => account ids
	userRoles  []sandbox.UserRoleAssignment
	groupRoles []sandbox.GroupRoleAssignment
}

func (r stateAccess) count() int {
	n := len(r.userRoles) + len(r.groupRoles)
	for _, m := range r.members {
		n += len(m)
	}
	return n
}

func stateAccessOf(t *testing.T, resources []*tfjson.StateResource) stateAccess {
	t.Helper()
	rec := stateAccess{members: map[string][]string{}}
	str := func(r *tfjson.StateResource, key string) string {
		s, _ := r.AttributeValues[key].(string)
		return s
	}
	for _, r := range resources {
		switch r.Type {
		case "atlassian_group_membership":
			rec.members[str(r, "group_id")] = append(rec.members[str(r, "group_id")], str(r, "account_id"))
		case "atlassian_group_members":
			members, _ := r.AttributeValues["members"].(map[string]any)
			for id := range members {
				rec.members[str(r, "group_id")] = append(rec.members[str(r, "group_id")], id)
			}
		case "atlassian_workspace_role_assignment":
			if account := str(r, "account_id"); account != "" {
				rec.userRoles = append(rec.userRoles, sandbox.UserRoleAssignment{AccountID: account, ResourceID: str(r, "workspace_id"), Role: str(r, "role")})
			} else {
				rec.groupRoles = append(rec.groupRoles, sandbox.GroupRoleAssignment{GroupID: str(r, "group_id"), ResourceID: str(r, "workspace_id"), Role: str(r, "role")})
			}
		}
	}
	return rec
}

// notGranted lists what the state records but the sandbox does not
// grant: the silent drift that must never happen.
func notGranted(rec stateAccess, got acctest.OrgAccess) []string {
	var problems []string
	for groupID, ids := range rec.members {
		for _, id := range ids {
			if !got.Members[groupID][id] {
				problems = append(problems, fmt.Sprintf("membership %s/%s", groupID, id))
			}
		}
	}
	for _, r := range rec.userRoles {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(got.UserRoles)), func(a sandbox.UserRoleAssignment) bool {
			return a.AccountID == r.AccountID && a.ResourceID == r.ResourceID && a.Role == r.Role
		}) {
			problems = append(problems, fmt.Sprintf("user role %+v", r))
		}
	}
	for _, r := range rec.groupRoles {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(got.GroupRoles)), func(a sandbox.GroupRoleAssignment) bool {
			return a.GroupID == r.GroupID && a.ResourceID == r.ResourceID && a.Role == r.Role
		}) {
			problems = append(problems, fmt.Sprintf("group role %+v", r))
		}
	}
	sort.Strings(problems)
	return problems
}

// grantedBeyond lists what got grants that neither before nor want does.
func grantedBeyond(got, before, want acctest.OrgAccess) []string {
	var problems []string
	for groupID, members := range got.Members {
		for id := range members {
			if !before.Members[groupID][id] && !want.Members[groupID][id] {
				problems = append(problems, fmt.Sprintf("membership %s/%s", groupID, id))
			}
		}
	}
	for r := range got.UserRoles {
		if !before.UserRoles[r] && !want.UserRoles[r] {
			problems = append(problems, fmt.Sprintf("user role %+v", r))
		}
	}
	for r := range got.GroupRoles {
		if !before.GroupRoles[r] && !want.GroupRoles[r] {
			problems = append(problems, fmt.Sprintf("group role %+v", r))
		}
	}
	sort.Strings(problems)
	return problems
}

// countAdded counts the grants got has and before had not.
func countAdded(before, got acctest.OrgAccess) int {
	n := 0
	for groupID, members := range got.Members {
		for id := range members {
			if !before.Members[groupID][id] {
				n++
			}
		}
	}
	for r := range got.UserRoles {
		if !before.UserRoles[r] {
			n++
		}
	}
	for r := range got.GroupRoles {
		if !before.GroupRoles[r] {
			n++
		}
	}
	return n
}
