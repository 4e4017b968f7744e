import { Annotations, CfnOutput, CfnResource, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { policySize } from './policy-size';
import { cfnRoleOf } from './precreated';
import { WARNINGS } from './warnings';
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
      const errors: string[] = [];
      for (const m of measure(role, quotas, waysOut)) {
        const figures = `${m.what} is ${m.size.toLocaleString('en-US')} ${m.unit}, `
          + `the IAM quota is ${m.quota.toLocaleString('en-US')}`;
        if (m.size > m.quota) {
          errors.push(`${figures}: deploying would fail. ${m.wayOut}`);
        } else if (m.size >= m.quota * WARNING_SHARE) {
          Annotations.of(role).addWarningV2(WARNINGS.nearIamQuota,
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
  // Policies attach to the role from any stack of the app: by reference, by an import of its name, or by its name.
  const constructs = stack.node.root.node.findAll();
  const names = (roles: unknown, policy: CfnResource) => {
    const policyStack = Stack.of(policy);
    // Stryker disable next-line ArrayDeclaration: a list without the role's name is as good as none
    return [policyStack.resolve(roles) ?? []].flat().some((r: unknown) => namesRole(policyStack, r, cfnRole));
  };
  const inlineDocuments = [
    // Stryker disable next-line ArrayDeclaration: an entry without a document measures 0, as no entry does
    ...(stack.resolve(cfnRole.policies) ?? []).map((p: { policyDocument: unknown }) => p.policyDocument),
    ...constructs.filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy).filter(p => names(p.roles, p)).map(p => p.policyDocument),
    ...constructs.filter((c): c is iam.CfnRolePolicy => c instanceof iam.CfnRolePolicy).filter(p => names(p.roleName, p)).map(p => p.policyDocument),
  ];
  // Stryker disable next-line ArrayDeclaration: one policy more than none is still far below the warning (90% of at least 10)
  const managedArns: unknown[] = stack.resolve(cfnRole.managedPolicyArns) ?? [];
  const managedPolicies = constructs.filter((c): c is iam.CfnManagedPolicy => c instanceof iam.CfnManagedPolicy);
  const givenByArn = managedPolicies.filter(p => managedArns.some(arn => refersTo(stack, arn, p)));
  // A managed policy that names the role in its Roles is attached as one of those given by ARN; once, if it is both.
  const attachedByRoles = managedPolicies.filter(p => !givenByArn.includes(p) && names(p.roles, p));
  const managedInStack = [...givenByArn, ...attachedByRoles];

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
      size: managedArns.length + attachedByRoles.length,
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

/**
 * Whether a value, as `consumer` writes it, is the reference to `target`: a `Ref`
 * in the same stack, or in another stack an import of the output of `target`'s
 * stack that holds that `Ref`.
 */
function refersTo(consumer: Stack, value: unknown, target: CfnResource): boolean {
  const targetStack = Stack.of(target);
  const reference = JSON.stringify(targetStack.resolve(target.ref));
  const resolved = consumer.resolve(value);
  if (consumer === targetStack) {
    return JSON.stringify(resolved) === reference;
  }
  const exportName = Object(resolved)['Fn::ImportValue'];
  return typeof exportName === 'string' && targetStack.node.findAll().some(c => c instanceof CfnOutput
    && targetStack.resolve(c.exportName) === exportName && JSON.stringify(targetStack.resolve(c.value)) === reference);
}

/**
 * Whether a role name, as the policy's stack writes it, names the role: by
 * reference, or by its literal name (compared without case, as IAM compares
 * names) in a stack of the same account.
 */
function namesRole(policyStack: Stack, name: unknown, cfnRole: iam.CfnRole): boolean {
  const roleStack = Stack.of(cfnRole);
  if (refersTo(policyStack, name, cfnRole)) {
    return true;
  }
  const literal = policyStack.resolve(name);
  const roleName = roleStack.resolve(cfnRole.roleName);
  const sameAccount = policyStack === roleStack || (!Token.isUnresolved(roleStack.account) && policyStack.account === roleStack.account);
  return sameAccount && typeof literal === 'string' && typeof roleName === 'string' && literal.toLowerCase() === roleName.toLowerCase();
}
