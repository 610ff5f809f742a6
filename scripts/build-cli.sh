#!/usr/bin/env bash
# Usage: scripts/build-cli.sh terraform|tofu VERSION
#
# Prints the absolute path of .tools/bin/<terraform|tofu>-VERSION, building it
# from the Go module proxy first when it is not there yet. Later calls reuse
# it. Both CLIs are built from source because these machines reach the
# package registries only, never releases.hashicorp.com or GitHub releases.
#
# The binary appears only once the build succeeded: it is built under a
# temporary name and renamed, so an interrupted or failed build leaves
# nothing that a later call would mistake for a CLI. Builds of the same CLI
# take a lock, so parallel callers wait for one build instead of each
# running their own. Terraform is BUSL-licensed: .tools/ is ignored by git
# and must never be committed.
set -euo pipefail
# `terraform version` asks HashiCorp for news of a newer release otherwise.
export CHECKPOINT_DISABLE=1
# Nor should a user's CLI configuration, or a missing one, add warnings.
export TF_CLI_CONFIG_FILE=/dev/null

if [[ $# -ne 2 || ( "$1" != terraform && "$1" != tofu ) ]]; then
	echo "usage: $0 terraform|tofu VERSION" >&2
	exit 2
fi
cli="$1"
version="${2#v}"
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "$0: $2 is not a release version such as 1.14.3" >&2
	exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
out="$tools/$cli-$version"

# The binary must run and name the version asked for; anything else is a
# leftover to rebuild.
usable() {
	[[ -x "$out" ]] && "$out" version 2>/dev/null | head -n1 | grep -qF "v$version"
}

if usable; then
	echo "$out"
	exit 0
fi

mkdir -p "$tools"
exec 9>"$tools/.$cli-$version.lock"
flock 9
# Another caller may have finished the build while this one waited.
if usable; then
	echo "$out"
	exit 0
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/build-$cli-$version.XXXXXX")"
# Built next to its final name, so that the last step is a rename on one
# file system.
partial="$tools/.$cli-$version.partial.$$"
cleanup() {
	# The module cache copies files read-only.
	chmod -R u+w "$scratch" 2>/dev/null || true
	rm -rf "$scratch" "$partial"
}
trap cleanup EXIT
# An interrupted build exits through the EXIT trap too.
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "$0: building $cli v$version failed: $*" >&2
	exit 1
}

# source MODULE: copies the module's own source, as the proxy serves it,
# into $scratch/src (writable, so that it can be patched and go.sum
# updated) and leaves the shell there.
source_of() {
	local module="$1" json dir
	# On failure the reason is in the JSON's "Error", not on stderr.
	json="$(GOFLAGS=-mod=mod go mod download -json "$module@v$version")" ||
		fail "go mod download $module@v$version: $(sed -nE 's/^\s*"Error": "(.*)",?$/\1/p' <<<"$json")"
	dir="$(sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p' <<<"$json")"
	[[ -n "$dir" && -d "$dir" ]] || fail "go mod download $module@v$version gave no source directory"
	cp -R "$dir" "$scratch/src"
	chmod -R u+w "$scratch/src"
	cd "$scratch/src"
}

started=$SECONDS
echo "Building $cli v$version from the Go module proxy into $tools (one time, a few minutes)..." >&2
case "$cli" in
terraform)
	ldflags="-X github.com/hashicorp/terraform/version.dev=no"
	if [[ "$(printf '%s\n' "$version" 1.9.0 | sort -V | head -n1)" != 1.9.0 ]]; then
		# Before 1.9 the module has no replace directives: go install works.
		GOBIN="$scratch/bin" GOFLAGS=-mod=mod go install -ldflags "$ldflags" \
			"github.com/hashicorp/terraform@v$version" >&2 || fail "go install"
		mv "$scratch/bin/terraform" "$partial"
	else
		# From 1.9 on, go.mod replaces nine remote-state backends and
		# internal/legacy with nested modules that a module zip leaves out,
		# and go install refuses replace directives. Cutting those backends
		# out of the backend registry makes the rest build; the local,
		# http, inmem, remote and cloud backends stay, which is all the
		# tests and the compatibility pass use.
		source_of github.com/hashicorp/terraform
		backends='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
		init=internal/backend/init/init.go
		sed -E -i \
			-e "\#\"github.com/hashicorp/terraform/internal/backend/remote-state/($backends)\"#d" \
			-e '/^\s*"(azurerm|consul|cos|gcs|kubernetes|oci|oss|pg|s3)":\s*func\(\)/d' \
			"$init"
		sed -E -i "\#github.com/hashicorp/terraform/internal/(backend/remote-state/($backends)|legacy)( |$)#d" go.mod
		# A release that moved these files or renamed an entry would build
		# with a backend half removed, or not at all: say which.
		if grep -nE "remote-state/($backends)\"|\"(azurerm|consul|cos|gcs|kubernetes|oci|oss|pg|s3)\":" "$init" >&2 ||
			grep -nE "internal/(backend/remote-state|legacy)" go.mod >&2; then
			fail "the patch of $init and go.mod left the lines above"
		fi
		GOFLAGS="-mod=mod -buildvcs=false" go build -ldflags "$ldflags" -o "$partial" . >&2 ||
			fail "go build"
	fi
	;;
tofu)
	# go install refuses OpenTofu too (its go.mod replaces hashicorp/hcl/v2
	# with OpenTofu's fork), but its own source builds unpatched.
	source_of github.com/opentofu/opentofu
	GOFLAGS="-mod=mod -buildvcs=false" go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
		-o "$partial" ./cmd/tofu >&2 || fail "go build"
	;;
esac

reported="$("$partial" version 2>&1)" || fail "$partial version: $reported"
head -n1 <<<"$reported" | grep -qF "v$version" || fail "the built binary reports $(head -n1 <<<"$reported"), not v$version"
mv -f "$partial" "$out"
echo "Built $("$out" version | head -n1) in $((SECONDS - started))s: $out" >&2
echo "$out"
