import { Lazy, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AwsConfigProfile,
  CredentialSource,
  CrossAccountAccess,
  CrossAccountTaskRole,
  DestinationRoleStackSet,
  ExecutionRolePolicy,
  RoleReference,
  StackSetCallAs,
  TaskExecutionRole,
  TrustMode,
  TrustedDestinationRole,
} from '../../src';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, destinationStack, sourceStack } from '../support/app';

/**
 * Props as plain JavaScript, or another jsii language without type checks, can send
 * them: every enum and boolean prop of every construct is checked at construction.
 */
const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const destination = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' });

function container(): ecs.ContainerDefinition {
  const task = new ecs.FargateTaskDefinition(sourceStack(), 'Task');
  return task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest'), memoryLimitMiB: 512 });
}

/** Each construct and prop, with a function that builds the construct with the given value. */
const BOOLEANS: Array<[string, string, (value: any) => void]> = [
  ['CrossAccountTaskRole', 'confusedDeputyGuard', value => new CrossAccountTaskRole(sourceStack(), 'R', { confusedDeputyGuard: value })],
  ['CrossAccountTaskRole', 'allowSessionTags', value => new CrossAccountTaskRole(sourceStack(), 'R', { allowSessionTags: value })],
  ['CrossAccountTaskRole', 'allowSourceIdentity', value => new CrossAccountTaskRole(sourceStack(), 'R', { allowSourceIdentity: value })],
  ['TrustedDestinationRole', 'allowSessionTags', value => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], allowSessionTags: value })],
  ['TrustedDestinationRole', 'allowSourceIdentity', value => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], allowSourceIdentity: value })],
  ['CrossAccountAccess', 'allowSessionTags', value => {
    const stack = sourceStack();
    const role = new iam.Role(stack, 'Role', { roleName: 'instance-role', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new CrossAccountAccess(stack, 'R', { role, destinationRoles: [destination], allowSessionTags: value });
  }],
  ['CrossAccountAccess', 'allowSourceIdentity', value => {
    const stack = sourceStack();
    const role = new iam.Role(stack, 'Role', { roleName: 'instance-role', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new CrossAccountAccess(stack, 'R', { role, destinationRoles: [destination], allowSourceIdentity: value });
  }],
  ['TaskExecutionRole', 'confusedDeputyGuard', value => new TaskExecutionRole(sourceStack(), 'R', { confusedDeputyGuard: value })],
  ['AwsConfigProfile.addToContainer', 'includeProfile', value => AwsConfigProfile.addToContainer(container(), destination, { includeProfile: value })],
  ['DestinationRoleStackSet', 'autoDeployment', value => new DestinationRoleStackSet(sourceStack(), 'R', {
    destinationRole: { roleName: 'destination-account-role', trustedRoles: [taskRole] },
    organizationalUnitIds: ['ou-ab12-11111111'],
    autoDeployment: value,
  })],
];

const ENUMS: Array<[string, string, string[], (value: any) => unknown]> = [
  ['TrustedDestinationRole', 'trustMode', ['TrustMode.ROLE_ARN', 'TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN'],
    value => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], trustMode: value })],
  ['TaskExecutionRole', 'executionRolePolicy', ['ExecutionRolePolicy.LEAST_PRIVILEGE', 'ExecutionRolePolicy.AWS_MANAGED'],
    value => new TaskExecutionRole(sourceStack(), 'R', { executionRolePolicy: value })],
  ['AwsConfigProfile.render', 'credentialSource', ['CredentialSource.ECS_CONTAINER', 'CredentialSource.EC2_INSTANCE_METADATA', 'CredentialSource.ENVIRONMENT'],
    value => AwsConfigProfile.render(destination, { credentialSource: value })],
  ['DestinationRoleStackSet', 'callAs', ['StackSetCallAs.SELF', 'StackSetCallAs.DELEGATED_ADMIN'],
    value => new DestinationRoleStackSet(sourceStack(), 'R', {
      destinationRole: { roleName: 'destination-account-role', trustedRoles: [taskRole] },
      organizationalUnitIds: ['ou-ab12-11111111'],
      callAs: value,
    })],
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('boolean props take only true or false', () => {
  test.each(BOOLEANS)('%s %s accepts true and false', (_construct, _property, create) => {
    expect(() => create(true)).not.toThrow();
    expect(() => create(false)).not.toThrow();
  });

  test.each(BOOLEANS)('%s %s refuses 0, 1, "false" and a token, which JavaScript would take for another value than written', (_construct, property, create) => {
    for (const value of [0, 1, 'false', 'true', Lazy.any({ produce: () => false })]) {
      expect(() => create(value)).toThrow(new RegExp(
        `^[\\w/]+: ${property} .* is invalid: it is true or false: any other value \\(0, "false", a token\\) would be taken for one of them by JavaScript's rules, not as written$`));
    }
  });
});

describe('enum props take only their enum\'s values', () => {
  test.each(ENUMS)('%s %s refuses another string, naming every value', (_construct, property, members, create) => {
    for (const value of ['ACCOUNT', 'role_arn', 'ecscontainer', '']) {
      expect(() => create(value)).toThrow(new RegExp(`${property} ${escape(JSON.stringify(value))} is invalid: it is one of ${escape(members.join(', '))}, known at synth$`));
    }
  });

  test.each(ENUMS)('%s %s refuses a token, whose value the construct could not branch on', (_construct, property, _members, create) => {
    expect(() => create(Lazy.string({ produce: () => 'ROLE_ARN' }))).toThrow(new RegExp(`${property} "\\$\\{Token\\[TOKEN\\.\\d+\\]\\}" is invalid: it is one of`));
  });

  test.each<[string, (value: any) => unknown, unknown[]]>([
    ['trustMode', ENUMS[0][3], Object.values(TrustMode)],
    ['executionRolePolicy', ENUMS[1][3], Object.values(ExecutionRolePolicy)],
    ['credentialSource', ENUMS[2][3], Object.values(CredentialSource)],
    ['callAs', ENUMS[3][3], Object.values(StackSetCallAs)],
  ])('%s accepts each of its values', (_property, create, values) => {
    for (const value of values) {
      expect(() => create(value)).not.toThrow();
    }
  });

  test('trustMode "ACCOUNT" no longer gives a trust of the whole source account without aws:PrincipalArn', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], trustMode: 'ACCOUNT' as TrustMode }))
      .toThrow(/^DestinationStack\/R: trustMode "ACCOUNT" is invalid: it is one of TrustMode\.ROLE_ARN, TrustMode\.ACCOUNT_WITH_PRINCIPAL_ARN, known at synth$/);
  });

  test('confusedDeputyGuard: 0 no longer turns the guard off without a warning', () => {
    expect(() => new CrossAccountTaskRole(sourceStack(), 'TaskRole', { confusedDeputyGuard: 0 as unknown as boolean }))
      .toThrow(/^SourceStack\/TaskRole: confusedDeputyGuard 0 is invalid: it is true or false/);
  });
});

describe('identifier bounds', () => {
  test('a list of one external ID is accepted', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], externalIds: ['reports-id'] });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('an empty list of external IDs is refused', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], externalIds: [] }))
      .toThrow(/^DestinationStack\/R: externalIds \[\] is invalid: give at least one value, or leave the property out$/);
  });
});
