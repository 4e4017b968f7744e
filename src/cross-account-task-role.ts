import { Lazy, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrganizationRoles } from './organization-roles';
import { ChainEnd, addChainChecks } from './private/chain/chain-end';
import { effectiveNameAndPath, referenceOf, tryReferenceOf } from './private/chain/references';
import { markSynthesis, refuseAfterSynthesis } from './private/checks/after-synthesis';
import { warnAboutDirectGrants } from './private/checks/direct-grants';
import { refusePolicyNameClash } from './private/checks/policy-names';
import { cfnRoleOf, reportIdentityStatements } from './private/checks/precreated';
import { addQuotaChecks } from './private/checks/quotas';
import { addTaskDefinitionChecks } from './private/checks/task-definitions';
import { addEcsTrustGuardCheck, addWholeAccountTrustCheck } from './private/checks/trust-principals';
import { WARNINGS, warn, warnIfConfusedDeputyGuardOff } from './private/checks/warnings';
import { assumeRoleActions, assumeStatements } from './private/policy/identity';
import { ecsTasksPrincipal } from './private/policy/trust';
import { commonRoleProps, pathOf, refuseAssumeRoleGrant } from './private/role-setup';
import { CrossAccountRoleOptions } from './role-options';
import { RoleReference } from './role-reference';
import { check } from './rules/rule';
import { BOOLEAN, NOT_EMPTY } from './rules/values';

const CROSS_ACCOUNT_TASK_ROLE = Symbol.for('cdk-cross-account-task-roles.CrossAccountTaskRole');
const ASSUME_DESTINATION_ROLES = 'AssumeDestinationRoles';

/**
 * Properties of a `CrossAccountTaskRole`.
 */
export interface CrossAccountTaskRoleProps extends CrossAccountRoleOptions {
  /**
   * The roles in other accounts that tasks with this role may assume.
   * More can be added with `addDestination()`. An empty list is refused, and a
   * role left without any destination at synth is warned about
   * (`taskRoleWithoutDestination`).
   *
   * @default - none yet; add them with `addDestination()`
   */
  readonly destinationRoles?: RoleReference[];

  /**
   * Roles of an AWS Organization, by name pattern, that tasks with this role may
   * assume in any of the organization's accounts. The policy's size does not grow
   * with the number of accounts. More can be added with `addDestinationOrganizationRoles()`.
   *
   * @default - none
   */
  readonly destinationOrganizationRoles?: OrganizationRoles[];

  /**
   * Whether the trust of `ecs-tasks.amazonaws.com` carries the conditions AWS
   * recommends against the cross-service confused deputy: `aws:SourceAccount` =
   * this stack's account and `ArnLike aws:SourceArn` =
   * `arn:<partition>:ecs:<region>:<account>:*`, so that ECS assumes the role only
   * for tasks of this account and Region.
   *
   * Who may give the role to a task is decided by `iam:PassRole`, which only a
   * principal of the role's own account can be allowed: a role cannot be passed
   * to a service in another account. The conditions are the check on the service
   * side: should ECS ever be asked to assume the role for a task of another
   * account or Region, the trust refuses it. They do not limit which principals of
   * this account may pass the role. Turn them off only for an ECS feature that
   * does not send these keys.
   *
   * @default true
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#create_task_iam_policy_and_role
   */
  readonly confusedDeputyGuard?: boolean;

  /**
   * Whether the task may pass session tags when it assumes its destination roles
   * (`sts:TagSession` beside `sts:AssumeRole` in the identity statement). The
   * destinations must allow it too (`allowSessionTags` of `TrustedDestinationRole`).
   * The container sets the tags with the SDK (`Tags` of `AssumeRole`); a config
   * profile cannot.
   *
   * @default false
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
   */
  readonly allowSessionTags?: boolean;

  /**
   * Whether the task may set a source identity when it assumes its destination
   * roles (`sts:SetSourceIdentity` in the identity statement). The destinations
   * must allow it too (`allowSourceIdentity` of `TrustedDestinationRole`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms
   */
  readonly allowSourceIdentity?: boolean;
}

