import { Duration, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * Every check here follows one shape: skip unresolved tokens (their value is only
 * known at deploy time), and otherwise throw an error that names where the value
 * came from, the property, the value and the rule it breaks.
 */

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH = /^\/(?:[\u0021-\u007F]+\/)?$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
// The characters that the SDK for JavaScript accepts in `[profile <name>]`; others make it skip the section.
const PROFILE_NAME = /^[\w@+.%:/-]+$/;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_SESSION_NAME_PATTERN = /^[\w+=,.@*?-]{1,64}$/;
// The shape of every Region name, so that a Region newer than aws-cdk-lib's region-info is not refused.
const REGION = /^[a-z]{2,}(?:-[a-z]+)+-\d{1,2}$/;
const ENVIRONMENT_VARIABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MIN_DURATION_SECONDS = 900;
const MAX_CHAINED_DURATION_SECONDS = 3600;

export const MAX_ROLE_NAME_LENGTH = 64;
export const MAX_ROLE_PATH_LENGTH = 512;

/**
 * What breaks a length-and-characters rule: the length when it is out of range,
 * otherwise the first character that is not allowed.
 */
function fault(value: string, allowed: RegExp, min: number, max: number): string {
  if (value.length < min || value.length > max) {
    return `(it has ${value.length})`;
  }
  const bad = [...value].find(c => !allowed.test(c));
  // Stryker disable next-line ConditionalExpression,StringLiteral: each caller's pattern is `allowed` repeated min to max times, so a value of a length in range that the pattern refuses always holds a character not allowed
  return bad === undefined ? ''
    : `(${JSON.stringify(bad)} is not allowed)`;
}

export function invalid(where: string, property: string, value: unknown, rule: string): Error {
  return new Error(`${where}: ${invalidValue(property, value, rule)}`);
}

/** The same message without the path, for a validation, whose messages are shown under the construct's path. */
export function invalidValue(property: string, value: unknown, rule: string): string {
  return `${property} ${JSON.stringify(value)} is invalid: ${rule}`;
}

/**
 * IAM reads `${...}` in a policy as a policy variable and puts a value of the
 * request in its place (`${aws:username}`), so a name, path or pattern holding
 * one would not name the text that was written.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
function refusePolicyVariables(where: string, property: string, value: string): void {
  if (/[${}]/.test(value)) {
    throw invalid(where, property, value,
      'it cannot contain $, { or }: IAM reads ${...} in a policy as a policy variable (such as ${aws:username}) '
      + 'and replaces it with a value of the request, so the policy would not name the text as written');
  }
}

export function validateAccount(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value) || ACCOUNT_ID.test(value)) {
    return;
  }
  const placeholder = /^\d{16}$/.test(value)
    ? ' (16-digit IDs such as 1111222233334444 are documentation placeholders that IAM rejects; use a real 12-digit ID such as 111122223333)'
    : '';
  throw invalid(where, property, value, `an AWS account ID has exactly 12 digits${placeholder}`);
}

export function validateRoleName(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value) || ROLE_NAME.test(value)) {
    return;
  }
  refusePolicyVariables(where, property, value);
  throw invalid(where, property, value,
    `a role name is 1 to ${MAX_ROLE_NAME_LENGTH} characters of letters, digits and + = , . @ _ - ${fault(value, /[\w+=,.@-]/, 1, MAX_ROLE_NAME_LENGTH)}`);
}

export function validateRolePath(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (value.length > MAX_ROLE_PATH_LENGTH) {
    throw invalid(where, property, value, `a role path is at most ${MAX_ROLE_PATH_LENGTH} characters (it has ${value.length})`);
  }
  refusePolicyVariables(where, property, value);
  if (!ROLE_PATH.test(value)) {
    throw invalid(where, property, value,
      'a role path is "/" or starts and ends with "/" and holds only printable ASCII characters other than spaces');
  }
  if (/[*?]/.test(value)) {
    throw invalid(where, property, value, 'a role path cannot contain the wildcards * or ?');
  }
}

let partitions: string[] | undefined;

/** The partitions of the Regions aws-cdk-lib's region-info knows, such as aws, aws-cn, aws-us-gov, aws-eusc. */
export function knownPartitions(): string[] {
  // region-info is fixed for a given aws-cdk-lib: read it once, not for every reference.
  partitions ??= [...new Set(RegionInfo.regions.map(region => region.partition).filter((p): p is string => p !== undefined))].sort();
  return partitions;
}

/** The partition of a literal Region that region-info knows, otherwise undefined. */
export function partitionOfRegion(region: string | undefined): string | undefined {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: region-info has no fact for an undefined or unresolved Region, so RegionInfo.get() gives no partition for either; the test only says so explicitly
  return region === undefined || Token.isUnresolved(region) ? undefined : RegionInfo.get(region).partition;
}

export function validatePartition(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  const known = knownPartitions();
  if (known.includes(value)) {
    return;
  }
  throw invalid(where, property, value, `a partition is one of ${known.join(', ')} (from aws-cdk-lib's region-info)`);
}

export function validateExternalId(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value) || EXTERNAL_ID.test(value)) {
    return;
  }
  refusePolicyVariables(where, property, value);
  throw invalid(where, property, value,
    `an external ID is 2 to 1,224 characters of letters, digits and + = , . @ : / _ - ${fault(value, /[\w+=,.@:/-]/, 2, 1224)}`);
}

