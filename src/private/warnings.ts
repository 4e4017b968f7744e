import { Annotations, Duration, Stack, Token, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { renderLikeIam } from './policy-size';

/**
 * The warnings for legal but risky choices. Each has an ID that a user can
 * acknowledge with `Annotations.of(construct).acknowledgeWarning(id, reason)`.
 */
export const WARNINGS = {
  chainedSessionDuration: 'cdk-cross-account-task-roles:chainedSessionDuration',
  confusedDeputyGuardOff: 'cdk-cross-account-task-roles:confusedDeputyGuardOff',
  imagePullLimitNotFargate: 'cdk-cross-account-task-roles:imagePullLimitNotFargate',
  wholeAccountTrust: 'cdk-cross-account-task-roles:wholeAccountTrust',
};

export function warnIfConfusedDeputyGuardOff(role: IConstruct, confusedDeputyGuard: boolean | undefined): void {
  if (confusedDeputyGuard === false) {
    Annotations.of(role).addWarningV2(WARNINGS.confusedDeputyGuardOff,
      'confusedDeputyGuard is off: ecs-tasks.amazonaws.com may hand this role to a task of any account whose user can pass it. '
      + 'Turn it on unless an ECS feature you use does not send aws:SourceAccount and aws:SourceArn.');
  }
}

export function warnAboutChainedSessionDuration(role: IConstruct, maxSessionDuration: Duration | undefined): void {
  const seconds = maxSessionDuration?.toSeconds();
  if (seconds !== undefined && !Token.isUnresolved(seconds) && seconds > 3600) {
    Annotations.of(role).addWarningV2(WARNINGS.chainedSessionDuration,
      `maxSessionDuration is ${maxSessionDuration!.toHumanString()}, but a role assumed with another role's credentials `
      + '(role chaining, as an ECS task role does) gets at most 1 hour: a request for a longer DurationSeconds fails. '
      + 'Leave maxSessionDuration at 1 hour unless people or services also assume this role with long-term credentials.');
  }
}

/**
 * Warns, once the app is complete, on each task definition of the app that uses
 * the given execution role, whose image pulls are limited to VPCs or VPC endpoints,
 * and that may run elsewhere than on Fargate: AWS documents `aws:SourceVpc` and
 * `aws:SourceVpce` on the execution role for Fargate tasks only.
 *
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 */
export function addImagePullLimitCheck(role: iam.IRole): void {
  role.node.addValidation({
    validate: () => {
      for (const construct of role.node.root.node.findAll()) {
        if (construct instanceof ecs.TaskDefinition && construct.executionRole === role
          && construct.compatibility !== ecs.Compatibility.FARGATE) {
          // On the resource, below the task definition: an acknowledgement made on the task
          // definition (or above) before synthesis applies to messages of its children only.
          Annotations.of(construct.node.defaultChild ?? construct).addWarningV2(WARNINGS.imagePullLimitNotFargate,
            `the task definition may run on ${ecs.Compatibility[construct.compatibility]} (not Fargate only) with the execution role `
            + `${role.node.path}, which denies image pulls outside imagePullSourceVpcs / imagePullSourceVpcEndpoints. AWS documents `
            + 'these conditions for Fargate tasks only: elsewhere the container agent pulls over the instance\'s network, and every '
            + 'pull that does not come through the named VPCs or endpoints is denied (from external instances, every pull). '
            + 'Use an execution role without these limits for tasks that are not on Fargate.');
        }
      }
      return [];
    },
  });
}

/**
 * Warns, once the app is complete, about trust statements that admit a whole
 * account (its root, its bare ID, or everyone) without naming the roles with a
 * positive `aws:PrincipalArn` condition that is more than wildcards.
 */
export function addWholeAccountTrustCheck(role: iam.Role): void {
  role.node.addValidation({
    validate: () => {
      const document = renderLikeIam(Stack.of(role), role.assumeRolePolicy);
      for (const statement of document?.Statement ?? []) {
        const accounts = [statement.Principal?.AWS ?? []].flat().filter(isWholeAccount);
        if (statement.Effect === 'Allow' && accounts.length > 0 && !namesRoles(statement.Condition ?? {})) {
          Annotations.of(role).addWarningV2(WARNINGS.wholeAccountTrust,
            `the trust policy admits every principal of ${accounts.join(', ')} that is allowed sts:AssumeRole there, `
            + 'not only the intended roles: trust the roles (RoleReference) or add an aws:PrincipalArn condition.');
        }
      }
      return [];
    },
  });
}

function isWholeAccount(principal: unknown): boolean {
  return typeof principal === 'string'
    && (principal === '*' || /^\d{12}$/.test(principal) || /^arn:[^:]+:iam::\d{12}:root$/.test(principal));
}

/** Whether the conditions limit the principal to roles named by something other than wildcards. */
function namesRoles(condition: Record<string, Record<string, unknown>>): boolean {
  return Object.entries(condition)
    .filter(([operator]) => /^(ForAnyValue:|ForAllValues:)?(ArnEquals|ArnLike|StringEquals|StringLike)$/.test(operator))
    .flatMap(([, keys]) => Object.entries(keys))
    .some(([key, value]) => /^aws:PrincipalArn$/i.test(key)
      && [value].flat().every(v => typeof v === 'string' && /:role\/.*[^*?/]/.test(v)));
}
