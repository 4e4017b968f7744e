import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrganizationRoles } from './organization-roles';
import { ChainEnd, addChainChecks } from './private/chain/chain-end';
import { tryReferenceOfRole } from './private/chain/references';
import { markSynthesis, refuseAfterSynthesis } from './private/checks/after-synthesis';
import { AssumeGrants, assumeRoleActions } from './private/policy/identity';
import { RoleReference } from './role-reference';
import { check, invalid } from './rules/rule';
import { BOOLEAN, NOT_EMPTY } from './rules/values';

/**
 * Properties of a `CrossAccountAccess`.
 */
export interface CrossAccountAccessProps {
  /**
   * The role that assumes the destination roles: an EC2 instance role, a Lambda
   * function's role (`fn.role`), a CodeBuild project's role, ...
   *
   * Its ARN must be known at synth time, because the destination account's
   * template names it: give the role a `roleName`, or import it with
   * `Role.fromRoleArn()`.
   */
  readonly role: iam.IRole;

  /**
   * The roles in other accounts that `role` may assume.
   * More can be added with `addDestination()`.
   *
   * @default - none yet; add at least one with `addDestination()` before synthesis
   */
  readonly destinationRoles?: RoleReference[];

  /**
   * Roles of an AWS Organization, by name pattern, that `role` may assume in any
   * of the organization's accounts.
   *
   * @default - none
   */
  readonly destinationOrganizationRoles?: OrganizationRoles[];

  /**
   * Whether the role may pass session tags when it assumes its destination roles
   * (`sts:TagSession`). The destinations must allow it too (`allowSessionTags` of
   * `TrustedDestinationRole`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
   */
  readonly allowSessionTags?: boolean;

  /**
   * Whether the role may set a source identity when it assumes its destination
   * roles (`sts:SetSourceIdentity`). The destinations must allow it too
   * (`allowSourceIdentity` of `TrustedDestinationRole`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms
   */
  readonly allowSourceIdentity?: boolean;
}

/**
 * Lets any existing role assume roles in other accounts, with the same guarantees
 * as a `CrossAccountTaskRole`: one identity statement, `sts:AssumeRole` on exactly
 * the destination ARNs, checked against the destinations of the same app.
 *
 * The statements go through the role's own `addToPrincipalPolicy()`, as any
 * aws-cdk-lib grant does: a role created in the app gets them in its default
 * policy, and a role imported with `mutable: false` or wrapped in
 * `withoutPolicyUpdates()` gets nothing: whoever manages that role must add the
 * statement there. The result is in `grant`.
 *
 * Use it when the source is not an ECS task: an EC2 instance role (with
 * `credential_source = Ec2InstanceMetadata` in the profile), a Lambda function's
 * role, or a role you already have. It is a construct rather than a one-off
 * grant so that destinations can be added later, it has a `reference` for the
 * destination's `trustedRoles`, and synthesis can check both halves agree.
 *
 * @example
 * declare const stack: Stack;
 *
 * const instanceRole = new iam.Role(stack, 'InstanceRole', {
 *   roleName: 'S3FullAccessFromEC2',
 *   assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
 * });
 * const access = new CrossAccountAccess(stack, 'AssumeS3Role', {
 *   role: instanceRole,
 *   destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'assume_s3_role' })],
 * });
 * // access.reference goes into the destination's trustedRoles.
 */
export class CrossAccountAccess extends Construct {
  /** The role that assumes the destination roles. */
  public readonly role: iam.IRole;

  /** The destination roles, by name and by organization pattern. */
  private readonly chain: ChainEnd;
  private readonly grants: AssumeGrants;

  constructor(scope: Construct, id: string, props: CrossAccountAccessProps) {
    super(scope, id);
    check(this.node.path, 'destinationRoles', props.destinationRoles, NOT_EMPTY);
    check(this.node.path, 'destinationOrganizationRoles', props.destinationOrganizationRoles, NOT_EMPTY);
    check(this.node.path, 'allowSessionTags', props.allowSessionTags, BOOLEAN);
    check(this.node.path, 'allowSourceIdentity', props.allowSourceIdentity, BOOLEAN);
    this.role = props.role;
    this.grants = new AssumeGrants(props.role, assumeRoleActions(props));
    const roleAccount = props.role.env.account;
    const stackAccount = Stack.of(this).account;
    if (!Token.isUnresolved(roleAccount) && !Token.isUnresolved(stackAccount) && roleAccount !== stackAccount) {
      throw invalid(this.node.path, 'role', props.role.roleArn,
        `the role is in account ${roleAccount}, but this construct's stack deploys to ${stackAccount}: `
        + 'put CrossAccountAccess in a stack of the role\'s account');
    }
    this.chain = new ChainEnd({ construct: this, side: 'source', reference: () => tryReferenceOfRole(this.role, this), role: this.role });
    markSynthesis(this);
    for (const destination of props.destinationRoles ?? []) {
      this.addDestination(destination);
    }
    for (const roles of props.destinationOrganizationRoles ?? []) {
      this.addDestinationOrganizationRoles(roles);
    }
    addChainChecks(this.chain,
      counterpart => `add ${this.node.path}.reference to the trustedRoles of ${counterpart.path}, or remove the destination`);
    this.node.addValidation({
      validate: () => !this.chain.isEmpty ? [] : [
        'has no destination role: pass destinationRoles or call addDestination() (an empty policy fails to deploy)',
      ],
    });
  }

  /**
   * The source role as a `RoleReference`, for the `trustedRoles` of a
   * `TrustedDestinationRole` in another account's stack.
   */
  public get reference(): RoleReference {
    const reference = this.chain.tryReference();
    if (!reference) {
      throw new Error(`${this.node.path}: reference needs the ARN of role ${this.role.node.path} at synth time: `
        + 'give the role a roleName and its stack an explicit env: { account }, or import it with Role.fromRoleArn()');
    }
    return reference;
  }

  /**
   * What was granted to the role: `sts:AssumeRole` (and the allowed session
   * actions) on the destinations added so far, as the role reported it (an
   * immutable role, like in aws-cdk-lib, reports success and keeps its policies).
   */
  public get grant(): iam.Grant {
    const grant = this.grants.grant;
    if (!grant) {
      throw new Error(`${this.node.path}: grant is only there once a destination is added: pass destinationRoles or call addDestination()`);
    }
    return grant;
  }

  /** The destination roles the role may assume, in the order they were added. */
  public get destinationRoles(): RoleReference[] {
    return [...this.chain.namedRoles];
  }

  /**
   * Allow the role to assume one more destination role. Adding the same role twice has no effect.
   * Refused once the app is synthesized, when the templates no longer change.
   */
  public addDestination(destination: RoleReference): void {
    refuseAfterSynthesis(this, 'addDestination()');
    if (this.chain.add(destination)) {
      this.grants.addDestination(destination);
    }
  }

  /**
   * Allow the role to assume the roles of an organization that match a name
   * pattern, in any of its accounts (`aws:ResourceOrgID`).
   */
  public addDestinationOrganizationRoles(roles: OrganizationRoles): void {
    refuseAfterSynthesis(this, 'addDestinationOrganizationRoles()');
    if (this.chain.addOrganizationRoles(roles)) {
      this.grants.addOrganizationRoles(roles);
    }
  }
}
