import { rmSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { join } from 'path';
import {
  CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient,
  ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, ListRolesCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type * as Library from '../../src';
import type { FakeEndpoint } from '../../tools/iam-offline/local-endpoint';
import { allowAssumeAnyRole, canAssume } from '../../tools/iam-offline/simulate';
import type { TemplateRole } from '../../tools/iam-offline/template-roles';
import { SessionCredentials, serveRoleSession } from '../support/credential-endpoint';
import { deployedRole } from '../support/deployed-roles';
import {
  DESTINATION_ACCOUNT, ROOT, SOURCE_ACCOUNT, Workspace, appDirectory, createWorkspace, installCdk, installLibrary, mustRun, packLibrary,
  readmeCommands, runCommand,
} from '../support/e2e-workspace';
import { MotoServer, RecordedCall, iamClient, startMotoServer, storeInlinePoliciesAsJson } from '../support/moto-server';
import { NO_BOTO3, RUN_PYTHON, pythonWithBoto3 } from '../support/python';

/**
 * The library deployed for real: the packed package installed in fresh CDK apps, both accounts
 * bootstrapped and each stack deployed with the README's own commands into two accounts of moto
 * (an AWS emulator), then each chain used as users use it, with IAM enforcement on: the README's
 * container snippets and the AWS config profile of AwsConfigProfile, from a session of the source
 * role served as ECS and EC2 serve it. Then the doctor on the deployed state and after drift, and
 * `cdk destroy`.
 *
 * What moto 5.2.1 judges with enforcement on: the caller's identity policies (Allow, Deny,
 * wildcards; resources only for S3, STS and IAM), and the trust of a role in the caller's own
 * account. It does not read the trust of a role in another account: a cross-account AssumeRole is
 * allowed whatever that trust says. So the deployed trust of each destination is read back from IAM
 * and judged by the offline policy simulation, with the request the session sent; the doctor judges
 * it too.
 */

const SNIPPET_JS = join(ROOT, 'examples', 'container', 'assume-destination.mjs');
const SNIPPET_PY = join(ROOT, 'examples', 'container', 'assume_destination.py');
const USE_PROFILE = join(__dirname, 'use_profile.py');

const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const TASK_ROLE = roleArn(SOURCE_ACCOUNT, 'my-ECS-task-role');
const DESTINATION_ROLE = roleArn(DESTINATION_ACCOUNT, 'destination-account-role');
const REPORTS_TASK_ROLE = roleArn(SOURCE_ACCOUNT, 'reports-task-role');
const REPORTS_READER = roleArn(DESTINATION_ACCOUNT, 'reports-reader');
const INSTANCE_ROLE = roleArn(SOURCE_ACCOUNT, 'S3FullAccessFromEC2');
const BUCKET_ROLE = roleArn(DESTINATION_ACCOUNT, 'assume_s3_role');
const BUCKET = 'account-a-bucket-0525';
const EXTERNAL_ID = 'reports-pipeline';
/** The library's roles of the apps, by account: `cdk destroy` must leave none of them. */
const LIBRARY_ROLES = ['my-ECS-task-role', 'destination-account-role', 'walkthrough-execution-role', 'S3FullAccessFromEC2',
  'assume_s3_role', 'reports-task-role', 'reports-reader'];

// Packing (jsii), bootstrapping and six deployments run before the first test.
jest.setTimeout(60_000);
const SETUP_TIMEOUT = 240_000;

let moto: MotoServer;
let workspace: Workspace;
let iam: { source: IAMClient; destination: IAMClient };
/** What happened during the deployments, for the tests that judge them. */
const deployment = {
  reportsTaskRoleExistedAtReaderDeploy: true,
  rewrittenPolicies: [] as string[],
  seconds: 0,
  laps: [] as string[],
};

function profileCredentials(profile: string) {
  return fromIni({
    profile,
    filepath: join(workspace.directory, 'aws-credentials'),
    configFilepath: workspace.configFile,
    clientConfig: { endpoint: moto.endpoint, region: 'us-east-1' },
  });
}

/** A README command with the walkthrough's stack names replaced by those of another app. */
function withStacks(command: string, stacks: Record<string, string>): string {
  return command.replace(/\b(SourceStack|DestinationStack)\b/g, name => stacks[name] ?? name);
}

async function roleExists(client: IAMClient, roleName: string): Promise<boolean> {
  try {
    await client.send(new GetRoleCommand({ RoleName: roleName }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') {
      return false;
    }
    throw error;
  }
}

beforeAll(async () => {
  const started = Date.now();
  /** Runs one step and notes how long it took. */
  const timed = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
    const stepStarted = Date.now();
    const result = await step();
    deployment.laps.push(`${what} ${Math.round((Date.now() - stepStarted) / 1000)} s`);
    return result;
  };
  moto = await timed('moto', startMotoServer);
  workspace = createWorkspace(moto.endpoint);
  iam = { source: iamClient(moto.endpoint, profileCredentials('source')), destination: iamClient(moto.endpoint, profileCredentials('destination')) };
  const bootstrap = readmeCommands('Deploying to two accounts', 'npx cdk bootstrap');
  const deploy = readmeCommands('Deploying to two accounts', 'npx cdk deploy');
  expect(bootstrap).toEqual([
    `npx cdk bootstrap aws://${SOURCE_ACCOUNT}/us-east-1 --profile source`,
    `npx cdk bootstrap aws://${DESTINATION_ACCOUNT}/us-east-1 --profile destination`,
  ]);
  expect(deploy).toEqual(['npx cdk deploy SourceStack --exclusively --profile source',
    'npx cdk deploy DestinationStack --exclusively --profile destination']);

  // The jsii build of the package and the bootstrap of both accounts, side by side.
  const env = workspace.env;
  await timed('cdk CLI', () => installCdk(workspace));
  const [tarball] = await Promise.all([
    timed('pack', () => packLibrary(workspace)),
    timed('bootstrap', () => Promise.all(bootstrap.map(command => mustRun(command, workspace.directory, env)))),
  ]);
  // Not while the bootstrap runs: npm rewrites the node_modules its cdk CLI runs from.
  await timed('install', () => installLibrary(workspace, tarball));

  // moto finds a change set by its name in the account (the CLI names each one cdk-deploy-change-set),
  // so two deployments into one account at a time would execute each other's: one deployment per
  // account at a time, the two accounts side by side, each app in the order the README gives.
  const [sourceFirst, destinationSecond] = deploy;
  const ec2Stacks = { SourceStack: 'InstanceAccountStack', DestinationStack: 'BucketAccountStack' };
  const slots: [string, string][][] = [
    [
      // The seed walkthrough, TrustMode.ROLE_ARN: the README's commands as they are, the source first.
      [sourceFirst, 'walkthrough'],
      // Two apps, two teams, TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN: the data team deploys first.
      [withStacks(destinationSecond, { DestinationStack: 'ReportsReaderStack' }), 'data-team'],
    ],
    [[destinationSecond, 'walkthrough'], [withStacks(sourceFirst, ec2Stacks), 'ec2-s3-walkthrough']],
    [[withStacks(sourceFirst, { SourceStack: 'ReportsTaskStack' }), 'platform-team'], [withStacks(destinationSecond, ec2Stacks), 'ec2-s3-walkthrough']],
  ];
  for (const [index, slot] of slots.entries()) {
    await timed(`deploy ${index + 1}`, () => Promise.all(slot.map(([command, app]) => mustRun(command, appDirectory(workspace, app), env))));
    if (index === 0) {
      deployment.reportsTaskRoleExistedAtReaderDeploy = await roleExists(iam.source, 'reports-task-role');
    }
  }

  deployment.rewrittenPolicies = await timed('inline policies', async () =>
    (await Promise.all([storeInlinePoliciesAsJson(iam.source), storeInlinePoliciesAsJson(iam.destination)])).flat());
  deployment.seconds = Math.round((Date.now() - started) / 1000);
}, SETUP_TIMEOUT);

afterAll(async () => {
  await moto?.stop();
  if (workspace && !process.env.E2E_KEEP) {
    rmSync(workspace.directory, { recursive: true, force: true });
  }
});

/** Assumes a role with the administrator of its account, while enforcement is off, as ECS or EC2 does for its tasks and instances. */
async function sessionOf(role: string, sessionName: string): Promise<SessionCredentials> {
  const account = role.split(':')[4];
  const sts = new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: profileCredentials(account === SOURCE_ACCOUNT ? 'source' : 'destination') });
  const { Credentials: credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: sessionName }));
  return {
    accessKeyId: credentials!.AccessKeyId!,
    secretAccessKey: credentials!.SecretAccessKey!,
    sessionToken: credentials!.SessionToken!,
    expiration: credentials!.Expiration!,
  };
}

