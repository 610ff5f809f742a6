#!/usr/bin/env bash
# Usage: scripts/tofu-cli.sh [VERSION]
#
# Prints the absolute path of an OpenTofu CLI, v1.12.6 unless VERSION says
# otherwise, built from the Go module proxy into .tools/bin once and reused
# (scripts/build-cli.sh). A `tofu` on PATH is not used: the compatibility
# pass states which release it ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 1 ]]; then
	echo "usage: $0 [VERSION]" >&2
	exit 2
fi
exec "$root/scripts/build-cli.sh" tofu "${1:-1.12.6}"
