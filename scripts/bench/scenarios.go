package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/conductorone/baton-sdk/pkg/dotc1z"

	"github.com/cureigad/terraform-provider-atlassian/internal/batonsync"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// scenario is one line (or a few) of the table.
type scenario struct {
	id, title string
	run       func(context.Context, *bench) ([]*result, error)
}

var scenarios = []scenario{
	{"1", "refresh-plan of 2,000 atlassian_group_membership in 20 groups of 100, org of 5,000 users", refreshMemberships},
	{"2", "refresh-plan of one atlassian_group_members holding 5,000 accounts; 3: apply adding 1,000 members to it", groupMembersScenarios},
	{"4", "atlassian_accounts over a 50,000-user org", accountsListing},
	{"4b", "atlassian_accounts with inactive_for = \"90d\" over a 50,000-user org with product activity", inactiveAccountsListing},
	{"5", "apply of 1,000 new atlassian_group_membership, sandbox limited to 50 requests/s", rateLimitedApply},
	{"6", "full sync of 5,000 users, 100 groups, 5 workspaces", fullSync},
	{"7", "apply of a member list of 1,000 to 5,000 strings as a set, a list, a map and atlassian_group_members", shapes},
	{"8", "terraform query -generate-config-out of 5,000 users, 300 groups, 20,000 memberships, 500 group roles: member lists; plan of the generated configuration", adoptMemberLists},
	{"8c", "terraform query -generate-config-out of 5,000 users, 300 groups, 20,000 memberships, 500 group roles: memberships; plan of the generated configuration", adoptMemberships},
	{"9", "just-in-time access: refresh-plan of 1,000 memberships with `expires_at`; one apply revoking 1,000 expiring at once at 50 requests/s", expiringGrants},
	{"10", "access reviews of 5,000 users, 100 groups, 5 workspaces, with product activity: baton-atlassian report in each format; atlassian_effective_access for one workspace", accessReview},
	{"11", "baton-atlassian impact of a plan giving a group of every listed account (about 5,000) a workspace role and destroying 100 memberships, org of 5,000 users: requests against the listing floor, seconds, peak memory", impactOfPlan},
	{"12", "50,000 accounts, 1,000 groups, 200,000 memberships, 10 workspaces: full sync, its report in each format, terraform query of the groups and member lists, refresh-plan of 20 member lists of 2,500", largeOrgScenario},
}

// Terraform's exit codes: plan -detailed-exitcode answers 0 for no
// changes and 2 for changes.
var (
	exitOK      = []int{0}
	exitChanges = []int{2}
)

const atlassianTerraformBlock = `terraform {
  required_providers {
    atlassian = {
      source = "cureigad/atlassian"
    }
  }
}
`

// providerBlock configures the provider for the sandbox; extra is added
// inside the block (e.g. requests_per_second = 50).
func (b *bench) providerBlock(extra string) string {
	return atlassianTerraformBlock + fmt.Sprintf(`
provider "atlassian" {
  organization_id = %q
  api_token       = %q
  base_url        = %q
%s}
`, b.sb.OrgID, b.sb.Token, b.sb.URL, extra)
}

func (b *bench) latencyFaults() sandbox.Faults { return sandbox.Faults{LatencyMS: b.latencyMS} }

func (b *bench) latency() time.Duration { return time.Duration(b.latencyMS) * time.Millisecond }

// membershipEdge is one membership, as the configurations read it from
// memberships.json.
type membershipEdge struct {
	GroupID   string `json:"group_id"`
	AccountID string `json:"account_id"`
}

func membershipEdges(groups []benchGroup, toAdd bool) map[string]membershipEdge {
	out := map[string]membershipEdge{}
	for _, g := range groups {
		ids := g.Members
		if toAdd {
			ids = g.ToAdd
		}
		for _, a := range ids {
			out[g.ID+"/"+a] = membershipEdge{GroupID: g.ID, AccountID: a}
		}
	}
	return out
}

const membershipsLocal = `
locals {
  memberships = jsondecode(file("${path.module}/memberships.json"))
}
`

const membershipResource = `
resource "atlassian_group_membership" "m" {
  for_each   = local.memberships
  group_id   = each.value.group_id
  account_id = each.value.account_id
}
`

// The baseline resource carries nothing: terraform_data with an input
// (a dynamic value) costs Terraform several times more per resource, which
// would flatter the provider.
const dataMembershipResource = `
resource "terraform_data" "m" {
  for_each = local.memberships
}
`

const noopRequiredProviders = `terraform {
  required_providers {
    noop = {
      source = "bench/noop"
    }
  }
}
`

