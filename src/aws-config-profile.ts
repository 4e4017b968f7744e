import { Aws, Stack, Token, Tokenization, aws_ecs as ecs } from 'aws-cdk-lib';
import { chainEndOf, destinationsNamed, endNamesRole } from './private/chain/registry';
import { RoleReference } from './role-reference';
import { EXTERNAL_ID, PARTITION, REGION, partitionOfRegion } from './rules/identifiers';
import { CHAINED_DURATION_SECONDS, DURATION_SECONDS, ENVIRONMENT_VARIABLE_PREFIX, PROFILE_NAME, ROLE_SESSION_NAME } from './rules/profile';
import { check, invalid } from './rules/rule';
import { BOOLEAN, enumOf } from './rules/values';

/**
 * Where the AWS CLI and SDKs get the credentials they call `sts:AssumeRole` with
 * for a profile's `role_arn` (the profile's `credential_source` setting).
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
 */
export enum CredentialSource {
  /**
   * The ECS task role, from the container credentials endpoint
   * (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `..._FULL_URI`). Renders `EcsContainer`.
   */
  ECS_CONTAINER = 'EcsContainer',

  /**
   * The EC2 instance profile, from the instance metadata service. Renders `Ec2InstanceMetadata`.
   */
  EC2_INSTANCE_METADATA = 'Ec2InstanceMetadata',

  /**
   * The `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
   * environment variables. Renders `Environment`.
   */
  ENVIRONMENT = 'Environment',
}

/**
 * The settings of an AWS CLI / SDK profile that assumes a role in another account.
 */
export interface AwsConfigProfileOptions {
  /**
   * The profile's name, as given to `aws --profile <name>` or `AWS_PROFILE`.
   * `default` renders the `[default]` section.
   *
   * @default 'cross-account'
   * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html#cli-configure-files-format
   */
  readonly profileName?: string;

  /**
   * Where the CLI or SDK gets the credentials it assumes the role with (`credential_source`).
   *
   * @default CredentialSource.ECS_CONTAINER
   * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
   * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
   */
  readonly credentialSource?: CredentialSource;

  /**
   * The external ID the destination role's trust policy requires (`external_id`).
   * It is not a secret: it guards against confused deputies, not against readers.
   *
   * @default - no external ID
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
   */
  readonly externalId?: string;

  /**
   * The session name CloudTrail records for the assumed role (`role_session_name`).
   *
   * @default - chosen by the CLI or SDK, such as `botocore-session-1647426859`
   * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
   */
  readonly roleSessionName?: string;

  /**
   * The Region that calls made with the profile go to (`region`). A Region that
   * aws-cdk-lib's region-info does not know yet is accepted in `render()` when
   * `partition` (or the reference's partition) is given.
   *
   * @default - the CLI's or SDK's own choice, such as `AWS_REGION`, which ECS sets to the task's Region
   * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html
   */
  readonly region?: string;

  /**
   * How long the assumed session lasts, in seconds (`duration_seconds`).
   *
   * The cap depends on `credentialSource`. With `ECS_CONTAINER` and
   * `EC2_INSTANCE_METADATA` the profile assumes the role with another role's
   * session (role chaining), which AWS limits to 1 hour: 900 to 3600. With
   * `ENVIRONMENT` the keys may be an IAM user's long-term keys, so up to 43200
   * (12 hours) is accepted; the destination role's `maxSessionDuration` must allow
   * it, and temporary keys in the environment are still capped at 1 hour by AWS.
   *
   * @default - not set: the session lasts 1 hour
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
   * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
   */
  readonly durationSeconds?: number;

  /**
   * The partition of the role's ARN when the `RoleReference` has none; the
   * reference's own partition always wins.
   *
   * @default - in `render()`, whose text must be literal, the partition of `region`
   * (from aws-cdk-lib's region-info), or 'aws' without a region; the stack's
   * partition (`AWS::Partition`) in `addToContainer()`
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
   */
  readonly partition?: string;
}

/**
 * How `AwsConfigProfile.addToContainer()` hands a destination role to a container.
 */
