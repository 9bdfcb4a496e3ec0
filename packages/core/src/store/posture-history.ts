import type Database from 'better-sqlite3';
import type { HistoryStatus, PassRatePoint, StatusChange, StatusChangeQuery, TrendQuery } from './types.ts';

interface ChangeRow {
  change_id: number;
  connector_instance: string;
  finding_uid: string;
  host_uid: string;
  host_name: string | null;
  policy_uid: string;
  policy_title: string | null;
  control_id: string;
  technology_id: string | null;
  control_instance: string | null;
  from_status: HistoryStatus | null;
  to_status: HistoryStatus;
  origin: StatusChange['origin'];
  run_id: number | null;
  changed_at: string | null;
  seen_at: string;
}

interface TrendRow {
  connector_instance: string;
  policy_uid: string;
  policy_title: string | null;
  run_id: number;
  at: string;
  passed: number;
  failed: number;
  error: number;
  unknown: number;
  total: number;
  pass_rate: number;
}

/**
 * Compliance over time (issue 14): per-run posture snapshots and reads of the status change log.
 * The log itself is written by triggers on `violations` (see migration 4), never from here.
 */
export class PostureHistory {
  readonly #db: Database.Database;
  #snapshot: Database.Statement<[{ run: number; at: string; instance: string }]> | undefined;
  #severities: Database.Statement<[{ run: number; instance: string }]> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * One row per policy of the instance (open findings: `closed_at IS NULL`) and one per policy x
   * severity of failing counts, keyed by the run. Call inside the run's final transaction.
   * Returns the number of policy rows written.
   */
  recordSnapshot(instance: string, runId: number, takenAt: string): number {
    this.#snapshot ??= this.#db.prepare(
      `INSERT INTO posture_snapshots
         (run_id, connector_instance, policy_uid, taken_at, passed, failed, error, unknown, total, pass_rate)
       SELECT @run, connector_instance, policy_uid, @at,
         SUM(status = 'passed'), SUM(status = 'failed'), SUM(status = 'error'), SUM(status = 'unknown'), COUNT(*),
         ROUND(CAST(SUM(status = 'passed') AS REAL) / COUNT(*), 4)
       FROM violations
       WHERE connector_instance = @instance AND closed_at IS NULL
       GROUP BY connector_instance, policy_uid
       ON CONFLICT (run_id, policy_uid) DO NOTHING`,
    );
    this.#severities ??= this.#db.prepare(
      `INSERT INTO posture_snapshot_severities (run_id, connector_instance, policy_uid, severity, failed, failing_hosts)
       SELECT @run, v.connector_instance, v.policy_uid, COALESCE(d.severity, 'undefined'), COUNT(*),
         COUNT(DISTINCT v.host_uid)
       FROM violations v
       LEFT JOIN violation_definitions d ON d.connector_instance = v.connector_instance AND d.uid = v.definition_uid
       WHERE v.connector_instance = @instance AND v.closed_at IS NULL AND v.status = 'failed'
       GROUP BY v.connector_instance, v.policy_uid, COALESCE(d.severity, 'undefined')
       ON CONFLICT (run_id, policy_uid, severity) DO NOTHING`,
    );
    const written = this.#snapshot.run({ run: runId, at: takenAt, instance }).changes;
    this.#severities.run({ run: runId, instance });
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
      .all(...params) as ChangeRow[];
    return rows.map((row) => ({
      id: row.change_id,
      instance: row.connector_instance,
      findingUid: row.finding_uid,
      hostUid: row.host_uid,
      hostName: row.host_name,
      policyUid: row.policy_uid,
      policyTitle: row.policy_title,
      controlId: row.control_id,
      technologyId: row.technology_id,
      controlInstance: row.control_instance,
      from: row.from_status,
      to: row.to_status,
      origin: row.origin,
      runId: row.run_id,
      changedAt: row.changed_at,
      seenAt: row.seen_at,
    }));
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
      .all(...params) as TrendRow[];
    return rows.map((row) => ({
      instance: row.connector_instance,
      policyUid: row.policy_uid,
      policyTitle: row.policy_title,
      runId: row.run_id,
      at: row.at,
      passed: row.passed,
      failed: row.failed,
      error: row.error,
      unknown: row.unknown,
      total: row.total,
      passRate: row.pass_rate,
    }));
  }
}