const noopMembershipResource = noopRequiredProviders + `
resource "noop_item" "m" {
  for_each   = local.memberships
  group_id   = each.value.group_id
  account_id = each.value.account_id
}
`

// membershipState is the state of `resource "<type>" "m"` over edges.
func (b *bench) membershipState(resourceType, providerAddress string, edges map[string]membershipEdge) stateFile {
	res := stateResource{Mode: "managed", Type: resourceType, Name: "m", Provider: providerRef(providerAddress)}
	for key, e := range edges {
		res.Instances = append(res.Instances, stateInstance{
			IndexKey: key,
			Attributes: map[string]any{
				"id": key, "group_id": e.GroupID, "account_id": e.AccountID,
			},
			SensitiveAttributes: []any{},
		})
	}
	return b.newState(res)
}

// terraformDataState is the state of `resource "terraform_data" "m"` (no
// arguments) over the keys of edges.
func (b *bench) terraformDataState(edges map[string]membershipEdge) stateFile {
	res := stateResource{Mode: "managed", Type: "terraform_data", Name: "m", Provider: providerRef("terraform.io/builtin/terraform")}
	for key := range edges {
		res.Instances = append(res.Instances, stateInstance{
			IndexKey: key,
			Attributes: map[string]any{
				"id": newUUID(), "input": nil, "output": nil, "triggers_replace": nil,
			},
			SensitiveAttributes: []any{},
		})
	}
	return b.newState(res)
}

// ---- 1: refresh-plan of 2,000 memberships ----

func refreshMemberships(ctx context.Context, b *bench) ([]*result, error) {
	groupCount, perGroup, users := b.n(20), 100, b.n(5000)
	st := generatedOrg(users, 0, 3, 11)
	groups, err := addGroups(&st, groupCount, perGroup, 0, activeStaff(st), 1)
	if err != nil {
		return nil, err
	}
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	edges := membershipEdges(groups, false)
	fmt.Printf("   %d memberships in %d groups of %d, org of %d users\n", len(edges), groupCount, perGroup, users)

	// Baseline: the same for_each over terraform_data, built into
	// Terraform, so no plugin and no gRPC at all.
	data, err := b.workspace("1-terraform_data")
	if err != nil {
		return nil, err
	}
	if err := writeAll(data, map[string]string{"main.tf": membershipsLocal + dataMembershipResource}, edges); err != nil {
		return nil, err
	}
	if err := data.writeJSON("terraform.tfstate", b.terraformDataState(edges)); err != nil {
		return nil, err
	}

	// The same with a plugin that does nothing: what gRPC and the plugin
	// framework cost per resource.
	noop, err := b.workspace("1-noop")
	if err != nil {
		return nil, err
	}
	if err := writeAll(noop, map[string]string{"main.tf": membershipsLocal + noopMembershipResource}, edges); err != nil {
		return nil, err
	}
	if err := noop.writeJSON("terraform.tfstate", b.membershipState("noop_item", noopAddress, edges)); err != nil {
		return nil, err
	}

	ws, err := b.workspace("1-atlassian")
	if err != nil {
		return nil, err
	}
	if err := writeAll(ws, map[string]string{"main.tf": b.providerBlock("") + membershipsLocal + membershipResource}, edges); err != nil {
		return nil, err
	}
	if err := ws.writeJSON("terraform.tfstate", b.membershipState("atlassian_group_membership", providerAddress, edges)); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())

	// Every plan must find no changes: exit code 0.
	got, err := rounds(2,
		job{"terraform_data", func() (measurement, error) { return b.measure(ctx, data, noPlugin, exitOK, planCmd) }},
		job{"noop", func() (measurement, error) { return b.measure(ctx, noop, noopPlugin, exitOK, planCmd) }},
		job{"atlassian", func() (measurement, error) { return b.measure(ctx, ws, atlassianPlugin, exitOK, planCmd) }},
	)
	if err != nil {
		return nil, fmt.Errorf("a refresh plan must find no changes: %w", err)
	}
	baseline, noopPlan, m := got["terraform_data"], got["noop"], got["atlassian"]
	launched, err := b.measure(ctx, ws, atlassianLaunched, exitOK, planCmd)
	if err != nil {
		return nil, fmt.Errorf("the refresh plan with the provider launched by Terraform: %w", err)
	}

	r := &result{m: m, baseline: baseline.wall, baselineNote: fmt.Sprintf("`terraform plan` of %d `terraform_data`", len(edges)),
		title: fmt.Sprintf("refresh-plan of %s `atlassian_group_membership` in %d groups of %d, org of %s users",
			thousands(len(edges)), groupCount, perGroup, thousands(users)),
		ratioTo: noopPlan.wall, ratioNote: "no-op provider"}
	budget := int64(groupCount*5) / 2 // 50 for 20 groups
	// The wall budget holds against the no-op provider on the same plan:
	// since Terraform 1.14 runs built-in resources much faster than plugin
	// ones, a budget against terraform_data measures the plugin protocol,
	// which every provider pays, more than this provider's own work.
	r.budget = fmt.Sprintf("≤ %d requests; ≤ 1.5 × the no-op provider", budget)
	r.expect(m.requests <= budget, "%d admin API requests, budget %d (%d groups)", m.requests, budget, groupCount)
	r.expect(m.wall*2 <= noopPlan.wall*3, "wall %.2f s, budget 1.5 × %.2f s (the no-op provider; terraform_data %.2f s)",
		m.wall.Seconds(), noopPlan.wall.Seconds(), baseline.wall.Seconds())
	r.note("Requests by route: %s.", routes(m))
	gap := m.wall - baseline.wall
	plugin := noopPlan.wall - baseline.wall
	share := 0.0
	if gap > 0 {
		share = 100 * plugin.Seconds() / gap.Seconds()
	}
	r.note("Where the time goes: `terraform_data` (no plugin) %.2f s; the same %d resources on a provider that does nothing "+
		"(`noop_item`: gRPC, msgpack and the plugin framework only) %.2f s; the Atlassian provider %.2f s. Of the %.2f s gap "+
		"to the baseline, %.2f s (%.0f%%) is what any plugin pays per resource, and %.2f s the provider's own work (its %d "+
		"requests at %d ms and the access layer).",
		baseline.wall.Seconds(), len(edges), noopPlan.wall.Seconds(), m.wall.Seconds(), gap.Seconds(), plugin.Seconds(), share,
		(m.wall - noopPlan.wall).Seconds(), m.requests, b.latencyMS)
	r.note("Runs: `terraform_data` %s; `noop_item` %s; Atlassian %s.", runsText(baseline), runsText(noopPlan), runsText(m))
	r.note("With the provider launched by Terraform (a `dev_overrides` installation, as users run it) instead of attached "+
		"in debug mode, the same plan took %.2f s (one run, %d requests).", launched.wall.Seconds(), launched.requests)
	r.note("Peak RSS of the no-op provider over the same plan: %s (the Atlassian provider: %s): most of the memory is "+
		"the plugin stack's (terraform-plugin-go, -framework and -log), which grows with the number of resources in one command.",
		mib(noopPlan.peakRSS), mib(m.peakRSS))
	return []*result{r}, nil
}

