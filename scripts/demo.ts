/**
 * The demo of the README: synthesize the seed walkthrough with the aws-cdk CLI (offline),
 * then show what was synthesized and, by offline policy simulation, that the chain works
 * and what is refused. Exits non-zero if any verdict differs from what is expected.
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { runDoctor } from '../doctor/cli';
import { AwsConfigProfile, RoleReference } from '../src';
import { doctorEnvironment, roleIdOf } from '../tools/iam-offline/fake-iam';
import { withSdkEnvironment } from '../tools/iam-offline/local-endpoint';
import { StackTemplate, TemplateRole, extractRoles, formatVerdictTable, walkthroughVerdicts } from '../tools/iam-offline/simulate';
import { DESTINATION_ROLE_ARN, SOURCE_IDENTITY, startDeployedAccounts } from '../tools/iam-offline/walkthrough-accounts';

const EXAMPLES = join(__dirname, '..', 'examples');

interface Run {
  readonly title: string;
  readonly outdir: string;
  readonly context: Record<string, string>;
}

const RUNS: Run[] = [
  { title: 'TrustMode.ROLE_ARN (the walkthrough as AWS writes it)', outdir: 'cdk.out', context: {} },
  {
    title: 'TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN with an external ID',
    outdir: 'external-id.cdk.out',
    context: { trustMode: 'ACCOUNT_WITH_PRINCIPAL_ARN', externalId: 'verify-2026' },
  },
];

function cdkSynth(run: Run): void {
  rmSync(join(EXAMPLES, run.outdir), { recursive: true, force: true });
  const args = ['cdk', 'synth', '--no-notices', '--quiet', '--output', run.outdir,
    ...Object.entries(run.context).flatMap(([key, value]) => ['--context', `${key}=${value}`])];
  console.log(`$ npx ${args.join(' ')}`);
  const result = spawnSync('npx', args, { cwd: EXAMPLES, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf-8' });
  const errors = result.stderr.split('\n').filter(l => l.trim() !== '' && !/^npm warn/i.test(l));
  if (result.status !== 0) {
    console.error(errors.join('\n'));
    throw new Error(`cdk synth failed with exit code ${result.status}`);
  }
}

function readTemplates(outdir: string): { name: string; dependencies: string[]; stack: StackTemplate }[] {
  const manifest = JSON.parse(readFileSync(join(EXAMPLES, outdir, 'manifest.json'), 'utf-8'));
  return Object.entries<any>(manifest.artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => {
      const [, account, region] = /^aws:\/\/(\d+)\/(.+)$/.exec(artifact.environment)!;
      const file = join(EXAMPLES, outdir, artifact.properties.templateFile);
      if (!existsSync(file)) {
        throw new Error(`cdk synth wrote no ${file}`);
      }
      return {
        name,
        dependencies: (artifact.dependencies ?? []).filter((d: string) => !d.endsWith('.assets')),
        stack: { template: JSON.parse(readFileSync(file, 'utf-8')), account, region },
      };
    });
}

function describeRole(role: TemplateRole): string[] {
  const lines = [`  role ${role.arn}`];
  for (const statement of role.trustPolicy.Statement) {
    const conditions = Object.entries<Record<string, unknown>>(statement.Condition ?? {})
      .flatMap(([operator, keys]) => Object.entries(keys).map(([key, value]) => `${operator} ${key} = ${JSON.stringify(value)}`));
    lines.push(`    trusted by   ${JSON.stringify(statement.Principal)}${conditions.length ? `\n                 if ${conditions.join('\n                 and ')}` : ''}`);
  }
  for (const { policy } of role.identityPolicies) {
    for (const statement of policy.Statement) {
      lines.push(`    may          ${[statement.Action].flat().join(', ')} on ${[statement.Resource].flat().join(', ')}`);
    }
  }
  return lines;
}

interface DoctorRun {
  readonly title: string;
  readonly args: string[];
  readonly expectedExitCode: number;
  /** Changes the deployed roles before the run, to show a broken chain. */
  readonly breakChain?: (trustPolicy: { Statement: any[] }) => void;
}

/**
 * Runs the doctor on the run's cloud assembly, against loopback IAM and STS that hold
 * the roles of its templates as if deployed (no AWS account is used).
 */
