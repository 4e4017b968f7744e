import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountAccess, CrossAccountTaskRole, RoleReference, TrustedDestinationRole } from '../../src';
import { destinationStack, newApp, sourceStack } from '../support/app';
import { DESTINATION_ACCOUNT_ROLE, MY_ECS_TASK_ROLE, walkthrough } from '../support/walkthrough';

describe('two stacks in one app', () => {
  test('fail synth when the destination trusts a task role that does not list it, naming both sides', () => {
    const { app } = walkthrough({ taskRole: { destinationRoles: undefined } });
    expect(() => app.synth()).toThrow(
      /DestinationStack\/DestinationRole\] names arn:\$\{AWS::Partition\}:iam::111122223333:role\/my-ECS-task-role \(SourceStack\/TaskRole\), but SourceStack\/TaskRole does not name .*destination-account-role back: call SourceStack\/TaskRole.addDestination\(DestinationStack\/DestinationRole.reference\)/);
  });

  test('fail synth when the task role lists a destination that does not trust it, naming both sides', () => {
    const { app } = walkthrough({ destinationRole: { trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'someone-else' })] } });
    expect(() => app.synth()).toThrow(
      /SourceStack\/TaskRole\] names .*destination-account-role \(DestinationStack\/DestinationRole\), but DestinationStack\/DestinationRole does not name .*my-ECS-task-role back: add SourceStack\/TaskRole.reference to the trustedRoles of DestinationStack\/DestinationRole/);
  });

  test('do not check a destination in another app', () => {
    const taskRole = new CrossAccountTaskRole(sourceStack(), 'TaskRole', {
      roleName: 'my-ECS-task-role',
      destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' })],
    });
    new TrustedDestinationRole(destinationStack(), 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'someone-else' })],
    });
    expect(() => Template.fromStack(Stack.of(taskRole))).not.toThrow();
  });
});

describe('a name written with a typo', () => {
  const TASK_ROLE = 'arn:${AWS::Partition}:iam::111122223333:role/my-ECS-task-role';
  const DESTINATION_ROLE = 'arn:${AWS::Partition}:iam::555566667777:role/destination-account-role';

  /** The walkthrough in one app, with the names each side writes of the other. */
  function namedAs(taskRoleName: string, destinationRoleName: string, otherTaskRoles: string[] = []) {
    const { app, source } = walkthrough({
      taskRole: { destinationRoles: [RoleReference.of({ account: '555566667777', roleName: destinationRoleName })] },
      destinationRole: { trustedRoles: [RoleReference.of({ account: '111122223333', roleName: taskRoleName })] },
    });
    otherTaskRoles.forEach(roleName => new CrossAccountTaskRole(source, roleName, { roleName, destinationRoles: [DESTINATION_ACCOUNT_ROLE] }));
    return app;
  }

  test('in the trust: the error suggests the task role of the nearest name', () => {
    expect(() => namedAs('my-ECS-taks-role', 'destination-account-role').synth()).toThrow(
      `[SourceStack/TaskRole] names ${DESTINATION_ROLE} (DestinationStack/DestinationRole), but DestinationStack/DestinationRole does not name `
      + `${TASK_ROLE} back: add SourceStack/TaskRole.reference to the trustedRoles of DestinationStack/DestinationRole, or remove the destination; `
      + 'DestinationStack/DestinationRole names arn:${AWS::Partition}:iam::111122223333:role/my-ECS-taks-role, which is no role of this app: '
      + `did you mean ${TASK_ROLE} (SourceStack/TaskRole)?`);
  });

  test('in the destination: the error suggests the destination role of the nearest name', () => {
    expect(() => namedAs('my-ECS-task-role', 'destination-acount-role').synth()).toThrow(
      '; SourceStack/TaskRole names arn:${AWS::Partition}:iam::555566667777:role/destination-acount-role, which is no role of this app: '
      + `did you mean ${DESTINATION_ROLE} (DestinationStack/DestinationRole)?`);
  });

  test('in the account: the error suggests the role of the nearest ARN', () => {
    const { app } = walkthrough({ destinationRole: { trustedRoles: [RoleReference.of({ account: '111122223334', roleName: 'my-ECS-task-role' })] } });
    expect(() => app.synth()).toThrow(`did you mean ${TASK_ROLE} (SourceStack/TaskRole)?`);
  });

  test('suggests nothing for a name more than three characters from the role\'s', () => {
    expect(() => namedAs('my-ECS-worker-role', 'destination-account-role').synth()).toThrow(
      /does not name .*my-ECS-task-role back: add SourceStack\/TaskRole.reference to the trustedRoles of DestinationStack\/DestinationRole, or remove the destination$/m);
  });

  test('suggests nothing when the nearest name is another role of the app', () => {
    // GIVEN two task roles of one name but a digit apart, both naming the destination, which trusts the second one only
    expect(() => namedAs('my-ECS-task-role2', 'destination-account-role', ['my-ECS-task-role2']).synth()).toThrow(
      /SourceStack\/TaskRole\] names .* back: add SourceStack\/TaskRole.reference to the trustedRoles of DestinationStack\/DestinationRole, or remove the destination$/m);
  });

  test('the warning about a trusted role outside the app suggests the source of the nearest name', () => {
    // GIVEN a source of the app that does not name the destination, so that synthesis succeeds,
    // WHEN the destination trusts a name a character from the source's
    const { destination } = walkthrough({
      taskRole: { destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'another-role' })] },
      destinationRole: { trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-task-rol' })] },
    });
    // THEN
    Annotations.fromStack(destination).hasWarning('/DestinationStack/DestinationRole', Match.stringLikeRegexp(
      'TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN removes that ordering\\. Did you mean arn:\\$\\{AWS::Partition\\}:iam::111122223333:role/my-ECS-task-role '
      + '\\(SourceStack/TaskRole\\) for arn:\\$\\{AWS::Partition\\}:iam::111122223333:role/my-ECS-task-rol\\?'));
  });
});

