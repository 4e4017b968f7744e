// Test environment of the mutation runs (test/mutation/jest.config.json): Node's, with bail.
//
// Once a test has failed while a mutant is active, the mutant is killed: the remaining tests of the run
// are skipped instead of run (Stryker's jest runner cannot make jest bail). Outside a mutant run (the dry
// run, a plain jest run) nothing is skipped. The flag lives on `process`, which every test file of the
// run shares (Stryker runs jest in band); the sequencer clears it when a run starts.
const { TestEnvironment } = require('jest-environment-node');

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

class BailingEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    if (super.handleTestEvent) await super.handleTestEvent(event, state);
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_start' && process.mutationBail === mutant) {
      event.test.mode = 'skip';
    } else if (event.name === 'test_done' && event.test.errors.length > 0) {
      process.mutationBail = mutant;
    }
  }
}

module.exports = BailingEnvironment;
