import { Component, JsonFile, awscdk } from 'projen';
import { quietJsii, quietSdk } from './environment';

/**
 * Mutation testing of src/ and doctor/ (StrykerJS, see CONTRIBUTING.md). Not part of `test` nor of CI: the whole of
 * src/ takes hours on two cores. Its own jest configuration: the tests of the main one, without coverage
 * thresholds or reporters, and with ts-jest compiling each file alone (tsconfig.dev.json's isolatedModules),
 * so a mutant that breaks the types is run, not counted as killed by a compile error.
 */
export class MutationTesting extends Component {
  constructor(project: awscdk.AwsCdkConstructLibrary) {
    super(project);
    // StrykerJS 10 needs Node 22. The mutation runs' test sequencer and environment (test/mutation/) extend jest's own.
    project.addDevDeps('@stryker-mutator/core@^9', '@stryker-mutator/jest-runner@^9', '@jest/test-sequencer@^30', 'jest-environment-node@^30');
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
  }
}
