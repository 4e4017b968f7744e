/**
 * Reads each end of a chain with its own credentials: the caller's account, then the role.
 * What it finds wrong (credentials of another account, a missing role, another path) becomes
 * the findings of the first check; what the other checks need is the role as deployed.
 */
import { AwsCallError, type DeployedRole } from './aws-account';
import { fixFor, refineFailure } from './aws-failures';
import { type Finding, type Side, deployCommand, message } from './check-result';

export interface RoleRead {
  /** The role as deployed. @default - it could not be read */
  readonly role?: DeployedRole;
  readonly problems: Finding[];
  /** Who the credentials are. @default - unknown: sts:GetCallerIdentity failed */
  readonly callerArn?: string;
}

/** A call that failed: the check could not run, with the fix for what failed (network, profile, credentials, permission). */
export async function callFailed(side: Side, error: unknown, action: string, what: string): Promise<Finding> {
  if (!(error instanceof AwsCallError)) {
    return { cause: `Could not ${what} with ${side.account.credentialsName}: ${message(error)}`, verdict: 'unverified' };
  }
  const failure = await refineFailure(error.failure, side.account.profile);
  const failureSide = {
    label: side.label, account: side.parts.account, profile: side.account.profile, credentialsName: side.account.credentialsName,
  };
  return {
    cause: `Could not ${what} with ${side.account.credentialsName}: ${error.action} failed: ${failure.summary}.`,
    fix: fixFor(failure, failureSide, action),
    verdict: 'unverified',
  };
}

export async function readRole(side: Side): Promise<RoleRead> {
  const flag = `--${side.label}-profile`;
  let identity;
  try {
    identity = await side.account.callerIdentity();
  } catch (error) {
    return { problems: [await callFailed(side, error, 'sts:GetCallerIdentity', `check the ${side.label} account`)] };
  }
  if (identity.account !== side.parts.account) {
    return {
      problems: [{
        cause: `The ${side.label} credentials (${side.account.credentialsName}) belong to account ${identity.account}, `
          + `but the ${side.label} role ${side.arn} is in account ${side.parts.account}.`,
        fix: `Pass ${flag} <profile> for account ${side.parts.account}. If \`cdk deploy\` ran with these credentials, `
          + `the stack went to account ${identity.account}: set the stack's env.account to ${side.parts.account} and deploy it there.`,
      }],
    };
  }
  let role;
  try {
    role = await side.account.getRole(side.parts.roleName);
  } catch (error) {
    return { callerArn: identity.arn, problems: [await callFailed(side, error, 'iam:GetRole', `read ${side.arn}`)] };
  }
  if (!role) {
    return {
      callerArn: identity.arn,
      problems: [{
        cause: `The ${side.label} role ${side.parts.roleName} does not exist in account ${side.parts.account}.`,
        fix: `Deploy ${side.stack ? deployCommand(side) : 'the stack that defines it'} to account ${side.parts.account}, or correct --${side.label}-role.`,
      }],
    };
  }
  if (role.arn !== side.arn) {
    return {
      role,
      callerArn: identity.arn,
      problems: [{
        cause: `The ${side.label} role exists as ${role.arn}, not ${side.arn}: the paths differ, and policies that name one ARN do not match the other.`,
        fix: `Give the role's path in --${side.label}-role, or correct the path in the RoleReference that names it.`,
      }],
    };
  }
  return { role, problems: [], callerArn: identity.arn };
}
