import { App, AspectPriority, Aspects, IAspect, Stack, aws_ecr as ecr, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import {
  CrossAccountAccess,
  CrossAccountTaskRole,
  DestinationRoleStackSet,
  OrganizationRoles,
  RoleReference,
  TaskExecutionRole,
  TrustMode,
  TrustedDestinationRole,
} from '../../src';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, partitionArn, sourceStack } from '../support/app';

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const otherRole = RoleReference.of({ account: OTHER_ACCOUNT, roleName: 'reports-task-role' });
const destination = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' });
const otherDestination = RoleReference.of({ account: OTHER_ACCOUNT, roleName: 'other-destination-role' });
const organizationRoles = OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reports-*' });

const AFTER = (path: string, call: string) => new RegExp(`^${path.replace(/\//g, '\\/')}: ${call.replace(/[()]/g, '\\$&')} was called after the app was synthesized: `
  + 'the templates are written and would not change, and the checks of the two halves already ran, so the change would be lost without a word\\. '
  + 'Make it before app\\.synth\\(\\) \\(or before the app\'s code ends, under cdk synth\\), as aws-cdk-lib requires of new constructs\\.$');

describe('a change after the app was synthesized is refused with the library\'s message', () => {
  test.each([TrustMode.ROLE_ARN, TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN])('addTrustedRole() in %s (aws-cdk-lib\'s freeze error, or nothing, before)', trustMode => {
    // GIVEN
    const app = newApp();
    const role = new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [taskRole], trustMode });
    app.synth();
    // WHEN / THEN
    expect(() => role.addTrustedRole(otherRole)).toThrow(AFTER('DestinationStack/R', 'addTrustedRole()'));
  });

  test.each<[string, (role: TrustedDestinationRole, stack: Stack) => void]>([
    ['addTrustedOrganizationRoles()', role => role.addTrustedOrganizationRoles(organizationRoles)],
    ['addTrustConditions()', role => role.addTrustConditions({ StringEquals: { 'aws:PrincipalTag/team': 'reports' } })],
    ['grantAssumeRole()', (role, stack) => role.grantAssumeRole(iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${OTHER_ACCOUNT}:role/reporter`))],
  ])('TrustedDestinationRole %s', (call, change) => {
    const app = newApp();
    const stack = destinationStack(app);
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    app.synth();
    expect(() => change(role, stack)).toThrow(AFTER('DestinationStack/R', call));
  });

  test.each<[string, (role: CrossAccountTaskRole) => void]>([
    ['addDestination()', role => role.addDestination(otherDestination)],
    ['addDestinationOrganizationRoles()', role => role.addDestinationOrganizationRoles(organizationRoles)],
  ])('CrossAccountTaskRole %s (ignored without a word before)', (call, change) => {
    const app = newApp();
    const role = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { destinationRoles: [destination] });
    app.synth();
    expect(() => change(role)).toThrow(AFTER('SourceStack/TaskRole', call));
  });

  test.each<[string, (access: CrossAccountAccess) => void]>([
    ['addDestination()', access => access.addDestination(otherDestination)],
    ['addDestinationOrganizationRoles()', access => access.addDestinationOrganizationRoles(organizationRoles)],
  ])('CrossAccountAccess %s', (call, change) => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new iam.Role(stack, 'InstanceRole', { roleName: 'instance-role', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const access = new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [destination] });
    app.synth();
    expect(() => change(access)).toThrow(AFTER('SourceStack/Access', call));
  });

  test('TaskExecutionRole addRepository() (ignored without a word before)', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new TaskExecutionRole(stack, 'ExecutionRole');
    app.synth();
    expect(() => role.addRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'app'))).toThrow(AFTER('SourceStack/ExecutionRole', 'addRepository()'));
  });

  test('the role of a DestinationRoleStackSet, once the management app is synthesized', () => {
    const app = newApp();
    const stackSet = new DestinationRoleStackSet(new Stack(app, 'Management', { env: { account: '999988887777', region: 'us-east-1' } }), 'StackSet', {
      destinationRole: { roleName: 'destination-account-role', trustedRoles: [taskRole] },
      organizationalUnitIds: ['ou-ab12-11111111'],
    });
    app.synth();
    expect(() => stackSet.destinationRole.addTrustedRole(otherRole)).toThrow(AFTER('DestinationRole/Role', 'addTrustedRole()'));
  });

  test('changes before synthesis are taken', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.addTrustedRole(otherRole);
    expect(() => app.synth()).not.toThrow();
  });
});

/**
 * Resolves the roles and policies of a stack when it visits the stack, before the
 * constructs below it are visited, as an Aspect that reads a stack's policies does.
 */
class ResolveEarly implements IAspect {
  public visit(node: IConstruct): void {
    if (Stack.isStack(node)) {
      for (const resource of node.node.findAll().filter(c => c instanceof iam.CfnRole || c instanceof iam.CfnPolicy)) {
        node.resolve((resource as iam.CfnRole)._toCloudFormation());
      }
    }
  }
}

/** Runs `change` on the first construct of the given class it visits, after ResolveEarly. */
function later<T>(type: new (...args: any[]) => T, change: (construct: T) => void): IAspect {
  let done = false;
  return {
    visit: (node: IConstruct) => {
      if (!done && node instanceof type) {
        done = true;
        change(node);
      }
    },
  };
}

function resolvedEarlyThenChanged(app: App, aspect: IAspect): void {
  Aspects.of(app).add(new ResolveEarly(), { priority: AspectPriority.MUTATING });
  Aspects.of(app).add(aspect, { priority: AspectPriority.READONLY });
}

describe('a change after the policies were resolved early (by an Aspect) still reaches the template', () => {
  test('ACCOUNT_WITH_PRINCIPAL_ARN: a role added later is in the aws:PrincipalArn condition (it went missing before)', () => {
    const app = newApp();
    const stack = destinationStack(app);
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN });
    resolvedEarlyThenChanged(app, later(TrustedDestinationRole, role => role.addTrustedRole(RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'reports-task-role' }))));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: {
            StringEquals: {
              'aws:PrincipalArn': [partitionArn(':iam::111122223333:role/my-ECS-task-role'), partitionArn(':iam::111122223333:role/reports-task-role')],
            },
          },
        })],
      },
    });
  });

  test('ROLE_ARN: a role added later is a principal (aws-cdk-lib\'s freeze error before)', () => {
    const app = newApp();
    const stack = destinationStack(app);
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    resolvedEarlyThenChanged(app, later(TrustedDestinationRole, role => role.addTrustedRole(otherRole)));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { AWS: [partitionArn(':iam::111122223333:role/my-ECS-task-role'), partitionArn(':iam::444455556666:role/reports-task-role')] },
        })],
      },
    });
  });

  test('a trust condition added later is on the trust statements', () => {
    const app = newApp();
    const stack = destinationStack(app);
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], trustedOrganizationRoles: [organizationRoles] });
    resolvedEarlyThenChanged(app, later(TrustedDestinationRole, role => role.addTrustConditions({ StringEquals: { 'aws:PrincipalTag/team': 'reports' } })));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Condition: Match.objectLike({ StringEquals: Match.objectLike({ 'aws:PrincipalTag/team': 'reports' }) }) }),
          Match.objectLike({ Condition: { StringEquals: { 'aws:PrincipalTag/team': 'reports' } } }),
        ],
      },
    });
  });

  test('a destination added later to a CrossAccountTaskRole is in its policy (ignored before)', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination] });
    resolvedEarlyThenChanged(app, later(CrossAccountTaskRole, role => role.addDestination(otherDestination)));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'AssumeDestinationRoles',
        PolicyDocument: {
          Statement: [Match.objectLike({
            Resource: [partitionArn(':iam::444455556666:role/other-destination-role'), partitionArn(':iam::555566667777:role/destination-account-role')],
          })],
        },
      }],
    });
  });

  test('a destination added later to a CrossAccountAccess is granted (aws-cdk-lib\'s freeze error before)', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new iam.Role(stack, 'InstanceRole', { roleName: 'instance-role', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [destination] });
    resolvedEarlyThenChanged(app, later(CrossAccountAccess, access => access.addDestination(otherDestination)));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Resource: partitionArn(':iam::555566667777:role/destination-account-role') }),
          Match.objectLike({ Resource: partitionArn(':iam::444455556666:role/other-destination-role') }),
        ]),
      },
    });
  });

  test('a repository added later to a TaskExecutionRole is in its policy (ignored before)', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new TaskExecutionRole(stack, 'ExecutionRole', { repositories: [ecr.Repository.fromRepositoryName(stack, 'App', 'app')] });
    resolvedEarlyThenChanged(app, later(TaskExecutionRole, role => role.addRepository(ecr.Repository.fromRepositoryName(stack, 'Reports', 'reports'))));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: 'TaskExecution',
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'PullImages',
          Resource: [
            partitionArn(':ecr:us-east-1:111122223333:repository/app'),
            partitionArn(':ecr:us-east-1:111122223333:repository/reports'),
          ],
        })]),
      },
    });
  });
});
