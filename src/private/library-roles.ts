import { aws_iam as iam } from 'aws-cdk-lib';
import { CrossAccountTaskRole } from '../cross-account-task-role';
import { IamQuotas } from '../role-options';
import { TaskExecutionRole } from '../task-execution-role';
import { TrustedDestinationRole } from '../trusted-destination-role';
import { RoleReview, reviewRole } from './checks/role-review';

/**
 * The review of any role of an app (`CrossAccountChecks`, `CrossAccountNagPack`):
 * the library's own roles check their trust and quotas themselves, and a
 * `TrustedDestinationRole` its session duration, so that nothing is reported twice.
 */
export function reviewOf(cfnRole: iam.CfnRole, iamQuotas: IamQuotas | undefined): RoleReview {
  const ofLibrary = isLibraryRole(cfnRole);
  return reviewRole(cfnRole, {
    iamQuotas,
    ofLibrary,
    checksSessionDuration: ofLibrary && TrustedDestinationRole.isTrustedDestinationRole(cfnRole.node.scope),
    isLibraryRole,
  });
}

/**
 * Whether the role is the resource of a role of this library: its default child,
 * not any other `CfnRole` created inside one, which no check of the library reads.
 */
function isLibraryRole(cfnRole: iam.CfnRole): boolean {
  const role = cfnRole.node.scope;
  return role?.node.defaultChild === cfnRole && (CrossAccountTaskRole.isCrossAccountTaskRole(role)
    || TrustedDestinationRole.isTrustedDestinationRole(role) || TaskExecutionRole.isTaskExecutionRole(role));
}
