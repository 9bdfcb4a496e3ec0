import type { CompletedScope } from '@posturesync/core';
import type { FinishRunInput, QuarantineInput, SyncState } from '@posturesync/engine';
import type pg from 'pg';
import { postgresText } from './copy-rows.ts';

/**
 * The store's writes besides the records (record-writer.ts): run counters and ends, the state,
 * quarantined rejects, closing as absent and the posture snapshot. Each runs on the client of the
 * caller's transaction, so a batch or a generation's end commits all of it or none.
 */

export const closedReasonAbsent = 'absent-from-complete-sync';

/** Quarantined input can be anything a connector produced: BigInts and cycles must not fail the batch. */
function quarantineJson(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
  } catch (error) {
    return JSON.stringify({
      unserializable: String(value),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

export const progressAssignments = `hosts = $2, policies = $3, definitions = $4, violations = $5, batches = $6,
  quarantined = $7, closed = $8, requests = $9, retries = $10, rate_limit_waits = $11, rate_limit_wait_ms = $12,
  throttled_waits = $13, throttled_wait_ms = $14, bytes_received = $15, warning_count = $16, warnings = $17`;

export function progressParams(
  runId: number,
  progress: Omit<FinishRunInput, 'outcome' | 'finishedAt' | 'errorCode' | 'errorMessage'>,
): unknown[] {
  const { counts, metrics } = progress;
  return [
    runId,
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
    postgresText(JSON.stringify(progress.warnings)),
  ];
}

export async function putState(
  client: pg.ClientBase,
  instance: string,
  connectorId: string,
  state: SyncState,
  now: string,
): Promise<void> {
  await client.query(
    `INSERT INTO connector_state (instance, connector_id, state, run_id, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (instance) DO UPDATE SET connector_id = excluded.connector_id, state = excluded.state,
       run_id = excluded.run_id, updated_at = excluded.updated_at`,
    [postgresText(instance), connectorId, postgresText(JSON.stringify(state)), state.runId, now],
  );
}

export async function insertQuarantine(
  client: pg.ClientBase,
  rows: readonly QuarantineInput[],
  now: string,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO quarantine (run_id, connector_instance, entity, position, reason, raw, created_at)
     SELECT r.run_id, r.instance, r.entity, r.position, r.reason, r.raw, $7
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       WITH ORDINALITY AS r(run_id, instance, entity, position, reason, raw, n)
     ORDER BY r.n`,
    [
      rows.map((row) => row.runId),
      rows.map((row) => postgresText(row.instance)),
      rows.map((row) => postgresText(String(row.entity))),
      rows.map((row) => postgresText(row.position)),
      rows.map((row) => postgresText(row.reason)),
      rows.map((row) => {
        const raw = quarantineJson(row.raw);
        return raw === null ? null : postgresText(raw);
      }),
      now,
    ],
  );
}

export async function finishRun(client: pg.ClientBase, runId: number, input: FinishRunInput): Promise<void> {
  await client.query(
    `UPDATE sync_runs SET ${progressAssignments}, outcome = $18, finished_at = $19, error_code = $20, error_message = $21
     WHERE id = $1`,
    [
      ...progressParams(runId, input),
      input.outcome,
      input.finishedAt,
      input.errorCode,
      input.errorMessage === null ? null : postgresText(input.errorMessage),
    ],
  );
}

/**
 * Closes the open findings of each scope the generation never saw, logging one 'absent' change
 * per finding first (ordered by uid, as SQLite logs them), in the caller's transaction.
 */
export async function closeUnseen(
  client: pg.ClientBase,
  instance: string,
  scopes: readonly CompletedScope[],
  generation: number,
  closedAt: string,
  runId: number,
): Promise<number> {
  const where = `connector_instance = $1 AND policy_uid = $2 AND closed_at IS NULL AND last_seen_generation < $3
    AND ($4::text IS NULL OR network = $4) AND ($5::text[] IS NULL OR host_uid = ANY($5::text[]))`;
  let closed = 0;
  for (const scope of scopes) {
    const params = [
      instance,
      scope.policyUid,
      generation,
      scope.network ?? null,
      scope.hostUids === undefined ? null : [...scope.hostUids],
    ];
    await client.query(
      `INSERT INTO status_changes
         (connector_instance, finding_uid, from_status, to_status, from_category, to_category, origin, run_id, changed_at, seen_at)
       SELECT connector_instance, uid, status, 'absent', status_category, status_category, 'absent', $6, NULL, $7
       FROM violations WHERE ${where} ORDER BY uid`,
      [...params, runId, closedAt],
    );
    const result = await client.query(
      `UPDATE violations SET closed_at = $6, closed_reason = '${closedReasonAbsent}', closed_run_id = $7, stale = 1, updated_at = $6
       WHERE ${where}`,
      [...params, closedAt, runId],
    );
    closed += result.rowCount ?? 0;
  }
  return closed;
}

/**
 * The instance's posture at the end of a run: one row per policy (open findings) and one per
 * policy x severity with failures. The violations are read once into a temporary table.
 */
export async function recordPostureSnapshot(
  client: pg.ClientBase,
  instance: string,
  runId: number,
  takenAt: string,
): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ps_snapshot_work (policy_uid TEXT COLLATE "C", definition_uid TEXT COLLATE "C",
       passed BIGINT, failed BIGINT, error BIGINT, unknown BIGINT, total BIGINT) ON COMMIT DELETE ROWS`,
  );
  await client.query('DELETE FROM ps_snapshot_work');
  await client.query(
    `INSERT INTO ps_snapshot_work (policy_uid, definition_uid, passed, failed, error, unknown, total)
     SELECT policy_uid, definition_uid, COUNT(*) FILTER (WHERE status = 'passed'), COUNT(*) FILTER (WHERE status = 'failed'),
       COUNT(*) FILTER (WHERE status = 'error'), COUNT(*) FILTER (WHERE status = 'unknown'), COUNT(*)
     FROM violations WHERE connector_instance = $1 AND closed_at IS NULL
     GROUP BY policy_uid, definition_uid`,
    [instance],
  );
  await client.query(
    `INSERT INTO posture_snapshots (run_id, connector_instance, policy_uid, taken_at, passed, failed, error, unknown, total, pass_rate)
     SELECT $1, $2, policy_uid, $3, SUM(passed), SUM(failed), SUM(error), SUM(unknown), SUM(total),
       ROUND(SUM(passed)::numeric / SUM(total), 4)::double precision
     FROM ps_snapshot_work GROUP BY policy_uid
     ON CONFLICT (run_id, policy_uid) DO NOTHING`,
    [runId, instance, takenAt],
  );
  await client.query(
    `INSERT INTO posture_snapshot_severities (run_id, connector_instance, policy_uid, severity, failed, error)
     SELECT $1, $2, w.policy_uid, COALESCE(d.severity, 'undefined'), SUM(w.failed), SUM(w.error)
     FROM ps_snapshot_work w
     LEFT JOIN violation_definitions d ON d.connector_instance = $2 AND d.uid = w.definition_uid
     GROUP BY w.policy_uid, COALESCE(d.severity, 'undefined')
     HAVING SUM(w.failed) + SUM(w.error) > 0
     ON CONFLICT (run_id, policy_uid, severity) DO NOTHING`,
    [runId, instance],
  );
}
