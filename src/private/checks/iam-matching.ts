import { alternativesOf, statementBranches } from './statement-branches';

/**
 * How IAM matches a policy's actions, resources and ARN conditions against a
 * request, as far as the checks need it: `*` matches any characters, `?` one;
 * actions compare without case, ARNs and names with case.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */

/** Whether `pattern` (with IAM's `*` and `?`) matches `value`. */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'is' : 's').test(value);
}

/**
 * The values of a policy element as strings: a string, a list, or nothing, and
 * each branch of an `Fn::If` but for `AWS::NoValue`; anything else (another
 * CloudFormation function) as its JSON.
 */
export function valuesOf(element: unknown): string[] {
  return alternativesOf(element).map(v => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/** Whether an identity statement (rendered like IAM) allows the action, whatever its resources and conditions. */
export function allowsAction(statement: any, action: string): boolean {
  if (statement?.Effect !== 'Allow') {
    return false;
  }
  if (statement.NotAction !== undefined) {
    return !valuesOf(statement.NotAction).some(a => wildcardMatches(a, action, true));
  }
  return valuesOf(statement.Action).some(a => wildcardMatches(a, action, true));
}

/** Whether an identity statement names the resource, by `Resource` or by leaving it out of `NotResource`. */
export function namesResource(statement: any, arn: string): boolean {
  if (statement.NotResource !== undefined) {
    return !valuesOf(statement.NotResource).some(r => wildcardMatches(r, arn));
  }
  return valuesOf(statement.Resource).some(r => wildcardMatches(r, arn));
}

/**
 * The statements of a policy document rendered like IAM, each an object, as
 * CloudFormation may deploy them: each branch of an `Fn::If` read (see
 * `statementBranches()`). A statement made of another CloudFormation function is
 * an object with no `Effect`.
 */
export function statementsOf(document: any): any[] {
  if (document === null || typeof document !== 'object') {
    return readStatements(document);
  }
  // The chain checks read each role's documents once for every other role of the app.
  let statements = STATEMENTS.get(document);
  if (!statements) {
    statements = readStatements(document);
    STATEMENTS.set(document, statements);
  }
  return statements;
}

const STATEMENTS = new WeakMap<object, any[]>();

function readStatements(document: any): any[] {
  return statementBranches(document).filter((s: unknown): s is object => s !== null && typeof s === 'object');
}
