import { failedOnce, type InProcessFaultCase } from './fault-case.ts';

// Server errors: 5xx answers the client retries (and a burst that outlasts the retries).

export const pcrsServerErrorCases: readonly InProcessFaultCase[] = [
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
];

export const pcReportServerErrorCases: readonly InProcessFaultCase[] = [
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
];
