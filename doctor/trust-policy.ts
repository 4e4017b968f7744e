/**
 * Judges whether a role's trust policy admits a principal to call `sts:AssumeRole`.
 *
 * IAM has no API that evaluates another account's trust policy for a caller, so the
 * doctor reads the document and evaluates it itself. A condition on a value the doctor
 * cannot know (the caller's organization, the session name a client will choose) is
 * neither passed nor failed: it is reported as a requirement the caller must meet.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Principal?: '*' | Record<string, string | string[]>;
  readonly NotPrincipal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | PolicyStatement[];
}

/** Who asks to assume the role. */
export type Caller =
  | { readonly kind: 'role'; readonly arn: string; readonly account: string }
  | { readonly kind: 'service'; readonly service: string };

/** How a statement's principal names the caller; `not listed` is a NotPrincipal that does not except it. */
export type PrincipalMatch = 'role ARN' | 'account' | 'everyone' | 'service' | 'not listed';

/** One condition of a statement: operator, key and the values it compares with. */
export interface ConditionTest {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

export interface StatementResult {
  /** The statement's Sid, or its position (`statement 1`). */
  readonly name: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: PrincipalMatch;
  /** Conditions that are false for the caller. */
  readonly failed: ConditionTest[];
  /** Conditions on values the doctor cannot know. */
  readonly unknown: ConditionTest[];
  /** Every condition of the statement. */
  readonly conditions: ConditionTest[];
  /**
   * For a Deny with NotPrincipal that excepts the caller only in part: the forms it does not list
   * (the account, the role ARN, the session ARN). IAM may match any of them, so the Deny may apply.
   */
  readonly notPrincipalMissing?: string[];
}

export interface TrustEvaluation {
  /** The statements whose action and principal admit the caller, with how their conditions fare. */
  readonly statements: StatementResult[];
  /** Principals IAM shows as a unique ID (`AROA...`, `AIDA...`): what they named was deleted. */
  readonly uniqueIdPrincipals: string[];
  /** Every AWS principal the trust names. */
  readonly awsPrincipals: string[];
}

/**
 * The request's context: a key mapped to a string has that value, a key mapped to
 * `undefined` is absent from the request, a key not in the map is unknown.
 * Keys are compared case-insensitively, as IAM does.
 */
export type RequestContext = ReadonlyMap<string, string | undefined>;

/** Condition keys that identify the principal; all other keys are conditions on the call itself. */
const PRINCIPAL_KEYS = /^aws:(principalarn|principalaccount|principalorgid|principalorgpaths|userid|username|principaltype|principaltag\/.*|principalisawsservice|principalservicename)$/i;

export function isPrincipalKey(key: string): boolean {
  return PRINCIPAL_KEYS.test(key);
}

const UNIQUE_ID = /^A(RO|ID|IP|GP|NP|NV|SC)A[A-Z0-9]{12,}$/;

export function contextOf(values: Record<string, string | undefined>): RequestContext {
  return new Map(Object.entries(values).map(([key, value]) => [key.toLowerCase(), value]));
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return [document.Statement].flat();
}

export function evaluateTrust(document: PolicyDocument, caller: Caller, context: RequestContext): TrustEvaluation {
  const statements: StatementResult[] = [];
  const uniqueIdPrincipals: string[] = [];
  const allPrincipals: string[] = [];
  statementsOf(document).forEach((statement, index) => {
    const awsPrincipals = statement.Principal && statement.Principal !== '*' ? [statement.Principal.AWS ?? []].flat() : [];
    uniqueIdPrincipals.push(...awsPrincipals.filter(p => UNIQUE_ID.test(p)));
    allPrincipals.push(...(statement.Principal === '*' ? ['*'] : awsPrincipals));
    const exception = statement.Effect === 'Deny' && statement.NotPrincipal !== undefined ? notPrincipalException(statement.NotPrincipal, caller) : undefined;
    const principal = exception ? 'not listed' : principalMatch(statement, caller);
    if (!principal || exception === 'excepted' || !actionMatches(statement, 'sts:AssumeRole')) {
      return;
    }
    const conditions = conditionTests(statement);
    const outcomes = conditions.map(test => [test, testCondition(test, context)] as const);
    statements.push({
      name: statement.Sid || `statement ${index + 1}`,
      effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
      principal,
      failed: outcomes.filter(([, outcome]) => outcome === false).map(([test]) => test),
      unknown: outcomes.filter(([, outcome]) => outcome === undefined).map(([test]) => test),
      conditions,
      ...(Array.isArray(exception) && exception.length < 3 ? { notPrincipalMissing: exception } : {}),
    });
  });
  return { statements, uniqueIdPrincipals: [...new Set(uniqueIdPrincipals)], awsPrincipals: [...new Set(allPrincipals)] };
}

/**
 * A Deny with NotPrincipal denies every principal it does not list. For a role's session IAM may
 * check the account, then the role, then the session, so only a NotPrincipal that lists all three
 * surely excepts the caller: the result is `excepted`, or the forms it does not list (all three:
 * the Deny applies).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 */
function notPrincipalException(notPrincipal: unknown, caller: Caller): 'excepted' | string[] | undefined {
  if (caller.kind !== 'role') {
    return undefined;
  }
  if (notPrincipal === '*') {
    return 'excepted';
  }
  const named = [(notPrincipal as { AWS?: unknown })?.AWS ?? []].flat().map(String);
  if (named.includes('*')) {
    return 'excepted';
  }
  const [, partition] = caller.arn.split(':');
  const roleName = caller.arn.slice(caller.arn.lastIndexOf('/') + 1);
  const sessionPrefix = `arn:${partition}:sts::${caller.account}:assumed-role/${roleName}/`;
  const forms: [string, boolean][] = [
    [`the account (arn:${partition}:iam::${caller.account}:root)`, named.includes(caller.account) || named.includes(`arn:${partition}:iam::${caller.account}:root`)],
    [`the role (${caller.arn})`, named.includes(caller.arn)],
    [`the task's session (${sessionPrefix}<session name>)`, named.some(p => p.startsWith(sessionPrefix))],
  ];
  const missing = forms.filter(([, isListed]) => !isListed).map(([form]) => form);
  // A task's session name is chosen by the service (the task ID): a listed session may not be the task's.
  return missing.length === 0 ? [`the task's session, unless its name is one NotPrincipal lists (${sessionPrefix}<session name>)`] : missing;
}

function principalMatch(statement: PolicyStatement, caller: Caller): PrincipalMatch | undefined {
  // An Allow with NotPrincipal admits almost everyone and AWS advises against it: the doctor does not claim to judge it.
  const principal = statement.Principal;
  if (principal === undefined) {
    return undefined;
  }
  if (principal === '*') {
    return 'everyone';
  }
  if (caller.kind === 'service') {
    return [principal.Service ?? []].flat().some(s => s.toLowerCase() === caller.service.toLowerCase()) ? 'service' : undefined;
  }
  const named = [principal.AWS ?? []].flat();
  if (named.includes('*')) {
    return 'everyone';
  }
  if (named.includes(caller.arn)) {
    return 'role ARN';
  }
  const partition = caller.arn.split(':')[1];
  if (named.includes(caller.account) || named.includes(`arn:${partition}:iam::${caller.account}:root`)) {
    return 'account';
  }
  return undefined;
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined) {
    return ![statement.NotAction].flat().some(pattern => glob(pattern, action, true));
  }
  return [statement.Action ?? []].flat().some(pattern => glob(pattern, action, true));
}