/**
 * An ECS task role in the source account that may assume roles in other accounts,
 * and nothing else until you grant it more.
 *
 * It is trusted by `ecs-tasks.amazonaws.com` for tasks of its own account and region,
 * and its identity policy allows `sts:AssumeRole` on exactly the destination roles'
 * ARNs. Use it as the `taskRole` of ECS task definitions of its own account (and,
 * with the confused-deputy guard, Region): synthesis fails for a task definition
 * of the app elsewhere, whose task could not start.
 *
 * @example
 * declare const sourceStack: Stack;
 *
 * const taskRole = new CrossAccountTaskRole(sourceStack, 'TaskRole', {
 *   roleName: 'my-ECS-task-role',
 *   destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' })],
 * });
 * new ecs.FargateTaskDefinition(sourceStack, 'Task', { taskRole });
 */
export class CrossAccountTaskRole extends iam.Role {
  /**
   * Whether the given object is a `CrossAccountTaskRole`, also when it comes from
   * another copy of this library.
   */
  public static isCrossAccountTaskRole(x: any): x is CrossAccountTaskRole {
    return x !== null && typeof x === 'object' && CROSS_ACCOUNT_TASK_ROLE in x;
  }

  /** The destination roles, by name and by organization pattern. */
  private readonly chain: ChainEnd;
  /** `sts:AssumeRole` and the session actions the role may use on its destinations. */
  private readonly assumeActions: string[];
  /** What was granted to the role through its principal policy (every aws-cdk-lib grant), to find grants in destination accounts. */
  private readonly grantedStatements: iam.PolicyStatement[] = [];
  /** The role's name and path in IAM: the precreated role's under customizeRoles, else the given ones. */
  private readonly nameInIam: string;
  private readonly pathInIam: string;

  constructor(scope: Construct, id: string, props: CrossAccountTaskRoleProps = {}) {
    const common = commonRoleProps(scope, id, props);
    const where = pathOf(scope, id);
    check(where, 'destinationRoles', props.destinationRoles, NOT_EMPTY);
    check(where, 'destinationOrganizationRoles', props.destinationOrganizationRoles, NOT_EMPTY);
    check(where, 'confusedDeputyGuard', props.confusedDeputyGuard, BOOLEAN);
    check(where, 'allowSessionTags', props.allowSessionTags, BOOLEAN);
    check(where, 'allowSourceIdentity', props.allowSourceIdentity, BOOLEAN);
    super(scope, id, {
      ...common,
      assumedBy: ecsTasksPrincipal(Stack.of(scope), props.confusedDeputyGuard ?? true),
    });
    warnIfConfusedDeputyGuardOff(this, props.confusedDeputyGuard);
    addTaskDefinitionChecks(this, props.confusedDeputyGuard ?? true);
    if (props.confusedDeputyGuard ?? true) {
      // A statement added by hand that lets ECS in without the conditions would undo the guard.
      addEcsTrustGuardCheck(this);
    }
    // Whoever may assume the task role may assume its destinations: a trust widened by hand is warned about too.
    addWholeAccountTrustCheck(this);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the brand is recognised by its presence, whatever its value
    Object.defineProperty(this, CROSS_ACCOUNT_TASK_ROLE, { value: true });
    const actual = effectiveNameAndPath(scope, id, common.roleName as string, props.path);
    this.nameInIam = actual.roleName;
    this.pathInIam = actual.path;
    this.assumeActions = assumeRoleActions(props);
    this.chain = new ChainEnd({ construct: this, side: 'source', reference: () => tryReferenceOf(this, this.nameInIam, this.pathInIam) });
    markSynthesis(this);

    const cfnRole = cfnRoleOf(this);
    if (cfnRole) {
      const inlinePolicies = cfnRole.policies;
      // Not cached: a destination added after an early resolution (an Aspect) is in it.
      cfnRole.policies = Lazy.uncachedAny({
        produce: () => {
          const ours = this.chain.isEmpty ? []
            : [{ policyName: ASSUME_DESTINATION_ROLES, policyDocument: new iam.PolicyDocument({ statements: this.identityStatements() }) }];
          return [...(Array.isArray(inlinePolicies) ? inlinePolicies : []), ...ours];
        },
      }, { omitEmptyArray: true });
      refusePolicyNameClash(this, cfnRole, ASSUME_DESTINATION_ROLES);
    }
    reportIdentityStatements(this, () => this.identityStatements());

    for (const destination of props.destinationRoles ?? []) {
      this.addDestination(destination);
    }
    for (const roles of props.destinationOrganizationRoles ?? []) {
      this.addDestinationOrganizationRoles(roles);
    }
    addQuotaChecks(this, props.iamQuotas, {
      trust: 'Remove statements added to this role\'s trust policy.',
      inline: 'name the destinations by organization instead (destinationOrganizationRoles with OrganizationRoles.of()), '
        + 'whose size does not grow with the number of accounts; or assume fewer destination roles from one task role',
    });
    addChainChecks(this.chain,
      counterpart => `add ${this.node.path}.reference to the trustedRoles of ${counterpart.path}, or remove the destination`);
    this.node.addValidation({ validate: () => this.warnWithoutDestination() });
    this.node.addValidation({
      validate: () => {
        warnAboutDirectGrants(this, this.grantedStatements, this.chain.namedRoles);
        return [];
      },
    });
  }

