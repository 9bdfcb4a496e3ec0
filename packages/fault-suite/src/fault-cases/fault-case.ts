import type { FaultRule, SimulatorOptions } from '@posturesync/qualys-simulator';
import type { ConnectorKind } from '../connectors.ts';
import type { ReportVariant } from '../test-estate.ts';

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

/** The rerun of a case whose faulty run needed no remedy: a plain sync, nothing to resume. */
export const failedOnce = { resumed: false } as const;
