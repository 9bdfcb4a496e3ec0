import type {
  FailingControl,
  HostFailures,
  PassRatePoint,
  PolicyPassRate,
  QuarantineQuery,
  QuarantineRecord,
  RecordCounts,
  RunHistoryQuery,
  SeverityFailures,
  StatusChange,
  StatusChangeQuery,
  StoredState,
  StoreSummary,
  SyncRunRecord,
  SyncState,
  TrendQuery,
} from '@posturesync/engine';
import {
  type FailingControlRow,
  failingControlFromRow,
  type HostFailuresRow,
  hostFailuresFromRow,
  type PassRatePointRow,
  type PolicyPassRateRow,
  parseState,
  passRateFromRow,
  passRatePointFromRow,
  type QuarantineRow,
  quarantineFromRow,
  runFromRow,
  type StatusChangeRow,
  type StoredStateRow,
  type SyncRunRow,
  statusChangeFromRow,
  storedStateFromRow,
} from '@posturesync/engine';
import type pg from 'pg';

/** One read statement on a pooled connection (the store maps database failures to StoreError). */
export type Query = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * The read side of the PostgreSQL store: runs, states, quarantine, the status read models and
 * the history, each one statement on the views and tables the SQLite store reads too, mapped to
 * the engine's types. `PostgresStore` extends it with the writes and the lock.
 */
export class PostgresReadModels {
  readonly #query: Query;

  constructor(query: Query) {
    this.#query = query;
  }

  async storedByRun(instance: string, runId: number): Promise<RecordCounts> {
    const rows = await this.#query<RecordCounts>(
      `SELECT
         (SELECT COUNT(*) FROM hosts WHERE connector_instance = $1 AND last_seen_run_id = $2) AS hosts,
         (SELECT COUNT(*) FROM policies WHERE connector_instance = $1 AND last_seen_run_id = $2) AS policies,
         (SELECT COUNT(*) FROM violation_definitions WHERE connector_instance = $1 AND last_seen_run_id = $2) AS definitions,
         (SELECT COUNT(*) FROM violations WHERE connector_instance = $1 AND last_seen_run_id = $2) AS violations`,
      [instance, runId],
    );
    return rows[0] as RecordCounts;
  }

  async quarantined(query: QuarantineQuery = {}): Promise<QuarantineRecord[]> {
    const rows = await this.#query<QuarantineRow>(
      `SELECT * FROM quarantine WHERE ($1::bigint IS NULL OR run_id = $1) AND ($2::text IS NULL OR connector_instance = $2)
       ORDER BY id LIMIT $3`,
      [query.runId ?? null, query.instance ?? null, query.limit ?? 1000],
    );
    return rows.map(quarantineFromRow);
  }

  async getRun(runId: number): Promise<SyncRunRecord | null> {
    const rows = await this.#query<SyncRunRow>('SELECT * FROM sync_runs WHERE id = $1', [runId]);
    return rows[0] ? runFromRow(rows[0]) : null;
  }

  async lastRuns(): Promise<SyncRunRecord[]> {
    return (await this.#query<SyncRunRow>('SELECT * FROM v_latest_sync_runs ORDER BY instance')).map(
      runFromRow,
    );
  }

  async history(query: RunHistoryQuery = {}): Promise<SyncRunRecord[]> {
    const limit = Math.max(1, Math.floor(query.limit ?? 20));
    const rows = await this.#query<SyncRunRow>(
      'SELECT * FROM sync_runs WHERE ($1::text IS NULL OR instance = $1) ORDER BY id DESC LIMIT $2',
      [query.instance ?? null, limit],
    );
    return rows.map(runFromRow);
  }

  async getState(instance: string): Promise<SyncState | null> {
    const rows = await this.#query<{ state: string }>(
      'SELECT state FROM connector_state WHERE instance = $1',
      [instance],
    );
    return rows[0] ? parseState(rows[0].state) : null;
  }

  async listStates(): Promise<StoredState[]> {
    const rows = await this.#query<StoredStateRow>(
      'SELECT instance, connector_id, run_id, updated_at, state FROM connector_state ORDER BY instance',
    );
    return rows.map(storedStateFromRow);
  }

  async policyPassRates(): Promise<PolicyPassRate[]> {
    const rows = await this.#query<PolicyPassRateRow>(
      'SELECT * FROM v_policy_pass_rate ORDER BY connector_instance, pass_rate, policy_uid',
    );
    return rows.map(passRateFromRow);
  }

  async failingControls(options: { limit?: number } = {}): Promise<FailingControl[]> {
    const rows = await this.#query<FailingControlRow>(
      'SELECT * FROM v_failing_controls_by_severity LIMIT $1',
      [options.limit ?? 100],
    );
    return rows.map(failingControlFromRow);
  }

  async hostsByFailures(options: { limit?: number } = {}): Promise<HostFailures[]> {
    const rows = await this.#query<HostFailuresRow>('SELECT * FROM v_hosts_by_failures LIMIT $1', [
      options.limit ?? 100,
    ]);
    return rows.map(hostFailuresFromRow);
  }

  async summary(): Promise<StoreSummary> {
    const hostsByInstance = await this.#query<{ instance: string; hosts: number }>(
      'SELECT connector_instance AS instance, COUNT(*) AS hosts FROM hosts GROUP BY connector_instance ORDER BY connector_instance',
    );
    const failingBySeverity = await this.#query<SeverityFailures>(
      `SELECT severity, COUNT(DISTINCT control_id) AS controls, SUM(failing_results) AS "failingResults"
       FROM v_failing_controls_by_severity GROUP BY severity, severity_rank ORDER BY severity_rank DESC`,
    );
    const openFailed = await this.#query<{ count: number }>(
      "SELECT COUNT(*) AS count FROM violations WHERE status = 'failed' AND closed_at IS NULL",
    );
    return {
      hosts: hostsByInstance.reduce((sum, row) => sum + row.hosts, 0),
      hostsByInstance,
      openFailedResults: openFailed[0]?.count ?? 0,
      policies: await this.policyPassRates(),
      failingBySeverity,
      lastRuns: await this.lastRuns(),
    };
  }

  // ---- history -------------------------------------------------------------------------

  async statusChanges(query: StatusChangeQuery = {}): Promise<StatusChange[]> {
    const rows = await this.#query<StatusChangeRow>(
      `SELECT * FROM v_changes WHERE ($1::text IS NULL OR connector_instance = $1) AND ($2::bigint IS NULL OR run_id >= $2)
         AND ($3::text IS NULL OR seen_at >= $3) ORDER BY change_id DESC LIMIT $4`,
      [
        query.instance ?? null,
        query.sinceRunId ?? null,
        query.since ?? null,
        Math.max(1, Math.floor(query.limit ?? 100)),
      ],
    );
    return rows.map(statusChangeFromRow);
  }

  async passRateTrend(query: TrendQuery = {}): Promise<PassRatePoint[]> {
    const rows = await this.#query<PassRatePointRow>(
      `SELECT * FROM v_pass_rate_trend WHERE ($1::text IS NULL OR connector_instance = $1) AND ($2::text IS NULL OR policy_uid = $2)
       ORDER BY connector_instance, policy_uid, run_id`,
      [query.instance ?? null, query.policyUid ?? null],
    );
    return rows.map(passRatePointFromRow);
  }
}
