import { CfnParameter, Duration, Fn, Lazy, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Matcher, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, OrganizationRoles, RoleReference, TrustMode, TrustedDestinationRole } from '../src';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, partitionArn, sourceStack } from './support/app';

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });


/** Exact with a plain object, partial with Match.objectLike. */
function expectTrust(stack: Stack, document: object): void {
  const pattern = Matcher.isMatcher(document) ? document : Match.objectEquals(document as Record<string, unknown>);
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: pattern });
}

describe('TrustMode.ROLE_ARN (default)', () => {
  test('names the trusted role ARN as the only principal', () => {
    // GIVEN
    const stack = destinationStack();
    // WHEN
    new TrustedDestinationRole(stack, 'DestinationRole', { roleName: 'destination-account-role', trustedRoles: [taskRole] });
    // THEN
    expectTrust(stack, {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: partitionArn(':iam::111122223333:role/my-ECS-task-role') },
      }],
    });
  });

  test('lists every trusted role once, including ones added later', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole] });
    role.addTrustedRole(RoleReference.of({ account: OTHER_ACCOUNT, roleName: 'worker', path: '/jobs/' }));
    role.addTrustedRole(taskRole);
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({
        Principal: {
          AWS: [
            partitionArn(':iam::111122223333:role/my-ECS-task-role'),
            partitionArn(':iam::444455556666:role/jobs/worker'),
          ],
        },
      })],
    }));
    expect(role.trustedRoles).toHaveLength(2);
  });

  test('requires the external ID when one is given', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole], externalId: 'reports-2026' });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Condition: { StringEquals: { 'sts:ExternalId': 'reports-2026' } } })],
    }));
  });

  test('keeps a literal partition from an ARN', () => {
    const stack = new Stack(newApp(), 'GovDestination', { env: { account: '555566667777', region: 'us-gov-west-1' } });
    new TrustedDestinationRole(stack, 'DestinationRole', {
      trustedRoles: [RoleReference.fromArn('arn:aws-us-gov:iam::111122223333:role/gov')],
    });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws-us-gov:iam::111122223333:role/gov' } })],
    }));
  });
});

describe('TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN', () => {
  test('names the account and limits it to the exact role ARN with StringEquals, in which * and ? are not wildcards', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'DestinationRole', {
      trustedRoles: [taskRole],
      trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN,
    });
    expectTrust(stack, {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: partitionArn(':iam::111122223333:root') },
        Condition: { StringEquals: { 'aws:PrincipalArn': partitionArn(':iam::111122223333:role/my-ECS-task-role') } },
      }],
    });
  });

  test('lists each account once and every role ARN in the condition', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', {
      trustedRoles: [taskRole, RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'second' })],
      trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN,
      externalId: 'x-1',
    });
    role.addTrustedRole(RoleReference.of({ account: OTHER_ACCOUNT, roleName: 'third' }));
    expectTrust(stack, Match.objectLike({
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: [partitionArn(':iam::111122223333:root'), partitionArn(':iam::444455556666:root')] },
        Condition: {
          StringEquals: {
            'sts:ExternalId': 'x-1',
            'aws:PrincipalArn': [
              partitionArn(':iam::111122223333:role/my-ECS-task-role'),
              partitionArn(':iam::111122223333:role/second'),
              partitionArn(':iam::444455556666:role/third'),
            ],
          },
        },
      }],
    }));
  });
});

describe('permissions', () => {
  test('takes grants like any role', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole] });
    new s3.Bucket(stack, 'Reports').grantRead(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })] },
      Roles: [{ Ref: Match.stringLikeRegexp('^DestinationRole') }],
    });
  });
});

