import type { Violation } from '@posturesync/core';
import type Database from 'better-sqlite3';

const changeColumns = `connector_instance, finding_uid, from_status, to_status, from_category, to_category,
  origin, run_id, changed_at, seen_at`;

/**
 * Appends status changes to `status_changes` (issue 14). One set-based statement per batch,
 * run BEFORE the batch's upsert and in its transaction: it compares each incoming finding with
 * what the database holds (one primary-key lookup inside SQLite) and logs only first sights,
 * changes and returns from absence. A crash rolls the log back with the batch; a resumed run
 * writing the same status again logs nothing.
 *
 * Alternatives measured (store CPU per 100k findings) and rejected: triggers on `violations`
 * (any trigger on the table, even one whose WHEN is false, made every upsert about 35% slower);
 * `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` of a changed-marker column (SQLite runs a
 * RETURNING statement to completion into a temporary table: +40% on unchanged writes, +80% on
 * first writes); one read per record from JavaScript (a statement call each). This costs one
 * statement per batch plus the inserted rows.
 */
export class StatusChangeLog {
  readonly #db: Database.Database;
  readonly #logBatch: Database.Statement<[{ instance: string; run: number; now: string; batch: string }]>;

  constructor(db: Database.Database) {
    this.#db = db;
    // The batch is one JSON object: finding uid -> "<status>/<category>|<source change time>".
    // json_each over an object yields each key and a plain string value, so nothing is parsed
    // per field (extracting fields from per-finding arrays cost twice the primary-key lookups).
    // Statuses and categories are fixed words without '/' or '|'.
    this.#logBatch = db.prepare(
      `INSERT INTO status_changes (${changeColumns})
       SELECT @instance, r.uid,
         CASE WHEN v.uid IS NULL THEN NULL WHEN v.closed_at IS NOT NULL THEN 'absent' ELSE v.status END,
         substr(r.state, 1, instr(r.state, '/') - 1),
         v.status_category,
         substr(r.state, instr(r.state, '/') + 1),
         CASE WHEN v.uid IS NULL THEN 'first-seen' WHEN v.closed_at IS NOT NULL THEN 'reappeared' ELSE 'changed' END,
         @run, NULLIF(substr(r.value, instr(r.value, '|') + 1), ''), @now
       FROM (
         SELECT key AS uid, value, substr(value, 1, instr(value, '|') - 1) AS state FROM json_each(@batch)
       ) r
       LEFT JOIN violations v ON v.connector_instance = @instance AND v.uid = r.uid
       WHERE v.uid IS NULL OR v.closed_at IS NOT NULL OR (v.status || '/' || v.status_category) IS NOT r.state`,
    );
  }

  /** Logs the batch's changes against the stored findings. Call right before upserting them. */
  logBatch(instance: string, runId: number, now: string, violations: readonly Violation[]): void {
    if (violations.length === 0) return;
    // The same finding twice in one batch: the last write wins in the table, and in this object,
    // so only it is compared (an earlier copy would log a change the database never held).
    const batch: Record<string, string> = Object.create(null);
    for (const violation of violations) {
      batch[violation.uid] =
        `${violation.status}/${violation.statusCategory}|${violation.sourceLastModified ?? violation.lastEvaluated ?? ''}`;
    }
    this.#logBatch.run({ instance, run: runId, now, batch: JSON.stringify(batch) });
  }

  /**
   * A statement that logs 'absent' for the open findings an `UPDATE violations SET closed_at ...
   * WHERE <where>` is about to close. Run it with (runId, closedAt, ...the WHERE's parameters)
   * right before that UPDATE, in its transaction.
   */
  closingStatement(where: string): Database.Statement<unknown[]> {
    return this.#db.prepare(
      `INSERT INTO status_changes (${changeColumns})
       SELECT connector_instance, uid, status, 'absent', status_category, status_category, 'absent', ?, NULL, ?
       FROM violations WHERE ${where} ORDER BY uid`,
    );
  }
}
