import type { FailingControl, StoreSummary, SyncRunRecord } from '@posturesync/engine';
import type { Colors } from './color.ts';
import { durationBetween, formatCount, formatDuration, formatPercent, formatWhen } from './format.ts';
import { renderTable } from './table.ts';
import { terminalText } from './terminal-text.ts';

export function colorOutcome(outcome: string, colors: Colors): string {
  switch (outcome) {
    case 'succeeded':
      return colors.green(outcome);
    case 'partial':
    case 'running':
      return colors.yellow(outcome);
    case 'failed':
    case 'cancelled':
      return colors.red(outcome);
    default:
      return outcome;
  }
}

export function runDuration(run: SyncRunRecord): string {
  const ms = durationBetween(run.startedAt, run.finishedAt);
  return ms === null ? '-' : formatDuration(ms);
}

/** The human `status` report: last runs, hosts, pass rate per policy, failing controls. */
export function renderStatus(
  summary: StoreSummary,
  topFailing: readonly FailingControl[],
  options: { database: string; colors: Colors; now: Date },
): string {
  const { colors } = options;
  const sections: string[] = [`${colors.bold('Database')}  ${terminalText(options.database)}`];

  sections.push(
    `${colors.bold('Last sync per connector instance')}\n${renderTable(
      summary.lastRuns,
      [
        { header: 'INSTANCE', value: (run) => terminalText(run.instance) },
        { header: 'TYPE', value: (run) => terminalText(run.connectorId) },
        { header: 'OUTCOME', value: (run) => colorOutcome(run.outcome, colors) },
        { header: 'WHEN', value: (run) => formatWhen(run.finishedAt ?? run.startedAt, options.now) },
        { header: 'DURATION', value: runDuration, align: 'right' },
        { header: 'VIOLATIONS', value: (run) => formatCount(run.counts.violations), align: 'right' },
        { header: 'ERROR', value: (run) => terminalText(run.errorCode ?? '') },
      ],
      'no sync has run yet: try `posturesync sync` or `posturesync demo`',
    )}`,
  );

  const perInstance = summary.hostsByInstance
    .map((row) => `${terminalText(row.instance)} ${formatCount(row.hosts)}`)
    .join(', ');
  sections.push(
    `${colors.bold('Hosts')}  ${formatCount(summary.hosts)}${perInstance ? ` (${perInstance})` : ''}\n${colors.bold('Open failed results')}  ${formatCount(summary.openFailedResults)}`,
  );

  sections.push(
    `${colors.bold('Pass rate per policy')}\n${renderTable(summary.policies, [
      { header: 'INSTANCE', value: (row) => terminalText(row.instance) },
      { header: 'POLICY', value: (row) => terminalText(row.policyUid) },
      { header: 'TITLE', value: (row) => truncate(row.policyTitle ?? '', 48) },
      { header: 'PASSED', value: (row) => formatCount(row.passed), align: 'right' },
      { header: 'FAILED', value: (row) => formatCount(row.failed), align: 'right' },
      { header: 'ERROR', value: (row) => formatCount(row.error), align: 'right' },
      { header: 'TOTAL', value: (row) => formatCount(row.total), align: 'right' },
      { header: 'PASS RATE', value: (row) => formatPercent(row.passRate), align: 'right' },
    ])}`,
  );

  sections.push(
    `${colors.bold('Failing controls by severity')}\n${renderTable(
      summary.failingBySeverity,
      [
        { header: 'SEVERITY', value: (row) => terminalText(row.severity) },
        { header: 'CONTROLS', value: (row) => formatCount(row.controls), align: 'right' },
        { header: 'FAILING RESULTS', value: (row) => formatCount(row.failingResults), align: 'right' },
      ],
      'no failing controls',
    )}`,
  );

  if (topFailing.length > 0) {
    sections.push(
      `${colors.bold(`Top ${topFailing.length} failing controls`)}\n${renderTable(topFailing, [
        { header: 'SEVERITY', value: (row) => terminalText(row.severity) },
        { header: 'CONTROL', value: (row) => terminalText(row.controlId) },
        { header: 'HOSTS', value: (row) => formatCount(row.failingHosts), align: 'right' },
        { header: 'STATEMENT', value: (row) => truncate(row.statement ?? '', 60) },
        { header: 'INSTANCE', value: (row) => terminalText(row.instance) },
      ])}`,
    );
  }
  return sections.join('\n\n');
}

function truncate(text: string, width: number): string {
  // Cut first, then escape: the width counts what the source sent, the escapes stay whole.
  const single = text.replace(/\s+/g, ' ').trim();
  return terminalText(single.length > width ? `${single.slice(0, width - 1)}…` : single);
}