describe('validation', () => {
  test('fails synth when it trusts no role', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'DestinationRole');
    expect(() => Template.fromStack(stack)).toThrow(/DestinationStack\/DestinationRole\] trusts no role: pass trustedRoles or call addTrustedRole\(\) with the source role's reference \(or trust roles of an organization with trustedOrganizationRoles\)/);
  });

  test('rejects an external ID of one character and accepts two', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], externalId: 'x' }))
      .toThrow(/DestinationStack\/R: externalId "x" is invalid: an external ID is 2 to 1,224 characters/);
    expect(new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], externalId: 'xy' }).trustMode)
      .toBe(TrustMode.ROLE_ARN);
  });

  test('accepts an external ID token', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], externalId: Lazy.string({ produce: () => 'later' }) });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Condition: { StringEquals: { 'sts:ExternalId': 'later' } } })],
    }));
  });

  test('warns when the session duration exceeds the 1-hour cap of role chaining', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], maxSessionDuration: Duration.hours(4) });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp('maxSessionDuration is 4 hours, but a role assumed with another role\'s credentials.*at most 1 hour'));
  });

  test('does not warn at 1 hour', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], maxSessionDuration: Duration.hours(1) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('chainedSessionDuration'));
  });

  test('reference needs an explicit account', () => {
    const role = new TrustedDestinationRole(new Stack(newApp(), 'Agnostic'), 'R', { trustedRoles: [taskRole] });
    expect(() => role.reference).toThrow(/Agnostic\/R: reference needs the account of stack Agnostic/);
  });

  test('is recognised by its brand', () => {
    const role = new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole] });
    expect(TrustedDestinationRole.isTrustedDestinationRole(role)).toBe(true);
    expect(TrustedDestinationRole.isTrustedDestinationRole(new iam.Role(destinationStack(), 'Plain', {
      assumedBy: new iam.AccountRootPrincipal(),
    }))).toBe(false);
  });
});

describe('whole-account trust', () => {
  test('warns when a statement admits a whole account without aws:PrincipalArn', () => {
    // GIVEN
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    // WHEN
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)],
    }));
    // THEN
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp('the trust policy admits every principal of arn:aws:iam::111122223333:root .* add an aws:PrincipalArn condition'));
  });

  test('does not warn in ACCOUNT_WITH_PRINCIPAL_ARN mode, whose account principal is limited by aws:PrincipalArn', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('partitions', () => {
  test('fails synth when a destination in a China Region trusts a role of the aws partition', () => {
    // GIVEN
    const stack = new Stack(newApp(), 'ChinaDestination', { env: { account: '555566667777', region: 'cn-northwest-1' } });
    // WHEN
    new TrustedDestinationRole(stack, 'DestinationRole', {
      trustedRoles: [RoleReference.fromArn(`arn:aws:iam::${SOURCE_ACCOUNT}:role/my-ECS-task-role`)],
    });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /ChinaDestination\/DestinationRole: trustedRoles "arn:aws:iam::111122223333:role\/my-ECS-task-role" is invalid: the role is in the aws partition, but this role is in the aws-cn partition \(Region cn-northwest-1\)/);
  });

  test('fails synth when organization roles of another partition are trusted', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'DestinationRole', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'task', partition: 'aws-us-gov' })],
    });
    expect(() => Template.fromStack(stack)).toThrow(/trustedOrganizationRoles "arn:aws-us-gov:iam::\*:role\/task" is invalid: the role is in the aws-us-gov partition, but this role is in the aws partition/);
  });
});

