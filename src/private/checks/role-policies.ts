import { CfnOutput, CfnResource, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { roleTemplateOf } from './template-properties';

/**
 * The policies of a role, wherever the app writes them: the role's own `Policies`
 * (and `ManagedPolicyArns`) as its template holds them, overrides included, and the
 * policies that attach to it from any stack of the app, by reference, by an import
 * of its name, or by its name.
 */
export interface RolePolicies {
  /** Its inline policies, each with the stack that writes it: its `Policies`, and each `AWS::IAM::Policy` or `AWS::IAM::RolePolicy` on it. */
  readonly inlineDocuments: PolicyDocumentOf[];
  /** The ARNs of its `ManagedPolicyArns`, as its stack writes them. */
  readonly managedArns: unknown[];
  /** The managed policies of the app that name the role in their `Roles` and are not among its `ManagedPolicyArns`. */
  readonly attachedByRoles: iam.CfnManagedPolicy[];
  /** Every managed policy of the app attached to the role, either way, once. */
  readonly managedInApp: iam.CfnManagedPolicy[];
}

/** A policy document, and the stack whose template holds it. */
export interface PolicyDocumentOf {
  readonly stack: Stack;
  readonly document: unknown;
}

export function policiesOf(cfnRole: iam.CfnRole): RolePolicies {
  const stack = Stack.of(cfnRole);
  const constructs = stack.node.root.node.findAll();
  const names = (roles: unknown, policy: CfnResource) => {
    const policyStack = Stack.of(policy);
    // Stryker disable next-line ArrayDeclaration: a list without the role's name is as good as none
    return [policyStack.resolve(roles) ?? []].flat().some((r: unknown) => policyNamesRole(policyStack, r, cfnRole));
  };
  // As the template will hold them, with the overrides of the role's resource.
  const template = roleTemplateOf(cfnRole);
  const inlineDocuments = [
    ...template.inlineDocuments.map(document => ({ stack, document })),
    ...constructs.filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy).filter(p => names(p.roles, p))
      .map(p => ({ stack: Stack.of(p), document: p.policyDocument })),
    ...constructs.filter((c): c is iam.CfnRolePolicy => c instanceof iam.CfnRolePolicy).filter(p => names(p.roleName, p))
      .map(p => ({ stack: Stack.of(p), document: p.policyDocument })),
  ];
  const managedArns = template.managedPolicyArns;
  const managedPolicies = constructs.filter((c): c is iam.CfnManagedPolicy => c instanceof iam.CfnManagedPolicy);
  const givenByArn = managedPolicies.filter(p => managedArns.some(arn => refersTo(stack, arn, p)));
  // A managed policy that names the role in its Roles is attached as one of those given by ARN; once, if it is both.
  const attachedByRoles = managedPolicies.filter(p => !givenByArn.includes(p) && names(p.roles, p));
  return { inlineDocuments, managedArns, attachedByRoles, managedInApp: [...givenByArn, ...attachedByRoles] };
}

/**
 * Whether a value, as `consumer` writes it, is the reference to `target`: a `Ref`
 * (or the given attribute, `Fn::GetAtt`) in the same stack, or in another stack an
 * import of the output of `target`'s stack that holds that reference.
 */
export function refersTo(consumer: Stack, value: unknown, target: CfnResource, attribute?: string): boolean {
  const targetStack = Stack.of(target);
  const reference = JSON.stringify(targetStack.resolve(attribute === undefined ? target.ref : target.getAtt(attribute)));
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
function policyNamesRole(policyStack: Stack, name: unknown, cfnRole: iam.CfnRole): boolean {
  const roleStack = Stack.of(cfnRole);
  if (refersTo(policyStack, name, cfnRole)) {
    return true;
  }
  const literal = policyStack.resolve(name);
  const roleName = roleStack.resolve(cfnRole.roleName);
  const sameAccount = policyStack === roleStack || (!Token.isUnresolved(roleStack.account) && policyStack.account === roleStack.account);
  return sameAccount && typeof literal === 'string' && typeof roleName === 'string' && literal.toLowerCase() === roleName.toLowerCase();
}
