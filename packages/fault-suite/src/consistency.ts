import type { Store } from '@posturesync/core';

/**
 * What must hold in the database after any run, faulty, killed or clean. Returns the
 * violations as readable lines (empty when consistent).
 *
 * - SQLite: `PRAGMA integrity_check` is ok and `PRAGMA foreign_key_check` is empty (host_tags
 *   -> hosts, quarantine -> sync_runs).
 * - The store deliberately has no foreign keys between entity tables (store README: a source
 *   may deliver a violation before its host or definition). Both Qualys connectors, however,
 *   commit every violation together with (or after) its host and its definition: PCRS posture
 *   records carry all three and a report batch carries what it references. So within one
 *   instance no violation may reference a missing host or definition, whatever was interrupted.
 * - sync_runs: counters are never negative, a finished run has an end time, and the checkpoint
 *   state, when a generation is in progress, names a run that exists.
 */
export function consistencyProblems(store: Store): string[] {
  const problems: string[] = [];
  const database = store.database;
  const integrity = database.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  const foreignKeys = database.pragma('foreign_key_check') as unknown[];
  if (foreignKeys.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(foreignKeys.slice(0, 5))}`);

  const orphans = (sql: string) => database.prepare(sql).all() as Array<{ key: string }>;
  for (const { key } of orphans(
    `SELECT v.connector_instance || '/' || v.uid || ' -> definition ' || v.definition_uid AS key
     FROM violations v LEFT JOIN violation_definitions d
       ON d.connector_instance = v.connector_instance AND d.uid = v.definition_uid
     WHERE d.uid IS NULL LIMIT 5`,
  )) {
    problems.push(`violation without its definition: ${key}`);
  }
  for (const { key } of orphans(
    `SELECT v.connector_instance || '/' || v.uid || ' -> host ' || v.host_uid AS key
     FROM violations v LEFT JOIN hosts h ON h.connector_instance = v.connector_instance AND h.uid = v.host_uid
     WHERE h.uid IS NULL LIMIT 5`,
  )) {
    problems.push(`violation without its host: ${key}`);
  }
  for (const { key } of orphans(
    `SELECT connector_instance || '/' || uid AS key FROM violations
     WHERE (closed_at IS NULL) <> (closed_reason IS NULL) OR (closed_at IS NOT NULL) <> (stale = 1) LIMIT 5`,
  )) {
    problems.push(`violation with inconsistent close columns: ${key}`);
  }

  const runs = database
    .prepare(
      `SELECT id, outcome, finished_at, MIN(hosts, policies, definitions, violations, batches, quarantined,
         closed, requests, retries, rate_limit_waits, warning_count) AS lowest FROM sync_runs`,
    )
    .all() as Array<{ id: number; outcome: string; finished_at: string | null; lowest: number }>;
  for (const run of runs) {
    if (run.lowest < 0) problems.push(`run ${run.id}: a negative counter`);
    if (run.outcome !== 'running' && run.finished_at === null)
      problems.push(`run ${run.id}: finished without an end time`);
  }
  const states = database.prepare('SELECT instance, state FROM connector_state').all() as Array<{
    instance: string;
    state: string;
  }>;
  for (const { instance, state } of states) {
    let parsed: { inProgress?: unknown; runId?: unknown; generation?: unknown };
    try {
      parsed = JSON.parse(state) as typeof parsed;
    } catch {
      problems.push(`connector_state of ${instance}: not JSON`);
      continue;
    }
    if (parsed.inProgress === true && !runs.some((run) => run.id === parsed.runId)) {
      problems.push(
        `connector_state of ${instance}: in progress for run ${String(parsed.runId)}, which does not exist`,
      );
    }
  }
  return problems;
}

/** Every TEXT value in every table, to prove that no secret reached the database. */
export function databaseText(store: Store): string {
  const tables = store.database
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all() as Array<{ name: string }>;
  const parts: string[] = [];
  for (const { name } of tables) {
    for (const row of store.database.prepare(`SELECT * FROM "${name}"`).all() as Array<
      Record<string, unknown>
    >) {
      for (const value of Object.values(row)) if (typeof value === 'string') parts.push(value);
    }
  }
  return parts.join('\n');
}
