import { evaluateIdentityPolicies } from '../doctor/identity-policy';
import { contextOf } from '../doctor/trust-policy';

const DESTINATION = 'arn:aws:iam::555566667777:role/destination-account-role';
const CONTEXT = contextOf({ 'aws:PrincipalAccount': '111122223333', 'aws:ResourceAccount': '555566667777', 'sts:ExternalId': undefined });

function decide(...statements: object[]) {
  return evaluateIdentityPolicies([{ name: 'policy', document: { Statement: statements as any } }], 'sts:AssumeRole', DESTINATION, CONTEXT);
}

const allow = (extra: object = {}) => ({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: DESTINATION, ...extra });

test.each([
  ['* alone', '*', 'allowed'],
  ['* in the resource part', 'arn:aws:iam::555566667777:role/*', 'allowed'],
  ['? for one character', 'arn:aws:iam::55556666777?:role/destination-account-role', 'allowed'],
  ['? for one character, not two', 'arn:aws:iam::5555666677?:role/destination-account-role', 'implicitDeny'],
  ['${*} is a literal star, not a wildcard', 'arn:aws:iam::555566667777:role/${*}', 'implicitDeny'],
  ['another partition', 'arn:aws-cn:iam::555566667777:role/destination-account-role', 'implicitDeny'],
  ['a pattern that is not an ARN', 'destination-account-role', 'implicitDeny'],
])('Resource %s: %s', (_, resource, decision) => {
  expect(decide(allow({ Resource: resource })).decision).toBe(decision);
});

test('a Deny that applies wins over an Allow', () => {
  expect(decide(allow(), { Effect: 'Deny', Action: 'sts:*', Resource: '*' })).toMatchObject({ decision: 'explicitDeny', matchedPolicies: ['policy'] });
});

test('a Deny whose condition is false does not apply', () => {
  expect(decide(allow(), { Effect: 'Deny', Action: 'sts:*', Resource: '*', Condition: { StringNotEquals: { 'aws:ResourceAccount': '555566667777' } } }).decision)
    .toBe('allowed');
});

test('a Deny that needs an unknown value makes an allowed call unknown, naming the key', () => {
  expect(decide(allow(), { Effect: 'Deny', Action: 'sts:*', Resource: '*', Condition: { Bool: { 'aws:ViaAWSService': 'true' } } }))
    .toMatchObject({ decision: 'unknown', undecided: [{ effect: 'Deny', unknown: ['Bool aws:ViaAWSService'] }] });
});

test('an Allow that needs an unknown value beside one that applies: allowed', () => {
  expect(decide(allow({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }), allow()).decision).toBe('allowed');
});

test('an Allow whose known condition fails does not apply', () => {
  expect(decide(allow({ Condition: { StringEquals: { 'aws:ResourceAccount': '999999999999' } } })).decision).toBe('implicitDeny');
});

test('an external ID condition is judged against the one given (none here)', () => {
  expect(decide(allow({ Condition: { StringEquals: { 'sts:ExternalId': 'x' } } })).decision).toBe('implicitDeny');
});

test('statements without Effect or without Resource are not read as allowing', () => {
  expect(decide({ Action: 'sts:AssumeRole', Resource: '*' }, { Effect: 'Allow', Action: 'sts:AssumeRole' }).decision).toBe('implicitDeny');
});