describe('values known only at synth', () => {
  const lazy = (value: string) => Lazy.string({ produce: () => value });

  test.each([TrustMode.ROLE_ARN, TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN])('refuses a role name that resolves to a wildcard (%s)', trustMode => {
    // GIVEN
    const app = newApp();
    const stack = destinationStack(app);
    // WHEN
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: lazy('team-*') })],
      trustMode,
    });
    // THEN
    expect(() => app.synth()).toThrow(
      /\[DestinationStack\/R\] trustedRoles\[0\]\.roleName \(a token that resolves to\) "team-\*" is invalid: a role name is 1 to 64 characters/);
  });

  test('refuses an account that resolves to a wildcard', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', {
      trustedRoles: [RoleReference.of({ account: lazy('*'), roleName: 'my-ECS-task-role' })],
    });
    expect(() => app.synth()).toThrow(/trustedRoles\[0\]\.account \(a token that resolves to\) "\*" is invalid: an AWS account ID has exactly 12 digits/);
  });

  test('refuses a path that resolves to a policy variable', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role', path: lazy('/${aws:username}/') })],
    });
    expect(() => app.synth()).toThrow(/trustedRoles\[0\]\.path \(a token that resolves to\) "\/\$\{aws:username\}\/" is invalid: it cannot contain \$, \{ or \}/);
  });

  test('refuses an external ID that resolves to a policy variable', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [taskRole], externalId: lazy('${aws:PrincipalAccount}') });
    expect(() => app.synth()).toThrow(/externalId \(a token that resolves to\) "\$\{aws:PrincipalAccount\}" is invalid: it cannot contain \$, \{ or \}/);
  });

  test('refuses a session name pattern that resolves to only wildcards', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [taskRole], roleSessionNamePattern: lazy('*') });
    expect(() => app.synth()).toThrow(
      /\[DestinationStack\/R\] roleSessionNamePattern \(a token that resolves to\) "\*" is invalid: it matches every session name, so it limits nothing/);
  });

  test('refuses a session name pattern that resolves to a policy variable', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [taskRole], roleSessionNamePattern: lazy('${aws:username}') });
    expect(() => app.synth()).toThrow(
      /roleSessionNamePattern \(a token that resolves to\) "\$\{aws:username\}" is invalid: a role session name pattern is 1 to 64 characters/);
  });

  test('refuses a session name pattern that stays partly a parameter, with a policy variable in its literal part', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const team = new CfnParameter(stack, 'Team');
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], roleSessionNamePattern: `${team.valueAsString}-\${aws:username}` });
    expect(() => app.synth()).toThrow(/roleSessionNamePattern resolves to .*whose literal part .*holds a wildcard \(\* \?\) or policy variable character/);
  });

  test('accepts a session name pattern that resolves to a prefix', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [taskRole], roleSessionNamePattern: lazy('reports-*') });
    expect(() => app.synth()).not.toThrow();
  });

  test('refuses an organization pattern that resolves to only wildcards', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: lazy('*') })],
    });
    expect(() => app.synth()).toThrow(/trustedOrganizationRoles\[0\]\.roleName \(a token that resolves to\) "\*" is invalid: a pattern of only wildcards/);
  });

  test('refuses the literal part of a value that CloudFormation finishes, when it holds a wildcard', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const suffix = new CfnParameter(stack, 'Suffix');
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Fn.join('', ['team-*', suffix.valueAsString]) })],
    });
    expect(() => app.synth()).toThrow(/trustedRoles\[0\]\.roleName resolves to .*, whose literal part "team-\*" holds a wildcard/);
  });

  test('leaves a value that only CloudFormation resolves (a parameter) to deploy time', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const name = new CfnParameter(stack, 'SourceRoleName');
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: name.valueAsString })] });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([{ Ref: 'SourceRoleName' }])] } } })],
    }));
  });

  test('accepts a token that resolves to a valid name, and writes the name', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: lazy('my-ECS-task-role') })] });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Principal: { AWS: partitionArn(':iam::111122223333:role/my-ECS-task-role') } })],
    }));
  });
});

describe('a destination role with a path', () => {
  test('keeps the path in its reference, and a source naming that path agrees with it', () => {
    // GIVEN
    const app = newApp();
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', {
      roleName: 'reader', path: '/team/', trustedRoles: [taskRole], trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN,
    });
    // THEN
    expect(role.reference.path).toBe('/team/');
    expect(role.reference.toString()).toBe('arn:${AWS::Partition}:iam::555566667777:role/team/reader');
    expect(role.reference.sameRoleAs(RoleReference.of({ account: '555566667777', roleName: 'reader' }))).toBe(false);
  });
});

describe('isTrustedDestinationRole', () => {
  test('is false for anything that is not one', () => {
    const stack = destinationStack();
    const plain = new iam.Role(stack, 'Plain', { assumedBy: new iam.AccountPrincipal(SOURCE_ACCOUNT) });
    for (const other of [plain, stack, {}, null, undefined, 'TrustedDestinationRole', taskRole]) {
      expect(TrustedDestinationRole.isTrustedDestinationRole(other)).toBe(false);
    }
  });
});