/**
 * While IAM enforcement is on, and a session of `role` is served on loopback as the container
 * credentials endpoint and the instance metadata service serve it.
 */
function withEnforcementAndSessionOf(role: string): { endpoint: () => FakeEndpoint; session: () => SessionCredentials } {
  let endpoint: FakeEndpoint;
  let session: SessionCredentials;
  beforeAll(async () => {
    session = await sessionOf(role, 'a8f5d2c1e7b94f3a');
    endpoint = await serveRoleSession(role.split('/').pop()!, session);
    await moto.enforceIam(true);
  });
  afterAll(async () => {
    await moto.enforceIam(false);
    await endpoint?.close();
  });
  return { endpoint: () => endpoint, session: () => session };
}

/** What a container of ECS has, and nothing of the machine: credentials endpoint, Region, the role's variables. */
function containerEnvironment(credentials: FakeEndpoint, variables: Record<string, string>, configFile = '/nonexistent/config'): NodeJS.ProcessEnv {
  return {
    ...workspace.env,
    AWS_CONFIG_FILE: configFile,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${credentials.url}/creds`,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
    ...variables,
  };
}

function python(): string {
  const command = pythonWithBoto3();
  if (!command) {
    throw new Error(NO_BOTO3);
  }
  return command;
}

async function runSnippet(language: 'js' | 'python', env: NodeJS.ProcessEnv): Promise<string> {
  const command = language === 'js' ? `node ${SNIPPET_JS}` : `${python()} ${RUN_PYTHON} ${SNIPPET_PY}`;
  return mustRun(command, workspace.directory, env, 60_000);
}

type Call = [service: string, operation: string, params: Record<string, unknown>];
interface Outcome {
  readonly allowed: boolean;
  readonly code?: string;
  readonly result?: any;
}

/** Calls AWS through a profile of the config file, with boto3 (test/e2e/use_profile.py). */
async function callsThroughProfile(profile: string, calls: Call[], env: NodeJS.ProcessEnv): Promise<Outcome[]> {
  const quoted = `'${JSON.stringify(calls).replace(/'/g, "'\\''")}'`;
  const output = await mustRun(`${python()} ${RUN_PYTHON} ${USE_PROFILE} ${profile} ${quoted}`, workspace.directory, env, 60_000);
  return JSON.parse(output.trim().split('\n').pop()!);
}

