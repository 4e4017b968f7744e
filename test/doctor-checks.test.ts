// The table of checks of one chain (checkChain), on accounts held in memory: the order of the
// checks, the request it judges the trust with, and the chain's status.
import type { AwsAccount } from '../doctor/aws-account';
import { checkChain } from '../doctor/checks';
import { runDoctor } from '../doctor/cli';
import type { PolicyStatement } from '../doctor/trust-policy';
import { DESTINATION_ARN, SOURCE_ARN, deployedRole, inMemoryAccount } from './support/doctor-sides';

const GUARDED_ECS = {
  Effect: 'Allow',
  Action: 'sts:AssumeRole',
  Principal: { Service: 'ecs-tasks.amazonaws.com' },
  Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:111122223333:*' } },
};

/** The walkthrough as deployed, its destination trusting the source role under `condition`. */
function accounts(condition?: Record<string, Record<string, unknown>>): [AwsAccount, AwsAccount] {
  return withDestinationTrust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: SOURCE_ARN }, ...(condition ? { Condition: condition } : {}) });
}

/** The walkthrough as deployed, the destination's trust made of `statements`. */
function withDestinationTrust(...statements: PolicyStatement[]): [AwsAccount, AwsAccount] {
  const source = inMemoryAccount({
    callerIdentity: async () => ({ account: '111122223333', arn: 'arn:aws:sts::111122223333:assumed-role/my-ECS-task-role/task' }),
    getRole: async () => deployedRole(SOURCE_ARN, { Statement: [GUARDED_ECS] }),
    simulateAssumeRole: async () => ({ decision: 'allowed', matchedPolicies: ['AssumeDestination'] }),
  });
  const destination = inMemoryAccount({
    callerIdentity: async () => ({ account: '555566667777', arn: 'arn:aws:sts::555566667777:assumed-role/Admin/x' }),
    getRole: async () => deployedRole(DESTINATION_ARN, { Statement: statements }),
  });
  return [source, destination];
}

const CHAIN = { sourceRoleArn: SOURCE_ARN, destinationRoleArn: DESTINATION_ARN, region: 'us-east-1' };

test('a working chain: checks 1 to 6 in order, each with its name, and the chain works', async () => {
  // WHEN
  const report = await checkChain(CHAIN, ...accounts());

  // THEN
  expect(report).toMatchObject({ sourceRoleArn: SOURCE_ARN, destinationRoleArn: DESTINATION_ARN, status: 'works', works: true });
  expect(report.checks.map(c => [c.id, c.name, c.verdict])).toEqual([
    [1, 'Both roles exist in the expected accounts', 'ok'],
    [2, 'The destination\'s trust admits the source role', 'ok'],
    [3, 'The caller meets the trust\'s conditions', 'ok'],
    [4, 'The source role may call sts:AssumeRole on the destination', 'ok'],
    [5, 'An AWS service may give the source role to its tasks', 'ok'],
    [6, 'Session duration', 'ok'],
  ]);
});

test('--assume adds check 7', async () => {
  // GIVEN
  const [source, destination] = accounts();
  const assuming = { ...source, assumeRole: async () => ({ account: '555566667777', arn: 'arn:aws:sts::555566667777:assumed-role/destination-account-role/d' }) };

  // WHEN
  const report = await checkChain(CHAIN, assuming, destination, { assume: true });

  // THEN
  expect(report.checks.map(c => [c.id, c.name, c.verdict]).slice(6)).toEqual([[7, 'sts:AssumeRole from the source, then sts:GetCallerIdentity', 'ok']]);
});

test.each([
  ['aws:PrincipalType AssumedRole', { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } }],
  ['aws:PrincipalIsAWSService false', { Bool: { 'aws:PrincipalIsAWSService': 'false' } }],
  ['aws:SecureTransport true', { Bool: { 'aws:SecureTransport': 'true' } }],
  ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': '111122223333' } }],
  ['aws:ResourceAccount', { StringEquals: { 'aws:ResourceAccount': '555566667777' } }],
])('the request the doctor judges the trust with is a role session\'s over TLS: %s is met', async (_, condition) => {
  const report = await checkChain(CHAIN, ...accounts(condition));
  expect(report.checks.slice(1, 3).map(c => c.verdict)).toEqual(['ok', 'ok']);
  expect(report.works).toBe(true);
});

test('a condition the doctor cannot know makes the chain unverified, not working', async () => {
  // WHEN
  const report = await checkChain(CHAIN, ...accounts({ StringEquals: { 'aws:PrincipalTag/team': 'reports' } }));

  // THEN
  expect(report).toMatchObject({ status: 'unverified', works: false });
});

test('ForAnyValue:StringNotEquals sts:ExternalId without --external-id: IAM finds no value, the condition is false, the chain does not work', async () => {
  // WHEN no external ID is given
  const report = await checkChain(CHAIN, ...accounts({ 'ForAnyValue:StringNotEquals': { 'sts:ExternalId': 'x' } }));

  // THEN
  expect(report.status).toBe('broken');
  expect(report.checks[2]).toMatchObject({
    id: 3,
    verdict: 'error',
    findings: [{ cause: 'The trust requires an external ID (ForAnyValue:StringNotEquals sts:ExternalId in statement 1) and none was given.' }],
  });
});

