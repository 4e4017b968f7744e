/**
 * `cdk-cross-account-task-roles doctor`: checks a deployed chain in the two accounts
 * and says what is wrong. Exit code 0 when every check passed, 1 when a chain does not
 * work, 2 on a usage error, 3 when some check could not run or reach a verdict.
 * Read-only, except `sts:AssumeRole` when asked with `--assume`.
 */
import { parseArgs } from 'util';
import { type AccountOptions, type AwsAccount, DEFAULT_TIMEOUT_SECONDS, sdkAccount } from './aws-account';
import { cachedAccount } from './cached-account';
import { type Chain, type ChainReport, checkChain, parseRoleArn } from './checks';
import { ASSEMBLY_FILE_CAP_BYTES, readAssembly } from './cloud-assembly';
import { endpointRegionOf } from './partitions';
import { exitCodeOf, formatJson, formatTable } from './report';
import { ROLE_SESSION_NAME } from './trust-checks';

/** The environment variable that sets the timeout when --timeout is not given. */
const TIMEOUT_VARIABLE = 'CDK_CROSS_ACCOUNT_TASK_ROLES_TIMEOUT';
const MAX_TIMEOUT_SECONDS = 300;

const USAGE = `Usage: cdk-cross-account-task-roles doctor [options]

Checks a deployed cross-account chain (a source role that assumes a destination
role in another account) and says, for each problem, the cause and the fix.
It only reads: no call changes anything in your accounts.

Which chain:
  --source-role <arn>          the role that assumes (the ECS task role)
  --destination-role <arn>     the role it assumes, in another account
  --app <cdk.out>              or: every chain of a synthesized cloud assembly

Credentials (the default credential chain when omitted):
  --source-profile <name>      a profile of the source account
  --destination-profile <name> a profile of the destination account

Options:
  --external-id <value>        the external ID the task sends (sts:ExternalId)
  --role-session-name <name>   the session name the task sends (sts:RoleSessionName,
                               role_session_name in its profile): checked against
                               the trust's conditions and used by --assume
  --region <region>            the Region of the source's tasks (default: the
                               stack's Region with --app; without it a condition
                               on aws:SourceArn cannot be verified)
  --assume                     also call sts:AssumeRole with the source
                               credentials, then sts:GetCallerIdentity
  --timeout <seconds>          how long to wait for a connection and for each
                               answer of AWS (default ${DEFAULT_TIMEOUT_SECONDS}, at most ${MAX_TIMEOUT_SECONDS};
                               or the environment variable ${TIMEOUT_VARIABLE})
  --json                       print JSON instead of the table (progress
                               messages go to stderr)
  --help                       print this help

--app reads only regular files inside the assembly directory, each at most
${ASSEMBLY_FILE_CAP_BYTES / 1024 / 1024} MB, and the stacks of its nested assemblies (Stages).

When iam:SimulatePrincipalPolicy cannot be called, the doctor reads the source
role's policies (iam:ListRolePolicies, iam:GetRolePolicy,
iam:ListAttachedRolePolicies, iam:GetPolicy, iam:GetPolicyVersion) and
evaluates them itself.

Exit code: 0 every check passed, 1 a chain does not work, 2 usage error,
3 could not verify: some check could not run or depends on a value the doctor
cannot read (the output says which permission or option would let it verify),
or --app found a role that may assume a role it cannot name (a parameter, an
import, a generated role name: check that chain with --source-role and
--destination-role).
`;

export interface DoctorIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Makes the reader of one account; tests may pass their own. */
export type AccountFactory = (profile: string | undefined, partition: string, options: AccountOptions) => AwsAccount;

class UsageError extends Error {}

interface DoctorArguments {
  readonly chains: Chain[];
  readonly notes: string[];
  /** Chains of the app that could not be resolved: the run cannot say the app works. */
  readonly unresolved: string[];
  readonly sourceProfile?: string;
  readonly destinationProfile?: string;
  readonly externalId?: string;
  readonly roleSessionName?: string;
  readonly assume: boolean;
  readonly json: boolean;
  readonly timeoutSeconds: number;
}

function timeoutOf(flag: string | undefined): number {
  const [text, origin] = flag !== undefined ? [flag, '--timeout'] : [process.env[TIMEOUT_VARIABLE], TIMEOUT_VARIABLE];
  if (text === undefined || text === '') {
    return DEFAULT_TIMEOUT_SECONDS;
  }
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(seconds > 0) || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`${origin} ${text} is not a number of seconds between 0 and ${MAX_TIMEOUT_SECONDS}`);
  }
  return seconds;
}