/** The deployed roles of a chain, read back from IAM. */
async function deployedChain(): Promise<Map<string, TemplateRole>> {
  const roles = new Map<string, TemplateRole>();
  for (const [client, names] of [[iam.source, ['my-ECS-task-role', 'reports-task-role', 'S3FullAccessFromEC2']],
    [iam.destination, ['destination-account-role', 'reports-reader', 'assume_s3_role']]] as const) {
    for (const name of names) {
      const role = await deployedRole(client, name);
      roles.set(role.arn, role);
    }
  }
  return roles;
}

/** The library as the apps load it: the packed package installed in the workspace. */
function installedLibrary(): typeof Library {
  return createRequire(join(workspace.directory, 'package.json'))('cdk-cross-account-task-roles');
}

/** An AWS CLI that honours AWS_ENDPOINT_URL (v2 from 2.13, v1 from botocore 1.31), or undefined. */
async function awsCli(): Promise<string | undefined> {
  const { exitCode, output } = await runCommand('aws --version', ROOT, { PATH: process.env.PATH });
  const v2 = /aws-cli\/2\.(\d+)/.exec(output);
  const v1botocore = /aws-cli\/1\.\S+ .*botocore\/1\.(\d+)/.exec(output);
  if (exitCode !== 0 || !(v2 ? Number(v2[1]) >= 13 : v1botocore && Number(v1botocore[1]) >= 31)) {
    return undefined;
  }
  return output.trim();
}

