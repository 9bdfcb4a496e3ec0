import { failedOnce, type InProcessFaultCase } from './fault-case.ts';

// Slow responses beyond the read timeout.

export const pcrsSlowResponseCases: readonly InProcessFaultCase[] = [
  {
    name: 'slow response beyond the read timeout is retried',
    connector: 'qualys-pcrs',
    injects: 'a postureInfo call answers after 1.5 s; readTimeoutSeconds is 0.4',
    faults: [{ endpoint: 'postureInfo', kind: 'slow', afterCalls: 1, delayMs: 1_500 }],
    config: { readTimeoutSeconds: 0.4 },
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
];

export const pcReportSlowResponseCases: readonly InProcessFaultCase[] = [
  {
    name: 'slow response beyond the read timeout is retried',
    connector: 'qualys-pc-report',
    injects: 'the report fetch answers after 1.5 s; readTimeoutSeconds is 0.4',
    faults: [{ endpoint: 'reportFetch', kind: 'slow', delayMs: 1_500 }],
    config: { readTimeoutSeconds: 0.4 },
    faulty: { outcome: 'succeeded', retried: true },
    rerun: failedOnce,
  },
];
