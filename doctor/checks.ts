/**
 * The checks of one chain: a source role that assumes a destination role in another account.
 * Each check gives a verdict and, for every problem, its cause and the change that fixes it.
 * A chain `works` only when every check passed; a check that could not reach a verdict makes
 * the chain `unverified`, never `works`.
 */
import { type AwsAccount, AwsCallError, type DeployedRole } from './aws-account';
import { fixFor, refineFailure } from './aws-failures';
import {
  type CheckResult, type Finding, type RoleArnParts, type Side,
  check, deployCommand, describe, message, worstOf,
} from './check-result';
import { identityCheck } from './identity-check';
import { applyingDeny, callerConditionsCheck, sessionNameFor, trustCheck } from './trust-checks';
import { type TrustEvaluation, contextOf, evaluateTrust, statementsOf } from './trust-policy';

export type { CheckResult, Finding, RoleArnParts, Verdict } from './check-result';
export { ROLE_SESSION_NAME } from './trust-checks';

export interface Chain {
  readonly sourceRoleArn: string;
  readonly destinationRoleArn: string;
  /** The Region of the source's tasks, for the confused-deputy conditions. @default - unknown */
  readonly region?: string;
  /** The stacks that define the roles, for the fixes. @default - unknown */
  readonly sourceStack?: string;
  readonly destinationStack?: string;
}

export interface ChainOptions {
  readonly externalId?: string;
  /** The session name the task's client sends, for sts:RoleSessionName conditions and --assume. @default - unknown */
  readonly roleSessionName?: string;
  readonly assume?: boolean;
}

/** `works`: every check passed; `broken`: a check found why the chain fails; `unverified`: neither, some check could not run. */
export type ChainStatus = 'works' | 'broken' | 'unverified';

export interface ChainReport {
  readonly sourceRoleArn: string;
  readonly destinationRoleArn: string;
  readonly status: ChainStatus;
  /** `true` only when every check passed (status `works`). */
  readonly works: boolean;
  readonly checks: CheckResult[];
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const ROLE_CHAINING_SECONDS = 3600;

export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const match = ROLE_ARN.exec(arn);
  return match ? { partition: match[1], account: match[2], roleName: match[3] } : undefined;
}

export function statusOf(checks: readonly CheckResult[]): ChainStatus {
  return checks.some(c => c.verdict === 'error') ? 'broken' : checks.some(c => c.verdict === 'unverified') ? 'unverified' : 'works';
}

/** The request the source's task makes, as far as the doctor knows it: a key it cannot know stays out. */
function requestContext(chain: Chain, source: RoleArnParts, destination: RoleArnParts, options: ChainOptions) {
  return contextOf({
    'aws:PrincipalArn': chain.sourceRoleArn,
    'aws:PrincipalAccount': source.account,
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
    'aws:SecureTransport': 'true',
    'aws:ResourceAccount': destination.account,
    'sts:ExternalId': options.externalId,
    // Without --role-session-name the key stays unknown: any session-name condition cannot be verified.
    ...(options.roleSessionName !== undefined ? { 'sts:RoleSessionName': options.roleSessionName } : {}),
  });
}

