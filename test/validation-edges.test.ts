import { CfnCondition, CfnMapping, CfnParameter, Duration, Fn, Lazy, Stack, Token, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  AwsConfigProfile, CredentialSource, CrossAccountTaskRole, OrganizationRoles, RoleReference, TaskExecutionRole, TrustedDestinationRole,
} from '../src';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from './support/app';

/**
 * The edges of the input rules, seen through the public API: each boundary value on both
 * sides, each character a rule singles out, and the exact wording a user reads.
 */

const ORG = 'o-a1b2c3d4e5';
const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const destination = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' });
const lazy = (value: string) => Lazy.string({ produce: () => value });

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

describe('a duration given as a parameter', () => {
  test('a profile duration given as a parameter is left to deploy time', () => {
    const stack = sourceStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    const container = new ecs.FargateTaskDefinition(stack, 'Task')
      .addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
    AwsConfigProfile.addToContainer(container, destination, { includeProfile: true, durationSeconds: seconds });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

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

  test.each([
    ['vpc-0123abcd', true], ['vpc-0123abc', false], [`vpc-${'a'.repeat(17)}`, true], [`vpc-${'a'.repeat(16)}`, false], [`vpc-${'a'.repeat(18)}`, false],
    ['vpc-0123ABCD', false], ['xvpc-0123abcd', false], ['vpc-0123abcdx', false],
  ])('VPC ID %s accepted: %s', (id, accepted) => {
    const build = () => new TaskExecutionRole(sourceStack(), 'ExecutionRole', { imagePullSourceVpcs: ['vpc-00000000', id] });
    if (accepted) {
      expect(build).not.toThrow();
    } else {
      expect(build).toThrow(/^SourceStack\/ExecutionRole: imagePullSourceVpcs\[1\] ".*" is invalid: a VPC ID is "vpc-" followed by 8 or 17 lowercase hexadecimal digits/);
    }
  });

  test.each([['vpce-0123abcd', true], ['vpce-0123abc', false], [`vpce-${'a'.repeat(17)}`, true], ['vpce-0123abcdx', false], ['vpc-0123abcd', false]])(
    'VPC endpoint ID %s accepted: %s', (id, accepted) => {
      const build = () => new TaskExecutionRole(sourceStack(), 'ExecutionRole', { imagePullSourceVpcEndpoints: [id] });
      if (accepted) {
        expect(build).not.toThrow();
      } else {
        expect(build).toThrow(/imagePullSourceVpcEndpoints\[0\] ".*" is invalid: a VPC endpoint ID is "vpce-" followed by 8 or 17 lowercase hexadecimal digits/);
      }
    });

  test('an empty list of VPC endpoints is refused', () => {
    expect(() => new TaskExecutionRole(sourceStack(), 'ExecutionRole', { imagePullSourceVpcEndpoints: [] }))
      .toThrow(/imagePullSourceVpcEndpoints \[\] is invalid: give at least one ID, or leave imagePullSourceVpcEndpoints out to allow image pulls from anywhere$/);
  });

  test('a list of one external ID is accepted', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], externalIds: ['reports-id'] });
    expect(() => Template.fromStack(stack)).not.toThrow();
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

  test('an empty list of external IDs is refused', () => {
    expect(() => new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], externalIds: [] }))
      .toThrow(/^DestinationStack\/R: externalIds \[\] is invalid: give at least one value, or leave the property out$/);
  });
});

