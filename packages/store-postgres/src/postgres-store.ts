import type { CompletedScope, RateWindowKey, RateWindowSnapshot, RateWindowStore } from '@posturesync/core';
import {
  type CommitBatchInput,
  type CreateRunInput,
  type ExportableRelation,
  type FailingControl,
  type FinishGenerationInput,
  type FinishRunInput,
  type HostFailures,
  isExportableRelation,
  type LockHolder,
  type PassRatePoint,
  type PolicyPassRate,
  type QuarantineInput,
  type QuarantineQuery,
  type QuarantineRecord,
  type RecordCounts,
  type RelationRows,
  type RunHistoryQuery,
  type SeverityFailures,
  type StatusChange,
  type StatusChangeQuery,
  type Store,
  type StoredState,
  type StoreSummary,
  type SyncLock,
  type SyncRunRecord,
  type SyncState,
  type TrendQuery,
} from '@posturesync/engine';
import pg from 'pg';
import { lockKeySql, readHolder, takeAdvisoryLock } from './advisory-lock.ts';
import { type PostgresConnectionOptions, resolveConnection } from './connection-options.ts';
import { postgresText } from './copy-rows.ts';
import { migrateSchema, schemaVersionOf } from './migrate.ts';
import { PostgresRateWindowStore, type RateWindowRow } from './rate-windows.ts';
import { writeRecords } from './record-writer.ts';
import { relationOrder } from './relation-order.ts';
import { runFromRow, type SyncRunRow } from './run-rows.ts';
import { storeFailure } from './store-failure.ts';

export const closedReasonAbsent = 'absent-from-complete-sync';

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /** Open without migrating or writing (`status`, `history`, `export` while syncs run). */
  readonly?: boolean;
  /** Where the password variable is read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Connections in the pool (the run's lock takes one more of its own); default 4. */
  poolSize?: number;
}

