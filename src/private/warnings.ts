import { Annotations, Duration, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { renderLikeIam } from './policy-size';

/**
 * The warnings for legal but risky choices. Each has an ID that a user can
 * acknowledge with `Annotations.of(construct).acknowledgeWarning(id, reason)`.
 */
export const WARNINGS = {
  chainedSessionDuration: 'cdk-cross-account-task-roles:chainedSessionDuration',
  confusedDeputyGuardOff: 'cdk-cross-account-task-roles:confusedDeputyGuardOff',
  wholeAccountTrust: 'cdk-cross-account-task-roles:wholeAccountTrust',
  trustedRoleOutsideApp: 'cdk-cross-account-task-roles:trustedRoleOutsideApp',
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