const providerAddress = "registry.terraform.io/cureigad/atlassian"

// writeAll writes the files and memberships.json.
func writeAll(ws *workspace, files map[string]string, edges map[string]membershipEdge) error {
	for name, content := range files {
		if err := ws.write(name, content); err != nil {
			return err
		}
	}
	if edges != nil {
		return ws.writeJSON("memberships.json", edges)
	}
	return nil
}

// ---- 2 and 3: one authoritative member list of 5,000, then 1,000 more ----

const groupMembersConfig = `
resource "atlassian_group_members" "g" {
  group_id = %q
  members  = jsondecode(file("${path.module}/members.json"))
}
`

const dataMembersConfig = `
resource "terraform_data" "g" {
  input = jsondecode(file("${path.module}/members.json"))
}
`

func groupMembersScenarios(ctx context.Context, b *bench) ([]*result, error) {
	size, add, users := b.n(5000), b.n(1000), b.n(7000)
	st := generatedOrg(users, 0, 3, 12)
	groups, err := addGroups(&st, 1, size, add, activeStaff(st), 2)
	if err != nil {
		return nil, err
	}
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	g := groups[0]
	labels := emails(st)
	members := make(map[string]string, size)
	for _, id := range g.Members {
		members[id] = labels[id]
	}
	fmt.Printf("   group %s with %d members, org of %d users\n", g.ID, len(members), users)

	data, err := b.workspace("2-terraform_data")
	if err != nil {
		return nil, err
	}
	if err := data.write("main.tf", dataMembersConfig); err != nil {
		return nil, err
	}
	if err := data.writeJSON("members.json", members); err != nil {
		return nil, err
	}
	if _, err := data.terraform(ctx, exitOK, applyCmd); err != nil {
		return nil, err
	}

	ws, err := b.workspace("2-atlassian")
	if err != nil {
		return nil, err
	}
	if err := ws.write("main.tf", b.providerBlock("")+fmt.Sprintf(groupMembersConfig, g.ID)); err != nil {
		return nil, err
	}
	if err := ws.writeJSON("members.json", members); err != nil {
		return nil, err
	}
	state := b.newState(stateResource{
		Mode: "managed", Type: "atlassian_group_members", Name: "g", Provider: providerRef(providerAddress),
		Instances: []stateInstance{{
			Attributes: map[string]any{
				"id": g.ID, "group_id": g.ID, "members": members, "remove_unlisted_members_on_create": false,
			},
			SensitiveAttributes: []any{},
		}},
	})
	if err := ws.writeJSON("terraform.tfstate", state); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())
	got, err := rounds(2,
		job{"terraform_data", func() (measurement, error) { return b.measure(ctx, data, noPlugin, exitOK, planCmd) }},
		job{"atlassian", func() (measurement, error) { return b.measure(ctx, ws, atlassianPlugin, exitOK, planCmd) }},
	)
	if err != nil {
		return nil, fmt.Errorf("a refresh plan must find no changes: %w", err)
	}
	baseline, m := got["terraform_data"], got["atlassian"]
	refresh := &result{m: m, baseline: baseline.wall,
		title:        fmt.Sprintf("refresh-plan of one `atlassian_group_members` holding %s accounts", thousands(size)),
		baselineNote: fmt.Sprintf("`terraform plan` of one `terraform_data` holding the same %d-entry map", size),
		ratioTo:      baseline.wall, ratioNote: "baseline"}
	budget := int64(size/100 + 10)
	refresh.budget = fmt.Sprintf("≤ %d requests; < 10 s", budget)
	refresh.expect(m.requests <= budget, "%d admin API requests, budget %d", m.requests, budget)
	refresh.expect(m.wall < 10*time.Second, "wall %.2f s, budget 10 s", m.wall.Seconds())
	refresh.note("Requests by route: %s. Runs: Atlassian %s; `terraform_data` %s.", routes(m), runsText(m), runsText(baseline))

	// 3: add `add` members. The plan is made first (not measured); the
	// measured command applies the saved plan, as a pipeline does, so no
	// refresh is counted: the cost is the apply's own re-plan and the writes.
	for _, id := range g.ToAdd {
		members[id] = labels[id]
	}
	if err := ws.writeJSON("members.json", members); err != nil {
		return nil, err
	}
	plan, err := b.measure(ctx, ws, atlassianPlugin, exitChanges, planTo("add.tfplan"))
	if err != nil {
		return nil, fmt.Errorf("planning the addition of %d members: %w", add, err)
	}
	apply, err := b.measure(ctx, ws, atlassianPlugin, exitOK, applyPlan("add.tfplan"))
	if err != nil {
		return nil, err
	}
	now, _ := groupMembers(b.sb.State(), g.ID)
	// The writes, and the check of the new accounts at ten ids a users
	// search (Atlassian's maxItems of accountIds): the requests the apply
	// cannot do without, 8 in flight, are its floor.
	addBudget := int64(add + (add+9)/10)
	floor := time.Duration(addBudget) * b.latency() / 8
	addResult := &result{id: "3", m: apply, ratioTo: floor,
		title:     fmt.Sprintf("apply adding %s members to that group (saved plan)", thousands(add)),
		ratioNote: fmt.Sprintf("%d requests (the writes and the lookups of the new accounts) × %d ms / 8 (the default max_concurrency)", addBudget, b.latencyMS)}
	addResult.budget = fmt.Sprintf("≤ %d requests; ≤ 1.5 × %.2f s", addBudget, floor.Seconds())
	addResult.expect(len(now) == size+add, "the sandbox group has %d members, want %d", len(now), size+add)
	addResult.expect(apply.requests <= addBudget, "%d admin API requests, budget %d", apply.requests, addBudget)
	addResult.expect(apply.wall.Seconds() <= 1.5*floor.Seconds(), "wall %.2f s, budget 1.5 × %.2f s", apply.wall.Seconds(), floor.Seconds())
	addResult.note("Measured: `terraform apply add.tfplan` (a saved plan: no refresh). Requests by route: %s.", routes(apply))
	addResult.note("Timeline, from the start of the command: %s.", timeline(apply))
	addResult.note("The plan before it (not measured, refresh included) sent %d requests in %.2f s: %s.",
		plan.requests, plan.wall.Seconds(), routes(plan))

	// The next plan must find nothing to do.
	again, err := b.measure(ctx, ws, atlassianPlugin, exitOK, planCmd)
	if err != nil {
		return nil, fmt.Errorf("the plan after adding members must find no changes: %w", err)
	}
	addResult.note("The refresh plan after it found no changes (%d requests, %.2f s).", again.requests, again.wall.Seconds())
	return []*result{refresh, addResult}, nil
}

