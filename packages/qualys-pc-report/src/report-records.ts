import type { Logger } from '@posturesync/core';

/**
 * The neutral, format-independent records both report parsers produce. Parsing (XML or CSV)
 * and mapping (to the posturesync model) stay separate so the two formats are guaranteed
 * to feed the very same mapping, and so the benchmark can time parsing alone.
 */

/** Where in the report file a record starts (XML) or ends (CSV); 1-based line, 0-based column. */
export interface ReportPosition {
  line: number;
  column: number | null;
}

export function describePosition(position: ReportPosition): string {
  return position.column === null
    ? `line ${position.line}`
    : `line ${position.line}, column ${position.column}`;
}

/** Report preamble: title, generation time, company and user (name, login, role). */
export const headerFields = ['title', 'generatedAt', 'company', 'userName', 'userLogin', 'userRole'] as const;

/** SUMMARY, one row per policy, in the CSV column order of the wire-formats spec (B.5). */
export const policyFields = [
  'policyId',
  'title',
  'locked',
  'modifiedDate',
  'lastEvaluated',
  'assetGroups',
  'ips',
  'assetTags',
  'agentIps',
  'technologies',
  'controls',
  'assets',
  'controlInstances',
  'passed',
  'failed',
  'error',
  'approvedExceptions',
  'pendingExceptions',
] as const;

/** Control Statistics, in CSV column order; `policyId` only where the XML nests controls in a policy. */
export const controlFields = [
  'orderNumber',
  'controlId',
  'deprecated',
  'statement',
  'criticalityLabel',
  'criticalityValue',
  'percentage',
  'policyId',
] as const;

/** Host Statistics, in CSV column order; `network` only in the XML. */
export const hostFields = [
  'ip',
  'trackingMethod',
  'dns',
  'netbios',
  'os',
  'lastScanDate',
  'percentage',
  'sourceHostId',
  'hostId',
  'network',
] as const;

/**
 * RESULTS, one per host x control instance. The first 34 are the CSV columns in spec order
 * (positional fallback relies on that order); the rest appear only in some layouts.
 */
export const resultFields = [
  'ip',
  'dns',
  'netbios',
  'trackingMethod',
  'os',
  'network',
  'lastScanDate',
  'evaluationDate',
  'controlId',
  'controlReferences',
  'technology',
  'statement',
  'criticalityLabel',
  'criticalityValue',
  'instance',
  'rationale',
  'status',
  'remediation',
  'deprecated',
  'evidence',
  'exceptionAssignee',
  'exceptionStatus',
  'exceptionEndDate',
  'exceptionCreator',
  'exceptionCreatedDate',
  'exceptionModifier',
  'exceptionModifiedDate',
  'causeOfFailure',
  'sourceHostId',
  'previousStatus',
  'firstFailDate',
  'lastFailDate',
  'firstPassDate',
  'lastPassDate',
  'policyId',
  'hostId',
  'technologyId',
  'expectedValue',
  'actualValue',
  'extendedEvidence',
  'exceptionComments',
  'osCpe',
] as const;

/** How many leading `resultFields` the full CSV RESULTS layout has. */
export const csvResultColumnCount = 34;

export type HeaderField = (typeof headerFields)[number];
export type PolicyField = (typeof policyFields)[number];
export type ControlField = (typeof controlFields)[number];
export type HostField = (typeof hostFields)[number];
export type ResultField = (typeof resultFields)[number];

/** Every field is present; a column or element the template left out is null, never an error. */
export type FieldValues<K extends string> = { [P in K]: string | null };

export type ReportItem =
  | { kind: 'header'; position: ReportPosition; fields: FieldValues<HeaderField> }
  | { kind: 'policy'; position: ReportPosition; fields: FieldValues<PolicyField> }
  | { kind: 'control'; position: ReportPosition; fields: FieldValues<ControlField> }
  | { kind: 'host'; position: ReportPosition; fields: FieldValues<HostField>; tags: string[] }
  | { kind: 'hostTags'; position: ReportPosition; ip: string; tags: string[] }
  | { kind: 'result'; position: ReportPosition; fields: FieldValues<ResultField>; tags: string[] };

export function emptyFields<K extends string>(names: readonly K[]): FieldValues<K> {
  const values = {} as FieldValues<K>;
  for (const name of names) values[name] = null;
  return values;
}

/** Empty cells and whitespace-only text mean "absent". */
export function cleanValue(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Options both parsers accept. */
export interface ReportParseOptions {
  /** Named in error messages, e.g. the Qualys report ID. */
  reportId?: string;
  signal?: AbortSignal;
  /** CSV only: characters one record may hold before the file counts as malformed (default 64 Mi). */
  maxRecordChars?: number;
  /** CSV only: told about skipped unknown sections (debug) and the "possible reason" of an empty report (info). */
  logger?: Pick<Logger, 'debug' | 'info'>;
}
