#!/usr/bin/env bash
# The Python package: generate it from the jsii assembly with the README and docstring examples
# translated to Python (the rosetta tablet), build the wheel offline, and check its metadata and
# README.
#
# Run after `npx projen build` (it needs .jsii and .jsii.tabl.json). Needs python3 with the
# `build`, `setuptools` and `wheel` modules; on Debian or Ubuntu:
#   apt-get install python3-build python3-setuptools python3-wheel python3-venv
# Usage: bash scripts/check-python-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

say() { printf -- '--> %s\n' "$*"; }
fail() { printf 'check-python-package: %s\n' "$*" >&2; exit 1; }

# The first python3 that can build a wheel without downloading anything: $PYTHON if set, then
# the system's (Debian's packages install there), then the one on PATH.
find_python() {
  local candidate
  for candidate in ${PYTHON:-} /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import build, setuptools, wheel' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  fail "no python3 with the build, setuptools and wheel modules (apt-get install python3-build python3-setuptools python3-wheel python3-venv)"
}

for file in .jsii .jsii.tabl.json; do
  [ -f "$file" ] || fail "$file is missing: run npx projen build first"
done
python=$(find_python)

work=$(mktemp -d "${TMPDIR:-/tmp}/check-python-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --code-only: the full target pip-installs pinned build tools. The tablet holds the examples
# translated by the build's rosetta step; an example missing from it fails here instead of being
# shown in TypeScript.
say "jsii-pacmak --code-only --targets python (examples from .jsii.tabl.json)"
npx jsii-pacmak --code-only --targets python --outdir "$work/dist" --no-npmignore \
  --rosetta-tablet .jsii.tabl.json --rosetta-unknown-snippets fail >"$work/pacmak.log" 2>&1 \
  || { cat "$work/pacmak.log" >&2; fail "jsii-pacmak failed"; }

say "python3 -m build --wheel --no-isolation --skip-dependency-check ($python)"
(cd "$work/dist/python" && "$python" -m build --wheel --no-isolation --skip-dependency-check --outdir "$work/wheel" . >"$work/build.log" 2>&1) \
  || { cat "$work/build.log" >&2; fail "the wheel did not build"; }

say "wheel metadata and README"
"$python" - "$work/wheel" "$(node -p "JSON.stringify(require('./package.json'))")" <<'EOF'
import glob, json, re, sys, zipfile
from email.parser import Parser

wheel_dir, package = sys.argv[1], json.loads(sys.argv[2])
wheels = glob.glob(f"{wheel_dir}/*.whl")
if len(wheels) != 1:
    sys.exit(f"expected one wheel, found {wheels}")
wheel = zipfile.ZipFile(wheels[0])
names = wheel.namelist()
metadata = Parser().parsestr(wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
problems = []

def expect(condition, message):
    if not condition:
        problems.append(message)

def lowest(range_):
    return re.sub(r"^[\^~>=]+", "", range_)

expect(metadata["Name"] == "cdk-cross-account-task-roles", f"Name is {metadata['Name']}")
expect(metadata["Version"] == package["version"], f"Version is {metadata['Version']}, package.json has {package['version']}")
expect("Development Status :: 4 - Beta" in metadata.get_all("Classifier"), "not marked experimental (Development Status :: 4 - Beta)")
requires = metadata.get_all("Requires-Dist") or []
for dependency in ("aws-cdk-lib", "constructs"):
    floor = lowest(package["peerDependencies"][dependency])
    expect(any(r.startswith(dependency + " ") and f">={floor}" in r for r in requires),
           f"Requires-Dist lacks {dependency} >={floor}: {requires}")
expect(any(r.startswith("jsii ") for r in requires), f"Requires-Dist lacks jsii: {requires}")
expect("cdk_cross_account_task_roles/__init__.py" in names, "the module cdk_cross_account_task_roles is missing")
expect(any(n.endswith(".jsii.tgz") for n in names), "the jsii assembly is missing")

readme = metadata.get_payload()
blocks = re.findall(r"^```(\w*)[^\n]*\n(.*?)^```", readme, re.M | re.S)
languages = {language for language, _ in blocks}
expect("python" in languages, "the README has no python code block")
# TypeScript examples are translated; the application snippets for the container (js, java) stay as they are.
expect(not languages & {"ts", "typescript"}, "the README has untranslated TypeScript code blocks")
python_code = "\n".join(code for language, code in blocks if language == "python")
expect("from cdk_cross_account_task_roles import" in python_code, "the README's Python never imports cdk_cross_account_task_roles")
expect(re.search(r"\bCrossAccountTaskRole\(", python_code), "the README's Python never calls CrossAccountTaskRole(")
typescript = [line for line in python_code.splitlines() if re.search(r"\bnew [A-Z]|\bconst |\bdeclare const |;\s*$", line)]
expect(not typescript, "the README's Python blocks hold TypeScript:\n  " + "\n  ".join(typescript[:5]))

if problems:
    sys.exit("The Python package is not right:\n- " + "\n- ".join(problems))
print(f"    {wheels[0].rsplit('/', 1)[1]}: {metadata['Name']} {metadata['Version']}, requires {', '.join(requires)}; "
      f"README has {sum(1 for l, _ in blocks if l == 'python')} Python examples")
EOF
