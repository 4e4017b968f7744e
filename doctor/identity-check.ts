/**
 * Check 4: the source role's own policies allow sts:AssumeRole on the destination.
 * IAM's policy simulator decides when the credentials may call it; when they may not (or the
 * endpoint has no simulator), the doctor reads the role's policies and its permissions boundary
 * and evaluates them itself. What it cannot read or evaluate makes the check `unverified`,
 * never a pass.
 */
import { type AssumeRoleSimulation, AwsCallError, type DeployedRole } from './aws-account';
import { fixFor, refineFailure } from './aws-failures';
import { type CheckOutcome, type Finding, type Side, deployCommand, message, outcome } from './check-result';
import { type IdentityEvaluation, type NamedDocument, evaluateIdentityPolicies, undecidedKeys } from './identity-policy';
import type { RequestContext } from './trust-policy';

const SIMULATOR = 'IAM policy simulator';
const OWN = 'evaluated by the doctor from the role\'s policies';

/** The permissions that let the doctor evaluate the role's policies itself. */
const READ_POLICIES = 'iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, iam:GetPolicy and iam:GetPolicyVersion';

export async function identityCheck(source: Side, destination: Side, role: DeployedRole, context: RequestContext): Promise<CheckOutcome> {
  let simulation: AssumeRoleSimulation | undefined;
  let simulatorError: unknown;
  try {
    simulation = await source.account.simulateAssumeRole(source.arn, destination.arn);
  } catch (error) {
    simulatorError = error;
  }
  if (simulation) {
    return fromSimulation(simulation, source, destination);
  }
  const why = simulatorError instanceof AwsCallError ? simulatorError.failure.summary : message(simulatorError);
  const policies = await readPolicies(source, role.permissionsBoundaryArn);
  if ('failure' in policies) {
    return outcome('unverified', 'could not verify: neither IAM\'s policy simulator nor the role\'s policies could be read', [{
      cause: `iam:SimulatePrincipalPolicy failed (${why}), and ${policies.failure}`,
      fix: `${policies.fix} Or allow iam:SimulatePrincipalPolicy on ${source.arn}; either lets the doctor verify this check.`,
    }]);
  }
  const identity = evaluateIdentityPolicies(policies.identity, 'sts:AssumeRole', destination.arn, context);
  const boundary = policies.boundary && evaluateIdentityPolicies([policies.boundary], 'sts:AssumeRole', destination.arn, context);
  const note = `iam:SimulatePrincipalPolicy failed: ${why}`;
  return fromOwnEvaluation(identity, boundary, policies.identity.map(p => p.name), source, destination, note);
}

function fromSimulation(simulation: AssumeRoleSimulation, source: Side, destination: Side): CheckOutcome | Promise<CheckOutcome> {
  if (simulation.decision === 'allowed') {
    return outcome('ok', `allowed by ${simulation.matchedPolicies.join(', ') || 'its policies'} (${SIMULATOR})`);
  }
  if (simulation.decision === 'explicitDeny') {
    return outcome('error', `explicitly denied (${SIMULATOR})`, [denyFinding(simulation.matchedPolicies, destination)]);
  }
  if (simulation.allowedByPermissionsBoundary === false) {
    return outcome('error', `denied by the permissions boundary (${SIMULATOR})`, [boundaryFinding(source, destination)]);
  }
  if (simulation.allowedByOrganizations === false) {
    return outcome('error', `denied by a service control policy (${SIMULATOR})`, [{
      cause: `A service control policy of the source account does not allow sts:AssumeRole on ${destination.arn}.`,
      fix: 'Ask the organization\'s administrators to allow it in the SCPs that apply to the source account.',
    }]);
  }
  if (simulation.missingContextValues?.length) {
    const keys = simulation.missingContextValues;
    return outcome('unverified', `could not verify: depends on ${keys.join(', ')} (${SIMULATOR})`, [{
      cause: `IAM's policy simulator denied sts:AssumeRole on ${destination.arn} for want of ${keys.join(', ')}: a statement of the `
        + 'source role\'s policies allows it only under conditions on these keys, whose values only the task\'s calls carry.',
      fix: `Make sure the task's calls carry ${keys.join(', ')} with values the conditions allow.`,
    }]);
  }
  return notAllowed(source, destination, `(${SIMULATOR})`);
}

