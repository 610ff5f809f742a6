#!/usr/bin/env bash
# Usage: scripts/chromium.sh
#
# Prints the absolute path of a headless-capable Chromium, for the access
# report's browser test. Order: $CHROMIUM_PATH as given, `chromium` on PATH,
# else Debian's chromium package installed with apt-get (through sudo when
# not root), so that `make test` works on a fresh machine as the README says.
# Progress goes to stderr; stdout is the path alone.
set -euo pipefail

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
	echo "$CHROMIUM_PATH"
	exit 0
fi
if found="$(command -v chromium)"; then
	echo "$found"
	exit 0
fi
if ! command -v apt-get >/dev/null; then
	echo "chromium: not on PATH and no apt-get to install it; install Chromium and set CHROMIUM_PATH" >&2
	exit 1
fi
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
	sudo=(sudo)
fi
echo "chromium: installing Debian's chromium package (apt-get) for the report's browser test" >&2
"${sudo[@]}" apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >&2
command -v chromium
