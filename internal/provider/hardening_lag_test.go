package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Reads that lag behind writes: the sandbox answers reads with the value
// from before each write for read_after_write_lag_ms, as the eventually
// consistent real service may. An apply that creates a group, gives it
// members (atlassian_group_members), adds members to an existing group
// (atlassian_group_membership) and assigns workspace roles to an account
// and to the new group must succeed without re-reading what it wrote: no
// "inconsistent result", no write sent twice; the plan after the lag has
// passed is empty. A plan inside the window shows drift that goes away.

// setSandboxSettings sends PUT /_sandbox/settings, as a test fixture would
// from another process.
func setSandboxSettings(t *testing.T, org *acctest.Org, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, org.URL+"/_sandbox/settings", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := org.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT /_sandbox/settings %s: %s", body, resp.Status)
	}
}

// awaitReadsCaughtUp polls until the sandbox's reads show every write.
func awaitReadsCaughtUp(t *testing.T, org *acctest.Org, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !org.Server.ReadsCaughtUp() {
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox's reads did not catch up with its writes within %s", within)
		}
		time.Sleep(50 * time.Millisecond) // the interval of the poll; the condition decides
	}
}

type lagFixture struct {
	org     *acctest.Org
	counter *writeCounter
	config  string
	want    acctest.OrgAccess
	// writes is how many writes the apply needs, group create included.
	writes    int
	groupName string
}