describe('the seed walkthrough, TrustMode.ROLE_ARN, deployed with the README\'s commands', () => {
  test('both halves are deployed: the task role may assume the destination role, whose trust names it', async () => {
    const source = await deployedRole(iam.source, 'my-ECS-task-role');
    const destination = await deployedRole(iam.destination, 'destination-account-role');
    expect(source.trustPolicy.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })]);
    expect(source.identityPolicies.flatMap(p => p.policy.Statement)).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: DESTINATION_ROLE }),
    ]);
    expect(destination.trustPolicy.Statement).toEqual([expect.objectContaining({ Effect: 'Allow', Principal: { AWS: TASK_ROLE } })]);
    // moto's Python text of inline policies, written back as JSON (see storeInlinePoliciesAsJson).
    expect(deployment.rewrittenPolicies).toContain('my-ECS-task-role/AssumeDestinationRoles');
  });

  test('the deployed trust admits the task role, and refuses another role of its account (offline simulation of the deployed documents)', async () => {
    const roles = await deployedChain();
    expect(await canAssume(roles, { callerArn: TASK_ROLE, targetArn: DESTINATION_ROLE }))
      .toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
    expect(await canAssume(roles, {
      callerArn: roleArn(SOURCE_ACCOUNT, 'another-role'), targetArn: DESTINATION_ROLE, callerPolicies: [allowAssumeAnyRole()],
    })).toMatchObject({ trust: 'denied', result: 'denied' });
  });

  describe('with IAM enforcement on, from a session of the task role served as ECS serves it', () => {
    const task = withEnforcementAndSessionOf(TASK_ROLE);
    const assumedDestination = `arn:aws:sts::${DESTINATION_ACCOUNT}:assumed-role/destination-account-role/cross-account`;

    test.each([['JavaScript (SDK v3)', 'js'], ['Python (boto3)', 'python']] as const)('the %s container snippet acts as the destination role, its other client as the task role', async (_name, language) => {
      // WHEN
      const output = await runSnippet(language, containerEnvironment(task.endpoint(), { CROSS_ACCOUNT_ROLE_ARN: DESTINATION_ROLE }));
      // THEN
      expect(output).toMatch(new RegExp(`^task role: +arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/my-ECS-task-role/a8f5d2c1e7b94f3a$`, 'm'));
      expect(output).toMatch(new RegExp(`^destination role: ${assumedDestination}$`, 'm'));
    });

    test('the AwsConfigProfile profile, through botocore: the destination role may list clusters and is denied the rest', async () => {
      // GIVEN the profile the README's walkthrough puts in the container, rendered by the packed library
      const installed = installedLibrary();
      const text = installed.AwsConfigProfile.render(installed.RoleReference.fromArn(DESTINATION_ROLE));
      expect(text).toContain('credential_source = EcsContainer');
      const configFile = join(workspace.directory, 'container-config');
      writeFileSync(configFile, text);
      // WHEN
      const outcomes = await callsThroughProfile('cross-account', [
        ['sts', 'get_caller_identity', {}],
        ['ecs', 'list_clusters', {}],
        ['s3', 'list_buckets', {}],
        ['iam', 'list_roles', {}],
        ['sts', 'assume_role', { RoleArn: REPORTS_READER, RoleSessionName: 'hop', ExternalId: EXTERNAL_ID }],
      ], containerEnvironment(task.endpoint(), {}, configFile));
      // THEN
      expect(outcomes[0]).toMatchObject({ allowed: true, result: { Arn: expect.stringMatching(/^arn:aws:sts::555566667777:assumed-role\/destination-account-role\//) } });
      expect(outcomes[1]).toMatchObject({ allowed: true });
      expect(outcomes.slice(2)).toEqual([
        { allowed: false, code: 'AccessDenied' },
        { allowed: false, code: 'AccessDenied' },
        { allowed: false, code: 'AccessDenied' },
      ]);
    });

    test('the task role\'s session is denied every other role of both accounts', async () => {
      // GIVEN every role of both accounts but the destination (read as administrator, which enforcement would refuse)
      await moto.enforceIam(false);
      const others = [];
      for (const client of [iam.source, iam.destination]) {
        const roles = (await client.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles ?? [];
        others.push(...roles.map(r => r.Arn!).filter(arn => arn !== DESTINATION_ROLE));
      }
      await moto.enforceIam(true);
      expect(others.length).toBeGreaterThanOrEqual(12);
      const session = task.session();
      const sts = new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: session });
      // WHEN
      const outcomes = await Promise.all(others.map(async other => {
        try {
          await sts.send(new AssumeRoleCommand({ RoleArn: other, RoleSessionName: 'other', ExternalId: EXTERNAL_ID }));
          return `${other}: allowed`;
        } catch (error) {
          return `${other}: ${(error as Error).name}`;
        }
      }));
      // THEN
      expect(outcomes).toEqual(others.map(other => `${other}: AccessDenied`));
    });
  });

  describe('the AWS CLI with the AwsConfigProfile profile', () => {
    const task = withEnforcementAndSessionOf(TASK_ROLE);
    let cli: string | undefined;
    beforeAll(async () => {
      cli = await awsCli();
      if (!cli) {
        console.log('No AWS CLI that honours AWS_ENDPOINT_URL: the profile is proven through botocore only.');
      }
    });

    test('aws ecs list-clusters --profile cross-account runs as the destination role; aws s3 ls is denied', async () => {
      if (!cli) {
        return;
      }
      // GIVEN
      const installed = installedLibrary();
      const configFile = join(workspace.directory, 'cli-config');
      writeFileSync(configFile, installed.AwsConfigProfile.render(installed.RoleReference.fromArn(DESTINATION_ROLE)));
      const env = containerEnvironment(task.endpoint(), {}, configFile);
      // WHEN
      const identity = await runCommand('aws sts get-caller-identity --profile cross-account', workspace.directory, env);
      const clusters = await runCommand('aws ecs list-clusters --profile cross-account', workspace.directory, env);
      const buckets = await runCommand('aws s3 ls --profile cross-account', workspace.directory, env);
      // THEN
      expect(identity).toMatchObject({ exitCode: 0, output: expect.stringContaining('assumed-role/destination-account-role/') });
      expect(clusters).toMatchObject({ exitCode: 0, output: expect.stringContaining('clusterArns') });
      expect(buckets.exitCode).not.toBe(0);
      expect(buckets.output).toMatch(/AccessDenied/);
    });
  });
});

describe('two apps, two teams: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN with an external ID, the destination deployed first', () => {
  test('the data team\'s stack deployed before the platform team\'s task role existed', () => {
    expect(deployment.reportsTaskRoleExistedAtReaderDeploy).toBe(false);
  });

  test('the deployed trust admits the task role with the external ID only (offline simulation of the deployed documents)', async () => {
    const roles = await deployedChain();
    const verdict = (callerArn: string, externalId?: string) => canAssume(roles, {
      callerArn, targetArn: REPORTS_READER, externalId, callerPolicies: callerArn === REPORTS_TASK_ROLE ? undefined : [allowAssumeAnyRole()],
    }).then(v => v.result);
    expect(await verdict(REPORTS_TASK_ROLE, EXTERNAL_ID)).toBe('allowed');
    expect(await verdict(REPORTS_TASK_ROLE)).toBe('denied');
    expect(await verdict(REPORTS_TASK_ROLE, 'another-pipeline')).toBe('denied');
    expect(await verdict(roleArn(SOURCE_ACCOUNT, 'another-role'), EXTERNAL_ID)).toBe('denied');
  });

  describe('with IAM enforcement on, from a session of the task role, with the container environment of the deployed task definition', () => {
    const task = withEnforcementAndSessionOf(REPORTS_TASK_ROLE);
    let variables: Record<string, string>;
    beforeAll(async () => {
      await moto.enforceIam(false);
      const [described] = await callsThroughProfile('source', [['ecs', 'describe_task_definition', { taskDefinition: 'reports' }]], workspace.env);
      await moto.enforceIam(true);
      const environment: { name: string; value: string }[] = described.result.taskDefinition.containerDefinitions[0].environment;
      variables = Object.fromEntries(environment.map(({ name, value }) => [name, value]));
    });

    test('the task definition gives the container the role, the external ID and the profile', () => {
      expect(variables).toEqual({
        CROSS_ACCOUNT_ROLE_ARN: REPORTS_READER,
        CROSS_ACCOUNT_EXTERNAL_ID: EXTERNAL_ID,
        CROSS_ACCOUNT_AWS_CONFIG: expect.stringContaining('credential_source = EcsContainer'),
      });
    });

    test('the README\'s JavaScript snippet acts as the reports reader with the external ID', async () => {
      const output = await runSnippet('js', containerEnvironment(task.endpoint(), variables));
      expect(output).toMatch(new RegExp(`^destination role: arn:aws:sts::${DESTINATION_ACCOUNT}:assumed-role/reports-reader/cross-account$`, 'm'));
    });

    test('the profile of CROSS_ACCOUNT_AWS_CONFIG, through botocore: the reader may list clusters and is denied the rest', async () => {
      const configFile = join(workspace.directory, 'reports-config');
      writeFileSync(configFile, variables.CROSS_ACCOUNT_AWS_CONFIG);
      const outcomes = await callsThroughProfile('cross-account', [
        ['sts', 'get_caller_identity', {}],
        ['ecs', 'list_clusters', {}],
        ['s3', 'list_buckets', {}],
      ], containerEnvironment(task.endpoint(), {}, configFile));
      expect(outcomes).toEqual([
        { allowed: true, result: expect.objectContaining({ Arn: expect.stringContaining(':assumed-role/reports-reader/') }) },
        { allowed: true, result: expect.anything() },
        { allowed: false, code: 'AccessDenied' },
      ]);
    });
  });
});

describe('the EC2 walkthrough: an EC2 instance role assumes the role of a bucket in the other account', () => {
  test('the deployed trust admits the instance role (offline simulation of the deployed documents)', async () => {
    const roles = await deployedChain();
    expect(await canAssume(roles, { callerArn: INSTANCE_ROLE, targetArn: BUCKET_ROLE })).toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
  });

  describe('with IAM enforcement on, from the instance role\'s session in the instance metadata service', () => {
    const instance = withEnforcementAndSessionOf(INSTANCE_ROLE);
    let profile: string;
    beforeAll(async () => {
      await moto.enforceIam(false);
      // moto 5.2.1 reports no Outputs for a stack created from a change set: the output's value is read
      // from the template it deployed.
      const [deployed] = await callsThroughProfile('source', [['cloudformation', 'get_template', { StackName: 'InstanceAccountStack' }]], workspace.env);
      await moto.enforceIam(true);
      const template = deployed.result.TemplateBody;
      profile = (typeof template === 'string' ? JSON.parse(template) : template).Outputs.AwsConfigProfile.Value;
    });

    test('through the stack\'s AwsConfigProfile output, an object is written and read back; deleting it and other buckets are denied', async () => {
      // GIVEN the profile the stack outputs, in ~/.aws/config on the instance
      expect(profile).toContain('credential_source = Ec2InstanceMetadata');
      const configFile = join(workspace.directory, 'instance-config');
      writeFileSync(configFile, profile);
      const env = {
        ...workspace.env,
        AWS_CONFIG_FILE: configFile,
        AWS_EC2_METADATA_DISABLED: 'false',
        AWS_EC2_METADATA_SERVICE_ENDPOINT: instance.endpoint().url,
        AWS_MAX_ATTEMPTS: '1',
      };
      // WHEN
      const outcomes = await callsThroughProfile('test', [
        ['s3', 'put_object', { Bucket: BUCKET, Key: 'reports/today.txt', Body: 'written through the chain' }],
        ['s3', 'get_object', { Bucket: BUCKET, Key: 'reports/today.txt' }],
        ['s3', 'list_objects_v2', { Bucket: BUCKET }],
        ['s3', 'delete_object', { Bucket: BUCKET, Key: 'reports/today.txt' }],
        ['s3', 'list_buckets', {}],
        ['s3', 'list_objects_v2', { Bucket: `cdk-hnb659fds-assets-${DESTINATION_ACCOUNT}-us-east-1` }],
      ], env);
      // THEN
      expect(outcomes.map(o => o.allowed)).toEqual([true, true, true, false, false, false]);
      expect(outcomes[1].result.Body).toBe('written through the chain');
      expect(outcomes[2].result.Contents.map((o: any) => o.Key)).toEqual(['reports/today.txt']);
      expect(outcomes.slice(3).map(o => o.code)).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied']);
    });
  });
});

describe('the walkthrough\'s task execution role', () => {
  test('is deployed with exactly the pulls, logs and parameter it was given, trusted by ECS tasks', async () => {
    const role = await deployedRole(iam.source, 'walkthrough-execution-role');
    expect(role.trustPolicy.Statement).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } },
    ]);
    expect((await iam.source.send(new ListAttachedRolePoliciesCommand({ RoleName: 'walkthrough-execution-role' }))).AttachedPolicies).toEqual([]);
    expect(role.identityPolicies).toEqual([{
      name: 'TaskExecution',
      policy: {
        Version: '2012-10-17',
        Statement: [
          expect.objectContaining({
            Effect: 'Allow',
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
            Resource: `arn:aws:ecr:us-east-1:${SOURCE_ACCOUNT}:repository/walkthrough-app`,
          }),
          expect.objectContaining({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
          expect.objectContaining({
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `arn:aws:logs:us-east-1:${SOURCE_ACCOUNT}:log-group:/ecs/walkthrough-app:log-stream:*`,
          }),
          expect.objectContaining({
            Effect: 'Allow',
            Action: 'ssm:GetParameters',
            Resource: `arn:aws:ssm:us-east-1:${SOURCE_ACCOUNT}:parameter/walkthrough-app/setting`,
          }),
        ],
      },
    }]);
  });
});

