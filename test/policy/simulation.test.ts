import { Fn, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { DESTINATION_ACCOUNT, REGION, SOURCE_ACCOUNT, type SeedWalkthroughOptions, createSeedWalkthrough } from '../../examples/seed-walkthrough';
import { TrustMode, TrustedDestinationRole } from '../../src';
import {
  type RoleIndex,
  allowAssumeAnyRole,
  canAssume,
  ecsCanAssume,
  formatVerdictTable,
  rolesOf,
  stackTemplate,
  trustOnly,
  walkthroughVerdicts,
} from '../../tools/iam-offline/simulate';
import { OTHER_ACCOUNT, newApp } from '../support/app';
import { walkthrough } from '../support/walkthrough';

const TASK_ROLE = `arn:aws:iam::${SOURCE_ACCOUNT}:role/my-ECS-task-role`;
const DESTINATION = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/destination-account-role`;
const OTHER_SOURCE_ROLE = `arn:aws:iam::${SOURCE_ACCOUNT}:role/other-role`;
const SAME_NAME_OTHER_ACCOUNT = `arn:aws:iam::${OTHER_ACCOUNT}:role/my-ECS-task-role`;
const ANOTHER_DESTINATION = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/another-destination-role`;
const EXTERNAL_ID = 'walkthrough-external-id';

/** The roles of a freshly synthesized seed walkthrough. */
function walkthroughRoles(options: SeedWalkthroughOptions = {}): RoleIndex {
  const { source, destination } = createSeedWalkthrough(newApp(), options);
  return rolesOf([stackTemplate(source), stackTemplate(destination)]);
}

describe.each([TrustMode.ROLE_ARN, TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN])('seed walkthrough, trust mode %s', (trustMode) => {
  test('allows the task role to assume destination-account-role', async () => {
    // GIVEN
    const roles = walkthroughRoles({ trustMode });
    // WHEN
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION });
    // THEN
    expect(verdict).toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
  });

  test('protects against another role of the source account assuming the destination', async () => {
    // GIVEN: the other role may assume any role, as its account could grant it
    const roles = walkthroughRoles({ trustMode });
    // WHEN
    const verdict = await canAssume(roles, { callerArn: OTHER_SOURCE_ROLE, targetArn: DESTINATION, callerPolicies: [allowAssumeAnyRole()] });
    // THEN
    expect(verdict).toEqual({ identity: 'allowed', trust: 'denied', result: 'denied' });
  });

  test('protects against a role of the same name in another account', async () => {
    // GIVEN
    const roles = walkthroughRoles({ trustMode });
    // WHEN
    const verdict = await canAssume(roles, { callerArn: SAME_NAME_OTHER_ACCOUNT, targetArn: DESTINATION, callerPolicies: [allowAssumeAnyRole()] });
    // THEN
    expect(verdict).toEqual({ identity: 'allowed', trust: 'denied', result: 'denied' });
  });

  test('protects against the task role assuming a destination it does not list', async () => {
    // GIVEN: a destination that trusts the task role, so that only the task role's own policy can stop it
    const roles = walkthroughRoles({ trustMode });
    // WHEN
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: ANOTHER_DESTINATION, targetTrust: trustOnly(TASK_ROLE) });
    // THEN
    expect(verdict).toEqual({ identity: 'denied', trust: 'allowed', result: 'denied' });
  });

  test('allows ECS to give the task role to a task of the source account', async () => {
    // GIVEN
    const roles = walkthroughRoles({ trustMode });
    // WHEN
    const verdict = await ecsCanAssume(roles, { taskRoleArn: TASK_ROLE, sourceAccount: SOURCE_ACCOUNT });
    // THEN
    expect(verdict.result).toBe('allowed');
  });

  test('protects against ECS giving the task role to a task of another account (confused deputy)', async () => {
    // GIVEN
    const roles = walkthroughRoles({ trustMode });
    // WHEN
    const verdict = await ecsCanAssume(roles, {
      taskRoleArn: TASK_ROLE,
      sourceAccount: OTHER_ACCOUNT,
      sourceArn: `arn:aws:ecs:${REGION}:${OTHER_ACCOUNT}:task/cluster/abc`,
    });
    // THEN
    expect(verdict.result).toBe('denied');
  });

  test('every row of the walkthrough table has its expected result', async () => {
    // GIVEN
    const { source, destination } = createSeedWalkthrough(newApp(), { trustMode });
    // WHEN
    const rows = await walkthroughVerdicts([stackTemplate(source), stackTemplate(destination)]);
    // THEN
    expect(rows.filter(r => r.result !== r.expected)).toEqual([]);
  });
});

