import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aws, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { runDoctor } from '../doctor/cli';
import { createEc2S3Walkthrough } from '../examples/ec2-s3-walkthrough';
import { SeedWalkthroughOptions, createSeedWalkthrough } from '../examples/seed-walkthrough';
import { TrustMode } from '../src';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, newApp } from './support/app';
import { FakeAws, FakeIdentity, FakeRole, READ_ACTIONS, doctorEnvironment, roleIdOf } from '../tools/iam-offline/fake-iam';
import { withSdkEnvironment } from '../tools/iam-offline/local-endpoint';
import { stackTemplate } from '../tools/iam-offline/template-roles';
import { DESTINATION_ROLE_ARN, SECRETS, SOURCE_IDENTITY, SOURCE_ROLE_ARN, startDeployedAccounts } from '../tools/iam-offline/walkthrough-accounts';

// Each test synthesizes an app and starts node or the SDK against local servers: slow on a busy machine.
jest.setTimeout(60_000);

// The tasks' Region: without it a condition on aws:SourceArn cannot be verified (check 5).
const CHAIN = ['doctor', '--source-role', SOURCE_ROLE_ARN, '--destination-role', DESTINATION_ROLE_ARN, '--region', 'us-east-1'];
const PROFILES = ['--source-profile', 'source', '--destination-profile', 'destination'];
const EXTERNAL_ID = 'verify-2026';

interface Run {
  readonly exitCode: number;
  readonly out: string;
  readonly err: string;
  readonly actions: string[];
}

let fake: FakeAws | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Deploys the walkthrough to the fake accounts, lets `change` edit what is deployed, and runs the doctor. */
async function doctor(args: string[], options: {
  walkthrough?: SeedWalkthroughOptions;
  change?: (roles: { source: FakeRole; destination: FakeRole; all: FakeRole[] }) => void;
  defaultIdentity?: FakeIdentity;
  /** The stacks deployed to the fake accounts. @default the seed walkthrough's */
  stacks?: () => Stack[];
} = {}): Promise<Run> {
  const stacks = options.stacks?.() ?? Object.values(createSeedWalkthrough(newApp(), options.walkthrough));
  fake = await startDeployedAccounts(stacks.map(stackTemplate));
  const roles = fake.accounts.roles;
  options.change?.({
    source: roles.find(r => r.arn === SOURCE_ROLE_ARN)!,
    destination: roles.find(r => r.arn === DESTINATION_ROLE_ARN)!,
    all: roles,
  });
  const { env, cleanup } = doctorEnvironment(fake, options.defaultIdentity ?? SOURCE_IDENTITY);
  let out = '';
  let err = '';
  try {
    const exitCode = await withSdkEnvironment(env, () => runDoctor(args, { out: t => out += t, err: t => err += t }));
    return { exitCode, out, err, actions: fake.actions() };
  } finally {
    cleanup();
  }
}

/** The line of check `id` and the lines under it. */
function checkLines(out: string, id: number): string {
  const lines = out.split('\n');
  const start = lines.findIndex(l => new RegExp(`^\\[.\\] ${id}\\. `).test(l));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('    '));
  return lines.slice(start, end).join('\n');
}

function expectOnlyReadsAndNoSecrets(run: Run) {
  expect(run.actions.length).toBeGreaterThan(0);
  expect(run.actions.filter(a => !READ_ACTIONS.has(a))).toEqual([]);
  for (const secret of SECRETS) {
    expect(run.out + run.err).not.toContain(secret);
  }
}

