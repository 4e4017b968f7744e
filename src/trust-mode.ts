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
