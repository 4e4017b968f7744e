// Check 5 of the doctor: an AWS service may give the source role to its tasks, within the
// confused-deputy conditions of the tasks' account and Region.
import { serviceCheck } from '../doctor/service-check';
import { SOURCE_ARN, deployedRole, sideOf } from './support/doctor-sides';

const SOURCE = sideOf('source');
const ECS = 'ecs-tasks.amazonaws.com';

/** A trust of the source role with these statements (an Allow of sts:AssumeRole when only a principal is given). */
const trust = (...statements: object[]) => deployedRole(SOURCE_ARN, { Statement: statements as any });
const allowService = (service: string | string[], condition?: object) =>
  ({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: service }, ...(condition ? { Condition: condition } : {}) });
const GUARD = {
  StringEquals: { 'aws:SourceAccount': '111122223333' },
  ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:111122223333:*' },
};

test('the guarded ECS trust of CrossAccountTaskRole: ok, for the account in the Region', () => {
  expect(serviceCheck(trust(allowService(ECS, GUARD)), SOURCE, 'us-east-1'))
    .toEqual({ verdict: 'ok', detail: `${ECS}, for account 111122223333 in us-east-1`, findings: [] });
});

test('a guard on the account only: ok, without a Region', () => {
  expect(serviceCheck(trust(allowService(ECS, { StringEquals: { 'aws:SourceAccount': '111122223333' } })), SOURCE, 'us-east-1').detail)
    .toBe(`${ECS}, for account 111122223333`);
});

test('ECS is chosen among several services; a statement for every principal, for an account or with NotPrincipal names none', () => {
  // GIVEN
  const role = trust(
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } } },
    { Effect: 'Deny', Action: 'sts:AssumeRole', NotPrincipal: { Service: ECS, AWS: 'arn:aws:iam::111122223333:root' } },
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111122223333:root' } },
    allowService(['lambda.amazonaws.com', ECS], GUARD));

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1')).toMatchObject({ verdict: 'ok', detail: `${ECS}, for account 111122223333 in us-east-1` });
});

test('another service alone is judged for that service: ec2.amazonaws.com, whose SourceArn names ec2', () => {
  // GIVEN
  const role = trust(allowService('ec2.amazonaws.com', {
    StringEquals: { 'aws:SourceAccount': '111122223333' },
    ArnLike: { 'aws:SourceArn': 'arn:aws:ec2:us-east-1:111122223333:*' },
  }));

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1')).toMatchObject({ verdict: 'ok', detail: 'ec2.amazonaws.com, for account 111122223333 in us-east-1' });
});

test('a trust that names no service: a warning that an ECS task cannot use the role', () => {
  expect(serviceCheck(trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111122223333:root' } }), SOURCE, undefined))
    .toEqual({
      verdict: 'warning',
      detail: 'no AWS service may assume the source role',
      findings: [{
        cause: 'The trust of my-ECS-task-role names no service principal: an ECS task cannot use it as its task role.',
        fix: 'Use a CrossAccountTaskRole as the task role (it trusts ecs-tasks.amazonaws.com), unless the source is not an AWS service.',
      }],
    });
});

test('a trust of the service without confused-deputy conditions: a warning', () => {
  expect(serviceCheck(trust(allowService(ECS)), SOURCE, 'us-east-1')).toEqual({
    verdict: 'warning',
    detail: `${ECS}, without confused-deputy conditions`,
    findings: [{
      cause: `statement 1 admits ${ECS} without aws:SourceAccount or aws:SourceArn.`,
      fix: 'Keep the confused-deputy guard of CrossAccountTaskRole on (the default) and redeploy the source stack.',
    }],
  });
});

test('a guard for another account: refused, naming the account and Region of the tasks', () => {
  // GIVEN
  const role = trust(allowService(ECS, { StringEquals: { 'aws:SourceAccount': '444455556666' } }));

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1')).toEqual({
    verdict: 'error',
    detail: `${ECS} is refused`,
    findings: [{
      cause: `The trust admits ${ECS} only if StringEquals aws:SourceAccount 444455556666, but the source's tasks run in account 111122223333, us-east-1.`,
      fix: 'Deploy the source stack in account 111122223333 and us-east-1, the account and Region of the tasks, so that the confused-deputy conditions name them.',
    }],
  });
});

test('refused without a Region: the message names the account only', () => {
  // GIVEN
  const role = trust(allowService(ECS, { StringEquals: { 'aws:SourceAccount': '444455556666' } }));

  // THEN
  expect(serviceCheck(role, SOURCE, undefined).findings).toEqual([{
    cause: `The trust admits ${ECS} only if StringEquals aws:SourceAccount 444455556666, but the source's tasks run in account 111122223333.`,
    fix: 'Deploy the source stack in account 111122223333, the account and Region of the tasks, so that the confused-deputy conditions name them.',
  }]);
});

test('a Deny of the service: refused, naming the Deny', () => {
  // GIVEN
  const role = trust(allowService(ECS, GUARD), { Sid: 'NoEcs', Effect: 'Deny', Action: 'sts:AssumeRole', Principal: { Service: ECS } });

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1')).toMatchObject({ verdict: 'error', findings: [{ cause: `NoEcs denies ${ECS}.` }] });
});

test('a SourceArn condition without --region: could not verify, and the fix names --region', () => {
  expect(serviceCheck(trust(allowService(ECS, GUARD)), SOURCE, undefined)).toEqual({
    verdict: 'unverified',
    detail: `could not verify: ${ECS} only if aws:SourceArn allows it`,
    findings: [{
      cause: `statement 1 admits ${ECS} only if ArnLike aws:SourceArn arn:aws:ecs:us-east-1:111122223333:*.`,
      fix: 'Run again with --region <the Region of the tasks> (--app takes it from the stack).',
    }],
  });
});