export function validateMaxSessionDuration(where: string, property: string, value: Duration | undefined): void {
  if (value === undefined || Token.isUnresolved(value.toSeconds())) {
    return;
  }
  const seconds = value.toSeconds();
  if (seconds < 3600 || seconds > 43200) {
    throw invalid(where, property, value.toHumanString(), 'a role\'s maximum session duration is between 1 and 12 hours');
  }
}

export function validateProfileName(where: string, value: string): void {
  if (Token.isUnresolved(value) || (PROFILE_NAME.test(value) && value !== '__proto__')) {
    return;
  }
  throw invalid(where, 'profileName', value,
    'a profile name is letters, digits and _ - @ + . % : / without whitespace or brackets, which the SDKs would not read');
}

export function validateRoleSessionName(where: string, value: string): void {
  if (Token.isUnresolved(value) || ROLE_SESSION_NAME.test(value)) {
    return;
  }
  throw invalid(where, 'roleSessionName', value,
    `a role session name is 2 to 64 characters of letters, digits and + = , . @ _ - ${fault(value, /[\w+=,.@-]/, 2, 64)}`);
}

export function validateRegion(where: string, value: string): void {
  if (Token.isUnresolved(value) || REGION.test(value)) {
    return;
  }
  throw invalid(where, 'region', value, 'a Region is lowercase words and a number joined by hyphens, such as us-east-1');
}

/**
 * The longest `durationSeconds` a profile may ask for: 1 hour when its credentials
 * are a role's session (role chaining), 12 hours when they may be long-term keys.
 */
export function validateDurationSeconds(where: string, value: number, maxSeconds: number = MAX_CHAINED_DURATION_SECONDS): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < MIN_DURATION_SECONDS || value > maxSeconds) {
    throw invalid(where, 'durationSeconds', value, maxSeconds === MAX_CHAINED_DURATION_SECONDS
      ? `a session lasts a whole number of seconds from ${MIN_DURATION_SECONDS} (15 minutes) to ${MAX_CHAINED_DURATION_SECONDS} (1 hour): `
        + 'a role assumed with a task role\'s or instance profile\'s session (role chaining) gets at most 1 hour'
      : `a session lasts a whole number of seconds from ${MIN_DURATION_SECONDS} (15 minutes) to ${maxSeconds} (12 hours), `
        + 'and no longer than the role\'s maxSessionDuration');
  }
}

/** The 12-hour cap of a session assumed with long-term credentials. */
export const MAX_DURATION_SECONDS = 43200;

export function validateRoleSessionNamePattern(where: string, value: string, property = 'roleSessionNamePattern'): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!ROLE_SESSION_NAME_PATTERN.test(value)) {
    throw invalid(where, property, value,
      `a role session name pattern is 1 to 64 characters of letters, digits, + = , . @ _ - and the wildcards * ? ${fault(value, /[\w+=,.@*?-]/, 1, 64)}`);
  }
  if (/^[*?]+$/.test(value)) {
    // A session name has 2 to 64 characters: with a * and at most two ?, the pattern admits every one of them.
    const admitsEveryName = value.includes('*') && value.replace(/\*/g, '').length <= 2;
    throw invalid(where, property, value, admitsEveryName
      ? 'it matches every session name, so it limits nothing: leave it out or name a prefix such as reports-*'
      : 'a pattern of only wildcards names no session, only a length: leave it out or name a prefix such as reports-*');
  }
}

