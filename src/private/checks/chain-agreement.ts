import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { allowsAction, namesResource, statementsOf, valuesOf, wildcardMatches } from './iam-matching';
import { renderLikeIam } from './policy-size';
import { policiesOf, refersTo } from './role-policies';
import { templateTrustPolicy } from './trust-principals';
import { Finding, WARNINGS } from './warnings';
import { partitionOfRegion } from '../../rules/identifiers';

/**
 * The two halves of a chain between roles of one app, whatever wrote them: the
 * identity policy of the role that assumes, and the trust of the role assumed.
 * Each must admit the other, across stacks and accounts.
 */

/** A role of the app as the chain sees it: its ARN and policies as IAM will read them. */
interface ChainRole {
  readonly cfnRole: iam.CfnRole;
  readonly path: string;
  readonly account: string;
  /** `arn:<partition>:iam::<account>:role<path><name>`, the partition that of the stack's Region, else `aws`. */
  readonly arn: string;
  readonly trust: any;
  /** The statements of its inline policies and of the managed policies of the app attached to it. */
  readonly identityStatements: any[];
  /**
   * Whether it has a managed policy that is not in the app (of AWS, such as
   * `AdministratorAccess`, or of another app), whose statements cannot be read: what
   * the role may do is then not known. A permissions boundary allows nothing by
   * itself, so it does not count.
   */
  readonly unreadablePolicies: boolean;
}

const rolesByApp = new WeakMap<IConstruct, { size: number; roles: ChainRole[] }>();

/** The roles of the app whose ARN is known at synth, read once per number of constructs. */
function chainRolesOf(scope: IConstruct): ChainRole[] {
  const root = scope.node.root;
  const constructs = root.node.findAll();
  const cached = rolesByApp.get(root);
  // Stryker disable next-line ConditionalExpression,BlockStatement: the cache only spares the work; without it the same roles are read again
  if (cached && cached.size === constructs.length) {
    return cached.roles;
  }
  const roles = constructs.filter((c): c is iam.CfnRole => c instanceof iam.CfnRole).flatMap(chainRoleOf);
  rolesByApp.set(root, { size: constructs.length, roles });
  return roles;
}

function chainRoleOf(cfnRole: iam.CfnRole): ChainRole[] {
  const stack = Stack.of(cfnRole);
  const name = stack.resolve(cfnRole.roleName);
  const rolePath = stack.resolve(cfnRole.path) ?? '/';
  if (typeof name !== 'string' || typeof rolePath !== 'string' || Token.isUnresolved(stack.account)) {
    return [];
  }
  let trust: any;
  try {
    trust = templateTrustPolicy(cfnRole);
  } catch {
    return [];
  }
  const { inlineDocuments, managedArns, managedInApp } = policiesOf(cfnRole);
  const identityStatements = [
    ...inlineDocuments.map(d => renderLikeIam(d.stack, d.document)),
    ...managedInApp.map(p => renderLikeIam(Stack.of(p), p.policyDocument)),
  ].flatMap(statementsOf);
  const partition = partitionOfRegion(stack.region) ?? 'aws';
  return [{
    cfnRole,
    path: cfnRole.node.path,
    account: stack.account,
    arn: `arn:${partition}:iam::${stack.account}:role${rolePath}${name}`,
    trust,
    identityStatements,
    unreadablePolicies: managedArns.some(arn => !managedInApp.some(policy => refersTo(stack, arn, policy))),
  }];
}

/**
 * The disagreements of a role with the other roles of the app: a role of another
 * account it may assume whose trust does not admit it, and a role of another
 * account its trust names that may not assume it. `skip` leaves out pairs whose
 * two halves are checked elsewhere (both of this library).
 */
export function chainFindings(cfnRole: iam.CfnRole, skip: (other: iam.CfnRole) => boolean): Finding[] {
  const roles = chainRolesOf(cfnRole);
  const self = roles.find(r => r.cfnRole === cfnRole);
  if (!self) {
    return [];
  }
  const findings: Finding[] = [];
  for (const other of roles.filter(r => r.account !== self.account && !skip(r.cfnRole))) {
    const mayAssume = self.identityStatements.some(s => allowsAction(s, 'sts:AssumeRole') && namesExactly(s, other.arn));
    if (mayAssume && !admits(other.trust, self)) {
      findings.push({
        id: WARNINGS.chainHalvesDisagree,
        message: `an identity policy allows sts:AssumeRole on ${other.arn} (${other.path}), but the trust of that role does not admit `
          + `${self.arn}, so the call would be denied: trust this role there, or remove the statement.`,
      });
    }
    // Whether a policy of the other role that cannot be read allows it is not known: nothing is said.
    const trustsOther = namedByTrust(self.trust, other.arn) && !other.unreadablePolicies;
    if (trustsOther && !other.identityStatements.some(s => allowsAction(s, 'sts:AssumeRole') && namesResource(s, self.arn))) {
      findings.push({
        id: WARNINGS.chainHalvesDisagree,
        message: `the trust policy names ${other.arn} (${other.path}), but no policy of that role allows it sts:AssumeRole on ${self.arn}, `
          + 'so it cannot assume this role: allow it there, or remove it from the trust.',
      });
    }
  }
  return findings;
}

/** Whether a statement names the role by its exact ARN (no wildcard), as a source that means to assume it does. */
function namesExactly(statement: any, arn: string): boolean {
  return valuesOf(statement.Resource).some(r => !/[*?]/.test(r) && r === arn);
}

/** Whether a trust names the role by its exact ARN: as a principal, or in a limiting aws:PrincipalArn condition. */
function namedByTrust(trust: any, arn: string): boolean {
  return statementsOf(trust).some(s => s.Effect === 'Allow' && (valuesOf(s.Principal?.AWS).includes(arn)
    || principalArnValues(s.Condition ?? {}).includes(arn)));
}

/** Whether a trust admits the role: a statement that allows sts:AssumeRole to its ARN, account or everyone, within its aws:PrincipalArn condition. */
function admits(trust: any, role: ChainRole): boolean {
  return statementsOf(trust).some(s => {
    if (!allowsAction(s, 'sts:AssumeRole')) {
      return false;
    }
    const principals = s.Principal === '*' ? ['*'] : valuesOf(s.Principal?.AWS);
    const covered = s.NotPrincipal !== undefined
      ? !valuesOf(s.NotPrincipal?.AWS).includes(role.arn)
      : principals.some(p => p === '*' || p === role.arn || p === role.account
        || new RegExp(`^arn:[^:]*:iam::${role.account}:root$`).test(p));
    const limits = principalArnValues(s.Condition ?? {});
    return covered && (limits.length === 0 || limits.some(v => wildcardMatches(v, role.arn)));
  });
}

/** The values of the aws:PrincipalArn conditions that need the key. */
function principalArnValues(condition: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(condition)
    .filter(([operator]) => /^(ForAnyValue:)?(ArnEquals|ArnLike|StringEquals|StringLike)$/.test(operator))
    .flatMap(([, keys]) => Object.entries(Object(keys)))
    .filter(([key]) => /^aws:PrincipalArn$/i.test(key))
    .flatMap(([, value]) => valuesOf(value));
}
