/**
 * One end of a chain read from an account held in memory: for the tests of single checks,
 * which need no endpoint and no SDK. Each read may be replaced.
 */
import type { AwsAccount, DeployedRole } from '../../doctor/aws-account';
import type { Side } from '../../doctor/check-result';
import { parseRoleArn } from '../../doctor/checks';
import type { PolicyDocument } from '../../doctor/trust-policy';

export const SOURCE_ARN = 'arn:aws:iam::111122223333:role/my-ECS-task-role';
export const DESTINATION_ARN = 'arn:aws:iam::555566667777:role/destination-account-role';

/** An account whose reads answer as `overrides` say, and otherwise find nothing. */
export function inMemoryAccount(overrides: Partial<AwsAccount> = {}): AwsAccount {
  return {
    credentialsName: 'profile test',
    profile: 'test',
    callerIdentity: async () => ({ account: '111122223333', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/test' }),
    getRole: async () => undefined,
    inlinePolicyNames: async () => [],
    attachedPolicyArns: async () => [],
    inlinePolicy: async name => { throw new Error(`no inline policy ${name}`); },
    managedPolicy: async arn => { throw new Error(`no managed policy ${arn}`); },
    simulateAssumeRole: async () => ({ decision: 'allowed', matchedPolicies: [] }),
    assumeRole: async () => { throw new Error('AssumeRole is not expected'); },
    ...overrides,
  };
}

/** The source or destination end of the walkthrough's chain. */
export function sideOf(label: Side['label'], account: AwsAccount = inMemoryAccount(), stack?: string): Side {
  const arn = label === 'source' ? SOURCE_ARN : DESTINATION_ARN;
  return { label, arn, parts: parseRoleArn(arn)!, account, stack };
}

/** A role as IAM holds it, with `trustPolicy` as its trust. */
export function deployedRole(arn: string, trustPolicy: PolicyDocument, maxSessionDuration = 3600): DeployedRole {
  return { arn, roleId: 'AROAEXAMPLEROLEID0001', trustPolicy, maxSessionDuration };
}
