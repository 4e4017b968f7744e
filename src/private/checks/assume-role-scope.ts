import { allowsAction, statementsOf, valuesOf, wildcardMatches } from './iam-matching';
import { Finding, WARNINGS } from './warnings';

/**
 * Identity statements that allow `sts:AssumeRole` on roles of any account: on
 * `*`, on `arn:<partition>:iam::*:role/<name>` (a name that anyone can give a role
 * of an account of their own, which then trusts this one), or through
 * `NotResource`, with no condition that limits the role's account
 * (`aws:ResourceOrgID`, `aws:ResourceOrgPaths`, `aws:ResourceAccount`).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 */
export function assumeRoleScopeFindings(documents: readonly unknown[]): Finding[] {
  const findings: Finding[] = [];
  for (const statement of documents.flatMap(statementsOf)) {
    if (!allowsAction(statement, 'sts:AssumeRole') || limitsResourceAccount(statement.Condition ?? {})) {
      continue;
    }
    const wide = statement.NotResource !== undefined
      ? [`every role but ${JSON.stringify(statement.NotResource)} (NotResource)`]
      : valuesOf(statement.Resource).filter(anyAccountRole);
    if (wide.length > 0) {
      findings.push({
        id: WARNINGS.assumeRoleInAnyAccount,
        message: `an identity policy allows sts:AssumeRole on ${wide.join(', ')}: a role of any account, whose owner decides whether its `
          + 'trust admits this role, and with it what this role can do there and which data it can take there. Name the roles with '
          + 'their accounts, or limit their accounts with an aws:ResourceOrgID, aws:ResourceOrgPaths or aws:ResourceAccount condition.',
      });
    }
  }
  return findings;
}

/**
 * Whether a resource of an identity statement covers roles of any account: `*`, or
 * an ARN of IAM whose account is a wildcard and whose resource can be a role.
 */
function anyAccountRole(resource: string): boolean {
  const arn = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s.exec(resource);
  if (!arn) {
    // `*`, or an ARN cut short by a wildcard (arn:aws:iam::*), matches roles of two accounts alike.
    return ['111111111111', '222222222222'].every(account => wildcardMatches(resource, `arn:aws:iam::${account}:role/any`));
  }
  const [, , service, , account, rest] = arn;
  return wildcardMatches(service, 'iam', true) && /[*?]/.test(account) && canStartWith(rest, 'role/');
}

/** Whether some text that `pattern` matches starts with `prefix`. */
function canStartWith(pattern: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (pattern[i] === '*') {
      return true;
    }
    if (pattern[i] !== '?' && pattern[i] !== prefix[i]) {
      return false;
    }
  }
  return true;
}

/**
 * The condition keys that limit the account of the resource, with an operator that
 * needs the key and values that name an organization or an account: literal, or
 * the caller's own, as AWS documents it (`aws:ResourceAccount` =
 * `${aws:PrincipalAccount}`, `aws:ResourceOrgID` = `${aws:PrincipalOrgID}`). Not
 * `${aws:PrincipalOrgPaths}`: a multivalued key is no policy variable.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
function limitsResourceAccount(condition: Record<string, Record<string, unknown>>): boolean {
  return Object.entries(condition)
    .filter(([operator]) => /^(ForAnyValue:)?(StringEquals|StringLike)$/.test(operator))
    .flatMap(([, keys]) => Object.entries(Object(keys)))
    .some(([key, value]) => {
      const resourceKey = RESOURCE_ACCOUNT_KEYS.find(([name]) => name.test(key));
      return resourceKey !== undefined && [value].flat().every(v => typeof v === 'string'
        && (/^(o-[a-z0-9]{10,32}(\/|$)|\d{12}$)/.test(v) || (resourceKey[1] !== undefined && v === resourceKey[1])));
    });
}

/** The keys of the resource's account, each with the caller's own value that names it, if AWS documents one. */
const RESOURCE_ACCOUNT_KEYS: ReadonlyArray<[RegExp, string | undefined]> = [
  [/^aws:ResourceAccount$/i, '${aws:PrincipalAccount}'],
  [/^aws:ResourceOrgID$/i, '${aws:PrincipalOrgID}'],
  [/^aws:ResourceOrgPaths$/i, undefined],
];
