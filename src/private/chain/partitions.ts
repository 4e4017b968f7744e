import { Stack, Token } from 'aws-cdk-lib';
import type { ChainEnd, NamingProperties } from './chain-end';
import { OrganizationRoles } from '../../organization-roles';
import { RoleReference } from '../../role-reference';
import { partitionOfRegion } from '../../rules/identifiers';
import { invalid } from '../../rules/rule';

/**
 * Fails synthesis when a chain end names a role of another partition than its own
 * (aws-cn and aws, for example): partitions share no IAM, so such a role can never
 * be assumed. Checked only where both partitions are known: the end's from the
 * literal Region of its stack (aws-cdk-lib's region-info), the role's when given.
 *
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
export function addPartitionCheck(end: ChainEnd): void {
  end.construct.node.addValidation({
    validate: () => partitionErrors(end.path, Stack.of(end.construct).region, {
      roles: end.namedRoles,
      organizationRoles: end.namedOrganizationRoles,
    }, end.properties),
  });
}

/** The roles and organization patterns one end names. */
export interface NamedRoles {
  readonly roles: readonly RoleReference[];
  readonly organizationRoles: readonly OrganizationRoles[];
}

/**
 * One error, in the words of `invalid()`, for each named role of another
 * partition than that of `region`; none while either partition is unknown.
 */
export function partitionErrors(where: string, region: string, named: NamedRoles, properties: NamingProperties): string[] {
  const own = partitionOfRegion(region);
  if (own === undefined) {
    return [];
  }
  type Entry = [property: string, name: string, partition: string | undefined];
  const entries: Entry[] = [
    ...named.roles.map((role): Entry => [properties.roles, role.toString(), role.partition]),
    ...named.organizationRoles.map((roles): Entry => [properties.organizationRoles, roles.roleArnPattern, roles.partition]),
  ];
  return entries
    .filter(([, , partition]) => partition !== undefined && !Token.isUnresolved(partition) && partition !== own)
    .map(([property, name, partition]) => invalid(where, property, name,
      `the role is in the ${partition} partition, but this role is in the ${own} partition (Region ${region}): `
      + 'a role cannot be assumed from another partition, which shares no IAM; deploy both roles in one partition').message);
}
