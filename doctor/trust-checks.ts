/**
 * Checks 2 and 3: the destination's trust admits the source role, and the caller meets the
 * trust's conditions, both judged on the same statement of the trust (see decidingStatement).
 * A condition on a value the doctor cannot read (the caller's organization, its tags, the address
 * its calls come from) is never taken as met: the check could not verify, and says which keys and
 * how to check them.
 */
import type { DeployedRole } from './aws-account';
import { type CheckOutcome, type Finding, type Side, deployCommand, conditionText, outcome } from './check-result';
import {
  type ConditionTest, type StatementResult, type TrustEvaluation,
  contextOf, isPrincipalKey, testCondition,
} from './trust-policy';

/** What STS accepts as a RoleSessionName. */
export const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SESSION_NAME = 'cdk-cross-account-task-roles-doctor';
const SESSION_NAME_KEY = 'sts:rolesessionname';

/** The Allow statements whose principal conditions do not exclude the caller. */
function admitting(trust: TrustEvaluation): StatementResult[] {
  return trust.statements.filter(s => s.effect === 'Allow' && !s.failed.some(t => isPrincipalKey(t.key)));
}

/**
 * The one Allow statement checks 2 and 3 both judge: a statement admits the caller only if its
 * principal and all its conditions hold, so the checks must not pass on two different statements.
 * First one whose conditions all hold; else one that only conditions on unknown values stand in the
 * way (the fewest first: could not verify); else one whose principal admits the caller but some
 * condition on the call fails (the chain does not work, check 3 says why); else none.
 */
export function decidingStatement(trust: TrustEvaluation): StatementResult | undefined {
  const rank = (s: StatementResult) => s.failed.length > 0 ? 2 : s.unknown.length > 0 ? 1 : 0;
  return [...admitting(trust)].sort((a, b) => rank(a) - rank(b) || a.unknown.length - b.unknown.length)[0];
}

/** A Deny that surely applies: no condition failed or unknown, and a NotPrincipal (if any) that does not list the caller. */
export function applyingDeny(trust: TrustEvaluation): StatementResult | undefined {
  return trust.statements.find(s => s.effect === 'Deny' && s.failed.length === 0 && s.unknown.length === 0 && !s.notPrincipalMissing);
}

/** Denies that apply unless a value the doctor cannot know says otherwise. */
export function undecidedDenies(trust: TrustEvaluation): StatementResult[] {
  return trust.statements.filter(s => s.effect === 'Deny' && s.failed.length === 0 && (s.unknown.length > 0 || s.notPrincipalMissing));
}

function principalUnknowns(statement: StatementResult): ConditionTest[] {
  return statement.unknown.filter(t => isPrincipalKey(t.key));
}

