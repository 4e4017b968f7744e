/**
 * The checks of one chain: a source role that assumes a destination role in another account.
 * Each check gives a verdict and, for every problem, its cause and the change that fixes it.
 * A chain `works` only when every check passed; a check that could not reach a verdict makes
 * the chain `unverified`, never `works`.
 */
import type { AwsAccount, DeployedRole } from './aws-account';
import { type CheckOutcome, type CheckResult, type RoleArnParts, type Side, outcome, worstOf } from './check-result';
import { identityCheck } from './identity-check';
import { type RoleRead, readRole } from './role-reads';
import { serviceCheck } from './service-check';
import { assumeCheck, sessionDurationCheck } from './session-checks';
import { callerConditionsCheck, trustCheck } from './trust-checks';
import { type RequestContext, type TrustEvaluation, contextOf, evaluateTrust } from './trust-policy';

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

export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const match = ROLE_ARN.exec(arn);
  return match ? { partition: match[1], account: match[2], roleName: match[3] } : undefined;
}

function statusOf(checks: readonly CheckResult[]): ChainStatus {
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

/** What the checks of one chain read: both ends as read, and the source's request as far as the doctor knows it. */
interface ChainState {
  readonly chain: Chain;
  readonly options: ChainOptions;
  readonly source: Side;
  readonly destination: Side;
  readonly sourceRead: RoleRead;
  readonly destinationRead: RoleRead;
  readonly context: RequestContext;
  /** The destination's trust evaluated for the source role. @default - the destination role could not be read */
  readonly trust?: TrustEvaluation;
  /** The results of the checks run before. */
  readonly earlier: readonly CheckResult[];
}

interface ChainCheck {
  readonly id: number;
  readonly name: string;
  /** Whether the options ask for the check. @default - always */
  readonly askedFor?: (options: ChainOptions) => boolean;
  readonly run: (state: ChainState) => CheckOutcome | Promise<CheckOutcome>;
}

/** A check of one role's settings: skipped when that role could not be read. */
function ofRole(label: Side['label'], run: (state: ChainState, role: DeployedRole) => CheckOutcome | Promise<CheckOutcome>) {
  return (state: ChainState) => {
    const role = (label === 'source' ? state.sourceRead : state.destinationRead).role;
    return role ? run(state, role) : outcome('skipped', `the ${label} role could not be read`);
  };
}

/** A check of the destination's trust: skipped when the destination role could not be read. */
const ofTrust = (run: (state: ChainState, trust: TrustEvaluation) => CheckOutcome) =>
  ofRole('destination', state => run(state, state.trust!));

/** The checks of a chain, in the order they run and print. */
const CHECKS: readonly ChainCheck[] = [
  {
    id: 1,
    name: 'Both roles exist in the expected accounts',
    run: ({ source, destination, sourceRead, destinationRead }) => {
      const findings = [...sourceRead.problems, ...destinationRead.problems];
      return outcome(worstOf(findings, 'ok'),
        `${source.parts.roleName} in ${source.parts.account}, ${destination.parts.roleName} in ${destination.parts.account}`, findings);
    },
  },
  {
    id: 2,
    name: 'The destination\'s trust admits the source role',
    run: ofTrust((state, trust) => trustCheck(trust, state.source, state.destination, state.sourceRead.role)),
  },
  {
    id: 3,
    name: 'The caller meets the trust\'s conditions',
    run: ofTrust((state, trust) => callerConditionsCheck(trust, state.options.externalId, state.options.roleSessionName)),
  },
  {
    id: 4,
    name: 'The source role may call sts:AssumeRole on the destination',
    run: ofRole('source', (state, role) => identityCheck(state.source, state.destination, role, state.context)),
  },
  {
    id: 5,
    name: 'An AWS service may give the source role to its tasks',
    run: ofRole('source', (state, role) => serviceCheck(role, state.source, state.chain.region)),
  },
  {
    id: 6,
    name: 'Session duration',
    run: ofRole('destination', (_state, role) => sessionDurationCheck(role)),
  },
  {
    id: 7,
    name: 'sts:AssumeRole from the source, then sts:GetCallerIdentity',
    askedFor: options => options.assume === true,
    run: state => assumeCheck(state.source, state.sourceRead.callerArn, state.chain.destinationRoleArn, state.options, state.trust, state.earlier),
  },
];

/** Runs the checks of one chain; never throws for what AWS answers. */
export async function checkChain(chain: Chain, source: AwsAccount, destination: AwsAccount, options: ChainOptions = {}): Promise<ChainReport> {
  const sides: Side[] = [
    { label: 'source', arn: chain.sourceRoleArn, parts: parseRoleArn(chain.sourceRoleArn)!, account: source, stack: chain.sourceStack },
    { label: 'destination', arn: chain.destinationRoleArn, parts: parseRoleArn(chain.destinationRoleArn)!, account: destination, stack: chain.destinationStack },
  ];
  const [sourceSide, destinationSide] = sides;
  // Both accounts at once: a slow or unreachable endpoint is waited for once, not twice in a row.
  const [sourceRead, destinationRead] = await Promise.all(sides.map(readRole));
  const context = requestContext(chain, sourceSide.parts, destinationSide.parts, options);
  const trust = destinationRead.role && evaluateTrust(destinationRead.role.trustPolicy,
    { kind: 'role', arn: chain.sourceRoleArn, account: sourceSide.parts.account }, context);
  const checks: CheckResult[] = [];
  for (const { id, name, askedFor, run } of CHECKS) {
    if (askedFor && !askedFor(options)) {
      continue;
    }
    const state = { chain, options, source: sourceSide, destination: destinationSide, sourceRead, destinationRead, context, trust, earlier: checks };
    checks.push({ id, name, ...await run(state) });
  }
  const status = statusOf(checks);
  return { sourceRoleArn: chain.sourceRoleArn, destinationRoleArn: chain.destinationRoleArn, status, works: status === 'works', checks };
}
