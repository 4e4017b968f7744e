/**
 * Deny statements in the destination's trust: one whose conditions the doctor cannot read is
 * no pass ("could not verify", naming the keys); one with a NotPrincipal that does not list the
 * source role denies it.
 */
import { SOURCE_ACCOUNT } from './support/app';
import { CHAIN, PROFILES, checkLines, doctorRun } from './support/doctor-run';
import { FakeRole } from '../tools/iam-offline/fake-iam';
import { SOURCE_ROLE_ARN } from '../tools/iam-offline/walkthrough-accounts';

jest.setTimeout(60_000);

const ARGS = [...CHAIN, ...PROFILES];
const SESSION = `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/my-ECS-task-role/task-id`;

/** Adds a Deny of sts:AssumeRole to the destination's trust. */
const addDeny = (deny: object) => ({
  change: ({ destination }: { destination: FakeRole }) => {
    destination.trustPolicy.Statement.push({ Sid: 'Guard', Effect: 'Deny', Action: 'sts:AssumeRole', ...deny });
  },
});

describe('a Deny whose conditions the doctor cannot read: could not verify (exit 3), naming the keys', () => {
  test.each([
    ['StringNotEquals aws:PrincipalOrgID', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }, 'aws:PrincipalOrgID',
      /\? Denied \(Guard\) if the source account meets StringNotEquals aws:PrincipalOrgID o-a1b2c3d4e5: the doctor cannot read AWS Organizations\.\n      Fix: Check with `aws organizations describe-organization`/],
    ['Null aws:PrincipalTag/team', { Null: { 'aws:PrincipalTag/team': 'true' } }, 'aws:PrincipalTag/team',
      /\? Denied \(Guard\) if the caller meets Null aws:PrincipalTag\/team true: the source role's tags\/session tags must match, and the doctor does not read tags\.\n      Fix: Check the source role's tags with `aws iam list-role-tags --role-name my-ECS-task-role`/],
    ['NotIpAddress aws:SourceIp', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'aws:SourceIp',
      /\? Denied \(Guard\) if the caller meets NotIpAddress aws:SourceIp 203\.0\.113\.0\/24: the doctor cannot know where the task's calls come from\.\n      Fix: Check aws:SourceIp against the task's network path/],
  ])('%s', async (_, condition, key, finding) => {
    const run = await doctorRun(ARGS, addDeny({ Principal: { AWS: '*' }, Condition: condition }));

    expect(run.exitCode).toBe(3);
    const lines = checkLines(run.out, 2);
    expect(lines).toMatch(new RegExp(`^\\[\\?\\] 2\\. The destination's trust admits the source role: could not verify: by its ARN \\(statement 1\\), if ${key.replace('/', '\\/')} allows it\\n`));
    expect(lines).toMatch(finding);
    expect(run.out).toMatch(/^\? Could not verify 1 check: the chain is not proven to work \(see \?\)\.$/m);
  });

  test('a Deny whose readable condition is false does not count', async () => {
    const run = await doctorRun(ARGS, addDeny({ Principal: { AWS: '*' }, Condition: { StringNotEquals: { 'aws:PrincipalAccount': SOURCE_ACCOUNT } } }));

    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 2\. .*: by its ARN \(statement 1\)$/m);
  });
});

describe('a Deny with NotPrincipal', () => {
  test('that does not list the source role denies it: the chain does not work (exit 1)', async () => {
    const run = await doctorRun(ARGS, addDeny({ NotPrincipal: { AWS: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/another-role`] } }));

    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 2)).toMatch(/^\[✗\] 2\. .*: denied by Guard\n    ✗ The trust of destination-account-role has a Deny \(Guard\) with NotPrincipal, which denies sts:AssumeRole to every principal it does not list, and it lists neither arn:aws:iam::111122223333:role\/my-ECS-task-role, its session nor account 111122223333\.\n      Fix: Replace NotPrincipal with a condition the Deny can test, such as ArnNotEquals aws:PrincipalArn/);
  });

  test('that lists the role but not its account or session: could not verify, naming what is missing', async () => {
    const run = await doctorRun(ARGS, addDeny({ NotPrincipal: { AWS: SOURCE_ROLE_ARN } }));

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 2)).toMatch(/^\[\?\] 2\. .*: could not verify: by its ARN \(statement 1\), if NotPrincipal allows it\n    \? A Deny \(Guard\) with NotPrincipal denies every principal it does not list; it does not list the account \(arn:aws:iam::111122223333:root\), the task's session \(arn:aws:sts::111122223333:assumed-role\/my-ECS-task-role\/<session name>\)/);
  });

  test('that lists the account, the role and a session: still could not verify, a task\'s session name is its task ID', async () => {
    const run = await doctorRun(ARGS, addDeny({ NotPrincipal: { AWS: [SESSION, SOURCE_ROLE_ARN, `arn:aws:iam::${SOURCE_ACCOUNT}:root`] } }));

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 2)).toMatch(/it does not list the task's session, unless its name is one NotPrincipal lists/);
  });

  test('a NotPrincipal of another action does not count', async () => {
    const run = await doctorRun(ARGS, addDeny({ Action: 'sts:TagSession', NotPrincipal: { AWS: 'arn:aws:iam::444455556666:root' } }));

    expect(run.exitCode).toBe(0);
  });
});