/** At least one value, when a list is given at all. */
export function validateNotEmpty(where: string, property: string, values: readonly unknown[] | undefined): void {
  if (values !== undefined && values.length === 0) {
    throw invalid(where, property, values, 'give at least one value, or leave the property out');
  }
}

export function validateEnvironmentVariablePrefix(where: string, value: string): void {
  if (!ENVIRONMENT_VARIABLE_PREFIX.test(value)) {
    throw invalid(where, 'environmentVariablePrefix', value,
      'an environment variable prefix is letters, digits and _, not starting with a digit');
  }
  if (/^AWS(?:_|$)/i.test(value)) {
    throw invalid(where, 'environmentVariablePrefix', value,
      'AWS_* variables are read by the AWS SDKs themselves (AWS_ROLE_ARN means web identity): choose another prefix');
  }
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ORGANIZATIONAL_UNIT_PATH = /^(o-[a-z0-9]{10,32})\/r-[0-9a-z]{4,32}\/(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*\*?$/;
const ROLE_NAME_PATTERN = /^[\w+=,.@*?-]{1,64}$/;
const ROLE_PATH_PATTERN = /^\/(?:[\u0021-\u007F]+\/)?$/;

export function validateOrganizationId(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value) || ORGANIZATION_ID.test(value)) {
    return;
  }
  throw invalid(where, property, value, 'an organization ID is "o-" followed by 10 to 32 lowercase letters or digits');
}

export function validateOrganizationalUnitPath(where: string, property: string, value: string, organizationId: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  const match = ORGANIZATIONAL_UNIT_PATH.exec(value);
  if (!match) {
    throw invalid(where, property, value,
      'an organizational unit path is <organization ID>/<root ID>/<OU ID>/.../, such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/, optionally ending with *');
  }
  if (!Token.isUnresolved(organizationId) && match[1] !== organizationId) {
    throw invalid(where, property, value, `the path must start with the organization ID ${organizationId}`);
  }
}

/** A role name or a pattern of names with * and ?, that must say something about the name. */
export function validateRoleNamePattern(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  refusePolicyVariables(where, property, value);
  if (!ROLE_NAME_PATTERN.test(value)) {
    throw invalid(where, property, value,
      `a role name pattern is 1 to 64 characters of letters, digits, + = , . @ _ - and the wildcards * ? ${fault(value, /[\w+=,.@*?-]/, 1, 64)}`);
  }
  if (/^[*?]+$/.test(value)) {
    throw invalid(where, property, value,
      'a pattern of only wildcards would match every role of the organization: name the roles, for example "my-ECS-task-role" or "reports-*"');
  }
}

export function validateRolePathPattern(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  refusePolicyVariables(where, property, value);
  if (value.length > MAX_ROLE_PATH_LENGTH || !ROLE_PATH_PATTERN.test(value)) {
    throw invalid(where, property, value,
      `a role path pattern is "/" or starts and ends with "/", up to ${MAX_ROLE_PATH_LENGTH} printable ASCII characters; * and ? are wildcards`);
  }
}

const VPC_ID = /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

export function validateVpcIds(where: string, property: string, ids: readonly string[]): void {
  validateIds(where, property, ids, VPC_ID, 'a VPC ID is "vpc-" followed by 8 or 17 lowercase hexadecimal digits, such as vpc-0123456789abcdef0');
}

export function validateVpcEndpointIds(where: string, property: string, ids: readonly string[]): void {
  validateIds(where, property, ids, VPC_ENDPOINT_ID,
    'a VPC endpoint ID is "vpce-" followed by 8 or 17 lowercase hexadecimal digits, such as vpce-0123456789abcdef0');
}

function validateIds(where: string, property: string, ids: readonly string[], pattern: RegExp, rule: string): void {
  if (ids.length === 0) {
    throw invalid(where, property, ids, `give at least one ID, or leave ${property} out to allow image pulls from anywhere`);
  }
  ids.forEach((id, index) => {
    if (!Token.isUnresolved(id) && !pattern.test(id)) {
      throw invalid(where, `${property}[${index}]`, id, rule);
    }
  });
}

/**
 * The paths under which AWS creates roles in every account: IAM Identity Center
 * permission sets (`/aws-reserved/sso.amazonaws.com/`) and service-linked roles
 * (`/aws-service-role/`). A pattern of the library never admits them.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
 */
const AWS_RESERVED_PATHS = ['/aws-reserved/', '/aws-service-role/'];

/**
 * Refuses an organization pattern (path and name, as `ArnLike` reads them, where
 * `*` also matches `/`) that can match a role under a path AWS reserves.
 */
