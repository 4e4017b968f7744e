import { ChildProcess, execFile, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import {
  GetRolePolicyCommand, IAMClient, IAMClientConfig, ListRolePoliciesCommand, ListRolesCommand, PutRolePolicyCommand,
} from '@aws-sdk/client-iam';

/**
 * moto's server mode (an AWS emulator: CloudFormation, IAM, STS, S3, SSM, ECR, ECS) on a free
 * loopback port, for the end-to-end test. moto takes the account of a request from the role ARN its
 * credentials were assumed from, so one server holds every account.
 */

const MOTO_INSTALL = 'pip install "moto[server]>=5.1"';

export interface MotoServer {
  /**
   * `http://localhost:PORT`: moto reads a CloudFormation `TemplateURL` path-style only for the host
   * `localhost` (with `127.0.0.1`, `cdk deploy` fails with "The specified bucket does not exist").
   */
  readonly endpoint: string;
  /** Turns IAM enforcement on or off (it starts off: every request is allowed). */
  enforceIam(on: boolean): Promise<void>;
  /**
   * The API calls (`GetRole`, `GetCallerIdentity`, ...) moto received while `during` ran, in order,
   * from moto's request recorder.
   */
  recordCalls(during: () => Promise<unknown>): Promise<RecordedCall[]>;
  stop(): Promise<void>;
}

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>(resolve => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** The command that starts moto: $MOTO_SERVER, else `moto_server` on PATH. */
function motoCommand(): string {
  return process.env.MOTO_SERVER ?? 'moto_server';
}

/** Fails with the install command when moto's server is not installed (a pyenv shim without it exits 127). */
async function requireMoto(): Promise<void> {
  try {
    await run(motoCommand(), ['--help'], { timeout: 30_000 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 127) {
      throw new Error(`moto_server is not installed. The end-to-end test deploys into moto's AWS emulator: ${MOTO_INSTALL} `
        + '(or set MOTO_SERVER to its path).');
    }
    throw error;
  }
}

async function startOn(port: number, recording: string): Promise<{ child: ChildProcess; exited: () => boolean; output: () => string }> {
  // Its own process group, so that stop() ends moto and nothing else. Its recorder writes only between
  // start-recording and stop-recording, to a file of the run's own.
  const child = spawn(motoCommand(), ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MOTO_RECORDER_FILEPATH: recording },
  });
  let output = '';
  let exited = false;
  child.stdout!.on('data', chunk => { output += chunk; });
  child.stderr!.on('data', chunk => { output = (output + chunk).slice(-20_000); });
  child.on('exit', () => { exited = true; });
  child.on('error', () => { exited = true; });
  const deadline = Date.now() + 30_000;
  while (!exited && Date.now() < deadline && !(await answers(`http://localhost:${port}/moto-api/data.json`))) {
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  return { child, exited: () => exited, output: () => output };
}

export interface RecordedCall {
  /** `GetRole`, or the path of a request that names no action. */
  readonly action: string;
  /** The form parameters of a query-protocol call (IAM, STS), such as `RoleName`. */
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * The calls of a recording of moto (a JSON line per request): the `Action` of a query-protocol call
 * (IAM, STS), in the form body or the URL, or the `X-Amz-Target` operation.
 */
export function callsOfRecording(recording: string): RecordedCall[] {
  return recording.split('\n').filter(line => line.trim() !== '').map(line => {
    const entry = JSON.parse(line) as { url: string; headers: Record<string, string>; body?: string; body_encoded?: boolean };
    const body = entry.body_encoded ? Buffer.from(entry.body ?? '', 'base64').toString('utf-8') : entry.body ?? '';
    const form = new URLSearchParams(body);
    const url = new URL(entry.url);
    const target = Object.entries(entry.headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
    const action = form.get('Action') ?? url.searchParams.get('Action') ?? target?.split('.').pop() ?? url.pathname;
    return { action, parameters: Object.fromEntries(form.entries()) };
  });
}

export async function startMotoServer(): Promise<MotoServer> {
  await requireMoto();
  const scratch = mkdtempSync(join(tmpdir(), 'moto-recording-'));
  // Another process may take the free port before moto binds it: try again on another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await startOn(port, join(scratch, 'requests.jsonl'));
    const endpoint = `http://localhost:${port}`;
    const recorder = async (step: string) => {
      const response = await fetch(`${endpoint}/moto-api/recorder/${step}`, { method: step === 'download-recording' ? 'GET' : 'POST' });
      if (!response.ok) {
        throw new Error(`moto's recorder refused ${step}: HTTP ${response.status} ${await response.text()}`);
      }
      return response.text();
    };
    if (!started.exited() && await answers(`${endpoint}/moto-api/data.json`)) {
      return {
        endpoint,
        async recordCalls(during) {
          await recorder('reset-recording');
          await recorder('start-recording');
          try {
            await during();
          } finally {
            await recorder('stop-recording');
          }
          return callsOfRecording(await recorder('download-recording'));
        },
        async enforceIam(on) {
          // POST /moto-api/reset-auth: the number of requests still allowed before enforcement starts.
          const response = await fetch(`${endpoint}/moto-api/reset-auth`, {
            method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: on ? '0' : 'inf',
          });
          if (!response.ok) {
            throw new Error(`moto refused to turn IAM enforcement ${on ? 'on' : 'off'}: HTTP ${response.status} ${await response.text()}`);
          }
        },
        async stop() {
          if (!started.exited()) {
            const exit = new Promise(resolve => started.child.once('exit', resolve));
            process.kill(-started.child.pid!, 'SIGTERM');
            await exit;
          }
          rmSync(scratch, { recursive: true, force: true });
        },
      };
    }
    if (!started.exited()) {
      process.kill(-started.child.pid!, 'SIGKILL');
    }
    if (attempt === 3) {
      throw new Error(`moto_server did not start on 127.0.0.1:${port}:\n${started.output()}`);
    }
  }
}

/** An IAM client of one account of the emulator, with credentials of that account. */
export function iamClient(endpoint: string, credentials: IAMClientConfig['credentials']): IAMClient {
  return new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/**
 * moto 5.2.1 keeps the inline policies of a role that CloudFormation created as Python text
 * (`{'Statement': ...}`) instead of JSON, and its IAM enforcement then fails every request of
 * that role's sessions with HTTP 500 (`KeyError: 'policy_document'`). Writing each such policy back,
 * unchanged, through `iam:PutRolePolicy` stores it as JSON. Returns the policies written back.
 */
export async function storeInlinePoliciesAsJson(iam: IAMClient): Promise<string[]> {
  const stored: { roleName: string; policyName: string; text: string }[] = [];
  const roles = (await iam.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles ?? [];
  for (const role of roles) {
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: role.RoleName! }))).PolicyNames ?? [];
    for (const name of names) {
      const text = decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: role.RoleName!, PolicyName: name }))).PolicyDocument!);
      if (!isJson(text)) {
        stored.push({ roleName: role.RoleName!, policyName: name, text });
      }
    }
  }
  const documents = await pythonLiteralsAsJson(stored.map(policy => policy.text));
  for (const [index, { roleName, policyName }] of stored.entries()) {
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: documents[index] }));
  }
  return stored.map(({ roleName, policyName }) => `${roleName}/${policyName}`);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Python literals (moto's text of policies) as JSON documents, read by Python itself. */
async function pythonLiteralsAsJson(texts: string[]): Promise<string[]> {
  if (texts.length === 0) {
    return [];
  }
  const script = 'import ast, json, sys; print(json.dumps([json.dumps(ast.literal_eval(t)) for t in json.load(sys.stdin)]))';
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', script], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`python3 could not read moto's policy texts ${texts.join(', ')}: ${stderr || error.message}`));
      } else {
        resolve(JSON.parse(stdout));
      }
    });
    child.stdin!.end(JSON.stringify(texts));
  });
}