// ---- 4: atlassian_accounts over 50,000 users ----

// memoryBudget is the bound on the provider's peak memory, in
// bytes: its megabytes read as decimal ones, the stricter reading.
const (
	memoryBudget     = 300_000_000
	memoryBudgetText = "300 MB (286 MiB)"
)

const accountsConfig = `
data "atlassian_accounts" "all" {}

output "accounts" {
  value = length(data.atlassian_accounts.all.accounts)
}
`

func accountsListing(ctx context.Context, b *bench) ([]*result, error) {
	users := b.n(50000)
	st := generatedOrg(users, 0, 3, 13)
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	ws, err := b.workspace("4-atlassian")
	if err != nil {
		return nil, err
	}
	if err := ws.write("main.tf", b.providerBlock("")+accountsConfig); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())
	m, err := b.measure(ctx, ws, atlassianPlugin, exitChanges, planCmd)
	if err != nil {
		return nil, err
	}
	r := &result{m: m, title: fmt.Sprintf("`atlassian_accounts` over a %s-user org", thousands(users))}
	budget := int64(users/100 + 10)
	r.budget = fmt.Sprintf("≤ %d requests; provider < %s", budget, memoryBudgetText)
	want := fmt.Sprintf("accounts = %d", len(listedView(st).Users))
	r.expect(strings.Contains(m.out.Output, want), "the plan shows `%s`", want)
	r.expect(m.requests <= budget, "%d admin API requests, budget %d", m.requests, budget)
	r.expect(m.peakRSS > 0 && m.peakRSS < memoryBudget, "provider peak RSS %s, budget %s", mib(m.peakRSS), memoryBudgetText)
	r.note("Measured: `terraform plan` (the data source is read while planning). Requests by route: %s.", routes(m))
	return []*result{r}, nil
}

