/**
 * Check 5: an AWS service may give the source role to its tasks (the trust of the source role
 * names the service), with the confused-deputy conditions for the account and Region of the tasks.
 */
import type { DeployedRole } from './aws-account';
import { type CheckOutcome, type Finding, type Side, conditionText, outcome } from './check-result';
import { applyingDeny, undecidedDenies } from './trust-checks';
import { type ConditionTest, contextOf, evaluateTrust, statementsOf } from './trust-policy';

const ECS_TASKS = 'ecs-tasks.amazonaws.com';

export function serviceCheck(role: DeployedRole, source: Side, region: string | undefined): CheckOutcome {
  // A principal of '*' or a NotPrincipal names no service.
  const services = statementsOf(role.trustPolicy).flatMap(s => typeof s.Principal === 'object' ? [s.Principal.Service ?? []].flat() : []);
  const service = services.find(s => s === ECS_TASKS) ?? services[0];
  if (!service) {
    return outcome('warning', 'no AWS service may assume the source role', [{
      cause: `The trust of ${source.parts.roleName} names no service principal: an ECS task cannot use it as its task role.`,
      fix: 'Use a CrossAccountTaskRole as the task role (it trusts ecs-tasks.amazonaws.com), unless the source is not an AWS service.',
    }]);
  }
  const { account, partition } = source.parts;
  const serviceName = service.split('.')[0].replace(/-tasks$/, '');
  const trust = evaluateTrust(role.trustPolicy, { kind: 'service', service }, contextOf({
    'aws:SourceAccount': account,
    'aws:PrincipalIsAWSService': 'true',
    ...(region ? { 'aws:SourceArn': `arn:${partition}:${serviceName}:${region}:${account}:task/doctor` } : {}),
  }));
  const deny = applyingDeny(trust);
  const allow = trust.statements.filter(s => s.effect === 'Allow');
  const passing = allow.filter(s => s.failed.length === 0).sort((a, b) => a.unknown.length - b.unknown.length)[0];
  if (deny || !passing) {
    const failed = allow.flatMap(s => s.failed);
    return outcome('error', `${service} is refused`, [{
      cause: deny
        ? `${deny.name} denies ${service}.`
        : `The trust admits ${service} only if ${failed.map(conditionText).join(' and ')}, but the source's tasks run in account ${account}`
          + `${region ? `, ${region}` : ''}.`,
      fix: `Deploy the source stack in account ${account}${region ? ` and ${region}` : ''}, the account and Region of the tasks, `
        + 'so that the confused-deputy conditions name them.',
    }]);
  }
  const keys = passing.conditions.map(t => t.key.toLowerCase());
  // Without --region, aws:SourceArn is the one unknown key an option can make known.
  const needsRegion = (test: ConditionTest) => !region && test.key.toLowerCase() === 'aws:sourcearn';
  const regionFix = 'Run again with --region <the Region of the tasks> (--app takes it from the stack).';
  // As in check 2: a Deny that no known condition rules out may apply, so the check cannot pass.
  const denies = undecidedDenies(trust);
  const findings: Finding[] = [
    ...passing.unknown.map(test => ({
      cause: `${passing.name} admits ${service} only if ${conditionText(test)}.`,
      fix: needsRegion(test) ? regionFix : `Make sure the service's call meets ${test.key}.`,
    })),
    ...denies.flatMap(undecided => undecided.unknown.map(test => ({
      cause: `${undecided.name} denies ${service} if ${conditionText(test)}.`,
      fix: needsRegion(test) ? regionFix : `Make sure the service's call does not meet ${test.key}`
        + `${undecided.principal === 'everyone' ? '; a Deny of every principal applies to AWS services too, unless it leaves them out '
          + '(BoolIfExists aws:PrincipalIsAWSService false)' : ''}.`,
    }))),
  ];
  if (findings.length > 0) {
    const unknownKeys = [...new Set([...passing.unknown, ...denies.flatMap(undecided => undecided.unknown)].map(t => t.key))];
    return outcome('unverified', `could not verify: ${service} only if ${unknownKeys.join(', ')} allow${unknownKeys.length === 1 ? 's' : ''} it`, findings);
  }
  if (!keys.includes('aws:sourceaccount') && !keys.includes('aws:sourcearn')) {
    return outcome('warning', `${service}, without confused-deputy conditions`, [{
      cause: `${passing.name} admits ${service} without aws:SourceAccount or aws:SourceArn.`,
      fix: 'Keep the confused-deputy guard of CrossAccountTaskRole on (the default) and redeploy the source stack.',
    }]);
  }
  const regions = passing.conditions.filter(t => t.key.toLowerCase() === 'aws:sourcearn').flatMap(t => t.values.map(v => v.split(':')[3]));
  return outcome('ok', `${service}, for account ${account}${regions.length ? ` in ${[...new Set(regions)].join(', ')}` : ''}`);
}
