import type { RecordCounts, SyncRunRecord } from '@posturesync/engine';
import type { SyncRunSummary } from '../engine.ts';
import type { ExitCode } from '../exit-codes.ts';
import type { Colors } from './color.ts';
import { formatCount, formatDuration } from './format.ts';
import type { ErrorReport } from './report-error.ts';
import { terminalText } from './terminal-text.ts';

export interface InstanceOutcome {
  instance: string;
  type: string;
  exitCode: ExitCode;
  /** Null when the run never started (e.g. the lock was held or the database failed to open). */
  summary: SyncRunSummary | null;
  /** When the engine threw (e.g. cancelled) after recording a run: that run as stored. */
  run?: SyncRunRecord | null;
  /** Rows this run left in the database (Store.storedByRun); null or absent when unknown. */
  stored?: RecordCounts | null;
  error: ErrorReport | null;
}

const shownWarnings = 5;

/** Server throttling, shown apart from retries and failures: the sync was slowed, not broken. */
export function throttledNote(
  metrics: Pick<SyncRunRecord['metrics'], 'throttledWaits' | 'throttledWaitMs'>,
): string {
  if (metrics.throttledWaits === 0) return '';
  return ` · throttled by the server ${formatCount(metrics.throttledWaits)}× (waited ${formatDuration(metrics.throttledWaitMs)})`;
}

const entities = ['hosts', 'policies', 'definitions', 'violations'] as const;

function countsText(counts: RecordCounts): string {
  return entities.map((entity) => `${entity} ${formatCount(counts[entity])}`).join(' · ');
}

/**
 * The record counts, each labelled: what is in the database (`stored`), what was set aside
 * (`quarantined`), and what the source delivered more than once (`duplicates passed over`),
 * so the stored numbers match `SELECT COUNT(*)` on the tables after a first sync.
 */
export function describeRecordCounts(
  delivered: RecordCounts,
  stored: RecordCounts | null | undefined,
  quarantined: number,
): string {
  if (!stored) return `    delivered: ${countsText(delivered)}; quarantined ${formatCount(quarantined)}`;
  const duplicates = entities.reduce(
    (total, entity) => total + Math.max(0, delivered[entity] - stored[entity]),
    0,
  );
  return `    stored: ${countsText(stored)}; quarantined ${formatCount(quarantined)}; duplicates passed over ${formatCount(duplicates)}`;
}

/** How the run started: an interrupted run resumed, a full or first sync, or an incremental one. */
export function describeRunMode(
  summary: Pick<SyncRunSummary, 'resumed' | 'resumedFromRunId' | 'mode'>,
): string {
  if (summary.resumed) return `resumed from run #${summary.resumedFromRunId ?? '?'}`;
  switch (summary.mode) {
    case 'full':
      return 'full sync';
    case 'first':
      return 'first sync (no stored state)';
    case 'incremental':
      return 'incremental';
    default:
      return 'new run';
  }
}

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
    lines.push(
      `${mark} ${colors.bold(terminalText(outcome.instance))} (${terminalText(outcome.type)}) ${summary.outcome} in ${formatDuration(summary.durationMs)} — run #${summary.runId}, ${describeRunMode(summary)}`,
      describeRecordCounts(summary.counts, outcome.stored, summary.quarantined),
      `    closed ${formatCount(summary.closed)} · batches ${formatCount(summary.batches)} · warnings ${formatCount(summary.warningCount)}`,
      `    requests ${formatCount(summary.metrics.requests)} · retries ${formatCount(summary.metrics.retries)} · rate-limit waits ${formatCount(summary.metrics.rateLimitWaits)} (${formatDuration(summary.metrics.rateLimitWaitMs)})${throttledNote(summary.metrics)}`,
    );
    for (const warning of summary.warnings.slice(0, shownWarnings))
      lines.push(`    ${colors.yellow('warn')} ${terminalText(warning)}`);
    if (summary.warningCount > shownWarnings)
      lines.push(
        `    … ${formatCount(summary.warningCount - shownWarnings)} more warnings (see history --json)`,
      );
  } else if (outcome.run) {
    const { run } = outcome;
    lines.push(
      `${mark} ${colors.bold(terminalText(outcome.instance))} (${terminalText(outcome.type)}) ${run.outcome} — run #${run.id}${run.resumedFromRunId !== null ? `, resumed from run #${run.resumedFromRunId}` : run.full ? ', full sync' : ''}`,
      describeRecordCounts(run.counts, outcome.stored, run.quarantined),
      `    closed ${formatCount(run.closed)} · batches ${formatCount(run.batches)} · warnings ${formatCount(run.warningCount)}`,
      `    requests ${formatCount(run.metrics.requests)} · retries ${formatCount(run.metrics.retries)} · rate-limit waits ${formatCount(run.metrics.rateLimitWaits)} (${formatDuration(run.metrics.rateLimitWaitMs)})${throttledNote(run.metrics)}`,
    );
    if (run.outcome === 'cancelled') lines.push('    the next sync resumes from the last committed batch');
  } else {
    lines.push(
      `${mark} ${colors.bold(terminalText(outcome.instance))} (${terminalText(outcome.type)}) ${outcome.exitCode === 130 ? 'cancelled' : 'failed'} before the run could report its counts`,
    );
  }
  if (outcome.error)
    lines.push(
      `    ${colors.red('error')} [${terminalText(outcome.error.code)}]: ${terminalText(outcome.error.message)}`,
    );
  return lines.join('\n');
}