describe('a working chain', () => {
  test('the walkthrough with TrustMode.ROLE_ARN passes every check', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES]);

    // THEN
    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 1\. Both roles exist in the expected accounts: my-ECS-task-role in 111122223333, destination-account-role in 555566667777$/m);
    expect(run.out).toMatch(/^\[✓\] 2\. The destination's trust admits the source role: by its ARN/m);
    expect(run.out).toMatch(/^\[✓\] 3\. The caller meets the trust's conditions: none required$/m);
    expect(run.out).toMatch(/^\[✓\] 4\. The source role may call sts:AssumeRole on the destination: allowed by TaskRole30FC0FBB\/AssumeDestinationRoles/m);
    expect(run.out).toMatch(/^\[✓\] 5\. An AWS service may give the source role to its tasks: ecs-tasks\.amazonaws\.com, for account 111122223333 in us-east-1$/m);
    expect(run.out).toMatch(/^\[✓\] 6\. Session duration: 1 h maximum/m);
    expect(run.out).toMatch(/^✓ No issues found: the chain works\.$/m);
    expectOnlyReadsAndNoSecrets(run);
  });

  test('the walkthrough with TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN and its external ID passes every check', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--external-id', EXTERNAL_ID], {
      walkthrough: { trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN, externalId: EXTERNAL_ID },
    });

    // THEN
    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 2\. The destination's trust admits the source role: by account 111122223333 \+ aws:PrincipalArn/m);
    expect(run.out).toMatch(/^\[✓\] 3\. The caller meets the trust's conditions: the external ID given matches$/m);
    expect(run.out).not.toContain(EXTERNAL_ID);
    expectOnlyReadsAndNoSecrets(run);
  });

  test('--assume assumes the destination role with the source session and shows who it became, never the credentials', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--assume']);

    // THEN
    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 7\. sts:AssumeRole from the source, then sts:GetCallerIdentity: now arn:aws:sts::555566667777:assumed-role\/destination-account-role\/cdk-cross-account-task-roles-doctor$/m);
    expect(run.actions.filter(a => !READ_ACTIONS.has(a))).toEqual(['AssumeRole']);
    for (const secret of SECRETS) {
      expect(run.out).not.toContain(secret);
    }
  });
});

