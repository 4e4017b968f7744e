import { Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, OrganizationRoles, RoleReference, TrustedDestinationRole } from '../src';
import { OTHER_ACCOUNT, destinationStack, newApp, sourceStack, partitionArn } from './support/app';
import { walkthrough } from './support/walkthrough';
import { OrganizationContext, allowAssumeAnyRole, canAssume, rolesOf, stackTemplate } from '../tools/iam-offline/simulate';

const ORG = 'o-a1b2c3d4e5';
const PAYMENTS_OU = `${ORG}/r-ab12/ou-ab12-11111111/`;
const taskRoles = (props: Partial<{ roleName: string; organizationalUnitPaths: string[] }> = {}) =>
  OrganizationRoles.of({ organizationId: ORG, roleName: 'my-ECS-task-role', ...props });
const destinationRoles = () => OrganizationRoles.of({ organizationId: ORG, roleName: 'destination-account-role' });


describe('trust of organization roles', () => {
  test('admits roles of the organization whose ARN matches the pattern', () => {
    // GIVEN
    const stack = destinationStack();
    // WHEN
    new TrustedDestinationRole(stack, 'DestinationRole', { trustedOrganizationRoles: [taskRoles()] });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectEquals({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: '*' },
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': ORG },
            ArnLike: { 'aws:PrincipalArn': partitionArn(':iam::*:role/my-ECS-task-role') },
          },
        }],
      }),
    });
  });

  test('limits to organizational units and requires the external ID', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'DestinationRole', {
      trustedOrganizationRoles: [taskRoles({ organizationalUnitPaths: [PAYMENTS_OU] })],
      externalId: 'payments',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: {
            'StringEquals': { 'aws:PrincipalOrgID': ORG, 'sts:ExternalId': 'payments' },
            'ArnLike': { 'aws:PrincipalArn': partitionArn(':iam::*:role/my-ECS-task-role') },
            'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [PAYMENTS_OU] },
          },
        })],
      },
    });
  });

  test('sits beside exact trusted roles, each in its own statement', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'DestinationRole', { trustedOrganizationRoles: [taskRoles()] });
    role.addTrustedRole(RoleReference.of({ account: OTHER_ACCOUNT, roleName: 'auditor' }));
    role.addTrustedOrganizationRoles(taskRoles());
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { AWS: '*' } }),
          Match.objectLike({ Principal: { AWS: partitionArn(':iam::444455556666:role/auditor') } }),
        ],
      },
    });
    expect(role.trustedOrganizationRoles).toHaveLength(1);
  });
});

describe('destinations of organization roles', () => {
  test('the task role may assume the name in any account of the organization', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { destinationOrganizationRoles: [destinationRoles()] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'AssumeDestinationRoles',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: partitionArn(':iam::*:role/destination-account-role'),
            Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
          }],
        },
      }],
    });
  });

  test('keeps exact destinations in their own statement', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'exact' })],
    });
    role.addDestinationOrganizationRoles(OrganizationRoles.of({
      organizationId: ORG, roleName: 'reader-*', path: '/data/', organizationalUnitPaths: [PAYMENTS_OU],
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [Match.objectLike({
        PolicyDocument: Match.objectLike({
          Statement: [
            Match.objectLike({ Sid: 'AssumeDestinationRoles', Resource: partitionArn(':iam::555566667777:role/exact') }),
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Resource: partitionArn(':iam::*:role/data/reader-*'),
              Condition: {
                'StringEquals': { 'aws:ResourceOrgID': ORG },
                'ForAnyValue:StringLike': { 'aws:ResourceOrgPaths': [PAYMENTS_OU] },
              },
            },
          ],
        }),
      })],
    });
  });
});

