import { Duration, Lazy, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Matcher, Template } from 'aws-cdk-lib/assertions';
import { OrganizationRoles, RoleReference, TrustMode, TrustedDestinationRole } from '../src';
import { OTHER_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, partitionArn } from './support/app';

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
  test('names the account and limits it to the role ARN', () => {
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
        Condition: { ArnEquals: { 'aws:PrincipalArn': partitionArn(':iam::111122223333:role/my-ECS-task-role') } },
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
          StringEquals: { 'sts:ExternalId': 'x-1' },
          ArnEquals: {
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
    expect(() => Template.fromStack(stack)).toThrow(/DestinationStack\/DestinationRole\] trusts no role: pass trustedRoles or call addTrustedRole/);
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
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
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

describe('whole-account trust, wider cases', () => {
  function withExtraStatement(statement: iam.PolicyStatement): Stack {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(statement);
    return stack;
  }

  test('warns about a statement that admits everyone', () => {
    const stack = withExtraStatement(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AnyPrincipal()] }));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every principal of \\*'));
  });

  test('warns about an account limited only by organization, which does not narrow it', () => {
    const stack = withExtraStatement(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    }));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every principal of arn:aws:iam::111122223333:root'));
  });

  test('warns about an aws:PrincipalArn condition of only wildcards', () => {
    const stack = withExtraStatement(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)],
      conditions: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } },
    }));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every principal'));
  });

  test('does not warn about the organization trust the library writes', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'my-ECS-task-role' })],
    });
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
