import type { RequestHandler } from 'msw';
import type { Estate, EstateOptions, SimStatus } from './estate/types.ts';
import type { ReportTimeZone } from './report/report-local-date.ts';

export type FaultEndpoint =
  | 'auth'
  | 'policyList'
  | 'hostids'
  | 'postureInfo'
  | 'reportList'
  | 'reportFetch'
  | 'reportLaunch'
  | 'compliancePolicyList'
  | 'session'
  | '*';

export type FaultKind =
  | 'status500'
  | 'status502'
  | 'status503'
  | 'resetMidBody'
  | 'truncatedGzip'
  | 'slow'
  | 'malformedJson'
  | 'malformedXml'
  | 'expireToken'
  | 'errorBody200'
  | 'status409Concurrency'
  | 'status409RateLimit'
  | 'status429'
  | 'malformedRecord'
  /** postureInfo: the first record carries a value nested 5,000 levels deep (issue 13). */
  | 'deepRecord';

export interface FaultRule {
  endpoint: FaultEndpoint;
  kind: FaultKind;
  /** How many matching calls get the fault. Default 1; `Infinity` for every call. */
  times?: number;
  /** Skip the first N matching calls. Default 0. */
  afterCalls?: number;
  /** For `slow`: delay before the response starts. Default 2000 ms. */
  delayMs?: number;
}

export type ReportState = 'Running' | 'Finished' | 'Submitted' | 'Canceled' | 'Errors';
export type ReportFormat = 'xml' | 'csv';

/**
 * The CSV layout of a Policy Report. `real` (default) follows `spec/policy-report-csv-real.md`:
 * unquoted markers and headers, no policy ID, banner evidence, local dates. `legacy` is the
 * simulator's first guess (policy ID column, `Expected:`/`Actual:` evidence, quoted markers,
 * UTC dates, blank rows between sections), kept for tests written against it.
 */
export type ReportLayout = 'real' | 'legacy';

export interface ReportTemplateOptions {
  /** Criticality label/value columns (the "Do Not Include Criticality" template option turns them off). */
  criticality?: boolean;
  /** Evidence and cause-of-failure columns. */
  evidence?: boolean;
  /** Exception columns. */
  exceptions?: boolean;
  /** CSV preamble (title, company, user); `hide_header=1` turns it off. */
  header?: boolean;
  /**
   * Real layout only: the template variant that adds `OS CPE` (after `Operating System`),
   * `Cause of Failure` (after `Exception Comments History`) and `Previous Status` (last).
   * Default false: the header of the real exported file.
   */
  extendedColumns?: boolean;
  /**
   * Real layout only: the `ASSET TAGS` section (marker only: its content is unseen). Default
   * true; the real exported file's template left it out.
   */
  assetTags?: boolean;
  /**
   * Real layout only: the statuses whose results RESULTS shows (a template's status filter).
   * Default 'all': RESULTS then equals PCRS postureInfo for the policy. SUMMARY counts follow the
   * rows shown; Host Statistics still counts every result, as in the real file.
   */
  statuses?: 'all' | SimStatus[];
}

export interface SimReportSpec {
  /** Report id (numeric string). Default: assigned in order from 9876543. */
  id?: string;
  title: string;
  /** Policy of the report. Default: the estate's first policy. */
  policyId?: string;
  /** Default 'csv'. */
  format?: ReportFormat;
  /** Default 'Finished'. */
  state?: ReportState;
  /** ISO datetime. Default: the estate's reference date. */
  launchDatetime?: string;
  userLogin?: string;
  /** Deliver the report as a zip file holding one entry. Default false. */
  zipped?: boolean;
  /** How RESULTS are grouped in XML. Default 'host'. */
  groupBy?: 'host' | 'control';
  include?: ReportTemplateOptions;
  templateId?: string;
  /** CSV layout. Default: the simulator's `reportLayout` ('real'). */
  layout?: ReportLayout;
  /** Zone of the report user's dates (real layout). Default: the simulator's `reportTimeZone` ('sydney'). */
  userTimeZone?: ReportTimeZone;
}