describe('grantAssumeRole', () => {
  test('trusts a role of another account whose ARN is known, as addTrustedRole() would', () => {
    // GIVEN
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { roleName: 'destination-account-role' });
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/jobs/importer');
    // WHEN
    const grant = role.grantAssumeRole(imported);
    // THEN
    expect(grant.success).toBe(true);
    expect(role.trustedRoles.map(r => r.toString())).toEqual(['arn:aws:iam::111122223333:role/jobs/importer']);
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111122223333:role/jobs/importer' } })],
    }));
  });

  test('trusts a CrossAccountTaskRole of the same app with the same-app checks', () => {
    // GIVEN a task role that does not list the destination
    const app = newApp();
    const source = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { roleName: 'my-ECS-task-role' });
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', { roleName: 'destination-account-role' });
    // WHEN
    role.grantAssumeRole(source);
    // THEN
    expect(() => app.synth()).toThrow(/DestinationStack\/DestinationRole\] names .*my-ECS-task-role \(SourceStack\/TaskRole\), but SourceStack\/TaskRole does not name .* back/);
  });

  test('a named iam.Role of another stack of the app: the destination stack deploys after it, without the ordering warning', () => {
    // GIVEN
    const app = newApp();
    const source = sourceStack(app);
    const plain = new iam.Role(source, 'Reporter', { roleName: 'reporter', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const stack = destinationStack(app);
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { roleName: 'destination-account-role' });
    // WHEN
    role.grantAssumeRole(plain);
    // THEN
    app.synth();
    expect(stack.dependencies).toContain(source);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('trustedRoleOutsideApp'));
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Principal: { AWS: partitionArn(':iam::111122223333:role/reporter') } })],
    }));
  });

  test('a plain iam.Role of another account also gets sts:AssumeRole on this role in its own stack', () => {
    // GIVEN
    const app = newApp();
    const source = sourceStack(app);
    const plain = new iam.Role(source, 'Reporter', { roleName: 'reporter', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', { roleName: 'destination-account-role', path: '/jobs/' });
    // WHEN
    const grant = role.grantAssumeRole(plain);
    // THEN the identity half is in the grantee's default policy, with this role's path
    app.synth();
    Template.fromStack(source).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: partitionArn(':iam::555566667777:role/jobs/destination-account-role') }],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^Reporter') }],
    });
    expect(grant.success).toBe(true);
    expect(grant.principalStatements).toHaveLength(1);
    expect(grant.resourceStatements).toHaveLength(1);
  });

  test('a plain iam.Role gets the session actions the trust allows', () => {
    const app = newApp();
    const source = sourceStack(app);
    const plain = new iam.Role(source, 'Reporter', { roleName: 'reporter', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', { allowSessionTags: true });
    role.grantAssumeRole(plain);
    Template.fromStack(source).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['sts:AssumeRole', 'sts:TagSession'] })] },
    });
  });

  test('an imported role of another account gets only the trust (its own account must allow sts:AssumeRole)', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { roleName: 'destination-account-role' });
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/importer');
    const grant = role.grantAssumeRole(imported);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
    expect(grant.principalStatements).toHaveLength(0);
    expect(grant.resourceStatements).toHaveLength(1);
  });

  test('the grant\'s resource statement is the trust given, and applyBefore() orders after this role', () => {
    // GIVEN
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { roleName: 'destination-account-role', allowSessionTags: true });
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/importer');
    const bucket = new s3.Bucket(stack, 'Bucket');
    // WHEN
    const grant = role.grantAssumeRole(imported);
    grant.applyBefore(bucket);
    // THEN
    expect(stack.resolve(grant.resourceStatements.map(s => s.toStatementJson()))).toEqual([{
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Principal: { AWS: 'arn:aws:iam::111122223333:role/importer' },
    }]);
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', { DependsOn: [stack.getLogicalId(role.node.defaultChild as iam.CfnRole)] });
  });

  test('an imported role is not a construct of the app: the ordering warning stays', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { roleName: 'destination-account-role' });
    role.grantAssumeRole(iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/importer'));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/DestinationRole', Match.stringLikeRegexp(
      '^trusts arn:aws:iam::111122223333:role/importer by ARN.*trustedRoleOutsideApp'));
  });

  test('a CrossAccountTaskRole gets no statement from the grant: its destinations come from addDestination()', () => {
    const app = newApp();
    const source = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { roleName: 'my-ECS-task-role' });
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', { roleName: 'destination-account-role' });
    const grant = role.grantAssumeRole(source);
    expect(grant.principalStatements).toHaveLength(0);
  });

  test('refuses a principal that is not a role, naming addTrustedRole()', () => {
    const role = new TrustedDestinationRole(destinationStack(), 'DestinationRole', { trustedRoles: [taskRole] });
    expect(() => role.grantAssumeRole(new iam.ServicePrincipal('lambda.amazonaws.com')))
      .toThrow(/DestinationStack\/DestinationRole: grantAssumeRole\(.*lambda.amazonaws.com.*\) cannot trust it: .*addTrustedRole\(RoleReference.of/);
  });

  test('refuses a role of its own account, saying so', () => {
    const stack = destinationStack();
    const local = new iam.Role(stack, 'Local', { roleName: 'local', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole] });
    expect(() => role.grantAssumeRole(local)).toThrow(new RegExp('^DestinationStack/DestinationRole: grantAssumeRole\\(.*\\) cannot trust it: '
      + 'this role trusts roles of other accounts whose ARN is known at synth\\. '
      + 'arn:\\$\\{AWS::Partition\\}:iam::555566667777:role/local is in this role\'s own account\\. '
      + 'Name the role with addTrustedRole\\(RoleReference\\.of\\(\\{ account, roleName, path \\}\\)\\), '
      + 'or give the grantee a roleName and its stack an explicit env: \\{ account \\}\\.$'));
  });

  test('refuses a role whose name is not known at synth', () => {
    const app = newApp();
    const generated = new iam.Role(sourceStack(app), 'Generated', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', { trustedRoles: [taskRole] });
    expect(() => role.grantAssumeRole(generated)).toThrow(/grantAssumeRole\(.*\) cannot trust it: this role trusts roles of other accounts whose ARN is known at synth\. Name the role/);
  });

  test.each<[string, (stack: Stack) => iam.IRole]>([
    ['a name that is a token', stack => new iam.Role(stack, 'Named', {
      roleName: new CfnParameter(stack, 'Name').valueAsString, assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    })],
    ['a role imported by name, whose ARN holds the partition token', stack => iam.Role.fromRoleName(stack, 'ByName', 'reporter')],
  ])('refuses a role with %s, naming addTrustedRole()', (_what, grantee) => {
    const app = newApp();
    const source = sourceStack(app);
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', { trustedRoles: [taskRole] });
    expect(() => role.grantAssumeRole(grantee(source))).toThrow(/^DestinationStack\/DestinationRole: grantAssumeRole\(.*\) cannot trust it: this role trusts roles of other accounts whose ARN is known at synth\. Name the role/);
  });

  test('refuses a role of its own account', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole] });
    const local = iam.Role.fromRoleArn(stack, 'Local', 'arn:aws:iam::555566667777:role/local');
    expect(() => role.grantAssumeRole(local)).toThrow(/cannot trust it: .*arn:aws:iam::555566667777:role\/local is in this role's own account/);
  });
});

