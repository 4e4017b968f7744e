import { CfnParameter, Duration, Lazy, Stack, aws_dynamodb as dynamodb, aws_ecs as ecs, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, OrganizationRoles, RoleReference } from '../src';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, sourceStack, guardedEcsTrust, partitionArn } from './support/app';
import { walkthrough } from './support/walkthrough';

const destination = (roleName: string, account = DESTINATION_ACCOUNT) => RoleReference.of({ account, roleName });


describe('trust', () => {
  test('trusts ECS tasks of its own account and region only', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'my-ECS-task-role' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: guardedEcsTrust(),
    });
  });

  test('uses deploy-time account and region in an environment-agnostic stack', () => {
    const stack = new Stack(newApp(), 'Agnostic');
    new CrossAccountTaskRole(stack, 'TaskRole');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        })],
      },
    });
  });

  test('warns when the confused-deputy guard is turned off', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { confusedDeputyGuard: false });
    Annotations.fromStack(stack).hasWarning('/SourceStack/TaskRole',
      Match.stringLikeRegexp('confusedDeputyGuard is off: the trust lets ecs-tasks.amazonaws.com assume this role for a task of any account or Region. '
        + 'Passing the role to a task still needs iam:PassRole in this account'));
  });

  test('does not warn with the guard on', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('drops the confused-deputy conditions only when asked to', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { confusedDeputyGuard: false });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Condition: Match.absent() }],
      },
    });
  });
});

describe('identity policy', () => {
  test('allows only sts:AssumeRole on exactly the destination ARNs, in one inline statement', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'AssumeDestinationRoles',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Sid: 'AssumeDestinationRoles',
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: partitionArn(':iam::555566667777:role/destination-account-role'),
          }],
        },
      }],
    });
  });

  test('sorts and deduplicates destinations, including ones added later', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('zeta'), destination('alpha')] });
    role.addDestination(destination('alpha'));
    role.addDestination(destination('mid', '444455556666'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'AssumeDestinationRoles',
        PolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({
            Resource: [
              partitionArn(':iam::444455556666:role/mid'),
              partitionArn(':iam::555566667777:role/alpha'),
              partitionArn(':iam::555566667777:role/zeta'),
            ],
          })],
        }),
      }],
    });
  });

  test('writes no identity policy while there is no destination', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { Policies: Match.absent() });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('keeps inline policies given by the user beside its own', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [destination('d')],
      inlinePolicies: {
        Own: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })] }),
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [Match.objectLike({ PolicyName: 'Own' }), Match.objectLike({ PolicyName: 'AssumeDestinationRoles' })],
    });
  });

  test('uses the destination path in the ARN', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'd', path: '/team/' })],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [Match.objectLike({
        PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Resource: partitionArn(':iam::555566667777:role/team/d') })] }),
      })],
    });
  });
});

describe('role options', () => {
  test('passes description, path, boundary, managed policies and session duration to the role', () => {
    const stack = sourceStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'boundary');
    new CrossAccountTaskRole(stack, 'TaskRole', {
      roleName: 'r',
      description: 'reads the reports bucket',
      path: '/ecs/',
      permissionsBoundary: boundary,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      maxSessionDuration: Duration.hours(2),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'r',
      Description: 'reads the reports bucket',
      Path: '/ecs/',
      MaxSessionDuration: 7200,
      PermissionsBoundary: partitionArn(':iam::111122223333:policy/boundary'),
      ManagedPolicyArns: [partitionArn(':iam::aws:policy/ReadOnlyAccess')],
    });
  });

  // Upgrade safety: a generated name that changes renames, and so replaces, the deployed
  // role, and breaks the other account's trust. If this changes, it is a breaking change.
  test('generated names stay the same across versions', () => {
    const role = new CrossAccountTaskRole(sourceStack(), 'TaskRole');
    expect(role.reference.roleName).toBe('SourceStack-TaskRole-3E3FA822');
  });

  test('the same stack in another Region of the account gets another generated name', () => {
    const stack = new Stack(newApp(), 'SourceStack', { env: { account: '111122223333', region: 'eu-west-1' } });
    expect(new CrossAccountTaskRole(stack, 'TaskRole').reference.roleName).toBe('SourceStack-TaskRole-068D5E95');
  });

  test('generates a deterministic name from the construct path when none is given', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole');
    expect(role.reference.roleName).toMatch(/^SourceStack-TaskRole-[0-9A-F]{8}$/);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: role.reference.roleName });
  });

  test('keeps generated names within 64 characters for deep paths', () => {
    const stack = sourceStack(newApp(), 'S'.repeat(100));
    const role = new CrossAccountTaskRole(stack, 'T'.repeat(100));
    expect(role.reference.roleName.length).toBe(64);
  });

  test('works as the task role of an ECS task definition and with grants', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'my-ECS-task-role' });
    new ecs.FargateTaskDefinition(stack, 'Task', { taskRole: role });
    new s3.Bucket(stack, 'Local').grantRead(role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      TaskRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaskRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskRole') }],
    });
  });
});

