/**
 * The AWS partitions the doctor knows: which Regions belong to each, its domain, and the
 * Region whose IAM and STS endpoints serve it. An ARN names its partition: the doctor takes
 * the partition from the role ARNs it is given, and from a Region only when it has no ARN
 * (a stack's environment in a cloud assembly).
 *
 * aws-cdk-lib's region-info holds the same table, but bundling it would add about 1.1 MB
 * of facts the doctor does not use.
 *
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */

interface Partition {
  readonly partition: string;
  /** The prefix of its Region names; the commercial partition has none. */
  readonly regionPrefix?: string;
  readonly urlSuffix: string;
  /** The Region of the partition's IAM and STS endpoints, for the SDK clients. */
  readonly endpointRegion: string;
}

// Longest prefixes first: `us-isob-` before `us-iso-`.
const PARTITIONS: readonly Partition[] = [
  { partition: 'aws-iso-b', regionPrefix: 'us-isob-', urlSuffix: 'sc2s.sgov.gov', endpointRegion: 'us-isob-east-1' },
  { partition: 'aws-iso-f', regionPrefix: 'us-isof-', urlSuffix: 'csp.hci.ic.gov', endpointRegion: 'us-isof-south-1' },
  { partition: 'aws-iso-e', regionPrefix: 'eu-isoe-', urlSuffix: 'cloud.adc-e.uk', endpointRegion: 'eu-isoe-west-1' },
  { partition: 'aws-iso', regionPrefix: 'us-iso-', urlSuffix: 'c2s.ic.gov', endpointRegion: 'us-iso-east-1' },
  { partition: 'aws-us-gov', regionPrefix: 'us-gov-', urlSuffix: 'amazonaws.com', endpointRegion: 'us-gov-west-1' },
  { partition: 'aws-cn', regionPrefix: 'cn-', urlSuffix: 'amazonaws.com.cn', endpointRegion: 'cn-north-1' },
  { partition: 'aws-eusc', regionPrefix: 'eusc-', urlSuffix: 'amazonaws.eu', endpointRegion: 'eusc-de-east-1' },
  { partition: 'aws', urlSuffix: 'amazonaws.com', endpointRegion: 'us-east-1' },
];

const COMMERCIAL = PARTITIONS[PARTITIONS.length - 1];

/** The partition of a Region, from its name. */
export function partitionOfRegion(region: string): string {
  return (PARTITIONS.find(p => p.regionPrefix && region.startsWith(p.regionPrefix)) ?? COMMERCIAL).partition;
}

/** The domain of the partition's endpoints (`AWS::URLSuffix`). */
export function urlSuffixOf(partition: string): string {
  return (PARTITIONS.find(p => p.partition === partition) ?? COMMERCIAL).urlSuffix;
}

/** The Region to give the SDK clients that call IAM and STS for roles of `partition`, or `undefined` for a partition the doctor does not know. */
export function endpointRegionOf(partition: string): string | undefined {
  return PARTITIONS.find(p => p.partition === partition)?.endpointRegion;
}