export interface ContainerRoleOptions extends AwsConfigProfileOptions {
  /**
   * The start of the environment variables' names: `<prefix>_ROLE_ARN`,
   * `<prefix>_EXTERNAL_ID` and `<prefix>_AWS_CONFIG`. Give each destination role
   * of a container its own prefix. Prefixes starting with `AWS` are refused:
   * the SDKs read `AWS_*` variables themselves (`AWS_ROLE_ARN` means web identity).
   *
   * @default 'CROSS_ACCOUNT'
   */
  readonly environmentVariablePrefix?: string;

  /**
   * Whether to add the whole profile, as `render()` writes it, in `<prefix>_AWS_CONFIG`,
   * for an entrypoint to write to a file. The profile settings other than
   * `externalId` are only used in it, so giving them requires this.
   *
   * @default false
   */
  readonly includeProfile?: boolean;
}

const DEFAULT_PROFILE_NAME = 'cross-account';
const DEFAULT_PREFIX = 'CROSS_ACCOUNT';

/** The prefixes used on each container, so that a second role cannot overwrite the first one's variables. */
const prefixesByContainer = new WeakMap<ecs.ContainerDefinition, Map<string, RoleReference>>();

/**
 * A profile for the AWS CLI and SDK config file (`~/.aws/config`) that assumes a
 * role in another account with the credentials of the task, instance or
 * environment (`role_arn` with `credential_source`), and a way to hand that role
 * to an ECS container.
 *
 * With the profile in the container's config file, `aws sts get-caller-identity
 * --profile cross-account` runs as the destination role without exporting any
 * credentials.
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
 * @example
 * declare const container: ecs.ContainerDefinition;
 *
 * const destination = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });
 *
 * // Text for ~/.aws/config, for example to COPY into the container image
 * const config = AwsConfigProfile.render(destination, { region: 'us-east-1' });
 *
 * // Or CROSS_ACCOUNT_ROLE_ARN and CROSS_ACCOUNT_EXTERNAL_ID in the container's environment
 * AwsConfigProfile.addToContainer(container, destination, { externalId: 'my-external-id' });
 */
export class AwsConfigProfile {
  /**
   * The profile as text for a config file, ending with a newline so that
   * profiles can be concatenated. For example, with the defaults:
   *
   * ```ini
   * [profile cross-account]
   * role_arn = arn:aws:iam::555566667777:role/destination-account-role
   * credential_source = EcsContainer
   * ```
   *
   * @remarks The text is for a file, not a template, so every value must be
   * known at synth time: an unresolved token (a reference's account from another
   * stack, a `Lazy` name) is an error. To give a container values that are known
   * only at deploy time, use `addToContainer()`.
   */
  public static render(role: RoleReference, options: AwsConfigProfileOptions = {}): string {
    return renderProfile('AwsConfigProfile.render', role, options, true);
  }

