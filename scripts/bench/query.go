package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// ---- 8: adopting an organization with terraform query ----

// groupsAndMemberListsQuery lists every group and every member list.
const groupsAndMemberListsQuery = `
list "atlassian_group" "all" {
  provider = atlassian
  limit    = 1000000
}

list "atlassian_group_members" "all" {
  provider = atlassian
  limit    = 1000000
}
`

// adoptionQuery lists what an adoption with member lists takes: every
// group, every member list, every workspace role.
const adoptionQuery = groupsAndMemberListsQuery + `
list "atlassian_workspace_role_assignment" "all" {
  provider = atlassian
  limit    = 1000000
}
`

// membershipAdoptionQuery lists the same organization with one resource
// per membership instead of one per member list: the adoption of a
// configuration that manages memberships additively.
const membershipAdoptionQuery = `
list "atlassian_group" "all" {
  provider = atlassian
  limit    = 1000000
}

list "atlassian_group_membership" "all" {
  provider = atlassian
  limit    = 1000000
}

list "atlassian_workspace_role_assignment" "all" {
  provider = atlassian
  limit    = 1000000
}
`

// widePlanCmd is planCmd with Terraform running wideParallelism operations
// at once instead of its default.
const wideParallelism = 40

var widePlanCmd = command{"plan", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
	_, res, err := w.Plan(ctx, tfexec.Parallelism(wideParallelism))
	return res, err
}}

// queryCmd writes the configuration of what the query files list.
var queryCmd = command{"query", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
	return w.Run(ctx, "query", "-generate-config-out=generated.tf")
}}

// exitImports: a plan of import blocks answers 2 when Terraform counts the
// imports as changes, 0 when not; the plan's summary line is what is
// checked.
var exitImports = []int{0, 2}

// adoptionVariant is one way of adopting the organization: the query, the
// rows it makes, and what its generated configuration imports and may read.
type adoptionVariant struct {
	queryID, planID string
	// workspaces is the prefix of the variant's workspace names.
	workspaces string
	query      string
	// lists names what the query lists, for the title.
	lists string
	// planOf names the planned configuration, for the plan's title.
	planOf string
	// requestsPercent is the query's request budget as a percentage of the
	// listing floor.
	requestsPercent int64
	// memoryBudget bounds the query's provider peak RSS (0: reported only).
	memoryBudget int64
	imports      int64
	refresh      int64
	// wallPercentOfNoop bounds the plan's wall time, as a percentage of
	// the larger of the no-op provider's plan and the refresh's request
	// floor (0: reported only).
	wallPercentOfNoop int64
	// ownMemoryBudget bounds the provider's peak RSS less the no-op
	// provider's on the same plan (0: reported only).
	ownMemoryBudget int64
	// refreshNote explains refresh in the plan's notes (empty: none).
	refreshNote string
}

// adoptMemberLists is scenario 8 (8a and 8b): the adoption with member
// lists. adoptMemberships is scenario 8c (8c and 8d): with one resource per
// membership, whose plan takes Terraform many minutes, so that it can be
// run on its own.
func adoptMemberLists(ctx context.Context, b *bench) ([]*result, error) {
	return adoption(ctx, b, "8a")
}
func adoptMemberships(ctx context.Context, b *bench) ([]*result, error) {
	return adoption(ctx, b, "8c")
}

