import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountAccess, RoleReference, TrustedDestinationRole } from '../src';
import { DESTINATION_ACCOUNT, destinationStack, newApp, sourceStack } from './support/app';

const bucketRole = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'assume_s3_role' });

function instanceRole(stack: Stack, props: { roleName?: string } = { roleName: 'S3FullAccessFromEC2' }): iam.Role {
  return new iam.Role(stack, 'InstanceRole', { ...props, assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
}

describe('CrossAccountAccess', () => {
  test('gives the role one statement: sts:AssumeRole on exactly the destinations', () => {
    // GIVEN
    const stack = sourceStack();
    const role = instanceRole(stack);
    // WHEN
    const access = new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] });
    access.addDestination(RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'another' }));
    access.addDestination(bucketRole);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^InstanceRole') }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AssumeDestinationRoles',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/another']] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/assume_s3_role']] },
          ],
        }],
      },
    });
    expect(access.destinationRoles).toHaveLength(2);
  });

  test('leaves the role\'s trust alone', () => {
    const stack = sourceStack();
    new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack), destinationRoles: [bucketRole] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
    });
  });

  test('reference names the role by account, path and name', () => {
    const stack = sourceStack();
    const role = new iam.Role(stack, 'InstanceRole', {
      roleName: 'S3FullAccessFromEC2',
      path: '/ec2/',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    });
    const access = new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] });
    expect(access.reference.toString()).toBe('arn:${AWS::Partition}:iam::111122223333:role/ec2/S3FullAccessFromEC2');
  });

  test('reference of an imported role comes from its ARN', () => {
    const stack = sourceStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/lambda/reporter', { mutable: true });
    const access = new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] });
    expect(access.reference.roleArn).toBe('arn:aws:iam::111122223333:role/lambda/reporter');
  });

  test('reference needs a role name known at synth time', () => {
    const stack = sourceStack();
    const access = new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack, {}), destinationRoles: [bucketRole] });
    expect(() => access.reference).toThrow(/SourceStack\/Access: reference needs the ARN of role SourceStack\/InstanceRole at synth time: give the role a roleName/);
  });

  test('fails synth without a destination', () => {
    const stack = sourceStack();
    new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack) });
    expect(() => Template.fromStack(stack)).toThrow(/SourceStack\/Access\] has no destination role: pass destinationRoles or call addDestination/);
  });

  test('is checked against a destination in the same app that does not trust it', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack), destinationRoles: [bucketRole] });
    new TrustedDestinationRole(destinationStack(app), 'BucketRole', {
      roleName: 'assume_s3_role',
      trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'someone-else' })],
    });
    expect(() => app.synth()).toThrow(/SourceStack\/Access\] names .*assume_s3_role \(DestinationStack\/BucketRole\), but DestinationStack\/BucketRole does not name .*S3FullAccessFromEC2 back/);
  });
});

describe('CrossAccountAccess in the wrong account', () => {
  test('refuses a role of another account than its stack, naming both', () => {
    const stack = sourceStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::999999999999:role/reporter', { mutable: true });
    expect(() => new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] }))
      .toThrow(/SourceStack\/Access: role "arn:aws:iam::999999999999:role\/reporter" is invalid: the role is in account 999999999999, but this construct's stack deploys to 111122223333/);
  });
});

describe('CrossAccountAccess with an imported role whose ARN cannot be a reference', () => {
  test('names the construct and the role', () => {
    const stack = sourceStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/x', { mutable: true });
    Object.defineProperty(role, 'roleArn', { value: 'arn:aws:iam::111122223333:role/*' });
    const access = new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] });
    expect(() => access.reference).toThrow(/^SourceStack\/Access: role arn:aws:iam::111122223333:role\/\* cannot be named in another account's trust: RoleReference.fromArn: roleArn .* wildcards/);
  });
});

describe('CrossAccountAccess policy name', () => {
  function accessApp(extraPolicyName?: string) {
    const app = newApp();
    const stack = sourceStack(app);
    const role = instanceRole(stack);
    new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] });
    if (extraPolicyName !== undefined) {
      new iam.Policy(stack, 'Mine', {
        policyName: extraPolicyName,
        roles: [role],
        statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })],
      });
    }
    return { app, stack };
  }

  test('refuses another policy that takes its name on the same role', () => {
    // GIVEN: the name the construct gives its policy
    const { stack } = accessApp();
    const [policyName] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .map(policy => policy.Properties.PolicyName as string);
    // WHEN
    const { app } = accessApp(policyName);
    // THEN
    expect(() => app.synth()).toThrow(new RegExp(`\\[SourceStack/Access\\] SourceStack/Mine/Resource writes a policy named "${policyName}" on the same role`));
  });
});
