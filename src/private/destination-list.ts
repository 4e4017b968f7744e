import { aws_iam as iam } from 'aws-cdk-lib';
import { OrganizationRoles } from '../organization-roles';
import { RoleReference } from '../role-reference';
import { ChainEnd, destinationsNamed, registerSource, unreciprocated } from './counterparts';
import { addPartitionCheck } from './partitions';
import { addResolvedValueChecks, organizationRolesValues, referenceValues } from './resolved-values';
import { SessionOptions, assumeDestinationsStatement, assumeOrganizationRolesStatement, assumeRoleActions, sameOrganizationRoles } from './statements';

/**
 * The destination roles of a source (an ECS task role or any other role), kept in
 * the order they were added, each once.
 */
export class DestinationList {
  /** `sts:AssumeRole`, and the session actions the source allows. */
  private readonly actions: string[];
  private readonly roles: RoleReference[] = [];
  private readonly arns = new Set<string>();
  private readonly organizationRoles: OrganizationRoles[] = [];

  constructor(options: SessionOptions = {}) {
    this.actions = assumeRoleActions(options);
  }

  /** Adds the destination; false when it was there already. */
  public add(destination: RoleReference): boolean {
    const arn = destination.roleArn;
    if (this.arns.has(arn)) {
      // Stryker disable next-line BooleanLiteral: a caller told true adds the ARN to a statement again, which lists it once
      return false;
    }
    this.arns.add(arn);
    this.roles.push(destination);
    return true;
  }

  /** Adds the organization roles; false when they were there already. */
  public addOrganizationRoles(roles: OrganizationRoles): boolean {
    if (this.organizationRoles.some(r => sameOrganizationRoles(r, roles))) {
      return false;
    }
    this.organizationRoles.push(roles);
    return true;
  }

  /** The actions of each statement: `sts:AssumeRole` and the allowed session actions. */
  public get assumeActions(): string[] {
    return [...this.actions];
  }

  public get all(): readonly RoleReference[] {
    return this.roles;
  }

  public get allOrganizationRoles(): readonly OrganizationRoles[] {
    return this.organizationRoles;
  }

  public get isEmpty(): boolean {
    return this.roles.length === 0 && this.organizationRoles.length === 0;
  }

  /** The identity policy that allows exactly these destinations, or none while there are none. */
  public policyDocument(): iam.PolicyDocument | undefined {
    return this.isEmpty ? undefined : new iam.PolicyDocument({ statements: this.statements() });
  }

  /** The statements of that policy. */
  public statements(): iam.PolicyStatement[] {
    return [
      ...(this.roles.length > 0 ? [assumeDestinationsStatement(this.roles, this.actions)] : []),
      ...this.organizationRoles.map(roles => assumeOrganizationRolesStatement(roles, this.actions)),
    ];
  }
}

/**
 * Makes a source take part in the checks of its app: every destination it names
 * that is in the same app must name it back.
 */
export function checkAsSource(source: ChainEnd): void {
  registerSource(source);
  addPartitionCheck(source);
  addResolvedValueChecks(source, () => [
    ...source._namedRoles().flatMap((role, i) => referenceValues(`destinationRoles[${i}]`, role)),
    ...source._namedOrganizationRoles().flatMap((roles, i) => organizationRolesValues(`destinationOrganizationRoles[${i}]`, roles)),
  ]);
  source.node.addValidation({
    validate: () => unreciprocated(source, destinationsNamed,
      counterpart => `add ${source.node.path}.reference to the trustedRoles of ${counterpart.node.path}, or remove the destination`),
  });
}