  /**
   * This role as a `RoleReference`, to put in the `trustedRoles` of a
   * `TrustedDestinationRole` in another account's stack.
   *
   * The stack must have an explicit account (`env: { account }`): the other
   * account's template holds this role's ARN as a literal.
   */
  public get reference(): RoleReference {
    return referenceOf(this, this.nameInIam, this.pathInIam);
  }

  /**
   * The destination roles this role may assume, in the order they were added.
   */
  public get destinationRoles(): RoleReference[] {
    return [...this.chain.namedRoles];
  }

  /**
   * The organization roles this role may assume, in the order they were added.
   */
  public get destinationOrganizationRoles(): OrganizationRoles[] {
    return [...this.chain.namedOrganizationRoles];
  }

  /**
   * Allow this role to assume one more destination role. The destination must
   * trust this role too (`TrustedDestinationRole.addTrustedRole(taskRole.reference)`).
   * Adding the same role twice has no effect. Refused once the app is
   * synthesized, when the templates no longer change.
   */
  public addDestination(destination: RoleReference): void {
    refuseAfterSynthesis(this, 'addDestination()');
    this.chain.add(destination);
  }

  /**
   * Allow this role to assume the roles of an organization that match a name
   * pattern, in any of its accounts (`aws:ResourceOrgID`). The destinations must
   * trust this role too, for example with `addTrustedOrganizationRoles()`.
   */
  public addDestinationOrganizationRoles(roles: OrganizationRoles): void {
    refuseAfterSynthesis(this, 'addDestinationOrganizationRoles()');
    this.chain.addOrganizationRoles(roles);
  }

  /**
   * Adds a permission to the role's default policy document, as every
   * aws-cdk-lib grant does (`bucket.grantRead(taskRole)`).
   *
   * A grant on a resource of a destination account gets the
   * `directGrantInDestinationAccount` warning: grant the destination role instead.
   *
   * @param statement The permission statement to add to the policy document.
   */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.grantedStatements.push(statement);
    return super.addToPrincipalPolicy(statement);
  }

  /**
   * Refused: only `ecs-tasks.amazonaws.com` may assume a task role, and a grant
   * cannot change its trust. `iam.Role` would report success and change nothing
   * that lets the grantee in.
   */
  public grantAssumeRole(grantee: iam.IPrincipal): iam.Grant {
    throw refuseAssumeRoleGrant(this, grantee);
  }

  /** Warns, once the app is complete, when the role may assume no role at all. */
  private warnWithoutDestination(): string[] {
    if (this.chain.isEmpty) {
      warn(this, WARNINGS.taskRoleWithoutDestination,
        'has no destination role, so its tasks may assume no role of another account: give destinationRoles '
        + '(or destinationOrganizationRoles), or call addDestination() with the RoleReference of the role to assume. '
        + 'A task that needs no other account needs no CrossAccountTaskRole: use an iam.Role trusted by ecs-tasks.amazonaws.com.');
    }
    return [];
  }

  /** The statements of the role's `AssumeDestinationRoles` policy. */
  private identityStatements(): iam.PolicyStatement[] {
    return assumeStatements(this.chain.namedRoles, this.chain.namedOrganizationRoles, this.assumeActions);
  }
}