test('a destination role that cannot be read: checks of its trust and its session are skipped, the chain is broken', async () => {
  // GIVEN
  const [source, destination] = accounts();

  // WHEN
  const report = await checkChain(CHAIN, source, { ...destination, getRole: async () => undefined });

  // THEN
  expect(report).toMatchObject({ status: 'broken', works: false });
  expect(report.checks.map(c => [c.id, c.verdict, c.detail]).filter(([, verdict]) => verdict === 'skipped')).toEqual([
    [2, 'skipped', 'the destination role could not be read'],
    [3, 'skipped', 'the destination role could not be read'],
    [6, 'skipped', 'the destination role could not be read'],
  ]);
});

test('a source role that cannot be read: checks 4 and 5 are skipped', async () => {
  // GIVEN
  const [source, destination] = accounts();

  // WHEN
  const report = await checkChain(CHAIN, { ...source, getRole: async () => undefined }, destination);

  // THEN
  expect(report.checks.filter(c => c.verdict === 'skipped').map(c => [c.id, c.detail])).toEqual([
    [4, 'the source role could not be read'],
    [5, 'the source role could not be read'],
  ]);
});

describe('checks 2 and 3 judge the same statement of the trust: its principal and all its conditions', () => {
  const BY_ARN_WITH_EXTERNAL_ID: PolicyStatement = {
    Sid: 'ByArnWithExternalId',
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Principal: { AWS: SOURCE_ARN },
    Condition: { StringEquals: { 'sts:ExternalId': 'secret' } },
  };
  const BY_ORGANIZATION: PolicyStatement = {
    Sid: 'ByOrg',
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Principal: { AWS: 'arn:aws:iam::111122223333:root' },
    Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
  };

  test('without the external ID, the statement by ARN does not admit: the one by organization decides, and it could not be verified (exit 3)', async () => {
    // GIVEN
    const [source, destination] = withDestinationTrust(BY_ARN_WITH_EXTERNAL_ID, BY_ORGANIZATION);
    let out = '';

    // WHEN
    const exitCode = await runDoctor(['doctor', '--source-role', SOURCE_ARN, '--destination-role', DESTINATION_ARN, '--region', 'us-east-1',
      '--source-profile', 'source', '--destination-profile', 'destination'], { out: text => out += text, err: () => undefined },
    profile => profile === 'destination' ? destination : source);

    // THEN
    expect(exitCode).toBe(3);
    expect(out).toMatch(/^\[\?\] 2\. The destination's trust admits the source role: could not verify: by organization \(ByOrg\), if aws:PrincipalOrgID allows it\n    \? Admitted only if the source account meets StringEquals aws:PrincipalOrgID o-abcdefghij: the doctor cannot read AWS Organizations\.$/m);
    expect(out).toMatch(/^\[✓\] 3\. The caller meets the trust's conditions: none required$/m);
  });

  test('with the external ID, the statement by ARN is proven and decides both checks', async () => {
    // WHEN
    const report = await checkChain(CHAIN, ...withDestinationTrust(BY_ARN_WITH_EXTERNAL_ID, BY_ORGANIZATION), { externalId: 'secret' });

    // THEN
    expect(report.status).toBe('works');
    expect(report.checks.slice(1, 3).map(c => [c.verdict, c.detail])).toEqual([
      ['ok', 'by its ARN (ByArnWithExternalId)'],
      ['ok', 'the external ID given matches'],
    ]);
  });

  test('a statement proven on every condition is chosen over one whose session-name condition is unknown', async () => {
    // GIVEN a statement by ARN that needs a session name not given, and one for the whole account without conditions
    const bySessionName: PolicyStatement = {
      Sid: 'BySessionName',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: SOURCE_ARN },
      Condition: { StringLike: { 'sts:RoleSessionName': 'reports-*' } },
    };
    const byAccount: PolicyStatement = { Sid: 'ByAccount', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111122223333:root' } };

    // WHEN
    const report = await checkChain(CHAIN, ...withDestinationTrust(bySessionName, byAccount));

    // THEN the statement that admits the source role is the whole account's: check 2 says so
    expect(report.status).toBe('works');
    expect(report.checks.slice(1, 3).map(c => [c.verdict, c.detail])).toEqual([
      ['warning', 'by the whole account 111122223333 (ByAccount)'],
      ['ok', 'none required'],
    ]);
  });

  test('no statement admits on every condition: check 2 names the statement whose principal admits, check 3 its failed condition', async () => {
    // WHEN no external ID is given
    const report = await checkChain(CHAIN, ...withDestinationTrust(
      { Sid: 'OtherAccount', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::444455556666:root' } },
      BY_ARN_WITH_EXTERNAL_ID));

    // THEN
    expect(report.status).toBe('broken');
    expect(report.checks.slice(1, 3).map(c => [c.verdict, c.detail])).toEqual([
      ['ok', 'by its ARN (ByArnWithExternalId)'],
      ['error', 'ByArnWithExternalId is not met'],
    ]);
  });
});