  /**
   * Give a container the destination role's ARN in `<prefix>_ROLE_ARN`, the
   * external ID (when given) in `<prefix>_EXTERNAL_ID`, and with `includeProfile`
   * the whole profile in `<prefix>_AWS_CONFIG`. Values may be tokens: they
   * resolve in the template (the ARN's partition is the stack's unless given).
   *
   * The code in the container assumes the role with them, or its entrypoint
   * writes the profile to a file and points the CLI at it:
   *
   * ```sh
   * printf '%s' "$CROSS_ACCOUNT_AWS_CONFIG" > /tmp/aws-config
   * AWS_CONFIG_FILE=/tmp/aws-config aws sts get-caller-identity --profile cross-account
   * ```
   *
   * `AWS_CONFIG_FILE` and `AWS_PROFILE` are not set here: the SDKs read a file,
   * which does not exist until the entrypoint writes it, and `AWS_PROFILE` would
   * move every SDK client in the container, also those meant to use the task
   * role, to the destination account.
   *
   * The task role must be allowed to assume the destination role: when it is a
   * `CrossAccountTaskRole`, synthesis fails unless the role is among its destinations.
   * When the destination role is a `TrustedDestinationRole` of the same app that
   * requires an external ID, synthesis fails unless `externalId` is one it accepts.
   */
  public static addToContainer(container: ecs.ContainerDefinition, role: RoleReference, options: ContainerRoleOptions = {}): void {
    const where = container.node.path;
    check(where, 'includeProfile', options.includeProfile, BOOLEAN);
    const prefix = options.environmentVariablePrefix ?? DEFAULT_PREFIX;
    check(where, 'environmentVariablePrefix', prefix, ENVIRONMENT_VARIABLE_PREFIX);
    const profileOnly = (['profileName', 'credentialSource', 'roleSessionName', 'region', 'durationSeconds'] as const)
      .filter(property => options[property] !== undefined);
    if (!options.includeProfile && profileOnly.length > 0) {
      throw invalid(where, profileOnly[0], options[profileOnly[0]],
        'this setting only goes into the profile text: set includeProfile: true, or leave it out');
    }
    const profile = renderProfile(where, role, options, false);
    claimPrefix(container, prefix, role);

    container.addEnvironment(`${prefix}_ROLE_ARN`, roleArnOf(role, options.partition ?? Aws.PARTITION));
    if (options.externalId !== undefined) {
      container.addEnvironment(`${prefix}_EXTERNAL_ID`, options.externalId);
    }
    if (options.includeProfile) {
      container.addEnvironment(`${prefix}_AWS_CONFIG`, profile);
    }
    container.node.addValidation({ validate: () => [...unassumable(container, role), ...externalIdRefused(role, options.externalId, container)] });
  }

  private constructor() {}
}

function renderProfile(where: string, role: RoleReference, options: AwsConfigProfileOptions, literal: boolean): string {
  const profileName = options.profileName ?? DEFAULT_PROFILE_NAME;
  check(where, 'profileName', profileName, PROFILE_NAME);
  check(where, 'credentialSource', options.credentialSource, enumOf(CredentialSource, 'CredentialSource'));
  check(where, 'externalId', options.externalId, EXTERNAL_ID);
  check(where, 'roleSessionName', options.roleSessionName, ROLE_SESSION_NAME);
  check(where, 'region', options.region, REGION);
  const chained = (options.credentialSource ?? CredentialSource.ECS_CONTAINER) !== CredentialSource.ENVIRONMENT;
  check(where, 'durationSeconds', options.durationSeconds, chained ? CHAINED_DURATION_SECONDS : DURATION_SECONDS);
  check(where, 'partition', options.partition, PARTITION);
  if (literal) {
    // Every value the text holds: the role's, and each option's.
    requireLiterals(where, [
      ['account', role.account],
      ['roleName', role.roleName],
      ['path', role.path],
      ['partition', role.partition],
      ['profileName', profileName],
      ['externalId', options.externalId],
      ['roleSessionName', options.roleSessionName],
      ['region', options.region],
      ['durationSeconds', options.durationSeconds],
      ['partition', options.partition],
    ]);
  }

  const settings: Array<[string, string | undefined]> = [
    ['role_arn', roleArnOf(role, literal ? literalPartition(where, role, options) : options.partition ?? Aws.PARTITION)],
    ['credential_source', options.credentialSource ?? CredentialSource.ECS_CONTAINER],
    ['external_id', options.externalId],
    ['role_session_name', options.roleSessionName],
    ['region', options.region],
    // Stryker disable next-line ConditionalExpression: Tokenization.stringifyNumber(undefined) is undefined, so the line is left out either way
    ['duration_seconds', options.durationSeconds === undefined ? undefined : Tokenization.stringifyNumber(options.durationSeconds)],
  ];
  const header = profileName === 'default' ? '[default]' : `[profile ${profileName}]`;
  return [header, ...settings.filter(([, value]) => value !== undefined).map(([key, value]) => `${key} = ${value}`)]
    .join('\n') + '\n';
}

/**
 * The partition of the role's ARN in a profile written as text: the one given,
 * else the Region's, else `aws`. A Region region-info does not know needs the
 * partition given, and a Region of another partition than the role's is refused:
 * the profile's calls would go where that role does not exist.
 */
