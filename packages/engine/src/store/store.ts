import type { RateWindowStore } from '@posturesync/core';
import type { ExportableRelation } from './exportable-relations.ts';
import type {
  CommitBatchInput,
  CreateRunInput,
  FailingControl,
  FinishGenerationInput,
  FinishRunInput,
  HostFailures,
  LockHolder,
  PassRatePoint,
  PolicyPassRate,
  QuarantineQuery,
  QuarantineRecord,
  RecordCounts,
  RunHistoryQuery,
  StatusChange,
  StatusChangeQuery,
  StoredState,
  StoreSummary,
  SyncLock,
  SyncRunRecord,
  SyncState,
  TrendQuery,
} from './types.ts';

/**
 * A store may answer synchronously (SQLite: one embedded connection, no I/O wait worth a
 * promise) or asynchronously (PostgreSQL: a network round trip). The engine and the CLI always
 * `await`, so both fit one interface without costing the embedded store a promise per call.
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * Records, quarantined input and the checkpoint that covers them. The one write the engine
 * makes per batch: everything in `commitBatch` commits in ONE transaction, or none of it does.
 */
export interface RecordStore {
  /**
   * Upserts the batch's records keyed by (instance, uid), replaces each written host's tags,
   * logs every finding whose status changed (first seen, changed, reappeared), inserts the
   * quarantined rejects, stores `state` when given and updates the run's counters, all in one
   * transaction. A failure (disk full, connection lost) leaves none of it and throws a
   * `StoreError` (`PS_ERR_STORE`).
   */
  commitBatch(input: CommitBatchInput): Awaitable<RecordCounts>;
  /** The rows of `instance` that `runId` wrote last (each row once, unlike delivered counts). */
  storedByRun(instance: string, runId: number): Awaitable<RecordCounts>;
  quarantined(query?: QuarantineQuery): Awaitable<QuarantineRecord[]>;
}

/** The sync run log (`sync_runs`). */
export interface RunStore {
  /** Starts a run; `generation` null starts a new generation numbered by the new run id. */
  createRun(input: CreateRunInput): Awaitable<{ id: number; generation: number }>;
  getRun(runId: number): Awaitable<SyncRunRecord | null>;
  /** The newest run of each instance. */
  lastRuns(): Awaitable<SyncRunRecord[]>;
  /** Runs newest first (default 20). */
  history(query?: RunHistoryQuery): Awaitable<SyncRunRecord[]>;
  /**
   * Marks runs of `instance` left 'running' by a dead process as failed and returns their ids.
   * Call only while holding the instance's lock. A store whose lock covers every instance (the
   * SQLite store's) may clean up other instances' abandoned runs too.
   */
  failAbandonedRuns(instance: string, now: string): Awaitable<number[]>;
  /** Records how a run ended (failed, cancelled) outside a generation's end. */
  finishRun(runId: number, input: FinishRunInput): Awaitable<void>;
  /**
   * Ends a run that read everything, in ONE transaction: closes the open findings of the given
   * scopes not seen since each scope's generation (logging one 'absent' change per finding),
   * records the posture snapshot of the instance after closing, stores the final state and
   * finishes the run with the number closed. Returns that number.
   */
  finishGeneration(input: FinishGenerationInput): Awaitable<number>;
}

/** The engine's per-instance checkpoint (`connector_state`). */
export interface StateStore {
  getState(instance: string): Awaitable<SyncState | null>;
  putState(instance: string, connectorId: string, state: SyncState, now?: string): Awaitable<void>;
  listStates(): Awaitable<StoredState[]>;
  /** Forgets the checkpoint (findings, runs and history stay). Hold the instance's lock first. */
  deleteState(instance: string): Awaitable<boolean>;
}

/**
 * One sync per connector instance at a time. A store may lock more than the instance (the
 * SQLite store has one writer, so its lock covers the database); a second holder is refused
 * with `LockHeldError` (`PS_ERR_LOCK_HELD`) naming the holder.
 */
export interface LockStore {
  acquireLock(options: { instance: string; now?: Date }): Awaitable<SyncLock>;
  /** Releases only if `lock` still owns it (a takeover must not be undone); false otherwise. */
  releaseLock(lock: SyncLock): Awaitable<boolean>;
  /** Who holds the lock a sync of `instance` would need, or null. */
  lockHolder(instance: string): Awaitable<LockHolder | null>;
}

/** Read models for `status` and dashboards. */
export interface QueryStore {
  summary(): Awaitable<StoreSummary>;
  policyPassRates(): Awaitable<PolicyPassRate[]>;
  failingControls(options?: { limit?: number }): Awaitable<FailingControl[]>;
  hostsByFailures(options?: { limit?: number }): Awaitable<HostFailures[]>;
  /**
   * Streams every row of one exportable view or table, without holding
   * them all in memory. Columns are known before the first row (an empty relation still has a
   * CSV header).
   */
  readRelation(name: ExportableRelation): Awaitable<RelationRows>;
}

/** Compliance over time: the status change log and per-run posture snapshots. */
export interface HistoryStore {
  /** The status change log joined to names, newest first (default 100). */
  statusChanges(query?: StatusChangeQuery): Awaitable<StatusChange[]>;
  /** Pass rate per policy per run, oldest run first within a policy. */
  passRateTrend(query?: TrendQuery): Awaitable<PassRatePoint[]>;
}

export interface RelationRows {
  columns: readonly string[];
  /** Each row's values in `columns` order. Values are strings, numbers or null. */
  rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>;
}

/**
 * Everything the engine and the CLI need from a database, split by concern. Implementations:
 * `@posturesync/store-sqlite` (embedded default) and `@posturesync/store-postgres`. Every
 * implementation runs `describeStoreContract` from `@posturesync/engine/testing`.
 */
export interface Store extends RecordStore, RunStore, StateStore, LockStore, QueryStore, HistoryStore {
  /** `sqlite`, `postgres`, ... (for messages). */
  readonly kind: string;
  /** Where the data lives, for messages: a file path or a URL WITHOUT its password. */
  readonly location: string;
  /** Opened for reading only: every write method throws. */
  readonly readonly: boolean;
  schemaVersion(): Awaitable<number>;
  /**
   * The HTTP clients' rate windows per API and subscription, kept between processes; undefined
   * when the store cannot keep them (a read-only store still reads them).
   */
  rateWindows(): RateWindowStore | undefined;
  close(): Awaitable<void>;
}
