package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Scenario 12: one organization of 50,000 accounts, 1,000 groups, 200,000
// memberships and 10 workspaces, end to end: the full sync of baton-atlassian,
// the report of that sync in each format, terraform query of its groups and
// member lists, and the refresh-plan of 20 member lists of 2,500 accounts
// each beside the no-op provider holding the same maps.

// largeOrgShape is the organization's size before -scale.
type largeOrgShape struct {
	users, groups, memberships, workspaces int
	// lists groups hold exactly listSize members each: the member lists
	// of the refresh-plan.
	lists, listSize int
}

func (b *bench) largeOrgShape(tenth bool) largeOrgShape {
	div := 1
	if tenth {
		div = 10
	}
	return largeOrgShape{
		users: b.n(50000 / div), groups: b.n(1000 / div), memberships: b.n(200000 / div), workspaces: 10,
		lists: b.n(20), listSize: b.n(2500),
	}
}

// largeOrg generates the organization: its accounts, workspaces and the
// accounts' roles from the sandbox's generator (activity spread back from
// asOf), its groups added with exact sizes. The first shape.lists groups
// hold shape.listSize members each; the others share the rest of the
// memberships with sizes decaying as a few large teams and many small ones
// do. Every group holds a role on one workspace, as most real groups do.
func largeOrg(shape largeOrgShape, seed uint64, asOf time.Time) (sandbox.State, []benchGroup, error) {
	st := generatedOrgActiveAsOf(shape.users, 0, shape.workspaces, seed, asOf)
	pool := activeStaff(st)
	others := shape.groups - shape.lists
	rest := shape.memberships - shape.lists*shape.listSize
	if others < 0 || rest < others || shape.listSize > len(pool) {
		return st, nil, fmt.Errorf("%d groups of %d members (%d in all) do not fit %d active accounts and %d memberships",
			shape.groups, shape.listSize, shape.lists, len(pool), shape.memberships)
	}
	sizes := make([]int, 0, shape.groups)
	for range shape.lists {
		sizes = append(sizes, shape.listSize)
	}
	sizes = append(sizes, decayingSizes(others, rest, len(pool))...)
	if total := sumInts(sizes); total != shape.memberships {
		return st, nil, fmt.Errorf("the groups hold %d memberships, want %d (at most %d accounts a group)", total, shape.memberships, len(pool))
	}

	rng := rand.New(rand.NewPCG(seed, 0x6c61726765)) // "large"
	shuffled := append([]string(nil), pool...)
	groups := make([]benchGroup, 0, len(sizes))
	for i, size := range sizes {
		// A partial Fisher-Yates shuffle: size distinct accounts, in time
		// linear in size.
		for j := range size {
			k := j + rng.IntN(len(shuffled)-j)
			shuffled[j], shuffled[k] = shuffled[k], shuffled[j]
		}
		g := benchGroup{ID: uuidFrom(rng), Members: append([]string(nil), shuffled[:size]...)}
		addTeamGroup(&st, g, fmt.Sprintf("bench-large-%04d", i+1), "A team group of the benchmark's large organization", i)
		groups = append(groups, g)
	}
	return st, groups[:shape.lists], nil
}

