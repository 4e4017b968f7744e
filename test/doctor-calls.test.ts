/**
 * How many read calls the doctor makes: one chain stays within 10, and an app of many chains
 * over a few roles reads each role and each policy once (one reader per account, see
 * doctor/cached-account.ts), asks each account who its credentials are once, and asks IAM's
 * simulator no more once it proved unavailable.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT } from './support/app';
import { CHAIN, PROFILES, countActions, doctorRun } from './support/doctor-run';
import { READ_ACTIONS } from '../tools/iam-offline/fake-iam';

jest.setTimeout(60_000);

const ARGS = [...CHAIN, ...PROFILES];
const SOURCES = ['reports', 'billing', 'audit', 'export'];
const DESTINATIONS = ['bucket-reader', 'queue-writer', 'table-reader', 'key-user', 'topic-publisher'];
const SHARED_POLICY = `arn:aws:iam::${SOURCE_ACCOUNT}:policy/shared-assume`;

/** 4 task roles in the source account, each allowed to assume each of 5 roles of the destination account: 20 chains over 9 roles. */
function fanOutApp(app: App): Stack[] {
  const source = new Stack(app, 'FanOutSource', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
  const destination = new Stack(app, 'FanOutDestination', { env: { account: DESTINATION_ACCOUNT, region: 'us-east-1' } });
  const destinationArns = DESTINATIONS.map(name => `arn:aws:iam::${DESTINATION_ACCOUNT}:role/${name}`);
  for (const name of SOURCES) {
    new iam.Role(source, name, {
      roleName: name,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT } }),
      inlinePolicies: {
        assume: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: destinationArns })] }),
      },
    });
  }
  for (const name of DESTINATIONS) {
    new iam.Role(destination, name, {
      roleName: name,
      assumedBy: new iam.CompositePrincipal(...SOURCES.map(s => new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/${s}`))),
    });
  }
  return [source, destination];
}

const total = (actions: string[]) => actions.filter(a => READ_ACTIONS.has(a)).length;

describe('one chain stays within 10 read calls', () => {
  test('with IAM\'s simulator: 5', async () => {
    const run = await doctorRun(ARGS);

    expect(run.exitCode).toBe(0);
    expect(countActions(run.actions)).toEqual({ GetCallerIdentity: 2, GetRole: 2, SimulatePrincipalPolicy: 1 });
  });

  test('without it (an emulator answers HTTP 500): 8, the simulator asked once and the role\'s policies read', async () => {
    const run = await doctorRun(ARGS, {
      change: ({ accounts }) => {
        accounts.simulator = 'unimplemented';
      },
    });

    expect(run.exitCode).toBe(0);
    expect(countActions(run.actions)).toEqual({
      GetCallerIdentity: 2, GetRole: 2, SimulatePrincipalPolicy: 1, ListRolePolicies: 1, GetRolePolicy: 1, ListAttachedRolePolicies: 1,
    });
  });

  test('without it, with a permissions boundary: 10', async () => {
    const run = await doctorRun(ARGS, {
      change: ({ source, accounts }) => {
        accounts.simulator = 'unimplemented';
        source.permissionsBoundary = {
          arn: `arn:aws:iam::${SOURCE_ACCOUNT}:policy/boundary`,
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        };
      },
    });

    expect(run.exitCode).toBe(0);
    expect(total(run.actions)).toBe(10);
  });
});

describe('an app of 20 chains over 4 source roles and 5 destination roles reads each role and policy once', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'doctor-fan-out-'));
    const app = new App({ outdir, analyticsReporting: false });
    fanOutApp(app);
    app.synth();
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('without IAM\'s simulator: every role read once, every policy once, the simulator asked once', async () => {
    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES, '--json'], {
      stacks: () => fanOutApp(new App()),
      change: ({ all, accounts }) => {
        accounts.simulator = 'unimplemented';
        // One managed policy shared by the four task roles: read once, not four times.
        for (const role of all.filter(r => r.arn.includes(`::${SOURCE_ACCOUNT}:`))) {
          role.attachedPolicies = [{ name: SHARED_POLICY, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] } }];
        }
      },
    });

    expect(JSON.parse(run.out).chains).toHaveLength(20);
    expect(run.exitCode).toBe(0);
    expect(countActions(run.actions)).toEqual({
      GetCallerIdentity: 2,
      GetRole: 9,
      SimulatePrincipalPolicy: 1,
      ListRolePolicies: 4,
      GetRolePolicy: 4,
      ListAttachedRolePolicies: 4,
      GetPolicy: 1,
      GetPolicyVersion: 1,
    });
  });

  test('with IAM\'s simulator: one simulation per chain, each role read once', async () => {
    const run = await doctorRun(['doctor', '--app', outdir, ...PROFILES, '--json'], { stacks: () => fanOutApp(new App()) });

    expect(run.exitCode).toBe(0);
    expect(countActions(run.actions)).toEqual({ GetCallerIdentity: 2, GetRole: 9, SimulatePrincipalPolicy: 20 });
  });
});
