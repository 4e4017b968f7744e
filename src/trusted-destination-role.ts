import { Aspects, IAspect, Lazy, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { OrganizationRoles } from './organization-roles';
import { registerDestination, sourcesNamed, unreciprocated } from './private/counterparts';
import { addPartitionCheck } from './private/partitions';
import { addQuotaChecks } from './private/quotas';
import { addResolvedValueChecks, externalIdValue, organizationRolesValues, referenceValues } from './private/resolved-values';
import { commonRoleProps, pathOf, referenceOf, tryReferenceOf } from './private/role-setup';
import { ASSUME_ROLE, oneOrMany, organizationTrustStatement, sameOrganizationRoles } from './private/statements';
import { validateExternalId } from './private/validation';
import { addWholeAccountTrustCheck, warnAboutChainedSessionDuration } from './private/warnings';
import { CrossAccountRoleOptions } from './role-options';
import { RoleReference } from './role-reference';

const TRUSTED_DESTINATION_ROLE = Symbol.for('cdk-cross-account-task-roles.TrustedDestinationRole');

/**
 * How a destination role's trust policy names the roles it trusts.
 */
export enum TrustMode {
  /**
   * The principal is each trusted role's ARN, as in the AWS walkthrough.
   *
   * IAM turns the ARN into the role's unique ID when the policy is saved, so the
   * trusted role must exist first (deploy the source account first), and a
   * trusted role that is deleted and recreated is no longer trusted until this
   * role's trust is saved again.
   */
  ROLE_ARN = 'ROLE_ARN',

  /**
   * The principal is each trusted role's account, limited to the trusted roles'
   * exact ARNs by a `StringEquals` condition on `aws:PrincipalArn` (not
   * `ArnEquals`, in which IAM reads `*` and `?` as wildcards).
   *
   * Admits exactly the same roles, deploys in either order, and keeps trusting
   * a trusted role that is recreated with the same name and path.
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
   */
  ACCOUNT_WITH_PRINCIPAL_ARN = 'ACCOUNT_WITH_PRINCIPAL_ARN',
}

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
   */
  readonly externalId?: string;
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
  private readonly externalId?: string;
  private readonly trustedAccountRoots = new Set<string>();
  private readonly givenRoleName: string;
  private readonly givenPath: string;

  constructor(scope: Construct, id: string, props: TrustedDestinationRoleProps = {}) {
    const common = commonRoleProps(scope, id, props);
    if (props.externalId !== undefined) {
      validateExternalId(pathOf(scope, id), 'externalId', props.externalId);
    }
    const trustStatement = new iam.PolicyStatement({ actions: [ASSUME_ROLE] });
    if (props.externalId !== undefined) {
      trustStatement.addCondition('StringEquals', { 'sts:ExternalId': props.externalId });
    }
    const trustDocument = new StatementPrincipal();
    super(scope, id, { ...common, assumedBy: trustDocument });
    Object.defineProperty(this, TRUSTED_DESTINATION_ROLE, { value: true });
    this.trustStatement = trustStatement;
    this.trustDocument = trustDocument;
    this.externalId = props.externalId;
    this.trustMode = props.trustMode ?? TrustMode.ROLE_ARN;
    this.givenRoleName = common.roleName as string;
    this.givenPath = props.path ?? '/';

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
      ...externalIdValue('externalId', this.externalId),
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
      Aspects.of(this).add(new DeployAfterTrustedSources(this));
    }
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
   * Adding the same role twice has no effect.
   */
  public addTrustedRole(role: RoleReference): void {
    const arn = role.roleArn;
    if (this.trustedArns.has(arn)) {
      return;
    }
    if (this.trusted.length === 0) {
      this.trustDocument.add(this.trustStatement);
      if (this.trustMode === TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN) {
        // One condition whose values are read at synth, rather than rewritten on every add. StringEquals,
        // not ArnEquals: IAM reads * and ? as wildcards in ArnEquals too, and these ARNs are exact.
        this.trustStatement.addCondition('StringEquals', {
          'aws:PrincipalArn': Lazy.any({ produce: () => oneOrMany([...this.trustedArns]) }),
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
    if (this.trustedOrganizations.some(r => sameOrganizationRoles(r, roles))) {
      return;
    }
    this.trustedOrganizations.push(roles);
    this.trustDocument.add(organizationTrustStatement(roles, this.externalId));
  }

  /** @internal */
  public _tryReference(): RoleReference | undefined {
    return tryReferenceOf(this, this.givenRoleName, this.givenPath);
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
 * The principal a role is created with, which only keeps hold of the role's trust
 * policy, so that statements can be added to it as trusted roles are added, and
 * only once they have a principal.
 */
class StatementPrincipal extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  public readonly assumeRoleAction = ASSUME_ROLE;
  private document?: iam.PolicyDocument;

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({});
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    this.document = document;
  }

  public add(statement: iam.PolicyStatement): void {
    this.document!.addStatements(statement);
  }

  public dedupeString(): string | undefined {
    return undefined;
  }
}

/**
 * In ROLE_ARN mode IAM rejects a trust policy that names a role that does not
 * exist yet, so a destination stack deploys after the stacks of the task roles
 * it trusts when they are in the same app.
 */
class DeployAfterTrustedSources implements IAspect {
  constructor(private readonly destination: TrustedDestinationRole) {}

  public visit(node: IConstruct): void {
    if (node !== this.destination) {
      return;
    }
    const destinationStack = Stack.of(this.destination);
    for (const trusted of this.destination._namedRoles()) {
      for (const source of sourcesNamed(this.destination, trusted)) {
        const sourceStack = Stack.of(source);
        if (sourceStack !== destinationStack) {
          destinationStack.addDependency(sourceStack,
            `${this.destination.node.path} trusts ${source.node.path} by ARN (TrustMode.ROLE_ARN)`);
        }
      }
    }
  }
}