export function trustCheck(trust: TrustEvaluation, source: Side, destination: Side, sourceRole: DeployedRole | undefined): CheckOutcome {
  const redeploy = deployCommand(destination);
  const deny = applyingDeny(trust);
  if (deny) {
    return outcome('error', `denied by ${deny.name}`, [deny.principal === 'not listed'
      ? {
        cause: `The trust of ${destination.parts.roleName} has a Deny (${deny.name}) with NotPrincipal, which denies sts:AssumeRole to every `
          + `principal it does not list, and it lists neither ${source.arn}, its session nor account ${source.parts.account}.`,
        fix: 'Replace NotPrincipal with a condition the Deny can test, such as ArnNotEquals aws:PrincipalArn '
          + `${source.arn}, or list the account, the role and its session in NotPrincipal; then run ${redeploy}.`,
      }
      : {
        cause: `The trust of ${destination.parts.roleName} has a Deny (${deny.name}) that applies to ${source.arn}.`,
        fix: `Remove the Deny from the trust policy, or exclude the source role from it; then run ${redeploy}.`,
      }]);
  }
  const best = decidingStatement(trust);
  const stale = trust.uniqueIdPrincipals;
  const staleFinding: Finding = {
    cause: `The trust names ${stale.join(', ')} instead of a role ARN: IAM shows a principal as its unique ID when the role it named `
      + `was deleted. The source role was deleted and recreated${sourceRole ? ` (its ID is now ${sourceRole.roleId})` : ''}, `
      + 'and a trust never follows a new role of the same name.',
    fix: `Write the trust again with the ARN ${source.arn}: change the destination's trust and run ${redeploy} `
      + `(CloudFormation skips an unchanged template), or \`aws iam update-assume-role-policy --role-name ${destination.parts.roleName} `
      + '--policy-document file://trust.json\`. TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN (account root + aws:PrincipalArn) survives a recreation.',
  };
  if (!best) {
    if (stale.length > 0) {
      return outcome('error', 'a principal of the trust is a deleted role', [staleFinding]);
    }
    const named = trust.statements.filter(s => s.effect === 'Allow');
    const why = named.length === 0
      ? `No statement of the trust of ${destination.parts.roleName} names ${source.arn}, its account or everyone.`
      : `The trust admits account ${source.parts.account} only if ${named.flatMap(s => s.failed).map(conditionText).join(' and ')}.`;
    return outcome('error', `${source.parts.roleName} is not admitted`, [{
      cause: `${why} Principals in the trust: ${trust.awsPrincipals.join(', ') || 'none'}.`,
      fix: `Add the source role to the TrustedDestinationRole (trustedRoles: [RoleReference.fromArn('${source.arn}')], or addTrustedRole) `
        + `and run ${redeploy}.`,
    }]);
  }
  const keys = best.conditions.map(t => t.key.toLowerCase());
  const findings: Finding[] = stale.length > 0 ? [{ ...staleFinding, fix: `Remove ${stale.join(', ')} from the trust.`, verdict: 'warning' }] : [];
  findings.push(...principalUnknowns(best).map(test => ({
    ...conditionFinding(test, source),
    verdict: 'unverified' as const,
  })));
  const denies = undecidedDenies(trust);
  for (const statement of denies) {
    findings.push(...denyFindings(statement, source));
  }
  const unknownKeys = [...new Set([
    ...principalUnknowns(best).map(t => t.key),
    ...denies.flatMap(s => s.notPrincipalMissing ? ['NotPrincipal'] : s.unknown.map(t => t.key)),
  ])];
  let how: string;
  if (best.principal === 'role ARN') {
    how = 'by its ARN';
  } else if (keys.includes('aws:principalarn')) {
    how = `by account ${source.parts.account} + aws:PrincipalArn`;
  } else if (keys.some(k => k.startsWith('aws:principalorg'))) {
    how = 'by organization';
  } else {
    how = best.principal === 'everyone' ? 'by a trust open to every principal' : `by the whole account ${source.parts.account}`;
    findings.push({
      cause: `${best.name} admits ${best.principal === 'everyone' ? 'every AWS principal' : `every principal of account ${source.parts.account}`} `
        + 'whose own policies allow sts:AssumeRole on this role, not only the source role.',
      fix: 'Name the source role: TrustMode.ROLE_ARN, or TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN.',
      verdict: 'warning',
    });
  }
  if (unknownKeys.length > 0) {
    return outcome('unverified', `could not verify: ${how} (${best.name}), if ${unknownKeys.join(', ')} allow${unknownKeys.length === 1 ? 's' : ''} it`,
      findings);
  }
  return outcome(findings.length ? 'warning' : 'ok', `${how} (${best.name})`, findings);
}

/** A Deny whose conditions or NotPrincipal the doctor cannot judge. */
function denyFindings(statement: StatementResult, source: Side): Finding[] {
  if (statement.notPrincipalMissing) {
    return [{
      cause: `A Deny (${statement.name}) with NotPrincipal denies every principal it does not list; it does not list `
        + `${statement.notPrincipalMissing.join(', ')}, and IAM may match the task's call by any of them.`,
      fix: `Replace NotPrincipal with ArnNotEquals aws:PrincipalArn ${source.arn} in the Deny, which IAM evaluates for every session of the role.`,
      verdict: 'unverified',
    }];
  }
  return statement.unknown.map(test => ({
    ...conditionFinding(test, source, statement.name),
    verdict: 'unverified' as const,
  }));
}

/** How to check by hand a condition on a value the doctor cannot read, of an Allow or of the Deny named `deny`. */
function conditionFinding(test: ConditionTest, source: Side, deny?: string): Finding {
  const key = test.key.toLowerCase();
  const who = key.startsWith('aws:principalorg') ? 'the source account' : 'the caller';
  const prefix = deny ? `Denied (${deny}) if ${who} meets ${conditionText(test)}` : `Admitted only if ${who} meets ${conditionText(test)}`;
  if (key.startsWith('aws:principalorg')) {
    return {
      cause: `${prefix}: the doctor cannot read AWS Organizations.`,
      fix: `Check with \`aws organizations describe-organization\` using credentials of account ${source.parts.account}.`,
    };
  }
  if (key.startsWith('aws:principaltag/')) {
    return {
      cause: `${prefix}: the source role's tags/session tags must match, and the doctor does not read tags.`,
      fix: `Check the source role's tags with \`aws iam list-role-tags --role-name ${source.parts.roleName}\` `
        + 'using credentials of the source account, and the session tags the task passes, if any.',
    };
  }
  if (key === 'aws:sourceip' || key === 'aws:sourcevpc' || key === 'aws:sourcevpce') {
    return {
      cause: `${prefix}: the doctor cannot know where the task's calls come from.`,
      fix: `Check ${test.key} against the task's network path: its NAT gateway's public address for aws:SourceIp; `
        + 'a call through a VPC endpoint has aws:SourceVpc and aws:SourceVpce and no aws:SourceIp.',
    };
  }
  return {
    cause: `${prefix}: this condition cannot be checked from here.`,
    fix: `Make sure the source role ${source.arn} meets ${test.key} when it calls sts:AssumeRole.`,
  };
}

