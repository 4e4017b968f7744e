import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CfnResource, Lazy, Stack, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CrossAccountAccess, CrossAccountTaskRole, RoleReference, TaskExecutionRole, TrustMode, TrustedDestinationRole } from '../../src';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT } from '../support/app';

/**
 * `iam.Role.customizeRoles()`: roles are created outside the app, and the app lists
 * what each needs in iam-policy-report.json instead of creating it.
 */
interface ReportedRole {
  readonly roleConstructPath: string;
  readonly roleName: string;
  readonly assumeRolePolicy: any[];
  readonly identityPolicyStatements: any[];
}

/** Runs `use` with a directory of its own for the cloud assembly, and removes the directory after. */
function inTemporaryDirectory<T>(use: (outdir: string) => T): T {
  const outdir = mkdtempSync(join(tmpdir(), 'customize-roles-'));
  try {
    return use(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Builds the app in a directory of its own, synthesizes it and reads the report. */
function withCustomizedRoles(build: (app: App, source: Stack, destination: Stack) => void): { reported: ReportedRole[]; templates: Template[] } {
  return inTemporaryDirectory(outdir => {
    const app = new App({ outdir, analyticsReporting: false });
    iam.Role.customizeRoles(app, {
      usePrecreatedRoles: {
        'SourceStack/TaskRole': 'my-ECS-task-role',
        'SourceStack/ExecutionRole': 'ecsTaskExecutionRole',
        'DestinationStack/DestinationRole': 'destination-account-role',
      },
    });
    const source = new Stack(app, 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
    const destination = new Stack(app, 'DestinationStack', { env: { account: DESTINATION_ACCOUNT, region: 'us-east-1' } });
    build(app, source, destination);
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'iam-policy-report.json'), 'utf8'));
    return { reported: report.roles, templates: [Template.fromStack(source), Template.fromStack(destination)] };
  });
}

function reportedRole(reported: ReportedRole[], path: string): ReportedRole {
  const role = reported.find(r => r.roleConstructPath === path);
  expect(role).toBeDefined();
  return role!;
}

function theChain(trustMode?: TrustMode) {
  return (_app: App, source: Stack, destination: Stack) => {
    const taskRole = new CrossAccountTaskRole(source, 'TaskRole', {
      roleName: 'my-ECS-task-role',
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
    });
    new TaskExecutionRole(source, 'ExecutionRole', { logGroups: [new logs.LogGroup(source, 'Logs')] });
    new TrustedDestinationRole(destination, 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [taskRole.reference],
      trustMode,
    });
  };
}

