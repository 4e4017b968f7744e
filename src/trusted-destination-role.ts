import { Lazy, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { OrganizationRoles } from './organization-roles';
import { registerDestination, sourcesNamed, unreciprocated } from './private/counterparts';
import { deployAfterTrustedRoles } from './private/deploy-order';
import { addPartitionCheck } from './private/partitions';
import { reportTrust } from './private/precreated';
import { addQuotaChecks } from './private/quotas';
import { addResolvedValueChecks, externalIdValue, organizationRolesValues, referenceValues, roleSessionNamePatternValue } from './private/resolved-values';
import { commonRoleProps, effectiveNameAndPath, markSynthesis, pathOf, referenceOf, refuseAfterSynthesis, tryReferenceOf, tryReferenceOfRole } from './private/role-setup';
import { StatementPrincipal } from './private/statement-principal';
import { OpenPolicyStatement, assumeRoleActions, oneOrMany, organizationTrustStatement, sameOrganizationRoles } from './private/statements';
import { checkedTrustConditions } from './private/trust-conditions';
import { validateBoolean, validateEnum, validateExternalId, validateNotEmpty, validateRoleSessionNamePattern } from './private/validation';
import { addWholeAccountTrustCheck, warnAboutChainedSessionDuration } from './private/warnings';
import { CrossAccountRoleOptions } from './role-options';
import { RoleReference } from './role-reference';
import { TrustMode } from './trust-mode';

const TRUSTED_DESTINATION_ROLE = Symbol.for('cdk-cross-account-task-roles.TrustedDestinationRole');

/**
 * Properties of a `TrustedDestinationRole`.
 */
export interface TrustedDestinationRoleProps extends CrossAccountRoleOptions {
  /**
   * The roles in other accounts that may assume this role.
   * More can be added with `addTrustedRole()`.
   *
   * @default - none yet; add them with `addTrustedRole()` before synthesis
   */
  readonly trustedRoles?: RoleReference[];

  /**
   * Roles of an AWS Organization, by name pattern, that may assume this role from
   * any account of the organization (or of some of its units). The trust policy's
   * size does not grow with the number of accounts. More can be added with
   * `addTrustedOrganizationRoles()`.
   *
   * @default - none
   */
  readonly trustedOrganizationRoles?: OrganizationRoles[];

  /**
   * How the trust policy names the trusted roles.
   *
   * @default TrustMode.ROLE_ARN
   */
  readonly trustMode?: TrustMode;

  /**
   * An external ID that callers must pass to `sts:AssumeRole` (`sts:ExternalId` condition).
   *
   * @default - no external ID is required
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_externalid
   */
  readonly externalId?: string;

  /**
   * External IDs that callers may pass to `sts:AssumeRole`, any one of them
   * (`StringEquals sts:ExternalId` with a list), for example the old and the new
   * one while callers move to a new ID. When `externalId` is given too, both are
   * accepted: the trust lists `externalId` first, then these, each once.
   *
   * @default - no external ID is required
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
   */
  readonly externalIds?: string[];

  /**
   * Whether the trusted roles may pass session tags (`sts:TagSession`), so that
   * policies of the destination account can use `aws:PrincipalTag`. The source
   * must allow it too (`allowSessionTags` of `CrossAccountTaskRole` or
   * `CrossAccountAccess`). A caller then chooses tags that policies may trust:
   * allow it only when the trusted roles are trusted to tag honestly.
   *
   * @default false
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
   */
  readonly allowSessionTags?: boolean;

  /**
   * Whether the trusted roles may set a source identity (`sts:SetSourceIdentity`),
   * which CloudTrail records for every call of the session and which cannot be
   * changed later in a chain. The source must allow it too (`allowSourceIdentity`
   * of `CrossAccountTaskRole` or `CrossAccountAccess`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms
   */
  readonly allowSourceIdentity?: boolean;

  /**
   * A pattern that the role session name of every caller must match
   * (`StringLike sts:RoleSessionName`; `*` and `?` are wildcards), so that
   * CloudTrail shows which job used the role. Callers set the name with
   * `roleSessionName` (`role_session_name` in a profile).
   *
   * @default - any session name
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_rolesessionname
   */
  readonly roleSessionNamePattern?: string;
}

/**
 * A role in the destination account that trusts exactly the listed roles of other
 * accounts. Grant it what the callers need (`bucket.grantRead(role)`).
 *
 * @example
 * declare const destinationStack: Stack;
 * declare const bucket: s3.IBucket;
 *
 * const role = new TrustedDestinationRole(destinationStack, 'DestinationRole', {
 *   roleName: 'destination-account-role',
 *   trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-task-role' })],
 * });
 * bucket.grantRead(role);
 */
export class TrustedDestinationRole extends iam.Role {
  /**
   * Whether the given object is a `TrustedDestinationRole`, also when it comes
   * from another copy of this library.
   */
  public static isTrustedDestinationRole(x: any): x is TrustedDestinationRole {
    return x !== null && typeof x === 'object' && TRUSTED_DESTINATION_ROLE in x;
  }

  /** How the trust policy names the trusted roles. */
  public readonly trustMode: TrustMode;

  private readonly trusted: RoleReference[] = [];
  private readonly trustedArns = new Set<string>();
  private readonly trustedOrganizations: OrganizationRoles[] = [];
  private readonly trustStatement: iam.PolicyStatement;
  private readonly trustDocument: StatementPrincipal;
  private readonly externalIds?: string | string[];
  private readonly trustActions: string[];
  private readonly roleSessionNamePattern?: string;
  /** Conditions added with `addTrustConditions()`, put on every trust statement this role writes. */
  private readonly extraConditions: { [operator: string]: { [key: string]: unknown } } = {};
  /** Every trust statement this role wrote, so that added conditions reach them all. */
  private readonly trustStatements: iam.PolicyStatement[] = [];
  /** Roles of this app trusted by grantAssumeRole() that are not sources of this library. */
  private readonly trustedConstructs: iam.IRole[] = [];
  private readonly trustedAccountRoots = new Set<string>();
  private readonly givenRoleName: string;
  private readonly givenPath: string;

  constructor(scope: Construct, id: string, props: TrustedDestinationRoleProps = {}) {
    const common = commonRoleProps(scope, id, props);
    const where = pathOf(scope, id);
    validateEnum(where, 'trustMode', props.trustMode, TrustMode, 'TrustMode');
    for (const property of ['allowSessionTags', 'allowSourceIdentity'] as const) {
      validateBoolean(where, property, props[property]);
    }
    // Stryker disable next-line ConditionalExpression: the string "undefined" is a valid external ID, so the check cannot fail without the guard
    if (props.externalId !== undefined) {
      validateExternalId(where, 'externalId', props.externalId);
    }
    validateNotEmpty(where, 'externalIds', props.externalIds);
    props.externalIds?.forEach((externalId, i) => validateExternalId(where, `externalIds[${i}]`, externalId));
    // Stryker disable next-line ConditionalExpression: the string "undefined" is a valid pattern, so the check cannot fail without the guard
    if (props.roleSessionNamePattern !== undefined) {
      validateRoleSessionNamePattern(where, props.roleSessionNamePattern);
    }
    const externalIds = [...new Set([...(props.externalId === undefined ? [] : [props.externalId]), ...(props.externalIds ?? [])])];
    const trustActions = assumeRoleActions(props);
    const trustStatement = new OpenPolicyStatement({ actions: trustActions });
    const trustDocument = new StatementPrincipal();
    super(scope, id, { ...common, assumedBy: trustDocument });
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the brand is recognised by its presence, whatever its value
    Object.defineProperty(this, TRUSTED_DESTINATION_ROLE, { value: true });
    this.trustStatement = trustStatement;
    this.trustDocument = trustDocument;
    this.externalIds = externalIds.length === 0 ? undefined : oneOrMany(externalIds);
    this.trustActions = trustActions;
    this.roleSessionNamePattern = props.roleSessionNamePattern;
    this.withCallerConditions(trustStatement);
    this.trustMode = props.trustMode ?? TrustMode.ROLE_ARN;
    const actual = effectiveNameAndPath(scope, id, common.roleName as string, props.path);
    this.givenRoleName = actual.roleName;
    this.givenPath = actual.path;
    markSynthesis(this);

    for (const role of props.trustedRoles ?? []) {
      this.addTrustedRole(role);
    }
    for (const roles of props.trustedOrganizationRoles ?? []) {
      this.addTrustedOrganizationRoles(roles);
    }
    warnAboutChainedSessionDuration(this, props.maxSessionDuration);
    addWholeAccountTrustCheck(this);
    addResolvedValueChecks(this, () => [
      ...this.trusted.flatMap((role, i) => referenceValues(`trustedRoles[${i}]`, role)),
      ...this.trustedOrganizations.flatMap((roles, i) => organizationRolesValues(`trustedOrganizationRoles[${i}]`, roles)),
      ...externalIdValue('externalId', props.externalId),
      // Stryker disable next-line ArrayDeclaration: only tokens are checked at synth, so a literal added here changes nothing
      ...(props.externalIds ?? []).flatMap((externalId, i) => externalIdValue(`externalIds[${i}]`, externalId)),
      ...roleSessionNamePatternValue('roleSessionNamePattern', props.roleSessionNamePattern),
    ]);
    addQuotaChecks(this, props.iamQuotas, {
      trust: 'Trust the source roles by organization instead (trustedOrganizationRoles with OrganizationRoles.of()), '
        + 'whose size does not grow with the number of accounts; or trust fewer roles in one destination role; '
        + 'or raise the quota (up to 4,096) in Service Quotas and declare it with iamQuotas.trustPolicySize.',
    });
    registerDestination(this);
    addPartitionCheck(this);
    this.node.addValidation({
      validate: () => [
        ...(this.trusted.length === 0 && this.trustedOrganizations.length === 0
          ? ['trusts no role: pass trustedRoles or call addTrustedRole() with the source role\'s reference '
            + '(or trust roles of an organization with trustedOrganizationRoles)']
          : []),
        ...unreciprocated(this, sourcesNamed,
          counterpart => `call ${counterpart.node.path}.addDestination(${this.node.path}.reference), or remove the trusted role`),
      ],
    });
    if (this.trustMode === TrustMode.ROLE_ARN) {
      deployAfterTrustedRoles(this);
    }
    reportTrust(this);
  }

  /**
   * This role as a `RoleReference`, to pass to `CrossAccountTaskRole.addDestination()`
   * in another account's stack.
   *
   * The stack must have an explicit account (`env: { account }`).
   */
  public get reference(): RoleReference {
    return referenceOf(this, this.givenRoleName, this.givenPath);
  }

  /**
   * The roles this role trusts, in the order they were added.
   */
  public get trustedRoles(): RoleReference[] {
    return [...this.trusted];
  }

  /**
   * Trust one more role of another account. That role must be allowed to assume
   * this one too (`CrossAccountTaskRole.addDestination(role.reference)`).
   * Adding the same role twice has no effect. Refused once the app is
   * synthesized, when the templates no longer change.
   */
  public addTrustedRole(role: RoleReference): void {
    refuseAfterSynthesis(this, 'addTrustedRole()');
    const arn = role.roleArn;
    if (this.trustedArns.has(arn)) {
      return;
    }
    // Stryker disable next-line ConditionalExpression: the document drops a statement added twice, and the condition is the same Lazy
    if (this.trusted.length === 0) {
      this.trustDocument.add(this.trustStatement);
      if (this.trustMode === TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN) {
        // One condition whose values are read each time the trust is resolved, rather than rewritten on every add:
        // not cached, so that a role added after an early resolution (an Aspect) is in it. StringEquals,
        // not ArnEquals: IAM reads * and ? as wildcards in ArnEquals too, and these ARNs are exact.
        this.trustStatement.addCondition('StringEquals', {
          'aws:PrincipalArn': Lazy.uncachedAny({ produce: () => oneOrMany([...this.trustedArns]) }),
        });
      }
    }
    this.trusted.push(role);
    this.trustedArns.add(arn);
    if (this.trustMode === TrustMode.ROLE_ARN) {
      this.trustStatement.addPrincipals(new iam.ArnPrincipal(arn));
    } else if (!this.trustedAccountRoots.has(role.accountRootArn)) {
      this.trustedAccountRoots.add(role.accountRootArn);
      this.trustStatement.addPrincipals(new iam.ArnPrincipal(role.accountRootArn));
    }
  }

  /**
   * The organization roles this role trusts, in the order they were added.
   */
  public get trustedOrganizationRoles(): OrganizationRoles[] {
    return [...this.trustedOrganizations];
  }

  /**
   * Trust the roles of an organization that match a name pattern, from any of its
   * accounts (`aws:PrincipalOrgID` and `ArnLike aws:PrincipalArn`). The external
   * ID, if any, is required of them too. Adding the same roles twice has no effect.
   */
  public addTrustedOrganizationRoles(roles: OrganizationRoles): void {
    refuseAfterSynthesis(this, 'addTrustedOrganizationRoles()');
    if (this.trustedOrganizations.some(r => sameOrganizationRoles(r, roles))) {
      return;
    }
    this.trustedOrganizations.push(roles);
    const statement = organizationTrustStatement(roles);
    statement.addActions(...this.trustActions);
    this.trustDocument.add(this.withCallerConditions(statement));
  }

  /**
   * Add conditions to every trust statement this role writes, now and later
   * (not to statements added with `addToAssumeRolePolicy()` or
   * `assumeRolePolicy.addStatements()`), for example
   * `StringEquals aws:PrincipalTag/team`, or `IpAddress aws:SourceIp`.
   * Each condition narrows who may assume the role; the trusted roles stay named,
   * so this never counts as trusting a whole account.
   *
   * The keys the role manages itself are refused (`aws:PrincipalArn`,
   * `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `sts:ExternalId`,
   * `sts:RoleSessionName`): adding to them would replace or widen their values.
   * Use `trustedRoles`, `externalIds` and `roleSessionNamePattern` instead.
   * Operators and keys must be literals: a token could resolve to one of those keys.
   *
   * @param conditions operator, then key, then value, as in a policy: `{ StringEquals: { 'aws:PrincipalTag/team': 'reports' } }`
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
   */
  public addTrustConditions(conditions: { [operator: string]: any }): void {
    refuseAfterSynthesis(this, 'addTrustConditions()');
    for (const { operator, key, value } of checkedTrustConditions(this.node.path, conditions, this.extraConditions)) {
      this.extraConditions[operator] = { ...this.extraConditions[operator], [key]: value };
      this.trustStatements.forEach(statement => statement.addCondition(operator, { [key]: value }));
    }
  }

  /**
   * Trust a role of another account, as `addTrustedRole()` does with its reference.
   *
   * `iam.Role.grantAssumeRole()` only adds `sts:AssumeRole` to the grantee's own
   * policies, which cannot make a role of another account trusted. Here the
   * grantee is added to this role's trust, with the same-app checks of
   * `addTrustedRole()`, and, as across accounts both halves are needed:
   *
   * - a role of this app (`iam.Role`) also gets `sts:AssumeRole` (and the allowed
   *   session actions) on this role in its own policy;
   * - a source of this library (a `CrossAccountTaskRole`, or the role of a
   *   `CrossAccountAccess`) gets nothing more: it must list this role with its
   *   own `addDestination()`, which synthesis checks;
   * - a role imported from another account (`Role.fromRoleArn()` in this
   *   role's stack) cannot take a policy here: only the trust is given, and its
   *   own account must allow it `sts:AssumeRole` on this role.
   *
   * The grantee must be a role of another account whose ARN is known at synth
   * (an imported role, or a role with a `roleName` in a stack with an explicit
   * account); anything else is refused, naming `addTrustedRole()`.
   *
   * @returns a grant whose resource statement is the trust given, and whose
   * principal statement is the grantee's `sts:AssumeRole`, when one was added
   */
  public grantAssumeRole(grantee: iam.IPrincipal): iam.Grant {
    refuseAfterSynthesis(this, 'grantAssumeRole()');
    const role = typeof (grantee as iam.IRole).roleArn === 'string' ? grantee as iam.IRole : undefined;
    const reference = role && tryReferenceOfRole(role);
    const ownAccount = Stack.of(this).account;
    if (!reference || Token.isUnresolved(reference.account)
      || (!Token.isUnresolved(ownAccount) && reference.account === ownAccount)) {
      throw new Error(`${this.node.path}: grantAssumeRole(${grantee}) cannot trust it: this role trusts roles of other accounts `
        + 'whose ARN is known at synth. '
        + (reference && !Token.isUnresolved(reference.account) ? `${reference} is in this role's own account. ` : '')
        + 'Name the role with addTrustedRole(RoleReference.of({ account, roleName, path })), '
        + 'or give the grantee a roleName and its stack an explicit env: { account }.');
    }
    this.addTrustedRole(reference);
    if (iam.Role.isRole(role) && !this.trustedConstructs.includes(role)) {
      // A role created in this app: order the stacks as for a source of this library.
      this.trustedConstructs.push(role);
    }
    // The ARN with this role's path and the partition of the stack it is used in (the grantee's).
    const ownArn = this._tryReference()?.roleArn ?? this.roleArn;
    const trust = iam.Grant.addStatementToResourcePolicy({
      grantee,
      actions: this.trustActions,
      // Stryker disable next-line ArrayDeclaration: required, but a grant with a statement of its own only shows it in assertSuccess(), which cannot fail here
      resourceArns: [ownArn],
      statement: new iam.PolicyStatement({ actions: this.trustActions, principals: [new iam.ArnPrincipal(reference.roleArn)] }),
      // The trust was given above; this only tells the grant where it went.
      resource: { env: this.env, addToResourcePolicy: () => ({ statementAdded: true, policyDependable: this }) },
    });
    if (isLibrarySource(this, reference)) {
      // Its destinations come from its own addDestination(), which the same-app checks hold it to.
      return trust;
    }
    if (role!.env.account !== Stack.of(role!).account) {
      // Imported into a stack of another account, whose template cannot attach a policy to it.
      return trust;
    }
    // Across accounts both halves are needed, as Grant.addToPrincipalOrResource() grants them.
    const identity = iam.Grant.addToPrincipal({ grantee, actions: this.trustActions, resourceArns: [ownArn] });
    return trust.combine(identity);
  }

  /** @internal */
  public _tryReference(): RoleReference | undefined {
    return tryReferenceOf(this, this.givenRoleName, this.givenPath);
  }

  /** @internal The external IDs a caller must send, one of them; none when none is required. */
  public _externalIds(): readonly string[] {
    return this.externalIds === undefined ? [] : [this.externalIds].flat();
  }

  /** @internal */
  public _trustedConstructs(): readonly iam.IRole[] {
    return this.trustedConstructs;
  }

  /**
   * Puts on a trust statement what every caller must match: the external IDs,
   * the session name pattern and the conditions added with `addTrustConditions()`.
   */
  private withCallerConditions(statement: iam.PolicyStatement): iam.PolicyStatement {
    if (this.externalIds !== undefined) {
      statement.addCondition('StringEquals', { 'sts:ExternalId': this.externalIds });
    }
    if (this.roleSessionNamePattern !== undefined) {
      statement.addCondition('StringLike', { 'sts:RoleSessionName': this.roleSessionNamePattern });
    }
    for (const [operator, keys] of Object.entries(this.extraConditions)) {
      statement.addCondition(operator, keys);
    }
    this.trustStatements.push(statement);
    return statement;
  }

  /** @internal */
  public _namedRoles(): readonly RoleReference[] {
    return this.trusted;
  }

  /** @internal */
  public _namedOrganizationRoles(): readonly OrganizationRoles[] {
    return this.trustedOrganizations;
  }
}

/**
 * Whether the role is a source of this library (a `CrossAccountTaskRole`, or the
 * role of a `CrossAccountAccess` of the app), which lists its destinations itself.
 */
function isLibrarySource(scope: IConstruct, reference: RoleReference): boolean {
  return sourcesNamed(scope, reference).length > 0;
}
