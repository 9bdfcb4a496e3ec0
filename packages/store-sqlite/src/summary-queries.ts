import {
  type FailingControl,
  type FailingControlRow,
  failingControlFromRow,
  type HostFailures,
  type HostFailuresRow,
  hostFailuresFromRow,
  type PolicyPassRate,
  type PolicyPassRateRow,
  passRateFromRow,
  type SeverityFailures,
  type StoreSummary,
  type SyncRunRecord,
} from '@posturesync/engine';
import type Database from 'better-sqlite3';

/** The read models behind `posturesync status` (the `v_*` summary views). */
export class SummaryQueries {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  policyPassRates(): PolicyPassRate[] {
    const rows = this.#db
      .prepare('SELECT * FROM v_policy_pass_rate ORDER BY connector_instance, pass_rate, policy_uid')
      .all() as PolicyPassRateRow[];
    return rows.map(passRateFromRow);
  }

  failingControls(limit: number): FailingControl[] {
    const rows = this.#db
      .prepare('SELECT * FROM v_failing_controls_by_severity LIMIT ?')
      .all(limit) as FailingControlRow[];
    return rows.map(failingControlFromRow);
  }

  hostsByFailures(limit: number): HostFailures[] {
    const rows = this.#db
      .prepare('SELECT * FROM v_hosts_by_failures LIMIT ?')
      .all(limit) as HostFailuresRow[];
    return rows.map(hostFailuresFromRow);
  }

  summary(lastRuns: SyncRunRecord[]): StoreSummary {
    const hostsByInstance = this.#db
      .prepare(
        'SELECT connector_instance AS instance, COUNT(*) AS hosts FROM hosts GROUP BY connector_instance',
      )
      .all() as Array<{ instance: string; hosts: number }>;
    const failingBySeverity = this.#db
      .prepare(
        `SELECT severity, COUNT(DISTINCT control_id) AS controls, SUM(failing_results) AS failingResults
         FROM v_failing_controls_by_severity GROUP BY severity, severity_rank ORDER BY severity_rank DESC`,
      )
      .all() as SeverityFailures[];
    const openFailed = this.#db
      .prepare("SELECT COUNT(*) AS count FROM violations WHERE status = 'failed' AND closed_at IS NULL")
      .get() as { count: number };
    return {
      hosts: hostsByInstance.reduce((sum, row) => sum + row.hosts, 0),
      hostsByInstance,
      openFailedResults: openFailed.count,
      policies: this.policyPassRates(),
      failingBySeverity,
      lastRuns,
    };
  }

  /** Rows written last by `runId` per entity table. */
  storedByRun(instance: string, runId: number) {
    const count = (table: string) =>
      (
        this.#db
          .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE connector_instance = ? AND last_seen_run_id = ?`)
          .get(instance, runId) as { n: number }
      ).n;
    return {
      hosts: count('hosts'),
      policies: count('policies'),
      definitions: count('violation_definitions'),
      violations: count('violations'),
    };
  }
}