func adoption(ctx context.Context, b *bench, queryID string) ([]*result, error) {
	if v, err := version.NewVersion(b.terraformVersion); err != nil {
		return nil, err
	} else if v.LessThan(version.Must(version.NewVersion("1.14.0"))) {
		fmt.Printf("   skipped: terraform query needs Terraform 1.14 or later, the benchmark runs %s\n", b.terraformVersion)
		return nil, nil
	}
	st, err := b.adoptionOrg()
	if err != nil {
		return nil, err
	}
	want := adoptionCounts(st)
	fmt.Printf("   %d users, %d groups, %d memberships, %d group and %d user workspace roles\n",
		len(st.Users), len(st.Groups), want.memberships, want.groupRoles, want.userRoles)
	b.sb.SetFaults(b.latencyFaults())

	roles := want.groupRoles + want.userRoles
	variants := []adoptionVariant{{
		queryID: "8a", planID: "8b", workspaces: "8", query: adoptionQuery,
		lists: "groups, member lists, role assignments", planOf: "the generated configuration", requestsPercent: 100,
		wallPercentOfNoop: 150,
		imports:           want.groups + want.memberLists + roles,
		// What a refresh of the same resources may read: the refresh of
		// memberships below, and one email lookup per member list (members
		// are at most a page).
		refresh: want.refreshReads() + want.memberLists,
	}, {
		queryID: "8c", planID: "8d", workspaces: "8c", query: membershipAdoptionQuery,
		lists: "groups, memberships, role assignments", planOf: "8c's generated configuration",
		requestsPercent: 105, memoryBudget: memoryBudget, ownMemoryBudget: 150 << 20,
		imports: want.groups + want.memberships + roles,
		refresh: want.refreshReads(),
		refreshNote: fmt.Sprintf("The refresh budget: %d group lookups before the process lists the groups instead, %d group pages, "+
			"%d pages of group listings (a membership's import and refresh read its group's listing; a group's roles come "+
			"in the same listing), one role listing per account holding a role directly (%d) and the workspace listing: %d. "+
			"An imported membership's plan checks neither its group nor its account (the imported state holds them).",
			access.IndividualLookups, want.groupPages, want.groupListingPages, want.roleHolders, want.refreshReads()),
	}}
	var out []*result
	for _, v := range variants {
		if v.queryID != queryID {
			continue
		}
		qr, generated, err := b.adoptByQuery(ctx, st, want, v)
		if err != nil {
			return nil, err
		}
		pr, err := b.planAdoption(ctx, v, generated)
		if err != nil {
			return nil, err
		}
		out = append(out, qr, pr)
	}
	return out, nil
}

// adoptionOrg loads the organization to adopt: its users, workspaces and
// user roles generated, its groups added with exact sizes.
func (b *bench) adoptionOrg() (sandbox.State, error) {
	users, groupCount, perGroup := b.n(5000), b.n(300), 67
	memberships, extraGroupRoles := b.n(20000), b.n(200)
	st := generatedOrg(users, 0, 5, 13)
	if _, err := addGroups(&st, groupCount, perGroup, 0, activeStaff(st), 3); err != nil {
		return st, err
	}
	// addGroups gives every group perGroup members and one role: trim the
	// members to the total, and give some groups a second role.
	bench := st.Groups[len(st.Groups)-groupCount:]
	for i := 0; groupCount*perGroup-i > memberships && i < len(bench); i++ {
		g := &bench[len(bench)-1-i]
		g.MemberAccountIDs = g.MemberAccountIDs[:len(g.MemberAccountIDs)-1]
	}
	for i := range min(extraGroupRoles, len(bench)) {
		ws := st.Workspaces[(i+1)%len(st.Workspaces)]
		st.GroupRoleAssignments = append(st.GroupRoleAssignments, sandbox.GroupRoleAssignment{
			GroupID: bench[i].ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/admin",
		})
	}
	return st, b.sb.load(st)
}