describe('a broken chain', () => {
  test('a missing destination role', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ all, destination }) => all.splice(all.indexOf(destination), 1),
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 1)).toMatch(/^\[✗\] 1\..*\n    ✗ The destination role destination-account-role does not exist in account 555566667777\.\n      Fix: Deploy the stack that defines it to account 555566667777, or correct --destination-role\.$/);
    expect(run.out).toMatch(/^\[-\] 2\. .*: the destination role could not be read$/m);
    expect(run.out).toMatch(/^✗ Doctor found 1 problem: the chain does not work\.$/m);
    expectOnlyReadsAndNoSecrets(run);
  });

  test('a trust that names another role', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Principal = { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:role/another-role` };
      },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 2)).toMatch(/^\[✗\] 2\. .*: my-ECS-task-role is not admitted\n    ✗ No statement of the trust of destination-account-role names arn:aws:iam::111122223333:role\/my-ECS-task-role.*Principals in the trust: arn:aws:iam::111122223333:role\/another-role\.\n      Fix: Add the source role to the TrustedDestinationRole \(trustedRoles: \[RoleReference\.fromArn\('arn:aws:iam::111122223333:role\/my-ECS-task-role'\)\]/);
    expect(run.out).toMatch(/^\[-\] 3\. /m);
  });

  test('a trust whose aws:PrincipalArn names another role', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--external-id', EXTERNAL_ID], {
      walkthrough: { trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN, externalId: EXTERNAL_ID },
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Condition.StringEquals['aws:PrincipalArn'] = `arn:aws:iam::${SOURCE_ACCOUNT}:role/another-role`;
      },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 2)).toMatch(/✗ The trust admits account 111122223333 only if StringEquals aws:PrincipalArn arn:aws:iam::111122223333:role\/another-role\./);
  });

  test('a stale AROA... principal: the source role was deleted and recreated', async () => {
    // GIVEN IAM shows the deleted role's unique ID where the trust named its ARN
    const deletedRoleId = roleIdOf('the source role before it was deleted');

    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Principal = { AWS: deletedRoleId };
      },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    const lines = checkLines(run.out, 2);
    expect(lines).toMatch(new RegExp(`^\\[✗\\] 2\\. .*: a principal of the trust is a deleted role\\n    ✗ The trust names ${deletedRoleId} instead of a role ARN: .*The source role was deleted and recreated \\(its ID is now ${roleIdOf(SOURCE_ROLE_ARN)}\\)`));
    expect(lines).toMatch(/Fix: Write the trust again with the ARN arn:aws:iam::111122223333:role\/my-ECS-task-role: .*`aws iam update-assume-role-policy --role-name destination-account-role --policy-document file:\/\/trust\.json`/);
  });

  test('a source role without the statement that allows sts:AssumeRole on the destination', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ source }) => {
        source.identityPolicies = [];
      },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 4)).toMatch(/^\[✗\] 4\. .*: no policy allows it \(IAM policy simulator\)\n    ✗ None of the policies of my-ECS-task-role \(it has none\) allows sts:AssumeRole on arn:aws:iam::555566667777:role\/destination-account-role\.\n      Fix: Name the destination in the CrossAccountTaskRole/);
    expect(run.actions).toEqual(expect.arrayContaining(['SimulatePrincipalPolicy', 'ListRolePolicies', 'ListAttachedRolePolicies']));
    expectOnlyReadsAndNoSecrets(run);
  });

  test('a required external ID that was not given', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      walkthrough: { trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN, externalId: EXTERNAL_ID },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 2)).toMatch(/^\[✓\] 2\./);
    expect(checkLines(run.out, 3)).toMatch(/^\[✗\] 3\. .*\n    ✗ The trust requires an external ID \(StringEquals sts:ExternalId in statement 1\) and none was given\.\n      Fix: Run again with --external-id <value>/);
  });

  test('an external ID that does not match', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--external-id', 'wrong-value'], {
      walkthrough: { trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN, externalId: EXTERNAL_ID },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 3)).toMatch(/✗ The external ID given does not match the one the trust requires/);
    expect(run.out).not.toContain(EXTERNAL_ID);
  });

  test('a permissions boundary that denies', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ source }) => {
        source.permissionsBoundary = {
          arn: `arn:aws:iam::${SOURCE_ACCOUNT}:policy/only-ecs`,
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }] },
        };
      },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 4)).toMatch(/^\[✗\] 4\. .*: denied by the permissions boundary \(IAM policy simulator\)\n    ✗ The permissions boundary of my-ECS-task-role does not allow sts:AssumeRole on arn:aws:iam::555566667777:role\/destination-account-role/);
  });

  test('credentials of the wrong account', async () => {
    // WHEN the destination side falls back to the default credential chain, which holds the source account's keys
    const run = await doctor([...CHAIN, '--source-profile', 'source']);

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 1)).toMatch(/✗ The destination credentials \(the default credential chain\) belong to account 111122223333, but the destination role arn:aws:iam::555566667777:role\/destination-account-role is in account 555566667777\.\n      Fix: Pass --destination-profile <profile> for account 555566667777\./);
  });

  test('a source role deployed for another account\'s tasks', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ source }) => {
        source.trustPolicy.Statement[0].Condition.StringEquals['aws:SourceAccount'] = OTHER_ACCOUNT;
      },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 5)).toMatch(/^\[✗\] 5\. .*: ecs-tasks\.amazonaws\.com is refused\n    ✗ The trust admits ecs-tasks\.amazonaws\.com only if StringEquals aws:SourceAccount 444455556666/);
  });
});

describe('warnings, and what the doctor cannot know: never a pass', () => {
  test('a trust limited by organization: the doctor cannot know the source account\'s organization, so it could not verify (exit 3)', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0] = {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: '*' },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/my-ECS-*' } },
        };
      },
    });

    // THEN
    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 2)).toMatch(/^\[\?\] 2\. .*: could not verify: by account 111122223333 \+ aws:PrincipalArn \(statement 1\), if aws:PrincipalOrgID allows it\n    \? Admitted only if the source account meets StringEquals aws:PrincipalOrgID o-a1b2c3d4e5/);
    expect(run.out).toMatch(/^\? Could not verify 1 check: the chain is not proven to work \(see \?\)\.$/m);
  });

  test('a session name the trust requires, without --role-session-name: could not verify', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Condition = { StringLike: { 'sts:RoleSessionName': 'audit-*' } };
      },
    });

    // THEN
    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 3)).toMatch(/^\[\?\] 3\. .*: could not verify: depends on sts:RoleSessionName\n    \? The caller must meet StringLike sts:RoleSessionName audit-\*/);
  });

  test('a destination whose maximum session is 12 h: role chaining still caps sessions at 1 h', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ destination }) => {
        destination.maxSessionDuration = 43200;
      },
    });

    // THEN
    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 6\. Session duration: sessions from a task last at most 1 h \(role chaining\), not the role's 12 h/m);
  });

  test('--assume with credentials that are not a session of the source role is not attempted: could not verify', async () => {
    // WHEN
    const run = await doctor([...CHAIN, '--source-profile', 'source-admin', '--destination-profile', 'destination', '--assume']);

    // THEN
    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 7)).toMatch(/^\[\?\] 7\. .*: not attempted\n    \? The source credentials \(arn:aws:sts::111122223333:assumed-role\/Admin\/doctor\) are not a session of my-ECS-task-role/);
    expect(run.actions).not.toContain('AssumeRole');
  });
});

describe('output and usage', () => {
  test('--json has one entry per chain with each check\'s verdict, cause and fix', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--json'], {
      change: ({ source }) => {
        source.identityPolicies = [];
      },
    });

    // THEN
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.out);
    expect(report).toEqual({
      works: false,
      exitCode: 1,
      notes: [],
      chains: [{
        sourceRoleArn: SOURCE_ROLE_ARN,
        destinationRoleArn: DESTINATION_ROLE_ARN,
        status: 'broken',
        works: false,
        checks: expect.any(Array),
      }],
      status: 'broken',
    });
    expect(report.chains[0].checks.map((c: any) => [c.id, c.verdict])).toEqual([[1, 'ok'], [2, 'ok'], [3, 'ok'], [4, 'error'], [5, 'ok'], [6, 'ok']]);
    expect(report.chains[0].checks[3]).toEqual({
      id: 4,
      name: 'The source role may call sts:AssumeRole on the destination',
      verdict: 'error',
      detail: 'no policy allows it (IAM policy simulator)',
      findings: [{ cause: expect.stringMatching(/^None of the policies/), fix: expect.stringMatching(/^Name the destination/) }],
    });
  });

  test('--app checks every chain of a synthesized cloud assembly', async () => {
    // GIVEN the walkthrough synthesized into a cloud assembly
    const outdir = mkdtempSync(join(tmpdir(), 'doctor-assembly-'));
    try {
      const app = new App({ outdir, analyticsReporting: false });
      createSeedWalkthrough(app);
      app.synth();

      // WHEN
      const run = await doctor(['doctor', '--app', outdir, ...PROFILES]);

      // THEN
      expect(run.exitCode).toBe(0);
      expect(run.out).toContain(`Chain ${SOURCE_ROLE_ARN}\n   -> ${DESTINATION_ROLE_ARN}`);
      expect(run.out.match(/^Chain /gm)).toHaveLength(1);
      expect(run.out).toMatch(/^\[✓\] 5\. .*in us-east-1$/m);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('--help prints the usage and exits 0', async () => {
    const run = await doctor(['doctor', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^Usage: cdk-cross-account-task-roles doctor \[options\]/);
    expect(run.actions).toEqual([]);
  });

  test.each([
    [[], /^Error: give the command: doctor/],
    [['doctor'], /^Error: give --source-role and --destination-role, or --app/],
    [['doctor', '--source-role', SOURCE_ROLE_ARN, '--destination-role', 'destination-account-role'], /^Error: --destination-role destination-account-role is not a role ARN/],
    [['doctor', '--source-role', SOURCE_ROLE_ARN, '--destination-role', `arn:aws:iam::${SOURCE_ACCOUNT}:role/x`], /^Error: the source and destination roles are in the same account/],
    [['doctor', '--app', 'cdk.out', '--source-role', SOURCE_ROLE_ARN], /^Error: give either --app or --source-role and --destination-role, not both/],
    [['doctor', '--app', 'no-such-assembly'], /^Error: .*no-such-assembly is not a cloud assembly: it has no manifest\.json/],
    [[...CHAIN, '--profile', 'x'], /^Error: Unknown option '--profile'/],
    [['check', ...CHAIN.slice(1)], /^Error: unknown command: check/],
  ])('usage error %j exits 2', async (args, error) => {
    const run = await doctor(args);
    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(error);
    expect(run.actions).toEqual([]);
  });
});

/** Synthesizes `build`'s app into a temporary cloud assembly and runs `body` with its directory. */
async function withAssembly<T>(build: (app: App) => void, body: (outdir: string) => Promise<T>): Promise<T> {
  const outdir = mkdtempSync(join(tmpdir(), 'doctor-assembly-'));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    build(app);
    app.synth();
    return await body(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A role of no construct of this library, whose own policies allow sts:AssumeRole: inline, and by a policy attached by name. */
function plainRoleApp(app: App, region: string) {
  const stack = new Stack(app, 'PlainStack', { env: { account: SOURCE_ACCOUNT, region } });
  const role = new iam.Role(stack, 'Reports', {
    roleName: 'reports-role',
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    inlinePolicies: {
      assume: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: [`arn:${Aws.PARTITION}:iam::${DESTINATION_ACCOUNT}:role/destination-account-role`],
        })],
      }),
    },
  });
  new iam.CfnPolicy(stack, 'ByName', {
    policyName: 'assume-by-name',
    roles: [role.roleName],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:*', Resource: `arn:aws:iam::${OTHER_ACCOUNT}:role/archive-role` },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/OrganizationAuditRole' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:iam::${OTHER_ACCOUNT}:role/not-a-chain` },
      ],
    },
  });
}

