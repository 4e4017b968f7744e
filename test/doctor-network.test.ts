/**
 * What the doctor says when it cannot ask AWS: an endpoint that refuses or never answers,
 * a profile that does not exist, credentials that are missing or refused, a read it is not
 * allowed. Each is "could not verify" (exit 3) with its own fix, never "the chain does not work".
 */
import { appendFileSync } from 'fs';
import { AddressInfo, Server, Socket, createServer } from 'net';
import { CHAIN, PROFILES, checkLines, doctorRun } from './support/doctor-run';

jest.setTimeout(60_000);

const ARGS = [...CHAIN, ...PROFILES];

/** A loopback port that refuses connections: bound once, then closed. */
async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

/** An endpoint that accepts connections and never answers. */
async function silentEndpoint(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer(socket => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>(resolve => {
      sockets.forEach(s => s.destroy());
      server.close(() => resolve());
    }),
  };
}

const at = (url: string) => () => ({ AWS_ENDPOINT_URL_IAM: url, AWS_ENDPOINT_URL_STS: url });

describe('the endpoint', () => {
  test('a refused connection names the endpoint and the network, not the credentials or --source-profile', async () => {
    const port = await refusingPort();

    const run = await doctorRun(ARGS, { env: at(`http://127.0.0.1:${port}`) });

    expect(run.exitCode).toBe(3);
    const lines = checkLines(run.out, 1);
    expect(lines).toMatch(new RegExp(`^\\[\\?\\] 1\\. .*\\n    \\? Could not check the source account with profile source: sts:GetCallerIdentity failed: could not connect to 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\.\\n      Fix: Check the network path to AWS .*http://127\\.0\\.0\\.1:${port} \\(AWS_ENDPOINT_URL_IAM\\), which points the AWS SDK at another endpoint\\. The credentials were not tried\\.`));
    expect(run.out).not.toMatch(/No usable credentials|Pass --source-profile/);
    expect(run.out).toMatch(/^\? Could not verify 1 check: the chain is not proven to work \(see \?\)\.$/m);
  });

  test('an endpoint that never answers: --timeout 1 gives up after about a second per attempt, and says on stderr what it waits for', async () => {
    const endpoint = await silentEndpoint();
    const started = Date.now();
    try {
      const run = await doctorRun([...ARGS, '--timeout', '1', '--json'], { env: at(endpoint.url) });

      expect(run.exitCode).toBe(3);
      expect(Date.now() - started).toBeLessThan(15_000);
      const report = JSON.parse(run.out);
      expect(report).toMatchObject({ works: false, status: 'unverified', exitCode: 3 });
      expect(report.chains[0].checks[0]).toMatchObject({ verdict: 'unverified' });
      expect(report.chains[0].checks[0].findings[0]).toEqual({
        cause: expect.stringMatching(/^Could not check the source account with profile source: sts:GetCallerIdentity failed: no answer from http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_IAM\) within 1 s\.$/),
        fix: expect.stringMatching(/allow more time with --timeout <seconds> \(or CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT\)\.$/),
        verdict: 'unverified',
      });
      expect(run.err).toMatch(/^Waiting for sts:GetCallerIdentity with profile source \(up to 1 s per attempt; --timeout changes it\)\.\.\.$/m);
    } finally {
      await endpoint.close();
    }
  });

  test('the timeout may come from CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT', async () => {
    const endpoint = await silentEndpoint();
    try {
      const run = await doctorRun(ARGS, { env: () => ({ ...at(endpoint.url)(), CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT: '1' }) });

      expect(run.exitCode).toBe(3);
      expect(run.out).toMatch(/no answer from .* within 1 s\./);
    } finally {
      await endpoint.close();
    }
  });

  test.each([
    [['--timeout', 'soon'], {}, /^Error: --timeout soon is not a number of seconds between 0 and 300/],
    [['--timeout', '0'], {}, /^Error: --timeout 0 is not a number of seconds/],
    [['--timeout', '301'], {}, /^Error: --timeout 301 is not a number of seconds/],
    [[], { CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT: '-1' }, /^Error: CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT -1 is not a number of seconds/],
  ])('usage error %j %j', async (args, env, error) => {
    const run = await doctorRun([...ARGS, ...args], { env: () => env });

    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(error);
    expect(run.actions).toEqual([]);
  });
});

describe('profiles and credentials', () => {
  test('a profile that does not exist is named, with the profiles that do', async () => {
    const run = await doctorRun([...CHAIN, '--source-profile', 'sourse', '--destination-profile', 'destination']);

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 1)).toMatch(/\? Could not check the source account with profile sourse: sts:GetCallerIdentity failed: no profile named sourse in the AWS config or credentials files \(they have destination, other, source, source-admin\)\.\n      Fix: Name a profile of account 111122223333 with --source-profile \(`aws configure list-profiles` lists them\), or create it with `aws configure --profile sourse`/);
  });

  test('no credentials at all in the default chain', async () => {
    const run = await doctorRun(CHAIN, { env: () => ({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }) });

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 1)).toMatch(/\? Could not check the source account with the default credential chain: sts:GetCallerIdentity failed: Could not load credentials from any providers\.\n      Fix: Pass --source-profile <profile> naming a profile of account 111122223333/);
  });

  test('credentials AWS refuses, in a profile: renew them', async () => {
    const run = await doctorRun([...CHAIN, '--source-profile', 'expired', '--destination-profile', 'destination'], {
      env: env => {
        appendFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '\n[expired]\naws_access_key_id = AKIAUNKNOWNKEY000001\naws_secret_access_key = unknown-secret\n');
        return {};
      },
    });

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 1)).toMatch(/\? Could not check the source account with profile expired: sts:GetCallerIdentity failed: InvalidClientTokenId: The security token included in the request is invalid\.\n      Fix: Renew the credentials of profile expired \(`aws sso login --profile expired`, or new keys\), and check that they belong to account 111122223333\./);
  });

  test('credentials not allowed iam:GetRole: that permission is named', async () => {
    const run = await doctorRun(ARGS, {
      change: ({ accounts }) => {
        accounts.deniedActions = ['GetRole'];
      },
    });

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 1)).toMatch(/\? Could not read arn:aws:iam::111122223333:role\/my-ECS-task-role with profile source: iam:GetRole failed: AccessDenied: .*\n      Fix: Allow iam:GetRole to the source credentials \(profile source\)/);
  });
});
