import { createHash } from 'crypto';
import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrossAccountRoleOptions } from '../role-options';
import { RoleReference } from '../role-reference';
import { validateIamQuotas } from './quotas';
import { MAX_ROLE_NAME_LENGTH, validateMaxSessionDuration, validateRoleName, validateRolePath } from './validation';

/**
 * The parts of `iam.RoleProps` that every role of this library sets the same way,
 * after checking them. The caller adds its own trust (`assumedBy`).
 */
export function commonRoleProps(scope: Construct, id: string, options: CrossAccountRoleOptions): Omit<iam.RoleProps, 'assumedBy'> {
  const where = pathOf(scope, id);
  if (options.roleName !== undefined) {
    validateRoleName(where, 'roleName', options.roleName);
  }
  if (options.path !== undefined) {
    validateRolePath(where, 'path', options.path);
  }
  validateMaxSessionDuration(where, 'maxSessionDuration', options.maxSessionDuration);
  validateIamQuotas(where, options.iamQuotas);
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
export function generateRoleName(scope: Construct, id: string): string {
  const components = [...scope.node.scopes.map(s => s.node.id).filter(c => c !== ''), id];
  const region = Stack.of(scope).region;
  const hashed = Token.isUnresolved(region) ? components.join('/') : `${components.join('/')}@${region}`;
  const hash = createHash('sha256').update(hashed).digest('hex').slice(0, 8).toUpperCase();
  const readable = components.join('-').replace(/[^\w+=,.@-]/g, '');
  return `${readable.slice(0, MAX_ROLE_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/**
 * A role of this library as a `RoleReference`, for the other account's stack: its
 * stack's account, its path and name. Undefined while the account is a token.
 */
export function tryReferenceOf(role: Construct, roleName: string, path: string): RoleReference | undefined {
  const account = Stack.of(role).account;
  return Token.isUnresolved(account) ? undefined : RoleReference._fromConstruct(role, { account, roleName, path });
}

/** The same, or an error that says how to make the account known. */
export function referenceOf(role: Construct, roleName: string, path: string): RoleReference {
  const reference = tryReferenceOf(role, roleName, path);
  if (!reference) {
    throw new Error(`${role.node.path}: reference needs the account of stack ${Stack.of(role).stackName}, `
      + 'which is not known at synth time: give the stack an explicit env: { account: \'111122223333\', region: \'us-east-1\' }');
  }
  return reference;
}