// decayingSizes splits total memberships over count groups, the i-th group
// weighing 1 / (1 + i/5): a few teams of thousands, many of tens. Each
// group holds at least one member and at most limit.
func decayingSizes(count, total, limit int) []int {
	if count == 0 {
		return nil
	}
	weights := make([]float64, count)
	sum := 0.0
	for i := range weights {
		weights[i] = 1 / (1 + float64(i)/5)
		sum += weights[i]
	}
	sizes := make([]int, count)
	left := total
	for i, w := range weights {
		sizes[i] = min(limit, max(1, int(float64(total)*w/sum)))
		left -= sizes[i]
	}
	// What rounding left over goes one at a time to the groups with room,
	// the largest first; what it gave too much comes off the largest. A
	// pass that changes nothing means no group can take more (or give
	// any): the caller reports the total.
	for left != 0 {
		changed := false
		for i := 0; i < count && left != 0; i++ {
			switch {
			case left > 0 && sizes[i] < limit:
				sizes[i]++
				left--
				changed = true
			case left < 0 && sizes[i] > 1:
				sizes[i]--
				left++
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return sizes
}

func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// largeOrgTally is what the listings of the organization take: the floors.
type largeOrgTally struct {
	listedAccounts, memberships                   int
	accountPages, roleListingPages, groupPages    int64
	groupListingPages, workspacePages, longestRun int64
}

// The page sizes: 100 items on the directory endpoints (the connector asks
// for Atlassian's largest); the workspace listing is asked with no limit,
// so it answers Atlassian's default of 20.
const (
	directoryPage = 100
	workspacePage = 20
)

func pagesOf(n, page int) int64 { return int64(max(1, (n+page-1)/page)) }

func largeOrgCounts(st sandbox.State) largeOrgTally {
	var t largeOrgTally
	listed := sandbox.ListedUsers(st)
	t.listedAccounts = len(listed)
	t.accountPages = pagesOf(len(listed), directoryPage)
	// Atlassian lists an account's roles per account: one listing each, of
	// as many pages as its roles take.
	roles := map[string]int{}
	for _, a := range st.UserRoleAssignments {
		roles[a.AccountID]++
	}
	for _, u := range listed {
		t.roleListingPages += pagesOf(roles[u.AccountID], directoryPage)
	}
	t.groupPages = pagesOf(len(st.Groups), directoryPage)
	groupRoles := map[string]int{}
	for _, a := range st.GroupRoleAssignments {
		groupRoles[a.GroupID]++
	}
	for _, g := range st.Groups {
		// A group's listing: its member pages, then its role pages.
		listing := pagesOf(len(g.MemberAccountIDs), directoryPage) + pagesOf(groupRoles[g.ID], directoryPage)
		t.groupListingPages += listing
		t.longestRun = max(t.longestRun, listing)
		t.memberships += len(g.MemberAccountIDs)
	}
	t.workspacePages = pagesOf(len(st.Workspaces), workspacePage)
	return t
}

// syncFloor is what a full sync must read: the organization, every
// account page and each listed account's roles, every group page and each
// group's listing, and the workspaces.
func (t largeOrgTally) syncFloor() int64 {
	return 1 + t.accountPages + t.roleListingPages + t.groupPages + t.groupListingPages + t.workspacePages
}

// queryFloor is what listing the groups and their member lists must read:
// the group pages and each group's listing.
func (t largeOrgTally) queryFloor() int64 { return t.groupPages + t.groupListingPages }

func largeOrgScenario(ctx context.Context, b *bench) ([]*result, error) {
	shape := b.largeOrgShape(false)
	// The reports' memory is compared with the report of an organization a
	// tenth the size, measured first (its sync without latency: not a
	// measurement of this scenario).
	reference, err := b.largeOrgReference(ctx)
	if err != nil {
		return nil, err
	}

	st, lists, err := largeOrg(shape, 17, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	tally := largeOrgCounts(st)
	listed := listedView(st)
	scope := fmt.Sprintf("%s accounts, %s groups, %s memberships, %d workspaces",
		thousands(len(st.Users)), thousands(len(st.Groups)), thousands(tally.memberships), len(st.Workspaces))
	fmt.Printf("   %s; %d accounts listed by the directory API, %d user and %d group role assignments\n",
		scope, tally.listedAccounts, len(listed.UserRoleAssignments), len(st.GroupRoleAssignments))

	sync, c1z, err := b.largeOrgSync(ctx, st, tally, scope)
	if err != nil {
		return nil, err
	}
	out := []*result{sync}
	reports, err := b.largeOrgReports(ctx, st, c1z, scope, reference)
	if err != nil {
		return nil, err
	}
	out = append(out, reports...)
	query, err := b.largeOrgQuery(ctx, st, tally, scope)
	if err != nil {
		return nil, err
	}
	out = append(out, query)
	refresh, err := b.largeOrgRefresh(ctx, st, lists, scope)
	if err != nil {
		return nil, err
	}
	return append(out, refresh), nil
}

// ---- 12a: the full sync ----

func (b *bench) largeOrgSync(ctx context.Context, st sandbox.State, tally largeOrgTally, scope string) (*result, string, error) {
	dir, err := b.workspace("12-sync")
	if err != nil {
		return nil, "", err
	}
	c1z := dir.path("sync.c1z")
	b.sb.SetFaults(b.latencyFaults())
	m, err := b.runBaton(ctx, dir.dir, dir.path("sync.log"), "-f", c1z, "--base-url", b.sb.URL)
	if err != nil {
		return nil, "", err
	}
	floor := tally.syncFloor()
	// Its wait on the API: every request of the floor, 8 in flight (the
	// default workers and max_concurrency).
	const concurrency = 8
	latencyFloor := time.Duration((floor+concurrency-1)/concurrency) * b.latency()
	r := &result{id: "12a", m: m, ratioTo: latencyFloor,
		ratioNote: fmt.Sprintf("floor: the %d requests of the listing floor, %d in flight, at %d ms", floor, concurrency, b.latencyMS),
		title:     fmt.Sprintf("full sync of %s: `baton-atlassian -f` (defaults: 8 workers, 8 requests in flight)", scope),
		budget:    fmt.Sprintf("≤ %d requests (the listing floor); every grant in the sync; wall and memory reported", floor)}
	wantGrants := tally.memberships + len(listedView(st).UserRoleAssignments) + len(st.GroupRoleAssignments)
	if err := b.expectGrants(ctx, r, c1z, wantGrants); err != nil {
		return nil, "", err
	}
	r.expect(m.requests <= floor, "%d admin API requests, the listing floor %d", m.requests, floor)
	r.note("Requests by route: %s.", routes(m))
	r.note("The floor: the organization (1), %d account pages, the role listing of each of the %d accounts the directory API "+
		"lists (%d pages; customers and apps are not listed), %d group pages, each group's listing (%d pages: its members, then "+
		"its roles) and the workspace listing (%d): %d.",
		tally.accountPages, tally.listedAccounts, tally.roleListingPages, tally.groupPages, tally.groupListingPages,
		tally.workspacePages, floor)
	r.note("Peak RSS is the largest of baton-atlassian's processes (it re-executes itself as the connector service); the " +
		"sync's store is the SDK's.")
	return r, c1z, nil
}

// ---- 12b-d: the report of that sync ----

// reportReference is the reports of a sync of the organization a tenth
// the size, by format.
type reportReference struct {
	scope string
	rows  int
	peaks map[string]int64
	// floor is the store's own peak RSS for the reads a report makes.
	floor int64
}

func (b *bench) largeOrgReference(ctx context.Context) (reportReference, error) {
	shape := b.largeOrgShape(true)
	shape.lists, shape.listSize = 0, 0
	st, _, err := largeOrg(shape, 18, time.Now().UTC())
	if err != nil {
		return reportReference{}, err
	}
	if err := b.sb.load(st); err != nil {
		return reportReference{}, err
	}
	dir, err := b.workspace("12-reference")
	if err != nil {
		return reportReference{}, err
	}
	c1z := dir.path("sync.c1z")
	if _, err := b.runBaton(ctx, dir.dir, dir.path("sync.log"), "-f", c1z, "--base-url", b.sb.URL); err != nil {
		return reportReference{}, err
	}
	ref := reportReference{
		scope: fmt.Sprintf("%s accounts, %s groups, %s memberships", thousands(len(st.Users)), thousands(len(st.Groups)),
			thousands(shape.memberships)),
		rows:  reviewRows(listedView(st)),
		peaks: map[string]int64{},
	}
	for _, format := range reportFormats {
		r, err := b.reportOf(ctx, dir, c1z, format, "12-reference-"+format, ref.scope, listedView(st), ref.rows)
		if err != nil {
			return reportReference{}, err
		}
		if !r.passed() {
			return reportReference{}, fmt.Errorf("the reference report (%s): %s", format, failedChecks(r))
		}
		ref.peaks[format] = r.m.peakRSS
	}
	if ref.floor, err = b.storeFloor(ctx, c1z); err != nil {
		return reportReference{}, err
	}
	fmt.Printf("   reference: the reports of a sync of %s (%d rows): peak RSS csv %s, json %s, html %s; the store alone %s\n",
		ref.scope, ref.rows, mib(ref.peaks["csv"]), mib(ref.peaks["json"]), mib(ref.peaks["html"]), mib(ref.floor))
	return ref, nil
}

var reportFormats = []string{"csv", "json", "html"}

func failedChecks(r *result) string {
	var failed []string
	for _, c := range r.checks {
		if !c.ok {
			failed = append(failed, c.what)
		}
	}
	return strings.Join(failed, "; ")
}

func (b *bench) largeOrgReports(ctx context.Context, st sandbox.State, c1z, scope string, ref reportReference) ([]*result, error) {
	dir, err := b.workspace("12-report")
	if err != nil {
		return nil, err
	}
	size, c1zFormat, err := c1zFileOf(c1z)
	if err != nil {
		return nil, err
	}
	wantRows := reviewRows(listedView(st))
	floor, err := b.storeFloor(ctx, c1z)
	if err != nil {
		return nil, err
	}
	fmt.Printf("   the store alone, for the reads a report makes: peak RSS %s\n", mib(floor))
	var out []*result
	for i, format := range reportFormats {
		id := string(rune('b' + i))
		r, err := b.reportOf(ctx, dir, c1z, format, "12"+id, scope, listedView(st), wantRows)
		if err != nil {
			return nil, err
		}
		r.budget = "report; every row of the organization, no admin API request; memory reported against an organization a tenth the size"
		r.note("The sync read: %s, %s.", mib(size), c1zFormat)
		growth := memoryGrowth(r.m.peakRSS, floor, ref.peaks[format], ref.floor, wantRows, ref.rows, ref.scope)
		fmt.Printf("   12%s %s\n", id, growth)
		r.note("%s", growth)
		for _, earlier := range b.results {
			if earlier.id == "10"+string(rune('a'+i)) {
				r.note("Scenario %s, the same report of a sync of 5,000 users in this run: peak RSS %s (%.1f × here).",
					earlier.id, mib(earlier.m.peakRSS), float64(r.m.peakRSS)/float64(max(1, earlier.m.peakRSS)))
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// memoryGrowth says how a report's peak memory grew from the organization
// a tenth the size. The process's own start (the SDK, the runtime) is most
// of the smaller one's peak, and the SDK's store of the sync (its
// decompression, its block cache) grows with the sync whatever the report
// does: so the report's own memory is its peak above the store's floor
// (the store alone making the same reads), and its growth is read as
// memory per row added. A report that streams its rows holds about the
// same memory above the floor at any size.
func memoryGrowth(peak, floor, refPeak, refFloor int64, rows, refRows int, refScope string) string {
	own, refOwn := peak-floor, refPeak-refFloor
	added := own - refOwn
	verdict := "bounded: the report's own memory does not grow with the organization"
	if added > refPeak/10 {
		verdict = fmt.Sprintf("NOT bounded: the report's own memory grows with the organization, by %.1f KiB for each row "+
			"added", float64(added)/1024/float64(max(1, rows-refRows)))
	}
	return fmt.Sprintf("Memory: peak RSS %s against %s for the same report of %s (%d rows): %.1f × the memory for %.1f × "+
		"the rows. The store alone, making the same reads, peaks at %s here and %s there: the report's own memory above it "+
		"is %s here and %s there; %s.", mib(peak), mib(refPeak), refScope, refRows, float64(peak)/float64(max(1, refPeak)),
		float64(rows)/float64(max(1, refRows)), mib(floor), mib(refFloor), mibSigned(own), mibSigned(refOwn), verdict)
}

// mibSigned is mib of a difference that may be below zero.
func mibSigned(n int64) string {
	if n < 0 {
		return "-" + mib(-n)
	}
	return mib(n)
}

// ---- 12e: terraform query of the groups and their member lists ----

const largeOrgQuery = groupsAndMemberListsQuery

// generatedAssignment is one `name = "value"` line of the generated
// configuration, a map entry's key being quoted.
var generatedAssignment = regexp.MustCompile(`^\s*"?([^"=\s]+)"?\s*=\s*"([^"]*)"\s*$`)

func (b *bench) largeOrgQuery(ctx context.Context, st sandbox.State, tally largeOrgTally, scope string) (*result, error) {
	q, err := b.workspace("12-query")
	if err != nil {
		return nil, err
	}
	if err := writeAll(q, map[string]string{"main.tf": b.providerBlock(""), "large.tfquery.hcl": largeOrgQuery}, nil); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())
	var terraformPeak int64
	m, err := b.measure(ctx, q, atlassianPlugin, exitOK, b.terraformWithPeak("query", &terraformPeak, "query", "-generate-config-out=generated.tf"))
	if err != nil {
		return nil, err
	}
	generated, err := os.ReadFile(q.path("generated.tf"))
	if err != nil {
		return nil, err
	}
	floor := tally.queryFloor()
	// The wait on the API: the group pages one after another, then the
	// group listings, 8 at a time (max_concurrency), a group's pages one
	// after another, so the longest group bounds them however they spread.
	const concurrency = 8
	rounds := tally.groupPages + max((tally.groupListingPages+concurrency-1)/concurrency, tally.longestRun)
	latencyFloor := time.Duration(rounds) * b.latency()
	r := &result{id: "12e", m: m, ratioTo: latencyFloor,
		ratioNote: fmt.Sprintf("floor: %d group pages in sequence, then %d pages of group listings %d at a time (the longest group's %d "+
			"in sequence): %d round trips at %d ms", tally.groupPages, tally.groupListingPages, concurrency, tally.longestRun, rounds, b.latencyMS),
		title: fmt.Sprintf("`terraform query -generate-config-out` of the groups and member lists of %s", scope),
		budget: fmt.Sprintf("≤ %d requests (the listing floor); provider < %s; wall and Terraform's memory reported",
			floor, memoryBudgetText)}
	r.expect(m.requests <= floor, "%d admin API requests, the listing floor %d", m.requests, floor)
	r.expect(m.peakRSS > 0 && m.peakRSS < memoryBudget, "provider peak RSS %s, budget %s", mib(m.peakRSS), memoryBudgetText)
	wantImports := 2 * len(st.Groups)
	imports := strings.Count(string(generated), "\nimport {")
	r.expect(imports == wantImports, "%d import blocks generated, want %d (a group and its member list each)", imports, wantImports)
	missing, extra, mislabelled := generatedMembersAgainst(st, generated)
	r.expect(missing == 0 && extra == 0 && mislabelled == 0, "the generated member lists hold every membership of the organization, "+
		"each labelled with its account's email, and nothing else (%d missing, %d not in the organization, %d labelled otherwise)",
		missing, extra, mislabelled)
	r.note("Requests by route: %s.", routes(m))
	r.note("The floor: %d group pages and each group's listing (%d pages: its members, then its roles): %d. No account "+
		"listing: the member lists' labels (emails) come with the members.", tally.groupPages, tally.groupListingPages, floor)
	r.note("Peak RSS: the provider %s, Terraform %s; generated.tf is %s for %d resources holding %s members.",
		mib(m.peakRSS), mib(terraformPeak), mib(int64(len(generated))), imports, thousands(tally.memberships))
	return r, nil
}

// generatedMembersAgainst compares the generated member lists with the
// organization's groups: memberships missing from them, entries that are
// no membership, and entries not labelled with their account's email. It reads the file line by line, as Terraform writes
// it: a resource block's attributes one a line, a map's entries one a line
// up to its closing brace.
func generatedMembersAgainst(st sandbox.State, generated []byte) (missing, extra, mislabelled int) {
	labels := emails(st)
	want := map[string]map[string]bool{}
	for _, g := range st.Groups {
		want[g.ID] = map[string]bool{}
		for _, id := range g.MemberAccountIDs {
			want[g.ID][id] = true
		}
	}
	seen := map[string]map[string]bool{}
	var inBlock, inMembers bool
	var group string
	var entries [][2]string // account id, label
	for _, line := range strings.Split(string(generated), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, `resource "atlassian_group_members" `):
			inBlock, inMembers, group, entries = true, false, "", nil
		case !inBlock:
		case inMembers && trimmed == "}":
			inMembers = false
		case inMembers:
			if match := generatedAssignment.FindStringSubmatch(line); match != nil {
				entries = append(entries, [2]string{match[1], match[2]})
			}
		case strings.HasPrefix(trimmed, "members") && strings.HasSuffix(trimmed, "{"):
			inMembers = true
		case line == "}":
			if seen[group] == nil {
				seen[group] = map[string]bool{}
			}
			for _, entry := range entries {
				id := entry[0]
				if want[group][id] {
					seen[group][id] = true
				} else {
					extra++
				}
				if entry[1] != labels[id] {
					mislabelled++
				}
			}
			inBlock = false
		default:
			if match := generatedAssignment.FindStringSubmatch(line); len(match) == 3 && match[1] == "group_id" {
				group = match[2]
			}
		}
	}
	for group, members := range want {
		missing += len(members) - len(seen[group])
	}
	return missing, extra, mislabelled
}

// terraformWithPeak runs `terraform args...` as Workdir.Run does, and
// keeps the terraform process's peak RSS in *peak: measure reads the
// provider's only. Terraform runs under `bench -measure-rss` (see
// measureChild), so the peak is its own, not the bench's.
func (b *bench) terraformWithPeak(name string, peak *int64, args ...string) command {
	return command{name, func(ctx context.Context, w *tfdriver.Workdir) (tfdriver.Result, error) {
		rssFile := filepath.Join(w.Dir(), name+".rss")
		cmd := w.Command(ctx, args...)
		cmd.Args = append([]string{b.self, "-measure-rss", rssFile, "--", cmd.Path}, args...)
		cmd.Path = b.self
		// The measuring process leads the process group terraform runs in:
		// an ended context interrupts both, as Workdir does terraform.
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
		var output bytes.Buffer
		cmd.Stdout, cmd.Stderr = &output, &output
		start := time.Now()
		err := cmd.Run()
		res := tfdriver.Result{Command: strings.Join(args, " "), Output: output.String(), Took: time.Since(start), Err: err, ExitCode: tfdriver.ExitCode(ctx, err)}
		w.Record(res)
		measured, perr := measuredPeak(rssFile)
		if perr != nil {
			return res, errors.Join(err, perr)
		}
		*peak = measured
		return res, err
	}}
}

// ---- 12f: refresh-plan of 20 member lists of 2,500 ----

const memberListsLocal = `
locals {
  lists = jsondecode(file("${path.module}/lists.json"))
}
`

const memberListsResource = `
resource "atlassian_group_members" "g" {
  for_each = local.lists
  group_id = each.key
  members  = each.value
}
`

const noopMemberListsResource = noopRequiredProviders + `
resource "noop_members" "g" {
  for_each = local.lists
  group_id = each.key
  members  = each.value
}
`

func (b *bench) largeOrgRefresh(ctx context.Context, st sandbox.State, groups []benchGroup, scope string) (*result, error) {
	labels := emails(st)
	lists := make(map[string]map[string]string, len(groups))
	size := 0
	for _, g := range groups {
		members := make(map[string]string, len(g.Members))
		for _, id := range g.Members {
			members[id] = labels[id]
		}
		lists[g.ID] = members
		size = len(members)
	}
	memberListState := func(resourceType, address string, extra map[string]any) stateFile {
		res := stateResource{Mode: "managed", Type: resourceType, Name: "g", Provider: providerRef(address)}
		for id, members := range lists {
			attributes := map[string]any{"id": id, "group_id": id, "members": members}
			for k, v := range extra {
				attributes[k] = v
			}
			res.Instances = append(res.Instances, stateInstance{IndexKey: id, Attributes: attributes, SensitiveAttributes: []any{}})
		}
		return b.newState(res)
	}

	noop, err := b.workspace("12-noop")
	if err != nil {
		return nil, err
	}
	if err := writeAll(noop, map[string]string{"main.tf": memberListsLocal + noopMemberListsResource}, nil); err != nil {
		return nil, err
	}
	ws, err := b.workspace("12-atlassian")
	if err != nil {
		return nil, err
	}
	if err := writeAll(ws, map[string]string{"main.tf": b.providerBlock("") + memberListsLocal + memberListsResource}, nil); err != nil {
		return nil, err
	}
	for _, w := range []*workspace{noop, ws} {
		if err := w.writeJSON("lists.json", lists); err != nil {
			return nil, err
		}
	}
	if err := noop.writeJSON("terraform.tfstate", memberListState("noop_members", noopAddress, nil)); err != nil {
		return nil, err
	}
	if err := ws.writeJSON("terraform.tfstate", memberListState("atlassian_group_members", providerAddress,
		map[string]any{"remove_unlisted_members_on_create": false})); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())

	// Every plan must find no changes: exit code 0.
	var noopPeak, atlassianPeak int64
	plan := []string{"plan", "-input=false", "-detailed-exitcode"}
	got, err := rounds(2,
		job{"noop", func() (measurement, error) {
			var peak int64
			m, err := b.measure(ctx, noop, noopPlugin, exitOK, b.terraformWithPeak("plan", &peak, plan...))
			noopPeak = max(noopPeak, peak)
			return m, err
		}},
		job{"atlassian", func() (measurement, error) {
			var peak int64
			m, err := b.measure(ctx, ws, atlassianPlugin, exitOK, b.terraformWithPeak("plan", &peak, plan...))
			atlassianPeak = max(atlassianPeak, peak)
			return m, err
		}},
	)
	if err != nil {
		return nil, fmt.Errorf("a refresh plan must find no changes: %w", err)
	}
	noopPlan, m := got["noop"], got["atlassian"]

	// The floor: each group read once (its facts for the plan: that it
	// exists, and its name) and its listing, member pages then role pages.
	groupRoles := map[string]int{}
	for _, a := range st.GroupRoleAssignments {
		groupRoles[a.GroupID]++
	}
	var floor, chain int64
	for _, g := range groups {
		requests := 1 + pagesOf(len(g.Members), directoryPage) + pagesOf(groupRoles[g.ID], directoryPage)
		floor += requests
		chain = max(chain, requests)
	}
	// No provider can wait less on the API than its requests 8 at a time
	// (max_concurrency), nor less than one group's requests, which go one
	// after another. When that exceeds the no-op provider's plan (a small
	// organization), the budget is 2 × the wait instead.
	const concurrency = 8
	wait := time.Duration(max((floor+concurrency-1)/concurrency, chain)) * b.latency()
	against, againstNote := noopPlan.wall, "the same refresh-plan on the no-op provider"
	if wait > against {
		against, againstNote = wait, fmt.Sprintf("the wait on the API: %d requests %d at a time, a group's %d one after another, at %d ms",
			floor, concurrency, chain, b.latencyMS)
	}
	r := &result{id: "12f", m: m, ratioTo: against, ratioNote: againstNote,
		title: fmt.Sprintf("refresh-plan of %d `atlassian_group_members` of %s members each, in the org of %s",
			len(groups), thousands(size), scope),
		budget: fmt.Sprintf("≤ %d requests (the floor); ≤ 2 × max(no-op provider, wait on the API)", floor)}
	r.expect(m.requests <= floor, "%d admin API requests, the floor %d", m.requests, floor)
	r.expect(m.wall <= 2*against, "wall %.2f s, budget 2 × %.2f s (%s)", m.wall.Seconds(), against.Seconds(), againstNote)
	r.note("Wall %.2f s: %.1f × the no-op provider holding the same maps (%.2f s); the wait on the API alone is %.2f s.",
		m.wall.Seconds(), m.wall.Seconds()/noopPlan.wall.Seconds(), noopPlan.wall.Seconds(), wait.Seconds())
	r.note("Requests by route: %s.", routes(m))
	r.note("The floor: for each group, the group itself (1: the plan's facts about it) and its listing (%d member pages and "+
		"its role page): %d.", pagesOf(size, directoryPage), floor)
	r.note("Runs: Atlassian %s; `noop_members` %s.", runsText(m), runsText(noopPlan))
	r.note("Peak RSS: the provider %s, the no-op provider %s; Terraform %s with the Atlassian provider, %s with the no-op one.",
		mib(m.peakRSS), mib(noopPlan.peakRSS), mib(atlassianPeak), mib(noopPeak))
	return r, nil
}