describe('reference', () => {
  test('names the role by account, path and name', () => {
    const role = new CrossAccountTaskRole(sourceStack(), 'TaskRole', { roleName: 'my-ECS-task-role', path: '/ecs/' });
    expect(role.reference.toString()).toBe('arn:${AWS::Partition}:iam::111122223333:role/ecs/my-ECS-task-role');
  });

  test('needs an explicit account on the stack', () => {
    const role = new CrossAccountTaskRole(new Stack(newApp(), 'Agnostic'), 'TaskRole');
    expect(() => role.reference).toThrow(/Agnostic\/TaskRole: reference needs the account of stack Agnostic.*explicit env/);
  });

  test('is recognised across copies of the library by its brand', () => {
    const role = new CrossAccountTaskRole(sourceStack(), 'TaskRole');
    expect(CrossAccountTaskRole.isCrossAccountTaskRole(role)).toBe(true);
    expect(CrossAccountTaskRole.isCrossAccountTaskRole(new iam.Role(sourceStack(), 'Plain', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    }))).toBe(false);
    expect(role.destinationRoles).toEqual([]);
  });
});

describe('validation', () => {
  test('rejects a 65-character role name, naming the construct path', () => {
    expect(() => new CrossAccountTaskRole(sourceStack(), 'TaskRole', { roleName: 'r'.repeat(65) }))
      .toThrow(/SourceStack\/TaskRole: roleName "r{65}" is invalid: a role name is 1 to 64 characters/);
  });

  test('accepts a 64-character role name', () => {
    const role = new CrossAccountTaskRole(sourceStack(), 'TaskRole', { roleName: 'r'.repeat(64) });
    expect(role.reference.roleName).toHaveLength(64);
  });

  test('rejects a path without its closing slash', () => {
    expect(() => new CrossAccountTaskRole(sourceStack(), 'TaskRole', { path: '/ecs' }))
      .toThrow(/SourceStack\/TaskRole: path "\/ecs" is invalid: a role path is "\/" or starts and ends with "\/"/);
  });

  test('rejects a session duration over 12 hours', () => {
    expect(() => new CrossAccountTaskRole(sourceStack(), 'TaskRole', { maxSessionDuration: Duration.hours(13) }))
      .toThrow(/maxSessionDuration "13 hours" is invalid: a role's maximum session duration is between 1 and 12 hours/);
  });

  test('accepts a role name token and defers it', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { roleName: Lazy.string({ produce: () => 'late-name' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'late-name' });
  });
});

describe('partitions', () => {
  test('fails synth when a source in a China Region names a role of the aws partition', () => {
    // GIVEN
    const stack = new Stack(newApp(), 'ChinaSource', { env: { account: '111122223333', region: 'cn-north-1' } });
    // WHEN
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [RoleReference.fromArn('arn:aws:iam::555566667777:role/destination-account-role')],
    });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /ChinaSource\/TaskRole: destinationRoles "arn:aws:iam::555566667777:role\/destination-account-role" is invalid: the role is in the aws partition, but this role is in the aws-cn partition \(Region cn-north-1\): a role cannot be assumed from another partition/);
  });

  test('fails synth the other way round, aws to aws-cn', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'r', partition: 'aws-cn' })],
    });
    expect(() => Template.fromStack(stack)).toThrow(/in the aws-cn partition, but this role is in the aws partition \(Region us-east-1\)/);
  });

  test('names destinationOrganizationRoles when an organization pattern is of another partition', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader', partition: 'aws-cn' })],
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /SourceStack\/TaskRole: destinationOrganizationRoles "arn:aws-cn:iam::\*:role\/reader" is invalid: the role is in the aws-cn partition/);
  });

  test('accepts a role of its own partition, and one whose partition is left to the stack', () => {
    const stack = new Stack(newApp(), 'ChinaSource', { env: { account: '111122223333', region: 'cn-north-1' } });
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'a', partition: 'aws-cn' }), destination('b')],
    });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('values known only at synth', () => {
  test('refuses a destination whose role name resolves to a wildcard, which would widen sts:AssumeRole', () => {
    // GIVEN
    const app = newApp();
    // WHEN
    new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
      destinationRoles: [destination(Lazy.string({ produce: () => 'team-*' }))],
    });
    // THEN
    expect(() => app.synth()).toThrow(
      /\[SourceStack\/TaskRole\] destinationRoles\[0\]\.roleName \(a token that resolves to\) "team-\*" is invalid: a role name is 1 to 64 characters/);
  });
});

