import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { chainEndOf } from './registry';
import { RoleReference } from '../../role-reference';
import { precreatedRoleName } from '../checks/precreated';

/**
 * The ARN of a chain end's role, as the other account's stack names it: account,
 * path and name, known at synth, without a reference between the stacks.
 */

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
  return precreatedNameAndPath(scope, scope.node.path ? `${scope.node.path}/${id}` : id) ?? { roleName, path: path ?? '/' };
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
  const end = chainEndOf(role);
  if (end) {
    // A role of this library knows its name, the precreated one under customizeRoles included.
    return end.tryReference();
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

