import { Annotations, Duration, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgedOn } from './acknowledgements';

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
  unknownTrustPrincipal: 'cdk-cross-account-task-roles:unknownTrustPrincipal',
  nearIamQuota: 'cdk-cross-account-task-roles:nearIamQuota',
  assumeRoleInAnyAccount: 'cdk-cross-account-task-roles:assumeRoleInAnyAccount',
  chainHalvesDisagree: 'cdk-cross-account-task-roles:chainHalvesDisagree',
};

/** What a check found: a warning's ID and its message. */
export interface Finding {
  readonly id: string;
  readonly message: string;
}

/** Reports each finding as a warning of the construct, which a user can acknowledge by its ID. */
export function report(scope: IConstruct, findings: readonly Finding[]): void {
  for (const finding of findings) {
    warn(scope, finding.id, finding.message);
  }
}

/**
 * Adds a warning to the construct unless its ID is acknowledged on the construct
 * itself or above it: a warning added at synthesis, after the user acknowledged
 * it on the role, would otherwise stay (aws-cdk-lib looks only above the construct).
 */
export function warn(scope: IConstruct, id: string, message: string): void {
  if (!acknowledgedOn(scope, id)) {
    Annotations.of(scope).addWarningV2(id, message);
  }
}

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
  report(role, chainedSessionDurationFindings(maxSessionDuration?.toSeconds()));
}

/**
 * A role that other roles assume (role chaining) gets sessions of at most 1 hour,
 * whatever its maximum session duration says.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
 */
export function chainedSessionDurationFindings(maxSessionSeconds: number | undefined): Finding[] {
  if (maxSessionSeconds === undefined || maxSessionSeconds <= 3600) {
    return [];
  }
  return [{
    id: WARNINGS.chainedSessionDuration,
    message: `maxSessionDuration is ${Duration.seconds(maxSessionSeconds).toHumanString()}, but a role assumed with another role's credentials `
      + '(role chaining, as an ECS task role does) gets at most 1 hour: a request for a longer DurationSeconds fails. '
      + 'Leave maxSessionDuration at 1 hour unless people or services also assume this role with long-term credentials.',
  }];
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