// ---- 4b: atlassian_accounts with an inactivity filter ----

const inactiveAccountsConfig = `
data "atlassian_accounts" "inactive" {
  inactive_for = "90d"
}

output "inactive_accounts" {
  value = length(data.atlassian_accounts.inactive.accounts)
}
`

var inactiveAccountsOutput = regexp.MustCompile(`inactive_accounts\s*=\s*(\d+)`)

// inactiveAccountsListing is scenario 4's organization, its activity
// generated back from now, read through inactive_for. Atlassian's users
// search has no filter on activity, so the provider filters the same
// listing: the budgets are scenario 4's.
func inactiveAccountsListing(ctx context.Context, b *bench) ([]*result, error) {
	users := b.n(50000)
	const inactiveFor = 90 * 24 * time.Hour
	st := generatedOrgActiveAsOf(users, 0, 3, 13, time.Now().UTC())
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	ws, err := b.workspace("4b-atlassian")
	if err != nil {
		return nil, err
	}
	if err := ws.write("main.tf", b.providerBlock("")+inactiveAccountsConfig); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())
	// The plan judges inactivity at its own time, between these two: the
	// set only grows with time, so its size lies between the counts at
	// each end.
	planFrom := time.Now()
	m, err := b.measure(ctx, ws, atlassianPlugin, exitChanges, planCmd)
	if err != nil {
		return nil, err
	}
	planTo := time.Now()
	listed := listedView(st)
	low, err := inactiveAccounts(listed, planFrom.Add(-inactiveFor))
	if err != nil {
		return nil, err
	}
	high, err := inactiveAccounts(listed, planTo.Add(-inactiveFor))
	if err != nil {
		return nil, err
	}
	got := -1
	if match := inactiveAccountsOutput.FindStringSubmatch(m.out.Output); match != nil {
		if got, err = strconv.Atoi(match[1]); err != nil {
			return nil, fmt.Errorf("the plan's inactive_accounts: %w", err)
		}
	}
	r := &result{m: m, title: fmt.Sprintf("`atlassian_accounts` with `inactive_for = \"90d\"` over a %s-user org with product activity", thousands(users))}
	budget := int64(users/100 + 10)
	r.budget = fmt.Sprintf("≤ %d requests (the listing floor: no server-side filter on activity); provider < %s", budget, memoryBudgetText)
	r.expect(got >= low && got <= high, "the plan shows %d inactive accounts, the organization's state gives %d to %d over the plan's time", got, low, high)
	r.expect(m.requests <= budget, "%d admin API requests, budget %d", m.requests, budget)
	r.expect(m.peakRSS > 0 && m.peakRSS < memoryBudget, "provider peak RSS %s, budget %s", mib(m.peakRSS), memoryBudgetText)
	r.note("Measured: `terraform plan`. Scenario 4's organization, its activity generated back from the time of the run: %d of %d "+
		"listed accounts used no product in the last 90 days or never used one (it has no groups, so most of its accounts reach no "+
		"product, which counts as never active). Atlassian's users search (the listing's source) takes no activity filter, so "+
		"`inactive_for` filters the one listing every `atlassian_accounts` of a plan shares. Requests by route: %s.",
		got, len(listed.Users), routes(m))
	return []*result{r}, nil
}

