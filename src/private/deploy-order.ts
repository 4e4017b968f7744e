import { Annotations, Aspects, IAspect, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RoleReference } from '../role-reference';
import { nearestRole, sourceReferences, sourcesNamed } from './counterparts';
import { tryReferenceOfRole } from './role-setup';
import { WARNINGS } from './warnings';

/** A destination role, as its deploy order sees it. */
export interface TrustingRole extends IConstruct {
  /** The roles it trusts by name. */
  _namedRoles(): readonly RoleReference[];
  /** The roles of the app given to its grantAssumeRole(). */
  _trustedConstructs(): readonly iam.IRole[];
}

/** Orders the stack of a `TrustMode.ROLE_ARN` destination role after the stacks of the roles it trusts (see below). */
export function deployAfterTrustedRoles(destination: TrustingRole): void {
  Aspects.of(destination).add(new DeployAfterTrustedRoles(destination));
}

/**
 * In ROLE_ARN mode IAM rejects a trust policy that names a role that does not
 * exist yet, so a destination stack deploys after the stacks of the roles it
 * trusts that are constructs of the same app; the others get a warning.
 */
class DeployAfterTrustedRoles implements IAspect {
  constructor(private readonly destination: TrustingRole) {}

  public visit(node: IConstruct): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: dependencies and warnings are added once however often this runs; the check spares the role's children the work
    if (node !== this.destination) {
      return;
    }
    const destinationStack = Stack.of(this.destination);
    const app = this.destination.node.root;
    const inApp = this.destination._trustedConstructs();
    const outside: RoleReference[] = [];
    for (const trusted of this.destination._namedRoles()) {
      // The constructs of this app that are that role: the sources of this library that name this role,
      // the construct the reference was taken from, and the roles given to grantAssumeRole().
      const constructs = [
        ...sourcesNamed(this.destination, trusted),
        ...(trusted._owner?.node.root === app ? [trusted._owner] : []),
        ...inApp.filter(role => tryReferenceOfRole(role)!.sameRoleAs(trusted)),
      ];
      for (const construct of constructs) {
        // IAM checks that the role named by the ARN exists: order after the stack that creates that role,
        // which for a CrossAccountAccess is its role's stack, not the stack of the construct itself.
        // (A stack's dependency on itself is ignored.)
        addStackDependency(destinationStack, Stack.of(assumingRoleOf(construct)),
          `${this.destination.node.path} trusts ${construct.node.path} by ARN (TrustMode.ROLE_ARN)`);
      }
      if (constructs.length === 0) {
        outside.push(trusted);
      }
    }
    if (outside.length > 0) {
      Annotations.of(this.destination).addWarningV2(WARNINGS.trustedRoleOutsideApp,
        `trusts ${outside.map(String).join(', ')} by ARN (TrustMode.ROLE_ARN), but no construct of this app is that role, so nothing orders the deployments: `
        + 'IAM refuses a trust policy that names a role that does not exist yet (Invalid principal in policy), so deploy the source first. '
        + 'TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN removes that ordering.'
        + typoSuggestions(this.destination, outside));
    }
  }
}

/** For each role outside the app whose ARN is a few characters from a source of the app, that source. */
function typoSuggestions(destination: IConstruct, outside: readonly RoleReference[]): string {
  const sources = sourceReferences(destination);
  return outside.map(role => {
    const nearest = nearestRole(role, sources.map(s => s.reference));
    const source = sources.find(s => s.reference === nearest);
    return source ? ` Did you mean ${source.reference} (${source.end.node.path}) for ${role}?` : '';
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

/** The role construct whose ARN a chain end stands for: the role of a `CrossAccountAccess`, else the end itself. */
function assumingRoleOf(end: IConstruct): IConstruct {
  const withRole = end as unknown as { _assumingRole?: () => IConstruct };
  return typeof withRole._assumingRole === 'function' ? withRole._assumingRole() : end;
}