func newLagFixture(t *testing.T, members, extra int) *lagFixture {
	t.Helper()
	org := acctest.NewOrg(t, 40, 4, 2)
	frontURL, counter := countingFront(t, org)
	users := org.ActiveUsers()
	existing := grpWritableGroups(org)[0]
	org.Update(func(st *sandbox.State) error {
		for i := range st.Groups {
			if st.Groups[i].ID == existing.ID {
				st.Groups[i].MemberAccountIDs = nil
			}
		}
		return nil
	})
	st := org.State()
	want := acctest.AccessOf(st)
	ws := st.Workspaces[0]
	var b strings.Builder
	fmt.Fprintf(&b, `
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
}

resource "atlassian_group" "new" {
  name        = "lagging readers"
  description = "created while reads lag"
}
`, org.OrgID, org.Token, frontURL)
	labels := map[string]string{}
	for _, u := range users[:members] {
		labels[u.AccountID] = u.Email
	}
	fmt.Fprintf(&b, `
resource "atlassian_group_members" "new" {
  group_id = atlassian_group.new.id
  members  = %s
}
`, grpMembersHCL(labels))
	var ids []string
	for _, u := range users[members : members+extra] {
		ids = append(ids, fmt.Sprintf("%q", u.AccountID))
		want.Members[existing.ID][u.AccountID] = true
	}
	fmt.Fprintf(&b, `
resource "atlassian_group_membership" "existing" {
  count      = %d
  group_id   = %q
  account_id = [%s][count.index]
}

resource "atlassian_workspace_role_assignment" "user" {
  workspace_id = %q
  role         = "atlassian/admin"
  account_id   = %q
}

resource "atlassian_workspace_role_assignment" "group" {
  workspace_id = %q
  role         = "atlassian/user"
  group_id     = atlassian_group.new.id
}
`, extra, existing.ID, strings.Join(ids, ", "), ws.ID, users[0].AccountID, ws.ID)
	want.UserRoles[sandbox.UserRoleAssignment{AccountID: users[0].AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin"}] = true
	return &lagFixture{org: org, counter: counter, config: b.String(), want: want,
		writes: 1 + members + extra + 2, groupName: "lagging readers"}
}

// check compares the sandbox with the configuration: the existing groups'
// access (want) plus the new group's members and role.
func (fx *lagFixture) check(t *testing.T, members int) {
	t.Helper()
	st := fx.org.State()
	var created *sandbox.Group
	for i := range st.Groups {
		if st.Groups[i].Name == fx.groupName {
			created = &st.Groups[i]
		}
	}
	if created == nil {
		t.Fatalf("the group %q was not created", fx.groupName)
	}
	want := fx.want
	want.Members[created.ID] = map[string]bool{}
	for _, u := range fx.org.ActiveUsers()[:members] {
		want.Members[created.ID][u.AccountID] = true
	}
	ws := st.Workspaces[0]
	want.GroupRoles[sandbox.GroupRoleAssignment{GroupID: created.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"}] = true
	if d := want.Diff(acctest.AccessOf(st)); d != "" {
		t.Errorf("the sandbox differs from the configuration:\n%s", d)
	}
}

// checkWritesOnce checks that every write reached the sandbox exactly once.
func (fx *lagFixture) checkWritesOnce(t *testing.T, counts map[string]int) {
	t.Helper()
	for key, n := range counts {
		if n != 1 {
			t.Errorf("%q was sent %d times", key, n)
		}
	}
	if len(counts) != fx.writes {
		t.Errorf("%d distinct writes reached the sandbox, want %d", len(counts), fx.writes)
	}
	stats := fx.org.Stats()
	var writeRequests int64
	for route, n := range stats.ByRoute {
		if !strings.HasPrefix(route, "GET ") && !strings.HasSuffix(route, "/search") && !strings.HasSuffix(route, "/workspaces") {
			writeRequests += n
		}
	}
	if writeRequests != int64(fx.writes) {
		t.Errorf("the sandbox counted %d write requests, want %d (%v)", writeRequests, fx.writes, stats.ByRoute)
	}
}

func TestAccReadAfterWriteLag(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	const members, extra = 6, 5

	t.Run("apply converges and the plan after the lag is empty", func(t *testing.T) {
		t.Parallel()
		fx := newLagFixture(t, members, extra)
		cli := newReattachedCLI(t, newCountingProvider(), tfdriver.Options{})
		cli.WriteConfig(fx.config)
		setSandboxSettings(t, fx.org, `{"read_after_write_lag_ms": 2000}`)
		fx.org.ResetStats()
		fx.counter.take()
		start := time.Now()
		res := cli.MustApply(tfexec.Parallelism(10))
		if strings.Contains(res.Output, "inconsistent result") {
			t.Errorf("the apply reports an inconsistent result:\n%s", res)
		}
		fx.checkWritesOnce(t, fx.counter.take())
		fx.check(t, members)
		if n := managedCount(cli.StateResources()); n != 1+1+extra+2 {
			t.Errorf("%d managed resources in the state, want %d", n, 1+1+extra+2)
		}
		awaitReadsCaughtUp(t, fx.org, time.Minute)
		t.Logf("apply and lag: %s", time.Since(start).Round(100*time.Millisecond))
		if changes, res := cli.PlanChanges(); changes {
			t.Errorf("the plan after the lag is not empty:\n%s", res)
		}
		if counts := fx.counter.take(); len(counts) != 0 {
			t.Errorf("the plan wrote: %v", counts)
		}

		// Changes and removals under the same lag: the members list loses
		// one account and gains another, one additive membership and the
		// account's role go. Then everything is destroyed.
		users := fx.org.ActiveUsers()
		changed := strings.Replace(fx.config, fmt.Sprintf("%q = %q", users[0].AccountID, users[0].Email),
			fmt.Sprintf("%q = %q", users[members+extra].AccountID, users[members+extra].Email), 1)
		changed = strings.Replace(changed, fmt.Sprintf("count      = %d", extra), fmt.Sprintf("count      = %d", extra-1), 1)
		const userRoleHeader = `resource "atlassian_workspace_role_assignment" "user"`
		at := strings.Index(changed, userRoleHeader)
		if at < 0 {
			t.Fatalf("the configuration has no %s", userRoleHeader)
		}
		userRole := changed[at:]
		userRole = userRole[:strings.Index(userRole, "}\n")+len("}\n")]
		changed = strings.Replace(changed, userRole, "", 1)
		cli.WriteConfig(changed)
		fx.org.ResetStats()
		res = cli.MustApply(tfexec.Parallelism(10))
		if strings.Contains(res.Output, "inconsistent result") {
			t.Errorf("the change reports an inconsistent result:\n%s", res)
		}
		counts := fx.counter.take()
		for key, n := range counts {
			if n != 1 {
				t.Errorf("the change sent %q %d times", key, n)
			}
		}
		if len(counts) != 4 { // one add, one removal from the list, one membership, one role
			t.Errorf("the change sent %d distinct writes, want 4: %v", len(counts), counts)
		}
		awaitReadsCaughtUp(t, fx.org, time.Minute)
		if changes, res := cli.PlanChanges(); changes {
			t.Errorf("the plan after the change and the lag is not empty:\n%s", res)
		}
		res = cli.Must(cli.TryDestroy(tfexec.Parallelism(10)))
		counts = fx.counter.take()
		for key, n := range counts {
			if n != 1 {
				t.Errorf("the destroy sent %q %d times", key, n)
			}
		}
		for _, g := range fx.org.State().Groups {
			if g.Name == fx.groupName {
				t.Errorf("the destroy left the group %q", g.Name)
			}
		}
		if n := managedCount(cli.StateResources()); n != 0 {
			t.Errorf("%d managed resources left in the state after the destroy", n)
		}
	})

	// A lag longer than a plan takes: the plan inside the window sees the
	// state from before the apply, and shows it as drift; once the lag is
	// over, the same plan is empty.
	t.Run("a plan inside the window shows drift that disappears", func(t *testing.T) {
		t.Parallel()
		fx := newLagFixture(t, members, extra)
		cli := newReattachedCLI(t, newCountingProvider(), tfdriver.Options{})
		cli.WriteConfig(fx.config)
		// The lag is for the plan, not the create: Atlassian answers a
		// create with no body, and under an hour-long lag a lookup by name
		// could not find the new group in time, so this sandbox names it in
		// a Location header, which a real answer may also carry.
		setSandboxSettings(t, fx.org, fmt.Sprintf(`{"read_after_write_lag_ms": %d, "create_group_location": true}`, time.Hour/time.Millisecond))
		cli.MustApply(tfexec.Parallelism(10))
		fx.counter.take()

		p, res := cli.SavedPlan()
		actions := acctest.ActionsByAddress(p)
		if len(actions) == 0 {
			t.Fatalf("the plan inside the lag window shows no drift:\n%s", res)
		}
		if actions["atlassian_group.new"] != "create" {
			t.Errorf("inside the window the new group plans %q, want create (it reads as not there yet): %v", actions["atlassian_group.new"], actions)
		}
		if !diagnostic("Group deleted outside Terraform").MatchString(res.Output) {
			t.Errorf("the plan inside the window does not warn about the group that reads as gone:\n%s", res)
		}
		t.Logf("plan inside the window: %v", actions)
		if counts := fx.counter.take(); len(counts) != 0 {
			t.Errorf("the plan wrote: %v", counts)
		}

		setSandboxSettings(t, fx.org, `{"read_after_write_lag_ms": 0}`)
		if changes, res := cli.PlanChanges(); changes {
			t.Errorf("the plan once reads caught up is not empty:\n%s", res)
		}
	})
}