describe('policy names', () => {
  const CLASH = /a role holds one inline policy per name \(names compared without case\), so at deploy the later write would replace the other/;
  const assumeAny = () => new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] });

  test.each(['AssumeDestinationRoles', 'assumedestinationroles'])('refuses an iam.Policy named %s on the same role', policyName => {
    // GIVEN
    const app = newApp();
    const stack = sourceStack(app);
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    // WHEN
    new iam.Policy(stack, 'Mine', { policyName, roles: [taskRole], statements: [assumeAny()] });
    // THEN
    expect(() => app.synth()).toThrow(new RegExp(
      `\\[SourceStack/TaskRole\\] SourceStack/Mine/Resource writes a policy named "${policyName}" on the same role, `
      + `and "AssumeDestinationRoles" is the name of the policy this construct writes: ${CLASH.source} `
      + 'and its permissions would be lost without a word\\. Give that policy another name\\.$', 'm'));
  });

  test('refuses a clash on its role when another role, made first, has a policy of that name', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new iam.Policy(stack, 'OnOther', { policyName: 'AssumeDestinationRoles', roles: [other], statements: [assumeAny()] });
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    new iam.Policy(stack, 'OnTaskRole', { policyName: 'AssumeDestinationRoles', roles: [taskRole], statements: [assumeAny()] });
    expect(() => app.synth()).toThrow(/\[SourceStack\/TaskRole\] SourceStack\/OnTaskRole\/Resource writes a policy named "AssumeDestinationRoles" on the same role/);
  });

  test('refuses an inline policy of the same name', () => {
    const app = newApp();
    new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
      destinationRoles: [destination('destination-account-role')],
      inlinePolicies: { AssumeDestinationRoles: new iam.PolicyDocument({ statements: [assumeAny()] }) },
    });
    expect(() => app.synth()).toThrow(/\[SourceStack\/TaskRole\] the role's inlinePolicies hold a policy named "AssumeDestinationRoles"/);
  });

  test('refuses a policy of the same name on the role by name from another stack of the account', () => {
    const app = newApp();
    new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: [destination('destination-account-role')] });
    const other = sourceStack(app, 'OtherStack');
    new iam.Policy(other, 'Mine', {
      policyName: 'AssumeDestinationRoles',
      roles: [iam.Role.fromRoleName(other, 'Imported', 'my-ecs-task-role')],
      statements: [assumeAny()],
    });
    expect(() => app.synth()).toThrow(/OtherStack\/Mine\/Resource writes a policy named "AssumeDestinationRoles" on the same role/);
  });

  test('lets the name be used while the role writes no policy of its own', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole');
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [taskRole], statements: [assumeAny()] });
    expect(() => app.synth()).not.toThrow();
  });

  test('lets a policy of that name be on another role, when neither role\'s name is known at synth', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountTaskRole(stack, 'TaskRole', {
      roleName: new CfnParameter(stack, 'TaskRoleName').valueAsString,
      destinationRoles: [destination('destination-account-role')],
    });
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [other], statements: [assumeAny()] });
    expect(() => app.synth()).not.toThrow();
  });

  test('lets a policy of that name be on another role made first, with inline policies of its own', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const other = new iam.Role(stack, 'Other', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      inlinePolicies: { Reads: new iam.PolicyDocument({ statements: [assumeAny()] }) },
    });
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [other], statements: [assumeAny()] });
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    expect(() => app.synth()).not.toThrow();
  });

  test('lets a policy of that name be on another role', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [other], statements: [assumeAny()] });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('trust widened by hand', () => {
  test('warns about a statement that lets every principal of an account assume the task role, and so its destinations', () => {
    // GIVEN
    const stack = sourceStack();
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    // WHEN
    taskRole.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountRootPrincipal()],
    }));
    // THEN
    Annotations.fromStack(stack).hasWarning('/SourceStack/TaskRole',
      Match.stringLikeRegexp('the trust policy admits every principal of arn:aws:iam::111122223333:root'));
  });

  test('does not warn about the ECS trust it writes', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('destination-account-role')] });
    Annotations.fromStack(stack).hasNoWarning('/SourceStack/TaskRole', Match.anyValue());
  });
});

