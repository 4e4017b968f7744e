import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountAccess, OrganizationRoles, RoleReference, TrustedDestinationRole } from '../src';
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
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^InstanceRole') }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/assume_s3_role']] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/another']] },
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

  test('reference needs the account of the role\'s stack at synth time, even with a roleName', () => {
    const stack = new Stack(newApp(), 'Agnostic');
    const access = new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack, { roleName: 'reporter' }), destinationRoles: [bucketRole] });
    expect(() => access.reference).toThrow(/^Agnostic\/Access: reference needs the ARN of role Agnostic\/InstanceRole at synth time: /);
  });

  test('refuses an empty destinationRoles list', () => {
    const stack = sourceStack();
    expect(() => new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack), destinationRoles: [] }))
      .toThrow('SourceStack/Access: destinationRoles [] is invalid: give at least one value, or leave the property out');
  });

  test('refuses an empty destinationOrganizationRoles list', () => {
    const stack = sourceStack();
    expect(() => new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack), destinationRoles: [bucketRole], destinationOrganizationRoles: [] }))
      .toThrow('SourceStack/Access: destinationOrganizationRoles [] is invalid: give at least one value, or leave the property out');
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
      .toThrow(/SourceStack\/Access: role "arn:aws:iam::999999999999:role\/reporter" is invalid: the role is in account 999999999999, but this construct's stack deploys to 111122223333: put CrossAccountAccess in a stack of the role's account$/);
  });

  test('leaves the account to deploy time when the stack\'s account is not known at synth', () => {
    const stack = new Stack(newApp(), 'Agnostic');
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::999999999999:role/reporter', { mutable: true });
    expect(() => new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] })).not.toThrow();
  });

  test('leaves the account to deploy time when the role\'s account is not known at synth', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new iam.Role(new Stack(app, 'Agnostic'), 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] })).not.toThrow();
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

describe('CrossAccountAccess goes through the role, as aws-cdk-lib grants do', () => {
  test('adds nothing to a role imported with mutable: false, as repository.grantPull() would not', () => {
    // GIVEN
    const stack = sourceStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/reporter', { mutable: false });
    // WHEN
    const access = new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] });
    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
    expect(access.grant).toBeDefined();
  });

  test('adds nothing to a role wrapped in withoutPolicyUpdates()', () => {
    const stack = sourceStack();
    const access = new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack).withoutPolicyUpdates(), destinationRoles: [bucketRole] });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
    expect(access.grant).toBeDefined();
  });

  test('exposes the grant: its statement is the one in the role\'s default policy', () => {
    // GIVEN
    const stack = sourceStack();
    const role = instanceRole(stack);
    // WHEN
    const access = new CrossAccountAccess(stack, 'Access', { role, destinationRoles: [bucketRole] });
    // THEN
    expect(access.grant.success).toBe(true);
    expect(stack.resolve(access.grant.principalStatements[0].toStatementJson())).toEqual({
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/assume_s3_role']] },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^InstanceRoleDefaultPolicy'),
      Roles: [{ Ref: Match.stringLikeRegexp('^InstanceRole') }],
    });
  });

  test('grant is refused before any destination is added', () => {
    const stack = sourceStack();
    const access = new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack) });
    expect(() => access.grant).toThrow(/SourceStack\/Access: grant is only there once a destination is added/);
  });

  test('allowSessionTags and allowSourceIdentity add sts:TagSession and sts:SetSourceIdentity to the statement', () => {
    const stack = sourceStack();
    new CrossAccountAccess(stack, 'Access', {
      role: instanceRole(stack), destinationRoles: [bucketRole], allowSessionTags: true, allowSourceIdentity: true,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] })] },
    });
  });
});

describe('CrossAccountAccess and the deployment order of its destinations', () => {
  test('a ROLE_ARN destination deploys after the stack of the role, not of the CrossAccountAccess', () => {
    // GIVEN the role in one stack, the access in another stack of the same account
    const app = newApp();
    const roleStack = sourceStack(app, 'RoleStack');
    const accessStack = sourceStack(app, 'AccessStack');
    const role = instanceRole(roleStack);
    const access = new CrossAccountAccess(accessStack, 'Access', { role });
    const destStack = destinationStack(app, 'DestStack');
    const destination = new TrustedDestinationRole(destStack, 'DestinationRole', {
      roleName: 'assume_s3_role', trustedRoles: [access.reference],
    });
    // WHEN
    access.addDestination(destination.reference);
    app.synth();
    // THEN the statement is in the role's stack, and the destination waits for that stack
    Template.fromStack(roleStack).resourceCountIs('AWS::IAM::Policy', 1);
    expect(destStack.dependencies.map(s => s.stackName)).toContain(roleStack.stackName);
  });
});

describe('CrossAccountAccess with roles of an organization', () => {
  const readers = OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader-*' });
  const writers = OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'writer', organizationalUnitPaths: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/'] });

  test('allows sts:AssumeRole on the matching roles of the organization only, one statement each, once each', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    const access = new CrossAccountAccess(stack, 'Access', { role: instanceRole(stack), destinationOrganizationRoles: [readers] });
    access.addDestinationOrganizationRoles(writers);
    access.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader-*' }));
    // THEN: no named destination is needed
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/reader-*']] },
          Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
        }, {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/writer']] },
          Condition: {
            'StringEquals': { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' },
            'ForAnyValue:StringLike': { 'aws:ResourceOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/'] },
          },
        }],
      },
    });
    expect(access.grant.principalStatements).toHaveLength(2);
  });
});
