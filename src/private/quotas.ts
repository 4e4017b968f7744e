import { Annotations, Stack, Token, Tokenization, aws_iam as iam } from 'aws-cdk-lib';
import { IamQuotas } from '../role-options';
import { policySize } from './policy-size';
import { cfnRoleOf } from './precreated';
import { invalid } from './validation';

export const TRUST_POLICY_SIZE = { default: 2048, max: 4096 };
export const MANAGED_POLICIES_PER_ROLE = { default: 10, max: 20 };
export const INLINE_POLICIES_PER_ROLE_SIZE = 10240;
export const MANAGED_POLICY_SIZE = 6144;
/** From this share of a quota on, a role gets a warning. */
export const WARNING_SHARE = 0.9;

/** Checks the quotas a user declared, at construction, where the mistake was made. */
export function validateIamQuotas(where: string, quotas: IamQuotas | undefined): void {
  const check = (property: keyof IamQuotas, range: { default: number; max: number }) => {
    const value = quotas?.[property];
    if (value === undefined) {
      return;
    }
    if (Token.isUnresolved(value)) {
      throw invalid(where, `iamQuotas.${property}`, Tokenization.stringifyNumber(value),
        `the quota is compared with the policies at synth, so it must be a number known then, from ${range.default} up to ${range.max}`);
    }
    if (!Number.isInteger(value) || value < range.default || value > range.max) {
      throw invalid(where, `iamQuotas.${property}`, value,
        `IAM allows this quota to be raised from ${range.default} up to ${range.max}, no further`);
    }
  };
  check('trustPolicySize', TRUST_POLICY_SIZE);
  check('managedPoliciesPerRole', MANAGED_POLICIES_PER_ROLE);
}

interface Measure {
  readonly what: string;
  readonly size: number;
  readonly quota: number;
  readonly unit: string;
  readonly wayOut: string;
}

/**
 * Checks a role's policies against the IAM quotas once the app is complete, so
 * that what `cdk deploy` would fail on fails at synth instead, with the figures.
 */
export interface WaysOut {
  /** What to do about a trust policy over the quota. */
  readonly trust: string;
  /** What to do about inline policies over the quota, besides managed policies. */
  readonly inline?: string;
}

export function addQuotaChecks(role: iam.Role, quotas: IamQuotas | undefined, waysOut: WaysOut): void {
  role.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      for (const m of measure(role, quotas, waysOut)) {
        const figures = `${m.what} is ${m.size.toLocaleString('en-US')} ${m.unit}, `
          + `the IAM quota is ${m.quota.toLocaleString('en-US')}`;
        if (m.size > m.quota) {
          errors.push(`${figures}: deploying would fail. ${m.wayOut}`);
        } else if (m.size >= m.quota * WARNING_SHARE) {
          Annotations.of(role).addWarningV2('cdk-cross-account-task-roles:nearIamQuota',
            `${figures} (${Math.round((m.size / m.quota) * 100)}%). ${m.wayOut}`);
        }
      }
      return errors;
    },
  });
}

function measure(role: iam.Role, quotas: IamQuotas | undefined, waysOut: WaysOut): Measure[] {
  const stack = Stack.of(role);
  const trust = {
    what: 'the trust policy',
    quota: quotas?.trustPolicySize ?? TRUST_POLICY_SIZE.default,
    unit: 'characters (IAM counts them without white space)',
    wayOut: waysOut.trust,
  };
  const cfnRole = cfnRoleOf(role);
  if (!cfnRole) {
    // A precreated role (iam.Role.customizeRoles): only the trust policy is ours to measure.
    return [{ ...trust, size: policySize(stack, role.assumeRolePolicy) }];
  }
  const roleRef = stack.resolve(cfnRole.ref);
  // Stryker disable next-line ArrayDeclaration: a list without the role's reference is as good as none
  const attachedTo = (roles: unknown) => JSON.stringify(stack.resolve(roles) ?? []).includes(JSON.stringify(roleRef));

  const constructs = stack.node.findAll();
  const stackPolicies = constructs.filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy);
  const inlineDocuments = [
    // Stryker disable next-line ArrayDeclaration: an entry without a document measures 0, as no entry does
    ...(stack.resolve(cfnRole.policies) ?? []).map((p: { policyDocument: unknown }) => p.policyDocument),
    ...stackPolicies.filter(p => attachedTo(p.roles)).map(p => p.policyDocument),
  ];
  // Stryker disable next-line ArrayDeclaration: one policy more than none is still far below the warning (90% of at least 10)
  const managedArns: unknown[] = stack.resolve(cfnRole.managedPolicyArns) ?? [];
  const managedInStack = constructs
    .filter((c): c is iam.CfnManagedPolicy => c instanceof iam.CfnManagedPolicy)
    .filter(p => attachedTo(p.roles)
      || managedArns.some(arn => JSON.stringify(arn) === JSON.stringify(stack.resolve(p.ref))));

  return [
    { ...trust, size: policySize(stack, cfnRole.assumeRolePolicyDocument) },
    {
      what: 'the inline policies together',
      size: inlineDocuments.reduce((sum: number, d) => sum + policySize(stack, d), 0),
      quota: INLINE_POLICIES_PER_ROLE_SIZE,
      unit: 'characters (IAM counts them without white space)',
      wayOut: `This quota cannot be raised: ${waysOut.inline ? `${waysOut.inline}, or ` : ''}move statements into customer managed policies (6,144 characters each).`,
    },
    {
      what: 'the number of managed policies',
      size: managedArns.length,
      quota: quotas?.managedPoliciesPerRole ?? MANAGED_POLICIES_PER_ROLE.default,
      unit: 'policies',
      wayOut: 'Merge managed policies, or raise the quota (up to 20) in Service Quotas and declare it with iamQuotas.managedPoliciesPerRole.',
    },
    ...managedInStack.map(p => ({
      what: `managed policy ${p.node.path}`,
      size: policySize(stack, p.policyDocument),
      quota: MANAGED_POLICY_SIZE,
      unit: 'characters (IAM counts them without white space)',
      wayOut: 'This quota cannot be raised: split the policy in two.',
    })),
  ];
}
