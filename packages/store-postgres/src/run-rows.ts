import type { SyncOutcome, SyncRunRecord } from '@posturesync/engine';

export interface SyncRunRow {
  id: number;
  instance: string;
  connector_id: string;
  config_fingerprint: string;
  generation: number | null;
  resumed_from_run_id: number | null;
  full_sync: number;
  started_at: string;
  finished_at: string | null;
  outcome: SyncOutcome;
  hosts: number;
  policies: number;
  definitions: number;
  violations: number;
  batches: number;
  quarantined: number;
  closed: number;
  requests: number;
  retries: number;
  rate_limit_waits: number;
  rate_limit_wait_ms: number;
  throttled_waits: number;
  throttled_wait_ms: number;
  bytes_received: number;
  warning_count: number;
  warnings: string;
  error_code: string | null;
  error_message: string | null;
}

export function runFromRow(row: SyncRunRow): SyncRunRecord {
  return {
    id: row.id,
    instance: row.instance,
    connectorId: row.connector_id,
    configFingerprint: row.config_fingerprint,
    generation: row.generation,
    resumedFromRunId: row.resumed_from_run_id,
    full: row.full_sync === 1,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    counts: {
      hosts: row.hosts,
      policies: row.policies,
      definitions: row.definitions,
      violations: row.violations,
    },
    batches: row.batches,
    quarantined: row.quarantined,
    closed: row.closed,
    metrics: {
      requests: row.requests,
      retries: row.retries,
      rateLimitWaits: row.rate_limit_waits,
      rateLimitWaitMs: row.rate_limit_wait_ms,
      throttledWaits: row.throttled_waits,
      throttledWaitMs: row.throttled_wait_ms,
      bytesReceived: row.bytes_received,
    },
    warningCount: row.warning_count,
    warnings: JSON.parse(row.warnings) as string[],
    errorCode: row.error_code,
    errorMessage: row.error_message,
  };
}
