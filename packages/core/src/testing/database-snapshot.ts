/** The read side of a better-sqlite3 connection (`store.database`), typed structurally. */
export interface ReadableDatabase {
  prepare(sql: string): { all(...parameters: unknown[]): unknown[] };
}

/**
 * Tables whose rows legitimately grow with every run (run history and the per-run posture
 * snapshots, quarantine copies) or hold engine bookkeeping; idempotence and resume compare every
 * other table, the status change log included (a re-run or a resume must not log twice).
 */
const bookkeepingTable =
  /^(sqlite_|schema_|sync_|posture_snapshot)|(^|_)(state|lock|locks|quarantine|migrations?)$/;

/** Columns that record which run or when a row was written, not what the source said. */
const traceColumn = /(_run_id|^run_id|_generation|^updated_at|^created_at)$/;

export interface DatabaseSnapshot {
  /** Row count per data table. */
  counts: Record<string, number>;
  /** Every data table's rows, minus trace columns, sorted, as JSON lines (`*_at` columns become set/unset). */
  rows: Record<string, string[]>;
}

export function tableNames(database: ReadableDatabase): string[] {
  const rows = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  return rows.map((row) => (row as { name: string }).name);
}

function columnNames(database: ReadableDatabase, table: string): Array<{ name: string; type: string }> {
  return database
    .prepare(`SELECT name, type FROM pragma_table_info(?) ORDER BY cid`)
    .all(table)
    .map((row) => row as { name: string; type: string });
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** What a sync left in the data tables, comparable across runs and stores. */
export function snapshotDatabase(database: ReadableDatabase): DatabaseSnapshot {
  const counts: Record<string, number> = {};
  const rows: Record<string, string[]> = {};
  for (const table of tableNames(database)) {
    if (bookkeepingTable.test(table)) continue;
    const columns = columnNames(database, table)
      .map((column) => column.name)
      .filter((name) => !traceColumn.test(name));
    const all = database.prepare(`SELECT * FROM ${quote(table)}`).all() as Array<Record<string, unknown>>;
    counts[table] = all.length;
    rows[table] = all
      .map((row) => {
        const kept: Record<string, unknown> = {};
        for (const name of columns) {
          const value = row[name];
          kept[name] = name.endsWith('_at') ? (value === null ? 'unset' : 'set') : value;
        }
        return JSON.stringify(kept);
      })
      .sort();
  }
  return { counts, rows };
}

/** Every TEXT value of every table as `table.column: value` lines, for secret scans. */
export function databaseText(database: ReadableDatabase): string {
  const lines: string[] = [];
  for (const table of tableNames(database)) {
    if (table.startsWith('sqlite_')) continue;
    for (const column of columnNames(database, table)) {
      const values = database
        .prepare(
          `SELECT ${quote(column.name)} AS value FROM ${quote(table)} WHERE typeof(${quote(column.name)}) IN ('text', 'blob')`,
        )
        .all();
      for (const row of values) {
        const value = (row as { value: unknown }).value;
        const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
        lines.push(`${table}.${column.name}: ${text}`);
      }
    }
  }
  return lines.join('\n');
}
