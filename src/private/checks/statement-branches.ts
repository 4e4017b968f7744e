/**
 * The statements a policy document of a template can deploy as, once CloudFormation
 * has decided the conditions of its `Fn::If`s. A template brought in with
 * `cloudformation-include`, or an override, may hold an `Fn::If` anywhere in a
 * policy: around a statement, the list of statements, or any element of one; in a
 * branch, `AWS::NoValue` removes the property or list entry that it is. A check
 * that skipped them would miss what one branch allows.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html#intrinsic-function-reference-conditions-if
 */

/** What `{"Ref": "AWS::NoValue"}` stands for: no value, so that the property or list entry it is goes away. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The most combinations of branches a statement is read in: each check reads each
 * one, for every pair of roles of an app in the chain checks.
 */
export const MAX_BRANCHES = 64;

/**
 * The key that marks a statement of more combinations of branches than are read:
 * the statement is kept as written, its `Fn::If`s unread (a check that cannot read
 * a condition does not count it as a limit), and the trust checks say that it
 * cannot be checked.
 */
export const TOO_MANY_BRANCHES = `Fn::If (more than ${MAX_BRANCHES} combinations of branches)`;

class TooManyBranches extends Error {}

/**
 * The statements of a policy document (rendered like IAM) as CloudFormation may
 * deploy them: each statement of each branch of an `Fn::If` of the list or of an
 * entry, and each statement once per combination of the branches of its elements
 * (with and without its `Condition`, with either `Principal`). An `Fn::If` in an
 * element that IAM reads as a list of alternatives (`Action`, `Resource`, each kind
 * of `Principal`, the values of a condition key of an operator that is not negated)
 * stays one statement, with the values of every branch in the list: IAM admits a
 * request if one of them matches, whichever branch is deployed. A statement made of
 * another CloudFormation function (`Fn::FindInMap`, ...) is kept as it is.
 */
export function statementBranches(document: unknown): unknown[] {
  return alternativesOf(Object(document ?? {}).Statement).flatMap(statement => {
    try {
      return branches(statement, 'statement').filter(branch => branch !== NO_VALUE);
    } catch (error) {
      if (error instanceof TooManyBranches) {
        return [{ ...Object(statement), [TOO_MANY_BRANCHES]: true }];
      }
      throw error;
    }
  });
}

/**
 * The values an element can take: each entry of a list and each branch of an
 * `Fn::If`, in turn, but for `AWS::NoValue`. Inside an entry, nothing is read.
 */
export function alternativesOf(element: unknown): unknown[] {
  if (Array.isArray(element)) {
    return element.flatMap(alternativesOf);
  }
  const ifBranches = ifBranchesOf(element);
  if (ifBranches) {
    return ifBranches.flatMap(alternativesOf);
  }
  return element === undefined || isNoValue(element) ? [] : [element];
}

/** Where a value is in a statement, which says how its `Fn::If`s are read. */
type Place = 'statement' | 'principal' | 'condition' | 'operator' | 'negated operator' | 'alternatives' | 'other';

/**
 * The values a part of a statement can take, one per combination of the branches
 * of its `Fn::If`s; `NO_VALUE` where a branch removes it.
 */
function branches(value: unknown, place: Place): unknown[] {
  const ifBranches = ifBranchesOf(value);
  if (ifBranches && place !== 'alternatives') {
    return ifBranches.flatMap(branch => branches(branch, place));
  }
  if (isNoValue(value)) {
    return [NO_VALUE];
  }
  if (place === 'alternatives') {
    return alternativeBranches(value);
  }
  if (Array.isArray(value)) {
    return combinations(value.map(entry => branches(entry, 'other')))
      .map(entries => entries.filter(entry => entry !== NO_VALUE));
  }
  if (value === null || typeof value !== 'object' || isFunction(value)) {
    return [value];
  }
  const entries = Object.entries(value);
  return combinations(entries.map(([key, property]) => branches(property, placeOf(place, key))))
    .map(properties => Object.fromEntries(entries.map(([key], i) => [key, properties[i]]).filter(([, property]) => property !== NO_VALUE)));
}

/**
 * An element that IAM reads as a list of alternatives, as one value: the values of
 * every branch in one list (or the one value); and `NO_VALUE` too when a branch
 * removes the whole element (a condition key removed is no condition at all).
 */
function alternativeBranches(value: unknown): unknown[] {
  const whole = [value].flatMap(function top(v: unknown): unknown[] {
    const ifBranches = ifBranchesOf(v);
    return ifBranches ? ifBranches.flatMap(top) : [v];
  });
  const present = whole.filter(v => !isNoValue(v));
  const values = present.flatMap(alternativesOf);
  const one = present.length === 1 && !Array.isArray(present[0]) && values.length === 1;
  return [
    ...(present.length > 0 ? [one ? values[0] : values] : []),
    ...(present.length < whole.length ? [NO_VALUE] : []),
  ];
}

function placeOf(place: Place, key: string): Place {
  switch (place) {
    case 'statement':
      return key === 'Action' || key === 'Resource' ? 'alternatives'
        : key === 'Principal' ? 'principal'
          : key === 'Condition' ? 'condition' : 'other';
    case 'principal':
      return 'alternatives';
    case 'condition':
      // The values of a negated operator are exclusions: one branch may exclude less than both together.
      return /Not/.test(key) ? 'negated operator' : 'operator';
    case 'operator':
      return 'alternatives';
    default:
      return 'other';
  }
}

/** Every combination of one value of each list, within MAX_BRANCHES. */
function combinations(lists: unknown[][]): unknown[][] {
  let result: unknown[][] = [[]];
  for (const list of lists) {
    result = result.flatMap(combination => list.map(value => [...combination, value]));
    if (result.length > MAX_BRANCHES) {
      throw new TooManyBranches();
    }
  }
  return result;
}

function ifBranchesOf(value: unknown): unknown[] | undefined {
  const argument = singleKey(value, 'Fn::If');
  return Array.isArray(argument) && argument.length === 3 ? [argument[1], argument[2]] : undefined;
}

function isNoValue(value: unknown): boolean {
  return singleKey(value, 'Ref') === 'AWS::NoValue';
}

/** Whether a value is a CloudFormation function (`Fn::...`, `Ref`), which is read as a whole. */
function isFunction(value: object): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function singleKey(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 ? (value as any)[key] : undefined;
}
