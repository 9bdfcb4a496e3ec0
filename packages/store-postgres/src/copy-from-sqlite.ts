import { StoreError } from '@posturesync/core';
import pg from 'pg';
import { resolveConnection } from './connection-options.ts';
import { type CopyValue, copyRows } from './copy-rows.ts';
import { migrateSchema } from './migrate.ts';
import { storeFailure } from './store-failure.ts';

/**
 * `posturesync migrate-store`: copies a SQLite database into the PostgreSQL store, history
 * included, resumably. Each table is copied in key order, in chunks; every chunk is one
 * transaction that inserts the rows AND records how far the table got (`store_copy_progress`),
 * so a copy that is interrupted (killed, connection lost) continues after the last committed
 * chunk when run again, and never writes a row twice.
 *
 * The SQLite file is read through a small structural interface (any better-sqlite3 `Database`
 * fits), so this package does not depend on the SQLite driver.
 */

/** The SQLite schema version whose tables PostgreSQL schema version 1 mirrors. */
export const mirroredSqliteSchemaVersion = 5;

/** What is read from the SQLite file: better-sqlite3's `Database` satisfies it. */
export interface SqliteDatabaseLike {
  prepare(sql: string): {
    raw(toggle?: boolean): { all(...params: unknown[]): unknown[] };
    get(...params: unknown[]): unknown;
  };
}

/**
 * Copy order: referenced tables first (quarantine and snapshots reference sync_runs, tags their
 * host, severities their snapshot), each with its key, which orders the chunks. `sync_lock` (a
 * run's transient lock) and `schema_migrations` (each store has its own) are not copied.
 */
export const copiedTables: ReadonlyArray<{ table: string; key: readonly string[] }> = [
  { table: 'sync_runs', key: ['id'] },
  { table: 'hosts', key: ['connector_instance', 'uid'] },
  { table: 'host_tags', key: ['connector_instance', 'host_uid', 'tag'] },
  { table: 'policies', key: ['connector_instance', 'uid'] },
  { table: 'violation_definitions', key: ['connector_instance', 'uid'] },
  { table: 'violations', key: ['connector_instance', 'uid'] },
  { table: 'connector_state', key: ['instance'] },
  { table: 'quarantine', key: ['id'] },
  { table: 'rate_windows', key: ['api', 'subscription'] },
  { table: 'status_changes', key: ['id'] },
  { table: 'posture_snapshots', key: ['run_id', 'policy_uid'] },
  { table: 'posture_snapshot_severities', key: ['run_id', 'policy_uid', 'severity'] },
];

/** Tables whose `id` is generated: their sequences continue after the copied ids. */
const identityTables = ['sync_runs', 'quarantine', 'status_changes'];

export interface CopyProgress {
  table: string;
  /** Rows of this table copied so far (all runs of the copy together). */
  copied: number;
  /** Rows the SQLite table holds. */
  total: number;
  done: boolean;
}

export interface CopyFromSqliteOptions {
  /** The SQLite database (better-sqlite3, opened read-only is enough). */
  source: SqliteDatabaseLike;
  /** For messages and to tell copies apart in the progress table: the SQLite file's path. */
  sourceLocation: string;
  /** The PostgreSQL connection (URL or fields; password from the environment). */
  target: Parameters<typeof resolveConnection>[0];
  env?: NodeJS.ProcessEnv;
  /** Rows per chunk (one transaction each); default 5,000. */
  chunkRows?: number;
  onProgress?: (progress: CopyProgress) => void;
}

export interface CopyFromSqliteResult {
  location: string;
  tables: CopyProgress[];
  /** True when an earlier, interrupted copy was continued. */
  resumed: boolean;
}

