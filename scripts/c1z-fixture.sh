#!/usr/bin/env bash
# Usage: scripts/c1z-fixture.sh OUTDIR
#
# Writes the SQLite sync fixture the report and batonsync tests read, made by
# the SDK rather than by hand: a small organization served by
# atlassian-sandbox (fixed seed) is synced by baton-atlassian with
# --storage-engine sqlite into OUTDIR/sqlite-sync.c1z, and its report is
# written beside it as OUTDIR/sqlite-sync.report.csv, the rows the tests
# expect of that file.
#
# The committed fixture (internal/report/testdata) was written by the code
# of its day, on baton-sdk v0.16.0, whose default engine was SQLite: it is
# the file an existing user's sync_path holds. Rerun this script only when
# the fixture must change; the file it writes then comes from the SDK of
# go.mod, still SQLite.
set -euo pipefail
if [[ $# -ne 1 ]]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(cd "$1" && pwd)"
work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
	[[ -n "$sandbox_pid" ]] && kill "$sandbox_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && go build -o "$work/atlassian-sandbox" ./cmd/atlassian-sandbox && go build -o "$work/baton-atlassian" ./cmd/baton-atlassian)

"$work/atlassian-sandbox" -users 12 -groups 4 -workspaces 2 -seed 7 >"$work/sandbox.json" &
sandbox_pid=$!
# The sandbox prints one line of JSON once it listens.
for _ in $(seq 100); do
	[[ -s "$work/sandbox.json" ]] && break
	kill -0 "$sandbox_pid" || { echo "atlassian-sandbox exited" >&2; exit 1; }
	sleep 0.1
done
field() { sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p" "$work/sandbox.json"; }

rm -f "$out/sqlite-sync.c1z"
env -i PATH="$PATH" HOME="$HOME" "$work/baton-atlassian" \
	--base-url "$(field base_url)" --organization-id "$(field organization_id)" --access-token "$(field api_token)" \
	--storage-engine sqlite -f "$out/sqlite-sync.c1z" >"$work/sync.log" 2>&1 || { cat "$work/sync.log" >&2; exit 1; }
"$work/baton-atlassian" report -f "$out/sqlite-sync.c1z" --format csv --output "$out/sqlite-sync.report.csv"
# The report is written readable by its owner only; a fixture is not secret.
chmod 0644 "$out/sqlite-sync.c1z" "$out/sqlite-sync.report.csv"
echo "wrote $out/sqlite-sync.c1z ($(stat -c %s "$out/sqlite-sync.c1z") bytes) and $out/sqlite-sync.report.csv ($(($(wc -l <"$out/sqlite-sync.report.csv") - 1)) rows)"
