/**
 * Checks 6 and 7: how long a session of the destination role lasts when a task chains into it,
 * and, with --assume, the chain itself: sts:AssumeRole with the source credentials.
 */
import { AwsCallError, type DeployedRole } from './aws-account';
import { type CheckOutcome, type CheckResult, type Side, message, outcome } from './check-result';
import type { ChainOptions } from './checks';
import { callFailed } from './role-reads';
import { sessionNameFor } from './trust-checks';
import type { TrustEvaluation } from './trust-policy';

const ROLE_CHAINING_SECONDS = 3600;

export function sessionDurationCheck(role: DeployedRole): CheckOutcome {
  const hours = (seconds: number) => `${+(seconds / 3600).toFixed(2)} h`;
  if (role.maxSessionDuration <= ROLE_CHAINING_SECONDS) {
    return outcome('ok', `${hours(role.maxSessionDuration)} maximum, within the 1 h role-chaining cap`);
  }
  return outcome('ok', `sessions from a task last at most 1 h (role chaining), not the role's ${hours(role.maxSessionDuration)}: `
    + 'keep duration_seconds at 3600 or less');
}

export async function assumeCheck(source: Side, sessionArn: string | undefined, destinationArn: string, options: ChainOptions,
  trust: TrustEvaluation | undefined, earlier: readonly CheckResult[]): Promise<CheckOutcome> {
  const sourceSession = `:assumed-role/${source.parts.roleName}/`;
  if (!sessionArn || !sessionArn.includes(`:${source.parts.account}${sourceSession}`)) {
    return outcome('unverified', 'not attempted', [{
      cause: `The source credentials (${sessionArn ?? 'unknown'}) are not a session of ${source.parts.roleName}: `
        + 'a call made with them would not prove the chain.',
      fix: 'Run the doctor with --assume inside the task, or with a --source-profile that assumes the source role.',
    }]);
  }
  if (earlier.some(c => c.verdict === 'error')) {
    return outcome('skipped', 'the checks above already found why it would fail');
  }
  const sessionName = options.roleSessionName ?? sessionNameFor(trust);
  if (sessionName === undefined) {
    return outcome('unverified', 'not attempted', [{
      cause: 'The trust requires a session name (sts:RoleSessionName) and the doctor cannot derive one that matches from its pattern.',
      fix: 'Run again with --role-session-name <name>: the role_session_name the task\'s profile sends.',
    }]);
  }
  try {
    const identity = await source.account.assumeRole(destinationArn, sessionName, options.externalId);
    return outcome('ok', `now ${identity.arn}`);
  } catch (error) {
    if (error instanceof AwsCallError && error.failure.kind !== 'denied') {
      return outcome('unverified', 'AssumeRole could not be called', [await callFailed(source, error, 'sts:AssumeRole', 'call sts:AssumeRole')]);
    }
    return outcome('error', 'AssumeRole failed', [{
      cause: `AWS refused: ${error instanceof AwsCallError ? error.failure.summary : message(error)}`,
      fix: 'Compare the checks above with the destination\'s trust and the source\'s policies; an SCP or a resource control policy may also deny it.',
    }]);
  }
}