const chainsOf = (out: string) => JSON.parse(out).chains.map((c: any) => [c.sourceRoleArn, c.destinationRoleArn]);

describe('--app finds chains from any statement that allows sts:AssumeRole', () => {
  test('the EC2 walkthrough: CrossAccountAccess grants through the instance role\'s default policy', async () => {
    await withAssembly(createEc2S3Walkthrough, async outdir => {
      // WHEN
      const run = await doctor(['doctor', '--app', outdir, ...PROFILES, '--json'], {
        stacks: () => Object.values(createEc2S3Walkthrough(newApp())),
      });

      // THEN the chain is found, and checked in the fake accounts where it is deployed
      // (check 5 warns: the example's instance role trusts ec2.amazonaws.com without confused-deputy conditions)
      expect(chainsOf(run.out)).toEqual([[`arn:aws:iam::${SOURCE_ACCOUNT}:role/S3FullAccessFromEC2`, `arn:aws:iam::${DESTINATION_ACCOUNT}:role/assume_s3_role`]]);
      expect(run.exitCode).toBe(0);
      expect(JSON.parse(run.out).chains[0].checks.map((c: any) => [c.id, c.verdict])).toEqual([[1, 'ok'], [2, 'ok'], [3, 'ok'], [4, 'ok'], [5, 'warning'], [6, 'ok']]);
    });
  });

  test('a role of no construct of this library: inline Policies and a policy attached by name; patterns are listed as not checked', async () => {
    await withAssembly(app => plainRoleApp(app, 'us-east-1'), async outdir => {
      // WHEN
      const run = await doctor(['doctor', '--app', outdir, ...PROFILES, '--json']);

      // THEN
      expect(chainsOf(run.out)).toEqual([
        [`arn:aws:iam::${SOURCE_ACCOUNT}:role/reports-role`, DESTINATION_ROLE_ARN],
        [`arn:aws:iam::${SOURCE_ACCOUNT}:role/reports-role`, `arn:aws:iam::${OTHER_ACCOUNT}:role/archive-role`],
      ]);
      expect(JSON.parse(run.out).notes).toEqual([
        `arn:aws:iam::${SOURCE_ACCOUNT}:role/reports-role may assume arn:aws:iam::*:role/OrganizationAuditRole: a pattern, not one role; check one of them with --destination-role`,
      ]);
    });
  });
});

