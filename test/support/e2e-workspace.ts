import { spawn } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * The user's side of the end-to-end test: a temporary directory with an AWS config of two
 * accounts of the emulator, the packed library installed as users install it, and the CDK apps
 * of test/e2e/apps, each run with the commands the README shows.
 */

export const ROOT = join(__dirname, '..', '..');
const APPS = join(ROOT, 'test', 'e2e', 'apps');

export const SOURCE_ACCOUNT = '111122223333';
export const DESTINATION_ACCOUNT = '555566667777';

export interface Workspace {
  readonly directory: string;
  /** The environment of every command: the emulator, the profiles, nothing of the machine's AWS set-up. */
  readonly env: NodeJS.ProcessEnv;
  /** The AWS config file (`source` and `destination` profiles). */
  readonly configFile: string;
}

/**
 * Profiles as a user with two accounts has them: `source` and `destination` assume an administrator
 * role of their account from the `base` keys. moto acts in the account of the assumed role's ARN; the
 * role need not exist while IAM enforcement is off.
 */
function awsConfig(): string {
  const profile = (name: string, account: string) =>
    `[profile ${name}]\nrole_arn = arn:aws:iam::${account}:role/admin\nsource_profile = base\nregion = us-east-1\n`;
  return '[profile base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n'
    + `region = us-east-1\n${profile('source', SOURCE_ACCOUNT)}${profile('destination', DESTINATION_ACCOUNT)}`;
}

/** The services the test calls, for AWS_ENDPOINT_URL_<SERVICE> (which the wrapper of an older botocore reads). */
const SERVICES = ['CLOUDFORMATION', 'ECR', 'ECS', 'IAM', 'LOGS', 'S3', 'SSM', 'STS'];

export function createWorkspace(endpoint: string): Workspace {
  const directory = mkdtempSync(join(tmpdir(), 'e2e-'));
  const home = join(directory, 'home');
  mkdirSync(home);
  const configFile = join(directory, 'aws-config');
  writeFileSync(configFile, awsConfig());
  writeFileSync(join(directory, 'aws-credentials'), '');
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^AWS_/.test(name)));
  Object.assign(env, {
    // A home of its own: the AWS CLI caches assumed-role sessions under ~/.aws/cli/cache.
    HOME: home,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(directory, 'aws-credentials'),
    AWS_ENDPOINT_URL: endpoint,
    ...Object.fromEntries(SERVICES.map(service => [`AWS_ENDPOINT_URL_${service}`, endpoint])),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // A client that ignored the endpoint would leave the machine; through a proxy on a closed
    // loopback port it fails here instead (botocore and the cdk CLI read these).
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: 'localhost,127.0.0.1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  });
  return { directory, env, configFile };
}

export interface CommandResult {
  readonly exitCode: number;
  readonly output: string;
}

/** Runs a command line, as a user types it, in `cwd`; stdout and stderr together. */
export function runCommand(commandLine: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', commandLine], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', chunk => { output += chunk; });
    child.stderr.on('data', chunk => { output += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? -1, output });
    });
  });
}

/** Runs a command line and fails with its output unless it exits 0. */
export async function mustRun(commandLine: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<string> {
  const result = await runCommand(commandLine, cwd, env, timeoutMs);
  if (result.exitCode !== 0) {
    throw new Error(`\`${commandLine}\` in ${cwd} exited ${result.exitCode}:\n${result.output}`);
  }
  return result.output;
}

/** The packages of the repository a fresh app gets, linked so that nothing is downloaded. */
function linked(name: string): string {
  return `file:${join(ROOT, 'node_modules', name)}`;
}

/**
 * Gives the workspace the aws-cdk CLI, aws-cdk-lib and constructs of the repository (linked) and
 * the apps of test/e2e/apps: enough for `npx cdk bootstrap` while the library is being packed.
 */
export async function installCdk(workspace: Workspace): Promise<void> {
  writeFileSync(join(workspace.directory, 'package.json'), JSON.stringify({
    name: 'e2e-apps',
    version: '1.0.0',
    private: true,
    dependencies: { 'aws-cdk-lib': linked('aws-cdk-lib'), 'constructs': linked('constructs'), 'aws-cdk': linked('aws-cdk') },
  }, undefined, 2));
  await npmInstall(workspace, []);
  cpSync(APPS, workspace.directory, { recursive: true });
}

/** Packs the library from the sources (scripts/pack-package.sh) into the workspace; returns the tarball. */
export async function packLibrary(workspace: Workspace): Promise<string> {
  return (await mustRun(`bash scripts/pack-package.sh ${workspace.directory}`, ROOT, process.env, 300_000)).trim();
}

/** Installs the packed library with npm into the workspace, as users install it. */
export async function installLibrary(workspace: Workspace, tarball: string): Promise<void> {
  await npmInstall(workspace, [tarball]);
}

// --legacy-peer-deps: npm 11 fails to place a peer dependency that a file: link satisfies; the
// peer ranges are checked against the newest and the lowest aws-cdk-lib by check-npm-package.sh.
async function npmInstall(workspace: Workspace, packages: string[]): Promise<void> {
  await mustRun(['npm install --offline --no-audit --no-fund --loglevel=error --legacy-peer-deps', ...packages].join(' '),
    workspace.directory, process.env);
}

export function appDirectory(workspace: Workspace, app: string): string {
  return join(workspace.directory, app);
}

/**
 * The command lines of a README section that start with `prefix`, a line continued with `\`
 * joined to the next, in the order the README shows them.
 */
export function readmeCommands(section: string, prefix: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const text = readme.split(/^## /m).find(s => s.startsWith(section));
  if (!text) {
    throw new Error(`README.md has no section "## ${section}"`);
  }
  const blocks = [...text.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map(match => match[1].replace(/\\\n\s*/g, ''));
  return blocks.flatMap(block => block.split('\n')).map(line => line.trim()).filter(line => line.startsWith(prefix));
}
