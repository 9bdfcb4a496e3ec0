import { type RateWindowStore, StoreError } from '@posturesync/core';
import {
  type CommitBatchInput,
  type CreateRunInput,
  type ExportableRelation,
  type FinishGenerationInput,
  type FinishRunInput,
  isExportableRelation,
  type LockHolder,
  type RecordCounts,
  type RelationRows,
  type Store,
  type SyncLock,
  type SyncState,
} from '@posturesync/engine';
import pg from 'pg';
import { lockKeySql, readHolder, takeAdvisoryLock } from './advisory-lock.ts';
import { type PostgresConnectionOptions, resolveConnection } from './connection-options.ts';
import { postgresText } from './copy-rows.ts';
import { migrateSchema, schemaVersionOf } from './migrate.ts';
import { type OnClient, queryOn, readOn, transactionOn } from './pool-access.ts';
import { PostgresRateWindowStore, type RateWindowRow, saveRateWindow } from './rate-windows.ts';
import { PostgresReadModels } from './read-models.ts';
import { writeRecords } from './record-writer.ts';
import { relationOrder } from './relation-order.ts';
import {
  closeUnseen,
  finishRun,
  insertQuarantine,
  progressAssignments,
  progressParams,
  putState,
  recordPostureSnapshot,
} from './run-writes.ts';
import { storeFailure } from './store-failure.ts';

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /** Open without migrating or writing (`status`, `history`, `export` while syncs run). */
  readonly?: boolean;
  /** Where the password variable is read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Connections in the pool (the run's lock takes one more of its own); default 4. */
  poolSize?: number;
}

/** BIGINT counters and ids (and NUMERIC sums) as JavaScript numbers: ids and counts stay far below 2^53. */
const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (value: string) => (value === null ? null : Number(value));
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * posturesync's store in PostgreSQL: the tables, views and guarantees of the SQLite store (see
 * README.md beside this package), for estates SQLite outgrows, several subscriptions in one
 * place, network readers and parallel workers. One pool per store; each write method is one
 * transaction; the run's lock is a session advisory lock per instance on a connection of its own,
 * so N workers sync N instances into one database at once.
 */
export class PostgresStore extends PostgresReadModels implements Store {
  readonly kind = 'postgres';
  readonly location: string;
  readonly readonly: boolean;
  readonly schema: string;
  readonly #pool: pg.Pool;
  readonly #read: OnClient;
  readonly #transaction: OnClient;
  readonly #clientConfig: pg.ClientConfig;
  readonly #locks = new Map<string, { client: pg.Client; lock: SyncLock; backendPid: number }>();
  #rateWindows: PostgresRateWindowStore | undefined;
  #closed = false;

  private constructor(
    pool: pg.Pool,
    clientConfig: pg.ClientConfig,
    schema: string,
    location: string,
    readonly: boolean,
  ) {
    const read = readOn(pool, location);
    super(queryOn(read));
    this.#read = read;
    this.#transaction = transactionOn(pool, location);
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
        readonly
          ? null
          : (key, snapshot, updatedAt) =>
              store.#transaction((writer) => saveRateWindow(writer, key, snapshot, updatedAt)),
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

  // ---- records -------------------------------------------------------------------------

  async commitBatch(input: CommitBatchInput): Promise<RecordCounts> {
    const now = input.scope.now ?? new Date().toISOString();
    return await this.#transaction(async (client) => {
      await this.#stillLocked(client, input.scope.instance);
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
      await this.#stillLocked(client, input.instance);
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

  async putState(instance: string, connectorId: string, state: SyncState, now?: string): Promise<void> {
    await this.#transaction((client) =>
      putState(client, instance, connectorId, state, now ?? new Date().toISOString()),
    );
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
      const backend = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      this.#locks.set(lock.token, { client, lock, backendPid: backend.rows[0]?.pid ?? 0 });
      return lock;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw storeFailure(error, this.location, 'lock') ?? error;
    }
  }

  /**
   * The lock lives as long as its connection: if that connection ended (a network cut, the
   * server restarted, an administrator terminated it), another worker may already hold the
   * instance. A write of an instance this store locked first checks, inside its own transaction,
   * that the lock's session still holds it, and refuses otherwise, so two workers never write one
   * instance at once. Writes of an instance this store never locked (tools, tests) are not checked.
   */
  async #stillLocked(client: pg.ClientBase, instance: string): Promise<void> {
    const held = [...this.#locks.values()].find((entry) => entry.lock.instance === instance);
    if (!held) return;
    const { rows } = await client.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND granted) AS held`,
      [held.backendPid],
    );
    if (rows[0]?.held) return;
    throw new StoreError(
      `Lost the sync lock of instance "${instance}" on ${this.location}: the connection holding it ended ` +
        '(network cut, server restart or terminated session), so another worker may be syncing it now. ' +
        'Nothing of this batch was written; run the sync again (it resumes from the last checkpoint).',
      { details: { location: this.location, instance } },
    );
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
}