describe('--role-session-name', () => {
  /** The trust as TrustedDestinationRole writes it with roleSessionNamePattern: 'reports-*'. */
  const requireSessionName = (pattern: string) => ({ destination }: { destination: FakeRole }) => {
    destination.trustPolicy.Statement[0].Condition = { StringLike: { 'sts:RoleSessionName': pattern } };
  };

  test('a session name that matches the trust\'s pattern passes check 3, and --assume sends it', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--role-session-name', 'reports-nightly', '--assume'], {
      change: requireSessionName('reports-*'),
    });

    // THEN
    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 3\. The caller meets the trust's conditions: the session name given matches$/m);
    expect(run.out).toMatch(/^\[✓\] 7\. .*: now arn:aws:sts::555566667777:assumed-role\/destination-account-role\/reports-nightly$/m);
  });

  test('a session name that does not match fails check 3', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--role-session-name', 'nightly'], {
      change: requireSessionName('reports-*'),
    });

    // THEN
    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 3)).toMatch(/^\[✗\] 3\. .*\n    ✗ The session name given \(nightly\) does not meet StringLike sts:RoleSessionName reports-\* \(statement 1\)\.\n      Fix: Use a session name that matches/);
  });

  test('without it, check 3 could not verify and says which option to pass, and --assume sends a name that matches the pattern', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--assume'], {
      change: requireSessionName('reports-*'),
    });

    // THEN
    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 3)).toMatch(/^\[\?\] 3\. .*: could not verify: depends on sts:RoleSessionName\n.*\n      Fix: Run again with --role-session-name <name>/);
    expect(run.out).toMatch(/^\[✓\] 7\. .*: now arn:aws:sts::555566667777:assumed-role\/destination-account-role\/reports-doctor$/m);
  });

  test('without it, --assume is not attempted when no name can be derived from the pattern', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--assume'], {
      change: requireSessionName('${aws:userid}'),
    });

    // THEN
    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 7)).toMatch(/^\[\?\] 7\. .*: not attempted\n    \? The trust requires a session name .*\n      Fix: Run again with --role-session-name <name>/);
    expect(run.actions).not.toContain('AssumeRole');
  });

  test('--assume sends the external ID given when the trust lists several', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES, '--external-id', 'second-id', '--assume'], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Condition = { StringEquals: { 'sts:ExternalId': ['first-id', 'second-id'] } };
      },
    });

    // THEN
    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 7\. /m);
  });

  test.each(['x', 'reports nightly', 'a'.repeat(65)])('usage error for --role-session-name %j', async name => {
    const run = await doctor([...CHAIN, '--role-session-name', name]);
    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/^Error: --role-session-name .* is not a session name: 2 to 64 characters of letters, digits and _\+=,\.@-/);
    expect(run.actions).toEqual([]);
  });
});

