import { Reference, Stack, Token, Tokenization, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { assumeRoleScopeFindings } from './assume-role-scope';
import { chainFindings } from './chain-agreement';
import { statementsOf, valuesOf } from './iam-matching';
import { renderLikeIam } from './policy-size';
import { quotaFindings } from './quotas';
import { policiesOf, refersTo } from './role-policies';
import { ECS_TASKS, GuardedService, templateTrustPolicy, trustFindings, unguardedServiceStatements } from './trust-principals';
import { Finding, WARNINGS, chainedSessionDurationFindings } from './warnings';
import { IamQuotas } from '../../role-options';

/**
 * The review of any role of an app (`AWS::IAM::Role`, whatever wrote it) with the
 * rules the library applies to its own roles, the same IDs and messages.
 */

/**
 * Services that AWS documents to send `aws:SourceAccount` and `aws:SourceArn` when
 * they assume a role, with the trust policy that checks them. A service that does
 * not send them (EC2, Lambda, ...) is not listed: a condition on a key that is not
 * sent would deny it.
 */
export const GUARDED_SERVICES: readonly GuardedService[] = [
  ECS_TASKS,
  {
    principal: 'personalize.amazonaws.com',
    arnService: 'personalize',
    see: 'https://docs.aws.amazon.com/personalize/latest/dg/cross-service-confused-deputy-prevention.html',
  },
];

export interface RoleReviewOptions {
  /** The account's raised quotas, if any. */
  readonly iamQuotas?: IamQuotas;
  /**
   * Whether the role is one of the library's, which checks its trust and quotas
   * itself: they are not reviewed.
   */
  readonly ofLibrary: boolean;
  /**
   * Whether the role checks its session duration itself (`TrustedDestinationRole`):
   * it is not reviewed. The library's other roles do not check it, since only ECS
   * assumes them unless their trust is widened by hand.
   */
  readonly checksSessionDuration: boolean;
  /** Whether a role of the app is one of the library's: a chain between two of them is checked by the library. */
  readonly isLibraryRole: (cfnRole: iam.CfnRole) => boolean;
}

export interface RoleReview {
  /** Warnings, each with its ID. */
  readonly findings: Finding[];
  /** What deploying would fail on (quotas). */
  readonly errors: string[];
}

export function reviewRole(cfnRole: iam.CfnRole, options: RoleReviewOptions): RoleReview {
  const stack = Stack.of(cfnRole);
  const findings: Finding[] = [];
  let errors: string[] = [];
  const trust = tryTrust(cfnRole);
  if (!options.ofLibrary) {
    findings.push(...trustFindings(stack, trust));
    findings.push(...serviceGuardFindings(cfnRole, trust));
    const quotas = quotaFindings(cfnRole, options.iamQuotas, {
      trust: 'Trust fewer principals, or raise the quota (up to 4,096) in Service Quotas and declare it with iamQuotas.trustPolicySize.',
    });
    findings.push(...quotas.warnings);
    errors = quotas.errors;
  }
  if (!options.checksSessionDuration && trustedByRoles(trust)) {
    const seconds = stack.resolve(cfnRole.maxSessionDuration);
    findings.push(...chainedSessionDurationFindings(typeof seconds === 'number' ? seconds : undefined));
  }
  const { inlineDocuments, managedInApp } = policiesOf(cfnRole);
  findings.push(...assumeRoleScopeFindings([
    ...inlineDocuments.map(d => renderLikeIam(d.stack, d.document)),
    ...managedInApp.map(p => renderLikeIam(Stack.of(p), p.policyDocument)),
  ]));
  findings.push(...chainFindings(cfnRole, other => options.ofLibrary && options.isLibraryRole(other)));
  return { findings, errors };
}

function tryTrust(cfnRole: iam.CfnRole): any {
  try {
    return templateTrustPolicy(cfnRole);
  } catch {
    return undefined;
  }
}

/** Whether a statement of the trust admits principals of AWS accounts (roles, so sessions of other roles: role chaining). */
function trustedByRoles(trust: any): boolean {
  return statementsOf(trust).some(s => s.Effect === 'Allow' && (s.Principal === '*' || valuesOf(s.Principal?.AWS).length > 0 || s.NotPrincipal !== undefined));
}

/**
 * The services of `GUARDED_SERVICES` that the trust lets assume the role without
 * the conditions AWS documents. An ECS role counts only when a task definition of
 * the app uses it as its task role: AWS documents the keys for task roles, and a
 * role trusted by ECS may be a task execution role, for which it does not.
 */
function serviceGuardFindings(cfnRole: iam.CfnRole, trust: any): Finding[] {
  const taskRole = usedByTaskDefinitionsAs(cfnRole) === 'task';
  return unguardedServiceStatements(trust, GUARDED_SERVICES)
    .filter(service => service !== ECS_TASKS || taskRole)
    .map(service => ({
      id: WARNINGS.confusedDeputyGuardOff,
      message: `the trust policy lets ${service.principal} assume this role without aws:SourceAccount and aws:SourceArn conditions `
        + `that name an account: AWS documents that the service sends both keys (${service.see}), and without them it may be made `
        + 'to assume the role for a resource of another account or Region (cross-service confused deputy, '
        + 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Add both conditions to that statement.',
    }));
}

/** How the task definitions of the app use the role: as a task role, as an execution role only, or not at all. */
function usedByTaskDefinitionsAs(cfnRole: iam.CfnRole): 'task' | 'execution' | undefined {
  const definitions = cfnRole.node.root.node.findAll().filter((c): c is ecs.CfnTaskDefinition => c instanceof ecs.CfnTaskDefinition);
  if (definitions.some(d => namesRole(Stack.of(d), d.taskRoleArn, cfnRole))) {
    return 'task';
  }
  return definitions.some(d => namesRole(Stack.of(d), d.executionRoleArn, cfnRole)) ? 'execution' : undefined;
}

/**
 * Whether a task definition's role, as its stack writes it, is the role: a
 * reference to it from any stack (before synthesis turns one from another stack
 * into an import), an import of an output of its stack that holds its ARN or
 * name, or its literal ARN or name (ECS takes either) in its account.
 */
function namesRole(consumer: Stack, value: unknown, cfnRole: iam.CfnRole): boolean {
  if (value === undefined) {
    return false;
  }
  const roleStack = Stack.of(cfnRole);
  if (consumer === roleStack && JSON.stringify(consumer.resolve(value)).includes(JSON.stringify(roleStack.resolve(cfnRole.logicalId)))) {
    return true;
  }
  const references = typeof value === 'string' ? Tokenization.reverseString(value).tokens : [Tokenization.reverse(value)];
  if (references.some(r => Reference.isReference(r) && r.target === cfnRole)
    || refersTo(consumer, value, cfnRole, 'Arn') || refersTo(consumer, value, cfnRole)) {
    return true;
  }
  return namesRoleLiterally(renderLikeIam(consumer, value), consumer, cfnRole);
}

/**
 * Whether a literal is the role's ARN (of any partition) or name, in its account.
 * The name is compared without case, as IAM compares role names.
 */
function namesRoleLiterally(literal: unknown, consumer: Stack, cfnRole: iam.CfnRole): boolean {
  const roleStack = Stack.of(cfnRole);
  const name = roleStack.resolve(cfnRole.roleName);
  const rolePath = roleStack.resolve(cfnRole.path) ?? '/';
  if (typeof literal !== 'string' || typeof name !== 'string' || typeof rolePath !== 'string') {
    return false;
  }
  const account = Token.isUnresolved(roleStack.account) ? undefined : roleStack.account;
  const arn = /^arn:[^:]+:iam::(\d{12}):role(\/.*\/|\/)([^/]+)$/.exec(literal);
  if (arn) {
    return (account === undefined || arn[1] === account) && arn[2] === rolePath && arn[3].toLowerCase() === name.toLowerCase();
  }
  const sameAccount = Token.isUnresolved(consumer.account) || account === undefined || consumer.account === account;
  return sameAccount && literal.toLowerCase() === name.toLowerCase();
}
