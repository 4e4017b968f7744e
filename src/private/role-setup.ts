import { createHash } from 'crypto';
import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { CrossAccountRoleOptions } from '../role-options';
import { RoleReference } from '../role-reference';
import { precreatedRoleName } from './precreated';
import { validateIamQuotas } from './quotas';
import { MAX_ROLE_NAME_LENGTH, validateMaxSessionDuration, validatePathOfCreatedRole, validateRoleName, validateRolePath } from './validation';

/**
 * The parts of `iam.RoleProps` that every role of this library sets the same way,
 * after checking them. The caller adds its own trust (`assumedBy`).
 */
export function commonRoleProps(scope: Construct, id: string, options: CrossAccountRoleOptions): Omit<iam.RoleProps, 'assumedBy'> {
  const where = pathOf(scope, id);
  // Stryker disable next-line ConditionalExpression: validateRoleName(undefined) tests the text "undefined", which is a valid role name, so always calling it changes nothing
  if (options.roleName !== undefined) {
    validateRoleName(where, 'roleName', options.roleName);
  }
  if (options.path !== undefined) {
    validateRolePath(where, 'path', options.path);
    validatePathOfCreatedRole(where, 'path', options.path);
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

/**
 * The name and path the role will really have: under `iam.Role.customizeRoles()`
 * with a precreated role for it, that role's; otherwise the given ones.
 */
export function effectiveNameAndPath(scope: Construct, id: string, roleName: string, path: string | undefined): { roleName: string; path: string } {
  return precreatedNameAndPath(scope, pathOf(scope, id)) ?? { roleName, path: path ?? '/' };
}

/** The name and path of the precreated role that stands for the role at `rolePath`, if one was given. */
function precreatedNameAndPath(scope: Construct, rolePath: string): { roleName: string; path: string } | undefined {
  const precreated = precreatedRoleName(scope, rolePath);
  if (precreated === undefined) {
    return undefined;
  }
  const lastSlash = precreated.lastIndexOf('/');
  // Stryker disable next-line ConditionalExpression: without a slash (lastSlash -1) the second branch gives the same name and the path '/'
  return lastSlash < 0
    ? { roleName: precreated, path: '/' }
    : { roleName: precreated.slice(lastSlash + 1), path: `/${precreated.slice(0, lastSlash + 1).replace(/^\//, '')}` };
}

/**
 * Any role as a `RoleReference`, when its ARN is known at synth: a literal ARN
 * (imported roles), or a role of this app with a literal name and account.
 * Undefined otherwise.
 *
 * Under `iam.Role.customizeRoles()` a role that stands for a precreated role
 * is named by that role's name and path.
 *
 * `on`, when given, is the construct that stands for the role (a
 * `CrossAccountAccess`): the reference of a role that is not of this library is
 * taken from it, and an ARN that cannot be a reference is reported under its path.
 */
export function tryReferenceOfRole(role: iam.IRole, on?: Construct): RoleReference | undefined {
  const ours = role as unknown as { _tryReference?: () => RoleReference | undefined };
  if (typeof ours._tryReference === 'function') {
    // A role of this library knows its name, the precreated one under customizeRoles included.
    return ours._tryReference();
  }
  if (!Token.isUnresolved(role.roleArn)) {
    try {
      return RoleReference.fromArn(role.roleArn);
    } catch (error) {
      if (on === undefined) {
        throw error;
      }
      throw new Error(`${on.node.path}: role ${role.roleArn} cannot be named in another account's trust: ${(error as Error).message}`);
    }
  }
  const account = Stack.of(role).account;
  if (Token.isUnresolved(account)) {
    return undefined;
  }
  // Under customizeRoles a role of the app that stands for a precreated role has that role's name, and no CfnRole.
  const precreated = precreatedNameAndPath(role, role.node.path);
  if (precreated) {
    return RoleReference._fromConstruct(on ?? role, { account, ...precreated });
  }
  const cfnRole = role.node.defaultChild;
  if (!(cfnRole instanceof iam.CfnRole) || cfnRole.roleName === undefined || Token.isUnresolved(cfnRole.roleName)) {
    return undefined;
  }
  return RoleReference._fromConstruct(on ?? role, { account, roleName: cfnRole.roleName, path: cfnRole.path });
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

/** The constructs whose validations ran: their app is being, or has been, synthesized. */
const synthesized = new WeakSet<IConstruct>();

/**
 * Remembers when the construct's app synthesizes it (its validations run then),
 * so that a change made afterwards, which the written templates would not hold,
 * is refused rather than lost (see `refuseAfterSynthesis`).
 */
export function markSynthesis(construct: IConstruct): void {
  construct.node.addValidation({
    validate: () => {
      synthesized.add(construct);
      return [];
    },
  });
}

/**
 * Refuses a change to a construct whose app was synthesized: the cloud assembly is
 * written and `app.synth()` returns it again, so the change would be lost without a
 * word (aws-cdk-lib refuses new constructs then, for the same reason).
 */
export function refuseAfterSynthesis(construct: IConstruct, call: string): void {
  if (synthesized.has(construct)) {
    throw new Error(`${construct.node.path}: ${call} was called after the app was synthesized: the templates are written and would not `
      + 'change, and the checks of the two halves already ran, so the change would be lost without a word. Make it before app.synth() '
      + '(or before the app\'s code ends, under cdk synth), as aws-cdk-lib requires of new constructs.');
  }
}
