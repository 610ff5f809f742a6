#!/usr/bin/env bash
# Usage: scripts/testlive-sandbox.sh
#
# Proves live mode end to end without a real organization: builds
# cmd/atlassian-sandbox, starts it as a separate process on a free loopback
# port with its control endpoints off (--api-only: /_sandbox/ answers 404,
# as at Atlassian), runs `make testlive` against it with the environment a
# maintainer would set for a real organization, then the sweeper, which
# must find nothing left behind. The sandbox process is stopped however the
# script ends; a failed test fails the script. At the end the sandbox
# reports how many admin API requests it served, and none may have gone to
# a path the admin API lacks (such as a control endpoint).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

work="$(mktemp -d)"
sandbox_pid=""
stop_sandbox() {
	if [[ -n "$sandbox_pid" ]]; then
		kill -TERM "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
		sandbox_pid=""
		# The line the sandbox writes at shutdown: requests served, by route.
		cat "$work/sandbox.err" >&2
	fi
}
trap 'stop_sandbox; rm -rf "$work"' EXIT

go build -o "$work/atlassian-sandbox" ./cmd/atlassian-sandbox

# The sandbox announces itself with one JSON line on stdout; a FIFO lets the
# script wait for exactly that line.
mkfifo "$work/announce"
"$work/atlassian-sandbox" --addr 127.0.0.1:0 --api-only >"$work/announce" 2>"$work/sandbox.err" &
sandbox_pid=$!
exec 3<"$work/announce"
if ! read -r -t 60 line <&3; then
	echo "testlive-sandbox: the sandbox printed no address within 60 s" >&2
	exit 1
fi
field() {
	local re="\"$1\":\"([^\"]*)\""
	[[ "$line" =~ $re ]] || { echo "testlive-sandbox: no $1 in the sandbox's line: $line" >&2; exit 1; }
	printf '%s' "${BASH_REMATCH[1]}"
}
ATLASSIAN_BASE_URL="$(field base_url)"
ATLASSIAN_ORGANIZATION_ID="$(field organization_id)"
ATLASSIAN_API_TOKEN="$(field api_token)"
export ATLASSIAN_BASE_URL ATLASSIAN_ORGANIZATION_ID ATLASSIAN_API_TOKEN
echo "testlive-sandbox: sandbox at $ATLASSIAN_BASE_URL (pid $sandbox_pid), control endpoints off"

probes=0
if curl --version >/dev/null 2>&1; then
	probes=1
	status="$(curl -s -o /dev/null -w '%{http_code}' "$ATLASSIAN_BASE_URL/_sandbox/state")"
	if [[ "$status" != 404 ]]; then
		echo "testlive-sandbox: GET /_sandbox/state answered $status, want 404 (control endpoints off)" >&2
		exit 1
	fi
fi

started=$SECONDS
make testlive
echo "testlive-sandbox: make testlive took $((SECONDS - started)) s"

# The live tests clean up after themselves: the sweeper must find nothing.
make sweep 2>&1 | tee "$work/sweep.log"
if ! grep -q 'sweeper atlassian_group: 0 groups named tfacc-\* deleted' "$work/sweep.log"; then
	echo "testlive-sandbox: the sweeper found groups the live tests left behind" >&2
	exit 1
fi

# Every request to a path the admin API does not have (a control endpoint
# among them) is counted as unmatched: none but the probe above.
stop_sandbox
unmatched=0
if [[ "$(cat "$work/sandbox.err")" =~ \"UNMATCHED\":([0-9]+) ]]; then
	unmatched="${BASH_REMATCH[1]}"
fi
if [[ "$unmatched" != "$probes" ]]; then
	echo "testlive-sandbox: $unmatched requests to paths the admin API does not have, want $probes (the probe)" >&2
	exit 1
fi
