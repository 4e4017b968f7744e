import { Token, Tokenization } from 'aws-cdk-lib';
import { Rule, check } from './rule';

/**
 * IAM's quotas on the size of a role's policies and the number of its managed
 * policies, and the ones an account can have raised.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */

/** A quota an account can have raised through Service Quotas: its default and its highest value. */
export interface RaisableQuota {
  readonly default: number;
  readonly max: number;
}

export const TRUST_POLICY_SIZE: RaisableQuota = { default: 2048, max: 4096 };
export const MANAGED_POLICIES_PER_ROLE: RaisableQuota = { default: 10, max: 20 };
export const INLINE_POLICIES_PER_ROLE_SIZE = 10240;
export const MANAGED_POLICY_SIZE = 6144;
/** From this share of a quota on, a role gets a warning. */
export const WARNING_SHARE = 0.9;

/**
 * A raised quota, as declared by a user: a number known at synth (it is compared
 * with the policies then), within the range IAM allows.
 */
function raisedQuota(range: RaisableQuota): Rule<number> {
  return {
    fault: value => {
      if (Token.isUnresolved(value)) {
        return `the quota is compared with the policies at synth, so it must be a number known then, from ${range.default} up to ${range.max}`;
      }
      return Number.isInteger(value) && value >= range.default && value <= range.max ? undefined
        : `IAM allows this quota to be raised from ${range.default} up to ${range.max}, no further`;
    },
    shown: value => (Token.isUnresolved(value) ? Tokenization.stringifyNumber(value) : value),
    literalOnly: true,
  };
}

/** The raisable quotas a user can declare (`IamQuotas` of the role options). */
export interface IamQuotaValues {
  readonly trustPolicySize?: number;
  readonly managedPoliciesPerRole?: number;
}

/** The quotas a user declared, checked at construction, where the mistake was made. */
export function checkIamQuotas(where: string, quotas: IamQuotaValues | undefined): void {
  check(where, 'iamQuotas.trustPolicySize', quotas?.trustPolicySize, raisedQuota(TRUST_POLICY_SIZE));
  check(where, 'iamQuotas.managedPoliciesPerRole', quotas?.managedPoliciesPerRole, raisedQuota(MANAGED_POLICIES_PER_ROLE));
}
