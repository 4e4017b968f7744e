import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT } from './support/app';

/**
 * The deploy commands of the README ("Deploying to two accounts"), run with the real
 * `cdk` CLI against the example app, offline: fake credentials and an AWS endpoint on
 * a closed loopback port, so the CLI stops at its first AWS call, after it has chosen
 * the stacks and the account it would deploy to.
 */
const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const ACCOUNT_OF: Record<string, string> = { SourceStack: SOURCE_ACCOUNT, DestinationStack: DESTINATION_ACCOUNT };

/** The `npx cdk deploy` lines of the README's section on deploying to two accounts. */
function readmeDeployCommands(): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf-8');
  const section = readme.split(/^## /m).find(s => s.startsWith('Deploying to two accounts'))!;
  return [...section.matchAll(/^npx cdk (deploy .*)$/gm)].map(match => match[1].trim().split(/\s+/));
}

interface CdkRun {
  readonly output: string;
}

function runCdk(args: string[], directory: string): Promise<CdkRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^AWS_/.test(key)) {
      env[key] = value;
    }
  }
  Object.assign(env, {
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
    AWS_CONFIG_FILE: join(directory, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(directory, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const output = join(directory, `cdk.out.${args.join('-').replace(/\W/g, '')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(CDK, [...args, '--no-notices', '--require-approval', 'never', '--output', output], { cwd: EXAMPLES, env });
    let text = '';
    child.stdout.on('data', chunk => { text += chunk; });
    child.stderr.on('data', chunk => { text += chunk; });
    child.on('error', reject);
    child.on('close', () => resolve({ output: text }));
  });
}

/** The accounts the CLI set out to call, in order. */
function accountsCalled(run: CdkRun): string[] {
  return [...run.output.matchAll(/AWS calls for account (\d{12})/g)].map(match => match[1]);
}

describe('the README\'s deploy commands, run with the cdk CLI', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'deploy-commands-'));
    const keys = 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';
    writeFileSync(join(directory, 'config'), '[profile source]\nregion = us-east-1\n[profile destination]\nregion = us-east-1\n');
    writeFileSync(join(directory, 'credentials'), `[source]\n${keys}[destination]\n${keys}`);
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  test('deploy exactly one stack each, to its own account, and without --exclusively the destination would pull in the source', async () => {
    // GIVEN the two commands of the README
    const commands = readmeDeployCommands();
    expect(commands.map(c => c.join(' '))).toEqual([
      'deploy SourceStack --exclusively --profile source',
      'deploy DestinationStack --exclusively --profile destination',
    ]);
    // WHEN each runs, with `cdk ls` and the destination's command without --exclusively beside them
    const withoutExclusively = commands[1].filter(arg => arg !== '--exclusively');
    const [list, plain, ...runs] = await Promise.all([
      runCdk(['ls', 'DestinationStack'], directory),
      runCdk(withoutExclusively, directory),
      ...commands.map(command => runCdk(command, directory)),
    ]);
    // THEN each README command selects only its stack and calls only its account
    commands.forEach((command, i) => {
      expect(runs[i].output).not.toMatch(/Including dependency stacks/);
      expect(accountsCalled(runs[i])).toEqual([ACCOUNT_OF[command[1]]]);
    });
    // AND the CLI would otherwise select both stacks and start with the source account
    expect(list.output.split('\n').filter(line => /^\w+Stack$/.test(line))).toEqual(['SourceStack', 'DestinationStack']);
    expect(plain.output).toMatch(/Including dependency stacks: SourceStack/);
    expect(accountsCalled(plain)[0]).toBe(SOURCE_ACCOUNT);
  }, 240_000);
});
