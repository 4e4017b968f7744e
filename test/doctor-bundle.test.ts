/**
 * The doctor as installed: the bundled lib/doctor/cli.js, run by node from a directory
 * with no node_modules, so that it can only work if the bundle holds its AWS SDK clients.
 */
import { execFile, spawnSync } from 'child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createSeedWalkthrough } from '../examples/seed-walkthrough';
import { newApp } from './support/app';
import { FakeAws, READ_ACTIONS, doctorEnvironment } from '../tools/iam-offline/fake-iam';
import { stackTemplate } from '../tools/iam-offline/template-roles';
import { DESTINATION_ROLE_ARN, SECRETS, SOURCE_IDENTITY, SOURCE_ROLE_ARN, startDeployedAccounts } from '../tools/iam-offline/walkthrough-accounts';

// Each test synthesizes an app and starts node or the SDK against local servers: slow on a busy machine.
jest.setTimeout(60_000);

const ROOT = join(__dirname, '..');
const CHAIN = ['doctor', '--source-role', SOURCE_ROLE_ARN, '--destination-role', DESTINATION_ROLE_ARN, '--region', 'us-east-1',
  '--source-profile', 'source', '--destination-profile', 'destination'];

let directory: string;
let fake: FakeAws | undefined;

beforeAll(() => {
  // The same task the build runs after compiling.
  const bundle = spawnSync('npx', ['projen', 'bundle:doctor'], { cwd: ROOT, encoding: 'utf-8' });
  expect(bundle.status).toBe(0);
  directory = mkdtempSync(join(tmpdir(), 'doctor-bundle-'));
  copyFileSync(join(ROOT, 'lib', 'doctor', 'cli.js'), join(directory, 'cli.js'));
}, 120_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Runs the bundle with only the environment a user's shell would pass, plus the fakes'. */
async function runBundle(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
    execFile(process.execPath, [join(directory, 'cli.js'), ...args], {
      cwd: directory,
      env: { PATH: process.env.PATH ?? '', HOME: directory, ...env },
      encoding: 'utf-8',
    }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

async function deployedWalkthrough() {
  const { source, destination } = createSeedWalkthrough(newApp());
  fake = await startDeployedAccounts([stackTemplate(source), stackTemplate(destination)]);
  return doctorEnvironment(fake, SOURCE_IDENTITY);
}

test('the bundled command checks a working chain and exits 0, with only read calls and no credential in its output', async () => {
  // GIVEN
  const { env, cleanup } = await deployedWalkthrough();

  // WHEN
  const run = await runBundle(CHAIN, env);
  cleanup();

  // THEN
  // Nothing on stderr but the progress lines a call slower than a second prints (a busy machine).
  expect(run.stderr.split('\n').filter(line => line !== '' && !/^Waiting for \S+/.test(line))).toEqual([]);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^\[✓\] 4\. The source role may call sts:AssumeRole on the destination: allowed/m);
  expect(run.stdout).toMatch(/^✓ No issues found: the chain works\.$/m);
  expect(fake!.actions().filter(a => !READ_ACTIONS.has(a))).toEqual([]);
  for (const secret of SECRETS) {
    expect(run.stdout).not.toContain(secret);
  }
});

test('the bundled command exits 1 with --json when the chain is broken', async () => {
  // GIVEN the destination role was never deployed
  const { env, cleanup } = await deployedWalkthrough();
  fake!.accounts.roles = fake!.accounts.roles.filter(r => r.arn !== DESTINATION_ROLE_ARN);

  // WHEN
  const run = await runBundle([...CHAIN, '--json'], env);
  cleanup();

  // THEN
  expect(run.code).toBe(1);
  const report = JSON.parse(run.stdout);
  expect(report.works).toBe(false);
  expect(report.chains[0].checks[0]).toMatchObject({ id: 1, verdict: 'error' });
});

test('the bundled command prints its help, and exits 2 on a usage error', async () => {
  const help = await runBundle(['doctor', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: cdk-cross-account-task-roles doctor \[options\]/);

  const usage = await runBundle(['doctor', '--source-role', 'my-ECS-task-role']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/^Error: give --source-role and --destination-role, or --app/);
});

test('the bundle starts with a shebang so that npm can link it as a command', () => {
  expect(readFileSync(join(directory, 'cli.js'), 'utf-8')).toMatch(/^#!\/usr\/bin\/env node\n/);
});

test('the constructs never load the doctor or the AWS SDK, and the package does not depend on the SDK', () => {
  // GIVEN every source file of the library
  const files = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter(f => f.endsWith('.ts'));
  const imports = files.flatMap(f => [...readFileSync(join(ROOT, 'src', f), 'utf-8').matchAll(/(?:from|require\()\s*'([^']+)'/g)].map(m => m[1]));

  // THEN
  expect(imports.filter(i => i.startsWith('@aws-sdk/') || i.includes('doctor'))).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf-8'));
  const runtime = [...Object.keys(manifest.dependencies ?? {}), ...(manifest.bundledDependencies ?? [])];
  expect(runtime.filter(name => name.startsWith('@aws-sdk/') || name === 'esbuild')).toEqual([]);
  expect(manifest.bin).toEqual({ 'cdk-cross-account-task-roles': 'lib/doctor/cli.js' });
});
