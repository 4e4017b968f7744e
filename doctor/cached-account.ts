/**
 * One account's reads, each made once: an app of many chains over a few roles reads each
 * role and each policy once, and asks the caller's identity once per set of credentials.
 * A failure is remembered too, so an endpoint that does not answer is waited for once.
 * A call that takes more than a moment is announced on stderr, so that a slow network
 * never looks like a hang.
 */
import { type AwsAccount, AwsCallError } from './aws-account';

/** How long a call may run before the doctor says what it waits for. */
const PROGRESS_AFTER_MS = 1000;

export function cachedAccount(account: AwsAccount, progress: (line: string) => void, timeoutSeconds: number): AwsAccount {
  const cache = new Map<string, Promise<unknown>>();
  let simulatorUnavailable: Promise<never> | undefined;
  const once = <T>(key: string, action: string, read: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) {
      cache.set(key, announced(action, read));
    }
    return cache.get(key) as Promise<T>;
  };
  const announced = async <T>(action: string, read: () => Promise<T>): Promise<T> => {
    const timer = setTimeout(() => progress(`Waiting for ${action} with ${account.credentialsName} `
      + `(up to ${timeoutSeconds} s per attempt; --timeout changes it)...\n`), PROGRESS_AFTER_MS);
    try {
      return await read();
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    credentialsName: account.credentialsName,
    profile: account.profile,
    callerIdentity: () => once('identity', 'sts:GetCallerIdentity', () => account.callerIdentity()),
    getRole: roleName => once(`role ${roleName}`, `iam:GetRole ${roleName}`, () => account.getRole(roleName)),
    inlinePolicyNames: roleName => once(`inline ${roleName}`, `iam:ListRolePolicies ${roleName}`, () => account.inlinePolicyNames(roleName)),
    attachedPolicyArns: roleName => once(`attached ${roleName}`, `iam:ListAttachedRolePolicies ${roleName}`, () => account.attachedPolicyArns(roleName)),
    inlinePolicy: (roleName, policyName) => once(`inline ${roleName} ${policyName}`, `iam:GetRolePolicy ${policyName}`,
      () => account.inlinePolicy(roleName, policyName)),
    managedPolicy: policyArn => once(`managed ${policyArn}`, `iam:GetPolicyVersion ${policyArn}`, () => account.managedPolicy(policyArn)),
    simulateAssumeRole: (roleArn, targetArn) => {
      // A simulator that is missing or denied for one chain is so for every chain of the account: asked once.
      if (simulatorUnavailable) {
        return simulatorUnavailable;
      }
      return once(`simulate ${roleArn} ${targetArn}`, 'iam:SimulatePrincipalPolicy', () => account.simulateAssumeRole(roleArn, targetArn))
        .catch(error => {
          if (error instanceof AwsCallError && ['unsupported', 'denied'].includes(error.failure.kind)) {
            simulatorUnavailable = Promise.reject(error);
            simulatorUnavailable.catch(() => undefined);
          }
          throw error;
        });
    },
    // Never cached: each --assume is a real call.
    assumeRole: (roleArn, sessionName, externalId) => announced('sts:AssumeRole', () => account.assumeRole(roleArn, sessionName, externalId)),
  };
}
