import { csvDate, isoSeconds } from '../estate/dates.ts';
import type { Estate, SimResult } from '../estate/types.ts';
import type { SimReport } from '../simulator-types.ts';
import { formatCauseOfFailureText, formatEvidenceText } from './evidence-text.ts';
import type { PolicyReportGenerateOptions } from './policy-report-options.ts';
import { computeReportStatistics, percent } from './report-statistics.ts';

type ColumnGroup = 'always' | 'criticality' | 'evidence' | 'exceptions';

interface LegacyRowContext {
  result: SimResult;
  malformed: boolean;
}

/**
 * The legacy layout (`reportLayout: 'legacy'`): the simulator's first guess from wire spec B.5,
 * before real files were studied. Kept so tests written against it keep running; real Qualys
 * reports look like `policy-report-csv-real.ts`.
 *
 * The 34 RESULTS columns of wire spec B.5, in order, each with its cell: one table, so a header
 * and its value cannot drift apart. Header texts are the simulator's choice (unconfirmed).
 */
const legacyResultColumns: ReadonlyArray<{
  header: string;
  group: ColumnGroup;
  value: (context: LegacyRowContext) => string;
}> = [
  { header: 'IP', group: 'always', value: ({ result }) => result.host.ip },
  { header: 'DNS Hostname', group: 'always', value: ({ result }) => result.host.dns },
  { header: 'NetBIOS Hostname', group: 'always', value: ({ result }) => result.host.netBios ?? '' },
  { header: 'Tracking Method', group: 'always', value: ({ result }) => result.host.trackingMethod },
  { header: 'Operating System', group: 'always', value: ({ result }) => result.host.os },
  { header: 'Network', group: 'always', value: ({ result }) => result.host.networkName },
  {
    header: 'Last Scan Date',
    group: 'always',
    value: ({ result }) => csvDate(result.host.complianceLastScanDate),
  },
  {
    header: 'Evaluation Date',
    group: 'always',
    value: ({ result, malformed }) =>
      malformed ? '13/45/2024 at 99:99:99 (GMT+0000)' : csvDate(result.lastEvaluatedDate),
  },
  {
    header: 'Control ID',
    group: 'always',
    value: ({ result, malformed }) => (malformed ? 'abc' : String(result.control.cid)),
  },
  { header: 'Control References', group: 'always', value: ({ result }) => result.control.reference },
  { header: 'Technology', group: 'always', value: ({ result }) => result.technology.name },
  { header: 'Control', group: 'always', value: ({ result }) => result.control.statement },
  {
    header: 'Criticality Label',
    group: 'criticality',
    value: ({ result }) => result.control.criticality.label,
  },
  {
    header: 'Criticality Value',
    group: 'criticality',
    value: ({ result }) => String(result.control.criticality.value),
  },
  { header: 'Instance', group: 'always', value: ({ result }) => result.instance },
  { header: 'Rationale', group: 'always', value: ({ result }) => result.control.rationale },
  { header: 'Status', group: 'always', value: ({ result }) => result.status },
  { header: 'Remediation', group: 'always', value: ({ result }) => result.control.remediation },
  { header: 'Deprecated', group: 'always', value: ({ result }) => (result.control.deprecated ? '1' : '0') },
  { header: 'Evidence', group: 'evidence', value: ({ result }) => formatEvidenceText(result.evidence) },
  {
    header: 'Exception Assignee',
    group: 'exceptions',
    value: ({ result }) => result.exception?.assignee ?? '',
  },
  { header: 'Exception Status', group: 'exceptions', value: ({ result }) => result.exception?.status ?? '' },
  {
    header: 'Exception End Date',
    group: 'exceptions',
    value: ({ result }) => csvDate(result.exception?.endDate ?? ''),
  },
  {
    header: 'Exception Creator',
    group: 'exceptions',
    value: ({ result }) => result.exception?.creator ?? '',
  },
  {
    header: 'Exception Created Date',
    group: 'exceptions',
    value: ({ result }) => csvDate(result.exception?.createdDate ?? ''),
  },
  {
    header: 'Exception Modifier',
    group: 'exceptions',
    value: ({ result }) => result.exception?.modifier ?? '',
  },
  {
    header: 'Exception Modified Date',
    group: 'exceptions',
    value: ({ result }) => csvDate(result.exception?.modifiedDate ?? ''),
  },
  {
    header: 'Cause of Failure',
    group: 'evidence',
    value: ({ result }) => formatCauseOfFailureText(result.causeOfFailure),
  },
  { header: 'Qualys Host ID', group: 'always', value: ({ result }) => result.host.qgHostid },
  { header: 'Previous Status', group: 'always', value: ({ result }) => result.previousStatus },
  { header: 'First Fail Date', group: 'always', value: ({ result }) => csvDate(result.firstFailDate) },
  { header: 'Last Fail Date', group: 'always', value: ({ result }) => csvDate(result.lastFailDate) },
  { header: 'First Pass Date', group: 'always', value: ({ result }) => csvDate(result.firstPassDate) },
  { header: 'Last Pass Date', group: 'always', value: ({ result }) => csvDate(result.lastPassDate) },
];

