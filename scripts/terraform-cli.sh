#!/usr/bin/env bash
# Prints the absolute path of a Terraform CLI for the acceptance tests.
#
# Order: $TF_ACC_TERRAFORM_PATH, a `terraform` on PATH, the copy built earlier
# into .tools/bin, else build v1.8.5 from the Go module proxy into .tools/bin
# (about three minutes on two cores; reused by later runs). The binary is
# BUSL-licensed: .tools/ is ignored by git and must never be committed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
version="v1.8.5"

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
	if [[ "$TF_ACC_TERRAFORM_PATH" != /* || ! -x "$TF_ACC_TERRAFORM_PATH" ]]; then
		echo "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an absolute path to an executable" >&2
		exit 1
	fi
	echo "$TF_ACC_TERRAFORM_PATH"
	exit 0
fi

if found="$(command -v terraform 2>/dev/null)" && "$found" version >/dev/null 2>&1; then
	readlink -f "$found"
	exit 0
fi

if [[ ! -x "$tools/terraform" ]]; then
	echo "No terraform on PATH: building terraform $version into $tools (one time, a few minutes)..." >&2
	mkdir -p "$tools"
	GOBIN="$tools" GOFLAGS=-mod=mod go install \
		-ldflags "-X github.com/hashicorp/terraform/version.dev=no" \
		"github.com/hashicorp/terraform@$version" >&2
fi
echo "$tools/terraform"