describe('seed walkthrough with an external ID', () => {
  test('allows the task role that passes the external ID', async () => {
    // GIVEN
    const roles = walkthroughRoles({ externalId: EXTERNAL_ID });
    // WHEN
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION, externalId: EXTERNAL_ID });
    // THEN
    expect(verdict.result).toBe('allowed');
  });

  test('protects against a request without the external ID', async () => {
    // GIVEN
    const roles = walkthroughRoles({ externalId: EXTERNAL_ID });
    // WHEN
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION });
    // THEN
    expect(verdict).toEqual({ identity: 'allowed', trust: 'denied', result: 'denied' });
  });

  test('protects against a request with the wrong external ID', async () => {
    // GIVEN
    const roles = walkthroughRoles({ externalId: EXTERNAL_ID });
    // WHEN
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION, externalId: 'guessed-external-id' });
    // THEN
    expect(verdict).toEqual({ identity: 'allowed', trust: 'denied', result: 'denied' });
  });

  test('every row of the walkthrough table has its expected result', async () => {
    // GIVEN
    const { source, destination } = createSeedWalkthrough(newApp(), { externalId: EXTERNAL_ID });
    // WHEN
    const rows = await walkthroughVerdicts([stackTemplate(source), stackTemplate(destination)], { externalId: EXTERNAL_ID });
    // THEN
    expect(rows.filter(r => r.result !== r.expected)).toEqual([]);
  });
});

describe('the harness fails closed', () => {
  test('a destination that trusts the whole source account lets another role of it in', async () => {
    // GIVEN: the loosening the library must never do, written by hand
    const app = newApp();
    const destination = new Stack(app, 'LooseDestination', { env: { account: DESTINATION_ACCOUNT, region: REGION } });
    new iam.Role(destination, 'Loose', { roleName: 'destination-account-role', assumedBy: new iam.AccountPrincipal(SOURCE_ACCOUNT) });
    const roles = rolesOf([stackTemplate(destination)]);
    // WHEN
    const verdict = await canAssume(roles, { callerArn: OTHER_SOURCE_ROLE, targetArn: DESTINATION, callerPolicies: [allowAssumeAnyRole()] });
    // THEN
    expect(verdict.result).toBe('allowed');
  });

  test('a task role allowed sts:AssumeRole on * can assume a destination it does not list', async () => {
    // GIVEN
    const { source, destination } = createSeedWalkthrough(newApp());
    source.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: ['*'] }));
    const roles = rolesOf([stackTemplate(source), stackTemplate(destination)]);
    // WHEN
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: ANOTHER_DESTINATION, targetTrust: trustOnly(TASK_ROLE) });
    // THEN
    expect(verdict.result).toBe('allowed');
  });

  test('a managed policy attached to the task role counts among its identity policies', async () => {
    // GIVEN
    const { source, destination } = createSeedWalkthrough(newApp());
    source.taskRole.addManagedPolicy(new iam.ManagedPolicy(source, 'AssumeAny', {
      managedPolicyName: 'assume-any-role',
      statements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: ['*'] })],
    }));
    const roles = rolesOf([stackTemplate(source), stackTemplate(destination)]);
    // WHEN
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: ANOTHER_DESTINATION, targetTrust: trustOnly(TASK_ROLE) });
    // THEN
    expect(verdict.identity).toBe('allowed');
  });

  test('a task role whose trust drops the source conditions lets ECS serve another account', async () => {
    // GIVEN
    const app = newApp();
    const source = new Stack(app, 'LooseSource', { env: { account: SOURCE_ACCOUNT, region: REGION } });
    new iam.Role(source, 'Loose', { roleName: 'my-ECS-task-role', assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const roles = rolesOf([stackTemplate(source)]);
    // WHEN
    const verdict = await ecsCanAssume(roles, { taskRoleArn: TASK_ROLE, sourceAccount: OTHER_ACCOUNT });
    // THEN
    expect(verdict.result).toBe('allowed');
  });

  test('an intrinsic it cannot resolve throws instead of being guessed', () => {
    // GIVEN: a trust whose principal is only known once another stack is deployed
    const stack = new Stack(newApp(), 'Imports', { env: { account: DESTINATION_ACCOUNT, region: REGION } });
    new iam.Role(stack, 'Role', { roleName: 'imported-trust', assumedBy: new iam.ArnPrincipal(Fn.importValue('SourceTaskRoleArn')) });
    // WHEN / THEN
    expect(() => rolesOf([stackTemplate(stack)])).toThrow(/cannot resolve Fn::ImportValue/);
  });

  test('a target role outside the templates cannot be judged without its trust', async () => {
    // GIVEN
    const roles = walkthroughRoles();
    // WHEN / THEN
    await expect(canAssume(roles, { callerArn: TASK_ROLE, targetArn: ANOTHER_DESTINATION })).rejects.toThrow(/trust is unknown/);
  });
});

