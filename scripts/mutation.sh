#!/usr/bin/env bash
# Mutation testing of src/ and doctor/ with StrykerJS (stryker.config.json, generated from .projenrc.ts).
# Arguments go to `stryker run`, e.g. `--mutate src/private/partitions.ts` for one file, or
# `--mutate 'doctor/**/*.ts'` for the doctor.
#
# Every App without an outdir leaves a cdk.out directory in the temp dir, thousands in a run:
# the run gets a temp dir of its own, removed when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

# Memory-backed when the machine has /dev/shm: the tests write tens of thousands of small files.
parent="${TMPDIR:-/tmp}"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then parent=/dev/shm; fi
scratch=$(mktemp -d "$parent/mutation.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
export TMPDIR="$scratch"

# The names of the tests in each test file, for the sequencer of the mutant runs (test/mutation/sequencer.js).
names="$scratch/test-names.json"
npx jest --config test/mutation/jest.config.json --json --outputFile="$scratch/jest.json" >/dev/null 2>&1 || true
if [ -f "$scratch/jest.json" ]; then
  node -e '
    const fs = require("fs"); const path = require("path");
    const result = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const names = {};
    for (const file of result.testResults) names[path.relative(process.cwd(), file.name)] = file.assertionResults.map((t) => t.fullName);
    fs.writeFileSync(process.argv[2], JSON.stringify(names));
  ' "$scratch/jest.json" "$names"
  export MUTATION_TEST_NAMES="$names"
fi

# projen's shell expands a glob given to the task: `--mutate 'doctor/**/*.ts'` arrives as one argument per
# file, and Stryker takes one comma-separated list after --mutate.
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --mutate ] || [ "$1" = -m ]; then
    shift
    files=()
    while [ $# -gt 0 ] && [[ "$1" != -* ]]; do files+=("$1"); shift; done
    args+=(--mutate "$(IFS=,; echo "${files[*]}")")
  else
    args+=("$1")
    shift
  fi
done

status=0
npx stryker run stryker.config.json ${args[@]+"${args[@]}"} || status=$?

# The incremental file is kept in git: without this machine's paths (Stryker writes the project root
# and stack traces with absolute paths), which incremental mode does not need to match mutants.
incremental=test/mutation/stryker-incremental.json
if [ -f "$incremental" ]; then
  ROOT="$(pwd)/" SCRATCH="$scratch" node -e '
    const fs = require("fs");
    const file = process.argv[1];
    const text = fs.readFileSync(file, "utf8").split(process.env.ROOT).join("").split(process.env.ROOT.slice(0, -1)).join(".")
      .split(process.env.SCRATCH).join("<tmp>");
    fs.writeFileSync(file, text);
  ' "$incremental"
fi
exit "$status"
