/**
 * Evaluates a role's own policies (and its permissions boundary) for one action on one
 * resource, as IAM does, when IAM's policy simulator cannot be asked: an explicit Deny
 * wins, then an Allow is needed, in the identity policies and in the boundary alike.
 *
 * Action names match case-insensitively, resource ARNs case-sensitively, part by part,
 * with `*` and `?`; `NotAction` and `NotResource` match everything they do not list.
 * A condition on a value the doctor does not know is never taken as met: a verdict that
 * depends on one is `unknown`, with the keys it depends on.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import {
  type ConditionTest, type PolicyDocument, type RequestContext,
  conditionTests, glob, testCondition,
} from './trust-policy';

export interface NamedDocument {
  /** The inline policy's name or the managed policy's ARN. */
  readonly name: string;
  readonly document: PolicyDocument;
}

export type IdentityDecision = 'allowed' | 'explicitDeny' | 'implicitDeny' | 'unknown';

export interface UndecidedStatement {
  readonly policy: string;
  readonly statement: string;
  readonly effect: 'Allow' | 'Deny';
  /** The conditions, or the policy variables, the doctor could not evaluate. */
  readonly unknown: string[];
}

export interface IdentityEvaluation {
  readonly decision: IdentityDecision;
  /** The policies whose statements decided (the Allows for `allowed`, the Deny for `explicitDeny`). */
  readonly matchedPolicies: string[];
  /** Statements that would decide if their unknown conditions held. */
  readonly undecided: UndecidedStatement[];
}

interface IdentityStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

type Token = { readonly literal: string } | { readonly wildcard: '*' | '?' };

/** The pattern's characters, with known policy variables replaced by their values; `undefined` lists those it cannot resolve. */
function tokenize(pattern: string, context: RequestContext): Token[] | string[] {
  const tokens: Token[] = [];
  const unresolved: string[] = [];
  for (const [, variable, char] of pattern.matchAll(/\$\{([^}]*)\}|([\s\S])/g)) {
    if (char !== undefined) {
      tokens.push(char === '*' || char === '?' ? { wildcard: char } : { literal: char });
    } else if (['*', '?', '$'].includes(variable)) {
      tokens.push({ literal: variable });
    } else {
      const value = context.get(variable.toLowerCase());
      if (value === undefined) {
        unresolved.push(`\${${variable}}`);
      } else {
        tokens.push(...[...value].map(literal => ({ literal })));
      }
    }
  }
  return unresolved.length ? unresolved : tokens;
}

function regexOf(tokens: readonly Token[]): RegExp {
  const source = tokens.map(t => 'wildcard' in t ? (t.wildcard === '*' ? '.*' : '.') : t.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`, 's');
}

/** ARNs compare part by part (partition, service, Region, account, resource), each with `*` and `?`, case-sensitively. */
function splitArn<T>(items: readonly T[], isColon: (item: T) => boolean): T[][] {
  const parts: T[][] = [[]];
  for (const item of items) {
    if (isColon(item) && parts.length < 6) {
      parts.push([]);
    } else {
      parts[parts.length - 1].push(item);
    }
  }
  return parts;
}

/** `true`, `false`, or the policy variables that could not be resolved. */
function resourceMatches(pattern: string, resource: string, context: RequestContext): boolean | string[] {
  const tokens = tokenize(pattern, context);
  if (tokens.some(t => typeof t === 'string')) {
    return tokens as string[];
  }
  const patternTokens = tokens as Token[];
  const patternParts = splitArn(patternTokens, t => 'literal' in t && t.literal === ':');
  const resourceParts = splitArn([...resource], c => c === ':').map(p => p.join(''));
  if (patternParts.length < 6) {
    // `*` alone is every resource; IAM refuses other patterns that are not ARNs.
    return patternTokens.length === 1 && 'wildcard' in patternTokens[0] && patternTokens[0].wildcard === '*';
  }
  return resourceParts.length === 6 && patternParts.every((part, i) => regexOf(part).test(resourceParts[i]));
}

function listed(value: string | string[] | undefined): string[] {
  return [value ?? []].flat().filter((v): v is string => typeof v === 'string');
}

const operatorAndKey = (test: ConditionTest) => `${test.operator} ${test.key}`;

/** How one policy's statements fare for `action` on `resource`. */
function evaluateDocuments(documents: readonly NamedDocument[], action: string, resource: string, context: RequestContext) {
  const allows: string[] = [];
  const denies: string[] = [];
  const undecided: UndecidedStatement[] = [];
  for (const { name, document } of documents) {
    [document?.Statement ?? []].flat().forEach((raw, index) => {
      const statement = raw as IdentityStatement;
      const effect = statement.Effect === 'Deny' ? 'Deny' : statement.Effect === 'Allow' ? 'Allow' : undefined;
      if (!effect) {
        return;
      }
      const actionMatches = statement.NotAction !== undefined
        ? !listed(statement.NotAction).some(p => glob(p, action, true))
        : listed(statement.Action).some(p => glob(p, action, true));
      if (!actionMatches) {
        return;
      }
      const patterns = listed(statement.NotResource ?? statement.Resource);
      const outcomes = patterns.map(p => resourceMatches(p, resource, context));
      const unresolved = outcomes.filter((o): o is string[] => Array.isArray(o)).flat();
      const anyMatch = outcomes.some(o => o === true);
      let resourceOutcome: boolean | undefined;
      if (statement.NotResource !== undefined) {
        resourceOutcome = anyMatch ? false : unresolved.length ? undefined : true;
      } else if (statement.Resource !== undefined) {
        resourceOutcome = anyMatch ? true : unresolved.length ? undefined : false;
      } else {
        return;
      }
      if (resourceOutcome === false) {
        return;
      }
      const tests = conditionTests(statement);
      const results = tests.map(test => [test, testCondition(test, context)] as const);
      if (results.some(([, result]) => result === false)) {
        return;
      }
      const unknown = [...unresolved, ...results.filter(([, result]) => result === undefined).map(([test]) => operatorAndKey(test))];
      if (unknown.length > 0 || resourceOutcome === undefined) {
        undecided.push({ policy: name, statement: statement.Sid || `statement ${index + 1}`, effect, unknown });
      } else {
        (effect === 'Deny' ? denies : allows).push(name);
      }
    });
  }
  return { allows: [...new Set(allows)], denies: [...new Set(denies)], undecided };
}

/** IAM's decision for `action` on `resource` from the given policies alone. */
export function evaluateIdentityPolicies(documents: readonly NamedDocument[], action: string, resource: string,
  context: RequestContext): IdentityEvaluation {
  const { allows, denies, undecided } = evaluateDocuments(documents, action, resource, context);
  if (denies.length > 0) {
    return { decision: 'explicitDeny', matchedPolicies: denies, undecided: [] };
  }
  const undecidedDenies = undecided.filter(u => u.effect === 'Deny');
  if (allows.length > 0) {
    return undecidedDenies.length > 0
      ? { decision: 'unknown', matchedPolicies: allows, undecided: undecidedDenies }
      : { decision: 'allowed', matchedPolicies: allows, undecided: [] };
  }
  return undecided.some(u => u.effect === 'Allow')
    ? { decision: 'unknown', matchedPolicies: [], undecided }
    : { decision: 'implicitDeny', matchedPolicies: [], undecided: [] };
}

/** The keys and variables that left statements undecided, each once. */
export function undecidedKeys(undecided: readonly UndecidedStatement[]): string[] {
  return [...new Set(undecided.flatMap(u => u.unknown))];
}