/** Runs the checks of one chain; never throws for what AWS answers. */
export async function checkChain(chain: Chain, source: AwsAccount, destination: AwsAccount, options: ChainOptions = {}): Promise<ChainReport> {
  const sides: Side[] = [
    { label: 'source', arn: chain.sourceRoleArn, parts: parseRoleArn(chain.sourceRoleArn)!, account: source, stack: chain.sourceStack },
    { label: 'destination', arn: chain.destinationRoleArn, parts: parseRoleArn(chain.destinationRoleArn)!, account: destination, stack: chain.destinationStack },
  ];
  const [sourceSide, destinationSide] = sides;
  // Both accounts at once: a slow or unreachable endpoint is waited for once, not twice in a row.
  const [sourceRead, destinationRead] = await Promise.all(sides.map(readRole));
  const findings = [...sourceRead.problems, ...destinationRead.problems];
  const sourceRole = sourceRead.role;
  const destinationRole = destinationRead.role;
  const checks: CheckResult[] = [
    check(1, 'Both roles exist in the expected accounts', worstOf(findings, 'ok'),
      `${sourceSide.parts.roleName} in ${sourceSide.parts.account}, ${destinationSide.parts.roleName} in ${destinationSide.parts.account}`,
      findings),
  ];

  const skipped = (id: number, name: string, missing: string) => check(id, name, 'skipped', `the ${missing} role could not be read`);
  const context = requestContext(chain, sourceSide.parts, destinationSide.parts, options);
  const trust = destinationRole && evaluateTrust(destinationRole.trustPolicy,
    { kind: 'role', arn: chain.sourceRoleArn, account: sourceSide.parts.account }, context);
  checks.push(trust
    ? trustCheck(trust, sourceSide, destinationSide, sourceRole)
    : skipped(2, 'The destination\'s trust admits the source role', 'destination'));
  checks.push(trust
    ? callerConditionsCheck(trust, options.externalId, options.roleSessionName)
    : skipped(3, 'The caller meets the trust\'s conditions', 'destination'));
  checks.push(sourceRole
    ? await identityCheck(sourceSide, destinationSide, sourceRole, context)
    : skipped(4, 'The source role may call sts:AssumeRole on the destination', 'source'));
  checks.push(sourceRole
    ? serviceCheck(sourceRole, sourceSide, chain.region)
    : skipped(5, 'An AWS service may give the source role to its tasks', 'source'));
  checks.push(destinationRole
    ? sessionDurationCheck(destinationRole)
    : skipped(6, 'Session duration', 'destination'));
  if (options.assume) {
    checks.push(await assumeCheck(sourceSide, sourceRead.callerArn, chain.destinationRoleArn, options, trust, checks));
  }
  const status = statusOf(checks);
  return { sourceRoleArn: chain.sourceRoleArn, destinationRoleArn: chain.destinationRoleArn, status, works: status === 'works', checks };
}

