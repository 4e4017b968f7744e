import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { IncomingHttpHeaders, createServer } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { fromIni } from '@aws-sdk/credential-providers';

/**
 * Local stand-ins for the endpoints the AWS SDK for JavaScript calls to use a
 * `role_arn` + `credential_source` profile: the ECS container credentials
 * endpoint, the EC2 instance metadata service and STS. They listen on
 * 127.0.0.1 only, on ephemeral ports, and record what the SDK sent.
 */

export const CONTAINER_ACCESS_KEY_ID = 'ASIACONTAINERSOURCE1';
export const INSTANCE_ACCESS_KEY_ID = 'ASIAINSTANCESOURCE01';
export const ENVIRONMENT_ACCESS_KEY_ID = 'AKIAENVIRONMENTSRC01';
export const DESTINATION_ACCESS_KEY_ID = 'ASIADESTINATIONROLE1';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface FakeEndpoint {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startEndpoint(answer: (request: RecordedRequest) => Reply): Promise<FakeEndpoint> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const reply = answer(request);
      res.writeHead(reply.status, { 'Content-Type': reply.contentType });
      res.end(reply.body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function sessionCredentials(accessKeyId: string) {
  return {
    AccessKeyId: accessKeyId,
    SecretAccessKey: 'fake-secret',
    Token: 'fake-session-token',
    Expiration: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

const json = (value: unknown): Reply => ({ status: 200, contentType: 'application/json', body: JSON.stringify(value) });
const text = (body: string): Reply => ({ status: 200, contentType: 'text/plain', body });
const notFound: Reply = { status: 404, contentType: 'text/plain', body: 'not found' };

/**
 * The ECS container credentials endpoint at `/creds`, and IMDSv2 at `/latest/...`
 * with an instance profile named `instance-role`.
 */
export function startCredentialSources(): Promise<FakeEndpoint> {
  return startEndpoint(({ method, path }) => {
    if (method === 'GET' && path === '/creds') {
      return json(sessionCredentials(CONTAINER_ACCESS_KEY_ID));
    }
    if (method === 'PUT' && path === '/latest/api/token') {
      return text('fake-imds-token');
    }
    if (method === 'GET' && path === '/latest/meta-data/iam/security-credentials/') {
      return text('instance-role');
    }
    if (method === 'GET' && path === '/latest/meta-data/iam/security-credentials/instance-role') {
      return json({ Code: 'Success', Type: 'AWS-HMAC', ...sessionCredentials(INSTANCE_ACCESS_KEY_ID) });
    }
    return notFound;
  });
}

/** The identity GetCallerIdentity reports for requests signed with the container's credentials. */
export const CONTAINER_CALLER_ARN = 'arn:aws:sts::111122223333:assumed-role/my-ECS-task-role/task';

/**
 * STS, answering every AssumeRole (an AWS Query POST) with fresh credentials, and
 * GetCallerIdentity with the identity of the credentials the request was signed with:
 * the container's, or the role last assumed.
 */
export function startSts(): Promise<FakeEndpoint> {
  let lastAssumedRoleArn: string | undefined;
  return startEndpoint(request => {
    const params = new URLSearchParams(request.body);
    if (params.get('Action') === 'GetCallerIdentity') {
      const key = signingAccessKeyId(request);
      const arn = key === CONTAINER_ACCESS_KEY_ID ? CONTAINER_CALLER_ARN : key === DESTINATION_ACCESS_KEY_ID ? lastAssumedRoleArn : undefined;
      if (arn === undefined) {
        return { status: 403, contentType: 'text/xml', body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>unknown key</Message></Error></ErrorResponse>' };
      }
      return {
        status: 200,
        contentType: 'text/xml',
        body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>${arn}</Arn><UserId>AROAFAKEROLEID:session</UserId><Account>${arn.split(':')[4]}</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      };
    }
    if (params.get('Action') !== 'AssumeRole') {
      return { status: 400, contentType: 'text/xml', body: '<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>' };
    }
    const credentials = sessionCredentials(DESTINATION_ACCESS_KEY_ID);
    const sessionName = params.get('RoleSessionName');
    const assumedRoleArn = `${params.get('RoleArn')!.replace(':iam::', ':sts::').replace(/:role\/(?:.*\/)?/, ':assumed-role/')}/${sessionName}`;
    lastAssumedRoleArn = assumedRoleArn;
    return {
      status: 200,
      contentType: 'text/xml',
      body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<AssumedRoleUser><Arn>${assumedRoleArn}</Arn><AssumedRoleId>AROAFAKEROLEID:${sessionName}</AssumedRoleId></AssumedRoleUser>
<Credentials><AccessKeyId>${credentials.AccessKeyId}</AccessKeyId><SecretAccessKey>${credentials.SecretAccessKey}</SecretAccessKey>
<SessionToken>${credentials.Token}</SessionToken><Expiration>${credentials.Expiration}</Expiration></Credentials>
</AssumeRoleResult><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  });
}

/** The parameters of an AWS Query request, such as `RoleArn` of an AssumeRole. */
export function queryParameters(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request.body));
}

/** The access key ID a SigV4 request was signed with. */
export function signingAccessKeyId(request: RecordedRequest): string | undefined {
  return /Credential=([^/]+)\//.exec(String(request.headers.authorization))?.[1];
}

/** Environment variables the SDK reads, so that nothing of the machine leaks into a run. */
const SDK_VARIABLES = [
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN',
  'AWS_EC2_METADATA_DISABLED', 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  // The doctor's timeout, so that a test's value never leaks into the next test.
  'CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT',
];

/** Runs `body` with `env` as the SDK's whole environment, restoring the process environment afterwards. */
export async function withSdkEnvironment<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(SDK_VARIABLES.map(name => [name, process.env[name]]));
  try {
    SDK_VARIABLES.forEach(name => delete process.env[name]);
    Object.assign(process.env, env);
    return await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
}

/**
 * Resolve `profile` from a config file holding `configText`, the way an SDK
 * client in the container would, with credential sources at `sources` and STS at
 * `sts`. The process environment is restored afterwards.
 */
export async function resolveProfileWithSdk(configText: string, profile: string, sources: FakeEndpoint, sts: FakeEndpoint) {
  const directory = mkdtempSync(join(tmpdir(), 'aws-config-profile-'));
  try {
    const configFilepath = join(directory, 'config');
    const filepath = join(directory, 'credentials');
    writeFileSync(configFilepath, configText);
    writeFileSync(filepath, '');
    return await withSdkEnvironment({
      AWS_CONFIG_FILE: configFilepath,
      AWS_SHARED_CREDENTIALS_FILE: filepath,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${sources.url}/creds`,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: sources.url,
      AWS_ACCESS_KEY_ID: ENVIRONMENT_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: 'fake-environment-secret',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }, () => fromIni({
      profile,
      filepath,
      configFilepath,
      ignoreCache: true,
      clientConfig: { endpoint: sts.url, region: 'us-east-1', maxAttempts: 1 },
    })());
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