describe('a role without destination', () => {
  test('refuses an empty destinationRoles list, as an empty externalIds list is', () => {
    expect(() => new CrossAccountTaskRole(sourceStack(), 'TaskRole', { destinationRoles: [] }))
      .toThrow('SourceStack/TaskRole: destinationRoles [] is invalid: give at least one value, or leave the property out');
  });

  test('refuses an empty destinationOrganizationRoles list', () => {
    expect(() => new CrossAccountTaskRole(sourceStack(), 'TaskRole', { destinationRoles: [destination('reports')], destinationOrganizationRoles: [] }))
      .toThrow('SourceStack/TaskRole: destinationOrganizationRoles [] is invalid: give at least one value, or leave the property out');
  });

  test('warns, with an ID, when the role may assume no role at synth', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'my-ECS-task-role' });
    // THEN
    Annotations.fromStack(stack).hasWarning('/SourceStack/TaskRole', Match.stringLikeRegexp(
      '^has no destination role, so its tasks may assume no role of another account: give destinationRoles \\(or destinationOrganizationRoles\\), '
      + 'or call addDestination\\(\\) .*\\[ack: cdk-cross-account-task-roles:taskRoleWithoutDestination\\]$'));
  });

  test('does not warn about a role given its destination after construction', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole');
    role.addDestination(destination('reports'));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('taskRoleWithoutDestination'));
  });

  test('does not warn about a role that assumes roles of an organization', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reports' })],
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('taskRoleWithoutDestination'));
  });
});