/** Quarantined input can be anything a connector produced: BigInts and cycles must not fail the batch. */
function quarantineJson(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
  } catch (error) {
    return JSON.stringify({
      unserializable: String(value),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** BIGINT counters and ids (and NUMERIC sums) as JavaScript numbers: ids and counts stay far below 2^53. */
const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (value: string) => (value === null ? null : Number(value));
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

const progressAssignments = `hosts = $2, policies = $3, definitions = $4, violations = $5, batches = $6,
  quarantined = $7, closed = $8, requests = $9, retries = $10, rate_limit_waits = $11, rate_limit_wait_ms = $12,
  throttled_waits = $13, throttled_wait_ms = $14, bytes_received = $15, warning_count = $16, warnings = $17`;

function progressParams(
  runId: number,
  progress: Omit<FinishRunInput, 'outcome' | 'finishedAt' | 'errorCode' | 'errorMessage'>,
): unknown[] {
  const { counts, metrics } = progress;
  return [
    runId,
    counts.hosts,
    counts.policies,
    counts.definitions,
    counts.violations,
    progress.batches,
    progress.quarantined,
    progress.closed,
    metrics.requests,
    metrics.retries,
    metrics.rateLimitWaits,
    Math.round(metrics.rateLimitWaitMs),
    metrics.throttledWaits,
    Math.round(metrics.throttledWaitMs),
    metrics.bytesReceived,
    progress.warningCount,
    postgresText(JSON.stringify(progress.warnings)),
  ];
}

/**
 * posturesync's store in PostgreSQL: the tables, views and guarantees of the SQLite store (see
 * README.md beside this package), for estates SQLite outgrows, several subscriptions in one
 * place, network readers and parallel workers. One pool per store; each write method is one
 * transaction; the run's lock is a session advisory lock per instance on a connection of its own,
 * so N workers sync N instances into one database at once.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly location: string;
  readonly readonly: boolean;
  readonly schema: string;
  readonly #pool: pg.Pool;
  readonly #clientConfig: pg.ClientConfig;
  readonly #locks = new Map<string, { client: pg.Client; lock: SyncLock }>();
  #rateWindows: PostgresRateWindowStore | undefined;
  #closed = false;

  private constructor(
    pool: pg.Pool,
    clientConfig: pg.ClientConfig,
    schema: string,
    location: string,
    readonly: boolean,
  ) {
    this.#pool = pool;
    this.#clientConfig = clientConfig;
    this.schema = schema;
    this.location = location;
    this.readonly = readonly;
  }

  /** Connects, and (unless `readonly`) creates the schema and migrates it under a lock. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const resolved = resolveConnection(options, options.env ?? process.env);
    const readonly = options.readonly ?? false;
    const clientConfig: pg.ClientConfig = {
      ...resolved.client,
      types: numberTypes,
      // A read-only store cannot write even by mistake: the server refuses.
      options: readonly
        ? `${resolved.client.options} -c default_transaction_read_only=on`
        : resolved.client.options,
    };
    const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? 4, idleTimeoutMillis: 30_000 });
    // An idle connection the server drops must not crash the process: the next query reports it.
    pool.on('error', () => undefined);
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      if (readonly) {
        await schemaVersionOf(client, resolved.schema, resolved.location, { readonly: true });
      } else {
        await migrateSchema(client, resolved.schema, resolved.location);
      }
      const rows = (
        await client.query<RateWindowRow>(
          'SELECT api, subscription, starts, limit_requests, limit_per_ms, paused_until FROM rate_windows',
        )
      ).rows;
      client.release();
      client = undefined;
      const store = new PostgresStore(pool, clientConfig, resolved.schema, resolved.location, readonly);
      store.#rateWindows = new PostgresRateWindowStore(
        rows,
        readonly ? null : (key, snapshot, updatedAt) => store.#saveRateWindow(key, snapshot, updatedAt),
      );
      return store;
    } catch (error) {
      client?.release(true);
      await pool.end().catch(() => undefined);
      throw storeFailure(error, resolved.location, 'open') ?? error;
    }
  }

  async schemaVersion(): Promise<number> {
    return await this.#read((client) =>
      schemaVersionOf(client, this.schema, this.location, { readonly: false }),
    );
  }

  rateWindows(): RateWindowStore {
    return this.#rateWindows as PostgresRateWindowStore;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#rateWindows?.flush();
    for (const { client } of this.#locks.values()) await client.end().catch(() => undefined);
    this.#locks.clear();
    await this.#pool.end();
  }

  // ---- plumbing -------------------------------------------------------------------------

  async #read<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeFailure(error, this.location, 'read') ?? error;
    }
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (error) {
      const failure = storeFailure(error, this.location, 'read');
      if (failure) broken = error as Error;
      throw failure ?? error;
    } finally {
      client.release(broken);
    }
  }

  async #transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeFailure(error, this.location, 'write') ?? error;
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      const failure = storeFailure(error, this.location, 'write');
      if (failure) broken ??= error as Error;
      throw failure ?? error;
    } finally {
      client.release(broken);
    }
  }

  async #query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return await this.#read(async (client) => (await client.query<R>(sql, params)).rows);
  }

  async #saveRateWindow(key: RateWindowKey, snapshot: RateWindowSnapshot, updatedAt: string): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query(
        `INSERT INTO rate_windows (api, subscription, starts, limit_requests, limit_per_ms, paused_until, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (api, subscription) DO UPDATE SET starts = excluded.starts,
           limit_requests = excluded.limit_requests, limit_per_ms = excluded.limit_per_ms,
           paused_until = excluded.paused_until, updated_at = excluded.updated_at`,
        [
          postgresText(key.api),
          postgresText(key.subscription),
          JSON.stringify(snapshot.starts),
          snapshot.limit?.requests ?? null,
          snapshot.limit?.perMs ?? null,
          snapshot.pausedUntil,
          updatedAt,
        ],
      );
    });
  }

  // ---- records -------------------------------------------------------------------------

  async commitBatch(input: CommitBatchInput): Promise<RecordCounts> {
    const now = input.scope.now ?? new Date().toISOString();
    return await this.#transaction(async (client) => {
      const counts = await writeRecords(
        client,
        { instance: input.scope.instance, runId: input.scope.runId, generation: input.scope.generation, now },
        input.records,
      );
      await insertQuarantine(client, input.quarantine, now);
      if (input.state)
        await putState(client, input.scope.instance, input.scope.connectorId, input.state, now);
      await client.query(
        `UPDATE sync_runs SET ${progressAssignments} WHERE id = $1`,
        progressParams(input.scope.runId, input.progress),
      );
      return counts;
    });
  }

  async storedByRun(instance: string, runId: number): Promise<RecordCounts> {
    const rows = await this.#query<RecordCounts>(
      `SELECT
         (SELECT COUNT(*) FROM hosts WHERE connector_instance = $1 AND last_seen_run_id = $2) AS hosts,
         (SELECT COUNT(*) FROM policies WHERE connector_instance = $1 AND last_seen_run_id = $2) AS policies,
         (SELECT COUNT(*) FROM violation_definitions WHERE connector_instance = $1 AND last_seen_run_id = $2) AS definitions,
         (SELECT COUNT(*) FROM violations WHERE connector_instance = $1 AND last_seen_run_id = $2) AS violations`,
      [instance, runId],
    );
    return rows[0] as RecordCounts;
  }

  async quarantined(query: QuarantineQuery = {}): Promise<QuarantineRecord[]> {
    const rows = await this.#query<{
      id: number;
      run_id: number;
      connector_instance: string;
      entity: string;
      position: string;
      reason: string;
      raw: string | null;
      created_at: string;
    }>(
      `SELECT * FROM quarantine WHERE ($1::bigint IS NULL OR run_id = $1) AND ($2::text IS NULL OR connector_instance = $2)
       ORDER BY id LIMIT $3`,
      [query.runId ?? null, query.instance ?? null, query.limit ?? 1000],
    );
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

  // ---- runs ----------------------------------------------------------------------------

  async createRun(input: CreateRunInput): Promise<{ id: number; generation: number }> {
    const rows = await this.#transaction(
      async (client) =>
        (
          await client.query<{ id: number; generation: number }>(
            `WITH next AS (SELECT nextval(pg_get_serial_sequence('sync_runs', 'id')) AS id)
             INSERT INTO sync_runs (id, instance, connector_id, config_fingerprint, full_sync, started_at, outcome,
               generation, resumed_from_run_id)
             SELECT next.id, $1, $2, $3, $4, $5, 'running', COALESCE($6::bigint, next.id), $7 FROM next
             RETURNING id, generation`,
            [
              postgresText(input.instance),
              input.connectorId,
              input.configFingerprint,
              input.full ? 1 : 0,
              input.startedAt,
              input.generation,
              input.resumedFromRunId,
            ],
          )
        ).rows,
    );
    return rows[0] as { id: number; generation: number };
  }

  async getRun(runId: number): Promise<SyncRunRecord | null> {
    const rows = await this.#query<SyncRunRow>('SELECT * FROM sync_runs WHERE id = $1', [runId]);
    return rows[0] ? runFromRow(rows[0]) : null;
  }

  async lastRuns(): Promise<SyncRunRecord[]> {
    return (await this.#query<SyncRunRow>('SELECT * FROM v_latest_sync_runs ORDER BY instance')).map(
      runFromRow,
    );
  }

  async history(query: RunHistoryQuery = {}): Promise<SyncRunRecord[]> {
    const limit = Math.max(1, Math.floor(query.limit ?? 20));
    const rows = await this.#query<SyncRunRow>(
      'SELECT * FROM sync_runs WHERE ($1::text IS NULL OR instance = $1) ORDER BY id DESC LIMIT $2',
      [query.instance ?? null, limit],
    );
    return rows.map(runFromRow);
  }

  /** Only `instance`'s runs: other instances may be syncing right now in other workers. */
  async failAbandonedRuns(instance: string, now: string): Promise<number[]> {
    const rows = await this.#transaction(
      async (client) =>
        (
          await client.query<{ id: number }>(
            `UPDATE sync_runs SET outcome = 'failed', finished_at = $2, error_code = 'PS_ERR_PROCESS_DIED',
               error_message = 'process died: the run was interrupted (killed, crashed or power lost) before it finished'
             WHERE instance = $1 AND outcome = 'running' RETURNING id`,
            [instance, now],
          )
        ).rows,
    );
    return rows.map((row) => row.id).sort((a, b) => a - b);
  }

  async finishRun(runId: number, input: FinishRunInput): Promise<void> {
    await this.#transaction((client) => finishRun(client, runId, input));
  }

  async finishGeneration(input: FinishGenerationInput): Promise<number> {
    return await this.#transaction(async (client) => {
      let closed = 0;
      for (const entry of input.closeScopes) {
        closed += await closeUnseen(
          client,
          input.instance,
          entry.scopes,
          entry.generation,
          input.now,
          input.runId,
        );
      }
      await recordPostureSnapshot(client, input.instance, input.runId, input.now);
      await putState(client, input.instance, input.connectorId, input.state, input.now);
      await finishRun(client, input.runId, { ...input.finish, closed });
      return closed;
    });
  }

  // ---- state ---------------------------------------------------------------------------

  async getState(instance: string): Promise<SyncState | null> {
    const rows = await this.#query<{ state: string }>(
      'SELECT state FROM connector_state WHERE instance = $1',
      [instance],
    );
    return rows[0] ? parseState(rows[0].state) : null;
  }

  async putState(instance: string, connectorId: string, state: SyncState, now?: string): Promise<void> {
    await this.#transaction((client) =>
      putState(client, instance, connectorId, state, now ?? new Date().toISOString()),
    );
  }

  async listStates(): Promise<StoredState[]> {
    const rows = await this.#query<{
      instance: string;
      connector_id: string;
      run_id: number | null;
      updated_at: string;
      state: string;
    }>('SELECT instance, connector_id, run_id, updated_at, state FROM connector_state ORDER BY instance');
    return rows.map((row) => ({
      instance: row.instance,
      connectorId: row.connector_id,
      runId: row.run_id,
      updatedAt: row.updated_at,
      state: parseState(row.state),
    }));
  }

  async deleteState(instance: string): Promise<boolean> {
    return await this.#transaction(
      async (client) =>
        ((await client.query('DELETE FROM connector_state WHERE instance = $1', [instance])).rowCount ?? 0) >
        0,
    );
  }

  // ---- lock ----------------------------------------------------------------------------

  /**
   * Takes the instance's advisory lock on a new connection kept until `releaseLock` (or until
   * this process dies: the server then ends the session and its lock). Other instances are not
   * blocked. A second worker for the same instance gets `LockHeldError` naming pid, host and time.
   */
  async acquireLock(options: { instance: string; now?: Date }): Promise<SyncLock> {
    if (this.readonly)
      throw storeFailure(new Error('the store was opened read-only'), this.location, 'write') as Error;
    const client = new pg.Client({
      ...this.#clientConfig,
      application_name: `posturesync lock ${options.instance}`.slice(0, 63),
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw storeFailure(error, this.location, 'lock') ?? error;
    }
    try {
      const lock = await takeAdvisoryLock(client, this.schema, this.location, options);
      this.#locks.set(lock.token, { client, lock });
      return lock;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw storeFailure(error, this.location, 'lock') ?? error;
    }
  }

  async releaseLock(lock: SyncLock): Promise<boolean> {
    const held = this.#locks.get(lock.token);
    if (!held) return false;
    this.#locks.delete(lock.token);
    try {
      await held.client.query('DELETE FROM sync_lock WHERE instance = $1 AND token = $2', [
        lock.instance,
        lock.token,
      ]);
      await held.client.query(`SELECT pg_advisory_unlock(${lockKeySql})`, [this.schema, lock.instance]);
    } catch {
      // The connection is gone: so is its advisory lock. The holder row is taken over next time.
    } finally {
      await held.client.end().catch(() => undefined);
    }
    return true;
  }

  /** Who holds `instance`'s lock, or null when nobody does (a leftover row of a dead worker is not a holder). */
  async lockHolder(instance: string): Promise<LockHolder | null> {
    return await this.#read(async (client) => {
      const holder = await readHolder(client, instance);
      if (!holder) return null;
      const free = (
        await client.query<{ free: boolean }>(`SELECT pg_try_advisory_lock(${lockKeySql}) AS free`, [
          this.schema,
          instance,
        ])
      ).rows[0]?.free;
      if (free) {
        await client.query(`SELECT pg_advisory_unlock(${lockKeySql})`, [this.schema, instance]);
        return null;
      }
      return holder;
    });
  }

  // ---- queries -------------------------------------------------------------------------

  async policyPassRates(): Promise<PolicyPassRate[]> {
    const rows = await this.#query<{
      connector_instance: string;
      policy_uid: string;
      policy_title: string | null;
      passed: number;
      failed: number;
      error: number;
      unknown: number;
      total: number;
      pass_rate: number;
    }>('SELECT * FROM v_policy_pass_rate ORDER BY connector_instance, pass_rate, policy_uid');
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

  async failingControls(options: { limit?: number } = {}): Promise<FailingControl[]> {
    const rows = await this.#query<{
      connector_instance: string;
      severity: FailingControl['severity'];
      control_id: string;
      statement: string | null;
      policies: number;
      failing_hosts: number;
      failing_results: number;
    }>('SELECT * FROM v_failing_controls_by_severity LIMIT $1', [options.limit ?? 100]);
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

  async hostsByFailures(options: { limit?: number } = {}): Promise<HostFailures[]> {
    const rows = await this.#query<{
      connector_instance: string;
      host_uid: string;
      hostname: string | null;
      failing: number;
      errors: number;
      passed: number;
      total: number;
    }>('SELECT * FROM v_hosts_by_failures LIMIT $1', [options.limit ?? 100]);
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

  async summary(): Promise<StoreSummary> {
    const hostsByInstance = await this.#query<{ instance: string; hosts: number }>(
      'SELECT connector_instance AS instance, COUNT(*) AS hosts FROM hosts GROUP BY connector_instance ORDER BY connector_instance',
    );
    const failingBySeverity = await this.#query<SeverityFailures>(
      `SELECT severity, COUNT(DISTINCT control_id) AS controls, SUM(failing_results) AS "failingResults"
       FROM v_failing_controls_by_severity GROUP BY severity, severity_rank ORDER BY severity_rank DESC`,
    );
    const openFailed = await this.#query<{ count: number }>(
      "SELECT COUNT(*) AS count FROM violations WHERE status = 'failed' AND closed_at IS NULL",
    );
    return {
      hosts: hostsByInstance.reduce((sum, row) => sum + row.hosts, 0),
      hostsByInstance,
      openFailedResults: openFailed[0]?.count ?? 0,
      policies: await this.policyPassRates(),
      failingBySeverity,
      lastRuns: await this.lastRuns(),
    };
  }

  /**
   * Streams a view or table through a cursor (1,000 rows per fetch) in a read-only snapshot,
   * so memory stays flat on millions of rows and the export is consistent while syncs write.
   */
  async readRelation(name: ExportableRelation): Promise<RelationRows> {
    if (!isExportableRelation(name)) throw new TypeError(`not an exportable view or table: ${String(name)}`);
    const order = relationOrder[name];
    const sql = `SELECT * FROM ${name}${order ? ` ORDER BY ${order}` : ''}`;
    const columns = await this.#read(async (client) =>
      (await client.query({ text: `SELECT * FROM ${name} LIMIT 0`, rowMode: 'array' })).fields.map(
        (field) => field.name,
      ),
    );
    const pool = this.#pool;
    const location = this.location;
    async function* rows(): AsyncGenerator<readonly unknown[]> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query(`DECLARE posturesync_export NO SCROLL CURSOR FOR ${sql}`);
        for (;;) {
          const batch = await client.query<unknown[]>({
            text: 'FETCH 1000 FROM posturesync_export',
            rowMode: 'array',
          });
          for (const row of batch.rows) yield row;
          if (batch.rows.length < 1000) break;
        }
        await client.query('COMMIT');
      } catch (error) {
        broken = error as Error;
        throw storeFailure(error, location, 'read') ?? error;
      } finally {
        if (broken) await client.query('ROLLBACK').catch(() => undefined);
        client.release(broken);
      }
    }
    return { columns, rows: rows() };
  }

  // ---- history -------------------------------------------------------------------------

  async statusChanges(query: StatusChangeQuery = {}): Promise<StatusChange[]> {
    const rows = await this.#query<{
      change_id: number;
      connector_instance: string;
      finding_uid: string;
      host_uid: string;
      host_name: string | null;
      policy_uid: string;
      policy_title: string | null;
      control_id: string;
      technology_id: string | null;
      control_instance: string | null;
      from_status: StatusChange['from'];
      to_status: StatusChange['to'];
      origin: StatusChange['origin'];
      run_id: number | null;
      changed_at: string | null;
      seen_at: string;
    }>(
      `SELECT * FROM v_changes WHERE ($1::text IS NULL OR connector_instance = $1) AND ($2::bigint IS NULL OR run_id >= $2)
         AND ($3::text IS NULL OR seen_at >= $3) ORDER BY change_id DESC LIMIT $4`,
      [
        query.instance ?? null,
        query.sinceRunId ?? null,
        query.since ?? null,
        Math.max(1, Math.floor(query.limit ?? 100)),
      ],
    );
    return rows.map((row) => ({
      id: row.change_id,
      instance: row.connector_instance,
      findingUid: row.finding_uid,
      hostUid: row.host_uid,
      hostName: row.host_name,
      policyUid: row.policy_uid,
      policyTitle: row.policy_title,
      controlId: row.control_id,
      technologyId: row.technology_id,
      controlInstance: row.control_instance,
      from: row.from_status,
      to: row.to_status,
      origin: row.origin,
      runId: row.run_id,
      changedAt: row.changed_at,
      seenAt: row.seen_at,
    }));
  }

  async passRateTrend(query: TrendQuery = {}): Promise<PassRatePoint[]> {
    const rows = await this.#query<{
      connector_instance: string;
      policy_uid: string;
      policy_title: string | null;
      run_id: number;
      at: string;
      passed: number;
      failed: number;
      error: number;
      unknown: number;
      total: number;
      pass_rate: number;
    }>(
      `SELECT * FROM v_pass_rate_trend WHERE ($1::text IS NULL OR connector_instance = $1) AND ($2::text IS NULL OR policy_uid = $2)
       ORDER BY connector_instance, policy_uid, run_id`,
      [query.instance ?? null, query.policyUid ?? null],
    );
    return rows.map((row) => ({
      instance: row.connector_instance,
      policyUid: row.policy_uid,
      policyTitle: row.policy_title,
      runId: row.run_id,
      at: row.at,
      passed: row.passed,
      failed: row.failed,
      error: row.error,
      unknown: row.unknown,
      total: row.total,
      passRate: row.pass_rate,
    }));
  }
}

