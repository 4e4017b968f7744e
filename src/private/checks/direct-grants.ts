import { Reference, Stack, Token, Tokenization, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { renderLikeIam } from './policy-size';
import { WARNINGS, warn } from './warnings';
import { RoleReference } from '../../role-reference';

/**
 * Warns about statements granted to a source role itself on resources of the
 * accounts of its destinations (`table.grantReadData(taskRole)` in the
 * destination's stack): a second way into that account, beside the destination
 * role and around its trust, open as soon as the resource's policy names the
 * source role (which aws-cdk-lib's grants write across accounts).
 *
 * A resource's account is that of the stack of the construct behind its ARN, or
 * the account field of a literal ARN. Statements that only assume roles
 * (`sts:*`) are the chain itself, and not reported.
 */
export function warnAboutDirectGrants(role: IConstruct, statements: readonly iam.PolicyStatement[], destinations: readonly RoleReference[]): void {
  const stack = Stack.of(role);
  const destinationAccounts = new Set(destinations.map(d => d.account).filter(account => !Token.isUnresolved(account) && account !== stack.account));
  const byAccount = new Map<string, { actions: Set<string>; resources: Set<string> }>();
  for (const statement of statements) {
    if (statement.effect !== iam.Effect.ALLOW || statement.actions.every(action => action.toLowerCase().startsWith('sts:'))) {
      continue;
    }
    for (const { account, resource } of statement.resources.flatMap(arn => ownersOf(stack, arn))) {
      if (!destinationAccounts.has(account)) {
        continue;
      }
      const granted = byAccount.get(account) ?? { actions: new Set<string>(), resources: new Set<string>() };
      statement.actions.forEach(action => granted.actions.add(action));
      granted.resources.add(resource);
      byAccount.set(account, granted);
    }
  }
  for (const [account, granted] of byAccount) {
    const destinationRoles = destinations.filter(d => d.account === account).map(String).join(', ');
    warn(role, WARNINGS.directGrantInDestinationAccount,
      `is granted ${[...granted.actions].join(', ')} on ${[...granted.resources].join(', ')} of account ${account}, `
      + `where this role may assume ${destinationRoles}: a grant to this role itself is a second way into that account that bypasses `
      + 'the destination role and its trust (external ID, session name, conditions), open as soon as the resource\'s policy '
      + 'names this role, which aws-cdk-lib\'s grants write across accounts. Grant the destination role instead '
      + '(for example bucket.grantRead(destinationRole) in the destination\'s stack), and call the resource with its session.');
  }
}

/** The accounts that own the resource named by an ARN, each with how the message names the resource. */
function ownersOf(stack: Stack, arn: string): Array<{ account: string; resource: string }> {
  const constructs = Tokenization.reverseString(arn).tokens
    .filter((token): token is Reference => token instanceof Reference)
    .map(reference => ({ account: Stack.of(reference.target).account, resource: pathOf(reference.target) }));
  if (constructs.length > 0) {
    return constructs;
  }
  const text = renderLikeIam(stack, arn);
  const account = typeof text === 'string' ? /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(text)?.[1] : undefined;
  return account === undefined ? [] : [{ account, resource: text }];
}

/** The path of the construct users made: the L2 above an L1 named `Resource`. */
function pathOf(target: IConstruct): string {
  return target.node.id === 'Resource' && target.node.scope ? target.node.scope.node.path : target.node.path;
}
