import type { SqliteStore } from '@posturesync/store-sqlite';

/** The four entity tables compared row for row (plus `host_tags`, which is part of a host). */
export const entityTables = ['hosts', 'policies', 'violation_definitions', 'violations'] as const;
export type EntityTable = (typeof entityTables)[number];

/**
 * Columns left out of every comparison, and why. Everything else (every data column, `raw`
 * included) must match exactly; new columns are picked up automatically from `PRAGMA table_info`.
 */
export const excludedColumns: Readonly<Record<string, string>> = {
  first_seen_run_id: 'which run first wrote the row: a resumed generation spreads rows over several runs',
  last_seen_run_id: 'which run last wrote the row: differs between a resumed and an uninterrupted sync',
  last_seen_generation:
    'the generation number is the id of the run that started it, which differs between databases',
  updated_at: 'wall-clock time of the write',
  closed_at:
    'wall-clock time of the close; compared as the boolean `closed` (closed_reason and stale are compared as they are)',
  closed_run_id: 'which run closed the finding: differs between a resumed and an uninterrupted sync',
};

/**
 * Columns a connector fills from whichever source record it happens to map first, so two clean
 * syncs of the same data may differ in them. PCRS has no control-level dates: the connector
 * copies `created` and `postureModifiedDate` of the first posture record of a definition it maps
 * in a run onto the definition, and with parallel calls which record comes first depends on
 * timing. (Every violation keeps its own dates, in its columns and its raw.) Reported to the
 * connector owners; left out of the comparison for PCRS definitions only.
 */
export const orderDependentColumns: Readonly<
  Record<string, Partial<Record<EntityTable, readonly string[]>>>
> = {
  'qualys-pcrs': { violation_definitions: ['source_created', 'source_last_modified'] },
  'qualys-pc-report': {},
};

export type Row = Record<string, unknown>;
/** Per table: rows keyed by `connector_instance` + `uid`. */
export type EntitySnapshot = Record<EntityTable, Map<string, Row>> & { host_tags: string[] };

function columnsOf(store: SqliteStore, table: string): string[] {
  const info = store.database.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>;
  return info.map((column) => column.name);
}

/** The data rows of the four entity tables without bookkeeping columns (see `excludedColumns`). */
export function entitySnapshot(
  store: SqliteStore,
  skip: Partial<Record<EntityTable, readonly string[]>> = {},
): EntitySnapshot {
  const snapshot = { host_tags: [] as string[] } as unknown as EntitySnapshot;
  for (const table of entityTables) {
    const columns = columnsOf(store, table).filter(
      (column) => !(column in excludedColumns) && !skip[table]?.includes(column),
    );
    const select = columns.map((column) => `"${column}"`);
    if (table === 'violations') select.push('closed_at IS NOT NULL AS closed');
    const rows = store.database
      .prepare(`SELECT ${select.join(', ')} FROM "${table}" ORDER BY connector_instance, uid`)
      .all() as Row[];
    snapshot[table] = new Map(rows.map((row) => [`${row.connector_instance}/${row.uid}`, row]));
  }
  const tags = store.database
    .prepare('SELECT connector_instance, host_uid, tag FROM host_tags ORDER BY 1, 2, 3')
    .all() as Array<{ connector_instance: string; host_uid: string; tag: string }>;
  snapshot.host_tags = tags.map((tag) => `${tag.connector_instance}/${tag.host_uid}/${tag.tag}`);
  return snapshot;
}

function sameRow(left: Row | undefined, right: Row | undefined): boolean {
  if (left === undefined || right === undefined) return left === right;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.is(left[key], right[key]));
}

/** For JSON text columns: the top-level keys whose values differ, else a short before -> after. */
function describeChange(before: unknown, after: unknown): string {
  if (
    typeof before === 'string' &&
    typeof after === 'string' &&
    before.startsWith('{') &&
    after.startsWith('{')
  ) {
    try {
      const left = JSON.parse(before) as Record<string, unknown>;
      const right = JSON.parse(after) as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter(
        (key) => JSON.stringify(left[key]) !== JSON.stringify(right[key]),
      );
      return `{${keys.map((key) => `${key}: ${JSON.stringify(left[key])} -> ${JSON.stringify(right[key])}`).join(', ')}}`;
    } catch {
      // Not JSON after all: fall through to the plain text.
    }
  }
  return `${JSON.stringify(before)?.slice(0, 80)} -> ${JSON.stringify(after)?.slice(0, 80)}`;
}

function changedColumns(left: Row, right: Row): string {
  return Object.keys(left)
    .filter((key) => !Object.is(left[key], right[key]))
    .map((key) => `${key}: ${describeChange(left[key], right[key])}`)
    .join('; ');
}

const maxReported = 20;

/** Every difference between two snapshots (capped), as readable lines; empty when equal. */
export function snapshotDifferences(actual: EntitySnapshot, expected: EntitySnapshot): string[] {
  const differences: string[] = [];
  for (const table of entityTables) {
    for (const [key, row] of expected[table]) {
      const found = actual[table].get(key);
      if (!found) differences.push(`${table} ${key}: missing`);
      else if (!sameRow(found, row)) differences.push(`${table} ${key}: ${changedColumns(row, found)}`);
    }
    for (const key of actual[table].keys()) {
      if (!expected[table].has(key)) differences.push(`${table} ${key}: unexpected row`);
    }
  }
  const expectedTags = new Set(expected.host_tags);
  const actualTags = new Set(actual.host_tags);
  for (const tag of expectedTags) if (!actualTags.has(tag)) differences.push(`host_tags ${tag}: missing`);
  for (const tag of actualTags) if (!expectedTags.has(tag)) differences.push(`host_tags ${tag}: unexpected`);
  return differences.length > maxReported
    ? [...differences.slice(0, maxReported), `... and ${differences.length - maxReported} more`]
    : differences;
}

/**
 * Rows of `before` that are gone or hold data that is neither what they held before nor what a
 * clean sync of the newer data writes (`clean`). A row a faulty run legitimately updated equals
 * its clean version; a row it did not reach still equals its old version.
 */
export function lostOrDamagedRows(
  before: EntitySnapshot,
  now: EntitySnapshot,
  clean: EntitySnapshot,
): string[] {
  const problems: string[] = [];
  for (const table of entityTables) {
    for (const [key, old] of before[table]) {
      const current = now[table].get(key);
      if (!current) {
        problems.push(`${table} ${key}: lost`);
        continue;
      }
      if (sameRow(current, old) || sameRow(current, clean[table].get(key))) continue;
      problems.push(`${table} ${key}: neither its old nor its clean data (${changedColumns(old, current)})`);
    }
  }
  const nowTags = new Set(now.host_tags);
  const cleanTags = new Set(clean.host_tags);
  for (const tag of before.host_tags) {
    if (!nowTags.has(tag) && cleanTags.has(tag)) problems.push(`host_tags ${tag}: lost`);
  }
  return problems.slice(0, maxReported);
}

/** Keys of open violations in `before` that are closed in `now`. */
export function newlyClosed(before: EntitySnapshot, now: EntitySnapshot): string[] {
  const closed: string[] = [];
  for (const [key, row] of now.violations) {
    if (row.closed === 1 && before.violations.get(key)?.closed !== 1) closed.push(key);
  }
  return closed;
}