function parseDoctorArguments(args: string[]): DoctorArguments | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'source-role': { type: 'string' },
        'destination-role': { type: 'string' },
        'app': { type: 'string' },
        'source-profile': { type: 'string' },
        'destination-profile': { type: 'string' },
        'external-id': { type: 'string' },
        'role-session-name': { type: 'string' },
        'region': { type: 'string' },
        'assume': { type: 'boolean', default: false },
        'timeout': { type: 'string' },
        'json': { type: 'boolean', default: false },
        'help': { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return 'help';
  }
  if (positionals.length !== 1 || positionals[0] !== 'doctor') {
    throw new UsageError(positionals.length === 0 ? 'give the command: doctor' : `unknown command: ${positionals.join(' ')}`);
  }
  const timeoutSeconds = timeoutOf(values.timeout);
  const roleSessionName = values['role-session-name'];
  if (roleSessionName !== undefined && !ROLE_SESSION_NAME.test(roleSessionName)) {
    throw new UsageError(`--role-session-name ${roleSessionName} is not a session name: 2 to 64 characters of letters, digits and _+=,.@-`);
  }
  const sourceRole = values['source-role'];
  const destinationRole = values['destination-role'];
  let chains: Chain[];
  let notes: string[] = [];
  let unresolved: string[] = [];
  if (values.app !== undefined) {
    if (sourceRole !== undefined || destinationRole !== undefined) {
      throw new UsageError('give either --app or --source-role and --destination-role, not both');
    }
    let assembly;
    try {
      assembly = readAssembly(values.app);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (assembly.chains.length === 0 && assembly.unresolved.length === 0) {
      throw new UsageError(`${values.app} holds no role whose policies allow sts:AssumeRole on a role ARN`);
    }
    chains = values.region ? assembly.chains.map(c => ({ ...c, region: values.region })) : assembly.chains;
    notes = assembly.notes;
    unresolved = assembly.unresolved;
  } else {
    if (sourceRole === undefined || destinationRole === undefined) {
      throw new UsageError('give --source-role and --destination-role, or --app');
    }
    for (const [flag, arn] of [['--source-role', sourceRole], ['--destination-role', destinationRole]]) {
      if (!parseRoleArn(arn)) {
        throw new UsageError(`${flag} ${arn} is not a role ARN (arn:aws:iam::<12-digit account>:role/<name>)`);
      }
      const { partition } = parseRoleArn(arn)!;
      if (!endpointRegionOf(partition)) {
        throw new UsageError(`${flag} ${arn} names the partition ${partition}, which the doctor does not know`);
      }
    }
    if (parseRoleArn(sourceRole)!.account === parseRoleArn(destinationRole)!.account) {
      throw new UsageError('the source and destination roles are in the same account: the doctor checks cross-account chains');
    }
    chains = [{ sourceRoleArn: sourceRole, destinationRoleArn: destinationRole, region: values.region }];
  }
  return {
    chains,
    notes,
    unresolved,
    sourceProfile: values['source-profile'],
    destinationProfile: values['destination-profile'],
    externalId: values['external-id'],
    roleSessionName,
    assume: values.assume ?? false,
    json: values.json ?? false,
    timeoutSeconds,
  };
}

/** Runs the command and returns its exit code. */
export async function runDoctor(args: string[], io: DoctorIo, accountFactory: AccountFactory = sdkAccount): Promise<number> {
  let options;
  try {
    options = parseDoctorArguments(args);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    io.out(USAGE);
    return 0;
  }
  const accounts = new Map<string, AwsAccount>();
  // One reader per set of credentials and partition, each read made once across every chain.
  const accountFor = (profile: string | undefined, partition: string) => {
    const key = `${profile ?? ''}\n${partition}`;
    if (!accounts.has(key)) {
      const account = accountFactory(profile, partition, { timeoutSeconds: options.timeoutSeconds });
      accounts.set(key, cachedAccount(account, io.err, options.timeoutSeconds));
    }
    return accounts.get(key)!;
  };
  const reports: ChainReport[] = [];
  for (const chain of options.chains) {
    const partition = parseRoleArn(chain.sourceRoleArn)!.partition;
    reports.push(await checkChain(chain,
      accountFor(options.sourceProfile, partition),
      accountFor(options.destinationProfile, parseRoleArn(chain.destinationRoleArn)!.partition),
      { externalId: options.externalId, roleSessionName: options.roleSessionName, assume: options.assume }));
  }
  const exitCode = exitCodeOf(reports, options.unresolved);
  io.out(options.json
    ? formatJson(reports, [...options.notes, ...options.unresolved], exitCode)
    : formatTable(reports, options.notes, options.unresolved));
  return exitCode;
}

if (require.main === module) {
  runDoctor(process.argv.slice(2), {
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(text),
  }).then(code => {
    process.exitCode = code;
  }, error => {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