describe('iam.Role.customizeRoles()', () => {
  test('the three roles synthesize without creating a role or a policy', () => {
    // WHEN
    const { templates } = withCustomizedRoles(theChain());
    // THEN
    for (const template of templates) {
      template.resourceCountIs('AWS::IAM::Role', 0);
      template.resourceCountIs('AWS::IAM::Policy', 0);
    }
  });

  test('the report lists the task role with its ECS trust and its identity statement', () => {
    const { reported } = withCustomizedRoles(theChain());
    const taskRole = reportedRole(reported, 'SourceStack/TaskRole');
    expect(taskRole.roleName).toBe('my-ECS-task-role');
    expect(taskRole.assumeRolePolicy).toEqual([expect.objectContaining({
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT } }),
    })]);
    expect(taskRole.identityPolicyStatements).toEqual([expect.objectContaining({
      Action: 'sts:AssumeRole',
      Resource: expect.stringMatching(/:iam::555566667777:role\/destination-account-role$/),
    })]);
  });

  test('the report lists the destination role with the trusted role in its trust', () => {
    const { reported } = withCustomizedRoles(theChain());
    const destination = reportedRole(reported, 'DestinationStack/DestinationRole');
    expect(destination.assumeRolePolicy).toEqual([expect.objectContaining({
      Action: 'sts:AssumeRole',
      Principal: { AWS: expect.stringMatching(/:iam::111122223333:role\/my-ECS-task-role$/) },
    })]);
  });

  test('the report lists the aws:PrincipalArn condition of ACCOUNT_WITH_PRINCIPAL_ARN', () => {
    const { reported } = withCustomizedRoles(theChain(TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN));
    const destination = reportedRole(reported, 'DestinationStack/DestinationRole');
    expect(JSON.stringify(destination.assumeRolePolicy)).toMatch(/"aws:PrincipalArn":".*:iam::111122223333:role\/my-ECS-task-role"/);
  });

  test('the report lists a trust condition on an attribute of a resource of the stack', () => {
    const { reported } = withCustomizedRoles((_app, source, destination) => {
      theChain()(_app, source, destination);
      const queue = new CfnResource(destination, 'Queue', { type: 'AWS::SQS::Queue' });
      (destination.node.findChild('DestinationRole') as TrustedDestinationRole).addTrustConditions({ ArnEquals: { 'aws:SourceArn': queue.getAtt('Arn') } });
    });
    const trust = JSON.stringify(reportedRole(reported, 'DestinationStack/DestinationRole').assumeRolePolicy);
    expect(trust).toMatch(/"ArnEquals":\{"aws:SourceArn":\{"Fn::GetAtt":\["Queue","Arn"\]\}\}/);
  });

  test('the report lists the statements of the task execution role', () => {
    const { reported } = withCustomizedRoles(theChain());
    const execution = reportedRole(reported, 'SourceStack/ExecutionRole');
    expect(JSON.stringify(execution.identityPolicyStatements)).toMatch(/logs:CreateLogStream/);
  });

  test('grantAssumeRole to a task role trusts the precreated role, which is the one that exists', () => {
    const { reported } = withCustomizedRoles((_app, source, destination) => {
      const taskRole = new CrossAccountTaskRole(source, 'TaskRole', {
        roleName: 'name-in-code',
        destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
      });
      new TrustedDestinationRole(destination, 'DestinationRole', { roleName: 'destination-account-role' }).grantAssumeRole(taskRole);
    });
    expect(reportedRole(reported, 'DestinationStack/DestinationRole').assumeRolePolicy).toEqual([expect.objectContaining({
      Principal: { AWS: expect.stringMatching(/:iam::111122223333:role\/my-ECS-task-role$/) },
    })]);
  });

  test('a second synthesis lists each identity statement once', () => {
    inTemporaryDirectory(outdir => {
      // GIVEN a task role that stands for a precreated role
      const app = new App({ outdir, analyticsReporting: false });
      iam.Role.customizeRoles(app, { usePrecreatedRoles: { 'SourceStack/TaskRole': 'my-ECS-task-role' } });
      const source = new Stack(app, 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
      new CrossAccountTaskRole(source, 'TaskRole', {
        destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
      });
      // WHEN the app is synthesized twice
      app.synth();
      const assembly = app.synth({ force: true });
      // THEN
      const report = JSON.parse(readFileSync(join(assembly.directory, 'iam-policy-report.json'), 'utf8'));
      expect(reportedRole(report.roles, 'SourceStack/TaskRole').identityPolicyStatements).toEqual([expect.objectContaining({ Action: 'sts:AssumeRole' })]);
    });
  });

  test('the same-app checks still run', () => {
    expect(() => withCustomizedRoles((_app, source, destination) => {
      new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role' });
      new TrustedDestinationRole(destination, 'DestinationRole', {
        roleName: 'destination-account-role',
        trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' })],
      });
    })).toThrow(/DestinationStack\/DestinationRole\] names .*my-ECS-task-role \(SourceStack\/TaskRole\), but SourceStack\/TaskRole does not name .* back/);
  });

  test('a destination role that trusts no role still gets its own error', () => {
    expect(() => withCustomizedRoles((_app, _source, destination) => {
      new TrustedDestinationRole(destination, 'DestinationRole', { roleName: 'destination-account-role' });
    })).toThrow(/\[DestinationStack\/DestinationRole\] trusts no role: pass trustedRoles or call addTrustedRole\(\)/);
  });

  test('the trust policy size is still checked', () => {
    expect(() => withCustomizedRoles((_app, _source, destination) => {
      new TrustedDestinationRole(destination, 'DestinationRole', {
        trustedRoles: Array.from({ length: 40 }, (_, i) => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: `source-role-with-a-long-name-${i}` })),
      });
    })).toThrow(/the trust policy is [\d,]+ characters .* the IAM quota is 2,048: deploying would fail/);
  });

  test('a reference names the precreated role, which is the one that exists', () => {
    withCustomizedRoles((_app, source) => {
      const taskRole = new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'name-in-code' });
      expect(taskRole.reference.roleName).toBe('my-ECS-task-role');
      taskRole.addDestination(RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' }));
    });
  });
});

