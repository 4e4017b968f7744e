import { aws_iam as iam } from 'aws-cdk-lib';
import { OrganizationRoles } from '../organization-roles';
import { RoleReference } from '../role-reference';
import { ChainEnd, destinationsNamed, registerSource, unreciprocated } from './counterparts';
import { addPartitionCheck } from './partitions';
import { addResolvedValueChecks, organizationRolesValues, referenceValues } from './resolved-values';
import { assumeDestinationsStatement, assumeOrganizationRolesStatement, sameOrganizationRoles } from './statements';

/**
 * The destination roles of a source (an ECS task role or any other role), kept in
 * the order they were added, each once.
 */
export class DestinationList {
  private readonly roles: RoleReference[] = [];
  private readonly arns = new Set<string>();
  private readonly organizationRoles: OrganizationRoles[] = [];

  public add(destination: RoleReference): void {
    const arn = destination.roleArn;
    if (!this.arns.has(arn)) {
      this.arns.add(arn);
      this.roles.push(destination);
    }
  }

  public addOrganizationRoles(roles: OrganizationRoles): void {
    if (!this.organizationRoles.some(r => sameOrganizationRoles(r, roles))) {
      this.organizationRoles.push(roles);
    }
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
    if (this.isEmpty) {
      return undefined;
    }
    return new iam.PolicyDocument({
      statements: [
        ...(this.roles.length > 0 ? [assumeDestinationsStatement(this.roles)] : []),
        ...this.organizationRoles.map(assumeOrganizationRolesStatement),
      ],
    });
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