describe('session tags and source identity', () => {
  test('are not allowed by default', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    expectTrust(stack, Match.objectLike({ Statement: [Match.objectLike({ Action: 'sts:AssumeRole' })] }));
  });

  test('allowSessionTags and allowSourceIdentity add sts:TagSession and sts:SetSourceIdentity to every trust statement', () => {
    // GIVEN
    const stack = destinationStack();
    // WHEN
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [taskRole],
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'batch-*' })],
      allowSessionTags: true,
      allowSourceIdentity: true,
    });
    // THEN
    const actions = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Action: actions }), Match.objectLike({ Action: actions })],
    }));
  });
});

describe('externalIds', () => {
  test('accepts any of several external IDs, after externalId, each once', () => {
    // GIVEN
    const stack = destinationStack();
    // WHEN
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [taskRole],
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'batch-*' })],
      externalId: 'old-id',
      externalIds: ['new-id', 'old-id'],
    });
    // THEN
    const condition = Match.objectLike({ StringEquals: Match.objectLike({ 'sts:ExternalId': ['old-id', 'new-id'] }) });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Condition: condition }), Match.objectLike({ Condition: condition })],
    }));
  });

  test('a single external ID in the list renders as one value', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], externalIds: ['only-id'] });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Condition: { StringEquals: { 'sts:ExternalId': 'only-id' } } })],
    }));
  });

  test('refuses an empty list', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], externalIds: [] }))
      .toThrow(/DestinationStack\/R: externalIds \[\] is invalid: give at least one value, or leave the property out/);
  });

  test('checks each external ID, naming its position', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], externalIds: ['good-id', 'bad id'] }))
      .toThrow(/DestinationStack\/R: externalIds\[1\] "bad id" is invalid: an external ID is 2 to 1,224 characters/);
  });

  test('checks a token in the list once it resolves, naming its position', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [taskRole], externalIds: ['good-id', Lazy.string({ produce: () => 'bad id' })],
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /\[DestinationStack\/R\] externalIds\[1\] \(a token that resolves to\) "bad id" is invalid: an external ID is 2 to 1,224 characters/);
  });
});

