import { aws_iam as iam } from 'aws-cdk-lib';
import { OrganizationRoles } from '../../organization-roles';
import { RoleReference } from '../../role-reference';

/**
 * The identity side of a chain: what a source may do to its destinations. With
 * `trust.ts` and `execution.ts`, the one place that writes the library's policy
 * statements.
 */

export const ASSUME_ROLE = 'sts:AssumeRole';

/** What a caller may do besides assuming the role: pass session tags, set a source identity. */
export interface SessionOptions {
  readonly allowSessionTags?: boolean;
  readonly allowSourceIdentity?: boolean;
}

/**
 * `sts:AssumeRole`, with `sts:TagSession` and `sts:SetSourceIdentity` when allowed:
 * the same list on the source's identity statement and on the destination's trust,
 * since STS checks each of them on both sides.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms
 */
export function assumeRoleActions(options: SessionOptions = {}): string[] {
  return [
    ASSUME_ROLE,
    ...(options.allowSessionTags ? ['sts:TagSession'] : []),
    ...(options.allowSourceIdentity ? ['sts:SetSourceIdentity'] : []),
  ];
}

/** A policy value as IAM shows one: a string when there is one, else a list. */
export function oneOrMany(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values];
}

/**
 * The identity statement of a source: the assume actions (`sts:AssumeRole` and
 * the allowed session actions) on exactly the given destinations, deduplicated
 * and sorted so that templates diff cleanly.
 */
function assumeDestinationsStatement(destinations: readonly RoleReference[], actions: string[]): iam.PolicyStatement {
  // Unresolved partitions render as one and the same token, so a plain sort is stable.
  const arns = [...new Set(destinations.map(d => d.roleArn))].sort();
  return new iam.PolicyStatement({
    sid: 'AssumeDestinationRoles',
    actions,
    resources: arns,
  });
}

/**
 * The identity statement of a source for roles of an organization: the assume
 * actions on the name pattern in any account, only where the role's account is in the
 * organization (and its units).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgpaths
 */
function assumeOrganizationRolesStatement(roles: OrganizationRoles, actions: string[]): iam.PolicyStatement {
  const statement = new iam.PolicyStatement({
    actions,
    resources: [roles.roleArnPattern],
    conditions: { StringEquals: { 'aws:ResourceOrgID': roles.organizationId } },
  });
  if (roles.organizationalUnitPaths.length > 0) {
    statement.addCondition('ForAnyValue:StringLike', { 'aws:ResourceOrgPaths': roles.organizationalUnitPaths });
  }
  return statement;
}

/** The statements of a source's identity policy: its exact destinations, then each organization pattern. */
export function assumeStatements(
  destinations: readonly RoleReference[],
  organizationRoles: readonly OrganizationRoles[],
  actions: string[],
): iam.PolicyStatement[] {
  return [
    ...(destinations.length > 0 ? [assumeDestinationsStatement(destinations, actions)] : []),
    ...organizationRoles.map(roles => assumeOrganizationRolesStatement(roles, actions)),
  ];
}

/** Two patterns that render the same statements. */
export function sameOrganizationRoles(a: OrganizationRoles, b: OrganizationRoles): boolean {
  return a.roleArnPattern === b.roleArnPattern && a.organizationId === b.organizationId
    // Stryker disable next-line StringLiteral: every unit path starts with the organization ID and ends with / or *, so joined without a separator the lists still differ
    && a.organizationalUnitPaths.join('\n') === b.organizationalUnitPaths.join('\n');
}

/**
 * The grants that let a role of the user's (`CrossAccountAccess`) assume its
 * destinations, made through the role's own `addToPrincipalPolicy()` as any
 * aws-cdk-lib grant is: one statement that lists the exact destinations, and one
 * per organization pattern.
 */
export class AssumeGrants {
  private readonly grants: iam.Grant[] = [];
  /** The statement that lists the exact destination ARNs, once the role took it. */
  private exactStatement?: iam.PolicyStatement;

  constructor(private readonly grantee: iam.IRole, private readonly actions: string[]) {}

  /** Every grant made, combined; undefined while there is none. */
  public get grant(): iam.Grant | undefined {
    return this.grants.length === 0 ? undefined : this.grants.reduce((all, grant) => all.combine(grant));
  }

  /** Allows one more destination (the caller names each once). */
  public addDestination(destination: RoleReference): void {
    // A statement resolved early (by an Aspect) is frozen: the destination then gets a statement of its own.
    if (this.exactStatement && !this.exactStatement.frozen) {
      this.exactStatement.addResources(destination.roleArn);
      return;
    }
    const grant = iam.Grant.addToPrincipal({ grantee: this.grantee, actions: this.actions, resourceArns: [destination.roleArn] });
    this.exactStatement = grant.principalStatements[0];
    this.grants.push(grant);
  }

  /** Allows the roles of an organization pattern (the caller names each once). */
  public addOrganizationRoles(roles: OrganizationRoles): void {
    const statement = assumeOrganizationRolesStatement(roles, this.actions);
    this.grants.push(iam.Grant.addToPrincipal({
      grantee: this.grantee,
      actions: statement.actions,
      resourceArns: statement.resources,
      conditions: statement.conditions,
    }));
  }
}
