import { Token } from 'aws-cdk-lib';
import { AWS_RESERVED_PATHS, MAX_ROLE_PATH_LENGTH } from './identifiers';
import { EXACT, PATTERN, Rule, firstFault, lengthAndCharacters, policyVariableFault } from './rule';

/**
 * The values that name the roles of an AWS Organization: its ID, organizational
 * unit paths, and patterns of role names and paths, where `*` and `?` are
 * wildcards as in IAM's `ArnLike` (and `*` also matches `/`).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */

const ORGANIZATION_ID_SHAPE = /^o-[a-z0-9]{10,32}$/;
const ORGANIZATIONAL_UNIT_PATH_SHAPE = /^(o-[a-z0-9]{10,32})\/r-[0-9a-z]{4,32}\/(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*\*?$/;

export const ORGANIZATION_ID: Rule<string> = {
  fault: value => (ORGANIZATION_ID_SHAPE.test(value) ? undefined
    : 'an organization ID is "o-" followed by 10 to 32 lowercase letters or digits'),
  deployTime: { forbidden: EXACT },
};

/** A path of organizational units, which must start with the organization's ID when that is known. */
export function organizationalUnitPath(organizationId: string): Rule<string> {
  return {
    fault: value => {
      const match = ORGANIZATIONAL_UNIT_PATH_SHAPE.exec(value);
      if (!match) {
        return 'an organizational unit path is <organization ID>/<root ID>/<OU ID>/.../, such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/, '
          + 'optionally ending with *';
      }
      return !Token.isUnresolved(organizationId) && match[1] !== organizationId
        ? `the path must start with the organization ID ${organizationId}` : undefined;
    },
    deployTime: { forbidden: PATTERN },
  };
}

/** The organizational units of a pattern: left out for the whole organization, but never an empty list. */
export const ORGANIZATIONAL_UNIT_PATHS: Rule<readonly string[]> = {
  // A list computed from a configuration that matched nothing must not become the whole organization.
  fault: paths => (paths.length > 0 ? undefined
    : 'an empty list would leave out the aws:PrincipalOrgPaths / aws:ResourceOrgPaths condition, and so admit every account '
      + 'of the organization: give at least one path, or leave the property out to mean the whole organization'),
};

/** A role name or a pattern of names with * and ?, that must say something about the name. */
export const ROLE_NAME_PATTERN: Rule<string> = {
  fault: value => firstFault(value,
    policyVariableFault,
    lengthAndCharacters('a role name pattern is 1 to 64 characters of letters, digits, + = , . @ _ - and the wildcards * ?',
      /[\w+=,.@*?-]/, 1, 64),
    v => (/^[*?]+$/.test(v)
      ? 'a pattern of only wildcards would match every role of the organization: name the roles, for example "my-ECS-task-role" or "reports-*"'
      : undefined)),
  deployTime: { forbidden: PATTERN },
};

export const ROLE_PATH_PATTERN: Rule<string> = {
  fault: value => firstFault(value,
    policyVariableFault,
    v => (v.length > MAX_ROLE_PATH_LENGTH || !/^\/(?:[\u0021-\u007F]+\/)?$/.test(v)
      ? `a role path pattern is "/" or starts and ends with "/", up to ${MAX_ROLE_PATH_LENGTH} printable ASCII characters; * and ? are wildcards`
      : undefined)),
  deployTime: { forbidden: PATTERN },
};

/**
 * An organization pattern, path and name together as `ArnLike` reads them (`*`
 * also matches `/`): it may not match a role under a path AWS reserves, nor an
 * administrator role AWS services and tools create in every account. A part known
 * only at deploy time counts as `*`, since its value may hold wildcards.
 */
export const ORGANIZATION_ROLE_PATTERN: Rule<string> = {
  fault: pattern => firstFault(pattern,
    p => {
      const reserved = AWS_RESERVED_PATHS.find(prefix => canMatchStartOf(p, prefix));
      return reserved === undefined ? undefined
        : `the pattern can match roles under ${reserved}, which AWS creates in every account (IAM Identity Center permission sets `
          + 'under /aws-reserved/sso.amazonaws.com/, service-linked roles under /aws-service-role/), and * also matches /: '
          + 'start the path or the name with characters such roles do not have, for example path "/teams/" or roleName "reports-*"';
    },
    administratorRoleFault),
  deployTime: { forbidden: PATTERN, unknownAsWildcard: true },
};

/**
 * Whether some string that `pattern` matches (`*` any characters, `?` one) starts with `prefix`.
 * A `*` that is reached matches the rest of the prefix, whatever it is.
 */
function canMatchStartOf(pattern: string, prefix: string): boolean {
  let positions = new Set([0]);
  for (const character of prefix) {
    const next = new Set<number>();
    for (const position of positions) {
      const wanted = pattern[position];
      if (wanted === '*') {
        next.add(position);
      } else if (wanted === '?' || wanted === character) {
        next.add(position + 1);
      }
    }
    positions = next;
    if (positions.size === 0) {
      return false;
    }
  }
  return true;
}

/**
 * One part of a pattern of role paths and names: one character of a set, none or
 * one (`optional`), or any number of them (`repeats`). A set is a string of its
 * characters, or every character (`*` and `?` of IAM's `ArnLike`).
 */
interface PatternPart {
  readonly characters: string | 'every';
  readonly repeats: boolean;
  readonly optional?: boolean;
}

const DIGITS = '0123456789';
const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const HEXADECIMAL = `${DIGITS}abcdef`;
const QUALIFIER = `${DIGITS}${LOWERCASE}${LOWERCASE.toUpperCase()}_-`;

const literal = (text: string): PatternPart[] => [...text].map(c => ({ characters: c, repeats: false }));
const oneOrMore = (characters: string): PatternPart[] => [{ characters, repeats: false }, { characters, repeats: true }];
const times = (count: number, characters: string, optional = false): PatternPart[] =>
  Array.from({ length: count }, () => ({ characters, repeats: false, optional }));
// A Region, such as us-east-1: lowercase letters and hyphens, ending with a digit.
const REGION_PARTS: PatternPart[] = [...oneOrMore(LOWERCASE), { characters: `${LOWERCASE}${DIGITS}-`, repeats: true }, { characters: DIGITS, repeats: false }];

/**
 * Administrator roles that AWS services and tools create in the accounts of an
 * organization, at path `/`. An organization pattern that can match one would let
 * it assume the destination (or the source assume it, with whatever it may do).
 *
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html
 * @see https://docs.aws.amazon.com/controltower/latest/userguide/awscontroltowerexecution.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html
 * @see https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 */
const AWS_ADMINISTRATOR_ROLES: ReadonlyArray<{ readonly name: string; readonly what: string; readonly parts: PatternPart[] }> = [
  {
    name: '/OrganizationAccountAccessRole',
    what: 'the role AWS Organizations creates in each account it creates, with AdministratorAccess, for the management account',
    parts: literal('/OrganizationAccountAccessRole'),
  },
  {
    name: '/AWSControlTowerExecution',
    what: 'AWS Control Tower\'s administrator role in each enrolled account',
    parts: literal('/AWSControlTowerExecution'),
  },
  {
    name: '/aws-controltower-AdministratorExecutionRole',
    what: 'one of the aws-controltower-* roles AWS Control Tower creates in each account',
    parts: [...literal('/aws-controltower-'), { characters: QUALIFIER, repeats: true }],
  },
  {
    name: '/stacksets-exec-<32 hexadecimal digits>',
    what: 'the execution role of service-managed StackSets in each target account, with AdministratorAccess',
    parts: [...literal('/stacksets-exec-'), ...oneOrMore(HEXADECIMAL)],
  },
  {
    name: '/AWSCloudFormationStackSetExecutionRole',
    what: 'the execution role of self-managed StackSets, with AdministratorAccess in AWS\'s template',
    parts: literal('/AWSCloudFormationStackSetExecutionRole'),
  },
  {
    name: '/AWSAFTExecution',
    what: 'the administrator role of Account Factory for Terraform in each account it creates',
    parts: literal('/AWSAFTExecution'),
  },
  ...(['cfn-exec-role', 'deploy-role'] as const).map(role => ({
    name: `/cdk-<qualifier>-${role}-<account>-<region>`,
    what: role === 'cfn-exec-role'
      ? 'the AWS CDK bootstrap\'s CloudFormation execution role, with AdministratorAccess unless bootstrapped otherwise'
      : 'the AWS CDK bootstrap\'s deploy role, which deploys any stack with the CloudFormation execution role',
    // A qualifier has 1 to 10 characters.
    parts: [...literal('/cdk-'), ...times(1, QUALIFIER), ...times(9, QUALIFIER, true), ...literal(`-${role}-`), ...times(12, DIGITS), ...literal('-'), ...REGION_PARTS],
  })),
];

/**
 * What an organization pattern (path and name, as `ArnLike` reads them) breaks when
 * it can match an administrator role that AWS services and tools create in the
 * accounts of an organization (see `AWS_ADMINISTRATOR_ROLES`).
 */
function administratorRoleFault(pattern: string): string | undefined {
  const parts: PatternPart[] = [...pattern].map(c => (c === '*' || c === '?'
    ? { characters: 'every', repeats: c === '*' }
    : { characters: c, repeats: false }));
  const role = AWS_ADMINISTRATOR_ROLES.find(r => canMatchTheSame(parts, r.parts));
  return role === undefined ? undefined
    : `the pattern can match ${role.name}, ${role.what}: whoever holds such a role would be trusted, or could be assumed, `
      + 'in every account of the pattern. Start the path or the name with characters such roles do not have, '
      + 'for example path "/teams/" or roleName "reports-*", or name the role exactly';
}

/** Whether some text is matched by both patterns: a walk of the states the two patterns can be in together. */
function canMatchTheSame(a: readonly PatternPart[], b: readonly PatternPart[]): boolean {
  const seen = new Set<number>([0]);
  const pending: Array<[number, number]> = [[0, 0]];
  const visit = (i: number, j: number) => {
    const key = i * (b.length + 1) + j;
    if (!seen.has(key)) {
      seen.add(key);
      pending.push([i, j]);
    }
  };
  while (pending.length > 0) {
    const [i, j] = pending.pop()!;
    if (i === a.length && j === b.length) {
      return true;
    }
    // A repeated or optional part may match nothing.
    if (a[i]?.repeats || a[i]?.optional) {
      visit(i + 1, j);
    }
    if (b[j]?.repeats || b[j]?.optional) {
      visit(i, j + 1);
    }
    if (i < a.length && j < b.length && shareACharacter(a[i].characters, b[j].characters)) {
      visit(a[i].repeats ? i : i + 1, b[j].repeats ? j : j + 1);
    }
  }
  return false;
}

function shareACharacter(x: string, y: string): boolean {
  return x === 'every' || y === 'every' || [...x].some(c => y.includes(c));
}
