import { Token } from 'aws-cdk-lib';

/**
 * A rule that a value of the library's inputs follows: one value per rule, used
 * for a literal where it is given and, for a token, once the app resolves it.
 *
 * Every message has one shape: `<where>: <property> <value> is invalid: <fault>`.
 */
export interface Rule<T> {
  /** What a known value breaks, as the message says it; undefined when the value follows the rule. */
  readonly fault: (value: T) => string | undefined;

  /** The value as the message shows it. @default - the value itself */
  readonly shown?: (value: T) => unknown;

  /**
   * Whether a token is judged as it is, by its text, rather than left until it is
   * resolved: for values that must be known where they are given (a name of an
   * environment variable, an enum, a boolean).
   *
   * @default false
   */
  readonly literalOnly?: boolean;

  /**
   * For a value that stays a CloudFormation function once resolved (a parameter, an
   * import): what its literal parts may not hold, and whether the whole is also
   * judged with every part that only CloudFormation knows taken as `*`.
   *
   * @default - a token is judged once resolved, and what stays a function is not judged
   */
  readonly deployTime?: DeployTimeRule;
}

/** How a rule judges a value that CloudFormation finishes resolving. */
export interface DeployTimeRule {
  /** What the literal parts (such as the text around a parameter) may not hold. */
  readonly forbidden: RegExp;
  /** Whether the value is also judged by the rule with each part only CloudFormation knows taken as `*`. */
  readonly unknownAsWildcard?: boolean;
}

/** Literal parts of an exact value: no wildcard, no policy variable. */
export const EXACT = /[*?${}]/;
/** Literal parts of a pattern: wildcards are its business, policy variables are not. */
export const PATTERN = /[${}]/;

export function invalid(where: string, property: string, value: unknown, rule: string): Error {
  return new Error(`${where}: ${invalidValue(property, value, rule)}`);
}

/** The same message without the path, for a validation, whose messages are shown under the construct's path. */
export function invalidValue(property: string, value: unknown, rule: string): string {
  return `${property} ${JSON.stringify(value)} is invalid: ${rule}`;
}

/** Whether the value is only known later: a token, unless the rule judges tokens as they are. */
function isDeferred<T>(value: T, rule: Rule<T>): boolean {
  return !rule.literalOnly && Token.isUnresolved(value);
}

/**
 * Throws when a value given at `where` breaks the rule. Nothing to judge for a
 * value left out (`undefined`), nor yet for a token (see `Rule.literalOnly`).
 */
export function check<T>(where: string, property: string, value: T | undefined, rule: Rule<T>): void {
  const message = faultMessage(property, value, rule);
  if (message !== undefined) {
    throw new Error(`${where}: ${message}`);
  }
}

/** `check()` for each value of a list, named `<property>[<index>]`. */
export function checkEach<T>(where: string, property: string, values: readonly T[] | undefined, rule: Rule<T>): void {
  values?.forEach((value, i) => check(where, `${property}[${i}]`, value, rule));
}

/** The message of `check()`, without the path, or undefined when there is nothing wrong. */
export function faultMessage<T>(property: string, value: T | undefined, rule: Rule<T>): string | undefined {
  if (value === undefined || isDeferred(value, rule)) {
    return undefined;
  }
  const fault = rule.fault(value);
  return fault === undefined ? undefined : invalidValue(property, rule.shown ? rule.shown(value) : value, fault);
}

/**
 * A rule of length and characters: from `min` to `max` characters, each matching
 * `allowed`. The fault names the length when it is out of range, otherwise the
 * first character that is not allowed.
 */
export function lengthAndCharacters(description: string, allowed: RegExp, min: number, max: number): (value: string) => string | undefined {
  return value => {
    if (value.length < min || value.length > max) {
      return `${description} (it has ${value.length})`;
    }
    const bad = [...value].find(c => !allowed.test(c));
    return bad === undefined ? undefined : `${description} (${JSON.stringify(bad)} is not allowed)`;
  };
}

/**
 * IAM reads `${...}` in a policy as a policy variable and puts a value of the
 * request in its place (`${aws:username}`), so a name, path or pattern holding
 * one would not name the text that was written.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export function policyVariableFault(value: string): string | undefined {
  return /[${}]/.test(value)
    ? 'it cannot contain $, { or }: IAM reads ${...} in a policy as a policy variable (such as ${aws:username}) '
      + 'and replaces it with a value of the request, so the policy would not name the text as written'
    : undefined;
}

/** The first fault of several rules, in order. */
export function firstFault<T>(value: T, ...faults: Array<(value: T) => string | undefined>): string | undefined {
  for (const fault of faults) {
    const found = fault(value);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}
