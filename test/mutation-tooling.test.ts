// The test sequencer and environment of the mutation runs (test/mutation/): they decide which tests run
// for a mutant, so a mistake in them would turn killed mutants into survivors or the reverse.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const BailingEnvironment = require('./mutation/environment.js');

const ROOT = '/project';
const testFile = (name: string) => ({ path: `${ROOT}/test/${name}`, context: { config: { rootDir: ROOT, cache: false }, hasteFS: { getSize: () => 1 } }, duration: 1 });

describe('mutation test sequencer', () => {
  let directory: string;
  const saved = process.env.MUTATION_TEST_NAMES;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mutation-sequencer-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
    if (saved === undefined) delete process.env.MUTATION_TEST_NAMES; else process.env.MUTATION_TEST_NAMES = saved;
  });

  function sequencer(testNamePattern: string | undefined, names: object | undefined) {
    if (names) {
      const file = join(directory, 'names.json');
      writeFileSync(file, JSON.stringify(names));
      process.env.MUTATION_TEST_NAMES = file;
    } else {
      delete process.env.MUTATION_TEST_NAMES;
    }
    // A fresh module each time: the names are read once per module.
    jest.resetModules();
    const Fresh = jest.requireActual('./mutation/sequencer.js');
    return new Fresh({ contexts: [], globalConfig: { testNamePattern } });
  }

  const names = {
    'test/a.test.ts': ['TrustMode.ROLE_ARN names the trusted role', 'validation refuses a wildcard'],
    'test/b.test.ts': ['quotas at exactly 2,048 characters'],
  };
  const files = () => [testFile('a.test.ts'), testFile('b.test.ts'), testFile('new.test.ts')];
  const paths = (tests: Array<{ path: string }>) => tests.map(t => t.path.replace(`${ROOT}/`, '')).sort();

  test('keeps only the files that hold a covering test, and files it has no names for', () => {
    const kept = sequencer('(quotas at exactly 2,048 characters)', names).sort(files());
    expect(paths(kept)).toEqual(['test/b.test.ts', 'test/new.test.ts']);
  });

  test('matches names as jest does: a part of the name, without case', () => {
    const kept = sequencer('(VALIDATION REFUSES)', names).sort(files());
    expect(paths(kept)).toEqual(['test/a.test.ts', 'test/new.test.ts']);
  });

  test('keeps every file without a pattern (the dry run) or without the names', () => {
    expect(paths(sequencer(undefined, names).sort(files()))).toHaveLength(3);
    expect(paths(sequencer('(quotas)', undefined).sort(files()))).toHaveLength(3);
  });

  test('keeps every file rather than none', () => {
    const kept = sequencer('(no such test)', { 'test/a.test.ts': [], 'test/b.test.ts': [], 'test/new.test.ts': [] }).sort(files());
    expect(paths(kept)).toHaveLength(3);
  });

  test('clears the bail flag of the previous run', () => {
    (process as any).mutationBail = '7';
    sequencer(undefined, undefined).sort(files());
    expect((process as any).mutationBail).toBeUndefined();
  });
});

describe('mutation test environment', () => {
  const ACTIVE = '__STRYKER_ACTIVE_MUTANT__';
  const saved = process.env[ACTIVE];
  afterEach(() => {
    if (saved === undefined) delete process.env[ACTIVE]; else process.env[ACTIVE] = saved;
    delete (process as any).mutationBail;
  });

  const environment = () => new BailingEnvironment(
    { globalConfig: {}, projectConfig: { testEnvironmentOptions: {}, setupFiles: [], testEnvironment: 'node' } },
    { console, docblockPragmas: {}, testPath: 'test/a.test.ts' });
  const test_ = (errors: unknown[] = []) => ({ mode: undefined as string | undefined, errors });

  async function run(env: any, results: boolean[]) {
    const tests = results.map(() => test_());
    for (const [i, passes] of results.entries()) {
      await env.handleTestEvent({ name: 'test_start', test: tests[i] }, {});
      if (tests[i].mode === 'skip') continue;
      if (!passes) tests[i].errors.push(new Error('failed'));
      await env.handleTestEvent({ name: 'test_done', test: tests[i] }, {});
    }
    return tests.map(t => t.mode === 'skip' ? 'skipped' : t.errors.length > 0 ? 'failed' : 'passed');
  }

  test('skips the tests after the first failure while a mutant is active', async () => {
    process.env[ACTIVE] = '12';
    expect(await run(environment(), [true, false, true, false])).toEqual(['passed', 'failed', 'skipped', 'skipped']);
  });

  test('skips nothing outside a mutant run', async () => {
    delete process.env[ACTIVE];
    expect(await run(environment(), [true, false, true])).toEqual(['passed', 'failed', 'passed']);
  });

  test('does not skip for a failure of another mutant', async () => {
    process.env[ACTIVE] = '13';
    (process as any).mutationBail = '12';
    expect(await run(environment(), [true, true])).toEqual(['passed', 'passed']);
  });

  test('the flag carries over to the next test file of the same run', async () => {
    process.env[ACTIVE] = '14';
    await run(environment(), [false]);
    expect(await run(environment(), [true])).toEqual(['skipped']);
  });
});

describe('scripts/mutation.sh', () => {
  /** Runs a copy of the script in an empty project whose `npx` only records its arguments; returns the stryker call. */
  function strykerCall(args: string[]): string[] {
    const project = mkdtempSync(join(tmpdir(), 'mutation-script-'));
    try {
      mkdirSync(join(project, 'scripts'));
      mkdirSync(join(project, 'bin'));
      copyFileSync(join(__dirname, '..', 'scripts', 'mutation.sh'), join(project, 'scripts', 'mutation.sh'));
      const calls = join(project, 'calls.txt');
      writeFileSync(join(project, 'bin', 'npx'), `#!/bin/sh\nif [ "$1" = stryker ]; then printf '%s\\n' "$@" > '${calls}'; fi\n`);
      chmodSync(join(project, 'bin', 'npx'), 0o755);
      const run = spawnSync('bash', [join(project, 'scripts', 'mutation.sh'), ...args], {
        env: { ...process.env, PATH: `${join(project, 'bin')}:${process.env.PATH}` },
        encoding: 'utf-8',
      });
      expect(run.status).toBe(0);
      return readFileSync(calls, 'utf-8').trimEnd().split('\n');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }

  test('gives Stryker one comma-separated list for the files a glob expanded to', () => {
    expect(strykerCall(['--mutate', 'doctor/cli.ts', 'doctor/report.ts', '--concurrency', '1']))
      .toEqual(['stryker', 'run', 'stryker.config.json', '--mutate', 'doctor/cli.ts,doctor/report.ts', '--concurrency', '1']);
  });

  test('passes other arguments, and none, as they are', () => {
    expect(strykerCall(['--mutate', 'src/index.ts'])).toEqual(['stryker', 'run', 'stryker.config.json', '--mutate', 'src/index.ts']);
    expect(strykerCall([])).toEqual(['stryker', 'run', 'stryker.config.json']);
  });
});
