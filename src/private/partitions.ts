import { Stack, Token } from 'aws-cdk-lib';
import { ChainEnd } from './counterparts';
import { partitionOfRegion } from './validation';

/**
 * Fails synthesis when a chain end names a role of another partition than its own
 * (aws-cn and aws, for example): partitions share no IAM, so such a role can never
 * be assumed. Checked only where both partitions are known: the end's from the
 * literal Region of its stack (aws-cdk-lib's region-info), the role's when given.
 *
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
export function addPartitionCheck(end: ChainEnd): void {
  end.node.addValidation({
    validate: () => {
      const region = Stack.of(end).region;
      const own = partitionOfRegion(region);
      if (own === undefined) {
        return [];
      }
      const named: Array<[string, string | undefined]> = [
        ...end._namedRoles().map(role => [role.toString(), role.partition] as [string, string | undefined]),
        ...end._namedOrganizationRoles().map(roles => [roles.roleArnPattern, roles.partition] as [string, string | undefined]),
      ];
      return named
        .filter(([, partition]) => partition !== undefined && !Token.isUnresolved(partition) && partition !== own)
        .map(([name, partition]) => `names ${name}, in the ${partition} partition, but is in the ${own} partition (Region ${region}): `
          + 'a role cannot be assumed from another partition; deploy both roles in one partition');
    },
  });
}
