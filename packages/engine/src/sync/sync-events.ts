import type { HttpClientMetrics } from '@posturesync/core';
import type { RecordCounts, SyncOutcome } from '../store/types.ts';

export interface SyncRunSummary {
  runId: number;
  instance: string;
  connectorId: string;
  outcome: Exclude<SyncOutcome, 'running'>;
  generation: number;
  /** True when this run continued an interrupted generation from its last checkpoint. */
  resumed: boolean;
  resumedFromRunId: number | null;
  /**
   * What kind of run this was: `first` (no stored state), `incremental` (a stored state, not
   * resumed), `full` (`--full`, or a changed config), or `resumed` (an interrupted generation).
   */
  mode?: SyncMode;
  /** Records handed to the store by this run (valid ones only; a record delivered twice counts twice). */
  counts: RecordCounts;
  batches: number;
  quarantined: number;
  /** Findings closed because the completed generation no longer saw them. */
  closed: number;
  metrics: HttpClientMetrics;
  /** Redacted warnings, capped; `warningCount` is the true total. */
  warnings: string[];
  warningCount: number;
  durationMs: number;
  errorCode: string | null;
  errorMessage: string | null;
}

export type SyncMode = 'first' | 'incremental' | 'full' | 'resumed';

export interface StreamStats {
  name: string;
  records: number;
  batches: number;
  recordsPerSecond: number;
}

/** What the CLI's progress display listens to. Handlers must be quick; their errors are ignored. */
export type SyncEvent =
  | {
      type: 'start';
      runId: number;
      instance: string;
      connectorId: string;
      generation: number;
      resumed: boolean;
      resumedFromRunId: number | null;
      full: boolean;
      mode?: SyncMode;
    }
  | {
      type: 'batch';
      stream: StreamStats;
      position: string;
      /** Valid records of this batch, per entity. */
      records: RecordCounts;
      quarantined: number;
      totals: RecordCounts;
      batches: number;
      elapsedMs: number;
    }
  | {
      type: 'progress';
      stream: string;
      done: number;
      total: number | null;
      unit: string;
      ratePerSecond: number | null;
      /** Estimated time left for the stream, or null when unknown. */
      etaMs: number | null;
    }
  | { type: 'warning'; message: string; position?: string }
  | { type: 'retry'; retries: number; added: number; rateLimitWaits: number; rateLimitWaitMs: number }
  | {
      /** The server throttled a call; every call waits `waitMs` (until `until`) for its rate limit. */
      type: 'throttled';
      service: string;
      label: string;
      waitMs: number;
      until: string;
      throttledWaits: number;
      throttledWaitMs: number;
    }
  | { type: 'finished'; summary: SyncRunSummary };

export type SyncEventHandler = (event: SyncEvent) => void;
