#!/usr/bin/env bash
# golangci-lint for `make lint` (configuration: .golangci.yml).
#
#   scripts/golangci-lint.sh    prints the absolute path of
#                               .tools/bin/golangci-lint-$version
#
# Order: $GOLANGCI_LINT, the copy built earlier into .tools/bin, else build
# $version from the Go module proxy into .tools/bin (about three minutes on
# two cores; reused by later runs). It is built apart from this module so
# that its dependencies stay out of go.mod. .tools/ is ignored by git.
#
# The binary appears only once the build succeeded: it is built into a
# temporary directory beside its final name and renamed, so an interrupted
# build leaves nothing a later call would mistake for the linter. Callers
# take a lock, so parallel callers wait for one build instead of each
# running their own.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
version="2.15.0"
out="$tools/golangci-lint-$version"

if [[ -n "${GOLANGCI_LINT:-}" ]]; then
	if [[ "$GOLANGCI_LINT" != /* || ! -x "$GOLANGCI_LINT" ]]; then
		echo "GOLANGCI_LINT=$GOLANGCI_LINT is not an absolute path to an executable" >&2
		exit 1
	fi
	echo "$GOLANGCI_LINT"
	exit 0
fi

# The binary must run and name the version asked for; anything else is a
# leftover to rebuild.
usable() {
	[[ -x "$out" ]] && [[ "$("$out" version --short 2>/dev/null)" == "$version" ]]
}

if usable; then
	echo "$out"
	exit 0
fi

mkdir -p "$tools"
exec 9>"$tools/.golangci-lint-$version.lock"
flock 9
# Another caller may have finished the build while this one waited.
if usable; then
	echo "$out"
	exit 0
fi

# go install names the binary golangci-lint: it goes into a directory of its
# own on the same file system, so that the last step is a rename.
partial="$tools/.golangci-lint-$version.partial.$$"
trap 'rm -rf "$partial"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Building golangci-lint v$version into $tools (one time, a few minutes)..." >&2
mkdir -p "$partial"
GOBIN="$partial" GOFLAGS=-mod=mod go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$version" >&2
mv -f "$partial/golangci-lint" "$out"
if ! usable; then
	echo "$0: the golangci-lint built into $out does not report version $version" >&2
	exit 1
fi
echo "$out"