/** The RESULTS columns in order, with the template switch each depends on. */
export const legacyPolicyReportCsvResultColumns: ReadonlyArray<{ header: string; group: ColumnGroup }> =
  legacyResultColumns.map(({ header, group }) => ({ header, group }));

function keepsLegacyColumn(group: ColumnGroup, include: SimReport['include']): boolean {
  return group === 'always' || include[group];
}

export const legacyPolicyReportCsvSections = {
  summary: 'SUMMARY',
  controlStatistics: 'Control Statistics',
  hostStatistics: 'Host Statistics',
  assetTags: 'ASSET TAGS',
  results: 'RESULTS',
} as const;

export const legacyPolicyReportCsvSummaryColumns: readonly string[] = [
  'Policy ID',
  'Policy',
  'Policy Locking',
  'Policy Modified',
  'Last Evaluated',
  'Asset Groups',
  'IPs',
  'Asset Tags',
  'PC Agent IPs',
  'Technologies',
  'Controls',
  'Assets',
  'Control Instances',
  'Passed',
  'Failures',
  'Error',
  'Approved Exceptions',
  'Pending Exceptions',
];

export const legacyPolicyReportCsvControlStatisticsColumns: readonly string[] = [
  'Order No',
  'CID',
  'Deprecated',
  'Statement',
  'Criticality Label',
  'Criticality Value',
  'Percentage',
];

export const legacyPolicyReportCsvHostStatisticsColumns: readonly string[] = [
  'IP',
  'Tracking Method',
  'DNS',
  'NetBIOS',
  'Operating System',
  'Last Scan Date',
  'Percentage',
  'Qualys Host ID',
  'Host ID',
];

/** Every cell quoted, quotes doubled; newlines inside cells stay (multi-line quoted cells). */
export function legacyCsvRow(cells: ReadonlyArray<string | number>): string {
  return `${cells.map((cell) => `"${String(cell).replaceAll('"', '""')}"`).join(',')}\r\n`;
}

/** The RESULTS cells of one result, in the columns the template keeps. */
export function legacyResultCsvCells(
  result: SimResult,
  include: SimReport['include'],
  malformed = false,
): string[] {
  const context: LegacyRowContext = { result, malformed };
  return legacyResultColumns
    .filter((column) => keepsLegacyColumn(column.group, include))
    .map((column) => column.value(context));
}

/**
 * Streams a Policy Report CSV (wire spec B.5): CRLF rows, preamble, SUMMARY, Control
 * Statistics, Host Statistics, ASSET TAGS and RESULTS. Results are generated as they are
 * written, so a multi-GB report needs no more memory than a small one.
 */
