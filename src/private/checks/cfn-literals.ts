import { CfnMapping, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Rule, faultMessage } from '../../rules/rule';

/**
 * Values given as tokens are accepted where they are given; those that the app
 * itself resolves (a `Lazy`, a token of another construct) are checked here, once
 * resolved, with the same rules as literals. What stays a CloudFormation function
 * after resolution (a parameter, an import) is only known at deploy time: its
 * literal parts are checked for wildcards and policy variables, the rest is not.
 */

/** A value to check once resolved. */
export interface DeferredValue {
  /** Where it was given, such as `trustedRoles[0].roleName`. */
  readonly property: string;
  readonly value: string;
  /** The rule the value follows; its `deployTime` says what is checked of a value that stays partly unresolved. */
  readonly rule: Rule<string>;
}

/** The value to check once resolved, if it is a token: a literal was checked where it was given, by the same rule. */
export function deferred(property: string, value: string | undefined, rule: Rule<string>): DeferredValue[] {
  return value !== undefined && Token.isUnresolved(value) ? [{ property, value, rule }] : [];
}

/** Adds a validation to `construct` that checks `values()` once the app resolves them. */
export function addResolvedValueChecks(construct: IConstruct, values: () => DeferredValue[]): void {
  construct.node.addValidation({ validate: () => values().flatMap(v => check(construct, v)) });
}

function check(construct: IConstruct, { property, value, rule }: DeferredValue): string[] {
  const stack = Stack.of(construct);
  const resolved: unknown = stack.resolve(value);
  if (typeof resolved === 'string') {
    // The validation message is shown under the construct's path already.
    return messages(faultMessage(`${property} (a token that resolves to)`, resolved, rule));
  }
  const forbidden = rule.deployTime?.forbidden;
  const bad = forbidden && literalParts(stack, resolved).find(part => forbidden.test(part));
  if (bad !== undefined) {
    return [
      `${property} resolves to ${JSON.stringify(resolved)}, whose literal part ${JSON.stringify(bad)} `
      + 'holds a wildcard (* ?) or policy variable character ($ { }) that would widen or change what the policy names',
    ];
  }
  if (rule.deployTime?.unknownAsWildcard) {
    return messages(faultMessage(`${property} (resolves to ${JSON.stringify(resolved)}; with what only CloudFormation knows taken as *)`,
      asWildcardPattern(stack, resolved), rule));
  }
  return [];
}

function messages(message: string | undefined): string[] {
  return message === undefined ? [] : [message];
}

/**
 * A reference `${Name}` in the template of an `Fn::Sub`: to a parameter, a resource (`${Name.Attribute}`)
 * or a pseudo parameter (`${AWS::Region}`). `${!Text}` is none, but the literal text `${Text}`.
 */
const SUB_REFERENCE = /\$\{[\w:.]+\}/g;

/** The template and variables of an `Fn::Sub`, which CloudFormation writes as a string or as `[template, variables]`. */
function subArguments(args: unknown): [string, Record<string, unknown>] {
  const [template, variables = {}] = [args].flat() as [unknown, Record<string, unknown>?];
  return [String(template), variables];
}

/**
 * The values an `Fn::FindInMap` can give, read from the mapping of that name in the stack: the value its keys
 * name when they are literal, else every value that the literal ones can reach. None for a mapping the
 * stack does not hold.
 */
function mappingValues(stack: Stack, args: unknown): unknown[] {
  const [name, topKey, secondKey] = args as unknown[];
  const mapping = stack.node.findAll().find(c => c instanceof CfnMapping && stack.resolve(c.logicalId) === name) as CfnMapping | undefined;
  // The mapping as aws-cdk-lib writes it into the template.
  const table = Object(mapping && stack.resolve(mapping._toCloudFormation()).Mappings[name as string]);
  const under = (entries: unknown, key: unknown): unknown[] => (typeof key === 'string' ? [Object(entries)[key]] : Object.values(Object(entries)));
  return under(table, topKey).flatMap(entries => under(entries, secondKey));
}

/** A value that CloudFormation finishes resolving, with every part it alone knows (a parameter, an import) as `*`. */
function asWildcardPattern(stack: Stack, value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const fn: Record<string, unknown> = Object(value);
  const join = fn['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    return join[1].map(part => asWildcardPattern(stack, part)).join(String(join[0]));
  }
  if (fn['Fn::Sub'] !== undefined) {
    const [template, variables] = subArguments(fn['Fn::Sub']);
    // A reference to a variable of the Fn::Sub stands for the variable's value; to anything else, for `*`.
    return template.replace(SUB_REFERENCE, reference => asWildcardPattern(stack, variables[reference.slice(2, -1)]));
  }
  if (fn['Fn::FindInMap'] !== undefined) {
    const values = mappingValues(stack, fn['Fn::FindInMap']);
    return values.length === 1 ? asWildcardPattern(stack, values[0]) : '*';
  }
  return '*';
}

/**
 * The literal strings that a value CloudFormation finishes resolving can hold. They are the strings in it (the
 * separator and parts of an `Fn::Join`, the branches of an `Fn::If`, the list of an `Fn::Select`...) but for the
 * references in the template of an `Fn::Sub`, and the values of the mapping an `Fn::FindInMap` reads. Some of
 * these strings are names (of a parameter, a resource, an export, a condition, a mapping key), which hold none of
 * the characters checked.
 */
function literalParts(stack: Stack, value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  // Object() makes a number (the index of an Fn::Select) an object without entries.
  return Object.entries(Object(value)).flatMap(([key, args]) => {
    if (key === 'Fn::FindInMap') {
      return literalParts(stack, [args, mappingValues(stack, args)]);
    }
    if (key !== 'Fn::Sub') {
      return literalParts(stack, args);
    }
    const [template, variables] = subArguments(args);
    return [...template.split(SUB_REFERENCE).map(text => text.replace(/\$\{!/g, '${')), ...literalParts(stack, variables)];
  });
}
