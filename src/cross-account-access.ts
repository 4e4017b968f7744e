import { Lazy, Names, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrganizationRoles } from './organization-roles';
import { DestinationList, checkAsSource } from './private/destination-list';
import { refusePolicyNameClash } from './private/policy-names';
import { invalid } from './private/validation';
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
}

/**
 * Lets any existing role assume roles in other accounts, with the same guarantees
 * as a `CrossAccountTaskRole`: one identity statement, `sts:AssumeRole` on exactly
 * the destination ARNs, checked against the destinations of the same app.
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

  private readonly destinations = new DestinationList();

  constructor(scope: Construct, id: string, props: CrossAccountAccessProps) {
    super(scope, id);
    this.role = props.role;
    const roleAccount = props.role.env.account;
    const stackAccount = Stack.of(this).account;
    if (!Token.isUnresolved(roleAccount) && !Token.isUnresolved(stackAccount) && roleAccount !== stackAccount) {
      throw invalid(this.node.path, 'role', props.role.roleArn,
        `the role is in account ${roleAccount}, but this construct's stack deploys to ${stackAccount}: `
        + 'put CrossAccountAccess in a stack of the role\'s account');
    }
    for (const destination of props.destinationRoles ?? []) {
      this.addDestination(destination);
    }
    for (const roles of props.destinationOrganizationRoles ?? []) {
      this.addDestinationOrganizationRoles(roles);
    }

    const policyName = Names.uniqueResourceName(this, { maxLength: 128 });
    const policy = new iam.CfnPolicy(this, 'Resource', {
      policyName,
      roles: [props.role.roleName],
      policyDocument: Lazy.any({ produce: () => this.destinations.policyDocument() }),
    });
    refusePolicyNameClash(this, policy, policyName);
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

  /** The destination roles the role may assume, in the order they were added. */
  public get destinationRoles(): RoleReference[] {
    return [...this.destinations.all];
  }

  /**
   * Allow the role to assume one more destination role. Adding the same role twice has no effect.
   */
  public addDestination(destination: RoleReference): void {
    this.destinations.add(destination);
  }

  /**
   * Allow the role to assume the roles of an organization that match a name
   * pattern, in any of its accounts (`aws:ResourceOrgID`).
   */
  public addDestinationOrganizationRoles(roles: OrganizationRoles): void {
    this.destinations.addOrganizationRoles(roles);
  }

  /** @internal */
  public _tryReference(): RoleReference | undefined {
    if (!Token.isUnresolved(this.role.roleArn)) {
      try {
        return RoleReference.fromArn(this.role.roleArn);
      } catch (error) {
        throw new Error(`${this.node.path}: role ${this.role.roleArn} cannot be named in another account's trust: ${(error as Error).message}`);
      }
    }
    const cfnRole = this.role.node.defaultChild;
    const account = Stack.of(this.role).account;
    if (!(cfnRole instanceof iam.CfnRole) || Token.isUnresolved(account)
      || cfnRole.roleName === undefined || Token.isUnresolved(cfnRole.roleName)) {
      return undefined;
    }
    return RoleReference._fromConstruct(this, { account, roleName: cfnRole.roleName, path: cfnRole.path });
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
