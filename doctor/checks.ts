/**
 * The checks of one chain: a source role that assumes a destination role in another account.
 * Each check gives a verdict and, for every problem, its cause and the change that fixes it.
 */
import type { AwsAccount, DeployedRole } from './aws-account';
import {
  type ConditionTest, type StatementResult, type TrustEvaluation,
  contextOf, evaluateTrust, isPrincipalKey, statementsOf, testCondition,
} from './trust-policy';

export type Verdict = 'ok' | 'warning' | 'error' | 'skipped';

export interface Finding {
  readonly cause: string;
  readonly fix?: string;
}

export interface CheckResult {
  readonly id: number;
  readonly name: string;
  readonly verdict: Verdict;
  readonly detail: string;
  readonly findings: Finding[];
}

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

export interface ChainReport {
  readonly sourceRoleArn: string;
  readonly destinationRoleArn: string;
  readonly works: boolean;
  readonly checks: CheckResult[];
}

export interface RoleArnParts {
  readonly partition: string;
  readonly account: string;
  readonly roleName: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const ROLE_CHAINING_SECONDS = 3600;
const SESSION_NAME = 'cdk-cross-account-task-roles-doctor';
/** What STS accepts as a RoleSessionName. */
export const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SESSION_NAME_KEY = 'sts:rolesessionname';

export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const match = ROLE_ARN.exec(arn);
  return match ? { partition: match[1], account: match[2], roleName: match[3] } : undefined;
}

const check = (id: number, name: string, verdict: Verdict, detail: string, findings: Finding[] = []): CheckResult =>
  ({ id, name, verdict, detail, findings });

const message = (error: unknown) => {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.split('\n')[0];
};

const describe = (test: ConditionTest) => `${test.operator} ${test.key} ${test.values.length === 1 ? test.values[0] : `[${test.values.join(', ')}]`}`;

interface Side {
  readonly label: 'source' | 'destination';
  readonly arn: string;
  readonly parts: RoleArnParts;
  readonly account: AwsAccount;
  readonly stack?: string;
}

/** Runs the checks of one chain; never throws for what AWS answers. */
export async function checkChain(chain: Chain, source: AwsAccount, destination: AwsAccount, options: ChainOptions = {}): Promise<ChainReport> {
  const sides: Side[] = [
    { label: 'source', arn: chain.sourceRoleArn, parts: parseRoleArn(chain.sourceRoleArn)!, account: source, stack: chain.sourceStack },
    { label: 'destination', arn: chain.destinationRoleArn, parts: parseRoleArn(chain.destinationRoleArn)!, account: destination, stack: chain.destinationStack },
  ];
  const [sourceSide, destinationSide] = sides;
  const findings: Finding[] = [];
  const roles: (DeployedRole | undefined)[] = [];
  let sourceSession: string | undefined;
  for (const side of sides) {
    const { role, problems, callerArn } = await readRole(side);
    roles.push(role);
    findings.push(...problems);
    if (side.label === 'source') {
      sourceSession = callerArn;
    }
  }
  const [sourceRole, destinationRole] = roles;
  const checks: CheckResult[] = [
    check(1, 'Both roles exist in the expected accounts', findings.length ? 'error' : 'ok',
      `${sourceSide.parts.roleName} in ${sourceSide.parts.account}, ${destinationSide.parts.roleName} in ${destinationSide.parts.account}`,
      findings),
  ];

  const skipped = (id: number, name: string, missing: string) => check(id, name, 'skipped', `the ${missing} role could not be read`);
  const trust = destinationRole && evaluateTrust(destinationRole.trustPolicy,
    { kind: 'role', arn: chain.sourceRoleArn, account: sourceSide.parts.account },
    contextOf({
      'aws:PrincipalArn': chain.sourceRoleArn,
      'aws:PrincipalAccount': sourceSide.parts.account,
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalIsAWSService': 'false',
      'aws:SecureTransport': 'true',
      'sts:ExternalId': options.externalId,
      // Without --role-session-name the key stays unknown: any session-name condition is reported as a requirement.
      ...(options.roleSessionName !== undefined ? { 'sts:RoleSessionName': options.roleSessionName } : {}),
    }));
  checks.push(trust
    ? trustCheck(trust, sourceSide, destinationSide, sourceRole)
    : skipped(2, 'The destination\'s trust admits the source role', 'destination'));
  checks.push(trust
    ? callerConditionsCheck(trust, options.externalId, options.roleSessionName)
    : skipped(3, 'The caller meets the trust\'s conditions', 'destination'));
  checks.push(sourceRole
    ? await identityCheck(sourceSide, destinationSide)
    : skipped(4, 'The source role may call sts:AssumeRole on the destination', 'source'));
  checks.push(sourceRole
    ? serviceCheck(sourceRole, sourceSide, chain.region)
    : skipped(5, 'An AWS service may give the source role to its tasks', 'source'));
  checks.push(destinationRole
    ? sessionDurationCheck(destinationRole)
    : skipped(6, 'Session duration', 'destination'));
  if (options.assume) {
    checks.push(await assumeCheck(sourceSide, sourceSession, chain.destinationRoleArn, options, trust, checks));
  }
  return {
    sourceRoleArn: chain.sourceRoleArn,
    destinationRoleArn: chain.destinationRoleArn,
    works: !checks.some(c => c.verdict === 'error'),
    checks,
  };
}

