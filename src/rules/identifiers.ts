import { Duration, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { EXACT, Rule, firstFault, lengthAndCharacters, policyVariableFault } from './rule';

/**
 * The identifiers of IAM and STS: accounts, role names and paths, partitions,
 * Regions, external IDs, session durations.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */

export const MAX_ROLE_NAME_LENGTH = 64;
export const MAX_ROLE_PATH_LENGTH = 512;

export const ACCOUNT: Rule<string> = {
  fault: value => (/^\d{12}$/.test(value) ? undefined : 'an AWS account ID has exactly 12 digits' + (/^\d{16}$/.test(value)
    ? ' (16-digit IDs such as 1111222233334444 are documentation placeholders that IAM rejects; use a real 12-digit ID such as 111122223333)'
    : '')),
  deployTime: { forbidden: EXACT },
};

export const ROLE_NAME: Rule<string> = {
  fault: value => firstFault(value, policyVariableFault, lengthAndCharacters(
    `a role name is 1 to ${MAX_ROLE_NAME_LENGTH} characters of letters, digits and + = , . @ _ -`, /[\w+=,.@-]/, 1, MAX_ROLE_NAME_LENGTH)),
  deployTime: { forbidden: EXACT },
};

export const ROLE_PATH: Rule<string> = {
  fault: value => firstFault(value,
    v => (v.length > MAX_ROLE_PATH_LENGTH ? `a role path is at most ${MAX_ROLE_PATH_LENGTH} characters (it has ${v.length})` : undefined),
    policyVariableFault,
    v => (/^\/(?:[\u0021-\u007F]+\/)?$/.test(v) ? undefined
      : 'a role path is "/" or starts and ends with "/" and holds only printable ASCII characters other than spaces'),
    v => (/[*?]/.test(v) ? 'a role path cannot contain the wildcards * or ?' : undefined)),
  deployTime: { forbidden: EXACT },
};

/**
 * The paths under which AWS creates roles in every account: IAM Identity Center
 * permission sets (`/aws-reserved/sso.amazonaws.com/`) and service-linked roles
 * (`/aws-service-role/`).
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
 */
export const AWS_RESERVED_PATHS = ['/aws-reserved/', '/aws-service-role/'];

/**
 * The path of a role the library creates: not under one AWS keeps for the roles it
 * creates itself, where IAM refuses `CreateRole`, so the deployment would fail.
 */
export const PATH_OF_CREATED_ROLE: Rule<string> = {
  fault: value => {
    const reserved = AWS_RESERVED_PATHS.find(prefix => value.startsWith(prefix));
    return reserved === undefined ? undefined
      : `IAM keeps the paths under ${reserved} for the roles AWS creates itself (service-linked roles under /aws-service-role/, `
        + 'IAM Identity Center roles under /aws-reserved/) and refuses to create a role there, so the deployment would fail: '
        + 'choose another path, such as /teams/';
  },
};

let partitions: string[] | undefined;

/** The partitions of the Regions aws-cdk-lib's region-info knows, such as aws, aws-cn, aws-us-gov, aws-eusc. */
function knownPartitions(): string[] {
  // region-info is fixed for a given aws-cdk-lib: read it once, not for every reference.
  partitions ??= [...new Set(RegionInfo.regions.map(region => region.partition).filter((p): p is string => p !== undefined))].sort();
  return partitions;
}

/** The partition of a literal Region that region-info knows, otherwise undefined. */
export function partitionOfRegion(region: string | undefined): string | undefined {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: region-info has no fact for an undefined or unresolved Region, so RegionInfo.get() gives no partition for either; the test only says so explicitly
  return region === undefined || Token.isUnresolved(region) ? undefined : RegionInfo.get(region).partition;
}

export const PARTITION: Rule<string> = {
  fault: value => (knownPartitions().includes(value) ? undefined
    : `a partition is one of ${knownPartitions().join(', ')} (from aws-cdk-lib's region-info)`),
  deployTime: { forbidden: EXACT },
};

/** The shape of every Region name, so that a Region newer than aws-cdk-lib's region-info is not refused. */
export const REGION: Rule<string> = {
  fault: value => (/^[a-z]{2,}(?:-[a-z]+)+-\d{1,2}$/.test(value) ? undefined
    : 'a Region is lowercase words and a number joined by hyphens, such as us-east-1'),
};

/** An external ID, which is compared with StringEquals and so must hold no policy variable. */
export const EXTERNAL_ID: Rule<string> = {
  fault: value => firstFault(value, policyVariableFault, lengthAndCharacters(
    'an external ID is 2 to 1,224 characters of letters, digits and + = , . @ : / _ -', /[\w+=,.@:/-]/, 2, 1224)),
  deployTime: { forbidden: EXACT },
};

/** A role's maximum session duration, between 1 and 12 hours. */
export const MAX_SESSION_DURATION: Rule<Duration> = {
  fault: value => {
    const seconds = value.toSeconds();
    return Token.isUnresolved(seconds) || (seconds >= 3600 && seconds <= 43200) ? undefined
      : 'a role\'s maximum session duration is between 1 and 12 hours';
  },
  shown: value => value.toHumanString(),
};
