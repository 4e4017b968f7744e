import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fromIni } from '@aws-sdk/credential-providers';
import { FakeEndpoint, RecordedRequest, Reply, signingAccessKeyId, startEndpoint, withSdkEnvironment } from '../../tools/iam-offline/local-endpoint';

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
