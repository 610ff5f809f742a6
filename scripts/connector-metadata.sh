#!/usr/bin/env bash
# Usage: scripts/connector-metadata.sh
#
# Writes baton_capabilities.json and config_schema.json at the repository's
# root the way ConductorOne's connectors publish theirs: the output of the
# binary's own `capabilities` and `config` commands. make generate runs it;
# make check-generated fails when the committed files differ.
#
# `capabilities` builds the connector from a configuration without calling
# Atlassian, so an obviously fake token and organization id stand in; the
# environment is otherwise empty, so nothing of the caller's reaches it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$root" && go build -o "$work/baton-atlassian" ./cmd/baton-atlassian)
run() {
	(cd "$work" && env -i PATH="$PATH" HOME="$work" \
		BATON_ACCESS_TOKEN=not-a-real-token BATON_ORGANIZATION_ID=00000000-0000-0000-0000-000000000000 \
		./baton-atlassian "$@")
}
run capabilities >"$work/baton_capabilities.json"
run config >"$work/config_schema.json"
mv "$work/baton_capabilities.json" "$work/config_schema.json" "$root/"
