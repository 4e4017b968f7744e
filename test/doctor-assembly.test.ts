/**
 * `--app`: the doctor reads only regular files inside the assembly directory, at most 20 MB
 * each, names the file in a parse error, finds the stacks of nested assemblies (a Stage, as
 * CDK Pipelines use) and gives the deploy command of the stack to fix.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CfnParameter, Fn, Stack, Stage, aws_iam as iam } from 'aws-cdk-lib';
import type { AwsAccount } from '../doctor/aws-account';
import { runDoctor } from '../doctor/cli';
import { readAssembly } from '../doctor/cloud-assembly';
import { createSeedWalkthrough } from '../examples/seed-walkthrough';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT } from './support/app';
import { PROFILES, checkLines, doctorRun } from './support/doctor-run';
import { deployedRole, inMemoryAccount } from './support/doctor-sides';
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

/** A role of the source stack trusted by ECS, whose default policy allows sts:AssumeRole on `resource`. */
function assumingRole(stack: Stack, roleName: string, resource: string): iam.Role {
  const role = new iam.Role(stack, roleName, { roleName, assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [resource] }));
  return role;
}

const sourceStackOf = (app: App) => new Stack(app, 'Src', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
const destinationArn = (name: string) => `arn:aws:iam::${DESTINATION_ACCOUNT}:role/${name}`;
const chainsOf = (outdir: string) => readAssembly(outdir).chains.map(c => [c.sourceRoleArn, c.destinationRoleArn]);

describe('what a role may assume: every policy of the app it is given, and values CloudFormation resolves', () => {
  test.each([
    ['by reference (role.addManagedPolicy)', (_stack: Stack, policy: iam.ManagedPolicy) => policy],
    ['by its ARN (ManagedPolicy.fromManagedPolicyName)', (stack: Stack) => iam.ManagedPolicy.fromManagedPolicyName(stack, 'ByName', 'assume-third')],
  ])('a managed policy of the app given through the role\'s ManagedPolicyArns %s is read', (_, given) => {
    // GIVEN
    const outdir = synthesize(app => {
      const stack = sourceStackOf(app);
      const role = new iam.Role(stack, 'C', { roleName: 'c', assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      role.addManagedPolicy(given(stack, new iam.ManagedPolicy(stack, 'MP', {
        managedPolicyName: 'assume-third',
        statements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [destinationArn('third')] })],
      })));
    });

    // THEN
    expect(chainsOf(outdir)).toEqual([[`arn:aws:iam::${SOURCE_ACCOUNT}:role/c`, destinationArn('third')]]);
  });

  test('an Fn::Sub of literal text and the pseudo parameters is resolved with the stack\'s partition, account and Region', () => {
    // GIVEN
    const outdir = synthesize(app => {
      const stack = sourceStackOf(app);
      assumingRole(stack, 'b', Fn.sub(`arn:\${AWS::Partition}:iam::${DESTINATION_ACCOUNT}:role/other`));
      assumingRole(stack, 'regional', Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/reader-${AWS::Region}'));
      assumingRole(stack, 'literal', Fn.sub('arn:aws:iam::${AWS::AccountId}:role/${!Literal}'));
      assumingRole(stack, 'mapped', Fn.sub('arn:aws:iam::${Account}:role/${Name}', { Account: DESTINATION_ACCOUNT, Name: 'mapped-target' }));
    });

    // THEN
    expect(chainsOf(outdir)).toEqual([
      [`arn:aws:iam::${SOURCE_ACCOUNT}:role/b`, destinationArn('other')],
      [`arn:aws:iam::${SOURCE_ACCOUNT}:role/regional`, `arn:aws:iam::${SOURCE_ACCOUNT}:role/reader-us-east-1`],
      [`arn:aws:iam::${SOURCE_ACCOUNT}:role/mapped`, destinationArn('mapped-target')],
    ]);
    // ${!Literal} is the text ${Literal}, which is no role name
    expect(readAssembly(outdir)).toMatchObject({
      notes: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/literal may assume arn:aws:iam::${SOURCE_ACCOUNT}:role/\${Literal}: a pattern, not one role; check one of them with --destination-role`],
      unresolved: [],
    });
  });

  test.each([
    ['an Fn::Sub of a parameter', (stack: Stack) => Fn.sub('arn:aws:iam::${Account}:role/x', { Account: new CfnParameter(stack, 'Account').valueAsString }),
      /\{"Fn::Sub":\["arn:aws:iam::\$\{Account\}:role\/x",\{"Account":\{"Ref":"Account"\}\}\]\}/],
    ['a parameter', (stack: Stack) => new CfnParameter(stack, 'Target').valueAsString, /\{"Ref":"Target"\}/],
    ['an import', () => Fn.importValue('TargetRoleArn'), /\{"Fn::ImportValue":"TargetRoleArn"\}/],
  ])('%s that only a deployment resolves: a note naming the role, its stack and the value, and how to check it', (_, target, value) => {
    // GIVEN
    const outdir = synthesize(app => {
      const stack = sourceStackOf(app);
      assumingRole(stack, 'a', destinationArn('dest'));
      assumingRole(stack, 'b', target(stack));
    });

    // WHEN
    const assembly = readAssembly(outdir);

    // THEN the role is not dropped silently
    expect(assembly.chains.map(c => c.sourceRoleArn)).toEqual([`arn:aws:iam::${SOURCE_ACCOUNT}:role/a`]);
    expect(assembly.unresolved).toHaveLength(1);
    expect(assembly.unresolved[0]).toMatch(new RegExp(`^role arn:aws:iam::${SOURCE_ACCOUNT}:role/b \\(b[0-9A-F]{8} of stack Src\\) may assume `
      + `${value.source}, which the doctor cannot resolve to a role ARN: only a deployment knows it; check that chain with `
      + `--source-role arn:aws:iam::${SOURCE_ACCOUNT}:role/b --destination-role <the role ARN it deploys as>$`));
  });

  test('a statement, a resource or an Effect chosen by a condition (Fn::If) is noted when it may allow sts:AssumeRole, not otherwise', () => {
    // GIVEN
    const assume = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: destinationArn('dest') };
    const read = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const noValue = { Ref: 'AWS::NoValue' };
    const outdir = synthesize(app => {
      const stack = sourceStackOf(app);
      new iam.CfnRole(stack, 'Conditional', {
        roleName: 'conditional',
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } }] },
        policies: [
          { policyName: 'statement', policyDocument: { Statement: [{ 'Fn::If': ['Prod', assume, noValue] }, { 'Fn::If': ['Prod', read, noValue] }] } },
          { policyName: 'resource', policyDocument: { Statement: [{ ...assume, Resource: { 'Fn::If': ['Prod', destinationArn('prod'), destinationArn('dev')] } }] } },
          { policyName: 'effect', policyDocument: { Statement: [{ ...assume, Effect: { 'Fn::If': ['Prod', 'Allow', 'Deny'] }, Resource: destinationArn('either') }] } },
          { policyName: 'effectOfRead', policyDocument: { Statement: [{ ...read, Effect: { 'Fn::If': ['Prod', 'Allow', 'Deny'] } }] } },
        ],
      });
    });

    // THEN
    expect(readAssembly(outdir)).toEqual({
      chains: [],
      notes: [],
      unresolved: [
        expect.stringContaining(`may assume {"Fn::If":["Prod",{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"${destinationArn('dest')}"},{"Ref":"AWS::NoValue"}]}, which the doctor cannot resolve`),
        expect.stringContaining(`may assume {"Fn::If":["Prod","${destinationArn('prod')}","${destinationArn('dev')}"]}, which the doctor cannot resolve`),
        expect.stringContaining(`may assume {"Effect":{"Fn::If":["Prod","Allow","Deny"]},"Action":"sts:AssumeRole","Resource":"${destinationArn('either')}"}, which the doctor cannot resolve`),
      ],
    });
  });

  test('a statement with NotResource allows sts:AssumeRole on every role but some: listed as not checked, as a pattern is', () => {
    // GIVEN
    const outdir = synthesize(app => {
      const role = new iam.Role(sourceStackOf(app), 'Wide', { roleName: 'wide', assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], notResources: [destinationArn('admin')] }));
    });

    // THEN
    expect(readAssembly(outdir)).toEqual({
      chains: [],
      notes: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/wide may assume every role but "${destinationArn('admin')}": a pattern, not one role; check one of them with --destination-role`],
      unresolved: [],
    });
  });

  test('a role without a literal name that may assume a role cannot be checked either', () => {
    // GIVEN
    const outdir = synthesize(app => {
      const role = new iam.Role(sourceStackOf(app), 'Generated', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [destinationArn('dest')] }));
    });

    // THEN
    expect(readAssembly(outdir)).toEqual({
      chains: [],
      notes: [],
      unresolved: [expect.stringMatching(/^role Generated[0-9A-F]{8} of stack Src, whose name CloudFormation generates, may assume arn:aws:iam::555566667777:role\/dest: its ARN is known only after deployment; check that chain with --source-role <the role's ARN> --destination-role arn:aws:iam::555566667777:role\/dest$/)],
    });
  });
});

