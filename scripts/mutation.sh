#!/usr/bin/env bash
# Mutation testing of src/ with StrykerJS (stryker.config.json, generated from .projenrc.ts).
# Arguments go to `stryker run`, e.g. `--mutate src/private/partitions.ts` for one file.
#
# Every App without an outdir leaves a cdk.out directory in the temp dir, thousands in a run:
# the run gets a temp dir of its own, removed when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mutation.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
export TMPDIR="$scratch"

npx stryker run stryker.config.json "$@"
