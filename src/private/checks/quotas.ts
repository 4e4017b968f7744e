import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { policySize } from './policy-size';
import { cfnRoleOf } from './precreated';
import { policiesOf } from './role-policies';
import { roleTemplateOf } from './template-properties';
import { Finding, WARNINGS, report } from './warnings';
import { IamQuotas } from '../../role-options';
import { INLINE_POLICIES_PER_ROLE_SIZE, MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_SIZE, TRUST_POLICY_SIZE, WARNING_SHARE } from '../../rules/quotas';

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
      const { errors, warnings } = judge(measure(role, quotas, waysOut));
      report(role, warnings);
      return errors;
    },
  });
}

/**
 * The sizes of a role's policies against the IAM quotas: an error for each over
 * its quota (deploying would fail), a warning for each from 90% of it.
 */
export function quotaFindings(cfnRole: iam.CfnRole, quotas: IamQuotas | undefined, waysOut: WaysOut): { errors: string[]; warnings: Finding[] } {
  return judge(measureCfnRole(cfnRole, quotas, waysOut));
}

function judge(measures: Measure[]): { errors: string[]; warnings: Finding[] } {
  const errors: string[] = [];
  const warnings: Finding[] = [];
  for (const m of measures) {
    const figures = `${m.what} is ${m.size.toLocaleString('en-US')} ${m.unit}, `
      + `the IAM quota is ${m.quota.toLocaleString('en-US')}`;
    if (m.size > m.quota) {
      errors.push(`${figures}: deploying would fail. ${m.wayOut}`);
    } else if (m.size >= m.quota * WARNING_SHARE) {
      warnings.push({ id: WARNINGS.nearIamQuota, message: `${figures} (${Math.round((m.size / m.quota) * 100)}%). ${m.wayOut}` });
    }
  }
  return { errors, warnings };
}

function measure(role: iam.Role, quotas: IamQuotas | undefined, waysOut: WaysOut): Measure[] {
  const cfnRole = cfnRoleOf(role);
  if (!cfnRole) {
    // A precreated role (iam.Role.customizeRoles): only the trust policy is ours to measure.
    return [{ ...trustMeasure(quotas, waysOut), size: policySize(Stack.of(role), role.assumeRolePolicy) }];
  }
  return measureCfnRole(cfnRole, quotas, waysOut);
}

function trustMeasure(quotas: IamQuotas | undefined, waysOut: WaysOut): Omit<Measure, 'size'> {
  return {
    what: 'the trust policy',
    quota: quotas?.trustPolicySize ?? TRUST_POLICY_SIZE.default,
    unit: 'characters (IAM counts them without white space)',
    wayOut: waysOut.trust,
  };
}

function measureCfnRole(cfnRole: iam.CfnRole, quotas: IamQuotas | undefined, waysOut: WaysOut): Measure[] {
  const stack = Stack.of(cfnRole);
  const trust = trustMeasure(quotas, waysOut);
  const { inlineDocuments, managedArns, attachedByRoles, managedInApp } = policiesOf(cfnRole);

  return [
    // As the template will hold it, with the overrides of the role's resource, which the trust checks read too.
    { ...trust, size: policySize(stack, roleTemplateOf(cfnRole).trust) },
    {
      what: 'the inline policies together',
      size: inlineDocuments.reduce((sum: number, d) => sum + policySize(d.stack, d.document), 0),
      quota: INLINE_POLICIES_PER_ROLE_SIZE,
      unit: 'characters (IAM counts them without white space)',
      wayOut: `This quota cannot be raised: ${waysOut.inline ? `${waysOut.inline}, or ` : ''}move statements into customer managed policies (6,144 characters each).`,
    },
    {
      what: 'the number of managed policies',
      size: managedArns.length + attachedByRoles.length,
      quota: quotas?.managedPoliciesPerRole ?? MANAGED_POLICIES_PER_ROLE.default,
      unit: 'policies',
      wayOut: 'Merge managed policies, or raise the quota (up to 20) in Service Quotas and declare it with iamQuotas.managedPoliciesPerRole.',
    },
    ...managedInApp.map(p => ({
      what: `managed policy ${p.node.path}`,
      size: policySize(Stack.of(p), p.policyDocument),
      quota: MANAGED_POLICY_SIZE,
      unit: 'characters (IAM counts them without white space)',
      wayOut: 'This quota cannot be raised: split the policy in two.',
    })),
  ];
}