describe('what --app cannot resolve makes the run could not verify (exit 3), unless a chain does not work (exit 1)', () => {
  /** Both accounts in memory: every role exists, trusted by ECS in the source and by role `a` in the destination. */
  function accounts(): (profile: string | undefined) => AwsAccount {
    const source = inMemoryAccount({
      getRole: async name => deployedRole(`arn:aws:iam::${SOURCE_ACCOUNT}:role/${name}`, {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:ecs:us-east-1:${SOURCE_ACCOUNT}:*` } },
        }],
      }),
    });
    const destination = inMemoryAccount({
      callerIdentity: async () => ({ account: DESTINATION_ACCOUNT, arn: `arn:aws:sts::${DESTINATION_ACCOUNT}:assumed-role/Admin/x` }),
      getRole: async name => deployedRole(destinationArn(name), {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:role/a` } }],
      }),
    });
    return profile => profile === 'destination' ? destination : source;
  }

  async function doctorOnApp(build: (stack: Stack) => void, ...extra: string[]) {
    const outdir = synthesize(app => build(sourceStackOf(app)));
    const factory = accounts();
    let out = '';
    const exitCode = await runDoctor(['doctor', '--app', outdir, ...PROFILES, ...extra], { out: text => out += text, err: () => undefined }, profile => factory(profile));
    return { exitCode, out };
  }

  const importedTarget = (stack: Stack) => assumingRole(stack, 'b', Fn.importValue('TargetRoleArn'));

  test('every chain found works, one role may assume an import: could not verify, the note under ?', async () => {
    // WHEN
    const run = await doctorOnApp(stack => {
      assumingRole(stack, 'a', destinationArn('dest'));
      importedTarget(stack);
    });

    // THEN
    expect(run.exitCode).toBe(3);
    expect(run.out).toMatch(/^\? Not checked: role arn:aws:iam::111122223333:role\/b \(.* may assume \{"Fn::ImportValue":"TargetRoleArn"\}, which the doctor cannot resolve/m);
    expect(run.out).toMatch(/^\? Could not resolve 1 chain of the app \(see \?\); the chain checked works\.$/m);
    expect(run.out).not.toMatch(/No issues found/);
  });

  test('--json: status unverified, exit code 3, the note among the notes', async () => {
    const run = await doctorOnApp(stack => {
      assumingRole(stack, 'a', destinationArn('dest'));
      importedTarget(stack);
    }, '--json');

    expect(run.exitCode).toBe(3);
    expect(JSON.parse(run.out)).toMatchObject({ works: false, status: 'unverified', exitCode: 3, notes: [expect.stringMatching(/^role arn:aws:iam::111122223333:role\/b /)] });
  });

  test('a chain that does not work still exits 1', async () => {
    // WHEN role c may assume a role whose trust admits only role a
    const run = await doctorOnApp(stack => {
      assumingRole(stack, 'c', destinationArn('dest'));
      importedTarget(stack);
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(run.out).toMatch(/^✗ Doctor found 1 problem, 1 chain could not be resolved: the chain does not work\.$/m);
  });

  test('no chain found but a role that may assume an import: nothing was checked, could not verify (exit 3)', async () => {
    const run = await doctorOnApp(importedTarget);

    expect(run.exitCode).toBe(3);
    expect(run.out).toMatch(/^\? Could not resolve 1 chain of the app \(see \?\); no chain was checked\.$/m);
  });
});
