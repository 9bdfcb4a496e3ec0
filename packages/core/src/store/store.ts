import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CompletedScope } from '../connector/connector.ts';
import { StoreError } from '../errors/index.ts';
import type { RateWindowStore } from '../http/rate-window-store.ts';
import type { Severity } from '../model/severity.ts';
import { latestSchemaVersion, migrations } from './migrations.ts';
import { PostureHistory } from './posture-history.ts';
import { SqliteRateWindowStore } from './rate-windows.ts';
import { RecordWriter } from './record-writer.ts';
import { StatusChangeLog } from './status-change-log.ts';
import { storageFailure } from './storage-failure.ts';
import { type AcquireLockOptions, acquireLock, readLock, releaseLock } from './sync-lock.ts';
import { SyncRunRepository } from './sync-runs.ts';
import type {
  CommitBatchInput,
  CreateRunInput,
  FailingControl,
  FinishRunInput,
  HostFailures,
  LockHolder,
  PassRatePoint,
  PolicyPassRate,
  QuarantineInput,
  QuarantineRecord,
  RecordCounts,
  RecordSet,
  RunProgress,
  SeverityFailures,
  StatusChange,
  StatusChangeQuery,
  StoredState,
  StoreOpenOptions,
  StoreSummary,
  SyncLock,
  SyncRunRecord,
  SyncState,
  TrendQuery,
  WriteScope,
} from './types.ts';

export const closedReasonAbsent = 'absent-from-complete-sync';

