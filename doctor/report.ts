/**
 * The doctor's output: one line per check with a mark, under each problem its cause
 * and fix, and a summary line (as `flutter doctor` does); or the same as JSON.
 */
import type { ChainReport, Verdict } from './checks';

const MARKS: Record<Verdict, string> = { ok: '✓', warning: '!', error: '✗', skipped: '-' };

export function formatTable(reports: readonly ChainReport[], notes: readonly string[] = []): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`Chain ${report.sourceRoleArn}`, `   -> ${report.destinationRoleArn}`, '');
    for (const check of report.checks) {
      lines.push(`[${MARKS[check.verdict]}] ${check.id}. ${check.name}: ${check.detail}`);
      for (const finding of check.findings) {
        lines.push(`    ${MARKS[check.verdict]} ${finding.cause}`);
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
  lines.push(summary(reports));
  return lines.join('\n') + '\n';
}

export function summary(reports: readonly ChainReport[]): string {
  const checks = reports.flatMap(r => r.checks);
  const errors = checks.filter(c => c.verdict === 'error').length;
  const warnings = checks.filter(c => c.verdict === 'warning').length;
  const broken = reports.filter(r => !r.works).length;
  const chains = reports.length === 1 ? 'The chain' : `${reports.length - broken} of ${reports.length} chains`;
  if (reports.length === 0) {
    return '✗ No chain to check.';
  }
  if (broken > 0) {
    return `✗ Doctor found ${errors} problem${errors === 1 ? '' : 's'}`
      + `${warnings ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}: `
      + `${reports.length === 1 ? 'the chain does not work' : `${broken} of ${reports.length} chains do not work`}.`;
  }
  return warnings > 0
    ? `! ${chains} work${reports.length === 1 ? 's' : ''}, with ${warnings} warning${warnings === 1 ? '' : 's'}.`
    : `✓ No issues found: ${reports.length === 1 ? 'the chain works' : `all ${reports.length} chains work`}.`;
}

export function formatJson(reports: readonly ChainReport[], notes: readonly string[], exitCode: number): string {
  return JSON.stringify({ works: exitCode === 0, exitCode, chains: reports, notes }, undefined, 2) + '\n';
}