describe('profile durationSeconds bounds and messages', () => {
  test.each([900, 3600])('a role-chained profile accepts %d seconds', durationSeconds => {
    expect(AwsConfigProfile.render(destination, { durationSeconds })).toContain(`duration_seconds = ${durationSeconds}\n`);
  });

  test.each([899, 3601, 1000.5])('a role-chained profile refuses %d seconds, saying chained sessions get 1 hour', durationSeconds => {
    expect(() => AwsConfigProfile.render(destination, { durationSeconds })).toThrow(new RegExp(
      `^AwsConfigProfile\\.render: durationSeconds ${durationSeconds} is invalid: a session lasts a whole number of seconds from 900 \\(15 minutes\\) `
      + 'to 3600 \\(1 hour\\): a role assumed with a task role\'s or instance profile\'s session \\(role chaining\\) gets at most 1 hour$'));
  });

  test('a profile with long-term credentials accepts 12 hours and refuses one second more, saying so', () => {
    expect(AwsConfigProfile.render(destination, { durationSeconds: 43200, credentialSource: CredentialSource.ENVIRONMENT }))
      .toContain('duration_seconds = 43200\n');
    expect(() => AwsConfigProfile.render(destination, { durationSeconds: 43201, credentialSource: CredentialSource.ENVIRONMENT }))
      .toThrow(/^AwsConfigProfile\.render: durationSeconds 43201 is invalid: a session lasts a whole number of seconds from 900 \(15 minutes\) to 43200 \(12 hours\), and no longer than the role's maxSessionDuration$/);
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

describe('profile role session name bounds', () => {
  test('2 and 64 characters are accepted; 1 and 65 are refused with their length', () => {
    expect(AwsConfigProfile.render(destination, { roleSessionName: 'ab' })).toContain('role_session_name = ab\n');
    expect(AwsConfigProfile.render(destination, { roleSessionName: 's'.repeat(64) })).toContain(`role_session_name = ${'s'.repeat(64)}\n`);
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: 'a' }))
      .toThrow(/^AwsConfigProfile\.render: roleSessionName "a" is invalid: a role session name is 2 to 64 characters of letters, digits and \+ = , \. @ _ - \(it has 1\)$/);
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: 's'.repeat(65) })).toThrow(/\(it has 65\)$/);
  });

  test('a 2-character and a 64-character name with a character not allowed name the character', () => {
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: 'a ' })).toThrow(/\(" " is not allowed\)$/);
    expect(() => AwsConfigProfile.render(destination, { roleSessionName: `${'s'.repeat(63)}#` })).toThrow(/\("#" is not allowed\)$/);
  });
});

describe('environment variable prefix', () => {
  const container = () => {
    const stack = sourceStack();
    const definition = new ecs.FargateTaskDefinition(stack, 'Task');
    return definition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
  };

  test.each(['1ABC', 'AB-C', 'AB C'])('refuses %s, which is not a variable name', prefix => {
    expect(() => AwsConfigProfile.addToContainer(container(), destination, { environmentVariablePrefix: prefix }))
      .toThrow(/environmentVariablePrefix ".*" is invalid: an environment variable prefix is letters, digits and _, not starting with a digit$/);
  });

  test.each(['AWS', 'aws_', 'AWS_ROLE'])('refuses %s, which the SDKs read', prefix => {
    expect(() => AwsConfigProfile.addToContainer(container(), destination, { environmentVariablePrefix: prefix }))
      .toThrow(/environmentVariablePrefix ".*" is invalid: AWS_\* variables are read by the AWS SDKs themselves/);
  });

  test.each(['AWSOME', 'MY_AWS', 'MY_AWS_'])('accepts %s, which only looks like AWS_', prefix => {
    const c = container();
    AwsConfigProfile.addToContainer(c, destination, { environmentVariablePrefix: prefix });
    Template.fromStack(Stack.of(c)).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([Match.objectLike({ Name: `${prefix}_ROLE_ARN` })]) })],
    });
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

