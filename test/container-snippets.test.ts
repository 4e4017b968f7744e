import { execFile } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import {
  CONTAINER_ACCESS_KEY_ID, CONTAINER_CALLER_ARN, DESTINATION_ACCESS_KEY_ID, queryParameters, startCredentialSources, startSts,
} from './support/fake-aws-endpoints';
import { NO_BOTO3, RUN_PYTHON, pythonWithBoto3 } from './support/python';
import { FakeEndpoint, RecordedRequest, signingAccessKeyId } from '../tools/iam-offline/local-endpoint';

// The snippets docs/container.md shows for application code in the container (the README shows the
// JavaScript one): each gives one client the destination role's credentials (from
// CROSS_ACCOUNT_ROLE_ARN / CROSS_ACCOUNT_EXTERNAL_ID) and keeps the task role for the others. They
// run against loopback fakes of the container credentials endpoint and STS.

const run = promisify(execFile);
const JAVASCRIPT = join(__dirname, '..', 'examples', 'container', 'assume-destination.mjs');
const PYTHON = join(__dirname, '..', 'examples', 'container', 'assume_destination.py');
const DESTINATION_ARN = 'arn:aws:iam::555566667777:role/destination-account-role';
const ASSUMED_ARN = 'arn:aws:sts::555566667777:assumed-role/destination-account-role/cross-account';

/** Only what a container in ECS would have: the credentials endpoint, the Region, the role's variables. */
function containerEnvironment(sources: FakeEndpoint, sts: FakeEndpoint, externalId?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${sources.url}/creds`,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CROSS_ACCOUNT_ROLE_ARN: DESTINATION_ARN,
    ...(externalId === undefined ? {} : { CROSS_ACCOUNT_EXTERNAL_ID: externalId }),
  };
}

function action(request: RecordedRequest): string {
  return queryParameters(request).Action;
}

/** Whether a Markdown file of the repository has a code block that is exactly the file's text. */
function shows(document: string, language: string, file: string): boolean {
  return readFileSync(join(__dirname, '..', document), 'utf8').includes('```' + language + '\n' + readFileSync(file, 'utf8') + '```\n');
}

// Each test starts an interpreter (Python imports boto3), which takes seconds on a busy machine.
jest.setTimeout(30_000);

describe.each([
  ['JavaScript (AWS SDK v3)', 'js', JAVASCRIPT, ['docs/container.md', 'README.md'], () => 'node', (file: string) => [file]],
  ['Python (boto3)', 'python', PYTHON, ['docs/container.md'], pythonWithBoto3, (file: string) => [RUN_PYTHON, file]],
])('%s snippet', (_name, language, file, documents, interpreter, argumentsFor) => {
  let sources: FakeEndpoint;
  let sts: FakeEndpoint;

  beforeEach(async () => {
    sources = await startCredentialSources();
    sts = await startSts();
  });

  afterEach(async () => {
    await sources.close();
    await sts.close();
  });

  async function runSnippet(externalId?: string): Promise<string> {
    const command = interpreter();
    if (command === undefined) {
      throw new Error(NO_BOTO3);
    }
    const { stdout } = await run(command, argumentsFor(file), { env: containerEnvironment(sources, sts, externalId), timeout: 30_000 });
    return stdout;
  }

  test.each(documents)('%s shows the file as it is', document => {
    expect(shows(document, language, file)).toBe(true);
  });

  test('assumes the destination role with its external ID, signed with the task role', async () => {
    // WHEN
    await runSnippet('reports-pipeline');
    // THEN
    const assumeRoles = sts.requests.filter(request => action(request) === 'AssumeRole');
    expect(assumeRoles).toHaveLength(1);
    expect(queryParameters(assumeRoles[0])).toMatchObject({ RoleArn: DESTINATION_ARN, ExternalId: 'reports-pipeline' });
    expect(signingAccessKeyId(assumeRoles[0])).toBe(CONTAINER_ACCESS_KEY_ID);
  });

  test('sends no ExternalId when CROSS_ACCOUNT_EXTERNAL_ID is not set', async () => {
    // WHEN
    await runSnippet();
    // THEN
    const assumeRole = sts.requests.find(request => action(request) === 'AssumeRole')!;
    expect(queryParameters(assumeRole)).toMatchObject({ RoleArn: DESTINATION_ARN });
    expect(queryParameters(assumeRole)).not.toHaveProperty('ExternalId');
  });

  test('the destination client signs with the assumed credentials, the other client with the task role', async () => {
    // WHEN
    const output = await runSnippet('reports-pipeline');
    // THEN
    const callers = sts.requests.filter(request => action(request) === 'GetCallerIdentity').map(signingAccessKeyId);
    expect(callers.sort()).toEqual([CONTAINER_ACCESS_KEY_ID, DESTINATION_ACCESS_KEY_ID].sort());
    expect(output).toMatch(new RegExp(`^task role: +${CONTAINER_CALLER_ARN}$`, 'm'));
    expect(output).toMatch(new RegExp(`^destination role: ${ASSUMED_ARN}$`, 'm'));
  });
});
