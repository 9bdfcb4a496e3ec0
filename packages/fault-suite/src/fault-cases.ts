import { pcReportBrokenBodyCases, pcrsBrokenBodyCases } from './fault-cases/broken-bodies.ts';
import {
  pcReportExpiredCredentialCases,
  pcrsExpiredCredentialCases,
} from './fault-cases/expired-credentials.ts';
import type { InProcessFaultCase } from './fault-cases/fault-case.ts';
import { pcReportMalformedBodyCases, pcrsMalformedBodyCases } from './fault-cases/malformed-bodies.ts';
import { pcReportMalformedRecordCases, pcrsMalformedRecordCases } from './fault-cases/malformed-records.ts';
import { pcReportServerErrorCases, pcrsServerErrorCases } from './fault-cases/server-errors.ts';
import { pcReportSlowResponseCases, pcrsSlowResponseCases } from './fault-cases/slow-responses.ts';
import { pcReportThrottlingCases, pcrsThrottlingCases } from './fault-cases/throttling.ts';

export type {
  DatabaseStart,
  FaultyRunExpectation,
  InProcessFaultCase,
  RerunExpectation,
} from './fault-cases/fault-case.ts';

/**
 * PCRS cases. The faulty run is a `--full` sync of the changed estate (so a clean run closes the
 * findings of hosts that left a policy, and a failed or partial one must not); the rerun is a
 * plain `sync`, which resumes an interrupted generation.
 */
export const pcrsFaultCases: readonly InProcessFaultCase[] = [
  ...pcrsServerErrorCases,
  ...pcrsBrokenBodyCases,
  ...pcrsExpiredCredentialCases,
  ...pcrsThrottlingCases,
  ...pcrsSlowResponseCases,
  ...pcrsMalformedBodyCases,
  ...pcrsMalformedRecordCases,
];

/**
 * pc-report cases. The faulty run imports a newer report of the changed estate. A broken
 * report download (reset, truncated or malformed body, an error under HTTP 200) is fetched
 * again from the start within the run, up to `maxReportAttempts` (default 3): a short fault is
 * ridden out by the same run; a persistent one fails it after the last attempt, and since the
 * report's batches carry no checkpoint until the last, the rerun is a fresh import, not a resume.
 */
export const pcReportFaultCases: readonly InProcessFaultCase[] = [
  ...pcReportServerErrorCases,
  ...pcReportBrokenBodyCases,
  ...pcReportExpiredCredentialCases,
  ...pcReportThrottlingCases,
  ...pcReportSlowResponseCases,
  ...pcReportMalformedBodyCases,
  ...pcReportMalformedRecordCases,
];
