import { failedOnce, type InProcessFaultCase } from './fault-case.ts';

// Malformed bodies: invalid JSON/XML/CSV and error envelopes under HTTP 200, fetched again.

export const pcrsMalformedBodyCases: readonly InProcessFaultCase[] = [
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
];

export const pcReportMalformedBodyCases: readonly InProcessFaultCase[] = [
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
];