// inactiveAccounts counts, from the state, the accounts whose latest
// product activity is before cutoff, or that have none.
func inactiveAccounts(st sandbox.State, cutoff time.Time) (int, error) {
	n := 0
	for _, u := range st.Users {
		active := false
		for workspace, at := range u.ProductActivity {
			last, err := time.Parse(time.RFC3339, at)
			if err != nil {
				return 0, fmt.Errorf("account %s's activity on %s: %w", u.AccountID, workspace, err)
			}
			active = active || !last.Before(cutoff)
		}
		if !active {
			n++
		}
	}
	return n, nil
}

// ---- 5: 1,000 new memberships at 50 requests/s ----

func rateLimitedApply(ctx context.Context, b *bench) ([]*result, error) {
	groupCount, perGroup, users := b.n(10), 100, b.n(5000)
	const ratePerSecond = 50
	st := generatedOrg(users, 0, 3, 15)
	groups, err := addGroups(&st, groupCount, 20, perGroup, activeStaff(st), 5)
	if err != nil {
		return nil, err
	}
	edges := membershipEdges(groups, true)

	// Each run starts from an empty state (and, for the provider, the
	// organization as it was), so every run creates all of them.
	fresh := func(ws *workspace, p plugin) func() (measurement, error) {
		return func() (measurement, error) {
			ws.clean("terraform.tfstate", "terraform.tfstate.backup")
			if p == atlassianPlugin {
				if err := b.sb.load(st); err != nil {
					return measurement{}, err
				}
				faults := b.latencyFaults()
				faults.RateLimitPerSecond = ratePerSecond
				b.sb.SetFaults(faults)
			}
			return b.measure(ctx, ws, p, exitOK, applyCmd)
		}
	}
	data, err := b.workspace("5-terraform_data")
	if err != nil {
		return nil, err
	}
	if err := writeAll(data, map[string]string{"main.tf": membershipsLocal + dataMembershipResource}, edges); err != nil {
		return nil, err
	}
	noop, err := b.workspace("5-noop")
	if err != nil {
		return nil, err
	}
	if err := writeAll(noop, map[string]string{"main.tf": membershipsLocal + noopMembershipResource}, edges); err != nil {
		return nil, err
	}
	// The budget is the provider's as shipped (5a); 5b answers whether the
	// provider's own cap helps, and is measured the same way for comparison.
	variants := []struct {
		id, extra, label string
		budgeted         bool
	}{
		{"5a", "", "provider defaults (no `requests_per_second`)", true},
		{"5b", fmt.Sprintf("  requests_per_second = %d\n", ratePerSecond), fmt.Sprintf("`requests_per_second = %d`", ratePerSecond), false},
	}
	jobs := []job{{"terraform_data", fresh(data, noPlugin)}, {"noop", fresh(noop, noopPlugin)}}
	var shipped *workspace // 5a's
	for _, v := range variants {
		ws, err := b.workspace(v.id + "-atlassian")
		if err != nil {
			return nil, err
		}
		if v.budgeted {
			shipped = ws
		}
		if err := writeAll(ws, map[string]string{"main.tf": b.providerBlock(v.extra) + membershipsLocal + membershipResource}, edges); err != nil {
			return nil, err
		}
		run := fresh(ws, atlassianPlugin)
		jobs = append(jobs, job{v.id, func() (measurement, error) {
			m, err := run()
			if err != nil {
				return m, err
			}
			final := b.sb.State()
			for _, e := range edges {
				if ms, ok := groupMembers(final, e.GroupID); !ok || !ms[e.AccountID] {
					return m, fmt.Errorf("membership %s/%s is missing from the sandbox after the apply", e.GroupID, e.AccountID)
				}
			}
			return m, nil
		}})
	}
	// A failed apply or a missing membership is an error: the budget
	// is zero errors.
	got, err := rounds(2, jobs...)
	if err != nil {
		return nil, err
	}
	baseline, noopApply := got["terraform_data"], got["noop"]

	// Where the time goes: the apply's first walk, the plan, on its own
	// (its writes can only start once it is over).
	plans, err := rounds(1,
		job{"terraform_data", planOnly(ctx, b, data, noPlugin, nil)},
		job{"noop", planOnly(ctx, b, noop, noopPlugin, nil)},
		job{"atlassian", planOnly(ctx, b, shipped, atlassianPlugin, func() error {
			if err := b.sb.load(st); err != nil {
				return err
			}
			faults := b.latencyFaults()
			faults.RateLimitPerSecond = ratePerSecond
			b.sb.SetFaults(faults)
			return nil
		})},
	)
	if err != nil {
		return nil, fmt.Errorf("planning alone: %w", err)
	}
	planNote := fmt.Sprintf("Planning alone (`terraform plan`, the first of the apply's two walks; no write can start before it ends): "+
		"`terraform_data` %.2f s, the no-op provider %.2f s, the Atlassian provider %.2f s and %d requests (%s).",
		plans["terraform_data"].wall.Seconds(), plans["noop"].wall.Seconds(), plans["atlassian"].wall.Seconds(),
		plans["atlassian"].requests, routes(plans["atlassian"]))
	// The least any provider could take: Terraform's plan on a provider that
	// does nothing, then the writes alone at the sandbox's rate.
	writesAlone := time.Duration(float64(len(edges)) / ratePerSecond * float64(time.Second))
	lowerBound := plans["noop"].wall + writesAlone
	boundFloor := max(writesAlone, baseline.wall)
	boundNote := fmt.Sprintf("The least any provider could take here: planning alone on the no-op provider (%.2f s), then the %d writes "+
		"at %d per second (%.2f s): %.2f s, %.2f × the floor it would be held to (max(%d writes / %d per s, baseline) = %.2f s). "+
		"Terraform starts no write before its plan is complete, so whatever a provider's plan adds (reads, checks) comes on top.",
		plans["noop"].wall.Seconds(), len(edges), ratePerSecond, writesAlone.Seconds(), lowerBound.Seconds(),
		lowerBound.Seconds()/boundFloor.Seconds(), len(edges), ratePerSecond, boundFloor.Seconds())
	var out []*result
	for _, v := range variants {
		m := got[v.id]
		answered := m.requests - m.tooMany
		floor := max(time.Duration(float64(answered)/ratePerSecond*float64(time.Second)), baseline.wall)
		r := &result{id: v.id, m: m, baseline: baseline.wall,
			title:        fmt.Sprintf("apply of %s new `atlassian_group_membership` at 50 requests/s, %s", thousands(len(edges)), v.label),
			baselineNote: fmt.Sprintf("`terraform apply` of %d new `terraform_data`", len(edges)),
			ratioTo:      floor, ratioNote: fmt.Sprintf("max(%d answered requests / %d per s, baseline)", answered, ratePerSecond)}
		// A failed apply or a missing membership ended the run with an
		// error above: reaching this point is the zero-errors budget.
		r.expect(true, "every apply succeeded and every membership is in the sandbox")
		if v.budgeted {
			r.budget = "zero errors; ≤ 1.3 × max(requests / 50, baseline)"
			r.expect(m.wall.Seconds() <= 1.3*floor.Seconds(), "wall %.2f s, budget 1.3 × %.2f s", m.wall.Seconds(), floor.Seconds())
		} else {
			r.budget = "zero errors; wall compared with 5a"
			r.note("Wall %.2f s, %.2f × the floor (5a, the provider as shipped, is held to 1.3 ×).", m.wall.Seconds(), r.ratio())
		}
		r.note("%d requests, of which %d answered 429 and retried. Requests by route: %s.", m.requests, m.tooMany, routes(m))
		r.note("Timeline of the fastest run, from the start of `terraform apply`: %s.", timeline(m))
		if v.budgeted {
			r.note("%s", planNote)
			r.note("%s", boundNote)
		}
		r.note("Runs: %s; `terraform_data` %s; the same %d resources on the no-op provider %s.",
			runsText(m), runsText(baseline), len(edges), runsText(noopApply))
		out = append(out, r)
	}
	return out, nil
}

