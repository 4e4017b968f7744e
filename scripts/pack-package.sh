#!/usr/bin/env bash
# The npm package, packed from the sources as they are, without touching the repository's own
# build output: a scratch copy runs the project's own `compile` (jsii) and `bundle:doctor` tasks
# and `npm pack`. The end-to-end test (test/e2e/) installs this tarball; it runs in `npx projen
# test`, before `npx projen build` has made lib/. API.md is the committed one (docgen and rosetta
# change nothing that runs).
#
# Usage: bash scripts/pack-package.sh DIRECTORY   (prints the path of the tarball written there)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: bash scripts/pack-package.sh DIRECTORY" >&2; exit 2; }
destination=$(cd "$1" && pwd)

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pack-package.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

mkdir "$scratch/package"
cp -R package.json .npmignore README.md LICENSE API.md tsconfig.json .projen src doctor "$scratch/package/"
ln -s "$repo/node_modules" "$scratch/package/node_modules"
cd "$scratch/package"
node_modules/.bin/projen compile >"$scratch/build.log" 2>&1 \
  && node_modules/.bin/projen bundle:doctor >>"$scratch/build.log" 2>&1 \
  || { cat "$scratch/build.log" >&2; echo "pack-package: the build failed" >&2; exit 1; }
npm pack --json --pack-destination "$destination" 2>/dev/null >"$scratch/pack.json"
tarball="$destination/$(node -p "require('$scratch/pack.json')[0].filename")"
[ -f "$tarball" ] || { echo "pack-package: npm pack wrote no tarball" >&2; exit 1; }
echo "$tarball"
