/**
 * Offline policy simulation of the cross-account chain, for the tests and the demo only:
 * @cloud-copilot/iam-simulate is AGPL-3.0, so nothing under src/ or doctor/ may import it,
 * nor anything of tools/ (test/boundaries.test.ts checks both).
 */
import { runSimulation, type Simulation, type SingleResourceSimulationResult } from '@cloud-copilot/iam-simulate';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, REGION, SOURCE_ACCOUNT } from './accounts';
import { type NamedPolicy, type PolicyDocument, type RoleIndex, type StackTemplate, rolesOf } from './template-roles';

export * from './template-roles';

export type Decision = 'allowed' | 'denied';

/** Both halves of a cross-account `sts:AssumeRole`: IAM allows it only when both allow it. */
export interface AssumeVerdict {
  /** Whether the caller's own policies allow `sts:AssumeRole` on the target. */
  readonly identity: Decision;
  /** Whether the target's trust policy allows the caller. */
  readonly trust: Decision;
  readonly result: Decision;
}

export interface AssumeRoleRequest {
  readonly callerArn: string;
  readonly targetArn: string;
  /** @default - the request carries no sts:ExternalId */
  readonly externalId?: string;
  /**
   * The STS action judged: `sts:TagSession` and `sts:SetSourceIdentity` are judged on
   * their own when a caller passes tags or a source identity with `AssumeRole`.
   * @default 'sts:AssumeRole'
   */
  readonly action?: string;
  /** @default - the request carries no sts:RoleSessionName */
  readonly roleSessionName?: string;
  /**
   * The identity policies of a caller outside the templates.
   * @default - none: such a caller is allowed nothing
   */
  readonly callerPolicies?: NamedPolicy[];
  /**
   * The trust policy of a target outside the templates.
   * @default - none: a target outside the templates cannot be judged, so the call throws
   */
  readonly targetTrust?: PolicyDocument;
  /**
   * The AWS Organization of the caller's account (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`).
   * @default - the caller's account is in no organization
   */
  readonly callerOrganization?: OrganizationContext;
  /**
   * The AWS Organization of the target's account (`aws:ResourceOrgID`, `aws:ResourceOrgPaths`).
   * @default - the target's account is in no organization
   */
  readonly targetOrganization?: OrganizationContext;
}

/** Where an account sits in an AWS Organization. */
export interface OrganizationContext {
  readonly id: string;
  /** Such as `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`. */
  readonly path: string;
}

/** ECS asks for the task role itself, so only the trust half applies. */
export interface EcsVerdict {
  readonly identity: 'n/a';
  readonly trust: Decision;
  readonly result: Decision;
}

export interface EcsAssumeRequest {
  readonly taskRoleArn: string;
  /** The account of the task ECS gives the role to (`aws:SourceAccount`). */
  readonly sourceAccount: string;
  /** @default - a task of `sourceAccount` in the role's region */
  readonly sourceArn?: string;
}

export interface VerdictRow {
  readonly case: string;
  readonly principal: string;
  readonly action: string;
  readonly target: string;
  readonly identity: Decision | 'n/a';
  readonly trust: Decision;
  readonly result: Decision;
  readonly expected: Decision;
  readonly why: string;
}

const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}):role\/.+$/;
const ASSUME_ROLE = 'sts:AssumeRole';
const ECS_TASKS = 'ecs-tasks.amazonaws.com';

/**
 * What a caller outside the templates may grant itself: whoever controls its
 * account can allow it every `sts:AssumeRole`, so only the target's trust stands in the way.
 */
export function allowAssumeAnyRole(): NamedPolicy {
  return {
    name: 'AssumeAnyRole',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ASSUME_ROLE, Resource: '*' }] },
  };
}

/** A trust policy that admits exactly one role, for targets outside the templates. */
export function trustOnly(callerArn: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ASSUME_ROLE, Principal: { AWS: callerArn } }] };
}

function accountOf(roleArn: string): string {
  const match = ROLE_ARN.exec(roleArn);
  if (!match) {
    throw new Error(`${roleArn} is not a role ARN (arn:<partition>:iam::<account>:role/<name>)`);
  }
  return match[1];
}

async function simulate(simulation: Simulation, what: string): Promise<SingleResourceSimulationResult> {
  const response = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (response.resultType === 'error') {
    throw new Error(`${what}: the simulator rejected the input: ${response.errors.message} ${JSON.stringify(response.errors)}`);
  }
  if (response.resultType !== 'single') {
    throw new Error(`${what}: expected one concrete resource, got a ${response.resultType} simulation`);
  }
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    // A condition on a dropped key is judged as if the key were absent, not as the test meant.
    throw new Error(`${what}: the simulator ignored the context keys ${ignored.join(', ')}`);
  }
  return response;
}

const decision = (allowed: boolean): Decision => allowed ? 'allowed' : 'denied';

