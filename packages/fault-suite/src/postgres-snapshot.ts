import type { PostgresStore } from '@posturesync/store-postgres';
import {
  type EntitySnapshot,
  type EntityTable,
  entityTables,
  excludedColumns,
  type Row,
} from './snapshot.ts';

async function rowsOf(store: PostgresStore, table: EntityTable | 'host_tags'): Promise<Row[]> {
  const relation = await store.readRelation(table);
  const rows: Row[] = [];
  for await (const values of relation.rows) {
    const row: Row = {};
    relation.columns.forEach((column, index) => {
      row[column] = values[index];
    });
    rows.push(row);
  }
  return rows;
}

/**
 * `entitySnapshot` of a PostgreSQL store: the same rows, columns and exclusions, read through
 * the store's export stream, so a PostgreSQL sync compares row for row with a SQLite one.
 */
export async function postgresEntitySnapshot(
  store: PostgresStore,
  skip: Partial<Record<EntityTable, readonly string[]>> = {},
): Promise<EntitySnapshot> {
  const snapshot = { host_tags: [] as string[] } as unknown as EntitySnapshot;
  for (const table of entityTables) {
    const rows = (await rowsOf(store, table)).map((row) => {
      const kept: Row = {};
      for (const [column, value] of Object.entries(row)) {
        if (!(column in excludedColumns) && !skip[table]?.includes(column)) kept[column] = value;
      }
      // SQLite's `closed_at IS NOT NULL AS closed`.
      if (table === 'violations') kept.closed = row.closed_at === null ? 0 : 1;
      return kept;
    });
    snapshot[table] = new Map(rows.map((row) => [`${row.connector_instance}/${row.uid}`, row]));
  }
  snapshot.host_tags = (await rowsOf(store, 'host_tags')).map(
    (tag) => `${tag.connector_instance}/${tag.host_uid}/${tag.tag}`,
  );
  return snapshot;
}
