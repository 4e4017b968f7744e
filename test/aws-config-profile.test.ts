import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { CfnParameter, Lazy, Stack, Token, aws_ecs as ecs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, OrganizationRoles, RoleReference } from '../src';
import { AwsConfigProfile, AwsConfigProfileOptions, ContainerRoleOptions, CredentialSource } from '../src/aws-config-profile';
import { sourceStack } from './support/app';
import {
  CONTAINER_ACCESS_KEY_ID, DESTINATION_ACCESS_KEY_ID, ENVIRONMENT_ACCESS_KEY_ID, INSTANCE_ACCESS_KEY_ID,
  queryParameters, resolveProfileWithSdk, startCredentialSources, startSts,
} from './support/fake-aws-endpoints';
import { walkthrough } from './support/walkthrough';
import { FakeEndpoint, signingAccessKeyId } from '../tools/iam-offline/local-endpoint';

const DESTINATION = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });
const DESTINATION_ARN = 'arn:aws:iam::555566667777:role/destination-account-role';

function render(options?: AwsConfigProfileOptions): string {
  return AwsConfigProfile.render(DESTINATION, options);
}

describe('AwsConfigProfile.render', () => {
  test('writes the profile of the walkthrough by default', () => {
    // WHEN
    const text = render();
    // THEN
    expect(text).toBe([
      '[profile cross-account]',
      `role_arn = ${DESTINATION_ARN}`,
      'credential_source = EcsContainer',
      '',
    ].join('\n'));
  });

  test.each([
    [{ externalId: 'my-external-id' }, 'external_id = my-external-id'],
    [{ roleSessionName: 'orders-worker' }, 'role_session_name = orders-worker'],
    [{ region: 'ap-northeast-1' }, 'region = ap-northeast-1'],
    [{ durationSeconds: 1800 }, 'duration_seconds = 1800'],
  ] as Array<[AwsConfigProfileOptions, string]>)('%j adds the line "%s"', (options, line) => {
    expect(render(options).split('\n')).toContain(line);
  });

  test.each([
    [CredentialSource.ECS_CONTAINER, 'credential_source = EcsContainer'],
    [CredentialSource.EC2_INSTANCE_METADATA, 'credential_source = Ec2InstanceMetadata'],
    [CredentialSource.ENVIRONMENT, 'credential_source = Environment'],
  ])('credential source %s renders "%s"', (credentialSource, line) => {
    expect(render({ credentialSource }).split('\n')[2]).toBe(line);
  });

  test('names the section after profileName', () => {
    expect(render({ profileName: 'test' })).toMatch(/^\[profile test\]\n/);
  });

  test('writes the default profile as [default], as the config file expects', () => {
    expect(render({ profileName: 'default' })).toMatch(/^\[default\]\n/);
  });

  test('writes an iam ARN with the role path (not the sts ARN of seed 004)', () => {
    const text = AwsConfigProfile.render(RoleReference.of({ account: '555566667777', roleName: 'assume_s3_role', path: '/team/' }));
    expect(text).toContain('role_arn = arn:aws:iam::555566667777:role/team/assume_s3_role\n');
  });

  test('uses the partition option when the reference has none', () => {
    expect(render({ partition: 'aws-cn' })).toContain('role_arn = arn:aws-cn:iam::');
  });

  test('keeps the reference\'s own partition over the option', () => {
    const text = AwsConfigProfile.render(RoleReference.fromArn('arn:aws-us-gov:iam::555566667777:role/r'), { partition: 'aws-cn' });
    expect(text).toContain('role_arn = arn:aws-us-gov:iam::555566667777:role/r\n');
  });

  test.each([
    ['account', () => AwsConfigProfile.render(RoleReference.of({ account: Lazy.string({ produce: () => '555566667777' }), roleName: 'r' }))],
    ['roleName', () => AwsConfigProfile.render(RoleReference.of({ account: '555566667777', roleName: Lazy.string({ produce: () => 'r' }) }))],
    ['externalId', () => render({ externalId: Lazy.string({ produce: () => 'my-external-id' }) })],
    ['durationSeconds', () => render({ durationSeconds: Token.asNumber(Lazy.number({ produce: () => 900 })) })],
  ])('refuses an unresolved %s: the text is for a file', (property, renderWithToken) => {
    expect(renderWithToken).toThrow(new RegExp(`^AwsConfigProfile.render: ${property} ".*" is invalid: the profile is text for a file, `
      + 'so every value must be known at synth time.*addToContainer'));
  });
});

