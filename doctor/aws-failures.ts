/**
 * Why a call to AWS failed, in the terms of what the user can change: the network or the
 * endpoint, the profile's name, the credentials, a permission, or an API that is not there.
 * Each kind has its own fix; a refused connection is never reported as a credentials problem.
 */
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

export type FailureKind =
  /** The endpoint refused the connection, or its name did not resolve. */
  | 'unreachable'
  /** The endpoint did not connect or answer in time. */
  | 'timeout'
  /** The profile named with --source-profile or --destination-profile is in no config or credentials file. */
  | 'profile-missing'
  /** No credentials were found, or the profile has none that the SDK can use. */
  | 'credentials-missing'
  /** AWS refused the credentials: unknown key, wrong secret, expired session. */
  | 'credentials-invalid'
  /** The credentials are valid but not allowed the call. */
  | 'denied'
  /** The API is not there: an emulator without it, or an answer that is not AWS's. */
  | 'unsupported'
  | 'other';

export interface AwsCallFailure {
  readonly kind: FailureKind;
  /** One line: what happened, without credentials. */
  readonly summary: string;
}

export interface FailureContext {
  readonly profile?: string;
  readonly timeoutSeconds: number;
  readonly region: string;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
};

const INVALID_CREDENTIALS = new Set([
  'InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException',
  'InvalidAccessKeyId', 'AuthFailure', 'IncompleteSignature', 'InvalidToken', 'TokenRefreshRequired',
]);

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);

/** The endpoint the SDK was pointed at by the environment, if any, to name it in messages. */
function configuredEndpoint(): string | undefined {
  const variable = ['AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL'].find(name => process.env[name]);
  return variable ? `${process.env[variable]} (${variable})` : undefined;
}

/** The profiles of the shared config and credentials files, or `undefined` when they cannot be read. */
async function knownProfiles(): Promise<string[] | undefined> {
  try {
    const files = await loadSharedConfigFiles({ ignoreCache: true });
    return [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** Sorts an error of the SDK; `profile-missing` is decided later, when the files are read (see {@link refineFailure}). */
export function describeFailure(error: unknown, context: FailureContext): AwsCallFailure {
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    address?: string;
    port?: number;
    hostname?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
  };
  const message = firstLine(e.message ?? String(error)).replace(/\.$/, '');
  // A network error may reach here as text only ("AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1").
  const inText = new RegExp(`\\b(${Object.keys(NETWORK_CODES).join('|')})\\b(?: (\\S+))?`).exec(message);
  const code = e.code ?? inText?.[1] ?? '';
  if (NETWORK_CODES[code]) {
    const where = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}`
      : e.hostname ?? inText?.[2] ?? configuredEndpoint() ?? `the endpoints of ${context.region}`;
    return { kind: 'unreachable', summary: `could not connect to ${where} (${NETWORK_CODES[code]})` };
  }
  if (e.name === 'TimeoutError' || code === 'ETIMEDOUT' || /timed out|timeout/i.test(message) && !e.$metadata?.httpStatusCode) {
    return { kind: 'timeout', summary: `no answer from ${configuredEndpoint() ?? `the AWS endpoints of ${context.region}`} within ${context.timeoutSeconds} s` };
  }
  if (e.name === 'CredentialsProviderError' || /Could not load credentials|Could not resolve credentials|Profile .* (could not|not found)/i.test(message)) {
    return { kind: 'credentials-missing', summary: message };
  }
  const name = e.name ?? '';
  if (INVALID_CREDENTIALS.has(name) || INVALID_CREDENTIALS.has(code)) {
    return { kind: 'credentials-invalid', summary: `${name}: ${message}` };
  }
  if (DENIED.has(name) || DENIED.has(code)) {
    return { kind: 'denied', summary: `${name}: ${message}` };
  }
  const status = e.$metadata?.httpStatusCode;
  // The SDK names an error it cannot read `Unknown`, or fails to parse the page.
  const unreadable = name === 'Unknown' || /Deserialization|XML parse|parse error|Unexpected token|Expected .* but got/i.test(`${name} ${message}`);
  if ((status !== undefined && status >= 500) || unreadable || /NotImplemented|InvalidAction/i.test(name)) {
    // An answer that is not AWS's (an emulator's HTML error page) says nothing more than its status.
    const what = unreadable ? 'an answer that is not an AWS API\'s' : `${name}: ${message}`;
    return { kind: 'unsupported', summary: `${status ? `HTTP ${status}, ` : ''}${what}` };
  }
  return { kind: 'other', summary: `${name && name !== 'Error' ? `${name}: ` : ''}${message}` };
}

/** A credentials failure of a named profile that no file holds is a missing profile. */
export async function refineFailure(failure: AwsCallFailure, profile: string | undefined): Promise<AwsCallFailure> {
  if (failure.kind !== 'credentials-missing' || profile === undefined) {
    return failure;
  }
  const profiles = await knownProfiles();
  if (profiles && !profiles.includes(profile)) {
    return {
      kind: 'profile-missing',
      summary: `no profile named ${profile} in the AWS config or credentials files`
        + ` (${profiles.length ? `they have ${profiles.join(', ')}` : 'they have no profile'})`,
    };
  }
  return failure;
}

export interface FailureSide {
  /** `source` or `destination`. */
  readonly label: string;
  readonly account: string;
  readonly profile?: string;
  readonly credentialsName: string;
}

/** The change that lets the doctor make the call again. */
export function fixFor(failure: AwsCallFailure, side: FailureSide, action: string): string {
  const flag = `--${side.label}-profile`;
  const endpoint = configuredEndpoint();
  switch (failure.kind) {
    case 'unreachable':
      return 'Check the network path to AWS (a proxy: HTTPS_PROXY; a VPC without internet access needs endpoints for IAM and STS)'
        + `${endpoint ? `, and ${endpoint}, which points the AWS SDK at another endpoint` : ''}. The credentials were not tried.`;
    case 'timeout':
      return `Check the network path and ${endpoint ?? 'any proxy'}; on a slow link allow more time with --timeout <seconds> `
        + '(or CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT).';
    case 'profile-missing':
      return `Name a profile of account ${side.account} with ${flag} (\`aws configure list-profiles\` lists them), or create it with \`aws configure --profile ${side.profile}\``
        + ' (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE choose other files).';
    case 'credentials-missing':
      return side.profile
        ? `Give the profile ${side.profile} credentials (aws_access_key_id, role_arn with source_profile or credential_source, sso_session, `
          + `or credential_process), or use \`aws sso login --profile ${side.profile}\` if it uses IAM Identity Center.`
        : `Pass ${flag} <profile> naming a profile of account ${side.account} (see \`aws configure list-profiles\`), or set AWS_PROFILE or AWS_ACCESS_KEY_ID.`;
    case 'credentials-invalid':
      return side.profile
        ? `Renew the credentials of profile ${side.profile} (\`aws sso login --profile ${side.profile}\`, or new keys), and check that they belong to account ${side.account}.`
        : `Renew the credentials of the default chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...), or pass ${flag} <profile> for account ${side.account}.`;
    case 'denied':
      return `Allow ${action} to the ${side.label} credentials (${side.credentialsName}), for example with the AWS managed policy SecurityAudit, `
        + `or use ${flag} with credentials that have it.`;
    case 'unsupported':
      return `${action} is not available at this endpoint${endpoint ? ` (${endpoint})` : ''}: check it against the real AWS API.`;
    default:
      return `Make sure the ${side.label} credentials (${side.credentialsName}) may call ${action} in account ${side.account}.`;
  }
}
