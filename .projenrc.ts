import { awscdk, javascript, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

const quietJsii = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
const offlineCdk = { CDK_DISABLE_CLI_TELEMETRY: 'true', TS_NODE_PROJECT: 'tsconfig.dev.json' };
// The doctor's tests and the demo run the AWS SDK on Node 20: silence its notice about Node versions.
const quietSdk = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-cross-account-task-roles',
  packageName: 'cdk-cross-account-task-roles',
  description:
    'AWS CDK constructs for an ECS task (or any AWS principal) that assumes an IAM role in another account: ' +
    'least-privilege, confused-deputy guarded, checked at synth.',
  keywords: ['aws-cdk', 'cdk', 'ecs', 'iam', 'cross-account', 'sts', 'assume-role', 'security'],
  author: 'cdk-cross-account-task-roles contributors',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-cross-account-task-roles/cdk-cross-account-task-roles.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0',
  typescriptVersion: '~6.0',
  minNodeVersion: '20.16.0',
  // The package ships lib/, not src/: no source maps, so that stack traces point at lib/*.js, which users have.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['.projenrc.ts', 'projenrc/**/*.ts', 'src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts', 'doctor/**/*.ts',
      'tools/**/*.ts'],
    // Also what keeps jest (ts-jest) from type-checking: type errors must not count as killed mutants.
    compilerOptions: { isolatedModules: true },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'projenrc', '.projenrc.ts', 'doctor', 'tools'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  experimentalIntegRunner: true,
  devDeps: [
    'aws-cdk@^2',
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'cdk-nag@^2',
    'fast-check@^4',
    '@cloud-copilot/iam-simulate@0.1.173',
    '@smithy/shared-ini-file-loader@^4',
    '@aws-sdk/credential-providers@^3',
    '@aws-sdk/client-sts@^3',
    // The doctor command's AWS SDK clients: esbuild bundles them into lib/doctor/cli.js, so none is a runtime dependency.
    '@aws-sdk/client-iam@^3',
    'esbuild@^0.28',
    // Mutation testing (`npx projen mutation`). StrykerJS 10 needs Node 22.
    '@stryker-mutator/core@^9',
    '@stryker-mutator/jest-runner@^9',
    // The mutation runs' test sequencer and environment (test/mutation/) extend jest's own.
    '@jest/test-sequencer@^30',
    'jest-environment-node@^30',
  ],
  bin: { 'cdk-cross-account-task-roles': 'lib/doctor/cli.js' },

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coverageThreshold: {
        lines: 90, branches: 90, functions: 90, statements: 90,
      },
      collectCoverageFrom: ['src/**/*.ts'],
      snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.ts'],
    },
  },

  gitignore: ['cdk.out', '*.cdk.out', '.cdk.staging', 'examples/cdk.context.json', '.jsii.tabl.json', 'test-reports/',
    '/reports/', '.stryker-tmp/'],
  npmignoreEnabled: true,
  npmIgnoreOptions: { ignorePatterns: ['.ci/', 'examples/', 'scripts/', 'rosetta/', 'SECURITY.md', 'CONTRIBUTING.md', '/doctor/', '/tools/', '/stryker.config.json', '/reports/', '.stryker-tmp/'] },
  docgen: true,

  // Experimental while the version is 0.x: the API may still change between minor versions.
  stability: 'experimental',

  // One TypeScript library, five languages. The release workflow publishes each package; the
  // Python package is also built by .ci/run (scripts/check-packages.sh), Java, .NET and Go are not
  // (their toolchains need downloads).
  publishToPypi: {
    distName: 'cdk-cross-account-task-roles',
    module: 'cdk_cross_account_task_roles',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkcrossaccounttaskroles',
    mavenGroupId: 'io.github.cdkcrossaccounttaskroles',
    mavenArtifactId: 'cdk-cross-account-task-roles',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkCrossAccountTaskRoles',
    packageId: 'CdkCrossAccountTaskRoles',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-cross-account-task-roles/cdk-cross-account-task-roles',
    packageName: 'cdkcrossaccounttaskroles',
  },
});

// integ-runner's snapshots are committed whole; its scratch output is not.
project.gitignore.exclude('/test/**/cdk-integ.out.*/');
project.gitignore.include('/test/**/*.snapshot/**/cdk.out');

// The registry reachable from CI serves only the Linux parts of unrs-resolver 1.12.2.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

for (const [name, value] of Object.entries(quietJsii)) {
  project.tasks.addEnvironment(name, value);
}

// Every example in README.md and in docstrings must compile (strict rosetta).
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile the examples of README.md and the docstrings',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);

// ts-jest compiles each file alone (isolatedModules) and esbuild bundles the doctor without checking it: without
// this step nothing checks the types of doctor/, test/, scripts/, tools/, examples/ or projenrc/. First in `test`,
// the README's test command, so that a type error fails it before the tests run.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check every TypeScript file: src, test, doctor, scripts, tools, examples and projenrc (tsconfig.dev.json)',
  exec: 'tsc -p tsconfig.dev.json --noEmit',
});
project.testTask.prependSpawn(typecheck);