export function conditionTests(statement: Pick<PolicyStatement, 'Condition'>): ConditionTest[] {
  return Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, values]) => ({ operator, key, values: [values].flat().map(String) })));
}

/** `true` or `false` when the context decides the condition, `undefined` when it depends on an unknown value. */
export function testCondition(test: ConditionTest, context: RequestContext): boolean | undefined {
  let operator = test.operator.replace(/^(ForAnyValue|ForAllValues):/i, '');
  const forAll = /^ForAllValues:/i.test(test.operator);
  const forAny = /^ForAnyValue:/i.test(test.operator);
  const ifExists = /IfExists$/i.test(operator);
  operator = operator.replace(/IfExists$/i, '');
  const key = test.key.toLowerCase();
  if (!context.has(key)) {
    return undefined;
  }
  const value = context.get(key);
  if (operator.toLowerCase() === 'null') {
    return test.values.some(v => (v.toLowerCase() === 'true') === (value === undefined));
  }
  const negated = /^(StringNot|ArnNot|NotIpAddress)/i.test(operator);
  if (value === undefined) {
    // IAM: ForAnyValue over no value is false, whatever the operator (negated, IfExists); ForAllValues over none is true.
    return !forAny && (negated || ifExists || forAll);
  }
  const compare = comparison(operator.replace(/^StringNot/i, 'String').replace(/^ArnNot/i, 'Arn'));
  if (!compare) {
    return undefined;
  }
  const matches = test.values.some(expected => compare(expected, value));
  return negated ? !matches : matches;
}

function comparison(operator: string): ((expected: string, value: string) => boolean) | undefined {
  switch (operator.toLowerCase()) {
    case 'stringequals': return (expected, value) => expected === value;
    case 'stringequalsignorecase': return (expected, value) => expected.toLowerCase() === value.toLowerCase();
    case 'stringlike': return (expected, value) => glob(expected, value, false);
    case 'arnequals':
    case 'arnlike': return arnLike;
    case 'bool': return (expected, value) => expected.toLowerCase() === value.toLowerCase();
    default: return undefined;
  }
}

/** ArnLike and ArnEquals compare the six parts of an ARN one by one, each with `*` and `?`. */
function arnLike(pattern: string, arn: string): boolean {
  const patternParts = pattern.split(':');
  const arnParts = arn.split(':');
  if (patternParts.length < 6 || arnParts.length < 6) {
    return false;
  }
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const expected = head(patternParts);
  const actual = head(arnParts);
  return expected.every((part, i) => glob(part, actual[i], false));
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}