describe('principal conditions the doctor cannot judge', () => {
  test('aws:PrincipalTag (addTrustConditions): could not verify, and says to check the source role\'s tags', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Condition = { StringEquals: { 'aws:PrincipalTag/team': 'reports' } };
      },
    });

    // THEN
    expect(run.exitCode).toBe(3);
    const lines = checkLines(run.out, 2);
    expect(lines).toMatch(/^\[\?\] 2\. .*\n    \? Admitted only if the caller meets StringEquals aws:PrincipalTag\/team reports: the source role's tags\/session tags must match/);
    expect(lines).toMatch(/Fix: Check the source role's tags with `aws iam list-role-tags --role-name my-ECS-task-role`/);
    expect(lines).not.toMatch(/Organizations/);
  });

  test('another principal key: could not verify, it cannot be checked from here', async () => {
    // WHEN
    const run = await doctor([...CHAIN, ...PROFILES], {
      change: ({ destination }) => {
        destination.trustPolicy.Statement[0].Condition = { StringLike: { 'aws:userid': 'AROA*:reports-*' } };
      },
    });

    // THEN
    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 2)).toMatch(/^\[\?\] 2\. .*\n    \? Admitted only if the caller meets StringLike aws:userid AROA\*:reports-\*: this condition cannot be checked from here\./);
    expect(checkLines(run.out, 2)).not.toMatch(/Organizations/);
  });
});

describe('partitions', () => {
  /** The Region each request to the fakes was signed for. */
  const signingRegions = () => [...new Set([...fake!.iam.requests, ...fake!.sts.requests]
    .map(r => /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(r.headers.authorization))?.[1]))];

  test.each([
    ['aws-eusc', 'eusc-de-east-1'],
    ['aws-cn', 'cn-north-1'],
  ])('role ARNs of %s: the doctor calls that partition\'s endpoints, in %s', async (partition, region) => {
    // GIVEN the walkthrough deployed in that partition
    const inPartition = ({ all }: { all: FakeRole[] }) => {
      for (const role of all) {
        Object.assign(role, JSON.parse(JSON.stringify(role).replace(/arn:aws:/g, `arn:${partition}:`)));
      }
    };

    // WHEN
    const run = await doctor(['doctor', '--source-role', SOURCE_ROLE_ARN.replace('arn:aws:', `arn:${partition}:`),
      '--destination-role', DESTINATION_ROLE_ARN.replace('arn:aws:', `arn:${partition}:`), '--region', 'us-east-1', ...PROFILES], { change: inPartition });

    // THEN
    expect(run.exitCode).toBe(0);
    expect(signingRegions()).toEqual([region]);
  });

  test.each([
    ['eusc-de-east-1', 'aws-eusc'],
    ['cn-north-1', 'aws-cn'],
  ])('--app with a stack in %s: the role ARNs are of %s', async (region, partition) => {
    await withAssembly(app => plainRoleApp(app, region), async outdir => {
      // WHEN
      const run = await doctor(['doctor', '--app', outdir, ...PROFILES, '--json']);

      // THEN
      expect(chainsOf(run.out)[0]).toEqual([`arn:${partition}:iam::${SOURCE_ACCOUNT}:role/reports-role`,
        `arn:${partition}:iam::${DESTINATION_ACCOUNT}:role/destination-account-role`]);
    });
  });

  test('a role ARN of a partition the doctor does not know is a usage error', async () => {
    const run = await doctor(['doctor', '--source-role', SOURCE_ROLE_ARN, '--destination-role', 'arn:aws-moon:iam::555566667777:role/x']);
    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/^Error: --destination-role arn:aws-moon:iam::555566667777:role\/x names the partition aws-moon, which the doctor does not know/);
  });
});