function fromOwnEvaluation(identity: IdentityEvaluation, boundary: IdentityEvaluation | undefined, names: string[],
  source: Side, destination: Side, note: string): CheckOutcome | Promise<CheckOutcome> {
  if (identity.decision === 'explicitDeny' || boundary?.decision === 'explicitDeny') {
    const policies = identity.decision === 'explicitDeny' ? identity.matchedPolicies : boundary!.matchedPolicies;
    return outcome('error', `explicitly denied (${OWN})`, [denyFinding(policies, destination)]);
  }
  if (identity.decision === 'implicitDeny') {
    return notAllowed(source, destination, `(${OWN})`, names);
  }
  if (boundary?.decision === 'implicitDeny') {
    return outcome('error', `denied by the permissions boundary (${OWN})`, [boundaryFinding(source, destination)]);
  }
  const undecided = [...identity.undecided, ...boundary?.undecided ?? []];
  if (identity.decision === 'unknown' || boundary?.decision === 'unknown') {
    const keys = undecidedKeys(undecided);
    return outcome('unverified', `could not verify: depends on ${keys.join(', ')} (${OWN})`, undecided.map(u => ({
      cause: `${u.effect === 'Allow' ? 'Allowed' : 'Denied'} by ${u.statement} of ${u.policy} only if ${u.unknown.join(', ')} `
        + `allow${u.unknown.length === 1 ? 's' : ''} it: the doctor cannot know ${u.unknown.length === 1 ? 'this value' : 'these values'} of the task's calls.`,
      fix: `Allow iam:SimulatePrincipalPolicy on ${source.arn} to the source credentials (${source.account.credentialsName}), `
        + `and make sure the task's calls meet ${u.unknown.join(', ')}.`,
    })));
  }
  return outcome('ok', `allowed by ${identity.matchedPolicies.join(', ')} (${OWN}${boundary ? ' and its permissions boundary' : ''}; `
    + `${note}; service control policies not read)`);
}

function denyFinding(policies: string[], destination: Side): Finding {
  return {
    cause: `A Deny in ${policies.join(', ') || 'a policy of the source role'} applies to sts:AssumeRole on ${destination.arn}.`,
    fix: 'Remove the Deny, or exclude the destination role from it.',
  };
}

function boundaryFinding(source: Side, destination: Side): Finding {
  return {
    cause: `The permissions boundary of ${source.parts.roleName} does not allow sts:AssumeRole on ${destination.arn}; `
      + 'a boundary caps what the role\'s own policies allow.',
    fix: `Add to the boundary policy a statement that allows sts:AssumeRole on ${destination.arn}, or remove the boundary.`,
  };
}

async function notAllowed(source: Side, destination: Side, how: string, policyNames?: string[]): Promise<CheckOutcome> {
  let names = policyNames ?? [];
  if (!policyNames) {
    try {
      names = [...await source.account.inlinePolicyNames(source.parts.roleName), ...await source.account.attachedPolicyArns(source.parts.roleName)];
    } catch {
      // The names only enrich the message.
    }
  }
  return outcome('error', `no policy allows it ${how}`, [{
    cause: `None of the policies of ${source.parts.roleName} (${names.join(', ') || 'it has none'}) allows sts:AssumeRole on ${destination.arn}.`,
    fix: `Name the destination in the CrossAccountTaskRole (destinationRoles: [RoleReference.fromArn('${destination.arn}')], `
      + `or addDestination) and run ${deployCommand(source)}.`,
  }]);
}

type ReadPolicies = { identity: NamedDocument[]; boundary?: NamedDocument } | { failure: string; fix: string };

/** The role's inline and attached policies and its boundary, each read once per account (see cachedAccount). */
async function readPolicies(source: Side, boundaryArn: string | undefined): Promise<ReadPolicies> {
  const { account, parts: { roleName } } = source;
  let action = 'iam:ListRolePolicies';
  try {
    const inlineNames = await account.inlinePolicyNames(roleName);
    action = 'iam:GetRolePolicy';
    const inline = await Promise.all(inlineNames.map(async name => ({ name, document: await account.inlinePolicy(roleName, name) })));
    action = 'iam:ListAttachedRolePolicies';
    const arns = await account.attachedPolicyArns(roleName);
    action = 'iam:GetPolicyVersion';
    const attached = await Promise.all(arns.map(async arn => ({ name: arn, document: await account.managedPolicy(arn) })));
    let boundary: NamedDocument | undefined;
    if (boundaryArn) {
      action = 'the permissions boundary';
      boundary = { name: boundaryArn, document: await account.managedPolicy(boundaryArn) };
    }
    return { identity: [...inline, ...attached], boundary };
  } catch (error) {
    const failed = error instanceof AwsCallError ? error.action : action;
    const failure = error instanceof AwsCallError ? await refineFailure(error.failure, account.profile) : undefined;
    const what = action === 'the permissions boundary' ? `the permissions boundary ${boundaryArn}` : `the policies of ${roleName}`;
    return {
      failure: `${what} could not be read: ${failed} failed (${failure?.summary ?? message(error)}).`,
      fix: failure && failure.kind !== 'denied' && failure.kind !== 'unsupported' && failure.kind !== 'other'
        ? fixFor(failure, { label: 'source', account: source.parts.account, profile: account.profile, credentialsName: account.credentialsName }, failed)
        : `Allow ${READ_POLICIES} on the role${boundaryArn ? ' and its boundary' : ''} to the source credentials (${account.credentialsName}).`,
    };
  }
}
