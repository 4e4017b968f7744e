#!/usr/bin/env bash
# The package users install: pack the built library, check that nothing of the repository ships in
# it, install the tarball into a fresh CDK app (plain JavaScript, as `cdk init` would give) with the
# newest aws-cdk-lib 2.x (with JSII_DEPRECATED=fail: no deprecated API is called) and with the lowest
# one the package accepts, and synthesize the walkthrough there with the aws-cdk CLI, offline.
#
# Run after `npx projen build` (it packs lib/ and .jsii as they are). Needs the npm registry.
# Usage: bash scripts/check-npm-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

export CDK_DISABLE_CLI_TELEMETRY=true
export CDK_DISABLE_VERSION_CHECK=true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# No credentials or profile of the machine may reach the synth: it must work without an account.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

work=$(mktemp -d "${TMPDIR:-/tmp}/check-npm-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

say() { printf -- '--> %s\n' "$*"; }
fail() { printf 'check-npm-package: %s\n' "$*" >&2; exit 1; }

# The lowest version a peer dependency range such as "^2.257.0" admits.
lowest_peer() {
  node -p "require('./package.json').peerDependencies['$1'].replace(/^[\\^~>=]+/, '')"
}

# npm pack the library into $work; sets $tarball. The JSON listing is kept for check_tarball_contents.
pack_library() {
  say "npm pack"
  npm pack --json --pack-destination "$work" >"$work/pack.json" 2>/dev/null
  tarball="$work/$(node -p "require('$work/pack.json')[0].filename")"
  [ -f "$tarball" ] || fail "npm pack wrote no tarball"
}

# What ships is lib/ (JavaScript and declarations, without source maps), the jsii assembly and its
# tablet, and the documents users read; nothing of the repository's own tooling, tests or sources.
check_tarball_contents() {
  say "tarball contents"
  node - "$work/pack.json" <<'EOF'
const files = require(process.argv[2])[0].files.map(f => f.path);
const forbidden = [
  [/^\.ci\//, 'CI scripts'],
  [/^test\//, 'tests'],
  [/^scripts\//, 'maintainer scripts'],
  [/^tools\//, 'offline IAM tools of the tests and the demo (AGPL simulator)'],
  [/^doctor\//, 'sources of the doctor (its bundle, lib/doctor/cli.js, ships)'],
  [/^examples\//, 'example apps'],
  [/^src\//, 'TypeScript sources'],
  [/^(\.projenrc\.ts|projenrc\/|\.projen\/)/, 'project configuration'],
  [/^(\.github|rosetta|coverage|test-reports)\//, 'repository tooling'],
  [/^(tsconfig.*\.json|\.eslintrc\.json|\.gitattributes|\.gitignore|\.npmignore|CONTRIBUTING\.md)$/, 'repository files'],
  [/(?<!\.d)\.ts$/, 'TypeScript sources'],
];
const shipped = files.flatMap(file => forbidden.filter(([pattern]) => pattern.test(file)).map(([, what]) => `${file} (${what})`));
if (shipped.length > 0) {
  console.error(`The tarball ships files of the repository:\n  ${shipped.join('\n  ')}\nAdd them to npmIgnoreOptions in .projenrc.ts.`);
  process.exit(1);
}
for (const required of ['package.json', 'README.md', 'LICENSE', '.jsii', 'lib/index.js', 'lib/index.d.ts', 'lib/doctor/cli.js']) {
  if (!files.includes(required)) {
    console.error(`The tarball lacks ${required}`);
    process.exit(1);
  }
}
console.log(`    ${files.length} files, none of the repository's own`);
EOF
  # The sources do not ship, so neither do source maps that point at them: a stack trace through the
  # package names lib/*.js, which users have.
  mkdir -p "$work/unpacked"
  tar -xzf "$tarball" -C "$work/unpacked"
  local mapped
  mapped=$(grep -rlE '^//# sourceMappingURL=' "$work/unpacked/package/lib" --include='*.js' || true)
  [ -z "$mapped" ] || fail "lib/ ships source maps of sources it does not ship: $(echo "$mapped" | sed "s|$work/unpacked/package/||" | head -3 | tr '\n' ' ')"
  echo "    no source maps in lib/"
}

# A fresh CDK app in JavaScript: the walkthrough, one stack per account, with the profile
# variables given to a container.
create_app() {
  local app=$1
  mkdir -p "$app"
  cat >"$app/package.json" <<'EOF'
{ "name": "walkthrough-app", "version": "1.0.0", "private": true }
EOF
  cat >"$app/cdk.json" <<'EOF'
{ "app": "node app.js" }
EOF
  cat >"$app/app.js" <<'EOF'
const { App, Stack } = require('aws-cdk-lib');
const ecs = require('aws-cdk-lib/aws-ecs');
const iam = require('aws-cdk-lib/aws-iam');
const { AwsConfigProfile, CrossAccountTaskRole, RoleReference, TrustedDestinationRole } = require('cdk-cross-account-task-roles');

const app = new App();
const sourceStack = new Stack(app, 'SourceStack', { env: { account: '111122223333', region: 'us-east-1' } });
const destinationStack = new Stack(app, 'DestinationStack', { env: { account: '555566667777', region: 'us-east-1' } });

const destination = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });
const taskRole = new CrossAccountTaskRole(sourceStack, 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: [destination] });
const task = new ecs.FargateTaskDefinition(sourceStack, 'Task', { family: 'verify-assume-cross-account-role', taskRole });
const container = task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/aws-cli/aws-cli:latest') });
AwsConfigProfile.addToContainer(container, destination, { externalId: 'reports-pipeline' });

const destinationRole = new TrustedDestinationRole(destinationStack, 'DestinationRole', {
  roleName: 'destination-account-role',
  trustedRoles: [taskRole.reference],
  externalId: 'reports-pipeline',
});
destinationRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:ListClusters'], resources: ['*'] }));
EOF
}

# Install the tarball with the given aws-cdk-lib and constructs, and the newest aws-cdk CLI 2.x.
install_app() {
  local app=$1 cdk_lib=$2 constructs=$3
  say "npm install aws-cdk-lib@$cdk_lib constructs@$constructs aws-cdk@^2 and the tarball"
  (cd "$app" && npm install --no-audit --no-fund --prefer-offline --loglevel=error \
    "aws-cdk-lib@$cdk_lib" "constructs@$constructs" 'aws-cdk@^2' "$tarball" >/dev/null)
  (cd "$app" && node -p "'    aws-cdk-lib ' + require('aws-cdk-lib/package.json').version + ', constructs ' + require('constructs/package.json').version + ', aws-cdk ' + require('aws-cdk/package.json').version")
}

# With a JSII_DEPRECATED mode, as strict CI setups run: "fail" makes any call of a deprecated
# aws-cdk-lib API, by the library or by aws-cdk-lib itself, fail the synth.
synth_app() {
  local app=$1 deprecated=${2:-warn}
  say "JSII_DEPRECATED=$deprecated npx cdk synth --no-notices"
  (cd "$app" && JSII_DEPRECATED=$deprecated npx cdk synth --no-notices --quiet >"$app/synth.log" 2>&1) \
    || { cat "$app/synth.log" >&2; fail "cdk synth failed in $app"; }
  # jsii's warning for a deprecated API: "[WARNING] aws-cdk-lib.Stack#addDependency is deprecated ..."
  if grep -qE '^\[WARNING\] [^ ]+ is deprecated' "$app/synth.log"; then
    cat "$app/synth.log" >&2
    fail "cdk synth in $app called a deprecated API"
  fi
}

# The templates hold the two halves of the walkthrough's chain.
check_templates() {
  local app=$1
  say "templates hold the walkthrough's roles"
  node - "$app/cdk.out" <<'EOF'
const { readFileSync } = require('fs');
const out = process.argv[2];
const template = stack => JSON.parse(readFileSync(`${out}/${stack}.template.json`, 'utf8'));
// Templates as text, with Fn::Join and the partition resolved as in the commercial partition.
function resolve(value) {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object') {
    if (value.Ref === 'AWS::Partition') return 'aws';
    if (value['Fn::Join']) return value['Fn::Join'][1].map(resolve).join(value['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
  }
  return value;
}
const text = value => JSON.stringify(resolve(value));
function role(stack, name) {
  const resources = template(stack).Resources;
  const found = Object.entries(resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === name);
  if (!found) throw new Error(`${stack} has no role named ${name}`);
  return { id: found[0], resources, properties: found[1].Properties };
}
function expectIncludes(what, haystack, needle) {
  if (!haystack.includes(needle)) throw new Error(`${what} does not hold ${needle}:\n${haystack}`);
}
const source = role('SourceStack', 'my-ECS-task-role');
const sourceTrust = text(source.properties.AssumeRolePolicyDocument);
expectIncludes('the task role trust', sourceTrust, 'ecs-tasks.amazonaws.com');
expectIncludes('the task role trust', sourceTrust, 'aws:SourceAccount');
const identity = text([source.properties.Policies, ...Object.values(source.resources).filter(r => r.Type === 'AWS::IAM::Policy')]);
expectIncludes('the task role policy', identity, 'sts:AssumeRole');
expectIncludes('the task role policy', identity, 'arn:aws:iam::555566667777:role/destination-account-role');
const task = Object.values(source.resources).find(r => r.Type === 'AWS::ECS::TaskDefinition');
expectIncludes('the task definition', text(task), 'CROSS_ACCOUNT_ROLE_ARN');
const destination = role('DestinationStack', 'destination-account-role');
const destinationTrust = text(destination.properties.AssumeRolePolicyDocument);
expectIncludes('the destination role trust', destinationTrust, 'arn:aws:iam::111122223333:role/my-ECS-task-role');
expectIncludes('the destination role trust', destinationTrust, 'sts:ExternalId');
console.log('    SourceStack: my-ECS-task-role may assume destination-account-role; DestinationStack: destination-account-role trusts my-ECS-task-role');
EOF
}

# The doctor command the package ships: its help, a usage error (exit 2), and no AWS SDK package
# installed for it (it is one bundled file), nor loaded by importing the constructs.
check_doctor() {
  local app=$1 status=0
  say "npx cdk-cross-account-task-roles doctor"
  (cd "$app" && npx --no-install cdk-cross-account-task-roles doctor --help >"$app/doctor-help.txt" 2>&1) \
    || { cat "$app/doctor-help.txt" >&2; fail "doctor --help failed"; }
  grep -q -- '--source-role' "$app/doctor-help.txt" || fail "doctor --help does not describe --source-role"
  (cd "$app" && npx --no-install cdk-cross-account-task-roles doctor >/dev/null 2>&1) || status=$?
  [ "$status" -eq 2 ] || fail "doctor without a chain exited $status, not 2 (usage error)"
  [ ! -d "$app/node_modules/@aws-sdk" ] || fail "installing the package brought @aws-sdk packages: $(ls "$app/node_modules/@aws-sdk" | head -3)"
  (cd "$app" && node -e "
    require('cdk-cross-account-task-roles');
    const loaded = Object.keys(require.cache).filter(f => /[\\/](doctor|@aws-sdk)[\\/]/.test(f));
    if (loaded.length > 0) { console.error('importing the constructs loaded ' + loaded.join(', ')); process.exit(1); }
  ") || fail "importing the constructs loads the doctor or the AWS SDK"
  echo "    doctor --help answers, a usage error exits 2, no AWS SDK installed or loaded with the constructs"
}

# One fresh app, installed, synthesized and checked with the given aws-cdk-lib and constructs.
# Each check is a function of the app's directory: a check of a command the package ships
# (run with npx in "$app") is one more line here.
check_app_with() {
  local name=$1 cdk_lib=$2 constructs=$3 deprecated=${4:-warn}
  local app="$work/$name"
  printf '\n== a fresh CDK app with aws-cdk-lib %s\n' "$cdk_lib"
  create_app "$app"
  install_app "$app" "$cdk_lib" "$constructs"
  synth_app "$app" "$deprecated"
  check_templates "$app"
  check_doctor "$app"
}

started=$SECONDS
pack_library
check_tarball_contents
# The newest aws-cdk-lib deprecates APIs the lowest one has no replacement for: the library must call
# none of them there (a deprecated call prints a warning on every synth of the users' apps).
check_app_with newest '^2' '^10' fail
check_app_with lowest "$(lowest_peer aws-cdk-lib)" "$(lowest_peer constructs)"
printf '\nThe packed library installs and synthesizes with the newest and the lowest aws-cdk-lib (%ss).\n' "$((SECONDS - started))"