export async function* generateLegacyPolicyReportCsv(
  estate: Estate,
  report: SimReport,
  options: PolicyReportGenerateOptions = {},
): AsyncGenerator<string> {
  const stats = computeReportStatistics(estate, report.policyId);
  if (!stats) return;
  const { policy, hostIds } = stats;
  const chunkSize = options.chunkSize ?? 65_536;
  const generatedAt = isoSeconds(options.generatedAt?.getTime() ?? Date.parse(estate.options.referenceDate));
  let buffer = '';
  const keepCritical = report.include.criticality;

  if (report.include.header) {
    buffer += legacyCsvRow([report.title, csvDate(generatedAt)]);
    buffer += legacyCsvRow([estate.options.companyName]);
    buffer += legacyCsvRow(['Demo User', report.userLogin]);
    buffer += '\r\n\r\n';
  }
  const total = stats.instances;
  buffer += legacyCsvRow([legacyPolicyReportCsvSections.summary]);
  buffer += legacyCsvRow(legacyPolicyReportCsvSummaryColumns);
  buffer += legacyCsvRow([
    policy.id,
    policy.title,
    policy.locked ? 'Locked' : 'Unlocked',
    csvDate(policy.modifiedDate),
    csvDate(policy.lastEvaluatedDate),
    'All',
    '',
    '',
    '',
    stats.technologies.join(', '),
    policy.controls.length,
    hostIds.length,
    total,
    `${stats.passed}(${percent(stats.passed, total)}%)`,
    `${stats.failed}(${percent(stats.failed, total)}%)`,
    `${stats.error}(${percent(stats.error, total)}%)`,
    `${stats.approvedExceptions}(${percent(stats.approvedExceptions, total)}%)`,
    `${stats.pendingExceptions}(${percent(stats.pendingExceptions, total)}%)`,
  ]);
  buffer += '\r\n';
  buffer += legacyCsvRow([
    `${legacyPolicyReportCsvSections.controlStatistics} (${policy.controls.length} controls)`,
  ]);
  buffer += legacyCsvRow(
    legacyPolicyReportCsvControlStatisticsColumns.filter(
      (_, index) => keepCritical || (index !== 4 && index !== 5),
    ),
  );
  for (const control of policy.controls) {
    const passed = stats.controlPassed[control.index] ?? 0;
    const controlTotal = stats.controlTotal[control.index] ?? 0;
    const cells: Array<string | number> = [
      control.index + 1,
      control.cid,
      control.deprecated ? 1 : 0,
      control.statement,
    ];
    if (keepCritical) cells.push(control.criticality.label, control.criticality.value);
    cells.push(`${percent(passed, controlTotal)}% (${passed} of ${controlTotal})`);
    buffer += legacyCsvRow(cells);
  }
  buffer += '\r\n';
  buffer += legacyCsvRow([`${legacyPolicyReportCsvSections.hostStatistics} (${hostIds.length} hosts)`]);
  buffer += legacyCsvRow(legacyPolicyReportCsvHostStatisticsColumns);
  for (let position = 0; position < hostIds.length; position++) {
    const host = estate.host(hostIds[position]!);
    if (!host) continue;
    const passed = stats.hostPassed[position] ?? 0;
    const hostTotal = stats.hostTotal[position] ?? 0;
    buffer += legacyCsvRow([
      host.ip,
      host.trackingMethod,
      host.dns,
      host.netBios ?? '',
      host.os,
      csvDate(host.complianceLastScanDate),
      `${percent(passed, hostTotal)}% (${passed} of ${hostTotal})`,
      host.qgHostid,
      host.hostId,
    ]);
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }
  buffer += '\r\n';
  buffer += legacyCsvRow([legacyPolicyReportCsvSections.assetTags]);
  for (const hostId of hostIds) {
    const host = estate.host(hostId);
    if (host) buffer += legacyCsvRow([host.ip, ...host.tags]);
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }
  buffer += '\r\n';
  buffer += legacyCsvRow([legacyPolicyReportCsvSections.results]);
  buffer += legacyCsvRow(
    legacyResultColumns
      .filter((column) => keepsLegacyColumn(column.group, report.include))
      .map((column) => column.header),
  );
  let first = true;
  for (const hostId of hostIds) {
    for (const result of estate.resultsForHost(report.policyId, hostId)) {
      if (first && options.fault === 'malformed') {
        // An unterminated quoted cell: the rest of the file cannot be parsed.
        buffer += `"${result.host.ip}","broken cell\r\n`;
      }
      buffer += legacyCsvRow(
        legacyResultCsvCells(result, report.include, first && options.fault === 'malformedRecord'),
      );
      first = false;
      if (buffer.length >= chunkSize) {
        yield buffer;
        buffer = '';
      }
    }
  }
  if (buffer) yield buffer;
}
