import { CfnParameter, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, RoleReference } from '../../src';
import { DESTINATION_ACCOUNT, newApp, sourceStack } from '../support/app';

/** One inline policy per name on a role (src/private/checks/policy-names.ts): a second policy of the task role's name is refused. */

const destination = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' });

describe('policy names on the task role', () => {
  const statement = () => new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] });
  const destinations = { destinationRoles: [destination] };

  test('an inline policy of another name stays beside the role\'s own policy', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountTaskRole(stack, 'TaskRole', { ...destinations, inlinePolicies: { Reports: new iam.PolicyDocument({ statements: [statement()] }) } });
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [Match.objectLike({ PolicyName: 'Reports' }), Match.objectLike({ PolicyName: 'AssumeDestinationRoles' })],
    });
  });

  test('a CfnRolePolicy of the same name on the role is refused', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    new iam.CfnRolePolicy(stack, 'Mine', {
      roleName: role.roleName, policyName: 'AssumeDestinationRoles', policyDocument: new iam.PolicyDocument({ statements: [statement()] }),
    });
    expect(() => app.synth()).toThrow(/\[SourceStack\/TaskRole\] SourceStack\/Mine writes a policy named "AssumeDestinationRoles" on the same role/);
  });

  test('a CfnPolicy that names the role by its literal name is refused', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountTaskRole(stack, 'TaskRole', { ...destinations, roleName: 'my-ECS-task-role' });
    new iam.CfnPolicy(stack, 'Mine', {
      policyName: 'assumedestinationroles', roles: ['my-ecs-task-role'], policyDocument: new iam.PolicyDocument({ statements: [statement()] }),
    });
    expect(() => app.synth()).toThrow(/\[SourceStack\/TaskRole\] SourceStack\/Mine writes a policy named "assumedestinationroles" on the same role/);
  });

  test('a policy that aws-cdk-lib leaves out of the template (no statements) does not clash', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [role] });
    expect(() => app.synth()).not.toThrow();
  });

  test('roles of the same name in two stacks without an account may be in two accounts, and do not clash', () => {
    // GIVEN two environment-agnostic stacks, which may deploy to different accounts
    const app = newApp();
    new CrossAccountTaskRole(new Stack(app, 'One'), 'TaskRole', { ...destinations, roleName: 'my-ECS-task-role' });
    const two = new Stack(app, 'Two');
    // WHEN the other stack writes a policy of the same name on a role of the same name
    new iam.Policy(two, 'Mine', {
      policyName: 'AssumeDestinationRoles', roles: [iam.Role.fromRoleName(two, 'Same', 'my-ECS-task-role')], statements: [statement()],
    });
    // THEN nothing is refused
    expect(() => app.synth()).not.toThrow();
  });

  test('a policy whose name is a parameter is left to deploy time', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    new iam.CfnPolicy(stack, 'Mine', {
      policyName: new CfnParameter(stack, 'PolicyName').valueAsString,
      roles: [role.roleName],
      policyDocument: new iam.PolicyDocument({ statements: [statement()] }),
    });
    expect(() => app.synth()).not.toThrow();
  });

  test('a policy added after a first synthesis is still refused at the next one', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    app.synth();
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [role], statements: [statement()] });
    expect(() => app.synth({ force: true })).toThrow(/SourceStack\/Mine\/Resource writes a policy named "AssumeDestinationRoles" on the same role/);
  });
});