test('conditions on keys the doctor cannot know: could not verify, each with its key', () => {
  // GIVEN
  const role = trust(allowService(ECS, {
    StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceOrgID': 'o-a1b2c3d4e5', 'ecs:cluster': 'reports' },
  }));

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1')).toEqual({
    verdict: 'unverified',
    detail: `could not verify: ${ECS} only if aws:SourceOrgID, ecs:cluster allow it`,
    findings: [
      { cause: `statement 1 admits ${ECS} only if StringEquals aws:SourceOrgID o-a1b2c3d4e5.`, fix: 'Make sure the service\'s call meets aws:SourceOrgID.' },
      { cause: `statement 1 admits ${ECS} only if StringEquals ecs:cluster reports.`, fix: 'Make sure the service\'s call meets ecs:cluster.' },
    ],
  });
});

test('of two statements that admit the service, the one with fewer unknown keys decides', () => {
  // GIVEN
  const role = trust(
    allowService(ECS, { StringEquals: { 'aws:SourceAccount': '111122223333', 'ecs:cluster': 'reports' } }),
    allowService(ECS, GUARD));

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1')).toMatchObject({ verdict: 'ok', detail: `${ECS}, for account 111122223333 in us-east-1` });
});

test('a statement whose condition fails does not admit, even beside one that would with unknown keys', () => {
  // GIVEN
  const role = trust(
    allowService(ECS, { StringEquals: { 'aws:SourceAccount': '444455556666' } }),
    allowService(ECS, { StringEquals: { 'aws:SourceAccount': '111122223333', 'ecs:cluster': 'reports' } }));

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1')).toMatchObject({ verdict: 'unverified', detail: `could not verify: ${ECS} only if ecs:cluster allows it` });
});

test('the service request is a service\'s: aws:PrincipalIsAWSService is true', () => {
  // GIVEN
  const role = trust(allowService(ECS, { ...GUARD, Bool: { 'aws:PrincipalIsAWSService': 'true' } }));

  // THEN
  expect(serviceCheck(role, SOURCE, 'us-east-1').verdict).toBe('ok');
});

describe('a Deny whose conditions the doctor cannot decide: could not verify, naming the keys, as check 2 does', () => {
  test('a data-perimeter Deny for every principal on aws:PrincipalOrgID, which the doctor cannot read', () => {
    // GIVEN
    const role = trust(allowService(ECS, GUARD),
      { Sid: 'Perimeter', Effect: 'Deny', Action: 'sts:AssumeRole', Principal: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } });

    // THEN
    expect(serviceCheck(role, SOURCE, 'us-east-1')).toEqual({
      verdict: 'unverified',
      detail: `could not verify: ${ECS} only if aws:PrincipalOrgID allows it`,
      findings: [{
        cause: `Perimeter denies ${ECS} if StringNotEquals aws:PrincipalOrgID o-abcdefghij.`,
        fix: 'Make sure the service\'s call does not meet aws:PrincipalOrgID; a Deny of every principal applies to AWS services too, '
          + 'unless it leaves them out (BoolIfExists aws:PrincipalIsAWSService false).',
      }],
    });
  });

  test('a Deny of the service outside a Region, without --region: the fix names --region', () => {
    // GIVEN
    const role = trust(allowService(ECS, { StringEquals: { 'aws:SourceAccount': '111122223333' } }),
      {
        Sid: 'OtherRegion',
        Effect: 'Deny',
        Action: 'sts:AssumeRole',
        Principal: { Service: ECS },
        Condition: { StringNotLike: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:111122223333:*' } },
      });

    // THEN
    expect(serviceCheck(role, SOURCE, undefined)).toEqual({
      verdict: 'unverified',
      detail: `could not verify: ${ECS} only if aws:SourceArn allows it`,
      findings: [{
        cause: `OtherRegion denies ${ECS} if StringNotLike aws:SourceArn arn:aws:ecs:eu-west-1:111122223333:*.`,
        fix: 'Run again with --region <the Region of the tasks> (--app takes it from the stack).',
      }],
    });
  });

  test('with --region the same Deny is decided: it denies the tasks of us-east-1', () => {
    // GIVEN
    const role = trust(allowService(ECS, GUARD),
      {
        Sid: 'OtherRegion',
        Effect: 'Deny',
        Action: 'sts:AssumeRole',
        Principal: { Service: ECS },
        Condition: { StringNotLike: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:111122223333:*' } },
      });

    // THEN
    expect(serviceCheck(role, SOURCE, 'us-east-1')).toMatchObject({ verdict: 'error', findings: [{ cause: `OtherRegion denies ${ECS}.` }] });
  });

  test('the unknown keys of the Allow and of the Deny are both named', () => {
    // GIVEN
    const role = trust(allowService(ECS, { ...GUARD, StringEquals: { 'aws:SourceAccount': '111122223333', 'ecs:cluster': 'reports' } }),
      { Sid: 'Perimeter', Effect: 'Deny', Action: 'sts:AssumeRole', Principal: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } });

    // THEN
    expect(serviceCheck(role, SOURCE, 'us-east-1')).toMatchObject({
      verdict: 'unverified',
      detail: `could not verify: ${ECS} only if ecs:cluster, aws:PrincipalOrgID allow it`,
    });
  });
});