/** A call that failed: the check could not run, with the fix for what failed (network, profile, credentials, permission). */
async function callFailed(side: Side, error: unknown, action: string, what: string): Promise<Finding> {
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

async function readRole(side: Side): Promise<{ role?: DeployedRole; problems: Finding[]; callerArn?: string }> {
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

const SERVICE = 'An AWS service may give the source role to its tasks';
const ECS_TASKS = 'ecs-tasks.amazonaws.com';

function serviceCheck(role: DeployedRole, source: Side, region: string | undefined): CheckResult {
  const services = statementsOf(role.trustPolicy).flatMap(s => s.Principal && s.Principal !== '*' ? [s.Principal.Service ?? []].flat() : []);
  const service = services.find(s => s === ECS_TASKS) ?? services[0];
  if (!service) {
    return check(5, SERVICE, 'warning', 'no AWS service may assume the source role', [{
      cause: `The trust of ${source.parts.roleName} names no service principal: an ECS task cannot use it as its task role.`,
      fix: 'Use a CrossAccountTaskRole as the task role (it trusts ecs-tasks.amazonaws.com), unless the source is not an AWS service.',
    }]);
  }
  const { account, partition } = source.parts;
  const serviceName = service.split('.')[0].replace(/-tasks$/, '');
  const trust = evaluateTrust(role.trustPolicy, { kind: 'service', service }, contextOf({
    'aws:SourceAccount': account,
    'aws:PrincipalIsAWSService': 'true',
    ...(region ? { 'aws:SourceArn': `arn:${partition}:${serviceName}:${region}:${account}:task/doctor` } : {}),
  }));
  const deny = applyingDeny(trust);
  const allow = trust.statements.filter(s => s.effect === 'Allow');
  const passing = allow.filter(s => s.failed.length === 0).sort((a, b) => a.unknown.length - b.unknown.length)[0];
  if (deny || !passing) {
    const failed = allow.flatMap(s => s.failed);
    return check(5, SERVICE, 'error', `${service} is refused`, [{
      cause: deny
        ? `${deny.name} denies ${service}.`
        : `The trust admits ${service} only if ${failed.map(describe).join(' and ')}, but the source's tasks run in account ${account}`
          + `${region ? `, ${region}` : ''}.`,
      fix: `Deploy the source stack in account ${account}${region ? ` and ${region}` : ''}, the account and Region of the tasks, `
        + 'so that the confused-deputy conditions name them.',
    }]);
  }
  const keys = passing.conditions.map(t => t.key.toLowerCase());
  if (passing.unknown.length > 0) {
    const regionUnknown = passing.unknown.some(t => t.key.toLowerCase() === 'aws:sourcearn') && !region;
    return check(5, SERVICE, 'unverified', `could not verify: ${service} only if ${passing.unknown.map(t => t.key).join(', ')} allow${passing.unknown.length === 1 ? 's' : ''} it`,
      passing.unknown.map(test => ({
        cause: `${passing.name} admits ${service} only if ${describe(test)}.`,
        fix: regionUnknown && test.key.toLowerCase() === 'aws:sourcearn'
          ? 'Run again with --region <the Region of the tasks> (--app takes it from the stack).'
          : `Make sure the service's call meets ${test.key}.`,
      })));
  }
  if (!keys.includes('aws:sourceaccount') && !keys.includes('aws:sourcearn')) {
    return check(5, SERVICE, 'warning', `${service}, without confused-deputy conditions`, [{
      cause: `${passing.name} admits ${service} without aws:SourceAccount or aws:SourceArn.`,
      fix: 'Keep the confused-deputy guard of CrossAccountTaskRole on (the default) and redeploy the source stack.',
    }]);
  }
  const regions = passing.conditions.filter(t => t.key.toLowerCase() === 'aws:sourcearn').flatMap(t => t.values.map(v => v.split(':')[3]));
  return check(5, SERVICE, 'ok', `${service}, for account ${account}${regions.length ? ` in ${[...new Set(regions)].join(', ')}` : ''}`);
}

function sessionDurationCheck(role: DeployedRole): CheckResult {
  const name = 'Session duration';
  const hours = (seconds: number) => `${+(seconds / 3600).toFixed(2)} h`;
  if (role.maxSessionDuration <= ROLE_CHAINING_SECONDS) {
    return check(6, name, 'ok', `${hours(role.maxSessionDuration)} maximum, within the 1 h role-chaining cap`);
  }
  return check(6, name, 'ok', `sessions from a task last at most 1 h (role chaining), not the role's ${hours(role.maxSessionDuration)}: `
    + 'keep duration_seconds at 3600 or less');
}

async function assumeCheck(source: Side, sessionArn: string | undefined, destinationArn: string, options: ChainOptions,
  trust: TrustEvaluation | undefined, checks: CheckResult[]): Promise<CheckResult> {
  const name = 'sts:AssumeRole from the source, then sts:GetCallerIdentity';
  const sourceSession = `:assumed-role/${source.parts.roleName}/`;
  if (!sessionArn || !sessionArn.replace(':sts::', ':iam::').includes(`:${source.parts.account}${sourceSession}`)) {
    return check(7, name, 'unverified', 'not attempted', [{
      cause: `The source credentials (${sessionArn ?? 'unknown'}) are not a session of ${source.parts.roleName}: `
        + 'a call made with them would not prove the chain.',
      fix: 'Run the doctor with --assume inside the task, or with a --source-profile that assumes the source role.',
    }]);
  }
  if (checks.some(c => c.verdict === 'error')) {
    return check(7, name, 'skipped', 'the checks above already found why it would fail');
  }
  const sessionName = options.roleSessionName ?? sessionNameFor(trust);
  if (sessionName === undefined) {
    return check(7, name, 'unverified', 'not attempted', [{
      cause: 'The trust requires a session name (sts:RoleSessionName) and the doctor cannot derive one that matches from its pattern.',
      fix: 'Run again with --role-session-name <name>: the role_session_name the task\'s profile sends.',
    }]);
  }
  try {
    const identity = await source.account.assumeRole(destinationArn, sessionName, options.externalId);
    return check(7, name, 'ok', `now ${identity.arn}`);
  } catch (error) {
    if (error instanceof AwsCallError && error.failure.kind !== 'denied') {
      return check(7, name, 'unverified', 'AssumeRole could not be called', [await callFailed(source, error, 'sts:AssumeRole', 'call sts:AssumeRole')]);
    }
    return check(7, name, 'error', 'AssumeRole failed', [{
      cause: `AWS refused: ${error instanceof AwsCallError ? error.failure.summary : message(error)}`,
      fix: 'Compare the checks above with the destination\'s trust and the source\'s policies; an SCP or a resource control policy may also deny it.',
    }]);
  }
}
