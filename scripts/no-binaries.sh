#!/usr/bin/env bash
# Fails when the tree tracks a compiled program or an outsized file: a
# `go build` at the root leaves its binary where `git add -A` picks it up,
# and once committed it stays in every clone's history.
set -euo pipefail
cd "$(dirname "$0")/.."

# The largest file the tree may track (the report's screenshot and the
# small sync fixtures are well under it).
limit=$((1 << 20))
status=0
while IFS= read -r -d '' path; do
	[[ -f "$path" ]] || continue
	magic="$(head -c 4 -- "$path" | od -An -tx1 | tr -d ' \n')"
	case "$magic" in
	7f454c46 | cffaedfe | cefaedfe | 4d5a*)
		echo "tracked compiled program: $path"
		status=1
		;;
	esac
	size="$(stat -c %s -- "$path")"
	if ((size > limit)); then
		echo "tracked file over $((limit >> 10)) KiB: $path ($((size >> 10)) KiB)"
		status=1
	fi
done < <(git ls-files -z)
exit "$status"