function literalPartition(where: string, role: RoleReference, options: AwsConfigProfileOptions): string {
  const given = role.partition ?? options.partition;
  const regional = partitionOfRegion(options.region);
  if (given !== undefined && regional !== undefined && given !== regional) {
    throw invalid(where, 'region', options.region,
      `the Region is in the ${regional} partition, but the role's ARN is in ${given}: `
      + 'a role is assumed through STS of its own partition; give a Region of that partition');
  }
  if (given === undefined && options.region !== undefined && regional === undefined) {
    throw invalid(where, 'region', options.region,
      'aws-cdk-lib\'s region-info does not know this Region, so the partition of the role\'s ARN is unknown: give partition as well');
  }
  return given ?? regional ?? 'aws';
}

/** The reference's ARN, with the given partition when the reference has none of its own. */
function roleArnOf(role: RoleReference, partition: string): string {
  return RoleReference.of({ account: role.account, roleName: role.roleName, path: role.path, partition: role.partition ?? partition }).roleArn;
}

function requireLiterals(where: string, values: ReadonlyArray<[string, string | number | undefined]>): void {
  for (const [property, value] of values) {
    // Stryker disable next-line ConditionalExpression: Token.isUnresolved(undefined) is false, so the undefined check only states the intent
    if (value !== undefined && Token.isUnresolved(value)) {
      throw invalid(where, property, typeof value === 'number' ? Tokenization.stringifyNumber(value) : value,
        'the profile is text for a file, so every value must be known at synth time: pass a literal, '
        + 'or use AwsConfigProfile.addToContainer() to hand deploy-time values to a container');
    }
  }
}

function claimPrefix(container: ecs.ContainerDefinition, prefix: string, role: RoleReference): void {
  let prefixes = prefixesByContainer.get(container);
  if (!prefixes) {
    prefixes = new Map();
    prefixesByContainer.set(container, prefixes);
  }
  const holder = prefixes.get(prefix);
  if (holder !== undefined) {
    throw invalid(container.node.path, 'environmentVariablePrefix', prefix,
      `the container already has ${prefix}_ROLE_ARN for ${holder}: give each destination role its own prefix`);
  }
  prefixes.set(prefix, role);
}

/** An error when the task role is one of ours and cannot assume the role handed to the container. */
function unassumable(container: ecs.ContainerDefinition, role: RoleReference): string[] {
  const taskRole = container.taskDefinition.taskRole;
  const source = chainEndOf(taskRole);
  if (source?.side !== 'source' || endNamesRole(source, role)) {
    return [];
  }
  return [`is given ${role} to assume, but its task role ${taskRole.node.path} may not assume it: `
    + `call ${taskRole.node.path}.addDestination() with that role`];
}

/**
 * Errors when a destination role of this app that is the role requires an external ID
 * the container is not given (or given another one): STS would deny every call. Tokens
 * are compared once the app resolved them; those only CloudFormation resolves are not.
 */
function externalIdRefused(role: RoleReference, externalId: string | undefined, container: ecs.ContainerDefinition): string[] {
  return destinationsNamed(container, role).flatMap(destination => {
    const required = destination.externalIds.map(id => Stack.of(destination.construct).resolve(id));
    if (required.length === 0) {
      return [];
    }
    const shown = required.map(id => (typeof id === 'string' ? JSON.stringify(id) : 'a value known at deploy time')).join(', ');
    if (externalId === undefined) {
      return [`is given ${role} to assume without an external ID, but ${destination.path} requires one `
        + `(sts:ExternalId ${required.length > 1 ? 'one of ' : ''}${shown}), so STS would deny every call (AccessDenied): `
        + 'pass that externalId to AwsConfigProfile.addToContainer()'];
    }
    const given = Stack.of(container).resolve(externalId);
    if (typeof given === 'string' && required.every(id => typeof id === 'string') && !required.includes(given)) {
      return [`is given ${role} to assume with the external ID ${JSON.stringify(given)}, but ${destination.path} accepts `
        + `${required.length > 1 ? 'one of ' : 'only '}${shown} (sts:ExternalId), so STS would deny every call (AccessDenied): `
        + 'pass the externalId the destination role requires to AwsConfigProfile.addToContainer()'];
    }
    return [];
  });
}