describe('AwsConfigProfile.render validation', () => {
  test.each(['team.prod', 'a@b+c%d:e/f_g-h'])('accepts the profile name %s', profileName => {
    expect(render({ profileName })).toContain(`[profile ${profileName}]`);
  });

  test.each(['cross account', '[cross-account]', 'cross#account', '__proto__'])('refuses the profile name %j', profileName => {
    expect(() => render({ profileName }))
      .toThrow(/^AwsConfigProfile.render: profileName ".*" is invalid: a profile name is .* without whitespace or brackets/);
  });

  test('accepts a 2-character external ID and refuses a 1-character one', () => {
    expect(render({ externalId: 'ab' })).toContain('external_id = ab\n');
    expect(() => render({ externalId: 'a' }))
      .toThrow(/AwsConfigProfile.render: externalId "a" is invalid: an external ID is 2 to 1,224 characters .* \(it has 1\)/);
  });

  test('accepts a 64-character role session name and refuses a 65-character one', () => {
    expect(render({ roleSessionName: 's'.repeat(64) })).toContain(`role_session_name = ${'s'.repeat(64)}\n`);
    expect(() => render({ roleSessionName: 's'.repeat(65) }))
      .toThrow(/roleSessionName "s{65}" is invalid: a role session name is 2 to 64 characters .* \(it has 65\)/);
  });

  test('accepts a 2-character role session name and refuses a 1-character one', () => {
    expect(render({ roleSessionName: 'ab' })).toContain('role_session_name = ab\n');
    expect(() => render({ roleSessionName: 'a' })).toThrow(/roleSessionName "a" is invalid: a role session name is 2 to 64/);
  });

  test('refuses a role session name with a space', () => {
    expect(() => render({ roleSessionName: 'my session' })).toThrow(/roleSessionName "my session" is invalid/);
  });

  test('accepts 900 seconds and refuses 899', () => {
    expect(render({ durationSeconds: 900 })).toContain('duration_seconds = 900\n');
    expect(() => render({ durationSeconds: 899 }))
      .toThrow(/durationSeconds 899 is invalid: a session lasts a whole number of seconds from 900 \(15 minutes\) to 3600 \(1 hour\)/);
  });

  test('accepts 3600 seconds and refuses 3601, because chained sessions last at most 1 hour', () => {
    expect(render({ durationSeconds: 3600 })).toContain('duration_seconds = 3600\n');
    expect(() => render({ durationSeconds: 3601 })).toThrow(/durationSeconds 3601 is invalid: .* \(role chaining\) gets at most 1 hour/);
  });

  test.each([CredentialSource.ECS_CONTAINER, CredentialSource.EC2_INSTANCE_METADATA])(
    'caps durationSeconds at 1 hour with %s, whose session is a role\'s (role chaining)', credentialSource => {
      expect(() => render({ credentialSource, durationSeconds: 3601 })).toThrow(/durationSeconds 3601 is invalid: .* \(role chaining\) gets at most 1 hour/);
    });

  test('accepts up to 12 hours with CredentialSource.ENVIRONMENT (long-term keys) and refuses more', () => {
    // GIVEN the keys in the environment may be an IAM user's long-term keys
    const credentialSource = CredentialSource.ENVIRONMENT;
    // THEN
    expect(render({ credentialSource, durationSeconds: 43200 })).toContain('duration_seconds = 43200\n');
    expect(() => render({ credentialSource, durationSeconds: 43201 }))
      .toThrow(/durationSeconds 43201 is invalid: a session lasts a whole number of seconds from 900 \(15 minutes\) to 43200 \(12 hours\)/);
  });

  test('refuses a fraction of a second', () => {
    expect(() => render({ durationSeconds: 1800.5 })).toThrow(/durationSeconds 1800.5 is invalid: a session lasts a whole number of seconds/);
  });

  test('accepts the Region us-gov-west-1 and refuses "us east 1"', () => {
    expect(render({ region: 'us-gov-west-1' })).toContain('region = us-gov-west-1\n');
    expect(() => render({ region: 'us east 1' })).toThrow(/region "us east 1" is invalid: a Region is .* such as us-east-1/);
  });

  test('refuses a partition that region-info does not know, such as aws-foo', () => {
    expect(() => render({ partition: 'aws-foo' }))
      .toThrow(/AwsConfigProfile.render: partition "aws-foo" is invalid: a partition is one of aws, aws-cn, .*aws-eusc.* \(from aws-cdk-lib's region-info\)/);
  });

  test('writes the partition of a China Region when none is given', () => {
    expect(render({ region: 'cn-north-1' })).toContain('role_arn = arn:aws-cn:iam::555566667777:role/destination-account-role\n');
  });

  test('accepts the European Sovereign Cloud Region eusc-de-east-1, in the aws-eusc partition', () => {
    const text = render({ region: 'eusc-de-east-1' });
    expect(text).toContain('role_arn = arn:aws-eusc:iam::555566667777:role/destination-account-role\n');
    expect(text).toContain('region = eusc-de-east-1\n');
  });

  test('accepts a well-formed Region that region-info does not know when the partition is given', () => {
    expect(render({ region: 'us-west-9', partition: 'aws' })).toContain('region = us-west-9\n');
  });

  test('refuses a Region that region-info does not know without a partition', () => {
    expect(() => render({ region: 'us-west-9' }))
      .toThrow(/region "us-west-9" is invalid: aws-cdk-lib's region-info does not know this Region, so the partition of the role's ARN is unknown: give partition/);
  });

  test('refuses a Region of another partition than the role\'s', () => {
    expect(() => AwsConfigProfile.render(RoleReference.fromArn('arn:aws:iam::555566667777:role/r'), { region: 'cn-north-1' }))
      .toThrow(/region "cn-north-1" is invalid: the Region is in the aws-cn partition, but the role's ARN is in aws/);
  });

  test('refuses a China Region with the partition aws given', () => {
    expect(() => render({ region: 'cn-north-1', partition: 'aws' }))
      .toThrow(/region "cn-north-1" is invalid: the Region is in the aws-cn partition, but the role's ARN is in aws:/);
  });

  test('refuses a Region of the aws partition with the partition aws-cn given', () => {
    expect(() => render({ region: 'us-east-1', partition: 'aws-cn' }))
      .toThrow(/region "us-east-1" is invalid: the Region is in the aws partition, but the role's ARN is in aws-cn:/);
  });

  test('accepts a partition given that is the Region\'s', () => {
    expect(render({ region: 'cn-north-1', partition: 'aws-cn' })).toContain('role_arn = arn:aws-cn:iam::555566667777:role/destination-account-role\n');
  });
});

describe('the AWS SDK config loader reads the rendered profile', () => {
  let directory: string;
  beforeEach(() => { directory = mkdtempSync(join(tmpdir(), 'aws-config-loader-')); });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function load(text: string) {
    const configFilepath = join(directory, 'config');
    writeFileSync(configFilepath, text);
    return (await loadSharedConfigFiles({ configFilepath, filepath: join(directory, 'none'), ignoreCache: true })).configFile;
  }

  test('as a role_arn + credential_source profile named cross-account', async () => {
    expect((await load(render()))['cross-account']).toEqual({ role_arn: DESTINATION_ARN, credential_source: 'EcsContainer' });
  });

  test('with every optional setting', async () => {
    const options = { externalId: 'my-external-id', roleSessionName: 'worker', region: 'eu-west-1', durationSeconds: 900 };
    expect((await load(render(options)))['cross-account']).toEqual({
      role_arn: DESTINATION_ARN,
      credential_source: 'EcsContainer',
      external_id: 'my-external-id',
      role_session_name: 'worker',
      region: 'eu-west-1',
      duration_seconds: '900',
    });
  });

  test('as the default profile when named default', async () => {
    expect((await load(render({ profileName: 'default' }))).default.role_arn).toBe(DESTINATION_ARN);
  });

  test('two concatenated profiles as two profiles', async () => {
    const text = render({ profileName: 'a' }) + render({ profileName: 'b', credentialSource: CredentialSource.ENVIRONMENT });
    expect((await load(text)).b.credential_source).toBe('Environment');
  });
});

describe('the AWS SDK assumes the role with the rendered profile (fromIni, local fakes)', () => {
  let sources: FakeEndpoint;
  let sts: FakeEndpoint;
  beforeAll(async () => { [sources, sts] = await Promise.all([startCredentialSources(), startSts()]); });
  afterAll(async () => { await Promise.all([sources?.close(), sts?.close()]); });
  beforeEach(() => { sts.requests.length = 0; });

  async function assumeRole(options: AwsConfigProfileOptions = {}) {
    const credentials = await resolveProfileWithSdk(render(options), options.profileName ?? 'cross-account', sources, sts);
    expect(sts.requests).toHaveLength(1);
    return { credentials, request: sts.requests[0], parameters: queryParameters(sts.requests[0]) };
  }

  test('calls AssumeRole on the profile\'s role_arn', async () => {
    expect((await assumeRole()).parameters).toMatchObject({ Action: 'AssumeRole', RoleArn: DESTINATION_ARN });
  });

  test('signs AssumeRole with the ECS container credentials for EcsContainer', async () => {
    expect(signingAccessKeyId((await assumeRole()).request)).toBe(CONTAINER_ACCESS_KEY_ID);
  });

  test('signs AssumeRole with the instance profile for Ec2InstanceMetadata', async () => {
    const { request } = await assumeRole({ credentialSource: CredentialSource.EC2_INSTANCE_METADATA });
    expect(signingAccessKeyId(request)).toBe(INSTANCE_ACCESS_KEY_ID);
  });

  test('signs AssumeRole with the environment\'s keys for Environment', async () => {
    const { request } = await assumeRole({ credentialSource: CredentialSource.ENVIRONMENT });
    expect(signingAccessKeyId(request)).toBe(ENVIRONMENT_ACCESS_KEY_ID);
  });

  test('sends no ExternalId when none is set', async () => {
    expect((await assumeRole()).parameters).not.toHaveProperty('ExternalId');
  });

  test('sends ExternalId, RoleSessionName and DurationSeconds when set', async () => {
    const { parameters } = await assumeRole({ externalId: 'my-external-id', roleSessionName: 'orders-worker', durationSeconds: 900 });
    expect(parameters).toMatchObject({ ExternalId: 'my-external-id', RoleSessionName: 'orders-worker', DurationSeconds: '900' });
  });

  test('returns the destination role\'s credentials', async () => {
    expect((await assumeRole()).credentials.accessKeyId).toBe(DESTINATION_ACCESS_KEY_ID);
  });
});

describe('AwsConfigProfile.addToContainer', () => {
  function containerIn(stack: Stack, taskRole?: CrossAccountTaskRole): ecs.ContainerDefinition {
    const task = new ecs.FargateTaskDefinition(stack, 'Task', { taskRole });
    return task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/aws-cli/aws-cli') });
  }

  function environmentOf(options?: ContainerRoleOptions, role = DESTINATION): Template {
    const stack = sourceStack();
    AwsConfigProfile.addToContainer(containerIn(stack), role, options);
    return Template.fromStack(stack);
  }

  function expectEnvironment(template: Template, environment: object[]): void {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith(environment) })],
    });
  }

  const ARN_WITH_STACK_PARTITION = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/destination-account-role']] };

  test('adds CROSS_ACCOUNT_ROLE_ARN with the stack\'s partition', () => {
    expectEnvironment(environmentOf(), [{ Name: 'CROSS_ACCOUNT_ROLE_ARN', Value: ARN_WITH_STACK_PARTITION }]);
  });

  test('adds CROSS_ACCOUNT_EXTERNAL_ID when an external ID is given', () => {
    expectEnvironment(environmentOf({ externalId: 'my-external-id' }), [{ Name: 'CROSS_ACCOUNT_EXTERNAL_ID', Value: 'my-external-id' }]);
  });

  test('adds only the role ARN by default, and never AWS_ROLE_ARN', () => {
    environmentOf().hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: [{ Name: 'CROSS_ACCOUNT_ROLE_ARN', Value: Match.anyValue() }] })],
    });
  });

  test('names the variables after environmentVariablePrefix', () => {
    expectEnvironment(environmentOf({ environmentVariablePrefix: 'REPORTS' }), [{ Name: 'REPORTS_ROLE_ARN', Value: Match.anyValue() }]);
  });

  test('adds the whole profile, with deploy-time values, when includeProfile is set', () => {
    const role = RoleReference.of({ account: Lazy.string({ produce: () => '555566667777' }), roleName: 'destination-account-role' });
    expectEnvironment(environmentOf({ includeProfile: true, region: 'us-east-1' }, role), [{
      Name: 'CROSS_ACCOUNT_AWS_CONFIG',
      Value: {
        'Fn::Join': ['', ['[profile cross-account]\nrole_arn = arn:', { Ref: 'AWS::Partition' },
          ':iam::555566667777:role/destination-account-role\ncredential_source = EcsContainer\nregion = us-east-1\n']],
      },
    }]);
  });

  test.each(['AWS', 'AWS_ROLE', 'aws_x'])('refuses the prefix %s, whose variables the SDKs read', environmentVariablePrefix => {
    expect(() => environmentOf({ environmentVariablePrefix }))
      .toThrow(/SourceStack\/Task\/app: environmentVariablePrefix ".*" is invalid: AWS_\* variables are read by the AWS SDKs/);
  });

  test('refuses a prefix that is not a variable name', () => {
    expect(() => environmentOf({ environmentVariablePrefix: '1-ROLE' }))
      .toThrow(/environmentVariablePrefix "1-ROLE" is invalid: an environment variable prefix is letters, digits and _/);
  });

  test('refuses profile settings without includeProfile, where they would be ignored', () => {
    expect(() => environmentOf({ roleSessionName: 'worker' }))
      .toThrow(/SourceStack\/Task\/app: roleSessionName "worker" is invalid: this setting only goes into the profile text: set includeProfile: true/);
  });

  test('accepts unresolved tokens for every profile setting, which resolve in the template', () => {
    const late = (value: string) => Lazy.string({ produce: () => value });
    const options = {
      includeProfile: true,
      profileName: late('late'),
      externalId: late('late-id'),
      roleSessionName: late('late-session'),
      region: late('us-east-1'),
      durationSeconds: Token.asNumber(Lazy.number({ produce: () => 900 })),
      partition: late('aws'),
    };
    expectEnvironment(environmentOf(options), [{
      Name: 'CROSS_ACCOUNT_AWS_CONFIG',
      Value: Match.stringLikeRegexp('^\\[profile late\\]\n'
      + 'role_arn = arn:aws:iam::555566667777:role/destination-account-role\ncredential_source = EcsContainer\nexternal_id = late-id\n'
      + 'role_session_name = late-session\nregion = us-east-1\nduration_seconds = 900\n$'),
    }]);
  });

  test('puts an unresolved external ID in CROSS_ACCOUNT_EXTERNAL_ID', () => {
    const externalId = Lazy.string({ produce: () => 'late-external-id' });
    expectEnvironment(environmentOf({ externalId }), [{ Name: 'CROSS_ACCOUNT_EXTERNAL_ID', Value: 'late-external-id' }]);
  });

  test('refuses a second role under the same prefix, which would overwrite the first', () => {
    const container = containerIn(sourceStack());
    AwsConfigProfile.addToContainer(container, DESTINATION);
    expect(() => AwsConfigProfile.addToContainer(container, RoleReference.of({ account: '444455556666', roleName: 'other' })))
      .toThrow(/environmentVariablePrefix "CROSS_ACCOUNT" is invalid: the container already has CROSS_ACCOUNT_ROLE_ARN for .*destination-account-role/);
  });

  test('fails synthesis when the CrossAccountTaskRole may not assume the role', () => {
    const stack = sourceStack();
    AwsConfigProfile.addToContainer(containerIn(stack, new CrossAccountTaskRole(stack, 'TaskRole')), DESTINATION);
    expect(() => Template.fromStack(stack))
      .toThrow(/is given .*destination-account-role to assume, but its task role SourceStack\/TaskRole may not assume it/);
  });

  test('fails synthesis when the role is written in another case than the task role may assume', () => {
    const stack = sourceStack();
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [DESTINATION] });
    AwsConfigProfile.addToContainer(containerIn(stack, taskRole), RoleReference.of({ account: '555566667777', roleName: 'Destination-Account-Role' }));
    expect(() => Template.fromStack(stack))
      .toThrow(/is given .*Destination-Account-Role to assume, but its task role SourceStack\/TaskRole may not assume it/);
  });

  test('synthesizes when the CrossAccountTaskRole has the role among its destinations', () => {
    const stack = sourceStack();
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole', { destinationRoles: [DESTINATION] });
    AwsConfigProfile.addToContainer(containerIn(stack, taskRole), DESTINATION);
    expectEnvironment(Template.fromStack(stack), [{ Name: 'CROSS_ACCOUNT_ROLE_ARN', Value: ARN_WITH_STACK_PARTITION }]);
  });
});