function parseState(text: string): SyncState {
  const parsed = JSON.parse(text) as Partial<SyncState>;
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

async function putState(
  client: pg.ClientBase,
  instance: string,
  connectorId: string,
  state: SyncState,
  now: string,
): Promise<void> {
  await client.query(
    `INSERT INTO connector_state (instance, connector_id, state, run_id, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (instance) DO UPDATE SET connector_id = excluded.connector_id, state = excluded.state,
       run_id = excluded.run_id, updated_at = excluded.updated_at`,
    [postgresText(instance), connectorId, postgresText(JSON.stringify(state)), state.runId, now],
  );
}

async function insertQuarantine(
  client: pg.ClientBase,
  rows: readonly QuarantineInput[],
  now: string,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO quarantine (run_id, connector_instance, entity, position, reason, raw, created_at)
     SELECT r.run_id, r.instance, r.entity, r.position, r.reason, r.raw, $7
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       WITH ORDINALITY AS r(run_id, instance, entity, position, reason, raw, n)
     ORDER BY r.n`,
    [
      rows.map((row) => row.runId),
      rows.map((row) => postgresText(row.instance)),
      rows.map((row) => postgresText(String(row.entity))),
      rows.map((row) => postgresText(row.position)),
      rows.map((row) => postgresText(row.reason)),
      rows.map((row) => {
        const raw = quarantineJson(row.raw);
        return raw === null ? null : postgresText(raw);
      }),
      now,
    ],
  );
}

async function finishRun(client: pg.ClientBase, runId: number, input: FinishRunInput): Promise<void> {
  await client.query(
    `UPDATE sync_runs SET ${progressAssignments}, outcome = $18, finished_at = $19, error_code = $20, error_message = $21
     WHERE id = $1`,
    [
      ...progressParams(runId, input),
      input.outcome,
      input.finishedAt,
      input.errorCode,
      input.errorMessage === null ? null : postgresText(input.errorMessage),
    ],
  );
}

/**
 * Closes the open findings of each scope the generation never saw, logging one 'absent' change
 * per finding first (ordered by uid, as SQLite logs them), in the caller's transaction.
 */
async function closeUnseen(
  client: pg.ClientBase,
  instance: string,
  scopes: readonly CompletedScope[],
  generation: number,
  closedAt: string,
  runId: number,
): Promise<number> {
  const where = `connector_instance = $1 AND policy_uid = $2 AND closed_at IS NULL AND last_seen_generation < $3
    AND ($4::text IS NULL OR network = $4) AND ($5::text[] IS NULL OR host_uid = ANY($5::text[]))`;
  let closed = 0;
  for (const scope of scopes) {
    const params = [
      instance,
      scope.policyUid,
      generation,
      scope.network ?? null,
      scope.hostUids === undefined ? null : [...scope.hostUids],
    ];
    await client.query(
      `INSERT INTO status_changes
         (connector_instance, finding_uid, from_status, to_status, from_category, to_category, origin, run_id, changed_at, seen_at)
       SELECT connector_instance, uid, status, 'absent', status_category, status_category, 'absent', $6, NULL, $7
       FROM violations WHERE ${where} ORDER BY uid`,
      [...params, runId, closedAt],
    );
    const result = await client.query(
      `UPDATE violations SET closed_at = $6, closed_reason = '${closedReasonAbsent}', closed_run_id = $7, stale = 1, updated_at = $6
       WHERE ${where}`,
      [...params, closedAt, runId],
    );
    closed += result.rowCount ?? 0;
  }
  return closed;
}

/**
 * The instance's posture at the end of a run: one row per policy (open findings) and one per
 * policy x severity with failures. The violations are read once into a temporary table.
 */
async function recordPostureSnapshot(
  client: pg.ClientBase,
  instance: string,
  runId: number,
  takenAt: string,
): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ps_snapshot_work (policy_uid TEXT COLLATE "C", definition_uid TEXT COLLATE "C",
       passed BIGINT, failed BIGINT, error BIGINT, unknown BIGINT, total BIGINT) ON COMMIT DELETE ROWS`,
  );
  await client.query('DELETE FROM ps_snapshot_work');
  await client.query(
    `INSERT INTO ps_snapshot_work (policy_uid, definition_uid, passed, failed, error, unknown, total)
     SELECT policy_uid, definition_uid, COUNT(*) FILTER (WHERE status = 'passed'), COUNT(*) FILTER (WHERE status = 'failed'),
       COUNT(*) FILTER (WHERE status = 'error'), COUNT(*) FILTER (WHERE status = 'unknown'), COUNT(*)
     FROM violations WHERE connector_instance = $1 AND closed_at IS NULL
     GROUP BY policy_uid, definition_uid`,
    [instance],
  );
  await client.query(
    `INSERT INTO posture_snapshots (run_id, connector_instance, policy_uid, taken_at, passed, failed, error, unknown, total, pass_rate)
     SELECT $1, $2, policy_uid, $3, SUM(passed), SUM(failed), SUM(error), SUM(unknown), SUM(total),
       ROUND(SUM(passed)::numeric / SUM(total), 4)::double precision
     FROM ps_snapshot_work GROUP BY policy_uid
     ON CONFLICT (run_id, policy_uid) DO NOTHING`,
    [runId, instance, takenAt],
  );
  await client.query(
    `INSERT INTO posture_snapshot_severities (run_id, connector_instance, policy_uid, severity, failed, error)
     SELECT $1, $2, w.policy_uid, COALESCE(d.severity, 'undefined'), SUM(w.failed), SUM(w.error)
     FROM ps_snapshot_work w
     LEFT JOIN violation_definitions d ON d.connector_instance = $2 AND d.uid = w.definition_uid
     GROUP BY w.policy_uid, COALESCE(d.severity, 'undefined')
     HAVING SUM(w.failed) + SUM(w.error) > 0
     ON CONFLICT (run_id, policy_uid, severity) DO NOTHING`,
    [runId, instance],
  );
}