/** Quarantined input can be anything a connector produced: BigInts and cycles must not fail the batch. */
function quarantineJson(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
  } catch (error) {
    return JSON.stringify({ unserializable: String(value), error: reasonOf(error) });
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The posturesync SQLite database. One `Store` wraps one better-sqlite3 connection; every
 * write method is synchronous and transactional. See `README.md` beside this file for the
 * tables, keys, views and the generation / checkpoint / close rules.
 */
export class Store {
  readonly path: string;
  readonly readonly: boolean;
  /** The raw connection, for ad-hoc read queries (views, exports). Prefer the methods for writes. */
  readonly database: Database.Database;
  #writer: RecordWriter | undefined;
  #runs: SyncRunRepository | undefined;
  #history: PostureHistory | undefined;
  #changeLog: StatusChangeLog | undefined;
  #insertQuarantine:
    | Database.Statement<[number, string, string, string, string, string | null, string]>
    | undefined;
  #putState: Database.Statement<[string, string, string, number | null, string]> | undefined;
  #rateWindows: SqliteRateWindowStore | undefined;

  private constructor(path: string, database: Database.Database, readonly: boolean) {
    this.path = path;
    this.database = database;
    this.readonly = readonly;
  }

  /** Opens (creating and migrating unless `readonly`) the database at `path`; `:memory:` works too. */
  static open(path: string, options: StoreOpenOptions = {}): Store {
    const readonly = options.readonly ?? false;
    let database: Database.Database;
    try {
      if (!readonly && path !== ':memory:' && !path.startsWith('file:')) {
        mkdirSync(dirname(path), { recursive: true });
      }
      database = new Database(path, { readonly, fileMustExist: readonly });
    } catch (error) {
      const hint = readonly
        ? 'Check the path, or run a sync first to create it.'
        : 'Check that the directory exists and is writable.';
      throw new StoreError(`Cannot open the database at ${path}: ${reasonOf(error)}. ${hint}`, {
        cause: error,
        details: { path },
      });
    }
    try {
      database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      database.pragma('foreign_keys = ON');
      if (readonly) {
        checkSchemaReadable(database, path);
      } else {
        // Only takes effect on a new, empty file. Violation rows are about 0.5-1 KB wide, so
        // 16 KiB pages mean fewer B-tree splits and WAL frames per batch: about 10-15% less
        // write CPU on a PCRS sync (issue 7). Existing databases keep their page size.
        database.pragma('page_size = 16384');
        database.pragma('journal_mode = WAL');
        database.pragma('synchronous = NORMAL');
        // A larger page cache keeps the violation indexes hot during big upserts (32 MiB).
        database.pragma('cache_size = -32768');
        database.pragma('temp_store = MEMORY');
        migrate(database, path);
      }
    } catch (error) {
      database.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError(`Cannot prepare the database at ${path}: ${reasonOf(error)}.`, {
        cause: error,
        details: { path },
      });
    }
    return new Store(path, database, readonly);
  }

  get schemaVersion(): number {
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

  /**
   * The HTTP clients' rate windows per API and subscription (read-only stores only read them).
   * Give it to the sync engine or `checkConnector` so a new process starts from the real window.
   */
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

  /**
   * What a run left in the database: the rows of the instance that this run wrote last. A
   * connector's delivered counts include records delivered twice (a host in two policies, a
   * definition in every slice, a report fetched again); these are the rows, each once.
   */
  storedByRun(instance: string, runId: number): RecordCounts {
    const count = (table: string) =>
      (
        this.database
          .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE connector_instance = ? AND last_seen_run_id = ?`)
          .get(instance, runId) as { n: number }
      ).n;
    return {
      hosts: count('hosts'),
      policies: count('policies'),
      definitions: count('violation_definitions'),
      violations: count('violations'),
    };
  }

  // ---- compliance over time -------------------------------------------------------------

  get #postureHistory(): PostureHistory {
    this.#history ??= new PostureHistory(this.database);
    return this.#history;
  }

  /**
   * Records the instance's posture at the end of a run (one row per policy, one per policy x
   * severity of failing counts). The engine calls it in the run's final transaction.
   */
  recordPostureSnapshot(instance: string, runId: number, takenAt?: string): number {
    return this.#postureHistory.recordSnapshot(instance, runId, takenAt ?? new Date().toISOString());
  }

  /** The status change log joined to names, newest first (default 100 rows). */
  statusChanges(query: StatusChangeQuery = {}): StatusChange[] {
    return this.#postureHistory.changes(query);
  }

  /** Pass rate per policy per run (`v_pass_rate_trend`), oldest run first within a policy. */
  passRateTrend(query: TrendQuery = {}): PassRatePoint[] {
    return this.#postureHistory.trend(query);
  }

  // ---- quarantine ----------------------------------------------------------------------

  insertQuarantine(rows: readonly QuarantineInput[], now?: string): number {
    if (rows.length === 0) return 0;
    this.#insertQuarantine ??= this.database.prepare(
      `INSERT INTO quarantine (run_id, connector_instance, entity, position, reason, raw, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const statement = this.#insertQuarantine;
    const createdAt = now ?? new Date().toISOString();
    return this.transaction(() => {
      for (const row of rows) {
        statement.run(
          row.runId,
          row.instance,
          row.entity,
          row.position,
          row.reason,
          quarantineJson(row.raw),
          createdAt,
        );
      }
      return rows.length;
    });
  }

  quarantined(options: { runId?: number; instance?: string; limit?: number } = {}): QuarantineRecord[] {
    const rows = this.database
      .prepare(
        `SELECT * FROM quarantine WHERE (? IS NULL OR run_id = ?) AND (? IS NULL OR connector_instance = ?)
         ORDER BY id LIMIT ?`,
      )
      .all(
        options.runId ?? null,
        options.runId ?? null,
        options.instance ?? null,
        options.instance ?? null,
        options.limit ?? 1000,
      ) as Array<{
      id: number;
      run_id: number;
      connector_instance: string;
      entity: string;
      position: string;
      reason: string;
      raw: string | null;
      created_at: string;
    }>;
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      instance: row.connector_instance,
      entity: row.entity,
      position: row.position,
      reason: row.reason,
      raw: row.raw === null ? null : JSON.parse(row.raw),
      createdAt: row.created_at,
    }));
  }

  // ---- connector state -----------------------------------------------------------------

  getState(instance: string): SyncState | null {
    const row = this.database.prepare('SELECT state FROM connector_state WHERE instance = ?').get(instance) as
      | { state: string }
      | undefined;
    if (!row) return null;
    const parsed = JSON.parse(row.state) as Partial<SyncState>;
    return {
      generation: parsed.generation ?? 0,
      inProgress: parsed.inProgress ?? false,
      runId: parsed.runId ?? null,
      connector: parsed.connector ?? null,
      pendingScopes: parsed.pendingScopes ?? [],
      warningCount: parsed.warningCount ?? 0,
      tainted: parsed.tainted ?? { all: false, policies: [] },
      deferredScopes: parsed.deferredScopes ?? [],
    };
  }

  /** Every instance's stored state, by instance name (what `posturesync state show` prints). */
  listStates(): StoredState[] {
    const rows = this.database
      .prepare('SELECT instance, connector_id, run_id, updated_at FROM connector_state ORDER BY instance')
      .all() as Array<{ instance: string; connector_id: string; run_id: number | null; updated_at: string }>;
    return rows.map((row) => ({
      instance: row.instance,
      connectorId: row.connector_id,
      runId: row.run_id,
      updatedAt: row.updated_at,
      state: this.getState(row.instance) as SyncState,
    }));
  }

  /**
   * Forgets an instance's checkpoint, so its next sync starts from nothing (a full fetch).
   * Findings, runs and history are kept. Returns whether there was a state to forget. Hold the
   * lock first, so a running sync cannot write the state back.
   */
  deleteState(instance: string): boolean {
    return this.database.prepare('DELETE FROM connector_state WHERE instance = ?').run(instance).changes > 0;
  }

  putState(instance: string, connectorId: string, state: SyncState, now?: string): void {
    this.#putState ??= this.database.prepare(
      `INSERT INTO connector_state (instance, connector_id, state, run_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (instance) DO UPDATE SET connector_id = excluded.connector_id, state = excluded.state,
         run_id = excluded.run_id, updated_at = excluded.updated_at`,
    );
    this.#putState.run(
      instance,
      connectorId,
      JSON.stringify(state),
      state.runId,
      now ?? new Date().toISOString(),
    );
  }

  // ---- sync runs -----------------------------------------------------------------------

  createRun(input: CreateRunInput): { id: number; generation: number } {
    return this.transaction(() => this.#runRepository.create(input));
  }

  updateRun(runId: number, progress: RunProgress): void {
    this.transaction(() => this.#runRepository.updateProgress(runId, progress));
  }

  finishRun(runId: number, input: FinishRunInput): void {
    this.transaction(() => this.#runRepository.finish(runId, input));
  }

  /** Marks runs left 'running' by a dead process as failed; returns their ids. Hold the lock first. */
  failAbandonedRuns(now?: string): number[] {
    return this.transaction(() => this.#runRepository.failAbandoned(now ?? new Date().toISOString()));
  }

  getRun(runId: number): SyncRunRecord | null {
    return this.#runRepository.get(runId);
  }

  /** The latest run of every connector instance. */
  lastRuns(): SyncRunRecord[] {
    return this.#runRepository.latest();
  }

  /** Runs, newest first. */
  history(options: { instance?: string; limit?: number } = {}): SyncRunRecord[] {
    return this.#runRepository.history(options);
  }

  /**
   * Everything one engine batch produces, in ONE transaction: records, quarantined rejects,
   * the checkpoint covering them and the run's counters. A crash leaves all or none of it.
   */
  commitBatch(input: CommitBatchInput): RecordCounts {
    const now = input.scope.now ?? new Date().toISOString();
    return this.transaction(() => {
      const counts = this.#recordWriter.write({ ...input.scope, now }, input.records);
      this.insertQuarantine(input.quarantine, now);
      if (input.state) this.putState(input.scope.instance, input.scope.connectorId, input.state, now);
      this.#runRepository.updateProgress(input.scope.runId, input.progress);
      return counts;
    });
  }

  // ---- lock ----------------------------------------------------------------------------

  /** Takes the one-sync-per-database lock or throws LockHeldError naming the holder. */
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

  lockHolder(): LockHolder | null {
    return readLock(this.database);
  }

  // ---- summaries -----------------------------------------------------------------------

  policyPassRates(): PolicyPassRate[] {
    const rows = this.database
      .prepare('SELECT * FROM v_policy_pass_rate ORDER BY connector_instance, pass_rate, policy_uid')
      .all() as Array<{
      connector_instance: string;
      policy_uid: string;
      policy_title: string | null;
      passed: number;
      failed: number;
      error: number;
      unknown: number;
      total: number;
      pass_rate: number;
    }>;
    return rows.map((row) => ({
      instance: row.connector_instance,
      policyUid: row.policy_uid,
      policyTitle: row.policy_title,
      passed: row.passed,
      failed: row.failed,
      error: row.error,
      unknown: row.unknown,
      total: row.total,
      passRate: row.pass_rate,
    }));
  }

  failingControls(options: { limit?: number } = {}): FailingControl[] {
    const rows = this.database
      .prepare('SELECT * FROM v_failing_controls_by_severity LIMIT ?')
      .all(options.limit ?? 100) as Array<{
      connector_instance: string;
      severity: Severity;
      control_id: string;
      statement: string | null;
      policies: number;
      failing_hosts: number;
      failing_results: number;
    }>;
    return rows.map((row) => ({
      instance: row.connector_instance,
      severity: row.severity,
      controlId: row.control_id,
      statement: row.statement,
      policies: row.policies,
      failingHosts: row.failing_hosts,
      failingResults: row.failing_results,
    }));
  }

  hostsByFailures(options: { limit?: number } = {}): HostFailures[] {
    const rows = this.database
      .prepare('SELECT * FROM v_hosts_by_failures LIMIT ?')
      .all(options.limit ?? 100) as Array<{
      connector_instance: string;
      host_uid: string;
      hostname: string | null;
      failing: number;
      errors: number;
      passed: number;
      total: number;
    }>;
    return rows.map((row) => ({
      instance: row.connector_instance,
      hostUid: row.host_uid,
      hostname: row.hostname,
      failing: row.failing,
      errors: row.errors,
      passed: row.passed,
      total: row.total,
    }));
  }

  /** What `posturesync status` prints. */
  summary(): StoreSummary {
    const hostsByInstance = this.database
      .prepare(
        'SELECT connector_instance AS instance, COUNT(*) AS hosts FROM hosts GROUP BY connector_instance',
      )
      .all() as Array<{ instance: string; hosts: number }>;
    const failingBySeverity = this.database
      .prepare(
        `SELECT severity, COUNT(DISTINCT control_id) AS controls, SUM(failing_results) AS failingResults
         FROM v_failing_controls_by_severity GROUP BY severity, severity_rank ORDER BY severity_rank DESC`,
      )
      .all() as SeverityFailures[];
    const openFailed = this.database
      .prepare("SELECT COUNT(*) AS count FROM violations WHERE status = 'failed' AND closed_at IS NULL")
      .get() as { count: number };
    return {
      hosts: hostsByInstance.reduce((sum, row) => sum + row.hosts, 0),
      hostsByInstance,
      openFailedResults: openFailed.count,
      policies: this.policyPassRates(),
      failingBySeverity,
      lastRuns: this.lastRuns(),
    };
  }
}

function currentVersion(database: Database.Database): number {
  const table = database
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = database.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

function refuseNewer(version: number, path: string): void {
  if (version > latestSchemaVersion) {
    throw new StoreError(
      `The database at ${path} has schema version ${version}, but this posturesync only knows up to ` +
        `version ${latestSchemaVersion}. It was written by a newer posturesync: upgrade posturesync, or ` +
        'point the config at another database file.',
      { details: { path, version, supported: latestSchemaVersion } },
    );
  }
}

function checkSchemaReadable(database: Database.Database, path: string): void {
  const version = currentVersion(database);
  refuseNewer(version, path);
  if (version < latestSchemaVersion) {
    throw new StoreError(
      `The database at ${path} has schema version ${version}; version ${latestSchemaVersion} is needed. ` +
        'Run a sync (or open it without read-only) to migrate it first.',
      { details: { path, version, required: latestSchemaVersion } },
    );
  }
}

function migrate(database: Database.Database, path: string): void {
  // IMMEDIATE: two processes opening a fresh file serialise here instead of both migrating.
  database
    .transaction(() => {
      database.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
      const version = currentVersion(database);
      refuseNewer(version, path);
      const record = database.prepare(
        'INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)',
      );
      for (const migration of migrations) {
        if (migration.version <= version) continue;
        database.exec(migration.sql);
        record.run(migration.version, migration.description, new Date().toISOString());
      }
    })
    .immediate();
}