// planOnly plans a workspace from an empty state, after prepare (if any).
func planOnly(ctx context.Context, b *bench, ws *workspace, p plugin, prepare func() error) func() (measurement, error) {
	return func() (measurement, error) {
		ws.clean("terraform.tfstate", "terraform.tfstate.backup")
		if prepare != nil {
			if err := prepare(); err != nil {
				return measurement{}, err
			}
		}
		return b.measure(ctx, ws, p, exitChanges, planCmd)
	}
}

// ---- 6: full sync ----

const connectorConfig = `
resource "atlassian_connector" "c" {
  sync_path = "${path.module}/sync.c1z"
}

output "grants" {
  value = atlassian_connector.c.grants
}
`

func fullSync(ctx context.Context, b *bench) ([]*result, error) {
	users, groups, workspaces := b.n(5000), b.n(100), 5
	st := generatedOrg(users, groups, workspaces, 16)
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	memberships := 0
	for _, g := range st.Groups {
		memberships += len(g.MemberAccountIDs)
	}
	wantGrants := memberships + len(listedView(st).UserRoleAssignments) + len(st.GroupRoleAssignments)
	fmt.Printf("   %d users, %d groups (%d memberships), %d workspaces, %d user and %d group role assignments\n",
		len(st.Users), len(st.Groups), memberships, len(st.Workspaces), len(st.UserRoleAssignments), len(st.GroupRoleAssignments))

	ws, err := b.workspace("6-connector")
	if err != nil {
		return nil, err
	}
	if err := ws.write("main.tf", b.providerBlock("")+connectorConfig); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())
	m, err := b.measure(ctx, ws, atlassianPlugin, exitOK, applyCmd)
	if err != nil {
		return nil, err
	}
	scope := fmt.Sprintf("full sync of %s users, %d groups, %d workspaces", thousands(len(st.Users)), len(st.Groups), len(st.Workspaces))
	viaTerraform := &result{id: "6a", title: scope + ": `atlassian_connector` with `sync_path` (`terraform apply`)", m: m}
	viaTerraform.budget = "report; every grant in the sync"
	if err := b.expectGrants(ctx, viaTerraform, ws.path("sync.c1z"), wantGrants); err != nil {
		return nil, err
	}
	viaTerraform.note("Requests by route: %s.", routes(m))

	batonDir, err := b.workspace("6-baton")
	if err != nil {
		return nil, err
	}
	var out []*result
	out = append(out, viaTerraform)
	for _, variant := range []struct {
		id, label string
		args      []string
	}{
		{"6b", "`baton-atlassian -f` (defaults: 8 workers, 8 requests in flight)", nil},
		{"6c", "`baton-atlassian -f --workers 16 --max-concurrency 16`", []string{"--workers", "16", "--max-concurrency", "16"}},
		// The SDK writes Pebble by default since v0.25; SQLite is the format
		// of earlier releases, still asked for by older readers.
		{"6d", "`baton-atlassian -f --storage-engine sqlite` (defaults otherwise)", []string{"--storage-engine", "sqlite"}},
	} {
		c1z := batonDir.path(variant.id + ".c1z")
		args := append([]string{"-f", c1z, "--base-url", b.sb.URL}, variant.args...)
		bm, err := b.runBaton(ctx, batonDir.dir, batonDir.path(variant.id+".log"), args...)
		if err != nil {
			return nil, err
		}
		bm.tooMany = b.sb.tooMany.Load()
		r := &result{id: variant.id, title: scope + ": " + variant.label, m: bm, budget: "report; every grant in the sync"}
		if err := b.expectGrants(ctx, r, c1z, wantGrants); err != nil {
			return nil, err
		}
		r.note("Requests by route: %s. Peak RSS is the largest of baton-atlassian's processes (it re-executes itself as the connector service).", routes(bm))
		out = append(out, r)
	}
	return out, nil
}

