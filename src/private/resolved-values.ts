import { CfnMapping, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  validateAccount,
  validateExternalId,
  validateOrganizationId,
  validateOrganizationRolePattern,
  validateOrganizationalUnitPath,
  validatePartition,
  validateRoleName,
  validateRoleNamePattern,
  validateRolePath,
  validateRolePathPattern,
  validateRoleSessionNamePattern,
} from './validation';
import { OrganizationRoles } from '../organization-roles';
import { RoleReference } from '../role-reference';

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
  /** The check of a literal value, which throws. */
  readonly validate: (where: string, property: string, value: string) => void;
  /** What the literal parts of a value that stays partly unresolved may not hold. */
  readonly forbidden: RegExp;
  /**
   * Whether a value that stays partly unresolved is also checked with `validate`, with each part that
   * only CloudFormation knows taken as `*`: for patterns, whose deploy-time parts may hold wildcards.
   */
  readonly checkUnknownAsWildcard?: boolean;
}

// Stryker disable next-line StringLiteral: with '' the message starts with ': ', which the same replace() removes, so the text is the same
const HERE = '<here>';
const EXACT = /[*?${}]/;
const PATTERN = /[${}]/;

/** Adds a validation to `construct` that checks `values()` once the app resolves them. */
export function addResolvedValueChecks(construct: IConstruct, values: () => DeferredValue[]): void {
  construct.node.addValidation({
    // Stryker disable next-line MethodExpression: a literal was checked where it was given, by the same rule, so checking it again finds nothing
    validate: () => values()
      .filter(v => Token.isUnresolved(v.value))
      .flatMap(v => check(construct, v)),
  });
}

function check(construct: IConstruct, value: DeferredValue): string[] {
  const stack = Stack.of(construct);
  const resolved: unknown = stack.resolve(value.value);
  if (typeof resolved === 'string') {
    // The validation message is shown under the construct's path already.
    return messageOf(() => value.validate(HERE, `${value.property} (a token that resolves to)`, resolved));
  }
  const bad = literalParts(stack, resolved).find(part => value.forbidden.test(part));
  if (bad !== undefined) {
    return [
      `${value.property} resolves to ${JSON.stringify(resolved)}, whose literal part ${JSON.stringify(bad)} `
      + 'holds a wildcard (* ?) or policy variable character ($ { }) that would widen or change what the policy names',
    ];
  }
  if (value.checkUnknownAsWildcard) {
    return messageOf(() => value.validate(HERE,
      `${value.property} (resolves to ${JSON.stringify(resolved)}; with what only CloudFormation knows taken as *)`,
      asWildcardPattern(stack, resolved)));
  }
  return [];
}

function messageOf(validate: () => void): string[] {
  try {
    validate();
  } catch (error) {
    return [(error as Error).message.replace(`${HERE}: `, '')];
  }
  return [];
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

/** The parts of a role reference, each an exact value. */
export function referenceValues(property: string, reference: RoleReference): DeferredValue[] {
  return [
    { property: `${property}.account`, value: reference.account, validate: validateAccount, forbidden: EXACT },
    { property: `${property}.roleName`, value: reference.roleName, validate: validateRoleName, forbidden: EXACT },
    { property: `${property}.path`, value: reference.path, validate: validateRolePath, forbidden: EXACT },
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: an undefined partition (or a non-entry) has no unresolved value, so addResolvedValueChecks drops it either way
    ...(reference.partition === undefined ? []
      : [{ property: `${property}.partition`, value: reference.partition, validate: validatePartition, forbidden: EXACT }]),
  ];
}

/** The parts of an organization pattern: wildcards allowed in the name and path, policy variables nowhere. */
export function organizationRolesValues(property: string, roles: OrganizationRoles): DeferredValue[] {
  return [
    { property: `${property}.organizationId`, value: roles.organizationId, validate: validateOrganizationId, forbidden: EXACT },
    { property: `${property}.roleName`, value: roles.roleName, validate: validateRoleNamePattern, forbidden: PATTERN },
    { property: `${property}.path`, value: roles.path, validate: validateRolePathPattern, forbidden: PATTERN },
    {
      property: `${property}.path + roleName`,
      value: `${roles.path}${roles.roleName}`,
      validate: (where, p, pathAndName) => validateOrganizationRolePattern(where, '', pathAndName, p),
      forbidden: PATTERN,
      // A name or path given as a parameter may be "*" at deploy time: it must not open the reserved paths.
      checkUnknownAsWildcard: true,
    },
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: an undefined partition (or a non-entry) has no unresolved value, so addResolvedValueChecks drops it either way
    ...(roles.partition === undefined ? []
      : [{ property: `${property}.partition`, value: roles.partition, validate: validatePartition, forbidden: EXACT }]),
    ...roles.organizationalUnitPaths.map((ouPath, i) => ({
      property: `${property}.organizationalUnitPaths[${i}]`,
      value: ouPath,
      validate: (where: string, p: string, v: string) => validateOrganizationalUnitPath(where, p, v, roles.organizationId),
      forbidden: PATTERN,
    })),
  ];
}

/** An external ID, which is compared with StringEquals and so must hold no policy variable. */
export function externalIdValue(property: string, externalId: string | undefined): DeferredValue[] {
  // Stryker disable next-line ArrayDeclaration: only tokens are checked at synth, and a literal added here is none
  return externalId === undefined ? [] : [{ property, value: externalId, validate: validateExternalId, forbidden: EXACT }];
}

/** A session name pattern: wildcards allowed, policy variables not, and not only wildcards. */
export function roleSessionNamePatternValue(property: string, pattern: string | undefined): DeferredValue[] {
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: only tokens are checked at synth, and neither undefined nor a literal is one
  return pattern === undefined ? [] : [{
    property,
    value: pattern,
    validate: (where, p, value) => validateRoleSessionNamePattern(where, value, p),
    forbidden: PATTERN,
  }];
}
