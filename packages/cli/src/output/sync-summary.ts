import type { SyncRunSummary } from '../engine.ts';
import type { ExitCode } from '../exit-codes.ts';
import type { Colors } from './color.ts';
import { formatCount, formatDuration } from './format.ts';
import type { ErrorReport } from './report-error.ts';

export interface InstanceOutcome {
  instance: string;
  type: string;
  exitCode: ExitCode;
  /** Null when the run never started (e.g. the lock was held or the database failed to open). */
  summary: SyncRunSummary | null;
  error: ErrorReport | null;
}

const shownWarnings = 5;

/** A few lines per connector instance: outcome, counts, HTTP effort, duration, resume. */
export function renderSyncOutcome(outcome: InstanceOutcome, colors: Colors): string {
  const { summary } = outcome;
  const mark =
    outcome.exitCode === 0
      ? colors.green('✓')
      : outcome.exitCode === 4
        ? colors.yellow('!')
        : colors.red('✗');
  const lines: string[] = [];
  if (summary) {
    const resumed = summary.resumed
      ? `, resumed from run #${summary.resumedFromRunId ?? '?'}`
      : ', fresh start (nothing to resume)';
    lines.push(
      `${mark} ${colors.bold(outcome.instance)} (${outcome.type}) ${summary.outcome} in ${formatDuration(summary.durationMs)} — run #${summary.runId}${resumed}`,
      `    hosts ${formatCount(summary.counts.hosts)} · policies ${formatCount(summary.counts.policies)} · definitions ${formatCount(summary.counts.definitions)} · violations ${formatCount(summary.counts.violations)}`,
      `    quarantined ${formatCount(summary.quarantined)} · closed ${formatCount(summary.closed)} · batches ${formatCount(summary.batches)} · warnings ${formatCount(summary.warningCount)}`,
      `    requests ${formatCount(summary.metrics.requests)} · retries ${formatCount(summary.metrics.retries)} · rate-limit waits ${formatCount(summary.metrics.rateLimitWaits)} (${formatDuration(summary.metrics.rateLimitWaitMs)})`,
    );
    for (const warning of summary.warnings.slice(0, shownWarnings))
      lines.push(`    ${colors.yellow('warn')} ${warning}`);
    if (summary.warningCount > shownWarnings)
      lines.push(
        `    … ${formatCount(summary.warningCount - shownWarnings)} more warnings (see history --json)`,
      );
  } else {
    lines.push(`${mark} ${colors.bold(outcome.instance)} (${outcome.type}) did not run`);
  }
  if (outcome.error)
    lines.push(`    ${colors.red('error')} [${outcome.error.code}]: ${outcome.error.message}`);
  return lines.join('\n');
}
