package main

import (
	"context"
	"fmt"
	"time"
)

// ---- 9: just-in-time access ----

// Scenario 9 measures what expires_at costs: a refresh-plan of memberships
// with an expiry must send no more requests than the same memberships
// without one (9a), and memberships whose common expiry has passed must
// all be revoked by one apply against Atlassian's rate limit, without an
// error (9b with the provider's defaults, 9c with requests_per_second at
// that limit). The revocation is measured as the scheduled apply of
// examples/ci runs it: `terraform apply`, which plans and applies.

const expiringMembershipResource = `
resource "atlassian_group_membership" "m" {
  for_each   = local.memberships
  group_id   = each.value.group_id
  account_id = each.value.account_id
  expires_at = %q
}
`

// The revocations' baseline: as many in-place updates of terraform_data
// (built into Terraform: no plugin, no requests), timed in the same run on
// the same machine.
const dataUpdateResource = `
resource "terraform_data" "m" {
  for_each = local.memberships
  input    = "revoked"
}
`

func (b *bench) dataUpdateState(edges map[string]membershipEdge) stateFile {
	res := stateResource{Mode: "managed", Type: "terraform_data", Name: "m", Provider: providerRef("terraform.io/builtin/terraform")}
	granted := map[string]any{"value": "granted", "type": "string"}
	for key := range edges {
		res.Instances = append(res.Instances, stateInstance{
			IndexKey: key,
			Attributes: map[string]any{
				"id": newUUID(), "input": granted, "output": granted, "triggers_replace": nil,
			},
			SensitiveAttributes: []any{},
		})
	}
	return b.newState(res)
}

// expiringMembershipState is the state of expiringMembershipResource over
// edges, every membership granted (active) with the given expiry ("" for
// none).
func (b *bench) expiringMembershipState(edges map[string]membershipEdge, expiresAt string) stateFile {
	res := stateResource{Mode: "managed", Type: "atlassian_group_membership", Name: "m", Provider: providerRef(providerAddress)}
	for key, e := range edges {
		var expiry any
		if expiresAt != "" {
			expiry = expiresAt
		}
		res.Instances = append(res.Instances, stateInstance{
			IndexKey: key,
			Attributes: map[string]any{
				"id": key, "group_id": e.GroupID, "account_id": e.AccountID, "expires_at": expiry, "active": true,
			},
			SensitiveAttributes: []any{},
		})
	}
	return b.newState(res)
}

