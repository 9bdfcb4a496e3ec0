import type { FaultRule, SimulatorOptions } from '@posturesync/qualys-simulator';
import type { ConnectorKind } from './connectors.ts';
import type { ReportVariant } from './test-estate.ts';

/** What the faulty run must have recorded in `sync_runs`. */
export interface FaultyRunExpectation {
  outcome: 'succeeded' | 'partial' | 'failed';
  /** The run's `error_code` when it failed. */
  errorCode?: string;
  /** The run must have retried at least once (the fault really hit and was ridden out). */
  retried?: boolean;
  /**
   * The server must have throttled the run at least once and the run waited it out: counted as
   * throttled waits, apart from retries (issue 12: throttling is not failure).
   */
  throttled?: boolean;
  /** Records the run must have quarantined. */
  quarantined?: number;
  /** At least this much waiting for server limits must be recorded on the run. */
  rateLimitWaitMsAtLeast?: number;
  /** Batches the run must have committed before it ended (proves a failure kept earlier batches). */
  batchesAtLeast?: number;
  /** The simulator must have served at least this many calls of an endpoint during the faulty run. */
  callsAtLeast?: Partial<Record<string, number>>;
}

/** How the next run is started and what it must say. */
export interface RerunExpectation {
  /** `--full`: the remedy after a partial PCRS run (the watermark moved past the quarantined record). */
  full?: boolean;
  /** `--force`: the remedy after a partial report import (the report counts as imported). */
  force?: boolean;
  /** The rerun continued the interrupted generation from its last checkpoint. */
  resumed: boolean;
  /** The rerun skipped calls the faulty run completed (fewer postureInfo calls than a clean run). */
  skipsCompletedCalls?: boolean;
}

/**
 * `seeded`: the database holds a clean first sync of the seed estate (the normal case: prove
 * nothing stored is lost). `empty`: the faulty run is the first sync, so nothing from a seed can
 * hide a row the run failed to write.
 */
export type DatabaseStart = 'seeded' | 'empty';

/** One fault-injection case run in the test process against the real connector. */
export interface InProcessFaultCase {
  name: string;
  connector: ConnectorKind;
  /** What is injected, for the README. */
  injects: string;
  faults: FaultRule[];
  simulator?: Pick<
    SimulatorOptions,
    'latencyMs' | 'tokenTtlMs' | 'pcrsRateLimit' | 'pcrsRateLimitHeaders' | 'classicRateLimit'
  >;
  /** Connector options on top of `connectorConfig`. */
  config?: Record<string, unknown>;
  /** Default `seeded`. */
  start?: DatabaseStart;
  /** pc-report only: the format of the newer report the faulty run imports. Default csv. */
  report?: ReportVariant;
  faulty: FaultyRunExpectation;
  rerun: RerunExpectation;
}

const failedOnce = { resumed: false } as const;

/**
 * PCRS cases. The faulty run is a `--full` sync of the changed estate (so a clean run closes the
 * findings of hosts that left a policy, and a failed or partial one must not); the rerun is a
 * plain `sync`, which resumes an interrupted generation.
 */
