/**
 * Synthesizes, in one run, the same apps built with this library and by hand with plain
 * aws-cdk-lib roles, for growing numbers of destinations per task role and of trusted
 * sources per destination, and prints a markdown table: synth time ratio (library / plain,
 * medians of interleaved runs), policy sizes against the IAM quotas, and which mode keeps
 * each case deployable. Run with `npx projen bench`; not part of the tests.
 */
import { statSync } from 'fs';
import { cpus } from 'os';
import { join } from 'path';
import { App, Aspects, DefaultStackSynthesizer, Stack, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import {
  CrossAccountChecks,
  CrossAccountTaskRole,
  OrganizationRoles,
  RoleReference,
  TrustMode,
  TrustedDestinationRole,
} from '../src';
import { DETECTIVE_ORG_PARAMETERS } from '../test/fixtures/real-templates/parameters';
import { extractRoles, stackTemplate } from '../tools/iam-offline/template-roles';

const SOURCE = '111122223333';
const DESTINATION = '555566667777';
const ORGANIZATION = 'o-a1b2c3d4e5';
const SIZES = [1, 10, 100, 1000];
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 7);
const QUOTA = { trust: 2048, inline: 10240 };

/** The account of the i-th source or destination: distinct 12-digit IDs. */
const account = (i: number) => String(100000000000 + i);

type Build = (app: App) => Stack;

interface Outcome {
  readonly milliseconds: number;
  /** The measured policy size, or the size the library named when it refused to synthesize. */
  readonly size: number;
  readonly refused: boolean;
}

const env = (accountId: string) => ({ account: accountId, region: 'us-east-1' });

function run(build: Build, policy: 'trust' | 'identity' | 'none', roleName: string): Outcome {
  const started = process.hrtime.bigint();
  const app = new App({ analyticsReporting: false });
  let stack: Stack;
  try {
    stack = build(app);
    app.synth();
  } catch (error) {
    const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
    const figure = /is ([\d,]+) characters/.exec(String(error));
    if (!figure) {
      throw error;
    }
    return { milliseconds, size: Number(figure[1].replace(/,/g, '')), refused: true };
  }
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  if (policy === 'none') {
    return { milliseconds, size: 0, refused: false };
  }
  const role = extractRoles(stackTemplate(stack)).find(r => r.arn.endsWith(`:role/${roleName}`))!;
  const documents = policy === 'trust' ? [role.trustPolicy] : role.identityPolicies.map(p => p.policy);
  const size = documents.reduce((sum, d) => sum + JSON.stringify(d).replace(/\s+/g, '').length, 0);
  return { milliseconds, size, refused: false };
}

/** Runs the builds in turn, `REPETITIONS` times, and keeps each one's median time. */
function measure(builds: Record<string, Build>, policy: 'trust' | 'identity' | 'none', roleName: string): Record<string, Outcome> {
  const runs: Record<string, Outcome[]> = {};
  for (let i = 0; i < REPETITIONS + 1; i++) {
    for (const [name, build] of Object.entries(builds)) {
      const outcome = run(build, policy, roleName);
      if (i > 0) { // the first round warms up the module caches
        (runs[name] ??= []).push(outcome);
      }
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([name, outcomes]) => {
    const times = outcomes.map(o => o.milliseconds).sort((a, b) => a - b);
    return [name, { ...outcomes[0], milliseconds: times[Math.floor(times.length / 2)] }];
  }));
}

// --- destinations per task role -------------------------------------------------------

const destinationRefs = (n: number) =>
  Array.from({ length: n }, (_, i) => RoleReference.of({ account: account(i), roleName: 'destination-account-role' }));

const libraryExactSource = (n: number): Build => app => {
  const stack = new Stack(app, 'Source', { env: env(SOURCE) });
  new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: destinationRefs(n) });
  return stack;
};

const libraryOrganizationSource: Build = app => {
  const stack = new Stack(app, 'Source', { env: env(SOURCE) });
  new CrossAccountTaskRole(stack, 'TaskRole', {
    roleName: 'my-ECS-task-role',
    destinationOrganizationRoles: [OrganizationRoles.of({ organizationId: ORGANIZATION, roleName: 'destination-account-role' })],
  });
  return stack;
};

