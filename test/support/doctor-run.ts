/**
 * Runs the doctor (in process) against the fake IAM and STS holding the seed walkthrough
 * as deployed: what the doctor's test files share.
 */
import { Stack } from 'aws-cdk-lib';
import { newApp } from './app';
import { runDoctor } from '../../doctor/cli';
import { SeedWalkthroughOptions, createSeedWalkthrough } from '../../examples/seed-walkthrough';
import { FakeAccounts, FakeAws, FakeIdentity, FakeRole, doctorEnvironment } from '../../tools/iam-offline/fake-iam';
import { withSdkEnvironment } from '../../tools/iam-offline/local-endpoint';
import { stackTemplate } from '../../tools/iam-offline/template-roles';
import { DESTINATION_ROLE_ARN, SOURCE_IDENTITY, SOURCE_ROLE_ARN, startDeployedAccounts } from '../../tools/iam-offline/walkthrough-accounts';

export const CHAIN = ['doctor', '--source-role', SOURCE_ROLE_ARN, '--destination-role', DESTINATION_ROLE_ARN, '--region', 'us-east-1'];
export const PROFILES = ['--source-profile', 'source', '--destination-profile', 'destination'];

export interface DoctorRun {
  readonly exitCode: number;
  readonly out: string;
  readonly err: string;
  /** The Action of every request the fakes answered, in order. */
  readonly actions: string[];
}

export interface DoctorRunOptions {
  readonly walkthrough?: SeedWalkthroughOptions;
  /** Edits what is deployed, and how the fakes answer, before the run. */
  readonly change?: (roles: { source: FakeRole; destination: FakeRole; all: FakeRole[]; accounts: FakeAccounts }) => void;
  readonly defaultIdentity?: FakeIdentity;
  /** The stacks deployed to the fake accounts. @default the seed walkthrough's */
  readonly stacks?: () => Stack[];
  /** Changes to the environment of the run (undefined removes a variable). */
  readonly env?: (env: Record<string, string>, fake: FakeAws) => Record<string, string | undefined>;
}

/** Deploys the walkthrough to the fake accounts, lets `change` edit what is deployed, and runs the doctor. */
export async function doctorRun(args: string[], options: DoctorRunOptions = {}): Promise<DoctorRun> {
  const stacks = options.stacks?.() ?? Object.values(createSeedWalkthrough(newApp(), options.walkthrough));
  const fake = await startDeployedAccounts(stacks.map(stackTemplate));
  try {
    const roles = fake.accounts.roles;
    options.change?.({
      source: roles.find(r => r.arn === SOURCE_ROLE_ARN)!,
      destination: roles.find(r => r.arn === DESTINATION_ROLE_ARN)!,
      all: roles,
      accounts: fake.accounts,
    });
    const { env, cleanup } = doctorEnvironment(fake, options.defaultIdentity ?? SOURCE_IDENTITY);
    const changed = { ...env, ...options.env?.(env, fake) };
    const runEnv = Object.fromEntries(Object.entries(changed).filter((e): e is [string, string] => e[1] !== undefined));
    let out = '';
    let err = '';
    try {
      const exitCode = await withSdkEnvironment(runEnv, () => runDoctor(args, { out: t => out += t, err: t => err += t }));
      return { exitCode, out, err, actions: fake.actions() };
    } finally {
      cleanup();
    }
  } finally {
    await fake.close();
  }
}

/** The line of check `id` and the lines under it. */
export function checkLines(out: string, id: number): string {
  const lines = out.split('\n');
  const start = lines.findIndex(l => new RegExp(`^\\[.\\] ${id}\\. `).test(l));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('    '));
  return lines.slice(start, end).join('\n');
}

/** How many requests of each action a run made. */
export function countActions(actions: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const action of actions) {
    counts[action] = (counts[action] ?? 0) + 1;
  }
  return counts;
}