/** The README's doctor command for the walkthrough, with another chain's roles. */
function doctorCommand(source: string, destination: string, extra = ''): string {
  const [explicit] = readmeCommands('Verify a deployed chain', 'npx cdk-cross-account-task-roles doctor');
  return explicit.replace(TASK_ROLE, source).replace(DESTINATION_ROLE, destination) + extra;
}

/** How many times each action was called. */
function countCalls(calls: RecordedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { action } of calls) {
    counts[action] = (counts[action] ?? 0) + 1;
  }
  return counts;
}

/** The roles assumed while the calls were recorded (the profiles' role_arn), sorted. */
function profileCredentialCalls(calls: RecordedCall[]): string[] {
  return calls.filter(c => c.action === 'AssumeRole').map(c => c.parameters.RoleArn).sort();
}

/** The lines of the doctor's report that say a check failed, and their causes. */
function failures(output: string): string {
  return output.split('\n').filter(line => /^\s*(\[✗\]|✗)/.test(line)).join('\n');
}

async function doctor(command: string, app = 'walkthrough') {
  return runCommand(command, appDirectory(workspace, app), workspace.env, 60_000);
}

describe('the doctor on the deployed chains', () => {
  test('the README\'s doctor commands pass on the walkthrough as deployed (exit 0)', async () => {
    const commands = readmeCommands('Verify a deployed chain', 'npx cdk-cross-account-task-roles doctor');
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      const result = await doctor(command);
      expect({ command, ...result }).toMatchObject({ exitCode: 0 });
      expect(failures(result.output)).toBe('');
    }
  });

  test('the other chains pass too: the EC2 walkthrough from its cloud assembly, the reports chain with its external ID', async () => {
    const results = [
      await doctor('npx cdk-cross-account-task-roles doctor --app cdk.out --source-profile source --destination-profile destination', 'ec2-s3-walkthrough'),
      await doctor(doctorCommand(REPORTS_TASK_ROLE, REPORTS_READER, ` --external-id ${EXTERNAL_ID}`)),
    ];
    expect(results.map(r => r.exitCode)).toEqual([0, 0]);
  });

  test('one chain takes at most 10 calls, as moto\'s request recorder counts them', async () => {
    let exitCode: number | undefined;
    const calls = await moto.recordCalls(async () => {
      ({ exitCode } = await doctor(doctorCommand(TASK_ROLE, DESTINATION_ROLE)));
    });

    expect(exitCode).toBe(0);
    // The two profiles get their credentials by assuming each account's administrator role (role_arn),
    // once each: the SDK's credential provider, not the doctor's checks.
    expect(profileCredentialCalls(calls)).toEqual([roleArn(SOURCE_ACCOUNT, 'admin'), roleArn(DESTINATION_ACCOUNT, 'admin')]);
    // moto has no iam:SimulatePrincipalPolicy (HTTP 500): asked once, then the role's policies are read.
    const checks = calls.filter(c => c.action !== 'AssumeRole');
    expect(countCalls(checks)).toEqual({
      GetCallerIdentity: 2, GetRole: 2, SimulatePrincipalPolicy: 1, ListRolePolicies: 1, GetRolePolicy: 1, ListAttachedRolePolicies: 1,
    });
    expect(checks.length).toBeLessThanOrEqual(10);
  });

  test('every chain of an app: each role and each policy read once, as moto\'s request recorder counts them', async () => {
    let exitCode: number | undefined;
    const calls = await moto.recordCalls(async () => {
      ({ exitCode } = await doctor('npx cdk-cross-account-task-roles doctor --app cdk.out --source-profile source --destination-profile destination'));
    });

    expect(exitCode).toBe(0);
    expect(profileCredentialCalls(calls)).toEqual([roleArn(SOURCE_ACCOUNT, 'admin'), roleArn(DESTINATION_ACCOUNT, 'admin')]);
    const reads = calls.filter(c => !['AssumeRole', 'GetCallerIdentity', 'SimulatePrincipalPolicy'].includes(c.action))
      .map(c => `${c.action} ${c.parameters.RoleName ?? c.parameters.PolicyArn ?? ''} ${c.parameters.PolicyName ?? ''}`.trim());
    expect(reads.filter((read, i) => reads.indexOf(read) !== i)).toEqual([]);
    expect(countCalls(calls)).toMatchObject({ GetCallerIdentity: 2, SimulatePrincipalPolicy: 1 });
  });

  test('the destination\'s trust rewritten to another role: exit 1, the trust does not admit the task role', async () => {
    const { Role: role } = await iam.destination.send(new GetRoleCommand({ RoleName: 'destination-account-role' }));
    const trust = decodeURIComponent(role!.AssumeRolePolicyDocument!);
    try {
      await iam.destination.send(new UpdateAssumeRolePolicyCommand({
        RoleName: 'destination-account-role', PolicyDocument: trust.replace('role/my-ECS-task-role', 'role/someone-else'),
      }));
      const result = await doctor(readmeCommands('Verify a deployed chain', 'npx cdk-cross-account-task-roles doctor')[0]);
      expect(result.exitCode).toBe(1);
      expect(failures(result.output)).toMatch(/trust[^\n]*my-ECS-task-role|my-ECS-task-role[^\n]*trust/i);
    } finally {
      await iam.destination.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'destination-account-role', PolicyDocument: trust }));
    }
  });

  test('the destination role deleted: exit 1, the role does not exist', async () => {
    const { Role: role } = await iam.destination.send(new GetRoleCommand({ RoleName: 'destination-account-role' }));
    const names = (await iam.destination.send(new ListRolePoliciesCommand({ RoleName: 'destination-account-role' }))).PolicyNames ?? [];
    const policies = await Promise.all(names.map(async name =>
      [name, decodeURIComponent((await iam.destination.send(new GetRolePolicyCommand({ RoleName: 'destination-account-role', PolicyName: name }))).PolicyDocument!)]));
    for (const [name] of policies) {
      await iam.destination.send(new DeleteRolePolicyCommand({ RoleName: 'destination-account-role', PolicyName: name }));
    }
    await iam.destination.send(new DeleteRoleCommand({ RoleName: 'destination-account-role' }));
    try {
      const result = await doctor(readmeCommands('Verify a deployed chain', 'npx cdk-cross-account-task-roles doctor')[0]);
      expect(result.exitCode).toBe(1);
      expect(failures(result.output)).toMatch(/destination-account-role[^\n]*(does not exist|not found|deleted)/i);
    } finally {
      // As it was, so that `cdk destroy` finds what CloudFormation created.
      await iam.destination.send(new CreateRoleCommand({
        RoleName: 'destination-account-role',
        AssumeRolePolicyDocument: decodeURIComponent(role!.AssumeRolePolicyDocument!),
        MaxSessionDuration: role!.MaxSessionDuration,
      }));
      for (const [name, document] of policies) {
        await iam.destination.send(new PutRolePolicyCommand({ RoleName: 'destination-account-role', PolicyName: name, PolicyDocument: document }));
      }
    }
  });

  test('the external ID of the trust changed: exit 1, the external ID the task sends does not match', async () => {
    const { Role: role } = await iam.destination.send(new GetRoleCommand({ RoleName: 'reports-reader' }));
    const trust = decodeURIComponent(role!.AssumeRolePolicyDocument!);
    expect(trust).toContain(`"${EXTERNAL_ID}"`);
    try {
      await iam.destination.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'reports-reader', PolicyDocument: trust.replace(`"${EXTERNAL_ID}"`, '"another-pipeline"') }));
      const result = await doctor(doctorCommand(REPORTS_TASK_ROLE, REPORTS_READER, ` --external-id ${EXTERNAL_ID}`));
      expect(result.exitCode).toBe(1);
      expect(failures(result.output)).toMatch(/external ID/i);
    } finally {
      await iam.destination.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'reports-reader', PolicyDocument: trust }));
    }
  });
});

