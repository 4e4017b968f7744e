import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { OrganizationRoles } from '../organization-roles';
import { RoleReference } from '../role-reference';

/**
 * The one place that writes the policy statements of a cross-account chain.
 */

export const ASSUME_ROLE = 'sts:AssumeRole';

/** What a caller may do besides assuming the role: pass session tags, set a source identity. */
export interface SessionOptions {
  readonly allowSessionTags?: boolean;
  readonly allowSourceIdentity?: boolean;
}

/**
 * `sts:AssumeRole`, with `sts:TagSession` and `sts:SetSourceIdentity` when allowed:
 * the same list on the source's identity statement and on the destination's trust,
 * since STS checks each of them on both sides.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms
 */
export function assumeRoleActions(options: SessionOptions = {}): string[] {
  return [
    ASSUME_ROLE,
    ...(options.allowSessionTags ? ['sts:TagSession'] : []),
    ...(options.allowSourceIdentity ? ['sts:SetSourceIdentity'] : []),
  ];
}

/** A policy value as IAM shows one: a string when there is one, else a list. */
export function oneOrMany(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values];
}

/**
 * The identity statement of a source: the assume actions (`sts:AssumeRole` and
 * the allowed session actions) on exactly the given destinations, deduplicated
 * and sorted so that templates diff cleanly.
 */
export function assumeDestinationsStatement(destinations: readonly RoleReference[], actions: string[]): iam.PolicyStatement {
  // Unresolved partitions render as one and the same token, so a plain sort is stable.
  const arns = [...new Set(destinations.map(d => d.roleArn))].sort();
  return new iam.PolicyStatement({
    sid: 'AssumeDestinationRoles',
    actions,
    resources: arns,
  });
}

/**
 * `ecs-tasks.amazonaws.com`, limited to tasks of the given stack's account and
 * region when the confused-deputy guard is on.
 *
 * ECS sends `aws:SourceAccount` and `aws:SourceArn` (the task's ARN) when it
 * assumes a task role; the task IAM role page gives this trust policy.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#create_task_iam_policy_and_role
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn
 */
export function ecsTasksPrincipal(stack: Stack, confusedDeputyGuard: boolean): iam.IPrincipal {
  const principal = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
  if (!confusedDeputyGuard) {
    return principal;
  }
  return principal.withConditions({
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ecs:${stack.region}:${stack.account}:*` },
    StringEquals: { 'aws:SourceAccount': stack.account },
  });
}

/**
 * The identity statement of a source for roles of an organization: the assume
 * actions on the name pattern in any account, only where the role's account is in the
 * organization (and its units).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgpaths
 */
export function assumeOrganizationRolesStatement(roles: OrganizationRoles, actions: string[]): iam.PolicyStatement {
  const statement = new iam.PolicyStatement({
    actions,
    resources: [roles.roleArnPattern],
    conditions: { StringEquals: { 'aws:ResourceOrgID': roles.organizationId } },
  });
  if (roles.organizationalUnitPaths.length > 0) {
    statement.addCondition('ForAnyValue:StringLike', { 'aws:ResourceOrgPaths': roles.organizationalUnitPaths });
  }
  return statement;
}

/**
 * A statement of a trust policy the library keeps adding to (principals, ARNs,
 * conditions) until synthesis. `iam.PolicyDocument` freezes its statements each
 * time it is resolved, and anything can resolve it early (an Aspect, a check): a
 * frozen statement refuses additions with aws-cdk-lib's own error, so a role added
 * later would break the chain. This one stays open; additions after synthesis are
 * refused by the constructs themselves, with the reason.
 */
export class OpenPolicyStatement extends iam.PolicyStatement {
  public freeze(): iam.PolicyStatement {
    return this;
  }
}

/**
 * The trust statement of a destination for roles of an organization: any
 * principal, but only one of the organization (and its units) whose ARN matches
 * the pattern.
 * What every caller must match besides (external ID, session name) is added by
 * the destination role, as on its other trust statements.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function organizationTrustStatement(roles: OrganizationRoles): iam.PolicyStatement {
  const statement = new OpenPolicyStatement({
    actions: [ASSUME_ROLE],
    principals: [new iam.AnyPrincipal()],
    conditions: {
      StringEquals: { 'aws:PrincipalOrgID': roles.organizationId },
      ArnLike: { 'aws:PrincipalArn': roles.roleArnPattern },
    },
  });
  if (roles.organizationalUnitPaths.length > 0) {
    statement.addCondition('ForAnyValue:StringLike', { 'aws:PrincipalOrgPaths': roles.organizationalUnitPaths });
  }
  return statement;
}

/** Two patterns that render the same statements. */
export function sameOrganizationRoles(a: OrganizationRoles, b: OrganizationRoles): boolean {
  return a.roleArnPattern === b.roleArnPattern && a.organizationId === b.organizationId
    // Stryker disable next-line StringLiteral: every unit path starts with the organization ID and ends with / or *, so joined without a separator the lists still differ
    && a.organizationalUnitPaths.join('\n') === b.organizationalUnitPaths.join('\n');
}