function plainTaskRole(stack: Stack): iam.Role {
  return new iam.Role(stack, 'TaskRole', {
    roleName: 'my-ECS-task-role',
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com').withConditions({
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ecs:${stack.region}:${stack.account}:*` },
      StringEquals: { 'aws:SourceAccount': stack.account },
    }),
  });
}

const plainSource = (n: number): Build => app => {
  const stack = new Stack(app, 'Source', { env: env(SOURCE) });
  plainTaskRole(stack).addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: destinationRefs(n).map(d => d.roleArn),
  }));
  return stack;
};

// --- trusted sources per destination --------------------------------------------------

const sourceRefs = (n: number) =>
  Array.from({ length: n }, (_, i) => RoleReference.of({ account: account(i), roleName: 'my-ECS-task-role' }));

const libraryDestination = (n: number, trustMode: TrustMode): Build => app => {
  const stack = new Stack(app, 'Destination', { env: env(DESTINATION) });
  new TrustedDestinationRole(stack, 'DestinationRole', { roleName: 'destination-account-role', trustedRoles: sourceRefs(n), trustMode });
  return stack;
};

const libraryOrganizationDestination: Build = app => {
  const stack = new Stack(app, 'Destination', { env: env(DESTINATION) });
  new TrustedDestinationRole(stack, 'DestinationRole', {
    roleName: 'destination-account-role',
    trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORGANIZATION, roleName: 'my-ECS-task-role' })],
  });
  return stack;
};

const plainDestination = (n: number): Build => app => {
  const stack = new Stack(app, 'Destination', { env: env(DESTINATION) });
  new iam.Role(stack, 'DestinationRole', {
    roleName: 'destination-account-role',
    assumedBy: new iam.CompositePrincipal(...sourceRefs(n).map(s => new iam.ArnPrincipal(s.roleArn))),
  });
  return stack;
};

// --- the seed walkthrough, both ways --------------------------------------------------

function seedTaskDefinition(stack: Stack, taskRole: iam.IRole): void {
  new ecs.Ec2TaskDefinition(stack, 'TaskDefinition', { family: 'verify-assume-cross-account-role', taskRole })
    .addContainer('test', { image: ecs.ContainerImage.fromRegistry('your-test-image'), cpu: 100, memoryLimitMiB: 200 });
}

const librarySeed: Build = app => {
  const source = new Stack(app, 'Source', { env: env(SOURCE) });
  const destination = new Stack(app, 'Destination', { env: env(DESTINATION) });
  const taskRole = new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role' });
  seedTaskDefinition(source, taskRole);
  const destinationRole = new TrustedDestinationRole(destination, 'DestinationRole', {
    roleName: 'destination-account-role',
    trustedRoles: [taskRole.reference],
  });
  taskRole.addDestination(destinationRole.reference);
  return source;
};

const plainSeed: Build = app => {
  const source = new Stack(app, 'Source', { env: env(SOURCE) });
  const destination = new Stack(app, 'Destination', { env: env(DESTINATION) });
  const taskRole = plainTaskRole(source);
  taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: [`arn:${destination.partition}:iam::${DESTINATION}:role/destination-account-role`],
  }));
  seedTaskDefinition(source, taskRole);
  new iam.Role(destination, 'DestinationRole', {
    roleName: 'destination-account-role',
    assumedBy: new iam.ArnPrincipal(`arn:${destination.partition}:iam::${SOURCE}:role/my-ECS-task-role`),
  });
  destination.addDependency(source);
  return source;
};

// --- the CrossAccountChecks Aspect on the largest real template ---------------------

/** The largest template of test/fixtures/real-templates (its README gives origin and licence). */
const LARGEST_REAL_TEMPLATE = join(__dirname, '..', 'test', 'fixtures', 'real-templates', 'sra-detective-org.template.json');

const LARGEST_REAL_TEMPLATE_KB = Math.round(statSync(LARGEST_REAL_TEMPLATE).size / 1024);

const realTemplate = (audited: boolean): Build => app => {
  if (audited) {
    Aspects.of(app).add(new CrossAccountChecks());
  }
  const stack = new Stack(app, 'DetectiveOrg', {
    env: env(SOURCE),
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  new CfnInclude(stack, 'Template', {
    templateFile: LARGEST_REAL_TEMPLATE,
    parameters: DETECTIVE_ORG_PARAMETERS,
  });
  return stack;
};

const auditedSeed: Build = app => {
  Aspects.of(app).add(new CrossAccountChecks());
  return plainSeed(app);
};

// --- report ------------------------------------------------------------------------------

const ratio = (library: Outcome, plain: Outcome) => (library.milliseconds / plain.milliseconds).toFixed(2);
const ms = (o: Outcome) => o.milliseconds.toFixed(1);
const fits = (o: Outcome, quota: number) =>
  o.refused ? `${o.size.toLocaleString('en-US')} (refused at synth)` : `${o.size.toLocaleString('en-US')}${o.size > quota ? ' (deploy fails)' : ''}`;

function main(): void {
  const lines: string[] = [];
  const seed = measure({ library: librarySeed, plain: plainSeed }, 'identity', 'my-ECS-task-role');
  lines.push(`Seed walkthrough app: library ${ms(seed.library)} ms, plain aws-cdk-lib ${ms(seed.plain)} ms, `
    + `ratio ${ratio(seed.library, seed.plain)}`);

  const real = measure({ audited: realTemplate(true), plain: realTemplate(false) }, 'none', '');
  const plainAudit = measure({ audited: auditedSeed, plain: plainSeed }, 'none', '');
  lines.push('', 'CrossAccountChecks (the Aspect that reviews every role of an app), synth with it / without it:', '');
  lines.push('| app | with the Aspect ms | without ms | ratio |');
  lines.push('| --- | ---: | ---: | ---: |');
  lines.push(`| sra-detective-org.template.json (${LARGEST_REAL_TEMPLATE_KB} KB, the largest real template) through cloudformation-include `
    + `| ${ms(real.audited)} | ${ms(real.plain)} | ${ratio(real.audited, real.plain)} |`);
  lines.push(`| the seed walkthrough by hand with plain aws-cdk-lib | ${ms(plainAudit.audited)} | ${ms(plainAudit.plain)} | ${ratio(plainAudit.audited, plainAudit.plain)} |`);

  lines.push('', `Destinations per task role (identity policy, inline quota ${QUOTA.inline.toLocaleString('en-US')}):`, '');
  lines.push('| destinations | library ms | plain ms | ratio | library org-wide ms | size: exact ARNs | size: org-wide | deployable with |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const n of SIZES) {
    const r = measure({ exact: libraryExactSource(n), organization: libraryOrganizationSource, plain: plainSource(n) }, 'identity', 'my-ECS-task-role');
    const exactFits = !r.exact.refused && r.exact.size <= QUOTA.inline;
    lines.push(`| ${n} | ${ms(r.exact)} | ${ms(r.plain)} | ${ratio(r.exact, r.plain)} | ${ms(r.organization)} `
      + `| ${fits(r.exact, QUOTA.inline)} | ${fits(r.organization, QUOTA.inline)} | ${exactFits ? 'exact ARNs, org-wide' : 'org-wide only'} |`);
  }

  lines.push('', `Trusted sources per destination (trust policy, quota ${QUOTA.trust.toLocaleString('en-US')}):`, '');
  lines.push('| sources | ROLE_ARN ms | plain ms | ratio | size: ROLE_ARN | size: ACCOUNT_WITH_PRINCIPAL_ARN | size: org-wide | plain size | deployable with |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const n of SIZES) {
    const r = measure({
      roleArn: libraryDestination(n, TrustMode.ROLE_ARN),
      account: libraryDestination(n, TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN),
      organization: libraryOrganizationDestination,
      plain: plainDestination(n),
    }, 'trust', 'destination-account-role');
    const modes = [
      ...(!r.roleArn.refused ? ['ROLE_ARN'] : []),
      ...(!r.account.refused ? ['ACCOUNT_WITH_PRINCIPAL_ARN'] : []),
      'org-wide',
    ];
    lines.push(`| ${n} | ${ms(r.roleArn)} | ${ms(r.plain)} | ${ratio(r.roleArn, r.plain)} | ${fits(r.roleArn, QUOTA.trust)} `
      + `| ${fits(r.account, QUOTA.trust)} | ${fits(r.organization, QUOTA.trust)} | ${fits(r.plain, QUOTA.trust)} | ${modes.join(', ')} |`);
  }
  lines.push('', `Measured on ${cpus().length} cores, Node ${process.version}, median of ${REPETITIONS} interleaved runs per cell.`);
  console.log(lines.join('\n'));
}

main();