describe('policy size does not grow with accounts', () => {
  test('the same template for an organization of 1 or 1,000 accounts', () => {
    // The pattern names no account: nothing in the template depends on how many there are.
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'DestinationRole', { trustedOrganizationRoles: [taskRoles()] });
    const trust = JSON.stringify(Template.fromStack(stack).toJSON()).replace(/\s+/g, '');
    expect(trust).not.toMatch(/\d{12}:role/);
  });
});

describe('validation', () => {
  test('refuses a pattern of only wildcards', () => {
    expect(() => taskRoles({ roleName: '*' }))
      .toThrow(/OrganizationRoles.of: roleName "\*" is invalid: a pattern of only wildcards would match every role of the organization/);
  });

  test('accepts a pattern with one literal character', () => {
    expect(taskRoles({ roleName: 'r*' }).roleName).toBe('r*');
  });

  test('refuses an organization ID without the o- prefix', () => {
    expect(() => OrganizationRoles.of({ organizationId: 'a1b2c3d4e5', roleName: 'r' }))
      .toThrow(/organizationId "a1b2c3d4e5" is invalid: an organization ID is "o-" followed by 10 to 32/);
  });

  test('refuses an organizational unit path of another organization', () => {
    expect(() => taskRoles({ organizationalUnitPaths: ['o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/'] }))
      .toThrow(/organizationalUnitPaths "o-zzzzzzzzzz\/r-ab12\/ou-ab12-11111111\/" is invalid: the path must start with the organization ID o-a1b2c3d4e5/);
  });

  test('refuses a malformed organizational unit path', () => {
    expect(() => taskRoles({ organizationalUnitPaths: ['ou-ab12-11111111'] }))
      .toThrow(/organizationalUnitPaths "ou-ab12-11111111" is invalid: an organizational unit path is <organization ID>\/<root ID>/);
  });

  test('refuses a path pattern without slashes', () => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName: 'r', path: 'data' }))
      .toThrow(/path "data" is invalid: a role path pattern is "\/" or starts and ends with "\/"/);
  });
});

