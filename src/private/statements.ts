import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { RoleReference } from '../role-reference';

/**
 * The one place that writes the policy statements of a cross-account chain.
 */

export const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * The identity statement of a source: `sts:AssumeRole` on exactly the given
 * destinations, deduplicated and sorted so that templates diff cleanly.
 */
export function assumeDestinationsStatement(destinations: readonly RoleReference[]): iam.PolicyStatement {
  // Unresolved partitions render as one and the same token, so a plain sort is stable.
  const arns = [...new Set(destinations.map(d => d.roleArn))].sort();
  return new iam.PolicyStatement({
    sid: 'AssumeDestinationRoles',
    actions: [ASSUME_ROLE],
    resources: arns,
  });
}

/**
 * `ecs-tasks.amazonaws.com`, limited to tasks of the given stack's account and
 * region when the confused-deputy guard is on.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
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