describe('roleSessionNamePattern', () => {
  test('requires a matching session name on every trust statement (StringLike sts:RoleSessionName)', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [taskRole],
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'batch-*' })],
      roleSessionNamePattern: 'reports-*',
    });
    const condition = Match.objectLike({ StringLike: { 'sts:RoleSessionName': 'reports-*' } });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Condition: condition }), Match.objectLike({ Condition: condition })],
    }));
  });

  test('refuses a character that cannot be in a session name', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], roleSessionNamePattern: 'reports job' }))
      .toThrow(/DestinationStack\/R: roleSessionNamePattern "reports job" is invalid: .* \(" " is not allowed\)/);
  });

  test('refuses a pattern that matches every name', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], roleSessionNamePattern: '*' }))
      .toThrow(/roleSessionNamePattern "\*" is invalid: it matches every session name, so it limits nothing/);
  });

  test('accepts a token', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', {
      trustedRoles: [taskRole], roleSessionNamePattern: Lazy.string({ produce: () => 'reports-*' }),
    })).not.toThrow();
  });
});

describe('addTrustConditions', () => {
  test('adds the conditions to every trust statement, also to ones added later, without a wholeAccountTrust warning', () => {
    // GIVEN
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN });
    // WHEN
    role.addTrustConditions({ StringEquals: { 'aws:PrincipalTag/team': 'reports' } });
    role.addTrustedOrganizationRoles(OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'batch-*' }));
    // THEN
    const condition = Match.objectLike({ StringEquals: Match.objectLike({ 'aws:PrincipalTag/team': 'reports' }) });
    expectTrust(stack, Match.objectLike({
      Statement: [Match.objectLike({ Condition: condition }), Match.objectLike({ Condition: condition })],
    }));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('wholeAccountTrust'));
  });

  test.each(['aws:PrincipalArn', 'AWS:PRINCIPALORGID', 'sts:ExternalId', 'sts:RoleSessionName'])('refuses %s, which the role writes itself', key => {
    const role = new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole] });
    expect(() => role.addTrustConditions({ ArnLike: { [key]: '*' } }))
      .toThrow(/DestinationStack\/R: conditions.ArnLike ".*" is invalid: this key is written by the role itself, and another value would replace or widen it: use trustedRoles \/ trustedOrganizationRoles, externalIds or roleSessionNamePattern instead$/);
  });

  test('a call with a refused condition adds none of its conditions', () => {
    // GIVEN
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    // WHEN the second condition of the call is refused
    expect(() => role.addTrustConditions({
      StringEquals: { 'aws:PrincipalTag/team': 'reports' },
      ArnLike: { 'aws:PrincipalArn': '*' },
    })).toThrow(/this key is written by the role itself/);
    // THEN the first is not there either
    expectTrust(stack, Match.objectLike({ Statement: [Match.objectLike({ Condition: Match.absent() })] }));
  });

  test('refuses a condition that is already set', () => {
    const role = new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole] });
    role.addTrustConditions({ StringEquals: { 'aws:PrincipalTag/team': 'reports' } });
    expect(() => role.addTrustConditions({ StringEquals: { 'aws:PrincipalTag/team': 'billing' } }))
      .toThrow(/conditions.StringEquals "aws:PrincipalTag\/team" is invalid: this condition is already set/);
  });

  test('refuses an operator without keys', () => {
    const role = new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole] });
    for (const keys of ['true', null, Lazy.any({ produce: () => ({ 'aws:SecureTransport': 'true' }) })]) {
      expect(() => role.addTrustConditions({ Bool: keys })).toThrow(/conditions "Bool" is invalid: each operator takes an object of condition keys and values/);
    }
  });

  test('refuses a condition key given as a token, which could replace a key the role writes itself', () => {
    // GIVEN
    const role = new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN });
    const key = Lazy.string({ produce: () => 'aws:PrincipalArn' });
    // WHEN / THEN
    expect(() => role.addTrustConditions({ StringEquals: { [key]: 'arn:aws:iam::444455556666:role/other' } }))
      .toThrow(/DestinationStack\/R: conditions.StringEquals ".*Token.*" is invalid: a condition key must be a literal \(such as aws:PrincipalTag\/team\): a token could resolve to a key the role writes itself \(aws:PrincipalArn, sts:ExternalId, \.\.\.\) and replace its value$/);
  });

  test('refuses a condition operator given as a token', () => {
    const role = new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole] });
    const operator = Lazy.string({ produce: () => 'StringLike' });
    expect(() => role.addTrustConditions({ [operator]: { 'aws:PrincipalTag/team': 'reports' } }))
      .toThrow(/DestinationStack\/R: conditions ".*Token.*" is invalid: a condition operator must be a literal \(such as StringEquals\): a token could resolve to any operator, and it could not be checked against the keys the role writes itself$/);
  });
});

