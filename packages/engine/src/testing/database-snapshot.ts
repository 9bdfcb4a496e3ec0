import { exportableTables } from '../store/exportable-relations.ts';
import type { Store } from '../store/store.ts';

/**
 * The tables whose rows are what the source said. Left out: run history, per-run posture
 * snapshots and quarantine copies, which legitimately grow with every run; idempotence and
 * resume compare every other table, the status change log included (a re-run or a resume must
 * not log twice).
 */
export const dataTables = exportableTables.filter(
  (table) => !/^(sync_runs|quarantine|posture_snapshot)/.test(table),
);

/** Columns that record which run or when a row was written, not what the source said. */
const traceColumn = /(_run_id|^run_id|_generation|^updated_at|^created_at|^id)$/;

export interface DatabaseSnapshot {
  /** Row count per data table. */
  counts: Record<string, number>;
  /** Every data table's rows, minus trace columns, sorted, as JSON lines (`*_at` columns become set/unset). */
  rows: Record<string, string[]>;
}

/**
 * What syncs left in the data tables, comparable across runs and across stores: it reads
 * through the `Store` interface only, so the same snapshot of a SQLite and a PostgreSQL store
 * of the same data is equal.
 */
export async function snapshotStore(store: Store): Promise<DatabaseSnapshot> {
  const counts: Record<string, number> = {};
  const rows: Record<string, string[]> = {};
  for (const table of dataTables) {
    const relation = await store.readRelation(table);
    const kept: string[] = [];
    for await (const row of relation.rows) {
      const record: Record<string, unknown> = {};
      relation.columns.forEach((name, index) => {
        if (traceColumn.test(name)) return;
        const value = row[index] ?? null;
        record[name] = name.endsWith('_at') ? (value === null ? 'unset' : 'set') : normalise(value);
      });
      kept.push(JSON.stringify(record));
    }
    counts[table] = kept.length;
    rows[table] = kept.sort();
  }
  return { counts, rows };
}

/** Numbers may come back as bigint or numeric strings from some drivers; compare their value. */
function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/**
 * Every stored text a user could read (every exportable table's values and every instance's
 * stored state), as `table.column: value` lines, for secret scans.
 */
export async function storeText(store: Store): Promise<string> {
  const lines: string[] = [];
  for (const table of exportableTables) {
    const relation = await store.readRelation(table);
    for await (const row of relation.rows) {
      relation.columns.forEach((name, index) => {
        const value = row[index];
        if (value === null || value === undefined || typeof value === 'number') return;
        const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
        lines.push(`${table}.${name}: ${text}`);
      });
    }
  }
  for (const state of await store.listStates()) {
    lines.push(`connector_state.state: ${JSON.stringify(state)}`);
  }
  return lines.join('\n');
}
