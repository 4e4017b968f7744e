import { Duration, Lazy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsConfigProfile, CrossAccountTaskRole, DestinationRoleStackSet, RoleReference, TaskExecutionRole, TrustedDestinationRole } from '../../src';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from '../support/app';

/**
 * The rules of src/rules/identifiers.ts (accounts, role names and paths, partitions, Regions,
 * external IDs, session durations), seen through the public API: each boundary value on both sides,
 * each character a rule singles out, and the exact wording a user reads.
 */

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const destination = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' });

describe('role name rule: length and the first character not allowed', () => {
  test('a 64-character name is accepted, a 65-character one is refused with its length', () => {
    // GIVEN names of 64 and 65 characters
    const longest = 'a'.repeat(64);
    // WHEN / THEN
    expect(RoleReference.of({ account: SOURCE_ACCOUNT, roleName: longest }).roleName).toBe(longest);
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: `${longest}b` }))
      .toThrow(/^RoleReference\.of: roleName "a{64}b" is invalid: a role name is 1 to 64 characters of letters, digits and \+ = , \. @ _ - \(it has 65\)$/);
  });

  test('a 64-character name with a character not allowed names the character, not the length', () => {
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: `${'a'.repeat(63)}!` }))
      .toThrow(/a role name is 1 to 64 characters of letters, digits and \+ = , \. @ _ - \("!" is not allowed\)$/);
  });

  test('a one-character name that is not allowed names the character', () => {
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: '!' }))
      .toThrow(/roleName "!" is invalid: a role name is 1 to 64 characters of letters, digits and \+ = , \. @ _ - \("!" is not allowed\)$/);
  });

  test('an empty name is refused with its length', () => {
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: '' }))
      .toThrow(/roleName "" is invalid: a role name is 1 to 64 characters .*\(it has 0\)$/);
  });

  test('the first character not allowed is named, after allowed ones', () => {
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'ok-name#x!' }))
      .toThrow(/\("#" is not allowed\)$/);
  });
});

describe('account rule: the 16-digit placeholder hint', () => {
  test('a 16-digit ID gets the placeholder hint', () => {
    expect(() => RoleReference.of({ account: '1111222233334444', roleName: 'r' }))
      .toThrow(/^RoleReference\.of: account "1111222233334444" is invalid: an AWS account ID has exactly 12 digits \(16-digit IDs such as 1111222233334444 are documentation placeholders/);
  });

  test.each(['11112222333344445', 'x1111222233334444', '1111222233334444x', '111122223333444'])('%s is refused without the hint', account => {
    expect(() => RoleReference.of({ account, roleName: 'r' }))
      .toThrow(new RegExp(`^RoleReference\\.of: account "${account}" is invalid: an AWS account ID has exactly 12 digits$`));
  });
});

describe('role path rule', () => {
  test('a path with a wildcard is refused with the wildcard rule', () => {
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'r', path: '/team*/' }))
      .toThrow(/^RoleReference\.of: path "\/team\*\/" is invalid: a role path cannot contain the wildcards \* or \?$/);
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'r', path: '/te?m/' }))
      .toThrow(/path "\/te\?m\/" is invalid: a role path cannot contain the wildcards \* or \?$/);
  });

  test('a path of 512 characters is accepted, one of 513 refused with its length', () => {
    const longest = `/${'p'.repeat(510)}/`;
    expect(RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'r', path: longest }).path).toBe(longest);
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'r', path: `/${'p'.repeat(511)}/` }))
      .toThrow(/is invalid: a role path is at most 512 characters \(it has 513\)$/);
  });
});

describe('partition rule', () => {
  test('an unknown partition is refused, listing the known partitions in order', () => {
    expect(() => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'r', partition: 'aws-mars' }))
      .toThrow(/^RoleReference\.of: partition "aws-mars" is invalid: a partition is one of aws, aws-cn, (?:[a-z-]+, )*aws-us-gov(?:, [a-z-]+)* \(from aws-cdk-lib's region-info\)$/);
  });

  test('the known partitions are listed sorted', () => {
    let message = '';
    try {
      RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'r', partition: 'aws-mars' });
    } catch (error) {
      message = (error as Error).message;
    }
    const listed = /one of (.*) \(from/.exec(message)![1].split(', ');
    expect(listed).toEqual([...listed].sort());
    expect(listed).not.toContain('undefined');
    expect(new Set(listed).size).toBe(listed.length);
  });
});

