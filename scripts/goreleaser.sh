#!/usr/bin/env bash
# GoReleaser for the release pipeline (.goreleaser.yml).
#
#   scripts/goreleaser.sh            prints the absolute path of goreleaser
#   scripts/goreleaser.sh snapshot   builds an unsigned snapshot release of
#                                    linux/amd64 only into dist/
#
# Order: $GORELEASER, the copy built earlier into .tools/bin, else build
# $version from the Go module proxy into .tools/bin (a few minutes on two
# cores; reused by later runs). Later releases need a newer Go than this
# module's toolchain. .tools/ is ignored by git.
#
# The snapshot skips signing: signing needs the release's GPG key, which CI
# does not hold. It builds from a copy of .goreleaser.yml whose `targets:`
# lines are narrowed to linux/amd64, so CI exercises every step of the
# release (builds, image, zips, manifest, checksums) on one platform.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
version="v2.15.1"

goreleaser_path() {
	if [[ -n "${GORELEASER:-}" ]]; then
		if [[ "$GORELEASER" != /* || ! -x "$GORELEASER" ]]; then
			echo "GORELEASER=$GORELEASER is not an absolute path to an executable" >&2
			exit 1
		fi
		echo "$GORELEASER"
		return
	fi
	if [[ ! -x "$tools/goreleaser" ]] || ! "$tools/goreleaser" --version 2>/dev/null | grep -q "${version#v}"; then
		echo "Building goreleaser $version into $tools (one time, a few minutes)..." >&2
		mkdir -p "$tools"
		GOBIN="$tools" GOFLAGS=-mod=mod go install "github.com/goreleaser/goreleaser/v2@$version" >&2
	fi
	echo "$tools/goreleaser"
}

case "${1:-}" in
"")
	goreleaser_path
	;;
snapshot)
	gr="$(goreleaser_path)"
	cd "$root"
	config="$root/.tools/goreleaser-snapshot.yml"
	sed -E 's/^([[:space:]]*targets:).*/\1 [linux_amd64]/' .goreleaser.yml >"$config"
	if [[ "$(grep -c 'targets: \[linux_amd64\]$' "$config")" != "$(grep -c '^[[:space:]]*targets:' .goreleaser.yml)" ]]; then
		echo "could not narrow the targets of .goreleaser.yml" >&2
		exit 1
	fi
	"$gr" release --snapshot --clean --skip=sign --config "$config"
	;;
*)
	echo "usage: $0 [snapshot]" >&2
	exit 2
	;;
esac
