// Test sequencer of the mutation runs (test/mutation/jest.config.json).
//
// For each mutant, Stryker runs jest on every test file related to the mutated file and passes the names
// of the tests that cover the mutant as `testNamePattern`. Jest then still loads every related file,
// aws-cdk-lib included, only to skip its tests. This sequencer drops the files that hold none of those
// tests, using the test names per file that scripts/mutation.sh collects before the run
// (MUTATION_TEST_NAMES). A file it has no names for is kept. Without a pattern (the dry run) or without
// the list, every file is kept. It also starts each run with a clean bail flag (environment.js).
const { readFileSync } = require('node:fs');
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

let namesByFile;
function testNames() {
  if (namesByFile === undefined) {
    const file = process.env.MUTATION_TEST_NAMES;
    namesByFile = file ? JSON.parse(readFileSync(file, 'utf8')) : null;
  }
  return namesByFile;
}

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    process.mutationBail = undefined;
    const sorted = super.sort(tests);
    const names = testNames();
    if (!this.pattern || !names) return sorted;
    const pattern = new RegExp(this.pattern, 'i');
    const kept = sorted.filter((test) => {
      const inFile = names[relative(test.context.config.rootDir, test.path)];
      return inFile === undefined || inFile.some((name) => pattern.test(name));
    });
    return kept.length > 0 ? kept : sorted;
  }
}

module.exports = MutationSequencer;
