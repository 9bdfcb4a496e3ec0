import type { CompletedScope, RateWindowStore } from '@posturesync/core';
import type {
  CommitBatchInput,
  CreateRunInput,
  ExportableRelation,
  FailingControl,
  FinishGenerationInput,
  FinishRunInput,
  HostFailures,
  LockHolder,
  PassRatePoint,
  PolicyPassRate,
  QuarantineInput,
  QuarantineQuery,
  QuarantineRecord,
  RecordCounts,
  RecordSet,
  RelationRows,
  RunHistoryQuery,
  StatusChange,
  StatusChangeQuery,
  Store,
  StoredState,
  StoreSummary,
  SyncLock,
  SyncRunRecord,
  SyncState,
  TrendQuery,
  WriteScope,
} from '@posturesync/engine';
import { isExportableRelation } from '@posturesync/engine';
import type Database from 'better-sqlite3';
import { ConnectorStates } from './connector-states.ts';
import { currentVersion, openDatabase, type SqliteStoreOpenOptions } from './open-database.ts';
import { PostureHistory } from './posture-history.ts';
import { Quarantine } from './quarantine.ts';
import { SqliteRateWindowStore } from './rate-windows.ts';
import { RecordWriter } from './record-writer.ts';
import { StatusChangeLog } from './status-change-log.ts';
import { storageFailure } from './storage-failure.ts';
import { SummaryQueries } from './summary-queries.ts';
import { type AcquireLockOptions, acquireLock, readLock, releaseLock } from './sync-lock.ts';
import { SyncRunRepository } from './sync-runs.ts';

export type { SqliteStoreOpenOptions } from './open-database.ts';

export const closedReasonAbsent = 'absent-from-complete-sync';