// moto has no iam:SimulatePrincipalPolicy (HTTP 500): the doctor evaluates the role's own policies
// itself, so a deleted identity policy is a broken chain (exit 1), not an unproven one.
describe('the doctor after drift it can only see by evaluating the source\'s policies itself', () => {
  test('the task role\'s identity policy deleted: exit 1, nothing allows sts:AssumeRole on the destination', async () => {
    const policy = decodeURIComponent((await iam.source.send(new GetRolePolicyCommand({
      RoleName: 'my-ECS-task-role', PolicyName: 'AssumeDestinationRoles',
    }))).PolicyDocument!);
    await iam.source.send(new DeleteRolePolicyCommand({ RoleName: 'my-ECS-task-role', PolicyName: 'AssumeDestinationRoles' }));
    try {
      const result = await doctor(readmeCommands('Verify a deployed chain', 'npx cdk-cross-account-task-roles doctor')[0]);
      expect(result.exitCode).toBe(1);
      expect(failures(result.output)).toMatch(/sts:AssumeRole/);
    } finally {
      await iam.source.send(new PutRolePolicyCommand({ RoleName: 'my-ECS-task-role', PolicyName: 'AssumeDestinationRoles', PolicyDocument: policy }));
    }
  });
});

describe('cdk destroy', () => {
  test('destroying every stack with its account\'s profile leaves none of the library\'s roles', async () => {
    const destroy = (stack: string, profile: string, app: string) =>
      mustRun(`npx cdk destroy ${stack} --exclusively --force --profile ${profile}`, appDirectory(workspace, app), workspace.env);
    await Promise.all([
      (async () => {
        await destroy('DestinationStack', 'destination', 'walkthrough');
        await destroy('SourceStack', 'source', 'walkthrough');
      })(),
      (async () => {
        await destroy('BucketAccountStack', 'destination', 'ec2-s3-walkthrough');
        await destroy('InstanceAccountStack', 'source', 'ec2-s3-walkthrough');
      })(),
      (async () => {
        await destroy('ReportsTaskStack', 'source', 'platform-team');
        await destroy('ReportsReaderStack', 'destination', 'data-team');
      })(),
    ]);
    for (const client of [iam.source, iam.destination]) {
      const names = ((await client.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles ?? []).map(r => r.RoleName!);
      // Only the bootstrap roles stay.
      expect(names.filter(name => !name.startsWith('cdk-hnb659fds-'))).toEqual([]);
      expect(names.filter(name => LIBRARY_ROLES.includes(name))).toEqual([]);
    }
    console.log(`Packed, bootstrapped and deployed in ${deployment.seconds} s (${deployment.laps.join(', ')}).`);
  });
});
