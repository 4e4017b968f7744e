import { CfnParameter, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, OrganizationRoles, RoleReference, TrustedDestinationRole } from '../../src';
import { OrganizationContext, allowAssumeAnyRole, canAssume, rolesOf, stackTemplate } from '../../tools/iam-offline/simulate';
import { OTHER_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from '../support/app';

/**
 * The rules of src/rules/organizations.ts (organization IDs, organizational unit paths, patterns
 * of role names and paths), seen through the public API: each boundary value on both sides,
 * each character a rule singles out, and the exact wording a user reads.
 */

const ORG = 'o-a1b2c3d4e5';
const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const PAYMENTS_OU = `${ORG}/r-ab12/ou-ab12-11111111/`;

describe('identifier bounds', () => {
  test.each([
    ['o-abcdefghij', true], ['o-abcdefghi', false], [`o-${'a'.repeat(32)}`, true], [`o-${'a'.repeat(33)}`, false], ['o-ABCDEFGHIJ', false], ['xo-abcdefghij', false],
  ])('organization ID %s accepted: %s', (organizationId, accepted) => {
    const build = () => OrganizationRoles.of({ organizationId, roleName: 'reports-*' });
    if (accepted) {
      expect(build().organizationId).toBe(organizationId);
    } else {
      expect(build).toThrow(/organizationId ".*" is invalid: an organization ID is "o-" followed by 10 to 32 lowercase letters or digits$/);
    }
  });

  test.each([
    [`${ORG}/r-ab12/`, true], [`${ORG}/r-ab1/`, false], [`${ORG}/r-${'a'.repeat(32)}/`, true], [`${ORG}/r-${'a'.repeat(33)}/`, false],
    [`${ORG}/r-ab12/ou-ab12-11111111/`, true], [`${ORG}/r-ab12/ou-ab1-11111111/`, false], [`${ORG}/r-ab12/ou-ab12-1111111/`, false],
    [`${ORG}/r-ab12/ou-${'a'.repeat(32)}-${'1'.repeat(32)}/`, true], [`${ORG}/r-ab12/ou-${'a'.repeat(33)}-11111111/`, false],
    [`${ORG}/r-ab12/ou-ab12-${'1'.repeat(33)}/`, false], [`${ORG}/r-ab12/ou-ab12-11111111/*`, true], [`${ORG}/r-ab12/ou-ab12-11111111`, false],
    [`${ORG}/r-ab12/ou-ab12-11111111/ou-cd34-22222222/`, true], [`x${ORG}/r-ab12/`, false], [`${ORG}/r-ab12/**`, false],
  ])('organizational unit path %s accepted: %s', (path, accepted) => {
    const build = () => OrganizationRoles.of({ organizationId: ORG, roleName: 'reports-*', organizationalUnitPaths: [path] });
    if (accepted) {
      expect(build().organizationalUnitPaths).toEqual([path]);
    } else {
      expect(build).toThrow(/^OrganizationRoles\.of: organizationalUnitPaths ".*" is invalid: an organizational unit path is <organization ID>\/<root ID>\/<OU ID>\/...\//);
    }
  });

  test('a role name pattern of 65 characters and a session name pattern of 65 characters are refused with their length', () => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName: `${'r'.repeat(64)}*` }))
      .toThrow(/^OrganizationRoles\.of: roleName "r{64}\*" is invalid: a role name pattern is 1 to 64 characters of letters, digits, \+ = , \. @ _ - and the wildcards \* \? \(it has 65\)$/);
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], roleSessionNamePattern: `${'s'.repeat(64)}*` }))
      .toThrow(/^DestinationStack\/R: roleSessionNamePattern "s{64}\*" is invalid: a role session name pattern is 1 to 64 characters of letters, digits, \+ = , \. @ _ - and the wildcards \* \? \(it has 65\)$/);
  });

  test('a 64-character role name pattern and session name pattern are accepted', () => {
    const name = `${'r'.repeat(63)}*`;
    expect(OrganizationRoles.of({ organizationId: ORG, roleName: name }).roleName).toBe(name);
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], roleSessionNamePattern: `${'s'.repeat(63)}*` });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('organization patterns', () => {
  test('an organization ID given as a parameter leaves the organizational unit path unchecked against it', () => {
    // GIVEN an organization ID known only at deploy time
    const stack = destinationStack();
    const org = new CfnParameter(stack, 'Org').valueAsString;
    // WHEN
    new TrustedDestinationRole(stack, 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: org, roleName: 'reports-*', organizationalUnitPaths: [`${ORG}/r-ab12/ou-ab12-11111111/`] })],
    });
    // THEN it synthesizes
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('a name pattern with wildcards and other characters is accepted, whichever end the wildcards are at', () => {
    for (const roleName of ['*-reports', 'reports-*', '?eports']) {
      expect(OrganizationRoles.of({ organizationId: ORG, roleName, path: '/teams/' }).roleName).toBe(roleName);
    }
  });

  test('a path pattern of 512 characters is accepted, 513 refused', () => {
    const longest = `/${'p'.repeat(510)}/`;
    expect(OrganizationRoles.of({ organizationId: ORG, roleName: 'r', path: longest }).path).toBe(longest);
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName: 'r', path: `/${'p'.repeat(511)}/` }))
      .toThrow(/path ".*" is invalid: a role path pattern is "\/" or starts and ends with "\/", up to 512 printable ASCII characters/);
  });

  test.each([
    ['/?ws-service-role/', 'x', '/aws-service-role/'],
    ['/a?s-reserved/', 'x', '/aws-reserved/'],
    ['/', 'a*', '/aws-reserved/'],
    ['/', '?w*', '/aws-reserved/'],
    ['/aws-*/', 'x', '/aws-reserved/'],
  ])('path %s with name %s can match roles under %s, and is refused', (path, roleName, reserved) => {
    expect(() => OrganizationRoles.of({ organizationId: ORG, roleName, path }))
      .toThrow(new RegExp(`path \\+ roleName ".*" is invalid: the pattern can match roles under ${reserved.replace(/[/]/g, '\\/')}, which AWS creates`));
  });

  test.each([
    ['/teams/', 'x'],
    ['/', 'b*'],
    ['/?/', 'x'],
    ['/aws/', 'reports-*'],
    ['/aw/', 'x'],
  ])('path %s with name %s cannot match a reserved path, and is accepted', (path, roleName) => {
    expect(OrganizationRoles.of({ organizationId: ORG, roleName, path }).path).toBe(path);
  });
});

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
