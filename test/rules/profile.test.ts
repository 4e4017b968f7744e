import { CfnParameter, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsConfigProfile, CredentialSource, RoleReference } from '../../src';
import { DESTINATION_ACCOUNT, sourceStack } from '../support/app';

/**
 * The rules of src/rules/profile.ts (the values of an AWS CLI / SDK profile and of a
 * container's environment), seen through the public API: each boundary value on both sides,
 * each character a rule singles out, and the exact wording a user reads.
 */

const destination = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' });

describe('a duration given as a parameter', () => {
  test('a profile duration given as a parameter is left to deploy time', () => {
    const stack = sourceStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    const container = new ecs.FargateTaskDefinition(stack, 'Task')
      .addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
    AwsConfigProfile.addToContainer(container, destination, { includeProfile: true, durationSeconds: seconds });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('profile durationSeconds bounds and messages', () => {
  test.each([900, 3600])('a role-chained profile accepts %d seconds', durationSeconds => {
    expect(AwsConfigProfile.render(destination, { durationSeconds })).toContain(`duration_seconds = ${durationSeconds}\n`);
  });

  test.each([899, 3601, 1000.5])('a role-chained profile refuses %d seconds, saying chained sessions get 1 hour', durationSeconds => {
    expect(() => AwsConfigProfile.render(destination, { durationSeconds })).toThrow(new RegExp(
      `^AwsConfigProfile\\.render: durationSeconds ${durationSeconds} is invalid: a session lasts a whole number of seconds from 900 \\(15 minutes\\) `
      + 'to 3600 \\(1 hour\\): a role assumed with a task role\'s or instance profile\'s session \\(role chaining\\) gets at most 1 hour$'));
  });

  test('a profile with long-term credentials accepts 12 hours and refuses one second more, saying so', () => {
    expect(AwsConfigProfile.render(destination, { durationSeconds: 43200, credentialSource: CredentialSource.ENVIRONMENT }))
      .toContain('duration_seconds = 43200\n');
    expect(() => AwsConfigProfile.render(destination, { durationSeconds: 43201, credentialSource: CredentialSource.ENVIRONMENT }))
      .toThrow(/^AwsConfigProfile\.render: durationSeconds 43201 is invalid: a session lasts a whole number of seconds from 900 \(15 minutes\) to 43200 \(12 hours\), and no longer than the role's maxSessionDuration$/);
  });
});

describe('profile role session name bounds', () => {
  test('2 and 64 characters are accepted; 1 and 65 are refused with their length', () => {
    expect(AwsConfigProfile.render(destination, { roleSessionName: 'ab' })).toContain('role_session_name = ab\n');
    expect(AwsConfigProfile.render(destination, { roleSessionName: 's'.repeat(64) })).toContain(`role_session_name = ${'s'.repeat(64)}\n`);
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: 'a' }))
      .toThrow(/^AwsConfigProfile\.render: roleSessionName "a" is invalid: a role session name is 2 to 64 characters of letters, digits and \+ = , \. @ _ - \(it has 1\)$/);
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: 's'.repeat(65) })).toThrow(/\(it has 65\)$/);
  });

  test('a 2-character and a 64-character name with a character not allowed name the character', () => {
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: 'a ' })).toThrow(/\(" " is not allowed\)$/);
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: `${'s'.repeat(63)}#` })).toThrow(/\("#" is not allowed\)$/);
  });
});

describe('environment variable prefix', () => {
  const container = () => {
    const stack = sourceStack();
    const definition = new ecs.FargateTaskDefinition(stack, 'Task');
    return definition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
  };

  test.each(['1ABC', 'AB-C', 'AB C'])('refuses %s, which is not a variable name', prefix => {
    expect(() => AwsConfigProfile.addToContainer(container(), destination, { environmentVariablePrefix: prefix }))
      .toThrow(/environmentVariablePrefix ".*" is invalid: an environment variable prefix is letters, digits and _, not starting with a digit$/);
  });

  test.each(['AWS', 'aws_', 'AWS_ROLE'])('refuses %s, which the SDKs read', prefix => {
    expect(() => AwsConfigProfile.addToContainer(container(), destination, { environmentVariablePrefix: prefix }))
      .toThrow(/environmentVariablePrefix ".*" is invalid: AWS_\* variables are read by the AWS SDKs themselves/);
  });

  test.each(['AWSOME', 'MY_AWS', 'MY_AWS_'])('accepts %s, which only looks like AWS_', prefix => {
    const c = container();
    AwsConfigProfile.addToContainer(c, destination, { environmentVariablePrefix: prefix });
    Template.fromStack(Stack.of(c)).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([Match.objectLike({ Name: `${prefix}_ROLE_ARN` })]) })],
    });
  });
});
