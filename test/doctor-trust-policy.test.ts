import { PolicyStatement, contextOf, evaluateTrust, testCondition } from '../doctor/trust-policy';

const SOURCE = 'arn:aws:iam::111122223333:role/my-ECS-task-role';
const CALLER = { kind: 'role' as const, arn: SOURCE, account: '111122223333' };
const KNOWN = contextOf({ 'aws:PrincipalArn': SOURCE, 'aws:PrincipalAccount': '111122223333', 'sts:ExternalId': undefined });

function evaluate(statement: PolicyStatement) {
  return evaluateTrust({ Statement: [statement] }, CALLER, KNOWN).statements;
}

describe('principals', () => {
  test.each([
    [{ AWS: SOURCE }, 'role ARN'],
    [{ AWS: 'arn:aws:iam::111122223333:root' }, 'account'],
    [{ AWS: '111122223333' }, 'account'],
    [{ AWS: '*' }, 'everyone'],
    ['*', 'everyone'],
  ])('%j admits the source role as %s', (principal, match) => {
    expect(evaluate({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal as PolicyStatement['Principal'] })[0].principal).toBe(match);
  });

  test.each([
    [{ AWS: 'arn:aws:iam::111122223333:role/other' }],
    [{ AWS: 'arn:aws:iam::444455556666:root' }],
    [{ Service: 'ecs-tasks.amazonaws.com' }],
  ])('%j does not admit the source role', principal => {
    expect(evaluate({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal })).toEqual([]);
  });

  test('a statement for another action does not count, a wildcard action does', () => {
    expect(evaluate({ Effect: 'Allow', Action: 'sts:TagSession', Principal: { AWS: SOURCE } })).toEqual([]);
    expect(evaluate({ Effect: 'Allow', Action: 'sts:Assume*', Principal: { AWS: SOURCE } })).toHaveLength(1);
    expect(evaluate({ Effect: 'Allow', NotAction: 'sts:TagSession', Principal: { AWS: SOURCE } })).toHaveLength(1);
  });

  test('unique IDs among the principals are reported', () => {
    const trust = evaluateTrust({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ['AROA1234567890ABCDEFG', SOURCE] } } }, CALLER, KNOWN);
    expect(trust.uniqueIdPrincipals).toEqual(['AROA1234567890ABCDEFG']);
  });
});

describe('conditions', () => {
  const context = contextOf({ 'aws:PrincipalArn': SOURCE, 'sts:ExternalId': undefined });
  test.each([
    ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/my-ECS-*', true],
    ['ArnEquals', 'aws:PrincipalArn', 'arn:aws:iam::111122223333:role/other', false],
    ['StringEquals', 'aws:principalarn', SOURCE, true],
    ['StringNotEquals', 'aws:PrincipalArn', SOURCE, false],
    ['StringEquals', 'sts:ExternalId', 'x', false],
    ['StringEqualsIfExists', 'sts:ExternalId', 'x', true],
    ['StringNotEquals', 'sts:ExternalId', 'x', true],
    ['Null', 'sts:ExternalId', 'true', true],
    ['Null', 'aws:PrincipalArn', 'true', false],
    ['ForAnyValue:StringLike', 'aws:PrincipalArn', '*my-ECS*', true],
    // IAM: a ForAnyValue: operator on a key absent from the request is false, negated or IfExists too;
    // ForAllValues: on an absent key is true.
    ['ForAnyValue:StringNotEquals', 'sts:ExternalId', 'x', false],
    ['ForAnyValue:StringEqualsIfExists', 'sts:ExternalId', 'x', false],
    ['ForAnyValue:StringEquals', 'sts:ExternalId', 'x', false],
    ['ForAllValues:StringEquals', 'sts:ExternalId', 'x', true],
    ['ForAllValues:StringNotEquals', 'sts:ExternalId', 'x', true],
    ['StringEquals', 'aws:PrincipalOrgID', 'o-a1b2c3d4e5', undefined],
    ['NumericLessThan', 'aws:PrincipalArn', '3', undefined],
  ])('%s %s %s is %s', (operator, key, value, expected) => {
    expect(testCondition({ operator, key, values: [value] }, context)).toBe(expected);
  });

  test('a Deny statement that applies is reported as Deny', () => {
    expect(evaluate({ Effect: 'Deny', Action: 'sts:AssumeRole', Principal: '*', Condition: { StringNotEquals: { 'sts:ExternalId': 'x' } } }))
      .toEqual([expect.objectContaining({ effect: 'Deny', failed: [], unknown: [] })]);
  });
});