export function callerConditionsCheck(trust: TrustEvaluation, externalId: string | undefined, roleSessionName: string | undefined): CheckOutcome {
  const best = decidingStatement(trust);
  if (!best) {
    return outcome('skipped', 'no statement of the trust admits the source role');
  }
  // The statement's principal conditions did not fail (check 2): what failed is a condition on the call.
  if (best.failed.length > 0) {
    return outcome('error', `${best.name} is not met`, best.failed.map(test => {
      if (test.key.toLowerCase() === 'sts:externalid') {
        return externalId === undefined
          ? {
            cause: `The trust requires an external ID (${test.operator} sts:ExternalId in ${best.name}) and none was given.`,
            fix: 'Run again with --external-id <value>: the external_id the task\'s profile sends (AwsConfigProfile.render(..., { externalId })).',
          }
          : {
            cause: `The external ID given does not match the one the trust requires (${test.operator} sts:ExternalId in ${best.name}).`,
            fix: 'Use the same value in the TrustedDestinationRole (externalId), the task\'s profile (external_id) and --external-id.',
          };
      }
      if (test.key.toLowerCase() === SESSION_NAME_KEY) {
        return {
          cause: `The session name given (${roleSessionName}) does not meet ${conditionText(test)} (${best.name}).`,
          fix: 'Use a session name that matches, the same in the task\'s profile (role_session_name, AwsConfigProfile roleSessionName) '
            + 'and in --role-session-name.',
        };
      }
      return { cause: `The request does not meet ${conditionText(test)} (${best.name}).`, fix: `Send a request that meets ${test.key}, or change the trust.` };
    }));
  }
  const unknown = best.unknown.filter(t => !isPrincipalKey(t.key));
  if (unknown.length > 0) {
    return outcome('unverified', `could not verify: depends on ${unknown.map(t => t.key).join(', ')}`, unknown.map(test => ({
      cause: `The caller must meet ${conditionText(test)} (${best.name}); the doctor cannot know what the task's client sends.`,
      fix: test.key.toLowerCase() === SESSION_NAME_KEY
        ? 'Run again with --role-session-name <name>: the role_session_name the task\'s profile sends (AwsConfigProfile roleSessionName), '
          + 'which must match.'
        : `Make sure the task's request meets ${test.key}.`,
    })));
  }
  const required = best.conditions.filter(t => !isPrincipalKey(t.key)).map(t => t.key);
  const detail = required.some(k => k.toLowerCase() === 'sts:externalid')
    ? `the external ID given matches${required.some(k => k.toLowerCase() === SESSION_NAME_KEY) ? ', and the session name given' : ''}`
    : required.some(k => k.toLowerCase() === SESSION_NAME_KEY) ? `the session name given matches${required.length > 1 ? ` (${required.join(', ')} met)` : ''}`
      : required.length > 0 ? `${required.join(', ')} met` : `none required${externalId !== undefined ? ' (the external ID given is not checked by the trust)' : ''}`;
  return outcome('ok', detail);
}

/**
 * The session name --assume sends when none was given: the doctor's own name when the trust
 * asks for none, else a name built from a literal pattern (`*` as `doctor`, `?` as `x`) that
 * meets every session-name condition of an admitting statement, else `undefined`.
 */
export function sessionNameFor(trust: TrustEvaluation | undefined): string | undefined {
  const statements = trust ? admitting(trust) : [];
  const sessionTests = (s: StatementResult) => s.conditions.filter(t => t.key.toLowerCase() === SESSION_NAME_KEY);
  if (statements.length === 0 || statements.some(s => sessionTests(s).length === 0)) {
    return SESSION_NAME;
  }
  for (const statement of statements) {
    const tests = sessionTests(statement);
    for (const candidate of tests.flatMap(t => t.values).map(v => v.replace(/\*/g, 'doctor').replace(/\?/g, 'x'))) {
      const context = contextOf({ 'sts:RoleSessionName': candidate });
      if (ROLE_SESSION_NAME.test(candidate) && tests.every(t => testCondition(t, context) === true)) {
        return candidate;
      }
    }
  }
  return undefined;
}