async function runDoctorOn(stacks: StackTemplate[], doctorRun: DoctorRun): Promise<boolean> {
  const fake = await startDeployedAccounts(stacks);
  const destination = fake.accounts.roles.find(r => r.arn === DESTINATION_ROLE_ARN)!;
  doctorRun.breakChain?.(destination.trustPolicy);
  const { env, cleanup } = doctorEnvironment(fake, SOURCE_IDENTITY);
  try {
    console.log(`\n${doctorRun.title}\n`);
    console.log(`$ npx cdk-cross-account-task-roles ${doctorRun.args.join(' ')}\n`);
    const exitCode = await withSdkEnvironment(env, () => runDoctor(doctorRun.args, {
      out: text => process.stdout.write(text.replace(/^/gm, '  ')),
      err: text => process.stderr.write(text),
    }));
    console.log(`\n  (exit code ${exitCode})`);
    return exitCode === doctorRun.expectedExitCode;
  } finally {
    cleanup();
    await fake.close();
  }
}

async function main(): Promise<void> {
  let failures = 0;
  const assemblies: { run: Run; stacks: StackTemplate[] }[] = [];
  for (const run of RUNS) {
    console.log(`\n=== ${run.title}\n`);
    cdkSynth(run);
    const stacks = readTemplates(run.outdir);
    for (const { name, dependencies, stack } of stacks) {
      console.log(`\n${name}: account ${stack.account}, ${stack.region}`
        + (dependencies.length ? ` (deploys after ${dependencies.join(', ')})` : ' (no deployment order needed)'));
      for (const role of extractRoles(stack)) {
        console.log(describeRole(role).join('\n'));
      }
    }

    const destination = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });
    console.log('\nIn the container, ~/.aws/config:\n');
    console.log(AwsConfigProfile.render(destination, { externalId: run.context.externalId }).replace(/^/gm, '  '));

    const rows = await walkthroughVerdicts(stacks.map(s => s.stack), { externalId: run.context.externalId });
    console.log('Who may assume what (offline IAM policy simulation of the synthesized templates):\n');
    console.log(formatVerdictTable(rows));
    failures += rows.filter(r => r.result !== r.expected).length;
    assemblies.push({ run, stacks: stacks.map(s => s.stack) });
  }

  console.log('\n=== After `cdk deploy`: the doctor checks the deployed chain in both accounts\n');
  console.log('Here IAM and STS are loopback fakes holding the roles of the templates above, and the');
  console.log('profiles `source` and `destination` hold fake keys of the two accounts.');
  const profiles = ['--source-profile', 'source', '--destination-profile', 'destination'];
  const [roleArnRun, externalIdRun] = assemblies;
  const doctorRuns: [StackTemplate[], DoctorRun][] = [
    [roleArnRun.stacks, { title: 'The walkthrough as deployed:', args: ['doctor', '--app', roleArnRun.run.outdir, ...profiles], expectedExitCode: 0 }],
    [externalIdRun.stacks, {
      title: 'With TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN, without the external ID:',
      args: ['doctor', '--app', externalIdRun.run.outdir, ...profiles],
      expectedExitCode: 1,
    }],
    [roleArnRun.stacks, {
      title: 'After my-ECS-task-role was deleted and recreated (the trust now shows the old role\'s unique ID):',
      args: ['doctor', '--app', roleArnRun.run.outdir, ...profiles],
      expectedExitCode: 1,
      breakChain: trust => {
        trust.Statement[0].Principal = { AWS: roleIdOf('the deleted my-ECS-task-role') };
      },
    }],
  ];
  const cwd = process.cwd();
  process.chdir(EXAMPLES);
  try {
    for (const [stacks, doctorRun] of doctorRuns) {
      if (!await runDoctorOn(stacks, doctorRun)) {
        failures += 1;
      }
    }
  } finally {
    process.chdir(cwd);
  }
  if (failures > 0) {
    throw new Error(`${failures} verdict(s) or doctor exit code(s) differ from what the walkthrough expects`);
  }
  console.log('\nThe chain works: the task role, and only the task role, assumes destination-account-role;');
  console.log('and the doctor says why, when it does not.');
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
