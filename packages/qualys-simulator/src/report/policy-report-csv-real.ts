import { isoSeconds } from '../estate/dates.ts';
import type { Estate, SimPolicy, SimResult } from '../estate/types.ts';
import type { SimReport } from '../simulator-types.ts';
import { formatEvidenceBannerText } from './evidence-banner-text.ts';
import { formatCauseOfFailureText } from './evidence-text.ts';
import type { PolicyReportGenerateOptions } from './policy-report-options.ts';
import { reportLocalDate } from './report-local-date.ts';
import { computeReportStatistics } from './report-statistics.ts';

/**
 * The real Policy Report CSV layout, transcribed from `spec/policy-report-csv-real.md` (a real
 * exported file plus open-source tools written against real reports). The pin test
 * (`test/policy-report-csv-pin.test.ts`) checks this writer against hand-written fixtures, so a
 * change here that drifts from the facts fails a test.
 */
export const policyReportCsvSections = {
  summary: 'SUMMARY',
  hostStatistics: 'Host Statistics (Percentage of Controls Passed per Host)',
  assetTags: 'ASSET TAGS',
  results: 'RESULTS',
  emptyReportReason: 'Possible reason for empty report',
} as const;

/** SUMMARY header of the real file: no policy ID column, the policy is named by title only. */
export const policyReportCsvSummaryColumns: readonly string[] = [
  'Policy Title',
  'Policy Locking',
  'Policy Modified',
  'Policy Last Evaluated',
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

export const policyReportCsvHostStatisticsColumns: readonly string[] = [
  'IP Address',
  'Tracking Method',
  'DNS Name',
  'Netbios Name',
  'Operating System',
  'Last Scan Date',
  'Percentage',
  'Qualys Host ID',
  'Host ID',
];

/**
 * Which template switch a RESULTS column depends on. `extended`: the columns another real
 * template adds (`OS CPE`, `Cause of Failure`, `Previous Status`), behind `include.extendedColumns`.
 */
export type ResultColumnGroup = 'always' | 'criticality' | 'evidence' | 'exceptions' | 'extended';

interface RowContext {
  result: SimResult;
  date: (iso: string) => string;
  malformed: boolean;
}

const resultColumns: ReadonlyArray<{
  header: string;
  group: ResultColumnGroup;
  value: (context: RowContext) => string;
}> = [
  { header: 'Host IP', group: 'always', value: ({ result }) => result.host.ip },
  { header: 'DNS Hostname', group: 'always', value: ({ result }) => result.host.dns },
  { header: 'NetBIOS Hostname', group: 'always', value: ({ result }) => result.host.netBios ?? '' },
  { header: 'Tracking Method', group: 'always', value: ({ result }) => result.host.trackingMethod },
  { header: 'Operating System', group: 'always', value: ({ result }) => result.host.os },
  { header: 'OS CPE', group: 'extended', value: ({ result }) => result.host.osCpe },
  { header: 'NETWORK', group: 'always', value: ({ result }) => result.host.networkName },
  {
    header: 'Last Scan Date',
    group: 'always',
    value: ({ result, date }) => date(result.host.complianceLastScanDate),
  },
  {
    header: 'Evaluation Date',
    group: 'always',
    value: ({ result, date, malformed }) =>
      malformed ? '13/45/2024 at 99:99:99 (GMT+1000)' : date(result.lastEvaluatedDate),
  },
  {
    header: 'Control ID',
    group: 'always',
    value: ({ result, malformed }) => (malformed ? 'abc' : String(result.control.cid)),
  },
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
  // Unconfirmed: the real file has no result rows, so the Deprecated values are unseen; Yes/No
  // as in the real `PC Agent IPs` flag (and the hand-written fixtures).
  {
    header: 'Deprecated',
    group: 'always',
    value: ({ result }) => (result.control.deprecated ? 'Yes' : 'No'),
  },
  {
    header: 'Evidence',
    group: 'evidence',
    value: ({ result, date }) => formatEvidenceBannerText(result.evidence, date(result.lastEvaluatedDate)),
  },
  {
    header: 'Exception Assignee',
    group: 'exceptions',
    value: ({ result }) => result.exception?.assignee ?? '',
  },
  { header: 'Exception Status', group: 'exceptions', value: ({ result }) => result.exception?.status ?? '' },
  {
    header: 'Exception End Date',
    group: 'exceptions',
    value: ({ result, date }) => date(result.exception?.endDate ?? ''),
  },
  {
    header: 'Exception Creator',
    group: 'exceptions',
    value: ({ result }) => result.exception?.creator ?? '',
  },
  {
    header: 'Exception Created Date',
    group: 'exceptions',
    value: ({ result, date }) => date(result.exception?.createdDate ?? ''),
  },
  {
    header: 'Exception Modifier',
    group: 'exceptions',
    value: ({ result }) => result.exception?.modifier ?? '',
  },
  {
    header: 'Exception Modified Date',
    group: 'exceptions',
    value: ({ result, date }) => date(result.exception?.modifiedDate ?? ''),
  },
  {
    header: 'Exception Comments History',
    group: 'exceptions',
    value: ({ result }) => result.exception?.comments ?? '',
  },
  // Unconfirmed cell text: the simulator writes its `Missing (ALL): ...` / `Unexpected: ...` lines.
  {
    header: 'Cause of Failure',
    group: 'extended',
    value: ({ result }) => formatCauseOfFailureText(result.causeOfFailure),
  },
  { header: 'Qualys Host ID', group: 'always', value: ({ result }) => result.host.qgHostid },
  { header: 'Previous Status', group: 'extended', value: ({ result }) => result.previousStatus },
];

/** The RESULTS columns in order, with the template switch each depends on. */
export const policyReportCsvResultColumns: ReadonlyArray<{ header: string; group: ResultColumnGroup }> =
  resultColumns.map(({ header, group }) => ({ header, group }));

function keepsColumn(group: ResultColumnGroup, include: SimReport['include']): boolean {
  if (group === 'always') return true;
  if (group === 'extended') return include.extendedColumns;
  return include[group];
}

/**
 * A data row as real reports write it: non-empty cells quoted (quotes doubled), empty cells
 * bare (`,,`), CRLF at the end and a bare LF for line breaks inside a cell.
 */
export function realCsvRow(cells: ReadonlyArray<string | number>): string {
  let line = '';
  for (let index = 0; index < cells.length; index++) {
    if (index > 0) line += ',';
    let text = String(cells[index]);
    if (text === '') continue;
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    line += `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
  }
  return `${line}\r\n`;
}

/** Header rows and section markers are written unquoted. */
function plainRow(cells: readonly string[]): string {
  return `${cells.join(',')}\r\n`;
}

/**
 * The company row's address. The real file has 7 cells (company, three address lines, state,
 * country, zip) with unused address lines bare; the simulator's account has no address lines 2-3.
 */
const companyAddress = {
  address1: '1 Example Street',
  address2: '',
  address3: '',
  state: 'New South Wales',
  country: 'Australia',
  zip: '2000',
} as const;

/** The report user's full name and role in row 3 (the login comes from the report). */
const reportUser = { fullName: 'Demo User', role: 'Manager' } as const;

/**
 * The SUMMARY `Asset Tags` cell: multi-line tag rule text as in the real file
 * (`Included(all): windows;\nExcluded(any);`). The simulator's policies are scoped by OS tags.
 */
function assetTagRule(policy: SimPolicy): string {
  if (policy.family === 'windows') return 'Included(all): Windows Servers;\nExcluded(any);';
  if (policy.family === 'linux') return 'Included(all): Linux Servers;\nExcluded(any);';
  return 'Included(any): Windows Servers, Linux Servers;\nExcluded(any);';
}

/**
 * Streams a Policy Report CSV in the real layout: rows 1-3 (title and date; the 7-cell company
 * row; user name, login and role), then SUMMARY, Host Statistics, ASSET TAGS (unless the template
 * leaves it out) and RESULTS with no blank rows between them, plus `Possible reason for empty
 * report` when the policy has no hosts. One policy per report, as real reports have.
 *
 * The SUMMARY counts (`Assets`, `Control Instances`, `Passed`, `Failures`, `Error`, exceptions)
 * are those of the RESULTS rows the file contains; Host Statistics gives each host's
 * `P% (passed of total)` over all its results, whatever the template shows (as in the real file,
 * which lists a host at `100% (1 of 1)` with no result rows). Results are generated as they are
 * written (one counting pass first, keeping only counters), so a multi-GB report needs no more
 * memory than a small one, and with `include.statuses` at its default they are exactly the
 * estate's results for the policy: the same host x control x instance statuses and host
 * identities PCRS `postureInfo` serves.
 */
export async function* generateRealPolicyReportCsv(
  estate: Estate,
  report: SimReport,
  options: PolicyReportGenerateOptions = {},
): AsyncGenerator<string> {
  const shownStatuses = report.include.statuses === 'all' ? undefined : new Set(report.include.statuses);
  const stats = computeReportStatistics(estate, report.policyId, shownStatuses);
  if (!stats) return;
  const { shown } = stats;
  const { policy, hostIds } = stats;
  const chunkSize = options.chunkSize ?? 65_536;
  const zone = report.userTimeZone;
  const date = (iso: string) => reportLocalDate(iso, zone);
  const generatedAt = isoSeconds(options.generatedAt?.getTime() ?? Date.parse(estate.options.referenceDate));
  let buffer = '';

  if (report.include.header) {
    buffer += realCsvRow([report.title, date(generatedAt)]);
    buffer += realCsvRow([
      estate.options.companyName,
      companyAddress.address1,
      companyAddress.address2,
      companyAddress.address3,
      companyAddress.state,
      companyAddress.country,
      companyAddress.zip,
    ]);
    buffer += realCsvRow([reportUser.fullName, report.userLogin, reportUser.role]);
  }

  buffer += plainRow([policyReportCsvSections.summary]);
  buffer += plainRow(policyReportCsvSummaryColumns);
  buffer += realCsvRow([
    policy.title,
    policy.locked ? 'Locked' : 'Unlocked',
    date(policy.modifiedDate),
    date(policy.lastEvaluatedDate),
    '',
    'N/A',
    assetTagRule(policy),
    'No',
    // Unconfirmed separator: the real file's policy has one technology.
    stats.technologies.join(', '),
    policy.controls.length,
    shown.assets,
    shown.instances,
    shown.passed,
    shown.failed,
    shown.error,
    shown.approvedExceptions,
    shown.pendingExceptions,
  ]);

  buffer += plainRow([policyReportCsvSections.hostStatistics]);
  buffer += plainRow(policyReportCsvHostStatisticsColumns);
  for (let position = 0; position < hostIds.length; position++) {
    const host = estate.host(hostIds[position]!);
    if (!host) continue;
    const passed = stats.hostPassed[position] ?? 0;
    const hostTotal = stats.hostTotal[position] ?? 0;
    buffer += realCsvRow([
      host.ip,
      host.trackingMethod,
      host.dns,
      host.netBios ?? '',
      host.os,
      date(host.complianceLastScanDate),
      // `100% (1 of 1)` in the real file; rounding other shares to whole percent is an assumption.
      `${hostTotal === 0 ? 0 : Math.round((passed / hostTotal) * 100)}% (${passed} of ${hostTotal})`,
      host.qgHostid,
      host.hostId,
    ]);
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }

  // The ASSET TAGS marker is known from a tool that splits real reports, and the real exported
  // file has none (its template left it out: `include.assetTags: false`). What follows the
  // marker has never been seen, so the simulator keeps the section minimal: the marker alone,
  // and nothing invented reaches a parser.
  if (report.include.assetTags) buffer += plainRow([policyReportCsvSections.assetTags]);

  buffer += plainRow([policyReportCsvSections.results]);
  const columns = resultColumns.filter((column) => keepsColumn(column.group, report.include));
  buffer += plainRow(columns.map((column) => column.header));
  if (hostIds.length === 0) {
    // An empty report may carry this section (a tool splitting real reports keys on the marker).
    // Its content and position are unseen: one quoted sentence after the RESULTS header is the
    // simulator's assumption. Only a report without hosts gets it: the real exported file lists
    // a host and no result rows, and has no such section.
    buffer += plainRow([policyReportCsvSections.emptyReportReason]);
    buffer += realCsvRow(['No host in the scope of this report has been evaluated against the policy.']);
  }
  let first = true;
  const context: RowContext = { result: undefined as unknown as SimResult, date, malformed: false };
  for (const hostId of hostIds) {
    for (const result of estate.resultsForHost(report.policyId, hostId)) {
      if (shownStatuses && !shownStatuses.has(result.status)) continue;
      if (first && options.fault === 'malformed') {
        // An unterminated quoted cell: the rest of the file cannot be parsed.
        buffer += `"${result.host.ip}","broken cell\r\n`;
      }
      context.result = result;
      context.malformed = first && options.fault === 'malformedRecord';
      buffer += realCsvRow(columns.map((column) => column.value(context)));
      first = false;
      if (buffer.length >= chunkSize) {
        yield buffer;
        buffer = '';
      }
    }
  }
  if (buffer) yield buffer;
}
