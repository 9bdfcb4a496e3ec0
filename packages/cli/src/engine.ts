import type {
  CheckResult,
  ConnectorDefinition,
  HttpClientMetrics,
  Logger,
  RecordCounts,
  SecretRedactor,
  Store,
  SyncOutcome,
} from '@posturesync/core';
import * as core from '@posturesync/core';

// TEMPORARY mirrors of core's sync types until `@posturesync/core` exports them.
export interface SyncRunSummary {
  runId: number;
  instance: string;
  connectorId: string;
  outcome: Exclude<SyncOutcome, 'running'>;
  generation: number;
  resumed: boolean;
  resumedFromRunId: number | null;
  counts: RecordCounts;
  batches: number;
  quarantined: number;
  closed: number;
  metrics: HttpClientMetrics;
  warnings: string[];
  warningCount: number;
  durationMs: number;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface StreamStats {
  name: string;
  records: number;
  batches: number;
  recordsPerSecond: number;
}

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
    }
  | {
      type: 'batch';
      stream: StreamStats;
      position: string;
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
      etaMs: number | null;
    }
  | { type: 'warning'; message: string; position?: string }
  | { type: 'retry'; retries: number; added: number; rateLimitWaits: number; rateLimitWaitMs: number }
  | { type: 'finished'; summary: SyncRunSummary };

export interface RunSyncOptions {
  store: Store;
  definition: ConnectorDefinition<unknown>;
  instance: string;
  config: unknown;
  full?: boolean;
  force?: boolean;
  logger: Logger;
  redactor: SecretRedactor;
  signal: AbortSignal;
  now?: () => Date;
  onEvent?: (event: SyncEvent) => void;
}

export interface CheckConnectorOptions {
  definition: ConnectorDefinition<unknown>;
  config: unknown;
  logger: Logger;
  redactor: SecretRedactor;
  signal: AbortSignal;
}

function engineFunction<T>(name: string): T {
  const value = (core as Record<string, unknown>)[name];
  if (typeof value !== 'function')
    throw new Error(`@posturesync/core does not export ${name} yet (the sync engine is still being built)`);
  return value as T;
}

export function runSync(options: RunSyncOptions): Promise<SyncRunSummary> {
  return engineFunction<(options: RunSyncOptions) => Promise<SyncRunSummary>>('runSync')(options);
}

export function checkConnector(options: CheckConnectorOptions): Promise<CheckResult> {
  return engineFunction<(options: CheckConnectorOptions) => Promise<CheckResult>>('checkConnector')(options);
}
