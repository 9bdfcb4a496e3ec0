import type { SqliteStore } from '@posturesync/store-sqlite';

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
 * - The status change log (issue 14) neither lost nor doubled a change, whatever was interrupted:
 *   per finding its rows chain (each row's from = the previous row's to, the first row's from is
 *   NULL) and each row is a real change; the last row is the finding's current state (its status,
 *   or 'absent' when closed as absent).
 */
export function consistencyProblems(store: SqliteStore): string[] {
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

  for (const { key } of orphans(
    `WITH ordered AS (
       SELECT c.*, LAG(to_status) OVER finding AS previous_to, LAG(to_category) OVER finding AS previous_category,
         ROW_NUMBER() OVER finding AS n
       FROM status_changes c
       WINDOW finding AS (PARTITION BY connector_instance, finding_uid ORDER BY id))
     SELECT connector_instance || '/' || finding_uid || ' change ' || id AS key FROM ordered
     WHERE (n = 1 AND (from_status IS NOT NULL OR from_category IS NOT NULL))
        OR (n > 1 AND (from_status IS NOT previous_to OR from_category IS NOT previous_category
          OR (from_status IS to_status AND from_category IS to_category)))
     LIMIT 5`,
  )) {
    problems.push(`status change log doubled or broke a change: ${key}`);
  }
  for (const { key } of orphans(
    `SELECT v.connector_instance || '/' || v.uid AS key
     FROM violations v
     LEFT JOIN (SELECT connector_instance, finding_uid, to_status, to_category, MAX(id) FROM status_changes
                GROUP BY connector_instance, finding_uid) c
       ON c.connector_instance = v.connector_instance AND c.finding_uid = v.uid
     WHERE c.to_status IS NOT (CASE WHEN v.closed_at IS NULL THEN v.status ELSE 'absent' END)
        OR c.to_category IS NOT v.status_category
     LIMIT 5`,
  )) {
    problems.push(`status change log lost a change (its last state is not the finding's): ${key}`);
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
export function storeText(store: SqliteStore): string {
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
