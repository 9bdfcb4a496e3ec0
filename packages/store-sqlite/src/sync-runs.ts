import { errorCodes } from '@posturesync/core';
import type { CreateRunInput, FinishRunInput, RunProgress, SyncRunRecord } from '@posturesync/engine';
import { runFromRow, type SyncRunRow } from '@posturesync/engine';
import type Database from 'better-sqlite3';

const progressAssignments = `hosts = ?, policies = ?, definitions = ?, violations = ?, batches = ?,
  quarantined = ?, closed = ?, requests = ?, retries = ?, rate_limit_waits = ?, rate_limit_wait_ms = ?,
  throttled_waits = ?, throttled_wait_ms = ?, bytes_received = ?, warning_count = ?, warnings = ?`;

function progressParams(progress: RunProgress): Array<string | number> {
  const { counts, metrics } = progress;
  return [
    counts.hosts,
    counts.policies,
    counts.definitions,
    counts.violations,
    progress.batches,
    progress.quarantined,
    progress.closed,
    metrics.requests,
    metrics.retries,
    metrics.rateLimitWaits,
    Math.round(metrics.rateLimitWaitMs),
    metrics.throttledWaits,
    Math.round(metrics.throttledWaitMs),
    metrics.bytesReceived,
    progress.warningCount,
    JSON.stringify(progress.warnings),
  ];
}

/** The sync_runs table: one row per run, written as it progresses so a crash leaves a trace. */
export class SyncRunRepository {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, string, string, number, string]>;
  readonly #setGeneration: Database.Statement<[number, number | null, number]>;
  readonly #progress: Database.Statement<[Array<string | number>]>;
  readonly #finish: Database.Statement<[Array<string | number | null>]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO sync_runs (instance, connector_id, config_fingerprint, full_sync, started_at, outcome)
       VALUES (?, ?, ?, ?, ?, 'running')`,
    );
    this.#setGeneration = db.prepare(
      'UPDATE sync_runs SET generation = ?, resumed_from_run_id = ? WHERE id = ?',
    );
    this.#progress = db.prepare<[Array<string | number>]>(
      `UPDATE sync_runs SET ${progressAssignments} WHERE id = ?`,
    );
    this.#finish = db.prepare<[Array<string | number | null>]>(
      `UPDATE sync_runs SET ${progressAssignments}, outcome = ?, finished_at = ?, error_code = ?, error_message = ?
       WHERE id = ?`,
    );
  }

  /** Inserts a 'running' row; a new generation takes the run's own id. */
  create(input: CreateRunInput): { id: number; generation: number } {
    return this.#db.transaction(() => {
      const result = this.#insert.run(
        input.instance,
        input.connectorId,
        input.configFingerprint,
        input.full ? 1 : 0,
        input.startedAt,
      );
      const id = Number(result.lastInsertRowid);
      const generation = input.generation ?? id;
      this.#setGeneration.run(generation, input.resumedFromRunId, id);
      return { id, generation };
    })();
  }

  updateProgress(runId: number, progress: RunProgress): void {
    this.#progress.run([...progressParams(progress), runId]);
  }

  finish(runId: number, input: FinishRunInput): void {
    this.#finish.run([
      ...progressParams(input),
      input.outcome,
      input.finishedAt,
      input.errorCode,
      input.errorMessage,
      runId,
    ]);
  }

  /**
   * Marks runs a killed process left 'running' as failed. Only call while holding the sync
   * lock: then no live process can own a running row.
   */
  failAbandoned(finishedAt: string): number[] {
    const rows = this.#db
      .prepare("SELECT id FROM sync_runs WHERE outcome = 'running' ORDER BY id")
      .all() as Array<{
      id: number;
    }>;
    if (rows.length === 0) return [];
    this.#db
      .prepare(
        `UPDATE sync_runs SET outcome = 'failed', finished_at = ?, error_code = '${errorCodes.processDied}',
           error_message = 'process died: the run was interrupted (killed, crashed or power lost) before it finished'
         WHERE outcome = 'running'`,
      )
      .run(finishedAt);
    return rows.map((row) => row.id);
  }

  get(id: number): SyncRunRecord | null {
    const row = this.#db.prepare('SELECT * FROM sync_runs WHERE id = ?').get(id) as SyncRunRow | undefined;
    return row ? runFromRow(row) : null;
  }

  latest(): SyncRunRecord[] {
    const rows = this.#db.prepare('SELECT * FROM v_latest_sync_runs ORDER BY instance').all() as SyncRunRow[];
    return rows.map(runFromRow);
  }

  history(options: { instance?: string; limit?: number } = {}): SyncRunRecord[] {
    const limit = Math.max(1, Math.floor(options.limit ?? 20));
    const rows = (
      options.instance === undefined
        ? this.#db.prepare('SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?').all(limit)
        : this.#db
            .prepare('SELECT * FROM sync_runs WHERE instance = ? ORDER BY id DESC LIMIT ?')
            .all(options.instance, limit)
    ) as SyncRunRow[];
    return rows.map(runFromRow);
  }
}