// adoptByQuery measures the variant's query and returns its row and the
// configuration it generated.
func (b *bench) adoptByQuery(ctx context.Context, st sandbox.State, want adoptionTally, v adoptionVariant) (*result, []byte, error) {
	q, err := b.workspace(v.workspaces + "-query")
	if err != nil {
		return nil, nil, err
	}
	if err := writeAll(q, map[string]string{"main.tf": b.providerBlock(""), "adopt.tfquery.hcl": v.query}, nil); err != nil {
		return nil, nil, err
	}
	query, err := b.measure(ctx, q, atlassianPlugin, exitOK, queryCmd)
	if err != nil {
		return nil, nil, err
	}
	generated, err := os.ReadFile(q.path("generated.tf"))
	if err != nil {
		return nil, nil, err
	}

	// The listing floor: every page the connector must read, once. Both
	// variants read the same listings: a group's members, whether listed as
	// a member list or membership by membership, come from its one listing.
	floor := want.groupPages + want.accountPages + 1 + want.groupListingPages + want.listedAccounts
	allowed := floor * v.requestsPercent / 100
	// The latency floor: the walks' pages one after another, the listings
	// max_concurrency (8) at a time.
	const concurrency = 8
	latencyFloor := time.Duration(want.groupPages+want.accountPages+1)*b.latency() +
		time.Duration((want.groupListingPages+want.listedAccounts+concurrency-1)/concurrency)*b.latency()
	qr := &result{id: v.queryID, m: query, ratioTo: latencyFloor,
		ratioNote: fmt.Sprintf("floor: %d listing pages in sequence, %d listings %d at a time, at %d ms",
			want.groupPages+want.accountPages+1, want.groupListingPages+want.listedAccounts, concurrency, b.latencyMS),
		title: fmt.Sprintf("`terraform query -generate-config-out` of %s users, %d groups, %s memberships, %d group roles: %s",
			thousands(len(st.Users)), len(st.Groups), thousands(int(want.memberships)), want.groupRoles, v.lists)}
	if v.requestsPercent == 100 {
		qr.budget = fmt.Sprintf("≤ %d requests (the listing floor); ≤ 1.5 × %.2f s", floor, latencyFloor.Seconds())
		qr.expect(query.requests <= floor, "%d admin API requests, the listing floor %d", query.requests, floor)
	} else {
		qr.budget = fmt.Sprintf("≤ %d requests (%.2f × the listing floor %d); ≤ 1.5 × %.2f s",
			allowed, float64(v.requestsPercent)/100, floor, latencyFloor.Seconds())
		qr.expect(query.requests <= allowed, "%d admin API requests, budget %d (%.2f × the listing floor %d)",
			query.requests, allowed, float64(v.requestsPercent)/100, floor)
	}
	qr.expect(query.wall <= latencyFloor*3/2, "wall %.2f s, budget 1.5 × %.2f s", query.wall.Seconds(), latencyFloor.Seconds())
	if v.memoryBudget > 0 {
		qr.budget += fmt.Sprintf("; provider < %s", memoryBudgetText)
		qr.expect(query.peakRSS > 0 && query.peakRSS < v.memoryBudget, "provider peak RSS %s, budget %s", mib(query.peakRSS), memoryBudgetText)
	}
	blocks := int64(strings.Count(string(generated), "\nimport {"))
	qr.expect(blocks == v.imports, "%d import blocks generated, want %d", blocks, v.imports)
	qr.note("Requests by route: %s.", routes(query))
	qr.note("The floor: %d group pages, %d account pages, the workspace listing, %d pages of group listings (each "+
		"group's members, then its roles) and one role listing per account (Atlassian lists roles per holder): %d. "+
		"The three list blocks share every listing.", want.groupPages, want.accountPages, want.groupListingPages, floor)
	qr.note("Peak RSS of the provider: %s; generated.tf is %s for %d resources.", mib(query.peakRSS), mib(int64(len(generated))), v.imports)
	return qr, generated, nil
}