describe('grantAssumeRole of a plain iam.Role, simulated', () => {
  test('the chain is allowed: the grant gives both the trust and the identity statement', async () => {
    // GIVEN a role of the source account that is not a source of this library
    const app = newApp();
    const source = new Stack(app, 'Source', { env: { account: SOURCE_ACCOUNT, region: REGION } });
    const reporter = new iam.Role(source, 'Reporter', { roleName: 'reporter', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const destination = new Stack(app, 'Destination', { env: { account: DESTINATION_ACCOUNT, region: REGION } });
    const role = new TrustedDestinationRole(destination, 'DestinationRole', { roleName: 'destination-account-role' });
    // WHEN
    role.grantAssumeRole(reporter);
    // THEN
    const roles = rolesOf([stackTemplate(source), stackTemplate(destination)]);
    const verdict = await canAssume(roles, { callerArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/reporter`, targetArn: DESTINATION });
    expect(verdict).toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
  });
});

describe('formatVerdictTable', () => {
  /** Where each cell starts, searching left to right so that equal cells are told apart. */
  function cellStarts(line: string, cells: readonly string[]): number[] {
    let from = 0;
    return cells.map(cell => {
      const start = line.indexOf(cell, from);
      from = start + cell.length;
      return start;
    });
  }

  test('starts every cell of every row under its column header', () => {
    // GIVEN: rows of different widths
    const row = { action: 'sts:AssumeRole', identity: 'allowed', trust: 'denied', result: 'denied', expected: 'denied', why: '' } as const;
    const rows = [
      { ...row, case: 'short', principal: OTHER_SOURCE_ROLE, target: DESTINATION },
      { ...row, case: 'long', principal: SAME_NAME_OTHER_ACCOUNT, target: ANOTHER_DESTINATION },
    ];
    const columns = ['principal', 'action', 'target', 'identity', 'trust', 'result'] as const;
    // WHEN
    const [header, , ...lines] = formatVerdictTable(rows).split('\n');
    // THEN
    const headerStarts = cellStarts(header, columns);
    expect(lines.map((line, i) => cellStarts(line, columns.map(c => rows[i][c])))).toEqual([headerStarts, headerStarts]);
  });
});

describe('exact ARN conditions', () => {
  /** A trust of the source account limited to one principal ARN, as a policy outside the templates. */
  function trustLimitedBy(operator: string, principalArn: string) {
    return {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` },
        Condition: { [operator]: { 'aws:PrincipalArn': principalArn } },
      }],
    };
  }

  test.each([
    ['ArnEquals', 'allowed'],
    ['StringEquals', 'denied'],
  ])('%s aws:PrincipalArn = role/team-* lets role/team-intruder in: %s', async (operator, expected) => {
    // GIVEN: a value that was meant as text, such as a token that resolved to team-*
    const targetTrust = trustLimitedBy(operator, `arn:aws:iam::${SOURCE_ACCOUNT}:role/team-*`);
    // WHEN
    const verdict = await canAssume(new Map(), {
      callerArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/team-intruder`,
      targetArn: DESTINATION,
      callerPolicies: [allowAssumeAnyRole()],
      targetTrust,
    });
    // THEN
    expect(verdict.trust).toBe(expected);
  });
});

describe('session tags, source identity and session names, simulated', () => {
  /** The walkthrough's two roles, built with the given options on both sides. */
  function chainRoles(options: { allowSessionTags?: boolean; allowSourceIdentity?: boolean; roleSessionNamePattern?: string }): RoleIndex {
    const { source, destination } = walkthrough({
      taskRole: { allowSessionTags: options.allowSessionTags, allowSourceIdentity: options.allowSourceIdentity },
      destinationRole: options,
    });
    return rolesOf([stackTemplate(source), stackTemplate(destination)]);
  }

  test.each(['sts:TagSession', 'sts:SetSourceIdentity'])('%s is denied on both sides by default', async action => {
    const verdict = await canAssume(chainRoles({}), { callerArn: TASK_ROLE, targetArn: DESTINATION, action });
    expect(verdict).toEqual({ identity: 'denied', trust: 'denied', result: 'denied' });
  });

  test.each(['sts:TagSession', 'sts:SetSourceIdentity'])('%s is allowed when both sides allow it', async action => {
    const roles = chainRoles({ allowSessionTags: true, allowSourceIdentity: true });
    const verdict = await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION, action });
    expect(verdict).toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
  });

  test('roleSessionNamePattern admits a matching session name and denies another one', async () => {
    const roles = chainRoles({ roleSessionNamePattern: 'reports-*' });
    expect(await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION, roleSessionName: 'reports-nightly' }))
      .toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
    expect(await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION, roleSessionName: 'botocore-session-1' }))
      .toEqual({ identity: 'allowed', trust: 'denied', result: 'denied' });
  });
});
