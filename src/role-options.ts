import { Duration, aws_iam as iam } from 'aws-cdk-lib';

/**
 * The role settings shared by every role this library creates.
 */
export interface CrossAccountRoleOptions {
  /**
   * The role's name. The other account's stack names the role by it, so give one
   * whenever the other side is deployed from another CDK app.
   *
   * @default - a deterministic name made from the construct path and the stack's Region, such as `SourceStack-TaskRole-1A2B3C4D`;
   * an environment-agnostic stack deployed to two Regions of one account needs explicit names
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
   */
  readonly roleName?: string;

  /**
   * A description of the role, up to 1,000 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The role's path. It is part of the role's ARN, so both sides of a chain must use the same path.
   *
   * @default '/'
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names
   */
  readonly path?: string;

  /**
   * Managed policies to attach to the role.
   *
   * @default - none
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Inline policies to put on the role, by name.
   *
   * @default - none besides the ones the construct writes
   */
  readonly inlinePolicies?: { [name: string]: iam.PolicyDocument };

  /**
   * A managed policy that bounds the role's permissions.
   *
   * @default - no permissions boundary
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The longest session a caller may request for this role, between 1 and 12 hours.
   * A role assumed by another role's session (role chaining) is capped at 1 hour
   * whatever this says.
   *
   * @default Duration.hours(1)
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html#id_roles_use_view-role-max-session
   */
  readonly maxSessionDuration?: Duration;

  /**
   * The IAM quotas of the account the role is deployed to, when they were raised.
   * The role's policies are checked against them at synth: a warning from 90%,
   * an error above.
   *
   * @default - the default quotas: trust policy 2,048 characters, 10 managed policies per role
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  readonly iamQuotas?: IamQuotas;
}

/**
 * IAM quotas that an account can have raised through Service Quotas. The ones
 * that cannot be raised (inline policies 10,240 characters per role, a managed
 * policy 6,144 characters) are always checked.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
export interface IamQuotas {
  /**
   * The largest trust policy the account accepts, in characters without white space,
   * from 2,048 to 4,096: a number known at synth, not a token.
   *
   * @default 2048
   */
  readonly trustPolicySize?: number;

  /**
   * How many managed policies may be attached to a role, from 10 to 20: a number
   * known at synth, not a token.
   *
   * @default 10
   */
  readonly managedPoliciesPerRole?: number;
}