describe('simulation: who may assume what across the organization', () => {
  const inOrg: OrganizationContext = { id: ORG, path: PAYMENTS_OU };
  const otherOrg: OrganizationContext = { id: 'o-zzzzzzzzzz', path: 'o-zzzzzzzzzz/r-zz99/' };
  const taskRole = 'arn:aws:iam::111122223333:role/my-ECS-task-role';
  const destination = 'arn:aws:iam::555566667777:role/destination-account-role';
  const anyRole = [allowAssumeAnyRole()];

  function organizationChain(ouPaths?: string[]) {
    const app = newApp();
    const source = sourceStack(app);
    const target = destinationStack(app);
    new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role', destinationOrganizationRoles: [destinationRoles()] });
    new TrustedDestinationRole(target, 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedOrganizationRoles: [taskRoles({ organizationalUnitPaths: ouPaths })],
    });
    return rolesOf([stackTemplate(source), stackTemplate(target as Stack)]);
  }

  test('allows the task role of an account of the organization', async () => {
    const verdict = await canAssume(organizationChain(), {
      callerArn: taskRole, targetArn: destination, callerOrganization: inOrg, targetOrganization: inOrg,
    });
    expect(verdict).toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
  });

  test('protects against a role of the same name in another organization', async () => {
    const verdict = await canAssume(organizationChain(), {
      callerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/my-ECS-task-role`,
      targetArn: destination,
      callerPolicies: anyRole,
      callerOrganization: otherOrg,
      targetOrganization: inOrg,
    });
    expect(verdict.trust).toBe('denied');
  });

  test('protects against another role of an account of the organization', async () => {
    const verdict = await canAssume(organizationChain(), {
      callerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/admin`,
      targetArn: destination,
      callerPolicies: anyRole,
      callerOrganization: inOrg,
      targetOrganization: inOrg,
    });
    expect(verdict.trust).toBe('denied');
  });

  test('protects against a caller outside the trusted organizational unit', async () => {
    const verdict = await canAssume(organizationChain([PAYMENTS_OU]), {
      callerArn: taskRole,
      targetArn: destination,
      callerOrganization: { id: ORG, path: `${ORG}/r-ab12/ou-ab12-22222222/` },
      targetOrganization: inOrg,
    });
    expect(verdict.trust).toBe('denied');
  });

  test('protects the task role from assuming the name in an account outside the organization', async () => {
    const verdict = await canAssume(organizationChain(), {
      callerArn: taskRole,
      targetArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/destination-account-role`,
      targetTrust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: taskRole }, Action: 'sts:AssumeRole' }] },
      callerOrganization: inOrg,
      targetOrganization: otherOrg,
    });
    expect(verdict).toEqual({ identity: 'denied', trust: 'allowed', result: 'denied' });
  });
});

describe('matchesName', () => {
  test.each([
    ['my-ECS-task-role', '/', 'my-ECS-task-role', '/', true],
    ['my-ECS-task-role', '/', 'my-ECS-task-role-2', '/', false],
    ['reader-*', '/', 'reader-x', '/', true],
    ['reader-*', '/', 'any-name', '/reader-x/', true],
    ['reader-?', '/', 'reader-xy', '/', false],
    ['r.le', '/', 'rXle', '/', false],
    ['role', '/team/', 'role', '/', false],
    ['reader-?', '/', 'reader-x', '/', true],
    ['role', '/', 'role', '/team/', false],
    ['a+b', '/', 'a+b', '/', true],
    ['a+b', '/', 'aab', '/', false],
    ['role', '/team(x)|[a]^\\/', 'role', '/team(x)|[a]^\\/', true],
    ['role', '/team(x)/', 'role', '/teamx/', false],
    ['role', '/[ab]/', 'role', '/a/', false],
    ['role', '/a|b/', 'role', '/b/', false],
  ])('%s at %s matches %s at %s: %s', (pattern, patternPath, name, path, expected) => {
    const roles = OrganizationRoles.of({ organizationId: ORG, roleName: pattern, path: patternPath });
    expect(roles.matchesName(RoleReference.of({ account: OTHER_ACCOUNT, roleName: name, path }))).toBe(expected);
  });

  test('a pattern or a name known only at deploy time is taken to match', () => {
    const later = Lazy.string({ produce: () => 'reader' });
    expect(OrganizationRoles.of({ organizationId: ORG, roleName: later }).matchesName(RoleReference.of({ account: OTHER_ACCOUNT, roleName: 'x' }))).toBe(true);
    expect(OrganizationRoles.of({ organizationId: ORG, roleName: 'reader' }).matchesName(RoleReference.of({ account: OTHER_ACCOUNT, roleName: later }))).toBe(true);
  });
});

describe('OrganizationRoles.of checks', () => {
  test('a name pattern without a path is checked at the default path /', () => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName: 'a*' }))
      .toThrow(/^OrganizationRoles.of: path \+ roleName "\/a\*" is invalid: the pattern can match roles under \/aws-reserved\//);
  });

  test('a partition that region-info does not know is refused, naming the property', () => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName: 'reader', partition: 'aws-foo' }))
      .toThrow(/^OrganizationRoles.of: partition "aws-foo" is invalid/);
  });
});

describe('both halves in one app', () => {
  test('a destination that trusts the task role by organization pattern names it back', () => {
    const { app } = walkthrough({ destinationRole: { trustedRoles: undefined, trustedOrganizationRoles: [taskRoles()] } });
    expect(() => app.synth()).not.toThrow();
  });

  test('a task role that may assume the destination by organization pattern names it back', () => {
    const { app } = walkthrough({ taskRole: { destinationRoles: undefined, destinationOrganizationRoles: [destinationRoles()] } });
    expect(() => app.synth()).not.toThrow();
  });

  test('a pattern that does not match the name does not count as naming it back', () => {
    const { app } = walkthrough({ destinationRole: { trustedRoles: undefined, trustedOrganizationRoles: [taskRoles({ roleName: 'batch-*' })] } });
    expect(() => app.synth()).toThrow(/DestinationStack\/DestinationRole does not name .*my-ECS-task-role back/);
  });
});

describe('roles that AWS reserves are never admitted', () => {
  const SSO_ADMIN = `arn:aws:iam::${OTHER_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`;
  const inOrg: OrganizationContext = { id: ORG, path: PAYMENTS_OU };

  test.each([
    ['/*/', '*Admin*', '/aws-reserved/'],
    ['/', '*Admin*', '/aws-reserved/'],
    ['/', 'a*', '/aws-reserved/'],
    ['/aws-service-role/', 'AWSServiceRoleFor*', '/aws-service-role/'],
    ['/aws-?ervice-role/*/', 'r', '/aws-service-role/'],
  ])('refuses path %s with name %s, which can match roles under %s', (path, roleName, reserved) => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName, path })).toThrow(new RegExp(
      `OrganizationRoles\\.of: path \\+ roleName ".*" is invalid: the pattern can match roles under ${reserved.replace(/\//g, '\\/')}, which AWS creates`));
  });

  test.each([
    ['/teams/*/', '*Admin*'],
    ['/', 'reports-*'],
    ['/', 'AWSReserved*'],
  ])('accepts path %s with name %s, which starts with what reserved paths do not', (path, roleName) => {
    expect(OrganizationRoles.of({ organizationId: ORG, roleName, path }).roleArnPattern).toContain(`${path}${roleName}`);
  });

  test('refuses a destination pattern that resolves at synth to one that can match reserved roles', () => {
    const app = newApp();
    new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
      destinationOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: Lazy.string({ produce: () => '*Admin*' }) })],
    });
    expect(() => app.synth()).toThrow(/destinationOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/\*Admin\*" is invalid: the pattern can match roles under \/aws-reserved\//);
  });

  test('refuses a trusted pattern that resolves at synth to one that can match reserved roles', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: 'x', path: Lazy.string({ produce: () => '/*/' }) })],
    });
    expect(() => app.synth()).toThrow(/trustedOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/\*\/x" is invalid: the pattern can match roles under/);
  });

  function adminChain() {
    const app = newApp();
    const source = sourceStack(app);
    const target = destinationStack(app);
    const admins = OrganizationRoles.of({ organizationId: ORG, roleName: '*Admin*', path: '/teams/*/' });
    new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role', destinationOrganizationRoles: [admins] });
    new TrustedDestinationRole(target, 'DestinationRole', { roleName: 'destination-account-role', trustedOrganizationRoles: [admins] });
    return rolesOf([stackTemplate(source), stackTemplate(target as Stack)]);
  }

  test('simulation: the trust of an accepted admin pattern admits a team admin role but not an IAM Identity Center one', async () => {
    const roles = adminChain();
    const request = {
      targetArn: 'arn:aws:iam::555566667777:role/destination-account-role',
      callerPolicies: [allowAssumeAnyRole()],
      callerOrganization: inOrg,
      targetOrganization: inOrg,
    };
    const teamAdmin = await canAssume(roles, { ...request, callerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/teams/payments/TeamAdmin` });
    const ssoAdmin = await canAssume(roles, { ...request, callerArn: SSO_ADMIN });
    expect([teamAdmin.trust, ssoAdmin.trust]).toEqual(['allowed', 'denied']);
  });

  test('simulation: a task role given an accepted admin pattern may not assume an IAM Identity Center role', async () => {
    const verdict = await canAssume(adminChain(), {
      callerArn: 'arn:aws:iam::111122223333:role/my-ECS-task-role',
      targetArn: SSO_ADMIN,
      targetTrust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/my-ECS-task-role' }, Action: 'sts:AssumeRole' }] },
      callerOrganization: inOrg,
      targetOrganization: inOrg,
    });
    expect(verdict.identity).toBe('denied');
  });
});