// The doctor command ships as one minified bundle with its AWS SDK clients inside: nothing in src/ imports it,
// so the constructs never load the SDK, and no SDK package becomes a dependency of any jsii language.
const bundleDoctor = project.addTask('bundle:doctor', {
  description: 'Bundle the doctor command (doctor/cli.ts) into lib/doctor/cli.js',
  exec: 'esbuild doctor/cli.ts --bundle --platform=node --target=node20 --format=cjs --minify '
    + '--main-fields=module,main --legal-comments=none --banner:js="#!/usr/bin/env node" --outfile=lib/doctor/cli.js',
});
project.postCompileTask.spawn(bundleDoctor);

for (const [name, value] of Object.entries(quietSdk)) {
  project.testTask.env(name, value);
}

for (const name of ['integ', 'integ:update']) {
  project.tasks.tryFind(name)?.env('TS_NODE_TRANSPILE_ONLY', 'true');
}

// `npx projen build` packages JavaScript only, also outside CI: the Java, .NET and Go toolchains
// download their dependencies. `npx projen package-all` (or one `package:<language>`) builds the others.
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
// jsii-pacmak packs what was compiled (.jsii, lib/): on a clean clone, `npx projen package` alone compiles first,
// as `build` does before packing. Once compiled, it packs as it is, without compiling again.
const compileIfNeeded = project.addTask('compile:if-needed', {
  description: 'Compile, with the post-compile steps, when nothing was compiled yet (no .jsii), so that packaging works alone',
  condition: 'node -e "process.exit(require(\'fs\').existsSync(\'.jsii\') ? 1 : 0)"',
});
compileIfNeeded.spawn(project.compileTask);
compileIfNeeded.spawn(project.postCompileTask);
packageTask.spawn(compileIfNeeded);
packageTask.spawn(project.tasks.tryFind('package:js')!);
project.tasks.tryFind('package-all')!.prependSpawn(compileIfNeeded);

project.addTask('demo', {
  description: 'Synthesize the seed walkthrough with the aws-cdk CLI (offline) and show that the chain works',
  env: { ...quietJsii, ...offlineCdk, ...quietSdk, TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'ts-node --project tsconfig.dev.json scripts/demo.ts',
});

// The end-to-end test alone (it also runs in `test`): the packed library deployed with the README's
// commands into two accounts of moto, an AWS emulator on a loopback port, then used as the README shows.
project.addTask('e2e', {
  description: 'Deploy the packed library into two accounts of a local AWS emulator (moto) and use each chain (part of test)',
  env: { ...quietJsii, ...quietSdk },
  exec: 'jest --ci --coverage=false --verbose test/e2e',
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Compare synth time and policy sizes of the library with plain aws-cdk-lib roles (not part of the tests)',
  env: { ...quietJsii, TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'ts-node --project tsconfig.dev.json scripts/bench.ts',
});

// Mutation testing of src/ and doctor/ (StrykerJS, see CONTRIBUTING.md). Not part of `test` nor of CI: the whole of
// src/ takes hours on two cores. Its own jest configuration: the tests of the main one, without coverage
// thresholds or reporters, and with ts-jest compiling each file alone (tsconfig.dev.json's isolatedModules),
// so a mutant that breaks the types is run, not counted as killed by a compile error.
const mainJest = project.jest!.config;
new JsonFile(project, 'test/mutation/jest.config.json', {
  marker: false,
  obj: {
    rootDir: '../..',
    ci: true,
    testMatch: mainJest.testMatch,
    // The end-to-end test runs the packed package, not src/: it covers no mutant, and would cost each run a deployment.
    testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
    snapshotSerializers: mainJest.snapshotSerializers,
    clearMocks: true,
    transform: {
      '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
    },
    // Per mutant: only the test files that hold a covering test, and no test after the first failure.
    testSequencer: '<rootDir>/test/mutation/sequencer.js',
    testEnvironment: './test/mutation/environment.js',
  },
});
new JsonFile(project, 'stryker.config.json', {
  marker: false,
  obj: {
    $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    packageManager: 'npm',
    testRunner: 'jest',
    jest: { projectType: 'custom', configFile: 'test/mutation/jest.config.json' },
    coverageAnalysis: 'perTest',
    // Mutants in module-level code would need every test run for each: skipped.
    ignoreStatic: true,
    mutate: ['src/**/*.ts', 'doctor/**/*.ts'],
    // Kept in git, so that a run only tests the mutants of code or tests changed since.
    incremental: true,
    incrementalFile: 'test/mutation/stryker-incremental.json',
    thresholds: { high: 95, low: 90, break: 90 },
    concurrency: 2,
    // A mutant's covering tests can synthesize a dozen apps; on a busy machine the default (5 s over the
    // dry run's time) times out mutants the tests would have killed, and timeouts count as killed.
    timeoutMS: 60_000,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  },
});
project.addTask('mutation', {
  description: 'Mutation score of src/ and doctor/ (StrykerJS); fails below 90. One file: npx projen mutation --mutate src/<file>.ts',
  env: { ...quietJsii, ...quietSdk },
  exec: 'bash scripts/mutation.sh',
  receiveArgs: true,
});

project.synth();