describe('a trusted role outside the app (TrustMode.ROLE_ARN)', () => {
  test('warns that the source must be deployed first, and that ACCOUNT_WITH_PRINCIPAL_ARN removes the ordering', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp(
      'trusts arn:.*my-ECS-task-role by ARN \\(TrustMode.ROLE_ARN\\), but no construct of this app is that role.*deploy the source first.*'
      + 'TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN removes that ordering.*cdk-cross-account-task-roles:trustedRoleOutsideApp'));
  });

  test('does not warn in ACCOUNT_WITH_PRINCIPAL_ARN mode', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('trustedRoleOutsideApp'));
  });

  test('warns once, naming every role outside the app', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [taskRole, RoleReference.of({ account: OTHER_ACCOUNT, roleName: 'worker' })],
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('trustedRoleOutsideApp'));
    expect(warnings.map(w => w.id)).toEqual(['/DestinationStack/R']);
    expect(warnings[0].entry.data).toMatch(/^trusts arn:\$\{AWS::Partition\}:iam::111122223333:role\/my-ECS-task-role, arn:\$\{AWS::Partition\}:iam::444455556666:role\/worker by ARN /);
  });

  test('a role of another app is outside this one: warns, and adds no dependency', () => {
    const other = new CrossAccountTaskRole(sourceStack(newApp()), 'TaskRole', { roleName: 'my-ECS-task-role' });
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { roleName: 'destination-account-role', trustedRoles: [other.reference] });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('trustedRoleOutsideApp'));
    expect(stack.dependencies).toEqual([]);
  });

  test('a role trusted by reference and again with grantAssumeRole: deploys after it; the warning names only the others', () => {
    // GIVEN the reference first, without a construct behind it, and a role outside the app
    const app = newApp();
    const source = sourceStack(app);
    const reporter = new iam.Role(source, 'Reporter', { roleName: 'reporter', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const stack = destinationStack(app);
    const role = new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'reporter', partition: 'aws' }), taskRole],
    });
    // WHEN the same role is granted as a construct
    role.grantAssumeRole(reporter);
    // THEN
    app.synth();
    expect(stack.dependencies).toEqual([source]);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('trustedRoleOutsideApp'));
    expect(warnings.map(w => w.entry.data)).toEqual([expect.stringMatching(/^trusts arn:\$\{AWS::Partition\}:iam::111122223333:role\/my-ECS-task-role by ARN/)]);
  });

  test('the reference of a destination role of another stack of the app: deploys after that stack, without the warning', () => {
    // GIVEN a chain: a role of another account that this one trusts, also made with this library
    const app = newApp();
    const middleStack = new Stack(app, 'MiddleStack', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    const middle = new TrustedDestinationRole(middleStack, 'Middle', { roleName: 'middle', trustedRoles: [taskRole] });
    const stack = destinationStack(app);
    // WHEN
    new TrustedDestinationRole(stack, 'R', { roleName: 'destination-account-role', trustedRoles: [middle.reference] });
    // THEN
    app.synth();
    expect(stack.dependencies).toEqual([middleStack]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('trustedRoleOutsideApp'));
  });

  test('a dependency cycle names the trust as the reason for the order', () => {
    const app = newApp();
    const source = sourceStack(app);
    const task = new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role' });
    const stack = destinationStack(app);
    const role = new TrustedDestinationRole(stack, 'R', { roleName: 'destination-account-role', trustedRoles: [task.reference] });
    task.addDestination(role.reference);
    source.addDependency(stack, 'the source reads an output of the destination');
    expect(() => app.synth()).toThrow(
      "'SourceStack' depends on 'DestinationStack' (the source reads an output of the destination). "
      + 'Adding this dependency (DestinationStack/R trusts SourceStack/TaskRole by ARN (TrustMode.ROLE_ARN)) would create a cyclic reference.');
  });

  test('orders the stacks with addStackDependency() where aws-cdk-lib has it, not with the addDependency() it deprecates', () => {
    // GIVEN a stack as newer aws-cdk-lib versions have it, whose addDependency() is deprecated
    class NewerStack extends Stack {
      public readonly added: string[] = [];
      public addStackDependency(target: Stack, reason?: string): void {
        this.added.push(`${target.stackName}: ${reason}`);
        super.addDependency(target, reason);
      }
      public addDependency(): void {
        throw new Error('aws-cdk-lib.Stack#addDependency is deprecated. Use addStackDependency instead.');
      }
    }
    const app = newApp();
    const source = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
      roleName: 'my-ECS-task-role', destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
    });
    const stack = new NewerStack(app, 'DestinationStack', { env: { account: DESTINATION_ACCOUNT, region: 'us-east-1' } });
    new TrustedDestinationRole(stack, 'R', { roleName: 'destination-account-role', trustedRoles: [source.reference] });
    // WHEN
    app.synth();
    // THEN
    expect([...new Set(stack.added)]).toEqual(['SourceStack: DestinationStack/R trusts SourceStack/TaskRole by ARN (TrustMode.ROLE_ARN)']);
    expect(stack.dependencies.map(s => s.stackName)).toEqual(['SourceStack']);
  });

  test('does not warn when the source is in the same app', () => {
    const app = newApp();
    const source = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
      roleName: 'my-ECS-task-role', destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' })],
    });
    const stack = destinationStack(app);
    new TrustedDestinationRole(stack, 'R', { roleName: 'destination-account-role', trustedRoles: [source.reference] });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('trustedRoleOutsideApp'));
  });
});

describe('grantAssumeRole names the grantee exactly', () => {
  test('refuses a role without a name with the rule and both ways out', () => {
    const app = newApp();
    const generated = new iam.Role(sourceStack(app), 'Generated', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const role = new TrustedDestinationRole(destinationStack(app), 'DestinationRole', { trustedRoles: [taskRole] });
    expect(() => role.grantAssumeRole(generated)).toThrow(
      /^DestinationStack\/DestinationRole: grantAssumeRole\(.*\) cannot trust it: this role trusts roles of other accounts whose ARN is known at synth. Name the role with addTrustedRole\(RoleReference.of\(\{ account, roleName, path \}\)\), or give the grantee a roleName and its stack an explicit env: \{ account \}.$/);
  });

  test('passes on the error of an imported role whose ARN cannot be trusted', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole] });
    const wildcard = iam.Role.fromRoleArn(stack, 'Wildcard', 'arn:aws:iam::111122223333:role/*');
    expect(() => role.grantAssumeRole(wildcard)).toThrow(/^RoleReference.fromArn: roleArn "arn:aws:iam::111122223333:role\/\*" is invalid/);
  });
});