export function validateOrganizationRolePattern(where: string, path: string, roleName: string, property = 'path + roleName'): void {
  if (Token.isUnresolved(path) || Token.isUnresolved(roleName)) {
    return;
  }
  const pattern = `${path}${roleName}`;
  const reserved = AWS_RESERVED_PATHS.find(prefix => canMatchStartOf(pattern, prefix));
  if (reserved !== undefined) {
    throw invalid(where, property, pattern,
      `the pattern can match roles under ${reserved}, which AWS creates in every account (IAM Identity Center permission sets `
      + 'under /aws-reserved/sso.amazonaws.com/, service-linked roles under /aws-service-role/), and * also matches /: '
      + 'start the path or the name with characters such roles do not have, for example path "/teams/" or roleName "reports-*"');
  }
  refuseAdministratorRoles(where, property, pattern);
}

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
 * Refuses, for a role the library creates, a path under one AWS keeps for the
 * roles it creates itself: IAM refuses `CreateRole` there, so the deployment
 * would fail.
 */
export function validatePathOfCreatedRole(where: string, property: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  const reserved = AWS_RESERVED_PATHS.find(prefix => value.startsWith(prefix));
  if (reserved !== undefined) {
    throw invalid(where, property, value,
      `IAM keeps the paths under ${reserved} for the roles AWS creates itself (service-linked roles under /aws-service-role/, `
      + 'IAM Identity Center roles under /aws-reserved/) and refuses to create a role there, so the deployment would fail: '
      + 'choose another path, such as /teams/');
  }
}

/**
 * A name or ARN of a resource that a policy names exactly (an ECR repository, a
 * secret, a parameter, a log group, a KMS key). None of these services allows `*`,
 * `?`, `$`, `{` or `}` in a name, and IAM would read them as wildcards or a policy
 * variable: the policy would cover every resource that matches.
 */
export function validateExactResourceName(where: string, property: string, value: string, noun: string): void {
  if (Token.isUnresolved(value) || !/[*?${}]/.test(value)) {
    return;
  }
  throw invalid(where, property, value,
    `no ${noun} name or ARN holds * or ?, which IAM would read as wildcards (the policy would allow every ${noun} that matches), `
    + `nor $ { } (a policy variable): name exactly one ${noun}`);
}

/**
 * A boolean prop. Plain JavaScript and the other jsii languages can send any value,
 * which the construct would take for true or false by JavaScript's rules (`0` as
 * false, `'false'` as true) rather than as written: only `true` and `false` are accepted.
 */
export function validateBoolean(where: string, property: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') {
    return;
  }
  throw invalid(where, property, shown(value),
    'it is true or false: any other value (0, "false", a token) would be taken for one of them by JavaScript\'s rules, not as written');
}

/**
 * An enum prop: one of the enum's values. Another string (a member's name in
 * another case, a token) would fall through the construct's choices to one that
 * was not asked for.
 */
export function validateEnum(where: string, property: string, value: unknown, values: { [member: string]: string }, enumName: string): void {
  if (value === undefined || (typeof value === 'string' && !Token.isUnresolved(value) && Object.values(values).includes(value))) {
    return;
  }
  throw invalid(where, property, shown(value),
    `it is one of ${Object.keys(values).map(member => `${enumName}.${member}`).join(', ')}, known at synth`);
}

/** A value for a message: itself when it is a primitive, its text (a token's, for one) otherwise. */
function shown(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : String(value);
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
 * Refuses an organization pattern (path and name, as `ArnLike` reads them) that
 * can match an administrator role that AWS services and tools create in the
 * accounts of an organization (see `AWS_ADMINISTRATOR_ROLES`).
 */
function refuseAdministratorRoles(where: string, property: string, pattern: string): void {
  const parts: PatternPart[] = [...pattern].map(c => (c === '*' || c === '?'
    ? { characters: 'every', repeats: c === '*' }
    : { characters: c, repeats: false }));
  const role = AWS_ADMINISTRATOR_ROLES.find(r => canMatchTheSame(parts, r.parts));
  if (role !== undefined) {
    throw invalid(where, property, pattern,
      `the pattern can match ${role.name}, ${role.what}: whoever holds such a role would be trusted, or could be assumed, `
      + 'in every account of the pattern. Start the path or the name with characters such roles do not have, '
      + 'for example path "/teams/" or roleName "reports-*", or name the role exactly');
  }
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
