import { Token } from 'aws-cdk-lib';
import { PATTERN, Rule, invalid, lengthAndCharacters } from './rule';

/**
 * What a destination role's trust takes from its callers beyond their names: a
 * pattern of session names, and conditions added by hand.
 */

/** A pattern of session names: wildcards allowed, policy variables not, and not only wildcards. */
export const ROLE_SESSION_NAME_PATTERN: Rule<string> = {
  fault: value => {
    const shape = lengthAndCharacters('a role session name pattern is 1 to 64 characters of letters, digits, + = , . @ _ - and the wildcards * ?',
      /[\w+=,.@*?-]/, 1, 64)(value);
    if (shape !== undefined || !/^[*?]+$/.test(value)) {
      return shape;
    }
    // A session name has 2 to 64 characters: with a * and at most two ?, the pattern admits every one of them.
    return value.includes('*') && value.replace(/\*/g, '').length <= 2
      ? 'it matches every session name, so it limits nothing: leave it out or name a prefix such as reports-*'
      : 'a pattern of only wildcards names no session, only a length: leave it out or name a prefix such as reports-*';
  },
  deployTime: { forbidden: PATTERN },
};

/** Condition keys a destination role writes itself, lowercased (IAM compares keys without case). */
const MANAGED_TRUST_KEYS = ['aws:principalarn', 'aws:principalorgid', 'aws:principalorgpaths', 'sts:externalid', 'sts:rolesessionname'];

/** One condition of a trust statement. */
export interface TrustCondition {
  readonly operator: string;
  readonly key: string;
  readonly value: unknown;
}

/**
 * The conditions given to `addTrustConditions()`, one by one, once all are checked:
 * literal operators and keys, none of the keys the role writes itself, and none
 * already set.
 */
export function checkedTrustConditions(
  where: string,
  conditions: { [operator: string]: any },
  existing: { [operator: string]: { [key: string]: unknown } },
): TrustCondition[] {
  const checked: TrustCondition[] = [];
  for (const [operator, keys] of Object.entries(conditions)) {
    if (Token.isUnresolved(operator)) {
      throw invalid(where, 'conditions', operator,
        'a condition operator must be a literal (such as StringEquals): a token could resolve to any operator, '
        + 'and it could not be checked against the keys the role writes itself');
    }
    if (keys === null || typeof keys !== 'object' || Token.isUnresolved(keys)) {
      throw invalid(where, 'conditions', operator,
        'each operator takes an object of condition keys and values, such as { StringEquals: { \'aws:PrincipalTag/team\': \'reports\' } }');
    }
    for (const [key, value] of Object.entries(keys)) {
      if (Token.isUnresolved(key)) {
        throw invalid(where, `conditions.${operator}`, key,
          'a condition key must be a literal (such as aws:PrincipalTag/team): a token could resolve to a key the role '
          + 'writes itself (aws:PrincipalArn, sts:ExternalId, ...) and replace its value');
      }
      if (MANAGED_TRUST_KEYS.includes(key.toLowerCase())) {
        throw invalid(where, `conditions.${operator}`, key,
          'this key is written by the role itself, and another value would replace or widen it: '
          + 'use trustedRoles / trustedOrganizationRoles, externalIds or roleSessionNamePattern instead');
      }
      if (existing[operator]?.[key] !== undefined) {
        throw invalid(where, `conditions.${operator}`, key, 'this condition is already set; give all its values in one call');
      }
      checked.push({ operator, key, value });
    }
  }
  return checked;
}