describe('maximum session duration bounds', () => {
  test.each([Duration.hours(1), Duration.hours(12)])('accepts %s', maxSessionDuration => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { maxSessionDuration });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: maxSessionDuration.toSeconds() });
  });

  test.each([Duration.seconds(3599), Duration.seconds(43201)])('refuses %s', maxSessionDuration => {
    expect(() => new CrossAccountTaskRole(sourceStack(), 'TaskRole', { maxSessionDuration }))
      .toThrow(/^SourceStack\/TaskRole: maxSessionDuration ".*" is invalid: a role's maximum session duration is between 1 and 12 hours$/);
  });
});

describe('profile Region and external ID', () => {
  test.each([['us-east-1', 'aws'], ['ap-southeast-12', 'aws'], ['us-gov-west-1', 'aws-us-gov']])('accepts the Region %s (partition %s)', (region, partition) => {
    expect(AwsConfigProfile.render(destination, { region, partition })).toContain(`region = ${region}\n`);
  });

  test.each(['Us-east-1', '1us-east-1', 'us-east-1x', 'us-east-123', 'us-east-', 'useast-1', 'u-east-1'])('refuses the Region %s', region => {
    expect(() => AwsConfigProfile.render(destination, { region }))
      .toThrow(new RegExp(`^AwsConfigProfile\\.render: region "${region}" is invalid: a Region is lowercase words and a number joined by hyphens, such as us-east-1$`));
  });

  test('an external ID of 1,224 characters is accepted, 1,225 refused with its length', () => {
    expect(AwsConfigProfile.render(destination, { externalId: 'e'.repeat(1224) })).toContain(`external_id = ${'e'.repeat(1224)}\n`);
    expect(() => AwsConfigProfile.render(destination, { externalId: 'e'.repeat(1225) }))
      .toThrow(/externalId "e{1225}" is invalid: an external ID is 2 to 1,224 characters of letters, digits and \+ = , \. @ : \/ _ - \(it has 1225\)$/);
  });
});

describe('the path of a role the library creates', () => {
  test.each<[string, (path: string) => void]>([
    ['CrossAccountTaskRole', path => new CrossAccountTaskRole(sourceStack(), 'R', { path })],
    ['TrustedDestinationRole', path => new TrustedDestinationRole(destinationStack(), 'R', { path, trustedRoles: [taskRole] })],
    ['TaskExecutionRole', path => new TaskExecutionRole(sourceStack(), 'R', { path })],
  ])('%s refuses /aws-service-role/ and /aws-reserved/, where IAM refuses to create a role', (_construct, create) => {
    for (const path of ['/aws-service-role/', '/aws-service-role/ecs.amazonaws.com/', '/aws-reserved/', '/aws-reserved/sso.amazonaws.com/']) {
      expect(() => create(path)).toThrow(new RegExp(
        `/R: path "${path.replace(/[/.]/g, '\\$&')}" is invalid: IAM keeps the paths under /aws-(service-role|reserved)/ for the roles AWS creates itself `
        + '\\(service-linked roles under /aws-service-role/, IAM Identity Center roles under /aws-reserved/\\) and refuses to create a role there, '
        + 'so the deployment would fail: choose another path, such as /teams/$'));
    }
  });

  test('a DestinationRoleStackSet refuses them for the role it deploys to every account', () => {
    expect(() => new DestinationRoleStackSet(sourceStack(), 'StackSet', {
      destinationRole: { roleName: 'destination-account-role', path: '/aws-reserved/', trustedRoles: [taskRole] },
      organizationalUnitIds: ['ou-ab12-11111111'],
    })).toThrow(/path "\/aws-reserved\/" is invalid: IAM keeps the paths under \/aws-reserved\//);
  });

  test.each(['/service-role/', '/aws/', '/teams/aws-service-role/', '/aws-service-roles/'])('accepts %s, which is not one of them', path => {
    const role = new CrossAccountTaskRole(sourceStack(), 'R', { roleName: 'my-ECS-task-role', path });
    expect(role.reference.path).toBe(path);
  });

  test('accepts a path that is a token, which CloudFormation resolves', () => {
    const stack = sourceStack(newApp());
    expect(() => new CrossAccountTaskRole(stack, 'R', { path: Lazy.string({ produce: () => '/teams/' }) })).not.toThrow();
  });

  test('leaves references to roles AWS created alone: they may be named', () => {
    const reference = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'AWSServiceRoleForECS', path: '/aws-service-role/ecs.amazonaws.com/' });
    expect(reference.roleArn).toContain(':role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS');
  });
});
