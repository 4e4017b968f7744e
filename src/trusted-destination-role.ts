import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrganizationRoles } from './organization-roles';
import { ChainEnd, addChainChecks } from './private/chain/chain-end';
import { deployAfterTrustedRoles } from './private/chain/deploy-order';
import { referenceOf, tryReferenceOf, tryReferenceOfRole, effectiveNameAndPath } from './private/chain/references';
import { sourcesNamed } from './private/chain/registry';
import { markSynthesis, refuseAfterSynthesis } from './private/checks/after-synthesis';
import { addResolvedValueChecks, deferred } from './private/checks/cfn-literals';
import { reportTrust } from './private/checks/precreated';
import { addQuotaChecks } from './private/checks/quotas';
import { addWholeAccountTrustCheck } from './private/checks/trust-principals';
import { warnAboutChainedSessionDuration } from './private/checks/warnings';
import { assumeRoleActions } from './private/policy/identity';
import { DestinationTrust } from './private/policy/trust';
import { commonRoleProps, pathOf } from './private/role-setup';
import { CrossAccountRoleOptions } from './role-options';
import { RoleReference } from './role-reference';
import { EXTERNAL_ID } from './rules/identifiers';
import { check, checkEach } from './rules/rule';
import { ROLE_SESSION_NAME_PATTERN, checkedTrustConditions } from './rules/trust';
import { BOOLEAN, NOT_EMPTY, enumOf } from './rules/values';
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

  /** The roles this role trusts, by name and by organization pattern. */
  private readonly chain: ChainEnd;
  private readonly trust: DestinationTrust;
  private readonly trustActions: string[];
  /** The role's name and path in IAM: the precreated role's under customizeRoles, else the given ones. */
  private readonly nameInIam: string;
  private readonly pathInIam: string;

  constructor(scope: Construct, id: string, props: TrustedDestinationRoleProps = {}) {
    const common = commonRoleProps(scope, id, props);
    const where = pathOf(scope, id);
    check(where, 'trustMode', props.trustMode, enumOf(TrustMode, 'TrustMode'));
    check(where, 'allowSessionTags', props.allowSessionTags, BOOLEAN);
    check(where, 'allowSourceIdentity', props.allowSourceIdentity, BOOLEAN);
    check(where, 'externalId', props.externalId, EXTERNAL_ID);
    check(where, 'externalIds', props.externalIds, NOT_EMPTY);
    checkEach(where, 'externalIds', props.externalIds, EXTERNAL_ID);
    check(where, 'roleSessionNamePattern', props.roleSessionNamePattern, ROLE_SESSION_NAME_PATTERN);
    const externalIds = [...new Set([...(props.externalId === undefined ? [] : [props.externalId]), ...(props.externalIds ?? [])])];
    const trustMode = props.trustMode ?? TrustMode.ROLE_ARN;
    const trustActions = assumeRoleActions(props);
    const trust = new DestinationTrust({ trustMode, actions: trustActions, externalIds, roleSessionNamePattern: props.roleSessionNamePattern });
    super(scope, id, { ...common, assumedBy: trust.principal });
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the brand is recognised by its presence, whatever its value
    Object.defineProperty(this, TRUSTED_DESTINATION_ROLE, { value: true });
    this.trust = trust;
    this.trustActions = trustActions;
    this.trustMode = trustMode;
    const actual = effectiveNameAndPath(scope, id, common.roleName as string, props.path);
    this.nameInIam = actual.roleName;
    this.pathInIam = actual.path;
    this.chain = new ChainEnd({
      construct: this,
      side: 'destination',
      reference: () => tryReferenceOf(this, this.nameInIam, this.pathInIam),
      externalIds,
    });
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
      ...deferred('externalId', props.externalId, EXTERNAL_ID),
      ...(props.externalIds ?? []).flatMap((externalId, i) => deferred(`externalIds[${i}]`, externalId, EXTERNAL_ID)),
      ...deferred('roleSessionNamePattern', props.roleSessionNamePattern, ROLE_SESSION_NAME_PATTERN),
    ]);
    addQuotaChecks(this, props.iamQuotas, {
      trust: 'Trust the source roles by organization instead (trustedOrganizationRoles with OrganizationRoles.of()), '
        + 'whose size does not grow with the number of accounts; or trust fewer roles in one destination role; '
        + 'or raise the quota (up to 4,096) in Service Quotas and declare it with iamQuotas.trustPolicySize.',
    });
    this.node.addValidation({
      validate: () => (this.chain.isEmpty
        ? ['trusts no role: pass trustedRoles or call addTrustedRole() with the source role\'s reference '
          + '(or trust roles of an organization with trustedOrganizationRoles)']
        : []),
    });
    addChainChecks(this.chain,
      counterpart => `call ${counterpart.path}.addDestination(${this.node.path}.reference), or remove the trusted role`);
    if (this.trustMode === TrustMode.ROLE_ARN) {
      deployAfterTrustedRoles(this.chain);
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
    return referenceOf(this, this.nameInIam, this.pathInIam);
  }

  /**
   * The roles this role trusts, in the order they were added.
   */
  public get trustedRoles(): RoleReference[] {
    return [...this.chain.namedRoles];
  }

  /**
   * Trust one more role of another account. That role must be allowed to assume
   * this one too (`CrossAccountTaskRole.addDestination(role.reference)`).
   * Adding the same role twice has no effect. Refused once the app is
   * synthesized, when the templates no longer change.
   */
  public addTrustedRole(role: RoleReference): void {
    refuseAfterSynthesis(this, 'addTrustedRole()');
    if (this.chain.add(role)) {
      this.trust.addTrustedRole(role);
    }
  }

  /**
   * The organization roles this role trusts, in the order they were added.
   */
  public get trustedOrganizationRoles(): OrganizationRoles[] {
    return [...this.chain.namedOrganizationRoles];
  }

  /**
   * Trust the roles of an organization that match a name pattern, from any of its
   * accounts (`aws:PrincipalOrgID` and `ArnLike aws:PrincipalArn`). The external
   * ID, if any, is required of them too. Adding the same roles twice has no effect.
   */
  public addTrustedOrganizationRoles(roles: OrganizationRoles): void {
    refuseAfterSynthesis(this, 'addTrustedOrganizationRoles()');
    if (this.chain.addOrganizationRoles(roles)) {
      this.trust.addOrganizationRoles(roles);
    }
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
    this.trust.addConditions(checkedTrustConditions(this.node.path, conditions, this.trust.addedConditions));
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
    if (iam.Role.isRole(role)) {
      // A role created in this app: order the stacks as for a source of this library.
      this.chain.addGrantee(role);
    }
    // The ARN with this role's path and the partition of the stack it is used in (the grantee's).
    const ownArn = this.chain.tryReference()?.roleArn ?? this.roleArn;
    const trust = iam.Grant.addStatementToResourcePolicy({
      grantee,
      actions: this.trustActions,
      // Stryker disable next-line ArrayDeclaration: required, but a grant with a statement of its own only shows it in assertSuccess(), which cannot fail here
      resourceArns: [ownArn],
      statement: new iam.PolicyStatement({ actions: this.trustActions, principals: [new iam.ArnPrincipal(reference.roleArn)] }),
      // The trust was given above; this only tells the grant where it went.
      resource: { env: this.env, addToResourcePolicy: () => ({ statementAdded: true, policyDependable: this }) },
    });
    if (sourcesNamed(this, reference).length > 0) {
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
}
