import { failedOnce, type InProcessFaultCase } from './fault-case.ts';

// Throttling: 429 and 409 storms and server rate windows, waited out rather than failed (issue 12).

export const pcrsThrottlingCases: readonly InProcessFaultCase[] = [
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
];

export const pcReportThrottlingCases: readonly InProcessFaultCase[] = [
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
];