async function readRole(side: Side): Promise<{ role?: DeployedRole; problems: Finding[]; callerArn?: string }> {
  const flag = `--${side.label}-profile`;
  let identity;
  try {
    identity = await side.account.callerIdentity();
  } catch (error) {
    return {
      problems: [{
        cause: `No usable credentials for the ${side.label} account from ${side.account.credentialsName}: ${message(error)}`,
        fix: `Pass ${flag} <profile> naming a profile of account ${side.parts.account} (see \`aws configure list-profiles\`).`,
      }],
    };
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
    return {
      callerArn: identity.arn,
      problems: [{
        cause: `Could not read ${side.arn} with ${side.account.credentialsName}: ${message(error)}`,
        fix: `Use ${flag} with credentials allowed the IAM read calls (for example the AWS managed policy SecurityAudit).`,
      }],
    };
  }
  if (!role) {
    const stack = side.stack ? `\`cdk deploy ${side.stack}\`` : 'the stack that defines it';
    return {
      callerArn: identity.arn,
      problems: [{
        cause: `The ${side.label} role ${side.parts.roleName} does not exist in account ${side.parts.account}.`,
        fix: `Deploy ${stack} to account ${side.parts.account}, or correct --${side.label}-role.`,
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

const TRUST = 'The destination\'s trust admits the source role';

function admitting(trust: TrustEvaluation): StatementResult[] {
  return trust.statements.filter(s => s.effect === 'Allow' && !s.failed.some(t => isPrincipalKey(t.key)));
}

function trustCheck(trust: TrustEvaluation, source: Side, destination: Side, sourceRole: DeployedRole | undefined): CheckResult {
  const redeploy = destination.stack ? `\`cdk deploy ${destination.stack}\`` : 'a deployment of the destination stack';
  const deny = trust.statements.find(s => s.effect === 'Deny' && s.failed.length === 0 && s.unknown.length === 0);
  if (deny) {
    return check(2, TRUST, 'error', `denied by ${deny.name}`, [{
      cause: `The trust of ${destination.parts.roleName} has a Deny (${deny.name}) that applies to ${source.arn}.`,
      fix: 'Remove the Deny from the trust policy, or exclude the source role from it.',
    }]);
  }
  const candidates = admitting(trust);
  const stale = trust.uniqueIdPrincipals;
  const staleFinding: Finding = {
    cause: `The trust names ${stale.join(', ')} instead of a role ARN: IAM shows a principal as its unique ID when the role it named `
      + `was deleted. The source role was deleted and recreated${sourceRole ? ` (its ID is now ${sourceRole.roleId})` : ''}, `
      + 'and a trust never follows a new role of the same name.',
    fix: `Write the trust again with the ARN ${source.arn}: change the destination's trust and run ${redeploy} `
      + `(CloudFormation skips an unchanged template), or \`aws iam update-assume-role-policy --role-name ${destination.parts.roleName} `
      + '--policy-document file://trust.json\`. TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN (account root + aws:PrincipalArn) survives a recreation.',
  };
  if (candidates.length === 0) {
    if (stale.length > 0) {
      return check(2, TRUST, 'error', 'a principal of the trust is a deleted role', [staleFinding]);
    }
    const named = trust.statements.filter(s => s.effect === 'Allow');
    const why = named.length === 0
      ? `No statement of the trust of ${destination.parts.roleName} names ${source.arn}, its account or everyone.`
      : `The trust admits account ${source.parts.account} only if ${named.flatMap(s => s.failed).map(describe).join(' and ')}.`;
    return check(2, TRUST, 'error', `${source.parts.roleName} is not admitted`, [{
      cause: `${why} Principals in the trust: ${trustPrincipals(trust) || 'none'}.`,
      fix: `Add the source role to the TrustedDestinationRole (trustedRoles: [RoleReference.fromArn('${source.arn}')], or addTrustedRole) `
        + `and run ${redeploy}.`,
    }]);
  }
  const best = [...candidates].sort((a, b) => principalUnknowns(a).length - principalUnknowns(b).length)[0];
  const keys = best.conditions.map(t => t.key.toLowerCase());
  const findings: Finding[] = stale.length > 0 ? [{ ...staleFinding, fix: `Remove ${stale.join(', ')} from the trust.` }] : [];
  const unknown = principalUnknowns(best);
  findings.push(...unknown.map(test => principalConditionFinding(test, source)));
  let how: string;
  if (best.principal === 'role ARN') {
    how = 'by its ARN';
  } else if (keys.includes('aws:principalarn')) {
    how = `by account ${source.parts.account} + aws:PrincipalArn`;
  } else if (keys.some(k => k.startsWith('aws:principalorg'))) {
    how = 'by organization';
  } else {
    how = best.principal === 'everyone' ? 'by a trust open to every principal' : `by the whole account ${source.parts.account}`;
    findings.push({
      cause: `${best.name} admits ${best.principal === 'everyone' ? 'every AWS principal' : `every principal of account ${source.parts.account}`} `
        + 'whose own policies allow sts:AssumeRole on this role, not only the source role.',
      fix: 'Name the source role: TrustMode.ROLE_ARN, or TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN.',
    });
  }
  return check(2, TRUST, findings.length ? 'warning' : 'ok', `${how} (${best.name})`, findings);
}

/** What the doctor can say about a condition on the principal that it cannot judge: a warning, never a failure. */
function principalConditionFinding(test: ConditionTest, source: Side): Finding {
  const key = test.key.toLowerCase();
  if (key.startsWith('aws:principalorg')) {
    return {
      cause: `Admitted only if the source account meets ${describe(test)}: the doctor cannot read AWS Organizations.`,
      fix: `Check with \`aws organizations describe-organization\` using credentials of account ${source.parts.account}.`,
    };
  }
  if (key.startsWith('aws:principaltag/')) {
    return {
      cause: `Admitted only if the caller meets ${describe(test)}: the source role's tags/session tags must match, and the doctor does not read tags.`,
      fix: `Check the source role's tags with \`aws iam list-role-tags --role-name ${source.parts.roleName}\` `
        + 'using credentials of the source account, and the session tags the task passes, if any.',
    };
  }
  return {
    cause: `Admitted only if the caller meets ${describe(test)}: this condition cannot be checked from here.`,
    fix: `Make sure the source role ${source.arn} meets ${test.key} when it calls sts:AssumeRole.`,
  };
}

function principalUnknowns(statement: StatementResult): ConditionTest[] {
  return statement.unknown.filter(t => isPrincipalKey(t.key));
}

function trustPrincipals(trust: TrustEvaluation): string {
  return trust.awsPrincipals.join(', ');
}

const CONDITIONS = 'The caller meets the trust\'s conditions';

function callerConditionsCheck(trust: TrustEvaluation, externalId: string | undefined, roleSessionName: string | undefined): CheckResult {
  const candidates = admitting(trust);
  if (candidates.length === 0) {
    return check(3, CONDITIONS, 'skipped', 'no statement of the trust admits the source role');
  }
  const callerFailed = (s: StatementResult) => s.failed.filter(t => !isPrincipalKey(t.key));
  const passing = candidates.filter(s => callerFailed(s).length === 0);
  if (passing.length === 0) {
    const statement = candidates[0];
    return check(3, CONDITIONS, 'error', `${statement.name} is not met`, callerFailed(statement).map(test => {
      if (test.key.toLowerCase() === 'sts:externalid') {
        return externalId === undefined
          ? {
            cause: `The trust requires an external ID (${test.operator} sts:ExternalId in ${statement.name}) and none was given.`,
            fix: 'Run again with --external-id <value>: the external_id the task\'s profile sends (AwsConfigProfile.render(..., { externalId })).',
          }
          : {
            cause: `The external ID given does not match the one the trust requires (${test.operator} sts:ExternalId in ${statement.name}).`,
            fix: 'Use the same value in the TrustedDestinationRole (externalId), the task\'s profile (external_id) and --external-id.',
          };
      }
      if (test.key.toLowerCase() === SESSION_NAME_KEY) {
        return {
          cause: `The session name given (${roleSessionName}) does not meet ${describe(test)} (${statement.name}).`,
          fix: 'Use a session name that matches, the same in the task\'s profile (role_session_name, AwsConfigProfile roleSessionName) '
            + 'and in --role-session-name.',
        };
      }
      return { cause: `The request does not meet ${describe(test)} (${statement.name}).`, fix: `Send a request that meets ${test.key}, or change the trust.` };
    }));
  }
  const best = [...passing].sort((a, b) => a.unknown.length - b.unknown.length)[0];
  const unknown = best.unknown.filter(t => !isPrincipalKey(t.key));
  if (unknown.length > 0) {
    return check(3, CONDITIONS, 'warning', `depends on ${unknown.map(t => t.key).join(', ')}`, unknown.map(test => ({
      cause: `The caller must meet ${describe(test)} (${best.name}); the doctor cannot know what the task's client sends.`,
      fix: test.key.toLowerCase() === SESSION_NAME_KEY
        ? 'Run again with --role-session-name <name>: the role_session_name the task\'s profile sends (AwsConfigProfile roleSessionName), '
          + 'which must match.'
        : `Make sure the task's request meets ${test.key}.`,
    })));
  }
  const required = best.conditions.filter(t => !isPrincipalKey(t.key)).map(t => t.key);
  const detail = required.some(k => k.toLowerCase() === 'sts:externalid')
    ? `the external ID given matches${required.some(k => k.toLowerCase() === SESSION_NAME_KEY) ? ', and the session name given' : ''}`
    : required.some(k => k.toLowerCase() === SESSION_NAME_KEY) ? `the session name given matches${required.length > 1 ? ` (${required.join(', ')} met)` : ''}`
      : required.length > 0 ? `${required.join(', ')} met` : `none required${externalId !== undefined ? ' (the external ID given is not checked by the trust)' : ''}`;
  return check(3, CONDITIONS, 'ok', detail);
}

const IDENTITY = 'The source role may call sts:AssumeRole on the destination';

async function identityCheck(source: Side, destination: Side): Promise<CheckResult> {
  let simulation;
  try {
    simulation = await source.account.simulateAssumeRole(source.arn, destination.arn);
  } catch (error) {
    return check(4, IDENTITY, 'warning', 'IAM\'s policy simulator could not be asked', [{
      cause: `iam:SimulatePrincipalPolicy failed with ${source.account.credentialsName}: ${message(error)}`,
      fix: `Use --source-profile with credentials allowed iam:SimulatePrincipalPolicy on ${source.arn}.`,
    }]);
  }
  const redeploy = source.stack ? `\`cdk deploy ${source.stack}\`` : 'a deployment of the source stack';
  if (simulation.decision === 'allowed') {
    return check(4, IDENTITY, 'ok', `allowed by ${simulation.matchedPolicies.join(', ') || 'its policies'} (IAM policy simulator)`);
  }
  if (simulation.decision === 'explicitDeny') {
    return check(4, IDENTITY, 'error', 'explicitly denied (IAM policy simulator)', [{
      cause: `A Deny in ${simulation.matchedPolicies.join(', ') || 'a policy of the source role'} applies to sts:AssumeRole on ${destination.arn}.`,
      fix: 'Remove the Deny, or exclude the destination role from it.',
    }]);
  }
  if (simulation.allowedByPermissionsBoundary === false) {
    return check(4, IDENTITY, 'error', 'denied by the permissions boundary (IAM policy simulator)', [{
      cause: `The permissions boundary of ${source.parts.roleName} does not allow sts:AssumeRole on ${destination.arn}; `
        + 'a boundary caps what the role\'s own policies allow.',
      fix: `Add to the boundary policy a statement that allows sts:AssumeRole on ${destination.arn}, or remove the boundary.`,
    }]);
  }
  if (simulation.allowedByOrganizations === false) {
    return check(4, IDENTITY, 'error', 'denied by a service control policy (IAM policy simulator)', [{
      cause: `A service control policy of the source account does not allow sts:AssumeRole on ${destination.arn}.`,
      fix: 'Ask the organization\'s administrators to allow it in the SCPs that apply to the source account.',
    }]);
  }
  let names: string[] = [];
  try {
    names = await source.account.policyNames(source.parts.roleName);
  } catch {
    // The names only enrich the message.
  }
  return check(4, IDENTITY, 'error', 'no policy allows it (IAM policy simulator)', [{
    cause: `None of the policies of ${source.parts.roleName} (${names.join(', ') || 'it has none'}) allows sts:AssumeRole on ${destination.arn}.`,
    fix: `Name the destination in the CrossAccountTaskRole (destinationRoles: [RoleReference.fromArn('${destination.arn}')], `
      + `or addDestination) and run ${redeploy}.`,
  }]);
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
  const deny = trust.statements.find(s => s.effect === 'Deny' && s.failed.length === 0 && s.unknown.length === 0);
  const allow = trust.statements.filter(s => s.effect === 'Allow');
  const passing = allow.find(s => s.failed.length === 0);
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
  if (!keys.includes('aws:sourceaccount') && !keys.includes('aws:sourcearn')) {
    return check(5, SERVICE, 'warning', `${service}, without confused-deputy conditions`, [{
      cause: `${passing.name} admits ${service} without aws:SourceAccount or aws:SourceArn.`,
      fix: 'Keep the confused-deputy guard of CrossAccountTaskRole on (the default) and redeploy the source stack.',
    }]);
  }
  const regions = passing.conditions.filter(t => t.key.toLowerCase() === 'aws:sourcearn').flatMap(t => t.values.map(v => v.split(':')[3]));
  return check(5, SERVICE, 'ok', `${service}, for account ${account}${regions.length ? ` in ${[...new Set(regions)].join(', ')}` : ''}`);
}

/**
 * The session name --assume sends when none was given: the doctor's own name when the trust
 * asks for none, else a name built from a literal pattern (`*` as `doctor`, `?` as `x`) that
 * meets every session-name condition of an admitting statement, else `undefined`.
 */
function sessionNameFor(trust: TrustEvaluation | undefined): string | undefined {
  const statements = trust ? admitting(trust) : [];
  const sessionTests = (s: StatementResult) => s.conditions.filter(t => t.key.toLowerCase() === SESSION_NAME_KEY);
  if (statements.length === 0 || statements.some(s => sessionTests(s).length === 0)) {
    return SESSION_NAME;
  }
  for (const statement of statements) {
    const tests = sessionTests(statement);
    for (const candidate of tests.flatMap(t => t.values).map(v => v.replace(/\*/g, 'doctor').replace(/\?/g, 'x'))) {
      const context = contextOf({ 'sts:RoleSessionName': candidate });
      if (ROLE_SESSION_NAME.test(candidate) && tests.every(t => testCondition(t, context) === true)) {
        return candidate;
      }
    }
  }
  return undefined;
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
    return check(7, name, 'warning', 'not attempted', [{
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
    return check(7, name, 'warning', 'not attempted', [{
      cause: 'The trust requires a session name (sts:RoleSessionName) and the doctor cannot derive one that matches from its pattern.',
      fix: 'Run again with --role-session-name <name>: the role_session_name the task\'s profile sends.',
    }]);
  }
  try {
    const identity = await source.account.assumeRole(destinationArn, sessionName, options.externalId);
    return check(7, name, 'ok', `now ${identity.arn}`);
  } catch (error) {
    return check(7, name, 'error', 'AssumeRole failed', [{
      cause: `AWS refused: ${message(error)}`,
      fix: 'Compare the checks above with the destination\'s trust and the source\'s policies; an SCP or a resource control policy may also deny it.',
    }]);
  }
}