func expiringGrants(ctx context.Context, b *bench) ([]*result, error) {
	groupCount, perGroup, users := b.n(10), 100, b.n(5000)
	const ratePerSecond = 50
	st := generatedOrg(users, 0, 3, 19)
	groups, err := addGroups(&st, groupCount, perGroup, 0, activeStaff(st), 9)
	if err != nil {
		return nil, err
	}
	if err := b.sb.load(st); err != nil {
		return nil, err
	}
	edges := membershipEdges(groups, false)
	fmt.Printf("   %d memberships in %d groups of %d, org of %d users\n", len(edges), groupCount, perGroup, users)

	// 9a: the same memberships with and without an expiry, a month ahead
	// (outside the warning window, so the plan is empty and silent).
	ahead := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
	permanent, err := b.workspace("9a-permanent")
	if err != nil {
		return nil, err
	}
	if err := writeAll(permanent, map[string]string{"main.tf": b.providerBlock("") + membershipsLocal + membershipResource}, edges); err != nil {
		return nil, err
	}
	if err := permanent.writeJSON("terraform.tfstate", b.expiringMembershipState(edges, "")); err != nil {
		return nil, err
	}
	expiring, err := b.workspace("9a-expiring")
	if err != nil {
		return nil, err
	}
	if err := writeAll(expiring, map[string]string{"main.tf": b.providerBlock("") + membershipsLocal +
		fmt.Sprintf(expiringMembershipResource, ahead)}, edges); err != nil {
		return nil, err
	}
	if err := expiring.writeJSON("terraform.tfstate", b.expiringMembershipState(edges, ahead)); err != nil {
		return nil, err
	}
	b.sb.SetFaults(b.latencyFaults())
	got, err := rounds(2,
		job{"permanent", func() (measurement, error) { return b.measure(ctx, permanent, atlassianPlugin, exitOK, planCmd) }},
		job{"expiring", func() (measurement, error) { return b.measure(ctx, expiring, atlassianPlugin, exitOK, planCmd) }},
	)
	if err != nil {
		return nil, fmt.Errorf("a refresh plan must find no changes: %w", err)
	}
	perm, exp := got["permanent"], got["expiring"]
	refresh := &result{id: "9a", m: exp, baseline: perm.wall, ratioTo: perm.wall, ratioNote: "baseline",
		title: fmt.Sprintf("refresh-plan of %s `atlassian_group_membership` with `expires_at` (a month ahead), %d groups of %d",
			thousands(len(edges)), groupCount, perGroup),
		baselineNote: fmt.Sprintf("`terraform plan` of the same %d memberships without `expires_at`", len(edges))}
	refresh.budget = "requests ≤ without `expires_at`"
	refresh.expect(exp.requests <= perm.requests, "%d admin API requests with `expires_at`, %d without", exp.requests, perm.requests)
	refresh.note("Requests by route, with `expires_at`: %s; without: %s.", routes(exp), routes(perm))
	refresh.note("Runs: with `expires_at` %s; without %s.", runsText(exp), runsText(perm))
	out := []*result{refresh}

	// 9b and 9c: the memberships' common expiry passed a minute ago, since
	// the last apply: one apply revokes them all at the rate limit.
	passed := time.Now().UTC().Add(-time.Minute).Truncate(time.Second).Format(time.RFC3339)
	writes := len(edges)
	floor := time.Duration(float64(writes) / ratePerSecond * float64(time.Second))
	data, err := b.workspace("9-terraform_data")
	if err != nil {
		return nil, err
	}
	if err := writeAll(data, map[string]string{"main.tf": membershipsLocal + dataUpdateResource}, edges); err != nil {
		return nil, err
	}
	dataRuns, err := rounds(2, job{"terraform_data", func() (measurement, error) {
		if err := data.writeJSON("terraform.tfstate", b.dataUpdateState(edges)); err != nil {
			return measurement{}, err
		}
		return b.measure(ctx, data, noPlugin, exitOK, applyCmd)
	}})
	if err != nil {
		return nil, fmt.Errorf("the baseline's apply: %w", err)
	}
	baseline := dataRuns["terraform_data"]
	for _, v := range []struct{ id, extra, label string }{
		{"9b", "", "provider defaults"},
		{"9c", fmt.Sprintf("  requests_per_second = %d\n", ratePerSecond), fmt.Sprintf("`requests_per_second = %d`", ratePerSecond)},
	} {
		ws, err := b.workspace(v.id + "-revoke")
		if err != nil {
			return nil, err
		}
		if err := writeAll(ws, map[string]string{"main.tf": b.providerBlock(v.extra) + membershipsLocal +
			fmt.Sprintf(expiringMembershipResource, passed)}, edges); err != nil {
			return nil, err
		}
		if err := ws.writeJSON("terraform.tfstate", b.expiringMembershipState(edges, passed)); err != nil {
			return nil, err
		}
		if err := b.sb.load(st); err != nil {
			return nil, err
		}
		faults := b.latencyFaults()
		faults.RateLimitPerSecond = ratePerSecond
		b.sb.SetFaults(faults)
		m, err := b.measure(ctx, ws, atlassianPlugin, exitOK, applyCmd)
		if err != nil {
			return nil, fmt.Errorf("%s: the apply revoking %d expired memberships: %w", v.id, writes, err)
		}
		final := b.sb.State()
		left := 0
		for _, e := range edges {
			if ms, ok := groupMembers(final, e.GroupID); ok && ms[e.AccountID] {
				left++
			}
		}
		b.sb.SetFaults(b.latencyFaults())
		again, err := b.measure(ctx, ws, atlassianPlugin, exitOK, planCmd)
		if err != nil {
			return nil, fmt.Errorf("%s: the plan after the revocation must find no changes: %w", v.id, err)
		}
		answered := m.requests - m.tooMany
		r := &result{id: v.id, m: m, ratioTo: floor, baseline: baseline.wall,
			baselineNote: fmt.Sprintf("`terraform apply` of %d in-place updates of `terraform_data` (no plugin, no requests), "+
				"the same run: %s", writes, runsText(baseline)),
			title: fmt.Sprintf("apply revoking %s `atlassian_group_membership` expiring at once, at %d requests/s, %s",
				thousands(writes), ratePerSecond, v.label),
			ratioNote: fmt.Sprintf("the writes' floor: %d removals / %d per s", writes, ratePerSecond)}
		r.budget = "zero errors; every grant revoked; the next plan empty; report wall and requests against the writes' floor and the baseline"
		r.expect(true, "the apply succeeded (zero errors)")
		r.expect(left == 0, "%d of the %d memberships are still in the sandbox after the apply", left, writes)
		r.expect(true, "the plan after it found no changes (%d requests, %.2f s)", again.requests, again.wall.Seconds())
		r.note("%d requests (%.2f × the %d removals), of which %d answered 429 and retried; %d answered. Wall %.2f s, %.2f × the "+
			"writes' floor of %.2f s. Requests by route: %s.", m.requests, float64(m.requests)/float64(writes), writes, m.tooMany,
			answered, m.wall.Seconds(), m.wall.Seconds()/floor.Seconds(), floor.Seconds(), routes(m))
		r.note("Wall against the baseline (Terraform's own work for as many in-place updates, on the same machine at the "+
			"same time): %.2f ×; the floor it would be held to, max(writes' floor, baseline) = %.2f s: %.2f ×.",
			m.wall.Seconds()/baseline.wall.Seconds(), max(floor, baseline.wall).Seconds(), m.wall.Seconds()/max(floor, baseline.wall).Seconds())
		r.note("Measured: `terraform apply` (refresh, plan with %d expiry warnings, then the revocations), as the scheduled "+
			"apply of examples/ci runs it. Timeline, from the start of the command: %s.", writes, timeline(m))
		out = append(out, r)
	}
	return out, nil
}
