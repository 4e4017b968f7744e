// How the doctor reads each end of a chain (check 1), and what it says when a read fails, and the
// helpers every check writes its findings with.
import { AwsCallError } from '../doctor/aws-account';
import { conditionText, deployCommand, message, outcome, worstOf } from '../doctor/check-result';
import { readRole } from '../doctor/role-reads';
import { SOURCE_ARN, deployedRole, inMemoryAccount, sideOf } from './support/doctor-sides';

const TRUST = { Statement: [] };

describe('readRole', () => {
  test('the role and who the credentials are, without problems', async () => {
    // GIVEN
    const role = deployedRole(SOURCE_ARN, TRUST);
    const side = sideOf('source', inMemoryAccount({ getRole: async name => name === 'my-ECS-task-role' ? role : undefined }));

    // THEN
    expect(await readRole(side)).toEqual({ role, problems: [], callerArn: 'arn:aws:sts::111122223333:assumed-role/Admin/test' });
  });

  test('a role found under another path: read, with the problem of the path', async () => {
    // GIVEN
    const role = deployedRole('arn:aws:iam::111122223333:role/team/my-ECS-task-role', TRUST);
    const side = sideOf('source', inMemoryAccount({ getRole: async () => role }));

    // THEN
    expect(await readRole(side)).toEqual({
      role,
      callerArn: 'arn:aws:sts::111122223333:assumed-role/Admin/test',
      problems: [{
        cause: `The source role exists as ${role.arn}, not ${SOURCE_ARN}: the paths differ, and policies that name one ARN do not match the other.`,
        fix: 'Give the role\'s path in --source-role, or correct the path in the RoleReference that names it.',
      }],
    });
  });

  test('credentials of another account: the problem says where the stack went', async () => {
    // GIVEN
    const side = sideOf('destination', inMemoryAccount());

    // THEN
    expect(await readRole(side)).toEqual({
      problems: [{
        cause: 'The destination credentials (profile test) belong to account 111122223333, '
          + 'but the destination role arn:aws:iam::555566667777:role/destination-account-role is in account 555566667777.',
        fix: 'Pass --destination-profile <profile> for account 555566667777. If `cdk deploy` ran with these credentials, '
          + 'the stack went to account 111122223333: set the stack\'s env.account to 555566667777 and deploy it there.',
      }],
    });
  });

  test('a missing role of a known stack: the fix is the deploy command of that stack', async () => {
    const read = await readRole(sideOf('source', inMemoryAccount(), 'SourceStack'));
    expect(read.problems).toEqual([{
      cause: 'The source role my-ECS-task-role does not exist in account 111122223333.',
      fix: 'Deploy `cdk deploy SourceStack --exclusively --profile test` to account 111122223333, or correct --source-role.',
    }]);
  });

  test('a failure that is not an AWS answer: could not verify, with its message', async () => {
    // GIVEN
    const side = sideOf('source', inMemoryAccount({ callerIdentity: async () => { throw new RangeError('out of range\nat line 2'); } }));

    // THEN
    expect(await readRole(side)).toEqual({
      problems: [{ cause: 'Could not check the source account with profile test: RangeError: out of range', verdict: 'unverified' }],
    });
  });

  test('an AWS call that failed: could not verify, with the action that failed and its fix', async () => {
    // GIVEN
    const side = sideOf('source', inMemoryAccount({
      callerIdentity: async () => { throw new AwsCallError('sts:GetCallerIdentity', { kind: 'denied', summary: 'AccessDenied' }, { cause: undefined }); },
    }));

    // THEN
    expect(await readRole(side)).toEqual({
      problems: [{
        cause: 'Could not check the source account with profile test: sts:GetCallerIdentity failed: AccessDenied.',
        fix: 'Allow sts:GetCallerIdentity to the source credentials (profile test), for example with the AWS managed policy SecurityAudit, '
          + 'or use --source-profile with credentials that have it.',
        verdict: 'unverified',
      }],
    });
  });
});

describe('what checks write with', () => {
  test('outcome: no findings unless given', () => {
    expect(outcome('ok', 'fine')).toEqual({ verdict: 'ok', detail: 'fine', findings: [] });
  });

  test.each([
    [[], 'ok', 'ok'],
    [[{ cause: 'c', verdict: 'warning' as const }], 'ok', 'warning'],
    [[{ cause: 'c', verdict: 'warning' as const }, { cause: 'c', verdict: 'unverified' as const }], 'ok', 'unverified'],
    [[{ cause: 'c', verdict: 'unverified' as const }, { cause: 'c' }], 'ok', 'error'],
    [[{ cause: 'c', verdict: 'ok' as const }], 'skipped', 'skipped'],
  ])('worstOf %j, otherwise %s: %s', (findings, otherwise, worst) => {
    expect(worstOf(findings, otherwise as any)).toBe(worst);
  });

  test.each([
    [new Error('plain\nstack'), 'plain'],
    [new TypeError('typed'), 'TypeError: typed'],
    ['a string\nand more', 'a string'],
    [undefined, 'undefined'],
  ])('message of %p: %s', (error, text) => {
    expect(message(error)).toBe(text);
  });

  test('conditionText: one value as it is, several in brackets', () => {
    expect(conditionText({ operator: 'StringEquals', key: 'sts:ExternalId', values: ['one'] })).toBe('StringEquals sts:ExternalId one');
    expect(conditionText({ operator: 'StringLike', key: 'aws:SourceArn', values: ['a', 'b'] })).toBe('StringLike aws:SourceArn [a, b]');
  });

  test.each([
    ['source', 'SourceStack', 'profile-a', '`cdk deploy SourceStack --exclusively --profile profile-a`'],
    ['source', undefined, undefined, '`cdk deploy <SourceStack> --exclusively --profile <source profile>`'],
    ['destination', undefined, undefined, '`cdk deploy <DestinationStack> --exclusively --profile <destination profile>`'],
  ] as const)('deployCommand of the %s side, stack %s, profile %s', (label, stack, profile, command) => {
    expect(deployCommand(sideOf(label, inMemoryAccount({ profile }), stack))).toBe(command);
  });
});