describe('grants on resources of a destination account', () => {
  test('warns, with an ID, about a bucket of the destination account granted to the task role itself', () => {
    // GIVEN
    const { source, taskRole, destination: target } = walkthrough();
    const bucket = new s3.Bucket(target, 'Bucket', { bucketName: 'reports-bucket' });
    // WHEN
    bucket.grantRead(taskRole);
    // THEN
    Annotations.fromStack(source).hasWarning('/SourceStack/TaskRole', Match.stringLikeRegexp(
      '^is granted s3:GetObject\\*, s3:GetBucket\\*, s3:List\\* on DestinationStack/Bucket of account 555566667777, '
      + 'where this role may assume arn:\\$\\{AWS::Partition\\}:iam::555566667777:role/destination-account-role: a grant to this role itself '
      + 'is a second way into that account that bypasses the destination role .*Grant the destination role instead.*'
      + '\\[ack: cdk-cross-account-task-roles:directGrantInDestinationAccount\\]$'));
  });

  test('warns about a table imported by its ARN in the destination account, naming the ARN', () => {
    const { source, taskRole } = walkthrough();
    const table = dynamodb.Table.fromTableArn(source, 'Table', 'arn:aws:dynamodb:us-east-1:555566667777:table/reports');
    table.grantReadData(taskRole);
    Annotations.fromStack(source).hasWarning('/SourceStack/TaskRole', Match.stringLikeRegexp(
      '^is granted dynamodb:BatchGetItem, .* on arn:aws:dynamodb:us-east-1:555566667777:table/reports of account 555566667777'));
  });

  test('does not warn about a grant on a resource of the task role\'s own account', () => {
    const { source, taskRole } = walkthrough();
    new s3.Bucket(source, 'Bucket').grantRead(taskRole);
    Annotations.fromStack(source).hasNoWarning('*', Match.stringLikeRegexp('directGrantInDestinationAccount'));
  });

  test('does not warn about a grant on a resource of an account that is no destination', () => {
    const { app, source, taskRole } = walkthrough();
    const other = new Stack(app, 'OtherStack', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    new s3.Bucket(other, 'Bucket', { bucketName: 'shared-bucket' }).grantRead(taskRole);
    Annotations.fromStack(source).hasNoWarning('*', Match.stringLikeRegexp('directGrantInDestinationAccount'));
  });

  test('does not warn about a grant to the destination role', () => {
    const { source, destination: target, destinationRole } = walkthrough();
    new s3.Bucket(target, 'Bucket', { bucketName: 'reports-bucket' }).grantRead(destinationRole);
    Annotations.fromStack(source).hasNoWarning('*', Match.stringLikeRegexp('directGrantInDestinationAccount'));
  });
});

describe('the task definitions that use it', () => {
  const inRegion = (app: ReturnType<typeof newApp>, id: string, region: string) =>
    new Stack(app, id, { env: { account: SOURCE_ACCOUNT, region } });

  test('refuses a task definition of another account, naming both accounts', () => {
    // GIVEN the task role created in the destination's stack by mistake
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(destinationStack(app), 'TaskRole', { destinationRoles: [destination('reports')] });
    // WHEN
    new ecs.FargateTaskDefinition(sourceStack(app), 'Task', { taskRole });
    // THEN
    expect(() => app.synth()).toThrow(new RegExp(
      '\\[DestinationStack/TaskRole\\] is the taskRole of SourceStack/Task, whose stack SourceStack deploys to account 111122223333, '
      + 'but this role\'s stack DestinationStack deploys to account 555566667777: ECS gives a task only a role of the task definition\'s own account '
      + '.*Create the CrossAccountTaskRole in a stack of account 111122223333; the role of account 555566667777 that the task assumes is a TrustedDestinationRole there'));
  });

  test('refuses a task definition of another Region than its confused-deputy guard admits, naming both Regions', () => {
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { destinationRoles: [destination('reports')] });
    new ecs.FargateTaskDefinition(inRegion(app, 'EuropeStack', 'eu-west-1'), 'Task', { taskRole });
    expect(() => app.synth()).toThrow(new RegExp(
      '\\[SourceStack/TaskRole\\] is the taskRole of EuropeStack/Task, whose stack EuropeStack deploys to Region eu-west-1, '
      + 'but the role\'s confused-deputy guard admits only ECS tasks of us-east-1 \\(aws:SourceArn arn:<partition>:ecs:us-east-1:111122223333:\\*\\), '
      + 'so the task would fail to start \\("ECS was unable to assume the role"\\)\\. Create a CrossAccountTaskRole in a stack of eu-west-1'));
  });

  test('accepts a task definition of another Region when the guard is off, which admits tasks of any Region', () => {
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { destinationRoles: [destination('reports')], confusedDeputyGuard: false });
    new ecs.FargateTaskDefinition(inRegion(app, 'EuropeStack', 'eu-west-1'), 'Task', { taskRole });
    expect(() => app.synth()).not.toThrow();
  });

  test('accepts a task definition in another stack of the same account and Region', () => {
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { destinationRoles: [destination('reports')] });
    new ecs.FargateTaskDefinition(inRegion(app, 'ServiceStack', 'us-east-1'), 'Task', { taskRole });
    expect(() => app.synth()).not.toThrow();
  });

  test('leaves a task definition alone when its stack\'s account and Region are known only at deploy time', () => {
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { destinationRoles: [destination('reports')] });
    new ecs.FargateTaskDefinition(new Stack(app, 'Agnostic'), 'Task', { taskRole });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('isCrossAccountTaskRole', () => {
  test('is false for anything that is not one', () => {
    const stack = sourceStack();
    const others = [stack, {}, null, undefined, 'CrossAccountTaskRole', destination('d'),
      new iam.Role(stack, 'Plain', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') })];
    for (const other of others) {
      expect(CrossAccountTaskRole.isCrossAccountTaskRole(other)).toBe(false);
    }
  });
});

describe('session tags and source identity', () => {
  test('the identity statement allows only sts:AssumeRole by default', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [destination('d')] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyName: 'AssumeDestinationRoles', PolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRole' })] } }],
    });
  });

  test('allowSessionTags and allowSourceIdentity add sts:TagSession and sts:SetSourceIdentity to every identity statement', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [destination('d')],
      destinationOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader' })],
      allowSessionTags: true,
      allowSourceIdentity: true,
    });
    // THEN
    const actions = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'AssumeDestinationRoles',
        PolicyDocument: { Statement: [Match.objectLike({ Action: actions }), Match.objectLike({ Action: actions })] },
      }],
    });
  });
});

