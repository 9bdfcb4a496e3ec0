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
import type pg from 'pg';
import { runFromRow, type SyncRunRow } from './run-rows.ts';

/** One read statement on a pooled connection (the store maps database failures to StoreError). */
export type Query = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

export function parseState(text: string): SyncState {
  const parsed = JSON.parse(text) as Partial<SyncState>;
  return {
    generation: parsed.generation ?? 0,
    inProgress: parsed.inProgress ?? false,
    runId: parsed.runId ?? null,
    connector: parsed.connector ?? null,
    pendingScopes: parsed.pendingScopes ?? [],
    warningCount: parsed.warningCount ?? 0,
    tainted: parsed.tainted ?? { all: false, policies: [] },
    deferredScopes: parsed.deferredScopes ?? [],
  };
}

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
    const rows = await this.#query<{
      id: number;
      run_id: number;
      connector_instance: string;
      entity: string;
      position: string;
      reason: string;
      raw: string | null;
      created_at: string;
    }>(
      `SELECT * FROM quarantine WHERE ($1::bigint IS NULL OR run_id = $1) AND ($2::text IS NULL OR connector_instance = $2)
       ORDER BY id LIMIT $3`,
      [query.runId ?? null, query.instance ?? null, query.limit ?? 1000],
    );
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      instance: row.connector_instance,
      entity: row.entity,
      position: row.position,
      reason: row.reason,
      raw: row.raw === null ? null : JSON.parse(row.raw),
      createdAt: row.created_at,
    }));
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
    const rows = await this.#query<{
      instance: string;
      connector_id: string;
      run_id: number | null;
      updated_at: string;
      state: string;
    }>('SELECT instance, connector_id, run_id, updated_at, state FROM connector_state ORDER BY instance');
    return rows.map((row) => ({
      instance: row.instance,
      connectorId: row.connector_id,
      runId: row.run_id,
      updatedAt: row.updated_at,
      state: parseState(row.state),
    }));
  }

  async policyPassRates(): Promise<PolicyPassRate[]> {
    const rows = await this.#query<{
      connector_instance: string;
      policy_uid: string;
      policy_title: string | null;
      passed: number;
      failed: number;
      error: number;
      unknown: number;
      total: number;
      pass_rate: number;
    }>('SELECT * FROM v_policy_pass_rate ORDER BY connector_instance, pass_rate, policy_uid');
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

  async failingControls(options: { limit?: number } = {}): Promise<FailingControl[]> {
    const rows = await this.#query<{
      connector_instance: string;
      severity: FailingControl['severity'];
      control_id: string;
      statement: string | null;
      policies: number;
      failing_hosts: number;
      failing_results: number;
    }>('SELECT * FROM v_failing_controls_by_severity LIMIT $1', [options.limit ?? 100]);
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

  async hostsByFailures(options: { limit?: number } = {}): Promise<HostFailures[]> {
    const rows = await this.#query<{
      connector_instance: string;
      host_uid: string;
      hostname: string | null;
      failing: number;
      errors: number;
      passed: number;
      total: number;
    }>('SELECT * FROM v_hosts_by_failures LIMIT $1', [options.limit ?? 100]);
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
    const rows = await this.#query<{
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
      from_status: StatusChange['from'];
      to_status: StatusChange['to'];
      origin: StatusChange['origin'];
      run_id: number | null;
      changed_at: string | null;
      seen_at: string;
    }>(
      `SELECT * FROM v_changes WHERE ($1::text IS NULL OR connector_instance = $1) AND ($2::bigint IS NULL OR run_id >= $2)
         AND ($3::text IS NULL OR seen_at >= $3) ORDER BY change_id DESC LIMIT $4`,
      [
        query.instance ?? null,
        query.sinceRunId ?? null,
        query.since ?? null,
        Math.max(1, Math.floor(query.limit ?? 100)),
      ],
    );
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

  async passRateTrend(query: TrendQuery = {}): Promise<PassRatePoint[]> {
    const rows = await this.#query<{
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
    }>(
      `SELECT * FROM v_pass_rate_trend WHERE ($1::text IS NULL OR connector_instance = $1) AND ($2::text IS NULL OR policy_uid = $2)
       ORDER BY connector_instance, policy_uid, run_id`,
      [query.instance ?? null, query.policyUid ?? null],
    );
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