describe('session name patterns and token values', () => {
  test('a session name pattern that starts or ends with a wildcard, but holds more, is accepted', () => {
    for (const roleSessionNamePattern of ['*-reports', 'reports-*', '**x']) {
      const stack = destinationStack();
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], roleSessionNamePattern });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Condition: Match.objectLike({ StringLike: { 'sts:RoleSessionName': roleSessionNamePattern } }) })],
        }),
      });
    }
  });

  test('a VPC ID given as a token is accepted', () => {
    const stack = sourceStack();
    const vpc = new CfnParameter(stack, 'Vpc').valueAsString;
    new TaskExecutionRole(stack, 'ExecutionRole', { imagePullSourceVpcs: [vpc] });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('an organization pattern whose name is a token is checked against reserved paths once resolved, not at construction', () => {
    // GIVEN a path that a wildcard opens to every path, and a name known only at synth
    const app = newApp();
    const stack = destinationStack(app);
    // WHEN
    const roles = OrganizationRoles.of({ organizationId: ORG, path: '/*/', roleName: lazy('reports-*') });
    new TrustedDestinationRole(stack, 'R', { trustedOrganizationRoles: [roles] });
    // THEN the pattern is refused at synth
    expect(() => app.synth()).toThrow(/trustedOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/\*\/reports-\*" is invalid: the pattern can match roles under \/aws-reserved\//);
  });
});

describe('values that the app resolves', () => {
  test.each([
    ['account', { account: lazy('1234'), roleName: 'r' }, /\] trustedRoles\[0\]\.account \(a token that resolves to\) "1234" is invalid: an AWS account ID/],
    ['roleName', { account: SOURCE_ACCOUNT, roleName: lazy('a b') }, /\] trustedRoles\[0\]\.roleName \(a token that resolves to\) "a b" is invalid: a role name/],
    ['path', { account: SOURCE_ACCOUNT, roleName: 'r', path: lazy('x') }, /\] trustedRoles\[0\]\.path \(a token that resolves to\) "x" is invalid: a role path/],
    ['partition', { account: SOURCE_ACCOUNT, roleName: 'r', partition: lazy('aws-mars') }, /\] trustedRoles\[0\]\.partition \(a token that resolves to\) "aws-mars" is invalid: a partition/],
  ])('a reference whose %s resolves to a bad value is refused, naming it', (_, props, message) => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [RoleReference.of(props)] });
    expect(() => app.synth()).toThrow(message);
  });

  test.each([
    ['organizationId', { organizationId: lazy('o-x'), roleName: 'r' }, /\] trustedOrganizationRoles\[0\]\.organizationId \(a token that resolves to\) "o-x" is invalid: an organization ID/],
    ['roleName', { organizationId: ORG, roleName: lazy('a b') }, /\] trustedOrganizationRoles\[0\]\.roleName \(a token that resolves to\) "a b" is invalid: a role name pattern/],
    ['path', { organizationId: ORG, roleName: 'r', path: lazy('x') }, /\] trustedOrganizationRoles\[0\]\.path \(a token that resolves to\) "x" is invalid: a role path pattern/],
    ['path + roleName', { organizationId: ORG, roleName: 'a*', path: lazy('/') }, /\] trustedOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/a\*" is invalid: the pattern can match roles under \/aws-reserved\//],
    ['partition', { organizationId: ORG, roleName: 'r', partition: lazy('aws-mars') }, /\] trustedOrganizationRoles\[0\]\.partition \(a token that resolves to\) "aws-mars" is invalid: a partition/],
    ['organizationalUnitPaths', { organizationId: ORG, roleName: 'r', organizationalUnitPaths: [`${ORG}/r-ab12/`, lazy('o-bbbbbbbbbb/r-ab12/')] },
      /\] trustedOrganizationRoles\[0\]\.organizationalUnitPaths\[1\] \(a token that resolves to\) "o-bbbbbbbbbb\/r-ab12\/" is invalid: the path must start with the organization ID o-a1b2c3d4e5/],
  ])('an organization pattern whose %s resolves to a bad value is refused, naming it', (_, props, message) => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedOrganizationRoles: [OrganizationRoles.of(props)] });
    expect(() => app.synth()).toThrow(message);
  });

  test.each(['*', '?', '$', '{', '}'])('a role name joined with a parameter is refused when its literal part holds %s', character => {
    const app = newApp();
    const stack = destinationStack(app);
    const suffix = new CfnParameter(stack, 'Suffix').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Fn.join('', [`team${character}`, suffix]) })],
    });
    expect(() => app.synth()).toThrow(/trustedRoles\[0\]\.roleName resolves to .*, whose literal part "team.*" holds a wildcard/);
  });

  test('a role name that resolves to a list is refused when an element holds a wildcard', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Token.asString(['team-*']) })],
    });
    expect(() => app.synth()).toThrow(/trustedRoles\[0\]\.roleName resolves to \["team-\*"\], whose literal part "team-\*" holds a wildcard/);
  });

  test('a role name joined with a parameter by a separator holding a wildcard is refused', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const suffix = new CfnParameter(stack, 'Suffix').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Fn.join('*', ['team', suffix]) })],
    });
    expect(() => app.synth()).toThrow(/whose literal part "\*" holds a wildcard/);
  });

  test('an organization role name joined with a parameter may hold a wildcard, not a policy variable', () => {
    const accepted = newApp();
    const stack = destinationStack(accepted);
    const team = new CfnParameter(stack, 'Team').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: Fn.join('', [team, '-*']), path: '/teams/' })],
    });
    expect(() => accepted.synth()).not.toThrow();

    const refused = newApp();
    const other = destinationStack(refused);
    const name = new CfnParameter(other, 'Team').valueAsString;
    new TrustedDestinationRole(other, 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: Fn.join('', [name, '-${aws:username}']), path: '/teams/' })],
    });
    expect(() => refused.synth()).toThrow(/trustedOrganizationRoles\[0\]\.roleName resolves to .*whose literal part "-\$\{aws:username\}"/);
  });

  test.each([
    ['a path of "/*/" and a name that is a parameter', (name: string) => ({ path: '/*/', roleName: name }), '/aws-reserved/'],
    ['the default path and a name that is a parameter', (name: string) => ({ roleName: name }), '/aws-reserved/'],
    ['a path that is a parameter', (name: string) => ({ path: Fn.join('', ['/', name, '/']), roleName: 'reader' }), '/aws-reserved/'],
    ['a name joined with a parameter that starts with it', (name: string) => ({ roleName: Fn.join('', [name, '-reader']) }), '/aws-reserved/'],
    ['a name substituted from a parameter that starts with it', (name: string) => ({ roleName: Fn.sub('${Name}-reader', { Name: name }) }), '/aws-reserved/'],
    ['a name read from a mapping by a parameter (taken as * whatever the mapping holds)', (name: string, stack: Stack) => ({
      roleName: new CfnMapping(stack, 'Names', { mapping: { prod: { name: 'reports-*' }, dev: { name: 'audit-*' } } }).findInMap(name, 'name'),
    }), '/aws-reserved/'],
  ])('an organization pattern with %s, which could match reserved roles at deploy time, is refused', (_, props, reserved) => {
    const app = newApp();
    const stack = destinationStack(app);
    const name = new CfnParameter(stack, 'Name').valueAsString;
    new TrustedDestinationRole(stack, 'R', { trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, ...props(name, stack) })] });
    expect(() => app.synth()).toThrow(new RegExp(
      'trustedOrganizationRoles\\[0\\]\\.path \\+ roleName \\(resolves to .*Ref.*Name.*; with what only CloudFormation knows taken as \\*\\) '
      + `".*" is invalid: the pattern can match roles under ${reserved}`));
  });

  test.each([
    ['follows a literal path that no reserved role has', (name: string) => ({ path: '/teams/', roleName: name })],
    ['follows a literal name prefix that no reserved role has', (name: string) => ({ roleName: Fn.join('', ['reports-', name]) })],
    // "a" + "x" + the parameter cannot start with "aws-reserved"; without the separator it could.
    ['follows a literal joined by a separator, which counts as literal text', (name: string) => ({ roleName: Fn.join('x', ['a', name]) })],
    ['follows a literal prefix of the template it is substituted into', (name: string) => ({ roleName: Fn.sub('reports-${Name}', { Name: name }) })],
    ['follows a literal prefix given as another variable of the template', (name: string) => ({ roleName: Fn.sub('${Prefix}${Name}', { Prefix: 'reports-', Name: name }) })],
    ['follows a literal prefix read from a mapping by literal keys', (name: string, stack: Stack) => ({
      roleName: Fn.join('', [new CfnMapping(stack, 'Prefixes', { mapping: { prod: { prefix: 'reports-' } } }).findInMap('prod', 'prefix'), name]),
    })],
    ['is a pseudo parameter after a literal prefix of the template', () => ({ roleName: Fn.sub('reports-${AWS::Region}') })],
  ])('an organization pattern whose parameter %s is accepted', (_, props) => {
    const app = newApp();
    const stack = destinationStack(app);
    const name = new CfnParameter(stack, 'Name').valueAsString;
    new TrustedDestinationRole(stack, 'R', { trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, ...props(name, stack) })] });
    expect(() => app.synth()).not.toThrow();
  });

  test('a role name joined with a parameter and plain text is accepted', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const suffix = new CfnParameter(stack, 'Suffix').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Fn.join('-', ['team', suffix]) })],
    });
    expect(() => app.synth()).not.toThrow();
  });

  describe('values that other CloudFormation functions finish', () => {
    // Another mapping comes first, so that the one read is found by its name.
    const accounts = (stack: Stack, mapping: Record<string, Record<string, string>>) => {
      new CfnMapping(stack, 'Regions', { mapping: { prod: { name: 'us-east-1' } } });
      return new CfnMapping(stack, 'Names', { mapping });
    };
    const condition = (stack: Stack) => new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(new CfnParameter(stack, 'Env').valueAsString, 'prod') });
    test.each([
      ['Fn::Sub, in its template', () => Fn.sub('team-*'), '"team-\\*"'],
      ['Fn::Sub, beside a reference to a parameter', (stack: Stack) => Fn.sub('${Team}-*', { Team: new CfnParameter(stack, 'Team').valueAsString }), '"-\\*"'],
      ['Fn::Sub, in a value of its variables', () => Fn.sub('team-${Suffix}', { Suffix: '*' }), '"\\*"'],
      ['Fn::Sub, as a policy variable it escapes', () => Fn.sub('team-${!aws:username}'), '"team-\\$\\{aws:username\\}"'],
      ['Fn::Sub, as braces that name nothing', () => Fn.sub('team-${ }'), '"team-\\$\\{ \\}"'],
      ['Fn::FindInMap, in the value its keys name', (stack: Stack) => accounts(stack, { prod: { name: 'team-*' } }).findInMap('prod', 'name'), '"team-\\*"'],
      ['Fn::FindInMap, in any value a key given as a parameter can reach', (stack: Stack) => accounts(stack, { prod: { name: 'reader' }, dev: { name: '*' } })
        .findInMap(new CfnParameter(stack, 'Env').valueAsString, 'name'), '"\\*"'],
      ['Fn::If, in one of its branches', (stack: Stack) => Fn.conditionIf(condition(stack).logicalId, 'reader', '*').toString(), '"\\*"'],
      ['Fn::Select, in its list', (stack: Stack) => Fn.select(0, [new CfnParameter(stack, 'Name').valueAsString, 'team-?']), '"team-\\?"'],
    ])('a role name with a wildcard in %s is refused', (_, roleName, bad) => {
      const app = newApp();
      const stack = destinationStack(app);
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: roleName(stack) })] });
      expect(() => app.synth()).toThrow(new RegExp(
        `\\] trustedRoles\\[0\\]\\.roleName resolves to .*, whose literal part ${bad} holds a wildcard \\(\\* \\?\\) or policy variable character`));
    });

    test('a destination account given as Fn::Sub of a wildcard does not widen sts:AssumeRole', () => {
      const app = newApp();
      new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
        destinationRoles: [RoleReference.of({ account: Fn.sub('*'), roleName: 'destination-account-role' })],
      });
      expect(() => app.synth()).toThrow(/\] destinationRoles\[0\]\.account resolves to \{"Fn::Sub":"\*"\}, whose literal part "\*" holds a wildcard/);
    });

    test.each([
      ['a reference to a parameter', (stack: Stack) => Fn.sub('team-${Team}', { Team: new CfnParameter(stack, 'Team').valueAsString })],
      ['a reference to a pseudo parameter', () => Fn.sub('team-${AWS::Region}')],
      ['a condition between plain names', (stack: Stack) => Fn.conditionIf(condition(stack).logicalId, 'reader', 'writer').toString()],
      ['an import', () => Fn.importValue('team-role-name')],
      ['a mapping whose keys name a plain name, though another value holds a wildcard',
        (stack: Stack) => accounts(stack, { prod: { name: 'reader' }, dev: { name: '*' } }).findInMap('prod', 'name')],
      ['a mapping the stack does not hold', () => Fn.findInMap('Elsewhere', 'prod', 'name')],
      ['an Fn::Sub whose template is not a string, which CloudFormation refuses', (stack: Stack) =>
        Token.asString({ 'Fn::Sub': new CfnParameter(stack, 'Template').valueAsString })],
    ])('a role name that CloudFormation finishes from %s is accepted', (_, roleName) => {
      const app = newApp();
      const stack = destinationStack(app);
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: roleName(stack) })] });
      expect(() => app.synth()).not.toThrow();
    });
  });
});

