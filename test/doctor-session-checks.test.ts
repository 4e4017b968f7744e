// Checks 6 and 7 of the doctor: the session duration of the destination role, and --assume.
import { AwsCallError } from '../doctor/aws-account';
import type { CheckResult } from '../doctor/check-result';
import { assumeCheck, sessionDurationCheck } from '../doctor/session-checks';
import { evaluateTrust, contextOf } from '../doctor/trust-policy';
import { DESTINATION_ARN, SOURCE_ARN, deployedRole, inMemoryAccount, sideOf } from './support/doctor-sides';

const TASK_SESSION = 'arn:aws:sts::111122223333:assumed-role/my-ECS-task-role/0123456789abcdef';
const NOW = 'arn:aws:sts::555566667777:assumed-role/destination-account-role/cdk-cross-account-task-roles-doctor';

describe('session duration', () => {
  test.each([
    [3600, '1 h maximum, within the 1 h role-chaining cap'],
    [1800, '0.5 h maximum, within the 1 h role-chaining cap'],
    [3601, 'sessions from a task last at most 1 h (role chaining), not the role\'s 1 h: keep duration_seconds at 3600 or less'],
    [43200, 'sessions from a task last at most 1 h (role chaining), not the role\'s 12 h: keep duration_seconds at 3600 or less'],
  ])('a maximum of %d s: %s', (seconds, detail) => {
    expect(sessionDurationCheck(deployedRole(DESTINATION_ARN, { Statement: [] }, seconds))).toEqual({ verdict: 'ok', detail, findings: [] });
  });
});

describe('--assume', () => {
  /** The trust of the walkthrough, evaluated for the source role. */
  const trust = (condition?: Record<string, Record<string, unknown>>) => evaluateTrust(
    { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: SOURCE_ARN }, ...(condition ? { Condition: condition } : {}) }] },
    { kind: 'role', arn: SOURCE_ARN, account: '111122223333' }, contextOf({}));
  const passed: CheckResult[] = [{ id: 1, name: 'one', verdict: 'ok', detail: '', findings: [] }, { id: 2, name: 'two', verdict: 'warning', detail: '', findings: [] }];

  function assume(assumeRole: (arn: string, name: string, externalId?: string) => Promise<{ account: string; arn: string }>,
    options: {
      sessionArn?: string;
      earlier?: CheckResult[];
      condition?: Record<string, Record<string, unknown>>;
      roleSessionName?: string;
      externalId?: string;
    } = {}) {
    const source = sideOf('source', inMemoryAccount({ assumeRole }));
    return assumeCheck(source, 'sessionArn' in options ? options.sessionArn : TASK_SESSION, DESTINATION_ARN,
      { assume: true, roleSessionName: options.roleSessionName, externalId: options.externalId },
      trust(options.condition), options.earlier ?? passed);
  }

  test('assumes the destination with the doctor\'s session name and the external ID given, and says who it became', async () => {
    // GIVEN
    const calls: unknown[][] = [];

    // WHEN
    const result = await assume(async (...args) => {
      calls.push(args);
      return { account: '555566667777', arn: NOW };
    }, { externalId: 'verify-2026' });

    // THEN
    expect(result).toEqual({ verdict: 'ok', detail: `now ${NOW}`, findings: [] });
    expect(calls).toEqual([[DESTINATION_ARN, 'cdk-cross-account-task-roles-doctor', 'verify-2026']]);
  });

  test.each([
    ['an administrator\'s session', 'arn:aws:sts::111122223333:assumed-role/Admin/alice', 'arn:aws:sts::111122223333:assumed-role/Admin/alice'],
    ['a session of the role\'s name in another account', 'arn:aws:sts::444455556666:assumed-role/my-ECS-task-role/x',
      'arn:aws:sts::444455556666:assumed-role/my-ECS-task-role/x'],
    ['unknown credentials', undefined, 'unknown'],
  ])('not attempted with %s: it would not prove the chain', async (_, sessionArn, shown) => {
    // WHEN
    const result = await assume(async () => { throw new Error('must not be called'); }, { sessionArn });

    // THEN
    expect(result).toEqual({
      verdict: 'unverified',
      detail: 'not attempted',
      findings: [{
        cause: `The source credentials (${shown}) are not a session of my-ECS-task-role: a call made with them would not prove the chain.`,
        fix: 'Run the doctor with --assume inside the task, or with a --source-profile that assumes the source role.',
      }],
    });
  });

  test('skipped when a check above found an error', async () => {
    // WHEN
    const result = await assume(async () => { throw new Error('must not be called'); },
      { earlier: [...passed, { id: 4, name: 'four', verdict: 'error', detail: '', findings: [] }] });

    // THEN
    expect(result).toEqual({ verdict: 'skipped', detail: 'the checks above already found why it would fail', findings: [] });
  });

  test('sends the session name given, and derives one from the trust\'s pattern otherwise', async () => {
    const names: string[] = [];
    const record = async (_: string, name: string) => {
      names.push(name);
      return { account: '555566667777', arn: NOW };
    };
    await assume(record, { roleSessionName: 'given-name', condition: { StringLike: { 'sts:RoleSessionName': 'reports-*' } } });
    await assume(record, { condition: { StringLike: { 'sts:RoleSessionName': 'reports-*' } } });
    expect(names).toEqual(['given-name', 'reports-doctor']);
  });

  test('not attempted when no session name can be derived from the trust', async () => {
    // WHEN
    const result = await assume(async () => { throw new Error('must not be called'); }, { condition: { StringEquals: { 'sts:RoleSessionName': '${aws:userid}' } } });

    // THEN
    expect(result).toEqual({
      verdict: 'unverified',
      detail: 'not attempted',
      findings: [{
        cause: 'The trust requires a session name (sts:RoleSessionName) and the doctor cannot derive one that matches from its pattern.',
        fix: 'Run again with --role-session-name <name>: the role_session_name the task\'s profile sends.',
      }],
    });
  });

  test('refused by AWS: the chain does not work, with AWS\'s answer', async () => {
    // WHEN
    const result = await assume(async () => {
      throw new AwsCallError('sts:AssumeRole', { kind: 'denied', summary: 'AccessDenied: not authorized to perform sts:AssumeRole' }, { cause: undefined });
    });

    // THEN
    expect(result).toEqual({
      verdict: 'error',
      detail: 'AssumeRole failed',
      findings: [{
        cause: 'AWS refused: AccessDenied: not authorized to perform sts:AssumeRole',
        fix: 'Compare the checks above with the destination\'s trust and the source\'s policies; an SCP or a resource control policy may also deny it.',
      }],
    });
  });

  test('an error that is not AWS\'s answer is shown by its message', async () => {
    const result = await assume(async () => { throw new TypeError('bad input\nsecond line'); });
    expect(result).toMatchObject({ verdict: 'error', findings: [{ cause: 'AWS refused: TypeError: bad input' }] });
  });

  test('a call that could not be made (network): could not verify, with the fix for the network', async () => {
    // WHEN
    const result = await assume(async () => {
      throw new AwsCallError('sts:AssumeRole', { kind: 'unreachable', summary: 'connection refused' }, { cause: undefined });
    });

    // THEN
    expect(result.verdict).toBe('unverified');
    expect(result.detail).toBe('AssumeRole could not be called');
    expect(result.findings).toEqual([{
      cause: 'Could not call sts:AssumeRole with profile test: sts:AssumeRole failed: connection refused.',
      fix: expect.stringMatching(/^Check the network path to AWS/),
      verdict: 'unverified',
    }]);
  });
});