/**
 * The posturesync SQLite database, the embedded default `Store`. One `SqliteStore` wraps one
 * better-sqlite3 connection; every method answers synchronously (the engine awaits anyway) and
 * every write is transactional. See the package README for the tables, keys, views and the
 * generation / checkpoint / close rules.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly path: string;
  readonly readonly: boolean;
  /** The raw connection, for ad-hoc read queries and tests. Prefer the methods. */
  readonly database: Database.Database;
  #writer: RecordWriter | undefined;
  #runs: SyncRunRepository | undefined;
  #history: PostureHistory | undefined;
  #changeLog: StatusChangeLog | undefined;
  #quarantine: Quarantine | undefined;
  #states: ConnectorStates | undefined;
  #queries: SummaryQueries | undefined;
  #rateWindows: SqliteRateWindowStore | undefined;

  private constructor(path: string, database: Database.Database, readonly: boolean) {
    this.path = path;
    this.database = database;
    this.readonly = readonly;
  }

  /** Opens (creating and migrating unless `readonly`) the database at `path`; `:memory:` works too. */
  static open(path: string, options: SqliteStoreOpenOptions = {}): SqliteStore {
    return new SqliteStore(path, openDatabase(path, options), options.readonly ?? false);
  }

  get location(): string {
    return this.path;
  }

  schemaVersion(): number {
    return currentVersion(this.database);
  }

  close(): void {
    if (this.database.open) this.database.close();
  }

  /**
   * Runs `fn` in one transaction (nested calls become savepoints). A full disk or a read-only
   * database surfaces as a StoreError (issue 13), and the transaction has rolled back.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.database.transaction(fn)();
    } catch (error) {
      throw storageFailure(error, this.path) ?? error;
    }
  }

  get #recordWriter(): RecordWriter {
    this.#writer ??= new RecordWriter(this.database);
    return this.#writer;
  }
  get #runRepository(): SyncRunRepository {
    this.#runs ??= new SyncRunRepository(this.database);
    return this.#runs;
  }
  get #postureHistory(): PostureHistory {
    this.#history ??= new PostureHistory(this.database);
    return this.#history;
  }
  get #quarantined(): Quarantine {
    this.#quarantine ??= new Quarantine(this.database);
    return this.#quarantine;
  }
  get #connectorStates(): ConnectorStates {
    this.#states ??= new ConnectorStates(this.database);
    return this.#states;
  }
  get #summaryQueries(): SummaryQueries {
    this.#queries ??= new SummaryQueries(this.database);
    return this.#queries;
  }

  /** The HTTP clients' rate windows per API and subscription (read-only stores only read them). */
  rateWindows(): RateWindowStore {
    this.#rateWindows ??= new SqliteRateWindowStore(this.database, this.readonly);
    return this.#rateWindows;
  }

  // ---- records -------------------------------------------------------------------------

  /** Upserts records keyed by (instance, uid) in one transaction; host tags are replaced per host. */
  upsertRecords(scope: WriteScope, records: RecordSet): RecordCounts {
    return this.transaction(() => this.#recordWriter.write(scope, records));
  }

  /**
   * Everything one engine batch produces, in ONE transaction: records, quarantined rejects,
   * the checkpoint covering them and the run's counters. A crash leaves all or none of it.
   */
  commitBatch(input: CommitBatchInput): RecordCounts {
    const now = input.scope.now ?? new Date().toISOString();
    return this.transaction(() => {
      const counts = this.#recordWriter.write({ ...input.scope, now }, input.records);
      this.#quarantined.insert(input.quarantine, now);
      if (input.state)
        this.#connectorStates.put(input.scope.instance, input.scope.connectorId, input.state, now);
      this.#runRepository.updateProgress(input.scope.runId, input.progress);
      return counts;
    });
  }

  storedByRun(instance: string, runId: number): RecordCounts {
    return this.#summaryQueries.storedByRun(instance, runId);
  }

  /**
   * Closes open violations in each scope that the generation never saw (last_seen_generation
   * below it). Call only when a generation finished completely; never for partial runs.
   * Returns how many findings were closed. `runId` (the run that closes) is recorded on the
   * finding and in its 'absent' status change.
   */
  closeUnseen(
    instance: string,
    scopes: readonly CompletedScope[],
    generation: number,
    now?: string,
    runId: number | null = null,
  ): number {
    if (scopes.length === 0) return 0;
    const closedAt = now ?? new Date().toISOString();
    const where = `connector_instance = ? AND policy_uid = ? AND closed_at IS NULL AND last_seen_generation < ?
         AND (? IS NULL OR network = ?)
         AND (? IS NULL OR host_uid IN (SELECT value FROM json_each(?)))`;
    const statement = this.database.prepare(
      `UPDATE violations SET closed_at = ?, closed_reason = '${closedReasonAbsent}', closed_run_id = ?, stale = 1,
         updated_at = ?
       WHERE ${where}`,
    );
    this.#changeLog ??= new StatusChangeLog(this.database);
    const logAbsent = this.#changeLog.closingStatement(where);
    return this.transaction(() => {
      let closed = 0;
      for (const scope of scopes) {
        const network = scope.network ?? null;
        const hosts = scope.hostUids === undefined ? null : JSON.stringify(scope.hostUids);
        const params = [instance, scope.policyUid, generation, network, network, hosts, hosts];
        // One 'absent' change per finding closed, in the same transaction as the closing.
        logAbsent.run(runId, closedAt, ...params);
        closed += statement.run(closedAt, runId, closedAt, ...params).changes;
      }
      return closed;
    });
  }

  insertQuarantine(rows: readonly QuarantineInput[], now?: string): number {
    return this.transaction(() => this.#quarantined.insert(rows, now ?? new Date().toISOString()));
  }

  quarantined(query: QuarantineQuery = {}): QuarantineRecord[] {
    return this.#quarantined.list(query);
  }

  // ---- compliance over time -------------------------------------------------------------

  /** Records the instance's posture at the end of a run (one row per policy, per policy x severity). */
  recordPostureSnapshot(instance: string, runId: number, takenAt?: string): number {
    return this.#postureHistory.recordSnapshot(instance, runId, takenAt ?? new Date().toISOString());
  }

  statusChanges(query: StatusChangeQuery = {}): StatusChange[] {
    return this.#postureHistory.changes(query);
  }

  passRateTrend(query: TrendQuery = {}): PassRatePoint[] {
    return this.#postureHistory.trend(query);
  }

  // ---- connector state -----------------------------------------------------------------

  getState(instance: string): SyncState | null {
    return this.#connectorStates.get(instance);
  }

  listStates(): StoredState[] {
    return this.#connectorStates.list();
  }

  deleteState(instance: string): boolean {
    return this.#connectorStates.delete(instance);
  }

  putState(instance: string, connectorId: string, state: SyncState, now?: string): void {
    this.#connectorStates.put(instance, connectorId, state, now ?? new Date().toISOString());
  }

  // ---- sync runs -----------------------------------------------------------------------

  createRun(input: CreateRunInput): { id: number; generation: number } {
    return this.transaction(() => this.#runRepository.create(input));
  }

  finishRun(runId: number, input: FinishRunInput): void {
    this.transaction(() => this.#runRepository.finish(runId, input));
  }

  /**
   * Marks runs left 'running' by a dead process as failed; returns their ids. The SQLite lock
   * covers the whole database, so every instance's abandoned runs are cleaned up, not only
   * `instance`'s. Hold the lock first.
   */
  failAbandonedRuns(_instance: string, now: string): number[] {
    return this.transaction(() => this.#runRepository.failAbandoned(now));
  }

  finishGeneration(input: FinishGenerationInput): number {
    return this.transaction(() => {
      let closed = 0;
      for (const entry of input.closeScopes) {
        closed += this.closeUnseen(input.instance, entry.scopes, entry.generation, input.now, input.runId);
      }
      this.recordPostureSnapshot(input.instance, input.runId, input.now);
      this.#connectorStates.put(input.instance, input.connectorId, input.state, input.now);
      this.#runRepository.finish(input.runId, { ...input.finish, closed });
      return closed;
    });
  }

  getRun(runId: number): SyncRunRecord | null {
    return this.#runRepository.get(runId);
  }

  lastRuns(): SyncRunRecord[] {
    return this.#runRepository.latest();
  }

  history(query: RunHistoryQuery = {}): SyncRunRecord[] {
    return this.#runRepository.history(query);
  }

  // ---- lock ----------------------------------------------------------------------------

  /** Takes the one-sync-per-database lock (SQLite has one writer) or throws LockHeldError. */
  acquireLock(options: Omit<AcquireLockOptions, 'databasePath'>): SyncLock {
    try {
      return acquireLock(this.database, { ...options, databasePath: this.path });
    } catch (error) {
      throw storageFailure(error, this.path) ?? error;
    }
  }

  releaseLock(lock: Pick<SyncLock, 'token'>): boolean {
    return releaseLock(this.database, lock);
  }

  /** The lock covers every instance, so the holder is the same whichever instance asks. */
  lockHolder(_instance?: string): LockHolder | null {
    return readLock(this.database);
  }

  // ---- queries -------------------------------------------------------------------------

  policyPassRates(): PolicyPassRate[] {
    return this.#summaryQueries.policyPassRates();
  }

  failingControls(options: { limit?: number } = {}): FailingControl[] {
    return this.#summaryQueries.failingControls(options.limit ?? 100);
  }

  hostsByFailures(options: { limit?: number } = {}): HostFailures[] {
    return this.#summaryQueries.hostsByFailures(options.limit ?? 100);
  }

  summary(): StoreSummary {
    return this.#summaryQueries.summary(this.lastRuns());
  }

  /**
   * Rows come from better-sqlite3's `iterate()` one at a time, so memory stays flat on millions
   * of rows. The name is checked against the fixed list before it goes into the SQL text.
   */
  readRelation(name: ExportableRelation): RelationRows {
    if (!isExportableRelation(name)) throw new TypeError(`not an exportable view or table: ${String(name)}`);
    const statement = this.database.prepare(`SELECT * FROM "${name}"`);
    return {
      columns: statement.columns().map((column) => column.name),
      rows: statement.raw(true).iterate() as Iterable<unknown[]>,
    };
  }
}