describe('addToContainer with the destination role in the same app', () => {
  /** The walkthrough's two halves in one app; the container is given the destination with `options`. */
  function chain(destinationProps: { externalId?: string; externalIds?: string[] }, options?: ContainerRoleOptions) {
    const { app, source, taskRole } = walkthrough({ destinationRole: destinationProps });
    const container = new ecs.FargateTaskDefinition(source, 'Task', { taskRole })
      .addContainer('app', { image: ecs.ContainerImage.fromRegistry('app') });
    AwsConfigProfile.addToContainer(container, DESTINATION, options);
    return app;
  }

  test('fails synthesis when the destination requires an external ID and the container is given none', () => {
    expect(() => chain({ externalId: 'reports-pipeline' }).synth()).toThrow(
      `[SourceStack/Task/app] is given ${DESTINATION} to assume without an external ID, but DestinationStack/DestinationRole requires one `
      + '(sts:ExternalId "reports-pipeline"), so STS would deny every call (AccessDenied): pass that externalId to AwsConfigProfile.addToContainer()');
  });

  test('fails synthesis when the container is given an external ID the destination does not accept, naming the ones it does', () => {
    expect(() => chain({ externalIds: ['reports-2024', 'reports-2025'] }, { externalId: 'reports-2023' }).synth()).toThrow(
      `[SourceStack/Task/app] is given ${DESTINATION} to assume with the external ID "reports-2023", but DestinationStack/DestinationRole accepts `
      + 'one of "reports-2024", "reports-2025" (sts:ExternalId), so STS would deny every call (AccessDenied)');
  });

  test('synthesizes with an external ID the destination accepts', () => {
    expect(() => chain({ externalIds: ['reports-2024', 'reports-2025'] }, { externalId: 'reports-2025' }).synth()).not.toThrow();
  });

  test('synthesizes without an external ID when the destination requires none', () => {
    expect(() => chain({}).synth()).not.toThrow();
  });

  test('compares an external ID the app resolves at synth', () => {
    const externalId = Lazy.string({ produce: () => 'reports-2023' });
    expect(() => chain({ externalId: 'reports-2025' }, { externalId }).synth())
      .toThrow(/is given .* with the external ID "reports-2023", but DestinationStack\/DestinationRole accepts only "reports-2025"/);
  });

  test('leaves an external ID known only at deploy time to the deployment', () => {
    const { app, source, taskRole } = walkthrough({ destinationRole: { externalId: 'reports-2025' } });
    const container = new ecs.FargateTaskDefinition(source, 'Task', { taskRole }).addContainer('app', { image: ecs.ContainerImage.fromRegistry('app') });
    AwsConfigProfile.addToContainer(container, DESTINATION, { externalId: new CfnParameter(source, 'ExternalId').valueAsString });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('addToContainer with a task role that assumes by organization pattern', () => {
  test('accepts a destination that the pattern matches', () => {
    const stack = sourceStack();
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'destination-account-role' })],
    });
    const container = new ecs.FargateTaskDefinition(stack, 'Task', { taskRole })
      .addContainer('app', { image: ecs.ContainerImage.fromRegistry('app') });
    AwsConfigProfile.addToContainer(container, RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('AwsConfigProfile messages name every setting and the whole rule', () => {
  test.each([
    ['profileName', { profileName: 'reports' }, '"reports"'],
    ['credentialSource', { credentialSource: CredentialSource.ENVIRONMENT }, '"Environment"'],
    ['roleSessionName', { roleSessionName: 'worker' }, '"worker"'],
    ['region', { region: 'us-east-1' }, '"us-east-1"'],
    ['durationSeconds', { durationSeconds: 900 }, '900'],
  ] as Array<[string, ContainerRoleOptions, string]>)('addToContainer refuses %s without includeProfile', (property, options, value) => {
    const stack = sourceStack();
    const container = new ecs.FargateTaskDefinition(stack, 'Task').addContainer('app', { image: ecs.ContainerImage.fromRegistry('app') });
    expect(() => AwsConfigProfile.addToContainer(container, DESTINATION, options)).toThrow(
      `SourceStack/Task/app: ${property} ${value} is invalid: this setting only goes into the profile text: set includeProfile: true, or leave it out`);
  });

  test('render names the token of an unresolved setting as it was given', () => {
    const externalId = Lazy.string({ produce: () => 'my-external-id' });
    expect(() => render({ externalId })).toThrow(
      `AwsConfigProfile.render: externalId ${JSON.stringify(externalId)} is invalid: the profile is text for a file, so every value must be known `
      + 'at synth time: pass a literal, or use AwsConfigProfile.addToContainer() to hand deploy-time values to a container');
  });

  test('render refuses a Region of another partition with the whole rule', () => {
    expect(() => render({ region: 'cn-north-1', partition: 'aws' })).toThrow(
      'AwsConfigProfile.render: region "cn-north-1" is invalid: the Region is in the aws-cn partition, but the role\'s ARN is in aws: '
      + 'a role is assumed through STS of its own partition; give a Region of that partition');
  });

  test('addToContainer says how to let the task role assume the role', () => {
    const stack = sourceStack();
    const taskRole = new CrossAccountTaskRole(stack, 'TaskRole');
    const container = new ecs.FargateTaskDefinition(stack, 'Task', { taskRole }).addContainer('app', { image: ecs.ContainerImage.fromRegistry('app') });
    AwsConfigProfile.addToContainer(container, DESTINATION);
    expect(() => Template.fromStack(stack)).toThrow(
      `is given ${DESTINATION} to assume, but its task role SourceStack/TaskRole may not assume it: call SourceStack/TaskRole.addDestination() with that role`);
  });
});
