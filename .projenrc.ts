import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';
import { Checks } from './projenrc/checks';
import { DemoAndBench } from './projenrc/demo';
import { DoctorBundle } from './projenrc/doctor';
import { EndToEnd } from './projenrc/e2e';
import { quietJsii } from './projenrc/environment';
import { MutationTesting } from './projenrc/mutation';
import { Packaging, publishing } from './projenrc/packages';

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
  ],

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
      // A mutation run's sandbox holds a second package.json of this package: with it in jest's module map, the
      // end-to-end test cannot require the installed package by name while a mutation run is going on.
      modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
    },
  },

  gitignore: ['cdk.out', '*.cdk.out', '.cdk.staging', 'examples/cdk.context.json', '.jsii.tabl.json', 'test-reports/',
    '/reports/', '.stryker-tmp/'],
  npmignoreEnabled: true,
  npmIgnoreOptions: { ignorePatterns: ['.ci/', 'examples/', 'scripts/', 'rosetta/', 'SECURITY.md', 'CONTRIBUTING.md', '/doctor/', '/tools/', '/stryker.config.json', '/reports/', '.stryker-tmp/'] },
  docgen: true,

  // Experimental while the version is 0.x: the API may still change between minor versions.
  stability: 'experimental',

  ...publishing,
});

// integ-runner's snapshots are committed whole; its scratch output is not.
project.gitignore.exclude('/test/**/cdk-integ.out.*/');
project.gitignore.include('/test/**/*.snapshot/**/cdk.out');

// The registry reachable from CI serves only the Linux parts of unrs-resolver 1.12.2.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

for (const [name, value] of Object.entries(quietJsii)) {
  project.tasks.addEnvironment(name, value);
}

new Checks(project);
new DoctorBundle(project);
new Packaging(project);
new DemoAndBench(project);
new EndToEnd(project);
new MutationTesting(project);

project.synth();
