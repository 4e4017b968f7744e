import { Aspects, IAspect, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ChainEnd } from './chain-end';
import { tryReferenceOfRole } from './references';
import { chainEndOf, nearestRole, sourceReferences, sourcesNamed } from './registry';
import { RoleReference } from '../../role-reference';
import { WARNINGS, warn } from '../checks/warnings';

/** Orders the stack of a `TrustMode.ROLE_ARN` destination role after the stacks of the roles it trusts (see below). */
export function deployAfterTrustedRoles(destination: ChainEnd): void {
  Aspects.of(destination.construct).add(new DeployAfterTrustedRoles(destination));
}

/** A construct of the app that is a trusted role: its path, and the construct that creates the role. */
interface TrustedConstruct {
  readonly path: string;
  readonly role: IConstruct;
}

/**
 * In ROLE_ARN mode IAM rejects a trust policy that names a role that does not
 * exist yet, so a destination stack deploys after the stacks of the roles it
 * trusts that are constructs of the same app; the others get a warning.
 */
class DeployAfterTrustedRoles implements IAspect {
  constructor(private readonly destination: ChainEnd) {}

  public visit(node: IConstruct): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: dependencies and warnings are added once however often this runs; the check spares the role's children the work
    if (node !== this.destination.construct) {
      return;
    }
    const destinationStack = Stack.of(node);
    const app = node.node.root;
    const outside: RoleReference[] = [];
    for (const trusted of this.destination.namedRoles) {
      // The constructs of this app that are that role: the sources of this library that name this role,
      // the construct the reference was taken from, and the roles given to grantAssumeRole().
      const constructs: TrustedConstruct[] = [
        ...sourcesNamed(node, trusted),
        ...(trusted._owner?.node.root === app ? [asTrusted(trusted._owner)] : []),
        ...this.destination.grantees.filter(role => tryReferenceOfRole(role)!.sameRoleAs(trusted)).map(asTrusted),
      ];
      for (const construct of constructs) {
        // IAM checks that the role named by the ARN exists: order after the stack that creates that role,
        // which for a CrossAccountAccess is its role's stack, not the stack of the construct itself.
        // (A stack's dependency on itself is ignored.)
        addStackDependency(destinationStack, Stack.of(construct.role),
          `${node.node.path} trusts ${construct.path} by ARN (TrustMode.ROLE_ARN)`);
      }
      if (constructs.length === 0) {
        outside.push(trusted);
      }
    }
    if (outside.length > 0) {
      warn(node, WARNINGS.trustedRoleOutsideApp,
        `trusts ${outside.map(String).join(', ')} by ARN (TrustMode.ROLE_ARN), but no construct of this app is that role, so nothing orders the deployments: `
        + 'IAM refuses a trust policy that names a role that does not exist yet (Invalid principal in policy), so deploy the source first. '
        + 'TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN removes that ordering.'
        + typoSuggestions(node, outside));
    }
  }
}

/** A construct that a reference was taken from, or a role given to grantAssumeRole(), as a trusted construct. */
function asTrusted(construct: IConstruct): TrustedConstruct {
  return { path: construct.node.path, role: chainEndOf(construct)?.role ?? construct };
}

/** For each role outside the app whose ARN is a few characters from a source of the app, that source. */
function typoSuggestions(destination: IConstruct, outside: readonly RoleReference[]): string {
  const sources = sourceReferences(destination);
  return outside.map(role => {
    const nearest = nearestRole(role, sources.map(s => s.reference));
    const source = sources.find(s => s.reference === nearest);
    return source ? ` Did you mean ${source.reference} (${source.end.path}) for ${role}?` : '';
  }).join('');
}

/**
 * `stack.addStackDependency()` where aws-cdk-lib has it, else `stack.addDependency()`.
 * Newer aws-cdk-lib versions deprecate `addDependency()` for `addStackDependency()`, and a
 * deprecated call prints a warning on every synth (and fails it under `JSII_DEPRECATED=fail`);
 * the lowest aws-cdk-lib this library accepts has only `addDependency()`, not deprecated there.
 * Both add the same stack dependency with its reason; `node.addDependency()` would drop the reason
 * that a dependency cycle's error shows.
 */
function addStackDependency(stack: Stack, target: Stack, reason: string): void {
  const newer = stack as Stack & { addStackDependency?: (target: Stack, reason?: string) => void };
  if (typeof newer.addStackDependency === 'function') {
    newer.addStackDependency(target, reason);
  } else {
    stack.addDependency(target, reason);
  }
}
