import { Lazy, Stack } from 'aws-cdk-lib';
import { CrossAccountTaskRole, OrganizationRoles, TrustedDestinationRole } from '../src';
import { OTHER_ACCOUNT, destinationStack, newApp, sourceStack } from './support/app';
import { OrganizationContext, allowAssumeAnyRole, canAssume, rolesOf, stackTemplate } from '../tools/iam-offline/simulate';

const ORG = 'o-a1b2c3d4e5';
const PAYMENTS_OU = `${ORG}/r-ab12/ou-ab12-11111111/`;

describe('organizationalUnitPaths', () => {
  test('an empty list is refused: it would drop the organizational unit condition and admit the whole organization', () => {
    // GIVEN / WHEN / THEN
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName: 'my-ECS-task-role', organizationalUnitPaths: [] }))
      .toThrow(/^OrganizationRoles\.of: organizationalUnitPaths \[\] is invalid: an empty list would leave out the aws:PrincipalOrgPaths \/ aws:ResourceOrgPaths condition, and so admit every account of the organization: give at least one path, or leave the property out to mean the whole organization$/);
  });

  test('one path is taken, and leaving the property out means the whole organization', () => {
    const limited = OrganizationRoles.of({ organizationId: ORG, roleName: 'my-ECS-task-role', organizationalUnitPaths: [PAYMENTS_OU] });
    const whole = OrganizationRoles.of({ organizationId: ORG, roleName: 'my-ECS-task-role' });
    expect([limited.organizationalUnitPaths, whole.organizationalUnitPaths]).toEqual([[PAYMENTS_OU], []]);
  });
});

describe('administrator roles that AWS services and tools create in every account are never admitted', () => {
  test.each([
    ['/', 'O*', '/OrganizationAccountAccessRole'],
    ['/', 'Organization?ccount*', '/OrganizationAccountAccessRole'],
    ['/', 'OrganizationAccountAccessRole', '/OrganizationAccountAccessRole'],
    ['/', 'AWSControl*', '/AWSControlTowerExecution'],
    ['/', 'aws-c*', '/aws-controltower-AdministratorExecutionRole'],
    ['/', 'stacksets-*', '/stacksets-exec-<32 hexadecimal digits>'],
    ['/', 'stacksets-exec-0123456789abcdef0123456789abcdef', '/stacksets-exec-<32 hexadecimal digits>'],
    ['/', 'AWSCloud*', '/AWSCloudFormationStackSetExecutionRole'],
    ['/', 'AWSAFT*', '/AWSAFTExecution'],
    ['/', 'cdk-*', '/cdk-<qualifier>-cfn-exec-role-<account>-<region>'],
    ['/', 'cdk-hnb659fds-deploy-role-*', '/cdk-<qualifier>-deploy-role-<account>-<region>'],
    ['/', 'cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1', '/cdk-<qualifier>-cfn-exec-role-<account>-<region>'],
    ['/', '?rganization*', '/OrganizationAccountAccessRole'],
  ])('refuses path %s with name %s, which can match %s', (path, roleName, admin) => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName, path })).toThrow(new RegExp(
      `^OrganizationRoles\\.of: path \\+ roleName "${(path + roleName).replace(/[*?]/g, '\\$&')}" is invalid: the pattern can match `
      + `${admin.replace(/[/<>]/g, '\\$&')}, .*: whoever holds such a role would be trusted, or could be assumed, in every account of the pattern\\. `
      + 'Start the path or the name with characters such roles do not have, for example path "/teams/" or roleName "reports-\\*", or name the role exactly$'));
  });

  test('names what the role is', () => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName: 'O*' }))
      .toThrow(/\/OrganizationAccountAccessRole, the role AWS Organizations creates in each account it creates, with AdministratorAccess, for the management account/);
  });

  test.each([
    ['/', 'reports-*'],
    ['/', 'Organization-readers'],
    ['/', 'stacksets-reader'],
    ['/', 'stacksets-exec-reader-*'],
    ['/', 'cdk-*-task-role'],
    ['/', 'cdk-app-cfn-exec-role-reader'],
    ['/teams/*/', '*Admin*'],
    ['/teams/', 'OrganizationAccountAccessRole'],
  ])('accepts path %s with name %s, which none of them has', (path, roleName) => {
    expect(OrganizationRoles.of({ organizationId: ORG, roleName, path }).roleArnPattern).toContain(`${path}${roleName}`);
  });

  test('refuses a destination pattern that resolves at synth to one that can match OrganizationAccountAccessRole', () => {
    const app = newApp();
    new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
      destinationOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: Lazy.string({ produce: () => 'O*' }) })],
    });
    expect(() => app.synth())
      .toThrow(/destinationOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/O\*" is invalid: the pattern can match \/OrganizationAccountAccessRole/);
  });

  test('refuses a trusted pattern that resolves at synth to one that can match the StackSets execution role', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: Lazy.string({ produce: () => 'stacksets-*' }) })],
    });
    expect(() => app.synth())
      .toThrow(/trustedOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/stacksets-\*" is invalid: the pattern can match \/stacksets-exec-/);
  });

  test('simulation: the trust of an accepted pattern admits a team role but not OrganizationAccountAccessRole', async () => {
    const app = newApp();
    const target = destinationStack(app);
    new TrustedDestinationRole(target, 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: 'Organization*', path: '/teams/' })],
    });
    const roles = rolesOf([stackTemplate(target as Stack)]);
    const inOrg: OrganizationContext = { id: ORG, path: PAYMENTS_OU };
    const request = {
      targetArn: 'arn:aws:iam::555566667777:role/destination-account-role',
      callerPolicies: [allowAssumeAnyRole()],
      callerOrganization: inOrg,
      targetOrganization: inOrg,
    };
    const team = await canAssume(roles, { ...request, callerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/teams/OrganizationReaders` });
    const admin = await canAssume(roles, { ...request, callerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/OrganizationAccountAccessRole` });
    expect([team.trust, admin.trust]).toEqual(['allowed', 'denied']);
  });
});
