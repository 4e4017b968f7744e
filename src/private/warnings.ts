import { Annotations, Duration, Stack, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
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
  trustedRoleOutsideApp: 'cdk-cross-account-task-roles:trustedRoleOutsideApp',
  taskRoleWithoutDestination: 'cdk-cross-account-task-roles:taskRoleWithoutDestination',
  directGrantInDestinationAccount: 'cdk-cross-account-task-roles:directGrantInDestinationAccount',
};

export function warnIfConfusedDeputyGuardOff(role: IConstruct, confusedDeputyGuard: boolean | undefined): void {
  if (confusedDeputyGuard === false) {
    Annotations.of(role).addWarningV2(WARNINGS.confusedDeputyGuardOff,
      'confusedDeputyGuard is off: the trust lets ecs-tasks.amazonaws.com assume this role for a task of any account or Region. '
      + 'Passing the role to a task still needs iam:PassRole in this account, so this removes the service-side check only '
      + '(cross-service confused deputy, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). '
      + 'Turn it on unless an ECS feature you use does not send aws:SourceAccount and aws:SourceArn.');
  }
}

export function warnAboutChainedSessionDuration(role: IConstruct, maxSessionDuration: Duration | undefined): void {
  // aws-cdk-lib refuses a maxSessionDuration that is a token, so the number is known here.
  const seconds = maxSessionDuration?.toSeconds() ?? 0;
  if (seconds > 3600) {
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
 * Warns, once the app is complete, about trust statements that admit more than
 * named roles (everyone, or every principal of an account) without a positive
 * `aws:PrincipalArn` condition that names roles. Every form aws-cdk-lib renders is
 * read: `"*"` (`StarPrincipal`), `{"AWS": "*"}` (`AnyPrincipal`,
 * `OrganizationPrincipal`), an account ID or root ARN (`AccountPrincipal`,
 * `AccountRootPrincipal`, `ArnPrincipal`), each of a `CompositePrincipal`, and
 * `NotPrincipal`, which admits everyone but the principals it lists.
 */
export function addWholeAccountTrustCheck(role: iam.Role): void {
  role.node.addValidation({
    validate: () => {
      const document = renderLikeIam(Stack.of(role), role.assumeRolePolicy);
      // Stryker disable next-line ArrayDeclaration: an entry that is no statement admits no one
      for (const statement of document?.Statement ?? []) {
        const admitted = wideningPrincipals(statement);
        if (statement.Effect === 'Allow' && admitted.length > 0 && !namesRoles(statement.Condition ?? {})) {
          Annotations.of(role).addWarningV2(WARNINGS.wholeAccountTrust,
            `the trust policy admits every principal of ${admitted.join(', ')} that is allowed sts:AssumeRole there, `
            + 'not only the intended roles: trust the roles (RoleReference) or add an aws:PrincipalArn condition '
            + 'that names them (with an account, or a wildcard account limited by aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:PrincipalAccount).');
        }
        const providers = unconditionedProviders(statement);
        if (statement.Effect === 'Allow' && providers.length > 0) {
          Annotations.of(role).addWarningV2(WARNINGS.wholeAccountTrust,
            `the trust policy admits every identity of ${providers.join(', ')}, with no condition on the provider's keys: `
            + 'add conditions on its audience and subject (for example token.actions.githubusercontent.com:sub) '
            + 'that name the intended identities.');
        }
      }
      return [];
    },
  });
}

/** The principals of a statement that stand for more than named roles, as the message shows them. */
function wideningPrincipals(statement: any): string[] {
  if (statement.NotPrincipal !== undefined) {
    return [`* except ${JSON.stringify(statement.NotPrincipal)} (NotPrincipal)`];
  }
  const principal = statement.Principal;
  if (principal === '*') {
    return ['*'];
  }
  // A policy read from JSON may give an account as a number; a CloudFormation function is an object, and no account.
  return [principal?.AWS].flat().map(String).filter(isWholeAccount);
}

function isWholeAccount(principal: string): boolean {
  // An account that is a CloudFormation parameter renders inside the ARN as its JSON.
  return principal === '*' || /^\d{12}$/.test(principal) || /^arn:[^:]+:iam::.*:root$/.test(principal);
}

const POSITIVE = /^(ForAnyValue:|ForAllValues:)?(ArnEquals|ArnLike|StringEquals|StringLike)$/;

/**
 * The identity providers (web identity, OpenID Connect, SAML) a statement trusts
 * without a positive condition on one of the provider's keys, such as
 * `cognito-identity.amazonaws.com:aud` or `SAML:aud`: every identity they issue
 * would be admitted.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 */
function unconditionedProviders(statement: any): string[] {
  const federated = [statement.Principal?.Federated ?? []].flat().filter((p: unknown): p is string => typeof p === 'string');
  const keys = Object.entries(statement.Condition ?? {})
    .filter(([operator]) => POSITIVE.test(operator))
    .flatMap(([, conditionKeys]) => Object.keys(conditionKeys as object))
    .map(key => key.toLowerCase());
  return federated.filter(provider => {
    const prefix = `${/:saml-provider\//.test(provider) ? 'saml' : provider.replace(/arn:[^:]*:iam::[^:]*:oidc-provider\//, '')}:`.toLowerCase();
    return !keys.some(key => key.startsWith(prefix));
  });
}

/**
 * Whether the conditions limit the principal to roles: every `aws:PrincipalArn`
 * value names a role by more than wildcards, in an account that is named, or in
 * any account only when an organization condition limits which.
 */
function namesRoles(condition: Record<string, Record<string, unknown>>): boolean {
  const entries = Object.entries(condition)
    .filter(([operator]) => POSITIVE.test(operator))
    .flatMap(([, keys]) => Object.entries(keys));
  const limitedByOrganization = entries.some(([key, value]) =>
    /^aws:(PrincipalOrgID|PrincipalOrgPaths|PrincipalAccount)$/i.test(key)
    && [value].flat().every(v => typeof v === 'string' && /[^*?/]/.test(v)));
  return entries.some(([key, value]) => /^aws:PrincipalArn$/i.test(key)
    && [value].flat().every(v => namesRole(v, limitedByOrganization)));
}

function namesRole(value: unknown, limitedByOrganization: boolean): boolean {
  // A value that is not a string (a CloudFormation function) is no role ARN.
  const match = /^arn:[^:]*:iam::(.*?):role\/(.*)$/.exec(String(value));
  if (!match || !/[^*?/]/.test(match[2])) {
    return false;
  }
  const accountIsWildcard = match[1] === '' || /[*?]/.test(match[1]);
  return !accountIsWildcard || limitedByOrganization;
}