describe('warnings and their IDs', () => {
  test('confusedDeputyGuard: false warns with its ID; true and the default do not', () => {
    const off = sourceStack();
    new CrossAccountTaskRole(off, 'TaskRole', { confusedDeputyGuard: false });
    Annotations.fromStack(off).hasWarning('/SourceStack/TaskRole',
      Match.stringLikeRegexp('confusedDeputyGuard is off.*\\[ack: cdk-cross-account-task-roles:confusedDeputyGuardOff\\]'));
    for (const confusedDeputyGuard of [true, undefined]) {
      const on = sourceStack();
      new CrossAccountTaskRole(on, 'TaskRole', { confusedDeputyGuard });
      Annotations.fromStack(on).hasNoWarning('*', Match.stringLikeRegexp('confusedDeputyGuard'));
    }
  });

  test('a maximum session of one hour and one second warns about role chaining, with its ID', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], maxSessionDuration: Duration.seconds(3601) });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp('^maxSessionDuration is 1 hour 1 second, but .*\\[ack: cdk-cross-account-task-roles:chainedSessionDuration\\]'));
  });
});

describe('policy names on the task role', () => {
  const statement = () => new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] });
  const destinations = { destinationRoles: [destination] };

  test('an inline policy of another name stays beside the role\'s own policy', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountTaskRole(stack, 'TaskRole', { ...destinations, inlinePolicies: { Reports: new iam.PolicyDocument({ statements: [statement()] }) } });
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [Match.objectLike({ PolicyName: 'Reports' }), Match.objectLike({ PolicyName: 'AssumeDestinationRoles' })],
    });
  });

  test('a CfnRolePolicy of the same name on the role is refused', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    new iam.CfnRolePolicy(stack, 'Mine', {
      roleName: role.roleName, policyName: 'AssumeDestinationRoles', policyDocument: new iam.PolicyDocument({ statements: [statement()] }),
    });
    expect(() => app.synth()).toThrow(/\[SourceStack\/TaskRole\] SourceStack\/Mine writes a policy named "AssumeDestinationRoles" on the same role/);
  });

  test('a CfnPolicy that names the role by its literal name is refused', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new CrossAccountTaskRole(stack, 'TaskRole', { ...destinations, roleName: 'my-ECS-task-role' });
    new iam.CfnPolicy(stack, 'Mine', {
      policyName: 'assumedestinationroles', roles: ['my-ecs-task-role'], policyDocument: new iam.PolicyDocument({ statements: [statement()] }),
    });
    expect(() => app.synth()).toThrow(/\[SourceStack\/TaskRole\] SourceStack\/Mine writes a policy named "assumedestinationroles" on the same role/);
  });

  test('a policy that aws-cdk-lib leaves out of the template (no statements) does not clash', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [role] });
    expect(() => app.synth()).not.toThrow();
  });

  test('roles of the same name in two stacks without an account may be in two accounts, and do not clash', () => {
    // GIVEN two environment-agnostic stacks, which may deploy to different accounts
    const app = newApp();
    new CrossAccountTaskRole(new Stack(app, 'One'), 'TaskRole', { ...destinations, roleName: 'my-ECS-task-role' });
    const two = new Stack(app, 'Two');
    // WHEN the other stack writes a policy of the same name on a role of the same name
    new iam.Policy(two, 'Mine', {
      policyName: 'AssumeDestinationRoles', roles: [iam.Role.fromRoleName(two, 'Same', 'my-ECS-task-role')], statements: [statement()],
    });
    // THEN nothing is refused
    expect(() => app.synth()).not.toThrow();
  });

  test('a policy whose name is a parameter is left to deploy time', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    new iam.CfnPolicy(stack, 'Mine', {
      policyName: new CfnParameter(stack, 'PolicyName').valueAsString,
      roles: [role.roleName],
      policyDocument: new iam.PolicyDocument({ statements: [statement()] }),
    });
    expect(() => app.synth()).not.toThrow();
  });

  test('a policy added after a first synthesis is still refused at the next one', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const role = new CrossAccountTaskRole(stack, 'TaskRole', destinations);
    app.synth();
    new iam.Policy(stack, 'Mine', { policyName: 'AssumeDestinationRoles', roles: [role], statements: [statement()] });
    expect(() => app.synth({ force: true })).toThrow(/SourceStack\/Mine\/Resource writes a policy named "AssumeDestinationRoles" on the same role/);
  });
});