describe('iam.Role.customizeRoles() with precreated names that have a path', () => {
  /** The reference of a task role built under customizeRoles with the given precreated name, without synthesizing. */
  function referenceUnder(settings: iam.CustomizeRolesOptions): RoleReference {
    return inTemporaryDirectory(outdir => {
      const app = new App({ outdir, analyticsReporting: false });
      iam.Role.customizeRoles(app, settings);
      const source = new Stack(app, 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
      return new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'name-in-code' }).reference;
    });
  }

  test.each([
    ['team/sub/my-ECS-task-role', 'arn:${AWS::Partition}:iam::111122223333:role/team/sub/my-ECS-task-role'],
    ['/team/my-ECS-task-role', 'arn:${AWS::Partition}:iam::111122223333:role/team/my-ECS-task-role'],
    ['/my-ECS-task-role', 'arn:${AWS::Partition}:iam::111122223333:role/my-ECS-task-role'],
  ])('a reference names the precreated role %s with its path', (precreated, arn) => {
    const reference = referenceUnder({ usePrecreatedRoles: { 'SourceStack/TaskRole': precreated } });
    expect(reference.roleName).toBe('my-ECS-task-role');
    expect(reference.toString()).toBe(arn);
  });

  test('without precreated roles, a reference names the role as written in code', () => {
    expect(referenceUnder({ preventSynthesis: false }).roleName).toBe('name-in-code');
  });

  test('with the customizeRoles context set without precreated roles (as in cdk.json), a reference names the role as written in code', () => {
    inTemporaryDirectory(outdir => {
      const app = new App({ outdir, analyticsReporting: false, context: { '@aws-cdk/iam:customizeRoles': { preventSynthesis: false } } });
      const source = new Stack(app, 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
      expect(new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'name-in-code' }).reference.roleName).toBe('name-in-code');
    });
  });

  test('a precreated name that is not a string (as cdk.json can hold) is not taken for the role\'s name', () => {
    inTemporaryDirectory(outdir => {
      const context = { '@aws-cdk/iam:customizeRoles': { usePrecreatedRoles: { 'SourceStack/TaskRole': { name: 'my-ECS-task-role' } } } };
      const app = new App({ outdir, analyticsReporting: false, context });
      const source = new Stack(app, 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
      expect(new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'name-in-code' }).reference.roleName).toBe('name-in-code');
    });
  });

  test('a precreated name that is a token is not taken for the role\'s name', () => {
    const reference = referenceUnder({ usePrecreatedRoles: { 'SourceStack/TaskRole': Lazy.string({ produce: () => 'late' }) } });
    expect(reference.roleName).toBe('name-in-code');
  });
});

describe('iam.Role.customizeRoles() with roles given to CrossAccountAccess and grantAssumeRole()', () => {
  /** An app whose roles SourceStack/Reporter and SourceStack/Middle stand for precreated roles. */
  function precreatedApp(outdir: string) {
    const app = new App({ outdir, analyticsReporting: false });
    iam.Role.customizeRoles(app, {
      usePrecreatedRoles: { 'SourceStack/Reporter': 'teams/precreated-reporter', 'SourceStack/Middle': 'precreated-middle' },
    });
    const source = new Stack(app, 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
    const destination = new Stack(app, 'DestinationStack', { env: { account: DESTINATION_ACCOUNT, region: 'us-east-1' } });
    return { app, source, destination };
  }

  test('the reference of a CrossAccountAccess names the precreated role of an iam.Role, and the chain synthesizes', () => {
    inTemporaryDirectory(outdir => {
      // GIVEN
      const { app, source, destination } = precreatedApp(outdir);
      const reporter = new iam.Role(source, 'Reporter', { roleName: 'reporter', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      const access = new CrossAccountAccess(source, 'Access', { role: reporter });
      // WHEN
      const role = new TrustedDestinationRole(destination, 'DestinationRole', { roleName: 'destination-account-role', trustedRoles: [access.reference] });
      access.addDestination(role.reference);
      // THEN
      expect(access.reference.toString()).toBe('arn:${AWS::Partition}:iam::111122223333:role/teams/precreated-reporter');
      expect(() => app.synth()).not.toThrow();
      Template.fromStack(destination).resourceCountIs('AWS::IAM::Role', 0);
    });
  });

  test('the reference of a CrossAccountAccess of a role of this library names its precreated role, which the same-app checks hold the access to', () => {
    inTemporaryDirectory(outdir => {
      // GIVEN a destination role in the middle of a chain, which assumes another one
      const { app, source, destination } = precreatedApp(outdir);
      const middle = new TrustedDestinationRole(source, 'Middle', {
        roleName: 'middle', trustedRoles: [RoleReference.of({ account: '444455556666', roleName: 'first' })],
      });
      const access = new CrossAccountAccess(source, 'Access', { role: middle });
      // WHEN the last role trusts it, and the access does not name it back
      new TrustedDestinationRole(destination, 'DestinationRole', { roleName: 'destination-account-role', trustedRoles: [access.reference] });
      access.addDestination(RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'another-role' }));
      // THEN
      expect(access.reference.toString()).toBe('arn:${AWS::Partition}:iam::111122223333:role/precreated-middle');
      expect(() => app.synth()).toThrow(/names arn:\$\{AWS::Partition\}:iam::111122223333:role\/precreated-middle \(SourceStack\/Access\), but SourceStack\/Access does not name .* back/);
    });
  });

  test('grantAssumeRole() of a destination role trusts the precreated role of an iam.Role', () => {
    inTemporaryDirectory(outdir => {
      const { source, destination } = precreatedApp(outdir);
      const reporter = new iam.Role(source, 'Reporter', { roleName: 'reporter', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      const role = new TrustedDestinationRole(destination, 'DestinationRole', { roleName: 'destination-account-role' });
      role.grantAssumeRole(reporter);
      expect(role.trustedRoles.map(r => r.toString())).toEqual(['arn:${AWS::Partition}:iam::111122223333:role/teams/precreated-reporter']);
    });
  });
});
