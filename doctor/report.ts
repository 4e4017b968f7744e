/**
 * The doctor's output: one line per check with a mark, under each problem its cause
 * and fix, and a summary line (as `flutter doctor` does); or the same as JSON.
 */
import type { Verdict } from './check-result';
import type { ChainReport, ChainStatus } from './checks';

const MARKS: Record<Verdict, string> = { ok: '✓', warning: '!', error: '✗', skipped: '-', unverified: '?' };

/**
 * The exit code of a run: 1 when a chain is broken, else 3 when one could not be verified or the
 * app holds chains the doctor could not resolve (`unresolved`), else 0.
 */
export function exitCodeOf(reports: readonly ChainReport[], unresolved: readonly string[] = []): number {
  return reports.some(r => r.status === 'broken') ? 1 : reports.some(r => r.status === 'unverified') || unresolved.length > 0 ? 3 : 0;
}

/** The table: each chain and its checks, then what was not checked (`?` for the chains that could not be resolved), then a summary. */
export function formatTable(reports: readonly ChainReport[], notes: readonly string[] = [], unresolved: readonly string[] = []): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`Chain ${report.sourceRoleArn}`, `   -> ${report.destinationRoleArn}`, '');
    for (const check of report.checks) {
      lines.push(`[${MARKS[check.verdict]}] ${check.id}. ${check.name}: ${check.detail}`);
      for (const finding of check.findings) {
        lines.push(`    ${MARKS[finding.verdict ?? check.verdict]} ${finding.cause}`);
        if (finding.fix) {
          lines.push(`      Fix: ${finding.fix}`);
        }
      }
    }
    lines.push('');
  }
  for (const note of notes) {
    lines.push(`Not checked: ${note}`);
  }
  for (const note of unresolved) {
    lines.push(`${MARKS.unverified} Not checked: ${note}`);
  }
  lines.push(summary(reports, unresolved.length));
  return lines.join('\n') + '\n';
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The last line; `unresolved` chains of the app could not be resolved, so were not checked. */
function summary(reports: readonly ChainReport[], unresolved: number): string {
  const notResolved = unresolved ? `, ${plural(unresolved, 'chain')} could not be resolved` : '';
  if (reports.length === 0) {
    return unresolved ? `? Could not resolve ${plural(unresolved, 'chain')} of the app (see ?); no chain was checked.` : '✗ No chain to check.';
  }
  const checks = reports.flatMap(r => r.checks);
  const count = (verdict: Verdict) => checks.filter(c => c.verdict === verdict).length;
  const chains = (status: ChainStatus) => reports.filter(r => r.status === status).length;
  const one = reports.length === 1;
  const warnings = count('warning') ? ` and ${plural(count('warning'), 'warning')}` : '';
  if (chains('broken') > 0) {
    const unverified = count('unverified') ? `, ${plural(count('unverified'), 'check')} could not verify` : '';
    return `✗ Doctor found ${plural(count('error'), 'problem')}${warnings}${unverified}${notResolved}: `
      + `${one ? 'the chain does not work' : `${chains('broken')} of ${reports.length} chains do not work`}.`;
  }
  if (chains('unverified') > 0) {
    return `? Could not verify ${plural(count('unverified'), 'check')}${warnings}${notResolved}: `
      + `${one ? 'the chain is not proven to work' : `${chains('unverified')} of ${reports.length} chains are not proven to work`} (see ?).`;
  }
  if (unresolved) {
    return `? Could not resolve ${plural(unresolved, 'chain')} of the app (see ?); `
      + `${one ? 'the chain checked works' : `all ${reports.length} chains checked work`}`
      + `${count('warning') ? `, with ${plural(count('warning'), 'warning')}` : ''}.`;
  }
  return count('warning') > 0
    ? `! ${one ? 'The chain works' : `All ${reports.length} chains work`}, with ${plural(count('warning'), 'warning')}.`
    : `✓ No issues found: ${one ? 'the chain works' : `all ${reports.length} chains work`}.`;
}

export function formatJson(reports: readonly ChainReport[], notes: readonly string[], exitCode: number): string {
  const status = exitCode === 0 ? 'works' : exitCode === 1 ? 'broken' : 'unverified';
  return JSON.stringify({ works: exitCode === 0, status, exitCode, chains: reports, notes }, undefined, 2) + '\n';
}