export interface SimReport {
  id: string;
  title: string;
  policyId: string;
  format: ReportFormat;
  /** The state at creation; launched reports move on with time (see `reportStateOf`). */
  state: ReportState;
  launchDatetime: string;
  expirationDatetime: string;
  userLogin: string;
  zipped: boolean;
  groupBy: 'host' | 'control';
  include: Required<ReportTemplateOptions>;
  templateId: string;
  layout: ReportLayout;
  userTimeZone: ReportTimeZone;
  /** For launched reports: epoch ms at which the report becomes Finished. */
  readyAt?: number;
  /** For launched reports: epoch ms of the launch. */
  launchedAt?: number;
}

export interface RateLimit {
  requests: number;
  perMs: number;
}

export interface SimulatorOptions {
  estate?: Estate | EstateOptions;
  /** Default { username: 'posturesync_demo', password: 'demo-password' }. */
  credentials?: { username: string; password: string };
  /** JWT lifetime. Default 4 h. */
  tokenTtlMs?: number;
  /** Modules in the JWT. Default ['PC', 'VM']; without 'PC' the PCRS calls answer 403. */
  modulesAllowed?: string[];
  /** Per PCRS endpoint (policy list, hostids, postureInfo each count separately). Default 25 / 60 s; false = off. */
  pcrsRateLimit?: RateLimit | false;
  /** Send X-RateLimit-* and Retry-After on PCRS responses (unconfirmed for PCRS). Default false. */
  pcrsRateLimitHeaders?: boolean;
  /** Across all v2 calls except session. Default 300 / 3600 s, concurrency 2; false = off. */
  classicRateLimit?: (RateLimit & { concurrency: number }) | false;
  /** Default 5000; more host ids in one postureInfo body answers 400. */
  maxHostIdsPerPostureCall?: number;
  /** Mark gzip postureInfo bodies with Content-Encoding: gzip. Default false (clients must gunzip). */
  gzipContentEncodingHeader?: boolean;
  /** Reports listed and fetched by the classic API. Default: see `defaultReportSpecs`. */
  reports?: SimReportSpec[];
  /** Launched reports become Finished after this. Default 2000 ms. */
  reportLaunchDelayMs?: number;
  /** Launches refused (409, code 1960) while this many launched reports are still running. Default 5. */
  maxRunningReports?: number;
  /** CSV layout of reports that do not name one, launched ones included. Default 'real'. */
  reportLayout?: ReportLayout;
  /** Zone of the report user's dates in real-layout reports. Default 'sydney' (+1000/+1100). */
  reportTimeZone?: ReportTimeZone;
  /**
   * Policies listed by the classic compliance policy list (`/api/2.0/fo/compliance/policy/`)
   * besides the estate's, e.g. a second policy with an existing title to test an ambiguous
   * title. They have no hosts, no results and are unknown to PCRS.
   */
  extraCompliancePolicies?: Array<{ id: string; title: string }>;
  faults?: FaultRule[];
  /** Added before every response. Default 0. */
  latencyMs?: number;
  /** Clock for token expiry, rate windows and report readiness. Default Date.now. */
  now?: () => number;
  /** Platform host used in DOCTYPE URLs. Default 'qualysapi.qualys.com'. */
  platformHost?: string;
}

export interface RequestLogEntry {
  endpoint: string;
  at: number;
  status: number;
}

export interface SimulatorStats {
  /** Calls per endpoint name (auth, policyList, hostids, postureInfo, session, reportList, reportFetch, reportLaunch, compliancePolicyList, unknown). */
  requests: Record<string, number>;
  total: number;
  rateLimited429: number;
  conflicts409: number;
  authCalls: number;
  postureRecordsServed: number;
  /** Highest number of requests in flight at once (bodies still streaming count). */
  maxConcurrent: number;
  /** The last 1000 requests. */
  requestLog: RequestLogEntry[];
}

export interface SimulatorState {
  estate: Estate;
  stats: SimulatorStats;
  setFaults(rules: FaultRule[]): void;
  /** Expires every JWT and classic session issued so far. */
  expireAllTokens(): void;
  reports: SimReport[];
  /** Resets the counters in `stats` (not the rate-limit windows). */
  resetStats(): void;
  /** Forgets the rate-limit windows. */
  resetRateLimits(): void;
}

export interface QualysHandlers {
  handlers: RequestHandler[];
  state: SimulatorState;
}