/** Judges a cross-account `sts:AssumeRole` by a role, with the caller's credentials. */
export async function canAssume(roles: RoleIndex, request: AssumeRoleRequest): Promise<AssumeVerdict> {
  const what = `${request.callerArn} ${request.action ?? ASSUME_ROLE} ${request.targetArn}`;
  const callerAccount = accountOf(request.callerArn);
  const targetAccount = accountOf(request.targetArn);
  if (callerAccount === targetAccount) {
    // Within one account a trust policy naming the role allows it alone: the two halves would not combine as below.
    throw new Error(`${what}: canAssume judges cross-account requests only`);
  }
  const caller = roles.get(request.callerArn);
  const target = roles.get(request.targetArn);
  if ((caller && request.callerPolicies) || (target && request.targetTrust)) {
    throw new Error(`${what}: callerPolicies and targetTrust are for roles outside the templates; the templates define this one`);
  }
  const trustPolicy = target?.trustPolicy ?? request.targetTrust;
  if (!trustPolicy) {
    throw new Error(`${what}: no template defines the target and no targetTrust was given, so its trust is unknown`);
  }
  const boundary = caller?.permissionsBoundary;
  const response = await simulate({
    request: {
      principal: request.callerArn,
      action: request.action ?? ASSUME_ROLE,
      resource: { resource: request.targetArn, accountId: targetAccount },
      contextVariables: {
        'aws:PrincipalArn': request.callerArn,
        'aws:PrincipalAccount': callerAccount,
        ...(request.externalId === undefined ? {} : { 'sts:ExternalId': request.externalId }),
        ...(request.roleSessionName === undefined ? {} : { 'sts:RoleSessionName': request.roleSessionName }),
        ...(request.callerOrganization === undefined ? {} : {
          'aws:PrincipalOrgID': request.callerOrganization.id,
          'aws:PrincipalOrgPaths': [request.callerOrganization.path],
        }),
        ...(request.targetOrganization === undefined ? {} : {
          'aws:ResourceOrgID': request.targetOrganization.id,
          'aws:ResourceOrgPaths': [request.targetOrganization.path],
        }),
      },
    },
    identityPolicies: caller?.identityPolicies ?? request.callerPolicies ?? [],
    permissionBoundaryPolicies: boundary ? [boundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trustPolicy,
  }, what);

  const analysis = response.result.analysis;
  const identity = analysis.identityAnalysis?.result === 'Allowed'
    && (!boundary || analysis.permissionBoundaryAnalysis?.result === 'Allowed');
  const trust = ['Allowed', 'AllowedForAccount'].includes(analysis.resourceAnalysis?.result ?? '');
  const result = response.overallResult === 'Allowed';
  if (result !== (identity && trust)) {
    throw new Error(`${what}: the simulator's result (${response.overallResult}) does not follow from identity `
      + `(${decision(identity)}) and trust (${decision(trust)}): ${JSON.stringify(analysis)}`);
  }
  return { identity: decision(identity), trust: decision(trust), result: decision(result) };
}

/** Judges ECS asking to give a task role to a task, as ECS does when it starts the task. */
export async function ecsCanAssume(roles: RoleIndex, request: EcsAssumeRequest): Promise<EcsVerdict> {
  const role = roles.get(request.taskRoleArn);
  if (!role) {
    throw new Error(`${request.taskRoleArn}: no template defines this task role, so its trust is unknown`);
  }
  const sourceArn = request.sourceArn ?? `arn:${role.partition}:ecs:${role.region}:${request.sourceAccount}:task/cluster/abc`;
  const what = `${ECS_TASKS} for ${sourceArn} ${ASSUME_ROLE} ${role.arn}`;
  const response = await simulate({
    request: {
      principal: ECS_TASKS,
      action: ASSUME_ROLE,
      resource: { resource: role.arn, accountId: role.account },
      contextVariables: { 'aws:SourceAccount': request.sourceAccount, 'aws:SourceArn': sourceArn },
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: role.trustPolicy,
  }, what);
  const trust = response.result.analysis.resourceAnalysis?.result === 'Allowed';
  const result = response.overallResult === 'Allowed';
  if (result !== trust) {
    throw new Error(`${what}: the simulator's result (${response.overallResult}) does not follow from the trust policy alone`);
  }
  return { identity: 'n/a', trust: decision(trust), result: decision(result) };
}

export interface RoleRequest {
  readonly roleArn: string;
  readonly action: string;
  readonly resourceArn: string;
  /** Context keys of the request, such as `aws:SourceVpce`. @default - none */
  readonly context?: Record<string, string | string[]>;
}

/** Judges a request a role makes in its own account by its identity policies alone (no resource policy). */
export async function roleCan(roles: RoleIndex, request: RoleRequest): Promise<Decision> {
  const role = roles.get(request.roleArn);
  if (!role) {
    throw new Error(`${request.roleArn}: no template defines this role`);
  }
  const what = `${role.arn} ${request.action} ${request.resourceArn}`;
  const response = await simulate({
    request: {
      principal: role.arn,
      action: request.action,
      resource: { resource: request.resourceArn, accountId: role.account },
      contextVariables: { ...request.context },
    },
    identityPolicies: role.identityPolicies,
    permissionBoundaryPolicies: role.permissionsBoundary ? [role.permissionsBoundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, what);
  return decision(response.overallResult === 'Allowed');
}

export interface WalkthroughOptions {
  /** The external ID the destination was configured with, which the task role knows. */
  readonly externalId?: string;
}

/**
 * The requests of the seed walkthrough and the attacks on it, judged against its templates.
 * Outsiders are given the most their own account could grant them, so that each
 * denial shows the control of the library that stops it.
 */
export async function walkthroughVerdicts(templates: readonly StackTemplate[], options: WalkthroughOptions = {}): Promise<VerdictRow[]> {
  const roles = rolesOf(templates);
  const taskRole = `arn:aws:iam::${SOURCE_ACCOUNT}:role/my-ECS-task-role`;
  const destination = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/destination-account-role`;
  const externalId = options.externalId;
  const outsider = [allowAssumeAnyRole()];

  const assumeCases: { case: string; expected: Decision; why: string; request: AssumeRoleRequest }[] = [{
    case: 'task role',
    expected: 'allowed',
    why: 'the task role lists the destination, and the destination trusts exactly the task role',
    request: { callerArn: taskRole, targetArn: destination, externalId },
  }, {
    case: 'other role in source account',
    expected: 'denied',
    why: 'the trust names one role, not every role of the source account',
    request: { callerArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/other-role`, targetArn: destination, externalId, callerPolicies: outsider },
  }, {
    case: 'same role name in other account',
    expected: 'denied',
    why: 'the trust is pinned to the source account, not to the role name',
    request: { callerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/my-ECS-task-role`, targetArn: destination, externalId, callerPolicies: outsider },
  }, {
    case: 'destination not listed',
    expected: 'denied',
    why: 'the task role may assume only its listed destinations, even one that trusts it',
    request: {
      callerArn: taskRole,
      targetArn: `arn:aws:iam::${DESTINATION_ACCOUNT}:role/another-destination-role`,
      externalId,
      targetTrust: trustOnly(taskRole),
    },
  }];
  if (externalId !== undefined) {
    assumeCases.push({
      case: 'no external ID',
      expected: 'denied',
      why: 'the destination requires the external ID',
      request: { callerArn: taskRole, targetArn: destination },
    }, {
      case: 'wrong external ID',
      expected: 'denied',
      why: 'the destination requires its own external ID, not any',
      request: { callerArn: taskRole, targetArn: destination, externalId: `not-${externalId}` },
    });
  }
  const ecsCases: { case: string; expected: Decision; why: string; sourceAccount: string }[] = [{
    case: 'ECS task of source account',
    expected: 'allowed',
    why: 'ECS gives the role to tasks of its own account',
    sourceAccount: SOURCE_ACCOUNT,
  }, {
    case: 'ECS task of other account',
    expected: 'denied',
    why: 'confused deputy: ECS must not give the role to another account\'s task',
    sourceAccount: OTHER_ACCOUNT,
  }];

  const idLabel = (given?: string) => given === undefined ? 'none' : given === externalId ? 'right' : 'wrong';
  return Promise.all([
    ...assumeCases.map(async ({ request, ...row }): Promise<VerdictRow> => ({
      ...row,
      principal: request.callerArn,
      action: externalId === undefined ? ASSUME_ROLE : `${ASSUME_ROLE} (ExternalId: ${idLabel(request.externalId)})`,
      target: request.targetArn,
      ...await canAssume(roles, request),
    })),
    ...ecsCases.map(async ({ sourceAccount, ...row }): Promise<VerdictRow> => ({
      ...row,
      principal: `${ECS_TASKS} (SourceAccount ${sourceAccount})`,
      action: ASSUME_ROLE,
      target: taskRole,
      ...await ecsCanAssume(roles, {
        taskRoleArn: taskRole,
        sourceAccount,
        sourceArn: `arn:aws:ecs:${REGION}:${sourceAccount}:task/cluster/abc`,
      }),
    })),
  ]);
}

const COLUMNS = ['principal', 'action', 'target', 'identity', 'trust', 'result'] as const;

/** The rows as an aligned plain-text table; a row whose result is not the expected one is flagged. */
export function formatVerdictTable(rows: readonly VerdictRow[]): string {
  const widths = COLUMNS.map(c => Math.max(c.length, ...rows.map(r => r[c].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [
    line(COLUMNS),
    line(widths.map(w => '-'.repeat(w))),
    ...rows.map(r => line(COLUMNS.map(c => r[c])) + (r.result === r.expected ? '' : `  <- expected ${r.expected}`)),
  ].join('\n');
}
