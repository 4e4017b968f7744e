/**
 * What a check says: a verdict, a one-line detail and, for every problem, its cause and fix.
 * `unverified` is a check that could not reach a verdict (a call failed, a condition on a value
 * the doctor cannot know): it never counts as passed.
 */
import type { AwsAccount } from './aws-account';
import type { ConditionTest } from './trust-policy';

export type Verdict = 'ok' | 'warning' | 'error' | 'skipped' | 'unverified';

export interface Finding {
  readonly cause: string;
  readonly fix?: string;
  /** The finding's own verdict, when it differs from its check's. @default - the check's */
  readonly verdict?: Verdict;
}

export interface CheckResult {
  readonly id: number;
  readonly name: string;
  readonly verdict: Verdict;
  readonly detail: string;
  readonly findings: Finding[];
}

export interface RoleArnParts {
  readonly partition: string;
  readonly account: string;
  readonly roleName: string;
}

/** One end of a chain, with the credentials that read it. */
export interface Side {
  readonly label: 'source' | 'destination';
  readonly arn: string;
  readonly parts: RoleArnParts;
  readonly account: AwsAccount;
  readonly stack?: string;
}

/** What a check found: its result without the id and name, which the table of checks gives it. */
export type CheckOutcome = Omit<CheckResult, 'id' | 'name'>;

export const outcome = (verdict: Verdict, detail: string, findings: Finding[] = []): CheckOutcome => ({ verdict, detail, findings });

/** The worst verdict of some findings: an error over a check that could not run, over a pass. */
export function worstOf(findings: readonly Finding[], otherwise: Verdict): Verdict {
  const verdicts = findings.map(f => f.verdict ?? 'error');
  return verdicts.includes('error') ? 'error' : verdicts.includes('unverified') ? 'unverified' : verdicts.includes('warning') ? 'warning' : otherwise;
}

export const message = (error: unknown) => {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.split('\n')[0];
};

export const conditionText = (test: ConditionTest) =>
  `${test.operator} ${test.key} ${test.values.length === 1 ? test.values[0] : `[${test.values.join(', ')}]`}`;

/**
 * The command that deploys one side's stack alone, with that side's credentials: without
 * `--exclusively` the CLI also deploys the stacks it depends on, with the wrong account's profile.
 */
export function deployCommand(side: Side): string {
  const profile = side.account.profile ?? `<${side.label} profile>`;
  return `\`cdk deploy ${side.stack ?? (side.label === 'source' ? '<SourceStack>' : '<DestinationStack>')} --exclusively --profile ${profile}\``;
}
