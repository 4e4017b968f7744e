/**
 * The values of a synthesized template as CloudFormation would deploy them in one stack, as far
 * as the template alone tells: pseudo parameters, the app's role names and ARNs, `Fn::Join`,
 * `Fn::Sub`, `Fn::GetAtt`. What only a deployment knows (a parameter, an import, a condition)
 * is `undefined`.
 */
import { urlSuffixOf } from './partitions';

export type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

export interface StackEnvironment {
  /** The stack's name for `cdk deploy`: its display name (`Stage/Stack` in a nested assembly). */
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly resources: Resources;
}

/** A CloudFormation function in place of a value: `{"Fn::If": ...}`, `{"Ref": ...}`. */
export function isFunction(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** The values an `Fn::If` may take (each branch, nested too, lists flattened), or the value itself. */
export function branches(value: any): any[] {
  if (Array.isArray(value)) {
    return value.flatMap(branches);
  }
  if (isFunction(value) && Array.isArray(value['Fn::If'])) {
    return [value['Fn::If'][1], value['Fn::If'][2]].flatMap(branches);
  }
  return [value];
}

/** The ARN of a managed policy of the template with a literal name. */
export function managedPolicyArn(stack: StackEnvironment, logicalId: string): string | undefined {
  const properties = stack.resources[logicalId]?.Properties ?? {};
  const name = resolve(stack, properties.ManagedPolicyName);
  const path = properties.Path === undefined ? '/' : resolve(stack, properties.Path);
  if (stack.resources[logicalId]?.Type !== 'AWS::IAM::ManagedPolicy' || typeof name !== 'string' || typeof path !== 'string') {
    return undefined;
  }
  return `arn:${stack.partition}:iam::${stack.account}:policy${path}${name}`;
}

export function roleArn(stack: StackEnvironment, logicalId: string): string | undefined {
  const properties = stack.resources[logicalId]?.Properties ?? {};
  const name = resolve(stack, properties.RoleName);
  const path = properties.Path === undefined ? '/' : resolve(stack, properties.Path);
  if (stack.resources[logicalId]?.Type !== 'AWS::IAM::Role' || typeof name !== 'string' || typeof path !== 'string') {
    return undefined;
  }
  return `arn:${stack.partition}:iam::${stack.account}:role${path}${name}`;
}

/** The value of a template expression as CloudFormation would deploy it, or `undefined` when only a deployment knows it. */
export function resolve(stack: StackEnvironment, value: any): unknown {
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(v => resolve(stack, v));
  }
  if ('Ref' in value) {
    switch (value.Ref) {
      case 'AWS::Partition': return stack.partition;
      case 'AWS::AccountId': return stack.account;
      case 'AWS::Region': return stack.region;
      case 'AWS::URLSuffix': return urlSuffixOf(stack.partition);
      default: return stack.resources[value.Ref]?.Type === 'AWS::IAM::Role' ? resolve(stack, stack.resources[value.Ref].Properties?.RoleName) : undefined;
    }
  }
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'];
    const resolved = [parts].flat().map((p: unknown) => resolve(stack, p));
    return resolved.every(p => typeof p === 'string') ? resolved.join(separator) : undefined;
  }
  if ('Fn::Sub' in value) {
    return substitute(stack, value['Fn::Sub']);
  }
  if ('Fn::GetAtt' in value) {
    const [logicalId, attribute] = [value['Fn::GetAtt']].flat().join('.').split(/\.(.*)/);
    return attribute === 'Arn' ? roleArn(stack, logicalId) : undefined;
  }
  return undefined;
}

/**
 * An `Fn::Sub` as CloudFormation makes it: `${Name}` from its variables, else a pseudo parameter
 * or a resource's `Ref`, `${Resource.Attribute}` its attribute, `${!Text}` the text `${Text}`;
 * `undefined` when any of them is known only at deployment.
 */
function substitute(stack: StackEnvironment, argument: unknown): string | undefined {
  const [template, variables] = typeof argument === 'string' ? [argument, {}] : Array.isArray(argument) ? argument : [undefined, {}];
  if (typeof template !== 'string') {
    return undefined;
  }
  let known = true;
  const text = template.replace(/\$\{(!?)([^}]*)\}/g, (whole, literal: string, name: string) => {
    if (literal) {
      return `\${${name}}`;
    }
    const value = variables && typeof variables === 'object' && Object.prototype.hasOwnProperty.call(variables, name)
      ? resolve(stack, (variables as Record<string, unknown>)[name])
      : resolve(stack, name.includes('.') ? { 'Fn::GetAtt': name } : { Ref: name });
    if (typeof value !== 'string') {
      known = false;
      return whole;
    }
    return value;
  });
  return known ? text : undefined;
}
