/**
 * Check 5: an AWS service may give the source role to its tasks (the trust of the source role
 * names the service), with the confused-deputy conditions for the account and Region of the tasks.
 */
import type { DeployedRole } from './aws-account';
import { type CheckOutcome, type Side, conditionText, outcome } from './check-result';
import { applyingDeny } from './trust-checks';
import { contextOf, evaluateTrust, statementsOf } from './trust-policy';

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
  if (passing.unknown.length > 0) {
    const regionUnknown = passing.unknown.some(t => t.key.toLowerCase() === 'aws:sourcearn') && !region;
    return outcome('unverified', `could not verify: ${service} only if ${passing.unknown.map(t => t.key).join(', ')} allow${passing.unknown.length === 1 ? 's' : ''} it`,
      passing.unknown.map(test => ({
        cause: `${passing.name} admits ${service} only if ${conditionText(test)}.`,
        fix: regionUnknown && test.key.toLowerCase() === 'aws:sourcearn'
          ? 'Run again with --region <the Region of the tasks> (--app takes it from the stack).'
          : `Make sure the service's call meets ${test.key}.`,
      })));
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