export const pcrsFaultCases: readonly InProcessFaultCase[] = [
  {
    name: 'short 5xx burst on postureInfo is retried and the run succeeds',
    connector: 'qualys-pcrs',
    injects: 'postureInfo answers 503, 502 and 500 once each (after 2 good calls)',
    faults: [
      { endpoint: 'postureInfo', kind: 'status503', afterCalls: 2 },
      { endpoint: 'postureInfo', kind: 'status502', afterCalls: 3 },
      { endpoint: 'postureInfo', kind: 'status500', afterCalls: 4 },
    ],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'long 5xx burst fails the run and the rerun resumes from the last checkpoint',
    connector: 'qualys-pcrs',
    injects: 'every postureInfo call after the 4th answers 503 (maxRetries 1)',
    faults: [{ endpoint: 'postureInfo', kind: 'status503', afterCalls: 4, times: Number.POSITIVE_INFINITY }],
    config: { maxRetries: 1 },
    faulty: { outcome: 'failed', batchesAtLeast: 2, errorCode: 'PS_ERR_TRANSIENT', retried: true },
    rerun: { resumed: true, skipsCompletedCalls: true },
  },
  {
    name: '5xx burst on hostids is retried',
    connector: 'qualys-pcrs',
    injects: 'hostids answers 502 twice',
    faults: [{ endpoint: 'hostids', kind: 'status502', times: 2 }],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'connection reset mid-body is retried as a whole call',
    connector: 'qualys-pcrs',
    injects: 'two postureInfo bodies are cut and the socket destroyed mid-body',
    faults: [{ endpoint: 'postureInfo', kind: 'resetMidBody', afterCalls: 1, times: 2 }],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'connection resets on every call fail the run, and the rerun resumes',
    connector: 'qualys-pcrs',
    injects: 'every postureInfo body after the 3rd call breaks off mid-body (maxRetries 1)',
    faults: [
      { endpoint: 'postureInfo', kind: 'resetMidBody', afterCalls: 3, times: Number.POSITIVE_INFINITY },
    ],
    config: { maxRetries: 1 },
    faulty: { outcome: 'failed', errorCode: 'PS_ERR_TRANSIENT', retried: true },
    rerun: { resumed: true, skipsCompletedCalls: true },
  },
  {
    name: 'connection reset mid-body on a first sync: the retried call still stores every host and definition',
    connector: 'qualys-pcrs',
    injects: 'the first postureInfo body breaks off mid-body; the database is empty',
    faults: [{ endpoint: 'postureInfo', kind: 'resetMidBody' }],
    start: 'empty',
    config: { parallelRequests: 1 },
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'truncated gzip body is retried',
    connector: 'qualys-pcrs',
    injects: 'a gzip postureInfo body ends cleanly but early ("unexpected end of file")',
    faults: [{ endpoint: 'postureInfo', kind: 'truncatedGzip', afterCalls: 2 }],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'truncated gzip body on a first sync: the retried call still stores every host and definition',
    connector: 'qualys-pcrs',
    injects: 'the second postureInfo gzip body ends early; the database is empty',
    faults: [{ endpoint: 'postureInfo', kind: 'truncatedGzip', afterCalls: 1 }],
    start: 'empty',
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'token expiry mid-sync is refreshed and the request rebuilt',
    connector: 'qualys-pcrs',
    injects: 'all JWTs expire before the 3rd postureInfo call',
    faults: [{ endpoint: 'postureInfo', kind: 'expireToken', afterCalls: 2 }],
    faulty: { outcome: 'succeeded', callsAtLeast: { auth: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'short-lived tokens are refreshed before they lapse',
    connector: 'qualys-pcrs',
    injects: 'JWT lifetime 500 ms with 100 ms latency per call, one call at a time',
    faults: [],
    simulator: { tokenTtlMs: 500, latencyMs: 100 },
    config: { parallelRequests: 1 },
    faulty: { outcome: 'succeeded', callsAtLeast: { auth: 2 } },
    rerun: failedOnce,
  },
  {
    name: '429 storm is waited out',
    connector: 'qualys-pcrs',
    injects: 'postureInfo answers 429 three times in a row',
    faults: [{ endpoint: 'postureInfo', kind: 'status429', afterCalls: 1, times: 3 }],
    faulty: { outcome: 'succeeded', throttled: true },
    rerun: failedOnce,
  },
  {
    name: 'server rate window (429 with Retry-After) is honoured',
    connector: 'qualys-pcrs',
    injects:
      'the simulator allows 4 postureInfo calls per second and sends X-RateLimit-* and Retry-After; the client adopts the stated limit',
    faults: [],
    simulator: { pcrsRateLimit: { requests: 4, perMs: 1_000 }, pcrsRateLimitHeaders: true },
    faulty: { outcome: 'succeeded', callsAtLeast: { postureInfo: 9 } },
    rerun: failedOnce,
  },
  {
    name: 'slow response beyond the read timeout is retried',
    connector: 'qualys-pcrs',
    injects: 'a postureInfo call answers after 1.5 s; readTimeoutSeconds is 0.4',
    faults: [{ endpoint: 'postureInfo', kind: 'slow', afterCalls: 1, delayMs: 1_500 }],
    config: { readTimeoutSeconds: 0.4 },
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'malformed JSON body is refetched',
    connector: 'qualys-pcrs',
    injects: 'a postureInfo body holds an invalid record after the first one',
    faults: [{ endpoint: 'postureInfo', kind: 'malformedJson', afterCalls: 1 }],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'persistently malformed JSON fails with a bad-response error, and the rerun resumes',
    connector: 'qualys-pcrs',
    injects: 'every postureInfo body after the 3rd call is malformed JSON',
    faults: [
      { endpoint: 'postureInfo', kind: 'malformedJson', afterCalls: 3, times: Number.POSITIVE_INFINITY },
    ],
    faulty: { outcome: 'failed', errorCode: 'PS_ERR_BAD_RESPONSE', retried: true },
    rerun: { resumed: true, skipsCompletedCalls: true },
  },
  {
    name: 'garbled hostids JSON is refetched',
    connector: 'qualys-pcrs',
    injects: 'the hostids answer is cut and garbled once',
    faults: [{ endpoint: 'hostids', kind: 'malformedJson' }],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: '200 with an error body is retried',
    connector: 'qualys-pcrs',
    injects: 'postureInfo answers HTTP 200 with the Qualys error envelope (code 999) twice',
    faults: [{ endpoint: 'postureInfo', kind: 'errorBody200', afterCalls: 1, times: 2 }],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'a malformed record is quarantined, the run is partial and the rest is stored',
    connector: 'qualys-pcrs',
    injects: 'one posture record with controlId "abc" and an unparsable date',
    faults: [{ endpoint: 'postureInfo', kind: 'malformedRecord', afterCalls: 2 }],
    faulty: { outcome: 'partial', quarantined: 1 },
    rerun: { full: true, resumed: false },
  },
  {
    name: 'a record nested 5,000 levels deep is quarantined, the run is partial and the rest is stored',
    connector: 'qualys-pcrs',
    injects: 'one posture record carries a value nested 5,000 levels deep (issue 13)',
    faults: [{ endpoint: 'postureInfo', kind: 'deepRecord', afterCalls: 2 }],
    faulty: { outcome: 'partial', quarantined: 1 },
    rerun: { full: true, resumed: false },
  },
];

/**
 * pc-report cases. The faulty run imports a newer report of the changed estate. A broken
 * report download (reset, truncated or malformed body, an error under HTTP 200) is fetched
 * again from the start within the run, up to `maxReportAttempts` (default 3): a short fault is
 * ridden out by the same run; a persistent one fails it after the last attempt, and since the
 * report's batches carry no checkpoint until the last, the rerun is a fresh import, not a resume.
 */
export const pcReportFaultCases: readonly InProcessFaultCase[] = [
  {
    name: 'short 5xx burst is retried and the import succeeds',
    connector: 'qualys-pc-report',
    injects: 'the report list answers 503 then 502, the fetch 500',
    faults: [
      { endpoint: 'reportList', kind: 'status503' },
      { endpoint: 'reportList', kind: 'status502', afterCalls: 1 },
      { endpoint: 'reportFetch', kind: 'status500' },
    ],
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'long 5xx burst fails the run after every report attempt, and the rerun imports the report',
    connector: 'qualys-pc-report',
    injects: 'every report fetch answers 503 (maxRetries 1: 2 requests in each of the 3 report attempts)',
    faults: [{ endpoint: 'reportFetch', kind: 'status503', times: Number.POSITIVE_INFINITY }],
    config: { maxRetries: 1 },
    faulty: {
      outcome: 'failed',
      errorCode: 'PS_ERR_TRANSIENT',
      retried: true,
      callsAtLeast: { reportFetch: 6 },
    },
    rerun: failedOnce,
  },
  {
    name: 'connection reset mid-report is retried from the start and the run succeeds',
    connector: 'qualys-pc-report',
    injects: 'the report body (XML) breaks off after 16 KiB once',
    faults: [{ endpoint: 'reportFetch', kind: 'resetMidBody' }],
    report: 'xml',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'connection reset mid-report on a first import: the retried report still stores every host and definition',
    connector: 'qualys-pc-report',
    injects: 'the report body (XML) breaks off after 16 KiB once; the database is empty',
    faults: [{ endpoint: 'reportFetch', kind: 'resetMidBody' }],
    report: 'xml',
    start: 'empty',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'connection resets on every fetch fail the run after 3 attempts, and the rerun restarts the report',
    connector: 'qualys-pc-report',
    injects: 'every report body (XML) breaks off after 16 KiB',
    faults: [{ endpoint: 'reportFetch', kind: 'resetMidBody', times: Number.POSITIVE_INFINITY }],
    report: 'xml',
    faulty: {
      outcome: 'failed',
      batchesAtLeast: 1,
      errorCode: 'PS_ERR_TRANSIENT',
      retried: true,
      callsAtLeast: { reportFetch: 3 },
    },
    rerun: failedOnce,
  },
  {
    name: 'truncated CSV report is fetched again and the run succeeds',
    connector: 'qualys-pc-report',
    injects: 'the CSV report body ends cleanly but early, once',
    faults: [{ endpoint: 'reportFetch', kind: 'truncatedGzip' }],
    report: 'csv',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'truncated XML report is fetched again and the run succeeds',
    connector: 'qualys-pc-report',
    injects: 'the XML report body ends cleanly but early, once',
    faults: [{ endpoint: 'reportFetch', kind: 'truncatedGzip' }],
    report: 'xml',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'truncated zip report is fetched again and the run succeeds',
    connector: 'qualys-pc-report',
    injects: 'the zipped XML report ends cleanly but early (no central directory), once',
    faults: [{ endpoint: 'reportFetch', kind: 'truncatedGzip' }],
    report: 'zip',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'a report truncated on every fetch fails the run after 3 attempts',
    connector: 'qualys-pc-report',
    injects: 'every CSV report body ends cleanly but early',
    faults: [{ endpoint: 'reportFetch', kind: 'truncatedGzip', times: Number.POSITIVE_INFINITY }],
    report: 'csv',
    faulty: {
      outcome: 'failed',
      batchesAtLeast: 1,
      errorCode: 'PS_ERR_BAD_RESPONSE',
      retried: true,
      callsAtLeast: { reportFetch: 3 },
    },
    rerun: failedOnce,
  },
  {
    name: 'session expiring mid-report is re-opened once',
    connector: 'qualys-pc-report',
    injects: 'all sessions end just before the report fetch',
    faults: [{ endpoint: 'reportFetch', kind: 'expireToken' }],
    faulty: { outcome: 'succeeded', callsAtLeast: { session: 3 } },
    rerun: failedOnce,
  },
  {
    name: 'session expiring and a reset mid-report in one run are both ridden out',
    connector: 'qualys-pc-report',
    injects: 'all sessions end just before the report fetch; the refetched body (XML) then breaks off once',
    faults: [
      { endpoint: 'reportFetch', kind: 'expireToken' },
      { endpoint: 'reportFetch', kind: 'resetMidBody', afterCalls: 1 },
    ],
    report: 'xml',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { session: 3, reportFetch: 3 } },
    rerun: failedOnce,
  },
  {
    name: '409 concurrency storm (code 1960) is waited out',
    connector: 'qualys-pc-report',
    injects: 'the report list answers 409 code 1960 three times',
    faults: [{ endpoint: 'reportList', kind: 'status409Concurrency', times: 3 }],
    faulty: { outcome: 'succeeded', throttled: true },
    rerun: failedOnce,
  },
  {
    name: '409 rate storm (code 1965, SECONDS_TO_WAIT 60) is waited out',
    connector: 'qualys-pc-report',
    injects:
      'the report fetch answers 409 code 1965 (60 s to wait) twice; the test sleep shortens waits over 1.5 s',
    faults: [{ endpoint: 'reportFetch', kind: 'status409RateLimit', times: 2 }],
    faulty: { outcome: 'succeeded', throttled: true, rateLimitWaitMsAtLeast: 60_000 },
    rerun: failedOnce,
  },
  {
    name: 'natural API v2 rate window (2 s) is waited out',
    connector: 'qualys-pc-report',
    injects: 'the simulator allows 1 API v2 call per 2 seconds',
    faults: [],
    simulator: { classicRateLimit: { requests: 1, perMs: 2_000, concurrency: 2 } },
    // The client reads X-RateLimit-Remaining/-ToWait-Sec and pauses instead of running into the 409.
    faulty: { outcome: 'succeeded', rateLimitWaitMsAtLeast: 1_000 },
    rerun: failedOnce,
  },
  {
    name: 'slow response beyond the read timeout is retried',
    connector: 'qualys-pc-report',
    injects: 'the report fetch answers after 1.5 s; readTimeoutSeconds is 0.4',
    faults: [{ endpoint: 'reportFetch', kind: 'slow', delayMs: 1_500 }],
    config: { readTimeoutSeconds: 0.4 },
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
  {
    name: 'malformed XML report once is fetched again and the run succeeds',
    connector: 'qualys-pc-report',
    injects: 'a mis-closed CONTROL element in the XML report, once',
    faults: [{ endpoint: 'reportFetch', kind: 'malformedXml' }],
    report: 'xml',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'malformed CSV report once is fetched again and the run succeeds',
    connector: 'qualys-pc-report',
    injects: 'an unterminated quote in the CSV report, once',
    faults: [{ endpoint: 'reportFetch', kind: 'malformedXml' }],
    report: 'csv',
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'malformed XML report on every fetch fails with its position after 3 attempts',
    connector: 'qualys-pc-report',
    injects: 'a mis-closed CONTROL element in the XML report on every fetch',
    faults: [{ endpoint: 'reportFetch', kind: 'malformedXml', times: Number.POSITIVE_INFINITY }],
    report: 'xml',
    faulty: {
      outcome: 'failed',
      errorCode: 'PS_ERR_BAD_RESPONSE',
      retried: true,
      callsAtLeast: { reportFetch: 3 },
    },
    rerun: failedOnce,
  },
  {
    name: 'garbled report list XML once is asked for again',
    connector: 'qualys-pc-report',
    injects: 'the report list XML is cut and garbled once',
    faults: [{ endpoint: 'reportList', kind: 'malformedXml' }],
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportList: 2 } },
    rerun: failedOnce,
  },
  {
    name: 'garbled report list XML fails the run',
    connector: 'qualys-pc-report',
    injects: 'the report list XML is cut and garbled on every call (3 attempts)',
    faults: [{ endpoint: 'reportList', kind: 'malformedXml', times: Number.POSITIVE_INFINITY }],
    faulty: {
      outcome: 'failed',
      errorCode: 'PS_ERR_BAD_RESPONSE',
      retried: true,
      callsAtLeast: { reportList: 3 },
    },
    rerun: failedOnce,
  },
  {
    name: '200 with an error body once is retried and the import succeeds',
    connector: 'qualys-pc-report',
    injects: 'the report fetch answers HTTP 200 with SIMPLE_RETURN code 999 once',
    faults: [{ endpoint: 'reportFetch', kind: 'errorBody200' }],
    faulty: { outcome: 'succeeded', retried: true, callsAtLeast: { reportFetch: 2 } },
    rerun: failedOnce,
  },
  {
    name: '200 with an error body fails the run after maxReportAttempts',
    connector: 'qualys-pc-report',
    injects:
      'the report fetch answers HTTP 200 with SIMPLE_RETURN code 999 on every call (maxReportAttempts 2)',
    faults: [{ endpoint: 'reportFetch', kind: 'errorBody200', times: Number.POSITIVE_INFINITY }],
    config: { maxReportAttempts: 2 },
    faulty: {
      outcome: 'failed',
      errorCode: 'PS_ERR_BAD_RESPONSE',
      retried: true,
      callsAtLeast: { reportFetch: 2 },
    },
    rerun: failedOnce,
  },
  {
    name: 'a malformed row is quarantined, the run is partial and the rest is stored',
    connector: 'qualys-pc-report',
    injects: 'one report row with CID "abc" and an unparsable date',
    faults: [{ endpoint: 'reportFetch', kind: 'malformedRecord' }],
    faulty: { outcome: 'partial', quarantined: 1 },
    rerun: { force: true, resumed: false },
  },
];
