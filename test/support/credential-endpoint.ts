import { FakeEndpoint, startEndpoint } from '../../tools/iam-offline/local-endpoint';

/** A role session's credentials, as STS returns them. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/**
 * What ECS and EC2 give the code they run, on a loopback port: a role session served by the
 * container credentials endpoint at `/creds` (AWS_CONTAINER_CREDENTIALS_FULL_URI) and by the
 * instance metadata service (IMDSv2, AWS_EC2_METADATA_SERVICE_ENDPOINT) for the instance profile
 * of `roleName`.
 */
export function serveRoleSession(roleName: string, session: SessionCredentials): Promise<FakeEndpoint> {
  const credentials = {
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    Token: session.sessionToken,
    Expiration: session.expiration.toISOString(),
  };
  const json = (value: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(value) });
  const text = (body: string) => ({ status: 200, contentType: 'text/plain', body });
  return startEndpoint(({ method, path }) => {
    if (method === 'GET' && path === '/creds') {
      return json(credentials);
    }
    if (method === 'PUT' && path === '/latest/api/token') {
      return text('imds-session-token');
    }
    if (method === 'GET' && path === '/latest/meta-data/iam/security-credentials/') {
      return text(roleName);
    }
    if (method === 'GET' && path === `/latest/meta-data/iam/security-credentials/${roleName}`) {
      return json({ Code: 'Success', Type: 'AWS-HMAC', LastUpdated: new Date().toISOString(), ...credentials });
    }
    return { status: 404, contentType: 'text/plain', body: 'not found' };
  });
}