// planAdoption measures the plan of a generated configuration, and of as
// many terraform_data, and returns the plan's row.
func (b *bench) planAdoption(ctx context.Context, v adoptionVariant, generated []byte) (*result, error) {
	// Plan the generated configuration in a directory of its own, as a user
	// would after reviewing it.
	p, err := b.workspace(v.workspaces + "-plan")
	if err != nil {
		return nil, err
	}
	if err := writeAll(p, map[string]string{"main.tf": b.providerBlock(""), "generated.tf": string(generated)}, nil); err != nil {
		return nil, err
	}
	plan, err := b.measure(ctx, p, atlassianPlugin, exitImports, planCmd)
	if err != nil {
		return nil, err
	}
	keys := make(map[string]membershipEdge, v.imports)
	for i := range v.imports {
		keys[fmt.Sprintf("r%d", i)] = membershipEdge{}
	}
	data, err := b.workspace(v.workspaces + "-terraform_data")
	if err != nil {
		return nil, err
	}
	if err := writeAll(data, map[string]string{"main.tf": membershipsLocal + dataMembershipResource}, keys); err != nil {
		return nil, err
	}
	if err := data.writeJSON("terraform.tfstate", b.terraformDataState(keys)); err != nil {
		return nil, err
	}
	baseline, err := b.measure(ctx, data, noPlugin, exitOK, planCmd)
	if err != nil {
		return nil, err
	}

	// The same plan on the no-op provider: as many import blocks, each
	// with its resource block, and nothing behind them but the plugin stack.
	noop, err := b.workspace(v.workspaces + "-noop")
	if err != nil {
		return nil, err
	}
	if err := writeAll(noop, map[string]string{"main.tf": noopRequiredProviders, "generated.tf": noopImports(v.imports)}, nil); err != nil {
		return nil, err
	}
	noopPlan, err := b.measure(ctx, noop, noopPlugin, exitImports, planCmd)
	if err != nil {
		return nil, err
	}

	// The refresh's floor: its reads max_concurrency (8) at a time.
	// The same plan with Terraform running more operations at once: how
	// much of the wall is Terraform's concurrency rather than the provider.
	var wider measurement
	if v.wallPercentOfNoop > 0 {
		if wider, err = b.measure(ctx, p, atlassianPlugin, exitImports, widePlanCmd); err != nil {
			return nil, err
		}
	}

	// The reads counted are those the plan sent, when within the refresh
	// budget (an upper bound: it allows for lookups a plan may not need).
	const concurrency = 8
	reads := min(plan.requests, v.refresh)
	requestFloor := time.Duration((reads+concurrency-1)/concurrency) * b.latency()
	against, againstNote := noopPlan.wall, "no-op provider"
	if requestFloor > against {
		against, againstNote = requestFloor, fmt.Sprintf("the refresh's %d reads %d at a time", reads, concurrency)
	}
	// Terraform runs at most terraformParallelism operations at once (its
	// -parallelism default), and an operation waiting on a read holds its
	// slot: the plugin's work and the reads' latency add up rather than
	// overlap, and no more reads than that are ever waited on at once.
	const terraformParallelism = 10
	serialFloor := noopPlan.wall + time.Duration((reads+terraformParallelism-1)/terraformParallelism)*b.latency()
	pr := &result{id: v.planID, m: plan, baseline: baseline.wall, ratioTo: against, ratioNote: againstNote,
		baselineNote: fmt.Sprintf("`terraform plan` of %s `terraform_data`", thousands(int(v.imports))),
		title:        fmt.Sprintf("plan of %s: %s imports", v.planOf, thousands(int(v.imports)))}
	pr.budget = fmt.Sprintf("≤ %d requests (a refresh); 0 to add, change or destroy", v.refresh)
	summary := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", v.imports)
	pr.expect(strings.Contains(plan.out.Output, summary), "the plan says %q", summary)
	pr.expect(strings.Contains(noopPlan.out.Output, summary), "the no-op provider's plan says %q", summary)
	pr.expect(plan.requests <= v.refresh, "%d admin API requests, the refresh budget %d", plan.requests, v.refresh)
	if v.wallPercentOfNoop > 0 {
		pr.budget += fmt.Sprintf("; ≤ %.1f × max(no-op provider, request floor)", float64(v.wallPercentOfNoop)/100)
		pr.expect(plan.wall*100 <= against*time.Duration(v.wallPercentOfNoop), "wall %.2f s, budget %.1f × %.2f s (%s)",
			plan.wall.Seconds(), float64(v.wallPercentOfNoop)/100, against.Seconds(), againstNote)
	}
	own := plan.peakRSS - noopPlan.peakRSS
	if v.ownMemoryBudget > 0 {
		pr.budget += fmt.Sprintf("; provider peak − no-op peak ≤ %s", mib(v.ownMemoryBudget))
		pr.expect(plan.peakRSS > 0 && noopPlan.peakRSS > 0 && own <= v.ownMemoryBudget,
			"the provider's own memory %s (peak %s − the no-op provider's %s), budget %s",
			mib(own), mib(plan.peakRSS), mib(noopPlan.peakRSS), mib(v.ownMemoryBudget))
	}
	pr.note("Requests by route: %s.", routes(plan))
	if v.refreshNote != "" {
		pr.note("%s", v.refreshNote)
	}
	pr.note("Wall %.2f s against %.2f s for the same imports on the no-op provider (%.1f ×), %.2f s for the refresh's "+
		"request floor, and %.2f s for a refresh-plan of as many `terraform_data` (%.1f ×).",
		plan.wall.Seconds(), noopPlan.wall.Seconds(), plan.wall.Seconds()/noopPlan.wall.Seconds(), requestFloor.Seconds(),
		baseline.wall.Seconds(), plan.wall.Seconds()/baseline.wall.Seconds())
	pr.note("Under Terraform's own concurrency (%d operations at once, each holding its slot while it waits on a read), "+
		"the plugin's work and the reads' latency add up: the no-op provider's %.2f s plus %d reads %d at a time at %d ms "+
		"is %.2f s, and the plan took %.2f × that.", terraformParallelism, noopPlan.wall.Seconds(), reads, terraformParallelism,
		b.latencyMS, serialFloor.Seconds(), plan.wall.Seconds()/serialFloor.Seconds())
	if wider.wall > 0 {
		pr.note("With `-parallelism=%d` (Terraform's default is %d), the same plan took %.2f s (%d requests): %.1f × the no-op "+
			"provider's plan at the default.", wideParallelism, terraformParallelism, wider.wall.Seconds(), wider.requests,
			wider.wall.Seconds()/noopPlan.wall.Seconds())
	}
	pr.note("Peak RSS of the provider %s, of the no-op provider on the same imports %s: the provider's own memory is %s.",
		mib(plan.peakRSS), mib(noopPlan.peakRSS), mib(own))
	return pr, nil
}