describe('whole-account trust warning, edges of the conditions', () => {
  const ORG_ID = 'o-a1b2c3d4e5';
  const PROVIDER = `arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

  function trustWith(statement: iam.PolicyStatement): Stack {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(statement);
    return stack;
  }
  const anyone = (conditions: Record<string, unknown>) => new iam.PolicyStatement({
    actions: ['sts:AssumeRole'], principals: [new iam.AnyPrincipal()], conditions,
  });
  const warns = (stack: Stack, admitted = 'every principal of \\*') => Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
    Match.stringLikeRegexp(`^the trust policy admits ${admitted}.*\\[ack: cdk-cross-account-task-roles:wholeAccountTrust\\]`));
  const silent = (stack: Stack) => Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every'));

  test('a Deny statement admits no one, so it does not warn', () => {
    silent(trustWith(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)] })));
    silent(trustWith(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sts:AssumeRoleWithWebIdentity'], principals: [new iam.WebIdentityPrincipal(PROVIDER)] })));
  });

  test('every whole account of a statement is named, separated by commas', () => {
    warns(trustWith(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT), new iam.AccountPrincipal(DESTINATION_ACCOUNT)],
    })), `every principal of arn:aws:iam::${SOURCE_ACCOUNT}:root, arn:aws:iam::${DESTINATION_ACCOUNT}:root that is allowed`);
  });

  test('an account given as a number, as a policy read from JSON may hold it, is an account', () => {
    warns(trustWith(iam.PolicyStatement.fromJson({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 111122223333 } })),
      'every principal of 111122223333 that is allowed');
  });

  test.each([
    ['13 digits', '1111222233334'],
    ['a root ARN with text after it', `arn:aws:iam::${SOURCE_ACCOUNT}:rootx`],
    ['a root ARN with text before it', `xarn:aws:iam::${SOURCE_ACCOUNT}:root`],
  ])('a principal that only holds the form of an account (%s) is not read as one', (_, arn) => {
    silent(trustWith(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(arn)] })));
  });

  test.each([
    ['an aws:PrincipalArn key with text after it', { ArnLike: { 'aws:PrincipalArnx': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } }],
    ['an aws:PrincipalArn key with text before it', { ArnLike: { 'xaws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } }],
    ['a role ARN with text before it', { ArnLike: { 'aws:PrincipalArn': `xarn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } }],
    ['an organization key with text after it', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'aws:PrincipalOrgIDx': ORG_ID } }],
    ['an organization key with text before it', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'xaws:PrincipalOrgID': ORG_ID } }],
  ])('a condition that only holds the form of a limit (%s) does not limit', (_, conditions) => {
    warns(trustWith(anyone(conditions)));
  });

  test('an organization given as a parameter does not limit the accounts, since it may be a wildcard at deploy', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(anyone({
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' },
      StringLike: { 'aws:PrincipalOrgID': new CfnParameter(stack, 'Organization').valueAsString },
    }));
    warns(stack);
  });

  test('a trust statement without a principal gets the error of aws-cdk-lib', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'] }));
    expect(() => Template.fromStack(stack)).toThrow(/A PolicyStatement used in a resource-based policy must specify at least one IAM principal/);
  });

  test('a role whose name is 12 digits is a role, not an account', () => {
    silent(trustWith(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/123456789012`)] })));
  });

  test('an aws:PrincipalArn condition under an IfExists operator does not limit, since a request without the key passes', () => {
    warns(trustWith(anyone({ ArnLikeIfExists: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } })));
  });

  test('condition keys are read without case', () => {
    silent(trustWith(anyone({ ArnLike: { 'aws:principalarn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'AWS:PRINCIPALORGID': ORG_ID } })));
  });

  test('an organization condition of only wildcards does not limit the accounts', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringLike: { 'aws:PrincipalOrgID': '*' } })));
  });

  test('an account list that holds a wildcard does not limit the accounts', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringLike: { 'aws:PrincipalAccount': [SOURCE_ACCOUNT, '*'] } })));
  });

  test('every aws:PrincipalArn value must name a role', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`, `arn:aws:iam::${SOURCE_ACCOUNT}:role/*/`] } })));
  });

  test('a role ARN with an empty or wildcard account admits that name in every account', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:::role/deployer' } })));
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::11112222333?:role/deployer' } })));
  });

  test('a provider limited by one of its keys beside other keys does not warn; another provider\'s key does not limit it', () => {
    const withKeys = (keys: Record<string, string>) => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'], principals: [new iam.WebIdentityPrincipal(PROVIDER, { StringEquals: keys })],
    });
    silent(trustWith(withKeys({ 'aws:RequestedRegion': 'us-east-1', 'token.actions.githubusercontent.com:sub': 'repo:example/app:ref:refs/heads/main' })));
    Annotations.fromStack(trustWith(withKeys({ 'accounts.google.com:sub': 'x' }))).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp(`^the trust policy admits every identity of ${PROVIDER}, with no condition on the provider's keys.*\\[ack: cdk-cross-account-task-roles:wholeAccountTrust\\]`));
  });

  test('a provider key under a negative operator does not limit the provider', () => {
    Annotations.fromStack(trustWith(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(PROVIDER, { StringNotEquals: { 'token.actions.githubusercontent.com:sub': 'repo:example/other:*' } })],
    }))).hasWarning('/DestinationStack/R', Match.stringLikeRegexp(`^the trust policy admits every identity of ${PROVIDER}`));
  });

  test('a provider given as a parameter is left to deploy time', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(new CfnParameter(stack, 'Provider').valueAsString)],
    }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('a provider whose ARN has capitals is matched with its lowercase keys', () => {
    silent(trustWith(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/Example.COM`, { StringEquals: { 'example.com:sub': 'x' } })],
    })));
  });

  test('a SAML provider is limited by a SAML key, not by a key named after its ARN', () => {
    const saml = (keys: Record<string, string>) => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithSAML'],
      principals: [new iam.FederatedPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:saml-provider/corp`, { StringEquals: keys }, 'sts:AssumeRoleWithSAML')],
    });
    silent(trustWith(saml({ 'SAML:sub': 'x' })));
    Annotations.fromStack(trustWith(saml({ 'aws:RequestedRegion': 'us-east-1' }))).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('every identity of .*saml-provider/corp'));
  });
});

