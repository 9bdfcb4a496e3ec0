import {
  type PassRatePoint,
  type PassRatePointRow,
  passRatePointFromRow,
  type StatusChange,
  type StatusChangeQuery,
  type StatusChangeRow,
  statusChangeFromRow,
  type TrendQuery,
} from '@posturesync/engine';
import type Database from 'better-sqlite3';

/**
 * Compliance over time (issue 14): per-run posture snapshots and reads of the status change log.
 * The log itself is written by the record writer and closeUnseen (status-change-log.ts).
 */
export class PostureHistory {
  readonly #db: Database.Database;
  #collect: Database.Statement<[{ instance: string }]> | undefined;
  #snapshot: Database.Statement<[{ run: number; at: string; instance: string }]> | undefined;
  #severities: Database.Statement<[{ run: number; instance: string }]> | undefined;
  #clear: Database.Statement<[]> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * One row per policy of the instance (open findings: `closed_at IS NULL`) and one per policy x
   * severity of failing counts, keyed by the run. Call inside the run's final transaction.
   * Returns the number of policy rows written.
   *
   * The violations are read once (grouped per definition into a small temporary table) and both
   * snapshot tables are filled from that: a second pass over the wide violation rows would cost
   * as much as the first. NOT INDEXED: the planner would walk idx_violations_policy and fetch
   * every row by key, measured 2x slower than one sequential scan of the table.
   */
  recordSnapshot(instance: string, runId: number, takenAt: string): number {
    this.#db.exec(
      `CREATE TEMP TABLE IF NOT EXISTS snapshot_work (policy_uid TEXT NOT NULL, definition_uid TEXT NOT NULL,
         passed INTEGER NOT NULL, failed INTEGER NOT NULL, error INTEGER NOT NULL, unknown INTEGER NOT NULL,
         total INTEGER NOT NULL)`,
    );
    this.#clear ??= this.#db.prepare('DELETE FROM temp.snapshot_work');
    this.#collect ??= this.#db.prepare(
      `INSERT INTO temp.snapshot_work (policy_uid, definition_uid, passed, failed, error, unknown, total)
       SELECT policy_uid, definition_uid, SUM(status = 'passed'), SUM(status = 'failed'), SUM(status = 'error'),
         SUM(status = 'unknown'), COUNT(*)
       FROM violations NOT INDEXED
       WHERE connector_instance = @instance AND closed_at IS NULL
       GROUP BY policy_uid, definition_uid`,
    );
    this.#snapshot ??= this.#db.prepare(
      `INSERT INTO posture_snapshots
         (run_id, connector_instance, policy_uid, taken_at, passed, failed, error, unknown, total, pass_rate)
       SELECT @run, @instance, policy_uid, @at, SUM(passed), SUM(failed), SUM(error), SUM(unknown), SUM(total),
         ROUND(CAST(SUM(passed) AS REAL) / SUM(total), 4)
       FROM temp.snapshot_work
       GROUP BY policy_uid
       ON CONFLICT (run_id, policy_uid) DO NOTHING`,
    );
    this.#severities ??= this.#db.prepare(
      `INSERT INTO posture_snapshot_severities (run_id, connector_instance, policy_uid, severity, failed, error)
       SELECT @run, @instance, w.policy_uid, COALESCE(d.severity, 'undefined'), SUM(w.failed), SUM(w.error)
       FROM temp.snapshot_work w
       LEFT JOIN violation_definitions d ON d.connector_instance = @instance AND d.uid = w.definition_uid
       GROUP BY w.policy_uid, COALESCE(d.severity, 'undefined')
       HAVING SUM(w.failed) + SUM(w.error) > 0
       ON CONFLICT (run_id, policy_uid, severity) DO NOTHING`,
    );
    this.#clear.run();
    this.#collect.run({ instance });
    const written = this.#snapshot.run({ run: runId, at: takenAt, instance }).changes;
    this.#severities.run({ run: runId, instance });
    this.#clear.run();
    return written;
  }

  /** The change log joined to names, newest first. */
  changes(query: StatusChangeQuery = {}): StatusChange[] {
    const conditions: string[] = [];
    const params: Array<string | number> = [];
    if (query.instance !== undefined) {
      conditions.push('connector_instance = ?');
      params.push(query.instance);
    }
    if (query.sinceRunId !== undefined) {
      conditions.push('run_id >= ?');
      params.push(query.sinceRunId);
    }
    if (query.since !== undefined) {
      conditions.push('seen_at >= ?');
      params.push(query.since);
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    params.push(Math.max(1, Math.floor(query.limit ?? 100)));
    const rows = this.#db
      .prepare(`SELECT * FROM v_changes ${where} ORDER BY change_id DESC LIMIT ?`)
      .all(...params) as StatusChangeRow[];
    return rows.map(statusChangeFromRow);
  }

  /** Pass rate per policy per run, oldest run first within each policy. */
  trend(query: TrendQuery = {}): PassRatePoint[] {
    const conditions: string[] = [];
    const params: string[] = [];
    if (query.instance !== undefined) {
      conditions.push('connector_instance = ?');
      params.push(query.instance);
    }
    if (query.policyUid !== undefined) {
      conditions.push('policy_uid = ?');
      params.push(query.policyUid);
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = this.#db
      .prepare(`SELECT * FROM v_pass_rate_trend ${where} ORDER BY connector_instance, policy_uid, run_id`)
      .all(...params) as PassRatePointRow[];
    return rows.map(passRatePointFromRow);
  }
}
