// The doctor's output, line by line: the table (one line per check, findings under it, a summary),
// the JSON, and the exit code of each outcome.
import type { CheckResult, Verdict } from '../doctor/check-result';
import type { ChainReport, ChainStatus } from '../doctor/checks';
import { exitCodeOf, formatJson, formatTable } from '../doctor/report';

const check = (id: number, verdict: Verdict, findings: CheckResult['findings'] = []): CheckResult =>
  ({ id, name: `Check ${id}`, verdict, detail: `detail ${id}`, findings });

const chain = (status: ChainStatus, ...checks: CheckResult[]): ChainReport =>
  ({ sourceRoleArn: 'arn:source', destinationRoleArn: 'arn:destination', status, works: status === 'works', checks });

const summaryOf = (reports: ChainReport[]) => formatTable(reports).trimEnd().split('\n').pop();

describe('formatTable', () => {
  test('one chain: its ARNs, a line per check with its mark, each finding with its own mark and its fix, then the summary', () => {
    // GIVEN
    const report = chain('broken',
      check(1, 'ok'),
      check(2, 'error', [{ cause: 'the cause', fix: 'the fix' }, { cause: 'a note without fix', verdict: 'warning' }]),
      check(3, 'skipped'),
      check(4, 'unverified', [{ cause: 'unknown key' }]));

    // THEN
    expect(formatTable([report])).toBe([
      'Chain arn:source',
      '   -> arn:destination',
      '',
      '[✓] 1. Check 1: detail 1',
      '[✗] 2. Check 2: detail 2',
      '    ✗ the cause',
      '      Fix: the fix',
      '    ! a note without fix',
      '[-] 3. Check 3: detail 3',
      '[?] 4. Check 4: detail 4',
      '    ? unknown key',
      '',
      '✗ Doctor found 1 problem, 1 check could not verify: the chain does not work.',
      '',
    ].join('\n'));
  });

  test('notes are listed as not checked, before the summary', () => {
    expect(formatTable([chain('works', check(1, 'ok'))], ['a pattern', 'another']).split('\n').slice(-4))
      .toEqual(['Not checked: a pattern', 'Not checked: another', '✓ No issues found: the chain works.', '']);
  });

  test('no chain at all', () => {
    expect(formatTable([])).toBe('✗ No chain to check.\n');
  });

  test('chains of the app that could not be resolved are listed with ?, after the notes', () => {
    expect(formatTable([chain('works', check(1, 'ok'))], ['a pattern'], ['a parameter']).split('\n').slice(-4))
      .toEqual(['Not checked: a pattern', '? Not checked: a parameter', '? Could not resolve 1 chain of the app (see ?); the chain checked works.', '']);
  });
});

describe('the summary line when chains of the app could not be resolved', () => {
  const summaryWith = (reports: ChainReport[], unresolved: string[]) => formatTable(reports, [], unresolved).trimEnd().split('\n').pop();

  test.each<[string, ChainReport[], string[], string]>([
    ['no chain found', [], ['x'], '? Could not resolve 1 chain of the app (see ?); no chain was checked.'],
    ['the chains checked work, with a warning', [chain('works', check(1, 'warning')), chain('works', check(1, 'ok'))], ['x', 'y'],
      '? Could not resolve 2 chains of the app (see ?); all 2 chains checked work, with 1 warning.'],
    ['a chain could not be verified', [chain('unverified', check(1, 'unverified'))], ['x'],
      '? Could not verify 1 check, 1 chain could not be resolved: the chain is not proven to work (see ?).'],
    ['a chain does not work', [chain('broken', check(1, 'error'))], ['x'],
      '✗ Doctor found 1 problem, 1 chain could not be resolved: the chain does not work.'],
  ])('%s', (_, reports, unresolved, line) => {
    expect(summaryWith(reports, unresolved)).toBe(line);
  });

  test.each<[ChainStatus[], number]>([
    [['works'], 3],
    [[], 3],
    [['unverified'], 3],
    [['broken'], 1],
  ])('chains %j and one chain not resolved: exit code %d', (statuses, exitCode) => {
    expect(exitCodeOf(statuses.map(s => chain(s, check(1, 'ok'))), ['x'])).toBe(exitCode);
  });
});

describe('the summary line', () => {
  test.each<[string, ChainReport[], string]>([
    ['one working chain', [chain('works', check(1, 'ok'))], '✓ No issues found: the chain works.'],
    ['two working chains', [chain('works', check(1, 'ok')), chain('works', check(1, 'ok'))], '✓ No issues found: all 2 chains work.'],
    ['one warning', [chain('works', check(1, 'warning'))], '! The chain works, with 1 warning.'],
    ['warnings over two chains', [chain('works', check(1, 'warning'), check(2, 'warning')), chain('works', check(1, 'ok'))],
      '! All 2 chains work, with 2 warnings.'],
    ['one chain that could not be verified', [chain('unverified', check(1, 'unverified'))],
      '? Could not verify 1 check: the chain is not proven to work (see ?).'],
    ['could not verify, with a warning, in one of two chains',
      [chain('unverified', check(1, 'unverified'), check(2, 'unverified'), check(3, 'warning')), chain('works', check(1, 'ok'))],
      '? Could not verify 2 checks and 1 warning: 1 of 2 chains are not proven to work (see ?).'],
    ['problems and warnings', [chain('broken', check(1, 'error'), check(2, 'error'), check(3, 'warning'))],
      '✗ Doctor found 2 problems and 1 warning: the chain does not work.'],
    ['one broken chain of two, the other could not be verified', [chain('broken', check(1, 'error')), chain('unverified', check(1, 'unverified'))],
      '✗ Doctor found 1 problem, 1 check could not verify: 1 of 2 chains do not work.'],
  ])('%s', (_, reports, line) => {
    expect(summaryOf(reports)).toBe(line);
  });
});

describe('exit code and JSON', () => {
  test.each<[ChainStatus[], number, string]>([
    [['works', 'works'], 0, 'works'],
    [['works', 'unverified'], 3, 'unverified'],
    [['unverified', 'broken', 'works'], 1, 'broken'],
    [['works', 'broken'], 1, 'broken'],
  ])('chains %j: exit code %d, status %s', (statuses, exitCode, status) => {
    // GIVEN
    const reports = statuses.map(s => chain(s, check(1, 'ok')));

    // WHEN
    const code = exitCodeOf(reports);
    const json = formatJson(reports, ['a note'], code);

    // THEN
    expect(code).toBe(exitCode);
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json)).toEqual({ works: exitCode === 0, status, exitCode, chains: reports, notes: ['a note'] });
  });

  test('the JSON is indented by two spaces', () => {
    expect(formatJson([], [], 0)).toBe('{\n  "works": true,\n  "status": "works",\n  "exitCode": 0,\n  "chains": [],\n  "notes": []\n}\n');
  });
});