describe('destinationRoles', () => {
  test('lists the destination roles in the order they were added, each once', () => {
    const role = new CrossAccountTaskRole(sourceStack(), 'TaskRole', { destinationRoles: [destination('b')] });
    role.addDestination(destination('a'));
    role.addDestination(destination('b'));
    expect(role.destinationRoles.map(r => r.roleName)).toEqual(['b', 'a']);
  });
});

describe('organization roles that differ only in their name, organization or units', () => {
  test('are each allowed, in a statement of their own', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole');
    const unit = (ou: string) => `o-a1b2c3d4e5/r-ab12/ou-ab12-${ou}/`;
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader', organizationalUnitPaths: [unit('11111111')] }));
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader', organizationalUnitPaths: [unit('22222222')] }));
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader', organizationalUnitPaths: [unit('11111111'), unit('22222222')] }));
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader' }));
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-f6g7h8i9j0', roleName: 'reader' }));
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'writer' }));
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader', organizationalUnitPaths: [unit('11111111')] }));
    expect(role.destinationOrganizationRoles).toHaveLength(6);
  });
});

describe('destinationOrganizationRoles', () => {
  test('lists the organization roles in the order they were added, each once', () => {
    const stack = sourceStack();
    const readers = OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader' });
    const writers = OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'writer' });
    const role = new CrossAccountTaskRole(stack, 'TaskRole', { destinationOrganizationRoles: [readers] });
    role.addDestinationOrganizationRoles(writers);
    role.addDestinationOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'reader' }));
    expect(role.destinationOrganizationRoles.map(r => r.roleName)).toEqual(['reader', 'writer']);
    expect(role.destinationRoles).toEqual([]);
    const policy = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.values(policy)[0].Properties.Policies[0].PolicyDocument.Statement).toHaveLength(2);
  });
});

describe('grantAssumeRole', () => {
  test('is refused: only ECS may assume a task role, and iam.Role would report a success that changes nothing', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole');
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => role.grantAssumeRole(other))
      .toThrow(/SourceStack\/TaskRole: grantAssumeRole\(.*\) would not let it assume this role: its trust policy admits only ecs-tasks.amazonaws.com/);
  });
});

describe('generated role names and messages before the role exists', () => {
  test('a stack without a Region hashes the construct path alone', () => {
    const role = new CrossAccountTaskRole(new Stack(newApp(), 'SourceStack', { env: { account: '111122223333' } }), 'TaskRole');
    expect(role.reference.roleName).toBe('SourceStack-TaskRole-3D5D5485');
  });

  test('keeps the characters IAM allows in a role name and drops the others', () => {
    const role = new CrossAccountTaskRole(sourceStack(), 'Task Role#1+=,.@_-');
    expect(role.reference.roleName).toBe('SourceStack-TaskRole1+=,.@_--B8B0FD3C');
  });

  test('names a role created at the root of the app by its id alone', () => {
    expect(() => new CrossAccountTaskRole(newApp(), 'TaskRole', { roleName: 'my task role' }))
      .toThrow(/^TaskRole: roleName "my task role" is invalid/);
  });

  test('grantAssumeRole says what to do instead', () => {
    const stack = sourceStack();
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => new CrossAccountTaskRole(stack, 'TaskRole').grantAssumeRole(other)).toThrow(
      /its trust policy admits only ecs-tasks.amazonaws.com \(for the tasks that use it\), and a grant cannot change that. Let ECS hand the role to a task, or create a role of its own for the other principal.$/);
  });
});
