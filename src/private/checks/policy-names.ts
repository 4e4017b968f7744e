import { CfnResource, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A role holds one inline policy per name: writing a second policy of the same
 * name (an `AWS::IAM::Policy`, an `AWS::IAM::RolePolicy` or an entry of the role's
 * `Policies`) replaces the first at deploy time, silently. The library does not
 * rename its own policies (that would change deployed templates): it refuses, at
 * synth, another policy that takes the name of one of its policies on the same role.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
 */

/** An inline policy of a role, as the templates of the app write it. */
interface InlinePolicy {
  /** The role it is on: account and lowercase name, or the role's resource when its name is not known. */
  readonly role: string;
  readonly name: string;
  /** The resource that writes it. */
  readonly writer: IConstruct;
}

/**
 * Adds a validation to `owner` that fails when another inline policy of the
 * same role has the name `name` that `writer` gives its policy. Names are compared
 * case-insensitively, as IAM compares the names of its entities.
 */
export function refusePolicyNameClash(owner: IConstruct, writer: CfnResource, name: string): void {
  owner.node.addValidation({
    validate: () => {
      const policies = inlinePoliciesOf(owner.node.root);
      const ours = policies.find(p => p.writer === writer && p.name === name);
      if (!ours) {
        return [];
      }
      const others = policies.filter(p => p !== ours && p.role === ours.role && p.name.toLowerCase() === name.toLowerCase());
      return others.map(other => (other.writer === writer
        ? `the role's inlinePolicies hold a policy named ${JSON.stringify(other.name)}`
        : `${other.writer.node.path} writes a policy named ${JSON.stringify(other.name)} on the same role`)
        + `, and ${JSON.stringify(name)} is the name of the policy this construct writes: a role holds one inline policy per name `
        + '(names compared without case), so at deploy the later write would replace the other and its permissions would be lost '
        + 'without a word. Give that policy another name.');
    },
  });
}

/** Every inline policy that the app's templates write on a role, computed once per number of constructs. */
const cache = new WeakMap<IConstruct, { size: number; policies: InlinePolicy[] }>();

function inlinePoliciesOf(root: IConstruct): InlinePolicy[] {
  const constructs = root.node.findAll();
  const cached = cache.get(root);
  // Stryker disable next-line ConditionalExpression,BlockStatement: the cache only spares the work; without it the same policies are found again
  if (cached && cached.size === constructs.length) {
    return cached.policies;
  }
  const resources = constructs.filter((c): c is CfnResource => CfnResource.isCfnResource(c) && willSynthesize(c));
  const roleKeys = new Map<string, string>();
  // Stryker disable next-line MethodExpression: only a role is named by a Ref in a policy's roles, so the key of another resource is never looked up
  for (const role of resources.filter((r): r is iam.CfnRole => r instanceof iam.CfnRole)) {
    const stack = Stack.of(role);
    roleKeys.set(`${stack.node.path}|${stack.resolve(role.logicalId)}`, keyOfRole(stack, stack.resolve(role.roleName)) ?? role.node.path);
  }
  const roleKey = (stack: Stack, value: unknown): string | undefined => {
    const resolved = stack.resolve(value);
    // Object() makes a literal name an object without a Ref.
    const ref = Object(resolved).Ref;
    if (typeof ref === 'string') {
      return roleKeys.get(`${stack.node.path}|${ref}`);
    }
    return keyOfRole(stack, resolved);
  };

  // Stryker disable next-line ArrayDeclaration: an entry that is no policy has no writer, so it is never the construct's own policy, nor on its role
  const policies: InlinePolicy[] = [];
  const add = (writer: CfnResource, role: string | undefined, name: unknown) => {
    if (typeof name === 'string'
      // Stryker disable next-line ConditionalExpression: the construct's own policy is always on a role with a key, so a policy without one never clashes with it
      && role !== undefined) {
      policies.push({ role, name, writer });
    }
  };
  for (const resource of resources) {
    const stack = Stack.of(resource);
    if (resource instanceof iam.CfnRole) {
      const role = roleKey(stack, { Ref: stack.resolve(resource.logicalId) });
      // Stryker disable next-line ArrayDeclaration: an entry that is no policy has no name, and is left out
      const entries = stack.resolve(resource.policies) ?? [];
      for (const policy of [entries].flat()) {
        // Stryker disable next-line OptionalChaining: `?? []` above leaves no undefined entry, and a resolved entry is never null
        add(resource, role, policy?.policyName ?? policy?.PolicyName);
      }
    } else if (resource instanceof iam.CfnPolicy) {
      for (const role of [stack.resolve(resource.roles) ?? []].flat()) {
        add(resource, roleKey(stack, role), stack.resolve(resource.policyName));
      }
    } else if (resource instanceof iam.CfnRolePolicy) {
      add(resource, roleKey(stack, resource.roleName), stack.resolve(resource.policyName));
    }
  }
  // Stryker disable next-line ObjectLiteral: an entry without a size is never used, which only costs the work again
  cache.set(root, { size: constructs.length, policies });
  return policies;
}

/** A role named by a literal: its account (the stack's) and its name, which IAM compares without case. */
function keyOfRole(stack: Stack, name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return undefined;
  }
  const account = Token.isUnresolved(stack.account) ? stack.node.path : stack.account;
  return `${account}|${name.toLowerCase()}`;
}

/** Whether the resource will be in the template: aws-cdk-lib leaves out an empty default policy, for one. */
function willSynthesize(resource: CfnResource): boolean {
  // `shouldSynthesize` is protected; it is how CfnResource itself decides.
  const decide = (resource as unknown as { shouldSynthesize?: () => boolean }).shouldSynthesize;
  return decide === undefined || decide.call(resource);
}