// adoptionTally is what adoptionQuery finds in a sandbox state, and the
// pages reading it takes.
type adoptionTally struct {
	groups, memberLists, memberships, groupRoles, userRoles, roleHolders int64
	// listedAccounts are the accounts the directory API shows, each with
	// its role listing.
	listedAccounts                              int64
	groupPages, accountPages, groupListingPages int64
}

func adoptionCounts(st sandbox.State) adoptionTally {
	const page = 100
	pages := func(n int) int64 { return int64(max(1, (n+page-1)/page)) }
	workspaces := map[string]bool{}
	for _, w := range st.Workspaces {
		workspaces[w.ID] = true
	}
	var t adoptionTally
	t.groups = int64(len(st.Groups))
	// The directory API shows only some accounts (customers and apps are
	// left out as Atlassian's document says): the others' roles cannot be
	// listed, so neither they nor their roles count.
	listed := map[string]bool{}
	for _, u := range sandbox.ListedUsers(st) {
		listed[u.AccountID] = true
	}
	t.listedAccounts = int64(len(listed))
	t.groupPages, t.accountPages = pages(len(st.Groups)), pages(len(listed))
	for _, g := range st.Groups {
		// A group's listing: its member pages, then its role page.
		t.groupListingPages += pages(len(g.MemberAccountIDs)) + 1
		if !g.ExternalSynced {
			t.memberLists++
			t.memberships += int64(len(g.MemberAccountIDs))
		}
	}
	held := func(resourceID, role string) bool {
		return workspaces[resourceID] && slices.Contains(access.WorkspaceRoles, role)
	}
	for _, a := range st.GroupRoleAssignments {
		if held(a.ResourceID, a.Role) {
			t.groupRoles++
		}
	}
	holders := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if listed[a.AccountID] && held(a.ResourceID, a.Role) {
			t.userRoles++
			holders[a.AccountID] = true
		}
	}
	t.roleHolders = int64(len(holders))
	return t
}

// refreshReads is what a refresh of the organization's groups, memberships
// and role assignments may read: the group lookups before the process lists
// the groups instead, the group listing, each group's listing, one role
// listing per account holding a role directly, and the workspace listing.
func (t adoptionTally) refreshReads() int64 {
	return int64(access.IndividualLookups) + t.groupPages + t.groupListingPages + t.roleHolders + 1
}

// noopImports is a generated configuration of n no-op resources, each with
// the import block that adopts it, shaped as terraform query writes them.
func noopImports(n int64) string {
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "resource \"noop_item\" \"r%[1]d\" {\n  group_id   = \"g%[1]d\"\n  account_id = \"a%[1]d\"\n}\n\n"+
			"import {\n  to = noop_item.r%[1]d\n  id = \"g%[1]d/a%[1]d\"\n}\n\n", i)
	}
	return sb.String()
}
