import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, DestinationRoleStackSet, RoleReference, TaskExecutionRole, TrustedDestinationRole } from '../../src';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, newApp, sourceStack } from '../support/app';

/** Every way a managed policy gets attached to a role counts against the quota of managed policies per role. */
const OVER = /the number of managed policies is 11 policies, the IAM quota is 10: deploying would fail/;
const statement = () => new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] });
const given = (stack: Stack, count: number) =>
  Array.from({ length: count }, (_, i) => iam.ManagedPolicy.fromManagedPolicyName(stack, `Given${i}`, `policy-${i}`));

function taskRoleWith(count: number, app: App = newApp()): { stack: Stack; role: CrossAccountTaskRole } {
  const stack = sourceStack(app);
  const role = new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'my-ECS-task-role', managedPolicies: given(stack, count) });
  return { stack, role };
}

describe('managed policies attached to the role from the policy\'s side', () => {
  test('ten given and one ManagedPolicy with roles: [role] fail synth, as IAM would refuse the eleventh at deploy', () => {
    // GIVEN
    const { stack, role } = taskRoleWith(10);
    // WHEN
    new iam.ManagedPolicy(stack, 'Extra', { statements: [statement()], roles: [role] });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(OVER);
  });

  test('ten given and one attached with attachToRole() fail synth', () => {
    const { stack, role } = taskRoleWith(10);
    new iam.ManagedPolicy(stack, 'Extra', { statements: [statement()] }).attachToRole(role);
    expect(() => Template.fromStack(stack)).toThrow(OVER);
  });

  test('nine given and one attached by roles are ten: a warning, no error', () => {
    const { stack, role } = taskRoleWith(9);
    new iam.ManagedPolicy(stack, 'Extra', { statements: [statement()], roles: [role] });
    Annotations.fromStack(stack).hasWarning('/SourceStack/TaskRole', Match.stringLikeRegexp('the number of managed policies is 10 policies, the IAM quota is 10 \\(100%\\)'));
  });

  test('a policy both given and naming the role counts once', () => {
    const stack = sourceStack();
    const policies = given(stack, 9);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'my-ECS-task-role' });
    // By name in its Roles (a reference both ways would be a cycle), and by reference in the role's ManagedPolicyArns.
    const both = new iam.ManagedPolicy(stack, 'Both', { statements: [statement()], roles: [iam.Role.fromRoleName(stack, 'ByName', 'my-ECS-task-role')] });
    [...policies, both].forEach(p => role.addManagedPolicy(p));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('one in another stack of the same account that names the role by its name counts', () => {
    const app = newApp();
    taskRoleWith(10, app);
    const other = sourceStack(app, 'PoliciesStack');
    // IAM compares role names without case.
    new iam.ManagedPolicy(other, 'Extra', { statements: [statement()], roles: [iam.Role.fromRoleName(other, 'TaskRole', 'MY-ecs-TASK-role')] });
    expect(() => app.synth()).toThrow(OVER);
  });

  test('one in another stack of the app that references the role (an import) counts', () => {
    const app = newApp();
    const { role } = taskRoleWith(10, app);
    new iam.ManagedPolicy(sourceStack(app, 'PoliciesStack'), 'Extra', { statements: [statement()], roles: [role] });
    expect(() => app.synth()).toThrow(OVER);
  });

  test('one in a stack of another account that names a role of the same name does not count', () => {
    const app = newApp();
    taskRoleWith(10, app);
    const other = new Stack(app, 'OtherAccount', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    new iam.ManagedPolicy(other, 'Extra', { statements: [statement()], roles: [iam.Role.fromRoleName(other, 'TaskRole', 'my-ECS-task-role')] });
    expect(() => app.synth()).not.toThrow();
  });

  test.each<[string, (stack: Stack) => iam.Role]>([
    ['TrustedDestinationRole', stack => new TrustedDestinationRole(stack, 'Role', {
      roleName: 'destination-account-role',
      trustedRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'my-ECS-task-role' })],
      managedPolicies: given(stack, 10),
    })],
    ['TaskExecutionRole', stack => new TaskExecutionRole(stack, 'Role', { roleName: 'execution-role', managedPolicies: given(stack, 10) })],
  ])('holds for a %s too', (_construct, create) => {
    const stack = new Stack(newApp(), 'Stack', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
    new iam.ManagedPolicy(stack, 'Extra', { statements: [statement()], roles: [create(stack)] });
    expect(() => Template.fromStack(stack)).toThrow(OVER);
  });
});

describe('inline policies attached to the role from another stack', () => {
  const bigStatement = (size: number) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${'b'.repeat(size)}/*`] });

  test('an iam.Policy of another stack of the account, on the role by name, counts in the 10,240 characters', () => {
    const app = newApp();
    taskRoleWith(0, app);
    const other = sourceStack(app, 'PoliciesStack');
    new iam.Policy(other, 'Big', { statements: [bigStatement(10240)], roles: [iam.Role.fromRoleName(other, 'TaskRole', 'my-ECS-task-role')] });
    expect(() => app.synth()).toThrow(/SourceStack\/TaskRole\] the inline policies together is 10,\d{3} characters .* the IAM quota is 10,240: deploying would fail/);
  });

  test('an iam.CfnRolePolicy on the role counts', () => {
    const { stack, role } = taskRoleWith(0);
    new iam.CfnRolePolicy(stack, 'Big', {
      policyName: 'big',
      roleName: role.roleName,
      policyDocument: new iam.PolicyDocument({ statements: [bigStatement(10240)] }),
    });
    expect(() => Template.fromStack(stack)).toThrow(/the inline policies together is 10,\d{3} characters/);
  });
});

describe('inside a DestinationRoleStackSet', () => {
  test('a managed policy made with the role and naming it counts, and the StackSet fails synth with the role\'s error', () => {
    const stack = new Stack(newApp(), 'Management', { env: { account: '999988887777', region: 'us-east-1' } });
    const stackSet = new DestinationRoleStackSet(stack, 'StackSet', {
      destinationRole: {
        roleName: 'destination-account-role',
        trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' })],
      },
      organizationalUnitIds: ['ou-ab12-11111111'],
    });
    for (let i = 0; i < 10; i++) {
      stackSet.destinationRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Policy${i}`));
    }
    new iam.ManagedPolicy(stackSet.destinationRole, 'Extra', { statements: [statement()], roles: [stackSet.destinationRole] });
    expect(() => Template.fromStack(stack)).toThrow(/Management\/StackSet.*the number of managed policies is 11 policies, the IAM quota is 10: deploying would fail/s);
  });
});
