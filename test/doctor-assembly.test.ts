/**
 * `--app`: the doctor reads only regular files inside the assembly directory, at most 20 MB
 * each, names the file in a parse error, finds the stacks of nested assemblies (a Stage, as
 * CDK Pipelines use) and gives the deploy command of the stack to fix.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stage } from 'aws-cdk-lib';
import { createSeedWalkthrough } from '../examples/seed-walkthrough';
import { PROFILES, checkLines, doctorRun } from './support/doctor-run';
import { roleIdOf } from '../tools/iam-offline/fake-iam';
import { DESTINATION_ROLE_ARN, SOURCE_ROLE_ARN } from '../tools/iam-offline/walkthrough-accounts';

jest.setTimeout(60_000);

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'doctor-assembly-files-'));
});

afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** An assembly at `<directory>/cdk.out` with one stack whose template is `templateFile`. */
function assemblyNaming(templateFile: string): string {
  const outdir = join(directory, 'cdk.out');
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify({
    version: '36.0.0',
    artifacts: {
      SourceStack: { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties: { templateFile } },
    },
  }));
  return outdir;
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('only regular files inside the assembly', () => {
  test('a template named ../credentials is refused, and nothing of it is printed', async () => {
    // GIVEN a credentials file beside the assembly
    writeFileSync(join(directory, 'credentials'), `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\n`);
    const outdir = assemblyNaming('../credentials');

    // WHEN
    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES]);

    // THEN
    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/^Error: \S+\/credentials resolves to \S+\/credentials, outside the assembly \S+\/cdk\.out: the doctor reads only files inside it/);
    expect(run.out + run.err).not.toMatch(/\[default\]|AKIA|wJalr/);
    expect(run.actions).toEqual([]);
  });

  test('a symbolic link inside the assembly to a file outside it is refused', async () => {
    writeFileSync(join(directory, 'credentials'), `aws_secret_access_key = ${SECRET}\n`);
    const outdir = assemblyNaming('SourceStack.template.json');
    symlinkSync(join(directory, 'credentials'), join(outdir, 'SourceStack.template.json'));

    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES]);

    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/SourceStack\.template\.json resolves to .*\/credentials, outside the assembly/);
    expect(run.err).not.toContain(SECRET);
  });

  test('a link to /dev/zero is refused at once', async () => {
    const outdir = assemblyNaming('SourceStack.template.json');
    symlinkSync('/dev/zero', join(outdir, 'SourceStack.template.json'));

    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES]);

    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/SourceStack\.template\.json resolves to \/dev\/zero, outside the assembly/);
  });

  test('a FIFO inside the assembly is refused without waiting for a writer', async () => {
    const outdir = assemblyNaming('SourceStack.template.json');
    expect(spawnSync('mkfifo', [join(outdir, 'SourceStack.template.json')]).status).toBe(0);

    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES]);

    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/^Error: .*cdk\.out\/SourceStack\.template\.json is not a regular file: the doctor reads only the assembly's own files/);
  }, 20_000);

  test('a file over 20 MB is refused, with the cap', async () => {
    const outdir = assemblyNaming('SourceStack.template.json');
    writeFileSync(join(outdir, 'SourceStack.template.json'), '');
    truncateSync(join(outdir, 'SourceStack.template.json'), 20 * 1024 * 1024 + 1);

    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES]);

    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/SourceStack\.template\.json has 20971521 bytes, more than the 20 MB the doctor reads/);
  });

  test('a parse error names the file', async () => {
    const outdir = assemblyNaming('SourceStack.template.json');
    writeFileSync(join(outdir, 'SourceStack.template.json'), '{"Resources": ');

    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES]);

    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/^Error: .*cdk\.out\/SourceStack\.template\.json is not valid JSON: /);
  });
});

/** Synthesizes `build`'s app into `<directory>/cdk.out`. */
function synthesize(build: (app: App) => void): string {
  const outdir = join(directory, 'cdk.out');
  const app = new App({ outdir, analyticsReporting: false });
  build(app);
  app.synth();
  return outdir;
}

describe('stacks and the fixes that name them', () => {
  test('the stacks of a Stage (a nested assembly, as CDK Pipelines write) are found, and the fixes name them as `cdk deploy` does', async () => {
    // GIVEN the walkthrough inside a Stage
    const outdir = synthesize(app => createSeedWalkthrough(new Stage(app, 'Prod') as unknown as App));

    // WHEN the source role lost its policy
    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES], {
      change: ({ source }) => {
        source.identityPolicies = [];
      },
    });

    // THEN
    expect(run.out).toContain(`Chain ${SOURCE_ROLE_ARN}\n   -> ${DESTINATION_ROLE_ARN}`);
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 4)).toMatch(/Fix: .* and run `cdk deploy Prod\/SourceStack --exclusively --profile source`\.$/);
  });

  test('a stale trust: the fix deploys the destination stack alone, with the destination profile', async () => {
    const outdir = synthesize(app => createSeedWalkthrough(app));

    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Principal = { AWS: roleIdOf('the deleted my-ECS-task-role') };
      },
    });

    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 2)).toMatch(/Fix: Write the trust again with the ARN arn:aws:iam::111122223333:role\/my-ECS-task-role: change the destination's trust and run `cdk deploy DestinationStack --exclusively --profile destination` \(CloudFormation skips an unchanged template\)/);
  });
});