function sqliteVersion(source: SqliteDatabaseLike): number {
  const table = source
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = source.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

function toCopyValue(value: unknown): CopyValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  // A BLOB cannot occur in posturesync's tables; text keeps the copy going if one does.
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

const progressDdl = `CREATE TABLE IF NOT EXISTS store_copy_progress (
  source TEXT NOT NULL,
  table_name TEXT NOT NULL,
  last_key TEXT,
  copied BIGINT NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, table_name)
)`;

export async function copyFromSqlite(options: CopyFromSqliteOptions): Promise<CopyFromSqliteResult> {
  const { source, sourceLocation } = options;
  const version = sqliteVersion(source);
  if (version !== mirroredSqliteSchemaVersion) {
    throw new StoreError(
      version < mirroredSqliteSchemaVersion
        ? `The SQLite database at ${sourceLocation} has schema version ${version}; migrate-store copies version ` +
            `${mirroredSqliteSchemaVersion}. Run a sync (or any command that opens it for writing) with this posturesync first.`
        : `The SQLite database at ${sourceLocation} has schema version ${version}, newer than this posturesync knows ` +
            `(${mirroredSqliteSchemaVersion}): upgrade posturesync.`,
      { details: { path: sourceLocation, version, required: mirroredSqliteSchemaVersion } },
    );
  }
  const resolved = resolveConnection(options.target, options.env ?? process.env);
  const chunkRows = Math.max(1, Math.floor(options.chunkRows ?? 5000));
  const client = new pg.Client({ ...resolved.client });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await migrateSchema(client, resolved.schema, resolved.location);
    await client.query(progressDdl);
    const started = await client.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM store_copy_progress WHERE source = $1',
      [sourceLocation],
    );
    const resumed = Number(started.rows[0]?.n ?? 0) > 0;
    if (!resumed) {
      const existing = await client.query<{ n: string }>(
        'SELECT (SELECT COUNT(*) FROM sync_runs) + (SELECT COUNT(*) FROM violations) AS n',
      );
      if (Number(existing.rows[0]?.n ?? 0) > 0) {
        throw new StoreError(
          `The PostgreSQL store at ${resolved.location} already holds runs or findings: migrate-store copies into an ` +
            'empty schema only (choose another with ?schema=, or drop this one), so ids and history cannot clash.',
          { details: { location: resolved.location } },
        );
      }
    }
    const tables: CopyProgress[] = [];
    for (const { table, key } of copiedTables) {
      tables.push(await copyTable(client, source, sourceLocation, table, key, chunkRows, options.onProgress));
    }
    // New runs, quarantine rows and changes continue after the copied ids.
    for (const table of identityTables) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM ${table}), 1),
           (SELECT COUNT(*) > 0 FROM ${table}))`,
      );
    }
    return { location: resolved.location, tables, resumed };
  } catch (error) {
    throw storeFailure(error, resolved.location, 'write') ?? error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function copyTable(
  client: pg.Client,
  source: SqliteDatabaseLike,
  sourceLocation: string,
  table: string,
  key: readonly string[],
  chunkRows: number,
  onProgress: CopyFromSqliteOptions['onProgress'],
): Promise<CopyProgress> {
  const total = (source.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const state = await client.query<{ last_key: string | null; copied: string; done: number }>(
    'SELECT last_key, copied, done FROM store_copy_progress WHERE source = $1 AND table_name = $2',
    [sourceLocation, table],
  );
  let lastKey: unknown[] | null = state.rows[0]?.last_key
    ? (JSON.parse(state.rows[0].last_key) as unknown[])
    : null;
  let copied = Number(state.rows[0]?.copied ?? 0);
  if (state.rows[0]?.done === 1) {
    const progress = { table, copied, total, done: true };
    onProgress?.(progress);
    return progress;
  }
  // The target's columns, in its order; read by name from SQLite (same names by construction).
  const columns = (
    await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
       ORDER BY ordinal_position`,
      [table],
    )
  ).rows.map((row) => row.column_name);
  const stage = `ps_copy_${table}`;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${table}) ON COMMIT DELETE ROWS`);
  const keyList = key.join(', ');
  const after = `(${keyList}) > (${key.map(() => '?').join(', ')})`;
  const select = (withAfter: boolean) =>
    source
      .prepare(
        `SELECT ${columns.join(', ')} FROM ${table}${withAfter ? ` WHERE ${after}` : ''} ORDER BY ${keyList} LIMIT ?`,
      )
      .raw(true);
  const first = select(false);
  const next = select(true);
  const keyIndexes = key.map((column) => columns.indexOf(column));
  for (;;) {
    const rows = (lastKey === null ? first.all(chunkRows) : next.all(...lastKey, chunkRows)) as unknown[][];
    const finished = rows.length < chunkRows;
    const last = rows[rows.length - 1];
    const newKey = last ? keyIndexes.map((index) => last[index]) : lastKey;
    await client.query('BEGIN');
    try {
      if (rows.length > 0) {
        await copyRows(
          client,
          stage,
          columns,
          rows.map((row) => row.map(toCopyValue)),
        );
        // DO NOTHING: the progress row commits with the chunk, so a row is never offered twice;
        // this only guards against a hand-edited progress table.
        await client.query(
          `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${stage} ON CONFLICT DO NOTHING`,
        );
      }
      copied += rows.length;
      await client.query(
        `INSERT INTO store_copy_progress (source, table_name, last_key, copied, done, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (source, table_name) DO UPDATE SET last_key = excluded.last_key, copied = excluded.copied,
           done = excluded.done, updated_at = excluded.updated_at`,
        [
          sourceLocation,
          table,
          newKey === null ? null : JSON.stringify(newKey),
          copied,
          finished ? 1 : 0,
          new Date().toISOString(),
        ],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    lastKey = newKey;
    onProgress?.({ table, copied, total, done: finished });
    if (finished) return { table, copied, total, done: true };
  }
}