describe('role names that differ only in case or path', () => {
  test.each([
    ['case', { roleName: 'my-ecs-task-role' }, 'role\\/my-ecs-task-role'],
    ['path', { roleName: 'my-ECS-task-role', path: '/teams/' }, 'role\\/teams\\/my-ECS-task-role'],
  ])('fail synth when the destination writes the task role\'s name in another %s, which IAM takes for the same role', (_what, written, shown) => {
    // GIVEN
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { roleName: 'my-ECS-task-role' });
    const destination = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [RoleReference.of({ account: '111122223333', ...written })],
    });
    // WHEN
    taskRole.addDestination(destination.reference);
    // THEN: one error, from the end that wrote the name
    expect(() => app.synth()).not.toThrow(/does not name .* back/);
    expect(() => app.synth()).toThrow(new RegExp(
      `DestinationStack/DestinationRole\\] names arn:\\$\\{AWS::Partition\\}:iam::111122223333:${shown}, but the role of SourceStack/TaskRole is `
      + 'arn:\\$\\{AWS::Partition\\}:iam::111122223333:role/my-ECS-task-role: IAM takes both for one role'));
  });

  test('fail synth when the task role writes the destination\'s name in another case', () => {
    const { app } = walkthrough({
      taskRole: { destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'Destination-Account-Role' })] },
      destinationRole: { trustedRoles: [MY_ECS_TASK_ROLE] },
    });
    expect(() => app.synth()).toThrow(/SourceStack\/TaskRole\] names .*role\/Destination-Account-Role, but the role of DestinationStack\/DestinationRole is .*role\/destination-account-role: IAM takes both for one role \(a role name is unique in its account whatever its case and path\), but trust principals, aws:PrincipalArn conditions and policy resources compare the ARN as written, case and path included, so the chain would be denied: write the path and name exactly as the role has them \(DestinationStack\/DestinationRole.reference\)/);
  });

  test('do not take a role of the same name in another account for the destination', () => {
    const { app } = walkthrough({
      taskRole: { destinationRoles: [RoleReference.of({ account: '444455556666', roleName: 'destination-account-role' })] },
      destinationRole: { trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'other-task-role' })] },
    });
    expect(() => app.synth()).not.toThrow();
  });

  test('check only the task roles that the destination trusts, not every task role of the app', () => {
    const { app, source } = walkthrough();
    new CrossAccountTaskRole(source, 'Unrelated', { roleName: 'unrelated-task-role' });
    expect(() => app.synth()).not.toThrow();
  });

  test('do not check a source role whose ARN is only known at deploy time', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountAccess(stack, 'Access', {
      role: new iam.Role(stack, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
      destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' })],
    });
    new TrustedDestinationRole(destinationStack(app), 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-task-role' })],
    });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('partitions in the same-app checks', () => {
  /** A CrossAccountAccess of an imported role (whose ARN gives the partition) and a destination that trusts `trusted`. */
  function importedChain(trusted: RoleReference) {
    const app = newApp();
    const source = sourceStack(app);
    // No Region: the partition of the destination's stack is left to deploy time, so any partition may be named.
    const destinationRole = new TrustedDestinationRole(new Stack(app, 'DestinationStack', { env: { account: '555566667777' } }), 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [trusted],
    });
    new CrossAccountAccess(source, 'Access', {
      role: iam.Role.fromRoleArn(source, 'Reporter', 'arn:aws:iam::111122223333:role/reporter'),
      destinationRoles: [destinationRole.reference],
    });
    return app;
  }

  test('a role named with the partition of the role of the app is that role', () => {
    const app = importedChain(RoleReference.of({ account: '111122223333', roleName: 'reporter', partition: 'aws' }));
    expect(() => app.synth()).not.toThrow();
  });

  test('a role of the same account and name in another partition is another role', () => {
    const app = importedChain(RoleReference.of({ account: '111122223333', roleName: 'reporter', partition: 'aws-us-gov' }));
    // THEN the source finds its destination does not trust it; the destination does not take the source for its trusted role
    expect(() => app.synth()).toThrow(
      /SourceStack\/Access\] names .*destination-account-role \(DestinationStack\/DestinationRole\), but DestinationStack\/DestinationRole does not name arn:aws:iam::111122223333:role\/reporter back/);
    expect(() => app.synth()).not.toThrow(/IAM takes both for one role/);
  });

  test('a role named without a partition is the role of the app whose ARN gives one', () => {
    // GIVEN an imported role whose ARN says aws, that names no destination
    const app = newApp();
    const source = sourceStack(app);
    new CrossAccountAccess(source, 'Access', {
      role: iam.Role.fromRoleArn(source, 'Reporter', 'arn:aws:iam::111122223333:role/reporter'),
      destinationRoles: [RoleReference.of({ account: '444455556666', roleName: 'elsewhere' })],
    });
    // WHEN a destination trusts it by name alone
    new TrustedDestinationRole(destinationStack(app), 'DestinationRole', {
      trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'reporter' })],
    });
    // THEN the same-app check holds the source to it
    expect(() => app.synth()).toThrow(/DestinationStack\/DestinationRole\] names .*role\/reporter \(SourceStack\/Access\), but SourceStack\/Access does not name .* back/);
  });

  test('a partition given on one side only matches the role of the app', () => {
    // GIVEN a task role, whose own reference leaves the partition to its stack, that names no destination,
    // WHEN a destination trusts it by name with a partition
    const { app } = walkthrough({
      taskRole: { destinationRoles: undefined },
      destinationRole: { trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-task-role', partition: 'aws' })] },
    });
    // THEN the same-app check holds the task role to it
    expect(() => app.synth()).toThrow(/DestinationStack\/DestinationRole\] names arn:aws:iam::111122223333:role\/my-ECS-task-role \(SourceStack\/TaskRole\), but SourceStack\/TaskRole does not name .* back/);
  });
});
