import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { OrganizationRoles } from './organization-roles';
import { DestinationList, checkAsSource } from './private/destination-list';
import { markSynthesis, refuseAfterSynthesis, tryReferenceOfRole } from './private/role-setup';
import { assumeOrganizationRolesStatement } from './private/statements';
import { invalid, validateBoolean, validateNotEmpty } from './private/validation';
import { RoleReference } from './role-reference';

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

  private readonly destinations: DestinationList;
  private readonly grants: iam.Grant[] = [];
  /** The statement that lists the exact destination ARNs, once the role took it. */
  private exactStatement?: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: CrossAccountAccessProps) {
    super(scope, id);
    validateNotEmpty(this.node.path, 'destinationRoles', props.destinationRoles);
    validateNotEmpty(this.node.path, 'destinationOrganizationRoles', props.destinationOrganizationRoles);
    for (const property of ['allowSessionTags', 'allowSourceIdentity'] as const) {
      validateBoolean(this.node.path, property, props[property]);
    }
    this.role = props.role;
    this.destinations = new DestinationList(props);
    const roleAccount = props.role.env.account;
    const stackAccount = Stack.of(this).account;
    if (!Token.isUnresolved(roleAccount) && !Token.isUnresolved(stackAccount) && roleAccount !== stackAccount) {
      throw invalid(this.node.path, 'role', props.role.roleArn,
        `the role is in account ${roleAccount}, but this construct's stack deploys to ${stackAccount}: `
        + 'put CrossAccountAccess in a stack of the role\'s account');
    }
    markSynthesis(this);
    for (const destination of props.destinationRoles ?? []) {
      this.addDestination(destination);
    }
    for (const roles of props.destinationOrganizationRoles ?? []) {
      this.addDestinationOrganizationRoles(roles);
    }
    checkAsSource(this);
    this.node.addValidation({
      validate: () => !this.destinations.isEmpty ? [] : [
        'has no destination role: pass destinationRoles or call addDestination() (an empty policy fails to deploy)',
      ],
    });
  }

  /**
   * The source role as a `RoleReference`, for the `trustedRoles` of a
   * `TrustedDestinationRole` in another account's stack.
   */
  public get reference(): RoleReference {
    const reference = this._tryReference();
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
    if (this.grants.length === 0) {
      throw new Error(`${this.node.path}: grant is only there once a destination is added: pass destinationRoles or call addDestination()`);
    }
    return this.grants.reduce((all, grant) => all.combine(grant));
  }

  /** The destination roles the role may assume, in the order they were added. */
  public get destinationRoles(): RoleReference[] {
    return [...this.destinations.all];
  }

  /**
   * Allow the role to assume one more destination role. Adding the same role twice has no effect.
   * Refused once the app is synthesized, when the templates no longer change.
   */
  public addDestination(destination: RoleReference): void {
    refuseAfterSynthesis(this, 'addDestination()');
    // Stryker disable next-line BlockStatement: a statement lists a resource once however often it is added
    if (!this.destinations.add(destination)) {
      return;
    }
    // A statement resolved early (by an Aspect) is frozen: the destination then gets a statement of its own.
    if (this.exactStatement && !this.exactStatement.frozen) {
      this.exactStatement.addResources(destination.roleArn);
      return;
    }
    const grant = iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: this.destinations.assumeActions,
      resourceArns: [destination.roleArn],
    });
    this.exactStatement = grant.principalStatements[0];
    this.grants.push(grant);
  }

  /**
   * Allow the role to assume the roles of an organization that match a name
   * pattern, in any of its accounts (`aws:ResourceOrgID`).
   */
  public addDestinationOrganizationRoles(roles: OrganizationRoles): void {
    refuseAfterSynthesis(this, 'addDestinationOrganizationRoles()');
    if (!this.destinations.addOrganizationRoles(roles)) {
      return;
    }
    const statement = assumeOrganizationRolesStatement(roles, this.destinations.assumeActions);
    this.grants.push(iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: statement.actions,
      resourceArns: statement.resources,
      conditions: statement.conditions,
    }));
  }

  /** @internal */
  public _tryReference(): RoleReference | undefined {
    return tryReferenceOfRole(this.role, this);
  }

  /** @internal */
  public _assumingRole(): IConstruct {
    return this.role;
  }

  /** @internal */
  public _namedRoles(): readonly RoleReference[] {
    return this.destinations.all;
  }

  /** @internal */
  public _namedOrganizationRoles(): readonly OrganizationRoles[] {
    return this.destinations.allOrganizationRoles;
  }
}
