package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// ---- 8: adopting an organization with terraform query ----

// adoptionQuery lists what an adoption with member lists takes: every
// group, every member list, every workspace role.
const adoptionQuery = `
list "atlassian_group" "all" {
  provider = atlassian
  limit    = 1000000
}

list "atlassian_group_members" "all" {
  provider = atlassian
  limit    = 1000000
}

list "atlassian_workspace_role_assignment" "all" {
  provider = atlassian
  limit    = 1000000
}
`

// queryCmd writes the configuration of what the query files list.
var queryCmd = command{"query", func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
	return w.Run(ctx, "query", "-generate-config-out=generated.tf")
}}

// exitImports: a plan of import blocks answers 2 when Terraform counts the
// imports as changes, 0 when not; the plan's summary line is what is
// checked.
var exitImports = []int{0, 2}

func adoption(ctx context.Context, b *bench) ([]*result, error) {
	if v, err := version.NewVersion(b.terraformVersion); err != nil {
		return nil, err
	} else if v.LessThan(version.Must(version.NewVersion("1.14.0"))) {
		fmt.Printf("   skipped: terraform query needs Terraform 1.14 or later, the benchmark runs %s\n", b.terraformVersion)
		return nil, nil
	}
	users, groupCount, perGroup := b.n(5000), b.n(300), 67
	memberships, extraGroupRoles := b.n(20000), b.n(200)
	st := generatedOrg(users, 0, 5, 13)
	if _, err := addGroups(&st, groupCount, perGroup, 0, activeStaff(st), 3); err != nil {
		return nil, err
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
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	want := adoptionCounts(st)
	fmt.Printf("   %d users, %d groups, %d memberships, %d group and %d user workspace roles\n",
		len(st.Users), len(st.Groups), want.memberships, want.groupRoles, want.userRoles)

	q, err := b.workspace("8-query")
	if err != nil {
		return nil, err
	}
	if err := writeAll(q, map[string]string{"main.tf": b.providerBlock(""), "adopt.tfquery.hcl": adoptionQuery}, nil); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())
	query, err := b.measure(ctx, q, atlassianPlugin, exitOK, queryCmd)
	if err != nil {
		return nil, err
	}
	generated, err := os.ReadFile(q.path("generated.tf"))
	if err != nil {
		return nil, err
	}

	// The listing floor: every page the connector must read, once.
	floor := want.groupPages + want.accountPages + 1 + want.groupListingPages + int64(len(st.Users))
	// The latency floor: the walks' pages one after another, the listings
	// max_concurrency (8) at a time.
	const concurrency = 8
	latencyFloor := time.Duration(want.groupPages+want.accountPages+1)*b.latency() +
		time.Duration((want.groupListingPages+int64(len(st.Users))+concurrency-1)/concurrency)*b.latency()
	qr := &result{id: "8a", m: query, ratioTo: latencyFloor,
		ratioNote: fmt.Sprintf("floor: %d listing pages in sequence, %d listings %d at a time, at %d ms",
			want.groupPages+want.accountPages+1, want.groupListingPages+int64(len(st.Users)), concurrency, b.latencyMS),
		title: fmt.Sprintf("`terraform query -generate-config-out` of %s users, %d groups, %s memberships, %d group roles: "+
			"groups, member lists, role assignments", thousands(len(st.Users)), len(st.Groups), thousands(int(want.memberships)), want.groupRoles)}
	qr.budget = fmt.Sprintf("≤ %d requests (the listing floor); ≤ 1.5 × %.2f s", floor, latencyFloor.Seconds())
	qr.expect(query.requests <= floor, "%d admin API requests, the listing floor %d", query.requests, floor)
	qr.expect(query.wall <= latencyFloor*3/2, "wall %.2f s, budget 1.5 × %.2f s", query.wall.Seconds(), latencyFloor.Seconds())
	results := want.groups + want.memberLists + want.groupRoles + want.userRoles
	blocks := int64(strings.Count(string(generated), "\nimport {"))
	qr.expect(blocks == results, "%d import blocks generated, want %d", blocks, results)
	qr.note("Requests by route: %s.", routes(query))
	qr.note("The floor: %d group pages, %d account pages, the workspace listing, %d pages of group listings (each "+
		"group's members, then its roles) and one role listing per account (Atlassian lists roles per holder): %d. "+
		"The three list blocks share every listing.", want.groupPages, want.accountPages, want.groupListingPages, floor)
	qr.note("Peak RSS of the provider: %s; generated.tf is %s for %d resources.", mib(query.peakRSS), mib(int64(len(generated))), results)

	// Plan the generated configuration in a directory of its own, as a user
	// would after reviewing it.
	p, err := b.workspace("8-plan")
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
	keys := make(map[string]membershipEdge, results)
	for i := range results {
		keys[fmt.Sprintf("r%d", i)] = membershipEdge{}
	}
	data, err := b.workspace("8-terraform_data")
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

	// What a refresh of the same resources may read: the group lookups
	// before the process lists the groups instead, the group listing, each
	// group's listing and one email lookup per member list (members are at
	// most a page), one role listing per account holding a role directly,
	// and the workspace listing.
	refresh := int64(access.IndividualLookups) + want.groupPages + want.groupListingPages + want.memberLists + want.roleHolders + 1
	pr := &result{id: "8b", m: plan, baseline: baseline.wall, ratioTo: baseline.wall, ratioNote: "baseline",
		baselineNote: fmt.Sprintf("`terraform plan` of %s `terraform_data`", thousands(int(results))),
		title:        fmt.Sprintf("plan of the generated configuration: %s imports", thousands(int(results)))}
	pr.budget = fmt.Sprintf("≤ %d requests (a refresh); 0 to add, change or destroy", refresh)
	summary := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", results)
	pr.expect(strings.Contains(plan.out.Output, summary), "the plan says %q", summary)
	pr.expect(plan.requests <= refresh, "%d admin API requests, the refresh budget %d", plan.requests, refresh)
	pr.note("Requests by route: %s.", routes(plan))
	pr.note("Wall %.2f s against %.2f s for a refresh-plan of as many `terraform_data` (%.1f ×); peak RSS of the provider %s.",
		plan.wall.Seconds(), baseline.wall.Seconds(), plan.wall.Seconds()/baseline.wall.Seconds(), mib(plan.peakRSS))
	return []*result{qr, pr}, nil
}

// adoptionTally is what adoptionQuery finds in a sandbox state, and the
// pages reading it takes.
type adoptionTally struct {
	groups, memberLists, memberships, groupRoles, userRoles, roleHolders int64
	groupPages, accountPages, groupListingPages                          int64
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
	t.groupPages, t.accountPages = pages(len(st.Groups)), pages(len(st.Users))
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
		if held(a.ResourceID, a.Role) {
			t.userRoles++
			holders[a.AccountID] = true
		}
	}
	t.roleHolders = int64(len(holders))
	return t
}
