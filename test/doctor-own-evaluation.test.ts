/**
 * Check 4 when IAM's policy simulator cannot be asked (credentials without
 * iam:SimulatePrincipalPolicy, an emulator without it): the doctor reads the source role's
 * policies and evaluates them itself, and never passes what it could not prove.
 */
import { SOURCE_ACCOUNT } from './support/app';
import { CHAIN, PROFILES, checkLines, countActions, doctorRun } from './support/doctor-run';
import { FakeAccounts, FakeRole } from '../tools/iam-offline/fake-iam';
import { DESTINATION_ROLE_ARN } from '../tools/iam-offline/walkthrough-accounts';

// Each test synthesizes an app and starts the SDK against local servers: slow on a busy machine.
jest.setTimeout(60_000);

const ARGS = [...CHAIN, ...PROFILES];
const MANAGED = `arn:aws:iam::${SOURCE_ACCOUNT}:policy/assume-destination`;
const BOUNDARY = `arn:aws:iam::${SOURCE_ACCOUNT}:policy/boundary`;
const allowAssume = (resource: string = DESTINATION_ROLE_ARN) => ({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource });
const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

/** The simulator answers as an emulator without it does (HTTP 500, an HTML page), then `edit` changes the source role. */
const withoutSimulator = (edit: (source: FakeRole, accounts: FakeAccounts) => void = () => undefined) =>
  ({
    change: ({ source, accounts }: { source: FakeRole; accounts: FakeAccounts }) => {
      accounts.simulator = 'unimplemented';
      edit(source, accounts);
    },
  });