describe('image pull limit warning, which task definitions', () => {
  test('an EC2 task definition with another execution role is not warned about; one with the limited role is, by name', () => {
    // GIVEN a role with image pull limits and a plain one
    const stack = sourceStack();
    const limited = new TaskExecutionRole(stack, 'Limited', { imagePullSourceVpcEndpoints: ['vpce-0123abcd'] });
    const plain = new TaskExecutionRole(stack, 'Plain');
    // WHEN an EC2 task definition uses each
    new ecs.Ec2TaskDefinition(stack, 'PlainTask', { executionRole: plain });
    new ecs.Ec2TaskDefinition(stack, 'LimitedTask', { executionRole: limited });
    // THEN only the one with the limited role is warned about, naming the role
    const annotations = Annotations.fromStack(stack);
    annotations.hasNoWarning('/SourceStack/PlainTask/Resource', Match.anyValue());
    annotations.hasWarning('/SourceStack/LimitedTask/Resource', Match.stringLikeRegexp(
      '^the task definition may run on EC2 \\(not Fargate only\\) with the execution role SourceStack/Limited, which denies image pulls.*'
      + '\\[ack: cdk-cross-account-task-roles:imagePullLimitNotFargate\\]'));
  });
});

describe('warnings say the whole rule', () => {
  /** The one warning with the given ID, without the acknowledgement suffix. */
  function warningText(stack: Stack, id: string): string {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`cdk-cross-account-task-roles:${id}`));
    expect(warnings).toHaveLength(1);
    return String(warnings[0].entry.data).replace(/ \[ack: .*\]$/, '');
  }

  const taskRoleDestinations = [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })];
  const trustedRoles = [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' })];

  test.each<[string, (stack: Stack) => void, string]>([
    ['confusedDeputyGuardOff', stack => new CrossAccountTaskRole(stack, 'R', { destinationRoles: taskRoleDestinations, confusedDeputyGuard: false }),
      'confusedDeputyGuard is off: the trust lets ecs-tasks.amazonaws.com assume this role for a task of any account or Region. '
      + 'Passing the role to a task still needs iam:PassRole in this account, so this removes the service-side check only '
      + '(cross-service confused deputy, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). '
      + 'Turn it on unless an ECS feature you use does not send aws:SourceAccount and aws:SourceArn.'],
    ['chainedSessionDuration', stack => new TrustedDestinationRole(stack, 'R', { trustedRoles, maxSessionDuration: Duration.hours(2) }),
      'maxSessionDuration is 2 hours, but a role assumed with another role\'s credentials '
      + '(role chaining, as an ECS task role does) gets at most 1 hour: a request for a longer DurationSeconds fails. '
      + 'Leave maxSessionDuration at 1 hour unless people or services also assume this role with long-term credentials.'],
    ['imagePullLimitNotFargate', stack => {
      const role = new TaskExecutionRole(stack, 'ExecutionRole', { imagePullSourceVpcs: ['vpc-0a1b2c3d4e5f67890'] });
      new ecs.Ec2TaskDefinition(stack, 'TaskDefinition', { executionRole: role });
    },
    'the task definition may run on EC2 (not Fargate only) with the execution role '
      + 'SourceStack/ExecutionRole, which denies image pulls outside imagePullSourceVpcs / imagePullSourceVpcEndpoints. AWS documents '
      + 'these conditions for Fargate tasks only: elsewhere the container agent pulls over the instance\'s network, and every '
      + 'pull that does not come through the named VPCs or endpoints is denied (from external instances, every pull). '
      + 'Use an execution role without these limits for tasks that are not on Fargate.'],
    ['wholeAccountTrust', stack => {
      const role = new TrustedDestinationRole(stack, 'R', { trustedRoles });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal('444455556666')] }));
    },
    'the trust policy admits every principal of arn:aws:iam::444455556666:root that is allowed sts:AssumeRole there, '
      + 'not only the intended roles: trust the roles (RoleReference) or add an aws:PrincipalArn condition '
      + 'that names them (with an account, or a wildcard account limited by aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:PrincipalAccount).'],
    ['wholeAccountTrust', stack => {
      const role = new TrustedDestinationRole(stack, 'R', { trustedRoles });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: ['sts:AssumeRoleWithWebIdentity'], principals: [new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com')],
      }));
    },
    'the trust policy admits every identity of cognito-identity.amazonaws.com, with no condition on the provider\'s keys that names '
      + 'the intended identities: add a condition on one of its keys that names your application, such as cognito-identity.amazonaws.com:aud.'],
  ])('%s (case %#)', (id, build, expected) => {
    const stack = sourceStack();
    build(stack);
    expect(warningText(stack, id)).toBe(expected);
  });
});
