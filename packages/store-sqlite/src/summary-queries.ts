import type { Severity } from '@posturesync/core';
import type {
  FailingControl,
  HostFailures,
  PolicyPassRate,
  SeverityFailures,
  StoreSummary,
  SyncRunRecord,
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
      .all() as Array<{
      connector_instance: string;
      policy_uid: string;
      policy_title: string | null;
      passed: number;
      failed: number;
      error: number;
      unknown: number;
      total: number;
      pass_rate: number;
    }>;
    return rows.map((row) => ({
      instance: row.connector_instance,
      policyUid: row.policy_uid,
      policyTitle: row.policy_title,
      passed: row.passed,
      failed: row.failed,
      error: row.error,
      unknown: row.unknown,
      total: row.total,
      passRate: row.pass_rate,
    }));
  }

  failingControls(limit: number): FailingControl[] {
    const rows = this.#db
      .prepare('SELECT * FROM v_failing_controls_by_severity LIMIT ?')
      .all(limit) as Array<{
      connector_instance: string;
      severity: Severity;
      control_id: string;
      statement: string | null;
      policies: number;
      failing_hosts: number;
      failing_results: number;
    }>;
    return rows.map((row) => ({
      instance: row.connector_instance,
      severity: row.severity,
      controlId: row.control_id,
      statement: row.statement,
      policies: row.policies,
      failingHosts: row.failing_hosts,
      failingResults: row.failing_results,
    }));
  }

  hostsByFailures(limit: number): HostFailures[] {
    const rows = this.#db.prepare('SELECT * FROM v_hosts_by_failures LIMIT ?').all(limit) as Array<{
      connector_instance: string;
      host_uid: string;
      hostname: string | null;
      failing: number;
      errors: number;
      passed: number;
      total: number;
    }>;
    return rows.map((row) => ({
      instance: row.connector_instance,
      hostUid: row.host_uid,
      hostname: row.hostname,
      failing: row.failing,
      errors: row.errors,
      passed: row.passed,
      total: row.total,
    }));
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
