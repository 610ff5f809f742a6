package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// Scenario 9: access reviews. The report of a sync (baton-atlassian
// report, each format) and the atlassian_effective_access question about
// one workspace, in the organization of scenario 6.

func accessReview(ctx context.Context, b *bench) ([]*result, error) {
	users, groups, workspaces := b.n(5000), b.n(100), 5
	// Product activity spread back from now, as the report judges it
	// against the end of the sync: recent, stale and never-used access.
	st := generatedOrgActiveAsOf(users, groups, workspaces, 16, time.Now().UTC())
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	wantRows := reviewRows(listedView(st))
	scope := fmt.Sprintf("%s users, %d groups, %d workspaces, with product activity", thousands(len(st.Users)), len(st.Groups), len(st.Workspaces))
	fmt.Printf("   %s: %d access rows\n", scope, wantRows)

	// The syncs the reports read, one in each storage format, taken without
	// latency: they are scenario 6's measurement, not this one's.
	dir, err := b.workspace("10-report")
	if err != nil {
		return nil, err
	}
	b.sb.SetFaults(sandbox.Faults{})
	var out []*result
	for _, engine := range []struct {
		name, label string
		ids         [3]string
	}{
		{"pebble", "", [3]string{"10a", "10b", "10c"}},
		{"sqlite", " (SQLite)", [3]string{"10e", "10f", "10g"}},
	} {
		c1z := dir.path("sync-" + engine.name + ".c1z")
		if _, err := b.runBaton(ctx, dir.dir, dir.path("sync-"+engine.name+".log"), "-f", c1z, "--base-url", b.sb.URL, "--storage-engine", engine.name); err != nil {
			return nil, err
		}
		size, c1zFormat, err := c1zFileOf(c1z)
		if err != nil {
			return nil, err
		}
		for i, format := range []string{"csv", "json", "html"} {
			r, err := b.reportOf(ctx, dir, c1z, format, engine.ids[i], scope+engine.label, listedView(st), wantRows)
			if err != nil {
				return nil, err
			}
			r.note("The sync read: %s, %s.", mib(size), c1zFormat)
			out = append(out, r)
		}
	}

	question, err := b.workspaceQuestion(ctx, st, scope)
	if err != nil {
		return nil, err
	}
	return append(out, question), nil
}

