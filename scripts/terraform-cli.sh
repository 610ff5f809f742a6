#!/usr/bin/env bash
# Usage: scripts/terraform-cli.sh [VERSION]
#
# Prints the absolute path of a Terraform CLI.
#
# Without VERSION: the CLI of the acceptance tests. Order:
# $TF_ACC_TERRAFORM_PATH as given (an override: its version is not checked),
# a `terraform` on PATH of at least $minimum, else v$default (what CI runs
# the tests on) built from the Go module proxy into .tools/bin and reused
# (scripts/build-cli.sh). An older `terraform` on PATH is passed over, not
# used.
#
# $minimum is what the tests need, not what CI runs: list resources and
# `terraform query` came in 1.14 (resource identity in 1.12), and nothing
# the tests use came later (the tests ran on 1.14.3 until CI moved to
# 1.16.0). A 1.14 or 1.15 on PATH is taken as it is rather than spending
# minutes on a build of $default; the compatibility pass runs the
# quickstart and `terraform query` under 1.14.3.
#
# With VERSION (such as 1.8.5 or 1.14.3, which .ci/run's compatibility pass
# runs): exactly that release, built into .tools/bin once.
set -euo pipefail
# `terraform version` asks HashiCorp for news of a newer release otherwise.
export CHECKPOINT_DISABLE=1
# Nor should a user's CLI configuration, or a missing one, add warnings.
export TF_CLI_CONFIG_FILE=/dev/null

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minimum="1.14.0"
default="1.16.0"

if [[ $# -gt 1 ]]; then
	echo "usage: $0 [VERSION]" >&2
	exit 2
fi
if [[ $# -eq 1 ]]; then
	exec "$root/scripts/build-cli.sh" terraform "$1"
fi

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
	if [[ "$TF_ACC_TERRAFORM_PATH" != /* || ! -x "$TF_ACC_TERRAFORM_PATH" ]]; then
		echo "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an absolute path to an executable" >&2
		exit 1
	fi
	echo "$TF_ACC_TERRAFORM_PATH"
	exit 0
fi

if found="$(command -v terraform 2>/dev/null)"; then
	# "Terraform v1.11.4" (a pre-release such as v1.14.0-rc1 counts as
	# older than its release, which is what sort -V says too).
	have="$("$found" version 2>/dev/null | sed -nE '1s/^Terraform v([0-9][^ ]*).*/\1/p')"
	if [[ -n "$have" && "$(printf '%s\n' "$minimum" "$have" | sort -V | head -n1)" == "$minimum" ]]; then
		readlink -f "$found"
		exit 0
	fi
	echo "Passing over $found (Terraform ${have:-of unknown version}): the tests need $minimum or later." >&2
fi

exec "$root/scripts/build-cli.sh" terraform "$default"