// expectGrants checks that a sync file holds every grant of the org.
func (b *bench) expectGrants(ctx context.Context, r *result, c1z string, want int) error {
	tmp := filepath.Join(b.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	counts, err := batonsync.ReadCounts(ctx, c1z, tmp)
	if err != nil {
		return fmt.Errorf("reading %s: %w", c1z, err)
	}
	r.expect(counts.Grants == want, "the sync holds %d grants, the organization %d (memberships and role assignments)", counts.Grants, want)
	r.note("The sync holds %d resources (%v) and %d grants (%v).", sum(counts.Resources), counts.Resources, counts.Grants, counts.GrantsByResourceType)
	size, format, err := c1zFileOf(c1z)
	if err != nil {
		return err
	}
	r.note("The .c1z file: %s, %s.", mib(size), format)
	return nil
}

// c1zFileOf is a sync file's size and storage format.
func c1zFileOf(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	format, err := dotc1z.ReadHeaderFormat(f)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", path, err)
	}
	name := map[dotc1z.C1ZFormat]string{dotc1z.C1ZFormatV1: "SQLite (c1z v1)", dotc1z.C1ZFormatV3: "Pebble (c1z v3)"}[format]
	return info.Size(), cmp.Or(name, format.String()), nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// thousands renders 5000 as 5,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
