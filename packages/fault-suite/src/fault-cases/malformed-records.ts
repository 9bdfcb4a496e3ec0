import type { InProcessFaultCase } from './fault-case.ts';

// Malformed records: one bad record or row is quarantined and the run ends partial.

export const pcrsMalformedRecordCases: readonly InProcessFaultCase[] = [
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

export const pcReportMalformedRecordCases: readonly InProcessFaultCase[] = [
  {
    name: 'a malformed row is quarantined, the run is partial and the rest is stored',
    connector: 'qualys-pc-report',
    injects: 'one report row with CID "abc" and an unparsable date',
    faults: [{ endpoint: 'reportFetch', kind: 'malformedRecord' }],
    faulty: { outcome: 'partial', quarantined: 1 },
    rerun: { force: true, resumed: false },
  },
];
