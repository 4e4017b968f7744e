import { createHash } from 'crypto';
import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrossAccountRoleOptions } from '../role-options';
import { MAX_ROLE_NAME_LENGTH, MAX_SESSION_DURATION, PATH_OF_CREATED_ROLE, ROLE_NAME, ROLE_PATH } from '../rules/identifiers';
import { checkIamQuotas } from '../rules/quotas';
import { check } from '../rules/rule';

/**
 * The parts of `iam.RoleProps` that every role of this library sets the same way,
 * after checking them. The caller adds its own trust (`assumedBy`).
 */
export function commonRoleProps(scope: Construct, id: string, options: CrossAccountRoleOptions): Omit<iam.RoleProps, 'assumedBy'> {
  const where = pathOf(scope, id);
  check(where, 'roleName', options.roleName, ROLE_NAME);
  check(where, 'path', options.path, ROLE_PATH);
  check(where, 'path', options.path, PATH_OF_CREATED_ROLE);
  check(where, 'maxSessionDuration', options.maxSessionDuration, MAX_SESSION_DURATION);
  checkIamQuotas(where, options.iamQuotas);
  return {
    roleName: options.roleName ?? generateRoleName(scope, id),
    description: options.description,
    path: options.path,
    managedPolicies: options.managedPolicies,
    inlinePolicies: options.inlinePolicies,
    permissionsBoundary: options.permissionsBoundary,
    maxSessionDuration: options.maxSessionDuration,
  };
}

/** The path the construct `id` will have in `scope`, for messages given before it exists. */
export function pathOf(scope: Construct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/**
 * A role name that depends only on the construct path and the stack's Region, so
 * that the other account can be told it before anything is deployed, a redeploy
 * keeps it, and the same stack deployed to two Regions of one account (the ECS
 * trust is per Region) gets two roles. Readable part first, then a hash.
 */
function generateRoleName(scope: Construct, id: string): string {
  const components = [...scope.node.scopes.map(s => s.node.id).filter(c => c !== ''), id];
  const region = Stack.of(scope).region;
  const hashed = Token.isUnresolved(region) ? components.join('/') : `${components.join('/')}@${region}`;
  const hash = createHash('sha256').update(hashed).digest('hex').slice(0, 8).toUpperCase();
  const readable = components.join('-').replace(/[^\w+=,.@-]/g, '');
  return `${readable.slice(0, MAX_ROLE_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/**
 * `grantAssumeRole()` of a role that only ECS may assume: `iam.Role` would add
 * `sts:AssumeRole` to the grantee and report success, but the trust policy still
 * admits only `ecs-tasks.amazonaws.com`, so the grantee could not assume it.
 */
export function refuseAssumeRoleGrant(role: Construct, grantee: iam.IPrincipal): Error {
  return new Error(`${role.node.path}: grantAssumeRole(${grantee}) would not let it assume this role: its trust policy admits only `
    + 'ecs-tasks.amazonaws.com (for the tasks that use it), and a grant cannot change that. Let ECS hand the role to a task, '
    + 'or create a role of its own for the other principal.');
}
