#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a bounded number of inputs
# each (FUZZTIME, default 100000x). Corpora live in each package's
# testdata/fuzz and run as plain tests in `make test` too; this adds fresh
# random inputs. A count, not a duration: with a duration, Go's fuzzing
# coordinator can fail a target with "context deadline exceeded" as the
# time runs out on a loaded machine (golang/go#75804), with no failing input.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime="${FUZZTIME:-100000x}"
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
	done
done