// reportOf measures baton-atlassian report of a sync in one format.
func (b *bench) reportOf(ctx context.Context, dir *workspace, c1z, format, id, scope string, st sandbox.State, wantRows int) (*result, error) {
	file := dir.path(id + "-report." + format)
	m, err := b.runBaton(ctx, dir.dir, dir.path(id+"-report.log"), "report", "-f", c1z, "--format", format, "--output", file)
	if err != nil {
		return nil, err
	}
	r := &result{id: id, m: m, budget: "report; every row of the organization, no admin API request",
		title: fmt.Sprintf("`baton-atlassian report --format %s` of a sync of %s", format, scope)}
	rows, err := countReportRows(file, format)
	if err != nil {
		return nil, err
	}
	r.expect(rows == wantRows, "%d rows, the organization's state gives %d", rows, wantRows)
	r.expect(m.requests == 0, "%d admin API requests (the report reads the sync only)", m.requests)
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	r.note("%d rows, %s written; peak RSS is baton-atlassian's (the report runs in the command's own process).", rows, mib(info.Size()))
	if format == "json" {
		if err := expectActivityFindings(r, file, st); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// expectActivityFindings checks the findings on unused and never-used
// product access of a JSON report against the organization's state: one
// per account and workspace it holds a workspace role on, directly or
// through a group, that it never used, or last used before the report's
// cut-off.
func expectActivityFindings(r *result, file string, st sandbox.State) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var doc struct {
		Findings struct {
			InactiveDays int               `json:"inactive_days"`
			AsOf         time.Time         `json:"as_of"`
			Unused       []json.RawMessage `json:"unused_product_access"`
			NeverUsed    []json.RawMessage `json:"never_used_product_access"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	f := doc.Findings
	cutoff := f.AsOf.Add(-time.Duration(f.InactiveDays) * 24 * time.Hour)
	unused, neverUsed, err := unusedAccess(st, cutoff)
	if err != nil {
		return err
	}
	r.expect(len(f.Unused) == unused && unused > 0, "%d findings of product access unused for %d days, the organization's state gives %d",
		len(f.Unused), f.InactiveDays, unused)
	r.expect(len(f.NeverUsed) == neverUsed && neverUsed > 0, "%d findings of product access never used, the organization's state gives %d",
		len(f.NeverUsed), neverUsed)
	return nil
}

// unusedAccess counts the accounts' access to workspaces, through any
// workspace role held directly or through a group, last used before
// cutoff, and never used.
func unusedAccess(st sandbox.State, cutoff time.Time) (unused, neverUsed int, err error) {
	workspaces := map[string]bool{}
	for _, w := range st.Workspaces {
		workspaces[w.ID] = true
	}
	type accessKey struct{ account, workspace string }
	held := map[accessKey]bool{}
	hold := func(accountID, workspaceID, role string) {
		if workspaces[workspaceID] && slices.Contains(access.WorkspaceRoles, role) {
			held[accessKey{accountID, workspaceID}] = true
		}
	}
	for _, a := range st.UserRoleAssignments {
		hold(a.AccountID, a.ResourceID, a.Role)
	}
	members := map[string][]string{}
	for _, g := range st.Groups {
		members[g.ID] = g.MemberAccountIDs
	}
	for _, a := range st.GroupRoleAssignments {
		for _, id := range members[a.GroupID] {
			hold(id, a.ResourceID, a.Role)
		}
	}
	activity := map[string]map[string]string{}
	for _, u := range st.Users {
		activity[u.AccountID] = u.ProductActivity
	}
	for k := range held {
		at, ok := activity[k.account][k.workspace]
		if !ok {
			neverUsed++
			continue
		}
		last, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return 0, 0, fmt.Errorf("account %s's activity on %s: %w", k.account, k.workspace, err)
		}
		if last.Before(cutoff) {
			unused++
		}
	}
	return unused, neverUsed, nil
}

// runBaton runs baton-atlassian to its end and measures it: wall time,
// peak RSS of its largest process, and the sandbox's requests.
func (b *bench) runBaton(ctx context.Context, dir, logPath string, args ...string) (measurement, error) {
	b.sb.resetCounters()
	rssFile := logPath + ".rss"
	cmd := b.measuredCommand(ctx, rssFile, b.batonBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BATON_ACCESS_TOKEN="+b.sb.Token, "BATON_ORGANIZATION_ID="+b.sb.OrgID, "BATON_LOG_LEVEL=warn")
	logFile, err := os.Create(logPath)
	if err != nil {
		return measurement{}, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	runErr := cmd.Run()
	wall := time.Since(start)
	if err := logFile.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return measurement{}, fmt.Errorf("%s %s: %w (log: %s)", b.batonBin, strings.Join(args, " "), runErr, logPath)
	}
	stats := b.sb.Stats()
	m := measurement{requests: stats.Total, byRoute: stats.ByRoute, wall: wall}
	if m.peakRSS, err = measuredPeak(rssFile); err != nil {
		return measurement{}, err
	}
	return m, nil
}

// reviewRows counts the rows a review of the state has: every membership,
// every role held directly, and every group role once per member.
func reviewRows(st sandbox.State) int {
	modelled := func(owner string) bool { return owner != "project" && owner != "goal" }
	members := map[string]int{}
	n := 0
	for _, g := range st.Groups {
		members[g.ID] = len(g.MemberAccountIDs)
		n += len(g.MemberAccountIDs)
	}
	for _, a := range st.UserRoleAssignments {
		if modelled(a.ResourceOwner) {
			n++
		}
	}
	for _, a := range st.GroupRoleAssignments {
		if modelled(a.ResourceOwner) {
			n += members[a.GroupID]
		}
	}
	return n
}

// countReportRows counts the rows of a report file.
func countReportRows(path, format string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	switch format {
	case "csv":
		records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		return len(records) - 1, nil
	case "json":
		var doc struct {
			Rows []json.RawMessage `json:"rows"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		return len(doc.Rows), nil
	}
	// Each row of the HTML table has two id cells, and nothing else does.
	return strings.Count(string(data), `<td class="id">`) / 2, nil
}

// workspaceQuestion measures atlassian_effective_access for the workspace
// with the most holders, against its listing floor.
func (b *bench) workspaceQuestion(ctx context.Context, st sandbox.State, scope string) (*result, error) {
	all := effectiveHolders(st)
	var target sandbox.Workspace
	for _, w := range st.Workspaces {
		if len(all[w.ID]) > len(all[target.ID]) || target.ID == "" {
			target = w
		}
	}
	want := len(all[target.ID])

	ws, err := b.workspace("10-effective-access")
	if err != nil {
		return nil, err
	}
	config := b.providerBlock("") + fmt.Sprintf(`
data "atlassian_effective_access" "w" {
  workspace_id = %q
}

output "entries" {
  value = length(data.atlassian_effective_access.w.access)
}
`, target.ID)
	if err := ws.write("main.tf", config); err != nil {
		return nil, err
	}
	// The same apply against an instant API is the baseline: what
	// Terraform, the provider and the entries cost, which no request count
	// explains. Each runs twice, interleaved, and the fastest run is kept,
	// as for the scenarios compared with terraform_data.
	var instant, m measurement
	for run := range 2 {
		b.sb.SetFaults(sandbox.Faults{})
		i, err := b.measure(ctx, ws, atlassianPlugin, exitOK, applyCmd)
		if err != nil {
			return nil, err
		}
		b.sb.SetFaults(b.latencyFaults())
		l, err := b.measure(ctx, ws, atlassianPlugin, exitOK, applyCmd)
		if err != nil {
			return nil, err
		}
		if run == 0 || i.wall < instant.wall {
			instant = i
		}
		if run == 0 || l.wall < m.wall {
			m = l
		}
	}
	// The state file, read directly: the measured provider process is gone.
	data, err := os.ReadFile(ws.path("terraform.tfstate"))
	if err != nil {
		return nil, err
	}
	var state struct {
		Outputs map[string]struct {
			Value int `json:"value"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		return nil, fmt.Errorf("terraform.tfstate: %w", err)
	}
	got := -1
	if o, ok := state.Outputs["entries"]; ok {
		got = o.Value
	}

	// The floor: the workspace listing; the pages of the groups search for
	// the groups holding a role on the workspace, and each such group's
	// listing (members, then roles); the pages of the users search for the
	// accounts with a role on the workspace (the sandbox finds those holding
	// one themselves) and each such account's role listing, Atlassian
	// listing an account's own roles nowhere else; and the lookups, a page
	// of ids at a time, of the holding groups' members the search did not
	// find. No listing of every account or every group, and no listing of
	// an account or a group that holds nothing on the workspace itself.
	const page = 100
	pagesOf := func(n int) int64 { return int64(max(1, (n+page-1)/page)) }
	found := map[string]bool{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceID == target.ID {
			found[a.AccountID] = true
		}
	}
	holding := map[string]bool{}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceID == target.ID {
			holding[a.GroupID] = true
		}
	}
	unknown := map[string]bool{}
	var groupListingPages, longest int64
	for _, g := range st.Groups {
		if !holding[g.ID] {
			continue
		}
		listing := pagesOf(len(g.MemberAccountIDs)) + 1
		groupListingPages += listing
		longest = max(longest, listing)
		for _, m := range g.MemberAccountIDs {
			if !found[m] {
				unknown[m] = true
			}
		}
	}
	groupSearchPages, searchPages := pagesOf(len(holding)), pagesOf(len(found))
	lookups := int64((len(unknown) + page - 1) / page)
	roleListings := int64(len(found))
	floor := 1 + groupSearchPages + groupListingPages + searchPages + roleListings + lookups

	// The wait on the API: the requests that go one after another (the
	// workspace listing, the search pages), then the role listings, the
	// group listings and the lookups, each set concurrency at a time; a
	// group's listing pages one after another, so the longest one bounds
	// the group listings however they are spread.
	const concurrency = 8
	inSequence := 1 + groupSearchPages + searchPages
	rounds := func(n int64) int64 { return (n + concurrency - 1) / concurrency }
	apiRounds := inSequence + rounds(roleListings) + max(rounds(groupListingPages), longest) + rounds(lookups)
	latencyFloor := time.Duration(apiRounds) * b.latency()
	budget := instant.wall + latencyFloor*3/2
	r := &result{id: "10d", m: m, ratioTo: instant.wall + latencyFloor, baseline: instant.wall,
		baselineNote: "the same `terraform apply` against the sandbox without latency (each run twice, interleaved, the fastest kept)",
		ratioNote: fmt.Sprintf("floor: the same apply against an instant API (%.2f s), then %d round trips at %d ms: %d requests in sequence, "+
			"%d role listings, %d group listing pages (the longest group's %d in sequence) and %d lookups, %d at a time",
			instant.wall.Seconds(), apiRounds, b.latencyMS, inSequence, roleListings, groupListingPages, longest, lookups, concurrency),
		title:  fmt.Sprintf("`atlassian_effective_access` for one workspace (%s, %d entries) in the org of %s (`terraform apply`)", target.Name, want, scope),
		budget: fmt.Sprintf("≤ %d requests (the listing floor); ≤ %.2f s + 1.5 × %.2f s", floor, instant.wall.Seconds(), latencyFloor.Seconds())}
	r.expect(got == want, "%d entries, the organization's state gives %d", got, want)
	r.expect(m.requests <= floor, "%d admin API requests, the listing floor %d", m.requests, floor)
	r.expect(instant.requests == m.requests, "%d requests against the instant API, as many as measured", instant.requests)
	r.expect(m.wall <= budget, "wall %.2f s, budget %.2f s + 1.5 × %.2f s", m.wall.Seconds(), instant.wall.Seconds(), latencyFloor.Seconds())
	r.note("Requests by route: %s.", routes(m))
	r.note("The floor: the workspace listing; the groups search for the groups with a role on the workspace (pages: %d) and the listing of each "+
		"group it finds (%d of %d groups: %d pages, each group's members, then its roles); the users search for the accounts with a role on the "+
		"workspace (pages: %d) and the role listing of each account it finds (%d of %d accounts); and the lookups of the holding groups' other "+
		"members (%d, a page of ids each): %d. No listing of every account or every group; no account is read on its own.",
		groupSearchPages, len(holding), len(st.Groups), groupListingPages, searchPages, roleListings, len(st.Users), lookups, floor)
	return r, nil
}

// effectiveHolders counts, per workspace, the entries of its effective
// access in the state: each role held directly, each group role once per
// member.
func effectiveHolders(st sandbox.State) map[string][]string {
	members := map[string][]string{}
	for _, g := range st.Groups {
		members[g.ID] = g.MemberAccountIDs
	}
	valid := func(role string) bool { return slices.Contains(access.WorkspaceRoles, role) }
	out := map[string][]string{}
	for _, a := range st.UserRoleAssignments {
		if a.ResourceOwner != "platform" && valid(a.Role) {
			out[a.ResourceID] = append(out[a.ResourceID], a.AccountID)
		}
	}
	for _, a := range st.GroupRoleAssignments {
		if a.ResourceOwner != "platform" && valid(a.Role) {
			out[a.ResourceID] = append(out[a.ResourceID], members[a.GroupID]...)
		}
	}
	return out
}
