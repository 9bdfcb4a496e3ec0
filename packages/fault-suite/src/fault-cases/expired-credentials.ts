import { failedOnce, type InProcessFaultCase } from './fault-case.ts';

// Expired credentials: JWTs and sessions that end mid-sync and must be renewed.

export const pcrsExpiredCredentialCases: readonly InProcessFaultCase[] = [
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
];

export const pcReportExpiredCredentialCases: readonly InProcessFaultCase[] = [
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
];
