#!/usr/bin/env bash
# actionlint, the GitHub Actions workflow checker, over the workflows this
# repository ships for users (examples/ci/.github/workflows).
#
#   scripts/actionlint.sh          checks the workflows
#   scripts/actionlint.sh path     prints the absolute path of actionlint
#
# Order: $ACTIONLINT, the copy built earlier into .tools/bin, else build
# $version from the Go module proxy into .tools/bin (reused by later runs).
# It is built apart from this module so that its dependencies stay out of
# go.mod. .tools/ is ignored by git. When shellcheck is on PATH, actionlint
# also checks the workflows' shell scripts with it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
version="v1.7.12"

actionlint_path() {
	if [[ -n "${ACTIONLINT:-}" ]]; then
		if [[ "$ACTIONLINT" != /* || ! -x "$ACTIONLINT" ]]; then
			echo "ACTIONLINT=$ACTIONLINT is not an absolute path to an executable" >&2
			exit 1
		fi
		echo "$ACTIONLINT"
		return
	fi
	if [[ ! -x "$tools/actionlint" ]] || [[ "$("$tools/actionlint" -version 2>/dev/null | head -n 1)" != "$version" ]]; then
		echo "Building actionlint $version into $tools (one time)..." >&2
		mkdir -p "$tools"
		GOBIN="$tools" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
	fi
	echo "$tools/actionlint"
}

case "${1:-}" in
"")
	al="$(actionlint_path)"
	cd "$root"
	shopt -s nullglob
	workflows=(examples/ci/.github/workflows/*.yml examples/ci/.github/workflows/*.yaml)
	if [[ ${#workflows[@]} -eq 0 ]]; then
		echo "no workflows under examples/ci/.github/workflows" >&2
		exit 1
	fi
	"$al" -no-color "${workflows[@]}"
	echo "actionlint $version: ${#workflows[@]} workflows are fine"
	;;
path)
	actionlint_path
	;;
*)
	echo "usage: $0 [path]" >&2
	exit 2
	;;
esac