describe('the role\'s own policies, evaluated by the doctor', () => {
  test('the walkthrough passes check 4 without the simulator, and says how it was decided', async () => {
    const run = await doctorRun(ARGS, withoutSimulator());

    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(/^\[✓\] 4\. The source role may call sts:AssumeRole on the destination: allowed by TaskRole30FC0FBB\/AssumeDestinationRoles \(evaluated by the doctor from the role's policies; iam:SimulatePrincipalPolicy failed: HTTP 500, an answer that is not an AWS API's; service control policies not read\)$/m);
    expect(run.out).toMatch(/^✓ No issues found: the chain works\.$/m);
  });

  test('the source role\'s only policy deleted: the chain does not work (exit 1), never "works" (the simulator answers HTTP 500)', async () => {
    const run = await doctorRun(ARGS, withoutSimulator(source => {
      source.identityPolicies = [];
    }));

    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 4)).toMatch(/^\[✗\] 4\. .*: no policy allows it \(evaluated by the doctor from the role's policies\)\n    ✗ None of the policies of my-ECS-task-role \(it has none\) allows sts:AssumeRole on arn:aws:iam::555566667777:role\/destination-account-role\.\n      Fix: Name the destination in the CrossAccountTaskRole .* and run `cdk deploy <SourceStack> --exclusively --profile source`\.$/);
    expect(run.out).toMatch(/^✗ Doctor found 1 problem: the chain does not work\.$/m);
  });

  test('credentials denied iam:SimulatePrincipalPolicy: the same evaluation, naming the refusal', async () => {
    const run = await doctorRun(ARGS, {
      change: ({ source, accounts }) => {
        accounts.simulator = 'denied';
        source.identityPolicies = [];
      },
    });

    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 4)).toMatch(/^\[✗\] 4\. .*: no policy allows it \(evaluated by the doctor from the role's policies\)/);
    expect(run.actions).toEqual(expect.arrayContaining(['SimulatePrincipalPolicy', 'ListRolePolicies', 'ListAttachedRolePolicies']));
  });

  test('an Allow in an attached managed policy, read with iam:GetPolicy and iam:GetPolicyVersion, on pages of one item', async () => {
    const run = await doctorRun(ARGS, withoutSimulator((source, accounts) => {
      accounts.pageSize = 1;
      source.identityPolicies = [
        { name: 'unrelated-1', policy: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) },
        { name: 'unrelated-2', policy: policy({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }) },
      ];
      source.attachedPolicies = [
        { name: `arn:aws:iam::${SOURCE_ACCOUNT}:policy/other`, policy: policy({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }) },
        { name: MANAGED, policy: policy(allowAssume()) },
      ];
    }));

    expect(run.exitCode).toBe(0);
    expect(run.out).toMatch(new RegExp(`^\\[✓\\] 4\\. .*: allowed by ${MANAGED} \\(evaluated by the doctor`, 'm'));
    expect(countActions(run.actions)).toMatchObject({
      ListRolePolicies: 2, GetRolePolicy: 2, ListAttachedRolePolicies: 2, GetPolicy: 2, GetPolicyVersion: 2,
    });
  });

  test.each([
    ['NotAction that does not list sts:AssumeRole', { Effect: 'Allow', NotAction: 's3:*', Resource: '*' }, 0],
    ['a wildcard action in other letters (actions match case-insensitively)', { Effect: 'Allow', Action: 'STS:assume*', Resource: 'arn:aws:iam::*:role/destination-?ccount-role' }, 0],
    ['a resource ARN in other letters (ARNs match case-sensitively)', allowAssume('arn:aws:iam::555566667777:role/Destination-Account-Role'), 1],
    ['NotResource that lists the destination', { Effect: 'Allow', Action: 'sts:*', NotResource: 'arn:aws:iam::555566667777:role/destination-*' }, 1],
    ['a wildcard in the account part only', allowAssume('arn:aws:iam::*:role/destination-account-role'), 0],
    ['a wildcard for the whole resource part', allowAssume('arn:aws:iam::555566667777:*'), 0],
    ['a wildcard in the Region part does not reach the account', allowAssume('arn:aws:iam:*:111122223333:role/destination-account-role'), 1],
    ['a policy variable the doctor knows (aws:PrincipalAccount is the source account)', allowAssume('arn:aws:iam::${aws:PrincipalAccount}:role/*'), 1],
    ['the destination account as a policy variable (aws:ResourceAccount)', allowAssume('arn:aws:iam::${aws:ResourceAccount}:role/destination-account-role'), 0],
  ])('%s', async (_, statement, exitCode) => {
    const run = await doctorRun(ARGS, withoutSimulator(source => {
      source.identityPolicies = [{ name: 'only', policy: policy(statement) }];
    }));

    expect(run.exitCode).toBe(exitCode);
    expect(run.out).toMatch(exitCode === 0 ? /^\[✓\] 4\. .*allowed by only \(evaluated by the doctor/m : /^\[✗\] 4\. .*no policy allows it \(evaluated by the doctor/m);
  });

  test('an explicit Deny in an attached policy wins over the Allow', async () => {
    const run = await doctorRun(ARGS, withoutSimulator(source => {
      source.attachedPolicies = [{ name: MANAGED, policy: policy({ Effect: 'Deny', Action: 'sts:*', Resource: '*' }) }];
    }));

    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 4)).toMatch(new RegExp(`^\\[✗\\] 4\\. .*: explicitly denied \\(evaluated by the doctor from the role's policies\\)\\n    ✗ A Deny in ${MANAGED} applies`));
  });

  test('a permissions boundary that does not allow sts:AssumeRole', async () => {
    const run = await doctorRun(ARGS, withoutSimulator(source => {
      source.permissionsBoundary = { arn: BOUNDARY, policy: policy({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }) };
    }));

    expect(run.exitCode).toBe(1);
    expect(checkLines(run.out, 4)).toMatch(/^\[✗\] 4\. .*: denied by the permissions boundary \(evaluated by the doctor from the role's policies\)/);
  });
});

describe('what the doctor cannot evaluate: could not verify (exit 3), naming the keys', () => {
  test('an Allow under a condition on a value of the task\'s calls', async () => {
    const run = await doctorRun(ARGS, withoutSimulator(source => {
      source.identityPolicies = [{ name: 'vpc-only', policy: policy({ ...allowAssume(), Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1234' } } }) }];
    }));

    expect(run.exitCode).toBe(3);
    const lines = checkLines(run.out, 4);
    expect(lines).toMatch(/^\[\?\] 4\. .*: could not verify: depends on StringEquals aws:SourceVpc \(evaluated by the doctor from the role's policies\)\n    \? Allowed by statement 1 of vpc-only only if StringEquals aws:SourceVpc allows it/);
    expect(lines).toMatch(/Fix: Allow iam:SimulatePrincipalPolicy on arn:aws:iam::111122223333:role\/my-ECS-task-role to the source credentials \(profile source\)/);
    expect(run.out).toMatch(/^\? Could not verify 1 check: the chain is not proven to work \(see \?\)\.$/m);
  });

  test('a Deny under a condition it cannot evaluate, beside the Allow', async () => {
    const run = await doctorRun(ARGS, withoutSimulator(source => {
      source.attachedPolicies = [{ name: MANAGED, policy: policy({ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }) }];
    }));

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 4)).toMatch(new RegExp(`^\\[\\?\\] 4\\. .*: could not verify: depends on NotIpAddress aws:SourceIp .*\\n    \\? Denied by statement 1 of ${MANAGED} only if NotIpAddress aws:SourceIp allows it`));
  });

  test('a policy variable it cannot resolve in the Resource', async () => {
    const run = await doctorRun(ARGS, withoutSimulator(source => {
      source.identityPolicies = [{ name: 'tagged', policy: policy(allowAssume('arn:aws:iam::555566667777:role/${aws:PrincipalTag/team}-*')) }];
    }));

    expect(run.exitCode).toBe(3);
    expect(run.out).toMatch(/^\[\?\] 4\. .*: could not verify: depends on \$\{aws:PrincipalTag\/team\}/m);
  });

  test('a permissions boundary it cannot read', async () => {
    const run = await doctorRun(ARGS, withoutSimulator((source, accounts) => {
      source.permissionsBoundary = { arn: BOUNDARY, policy: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) };
      accounts.deniedActions = ['GetPolicy'];
    }));

    expect(run.exitCode).toBe(3);
    const lines = checkLines(run.out, 4);
    expect(lines).toMatch(new RegExp(`^\\[\\?\\] 4\\. .*: could not verify: neither IAM's policy simulator nor the role's policies could be read\\n    \\? iam:SimulatePrincipalPolicy failed \\(HTTP 500, .*\\), and the permissions boundary ${BOUNDARY} could not be read: iam:GetPolicy failed \\(AccessDenied: `));
    expect(lines).toMatch(/Fix: Allow iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, iam:GetPolicy and iam:GetPolicyVersion on the role and its boundary to the source credentials \(profile source\)\. Or allow iam:SimulatePrincipalPolicy on arn:aws:iam::111122223333:role\/my-ECS-task-role; either lets the doctor verify this check\.$/);
  });

  test('an inline policy it may not read names iam:GetRolePolicy', async () => {
    const run = await doctorRun(ARGS, withoutSimulator((_, accounts) => {
      accounts.deniedActions = ['GetRolePolicy'];
    }));

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 4)).toMatch(/\? iam:SimulatePrincipalPolicy failed \(HTTP 500, .*\), and the policies of my-ECS-task-role could not be read: iam:GetRolePolicy failed \(AccessDenied: /);
  });

  test('the simulator denies for want of context values: could not verify, naming them', async () => {
    const run = await doctorRun(ARGS, {
      change: ({ source }) => {
        source.identityPolicies = [{ name: 'vpc-only', policy: policy({ ...allowAssume(), Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1234' } } }) }];
      },
    });

    expect(run.exitCode).toBe(3);
    expect(checkLines(run.out, 4)).toMatch(/^\[\?\] 4\. .*: could not verify: depends on aws:SourceVpc \(IAM policy simulator\)/);
  });
});
