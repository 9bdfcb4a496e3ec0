import { makeViolation } from '@posturesync/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.ts';

const scope = (runId: number, now: string) => ({ instance: 'pcrs-eu', runId, generation: runId, now });

function rows(store: SqliteStore, sql: string): Array<Record<string, unknown>> {
  return store.database.prepare(sql).all() as Array<Record<string, unknown>>;
}

describe('issue 18: the violation upsert that leaves indexed keys alone', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = SqliteStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('still writes a new host and definition when a finding uid comes back with them changed', () => {
    const first = makeViolation('h1', 'p1', 'c1', 'failed', { uid: 'finding-1' });
    store.upsertRecords(scope(1, '2024-06-01T00:00:00.000Z'), { violations: [first] });
    const moved = makeViolation('h2', 'p1', 'c2', 'failed', { uid: 'finding-1' });
    store.upsertRecords(scope(2, '2024-06-02T00:00:00.000Z'), { violations: [moved] });
    expect(
      rows(
        store,
        'SELECT host_uid, definition_uid, control_id, first_seen_run_id, last_seen_run_id, updated_at FROM violations',
      ),
    ).toEqual([
      {
        host_uid: 'h2',
        definition_uid: 'p1:c2',
        control_id: 'c2',
        first_seen_run_id: 1,
        last_seen_run_id: 2,
        updated_at: '2024-06-02T00:00:00.000Z',
      },
    ]);
    // The indexes answer with the new keys only (a stale entry would find the row under h1).
    expect(
      rows(store, "SELECT uid FROM violations INDEXED BY idx_violations_host WHERE host_uid = 'h1'"),
    ).toEqual([]);
    expect(
      rows(
        store,
        "SELECT uid FROM violations INDEXED BY idx_violations_definition WHERE definition_uid = 'p1:c2'",
      ),
    ).toEqual([{ uid: 'finding-1' }]);
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('updates every other column of an unchanged-key finding, reopens it, and keeps the index sound', () => {
    const first = makeViolation('h1', 'p1', 'c1', 'failed');
    store.upsertRecords(scope(1, '2024-06-01T00:00:00.000Z'), { violations: [first] });
    store.database.exec(
      "UPDATE violations SET closed_at = '2024-06-01T12:00:00.000Z', closed_reason = 'absent-from-complete-sync', closed_run_id = 1, stale = 1",
    );
    const again = { ...makeViolation('h1', 'p1', 'c1', 'passed'), actualValue: 'now set' };
    store.upsertRecords(scope(2, '2024-06-02T00:00:00.000Z'), { violations: [again] });
    expect(
      rows(
        store,
        `SELECT status, status_category, actual_value, closed_at, closed_reason, closed_run_id, stale,
           last_seen_generation FROM violations`,
      ),
    ).toEqual([
      {
        status: 'passed',
        status_category: 'closed',
        actual_value: 'now set',
        closed_at: null,
        closed_reason: null,
        closed_run_id: null,
        stale: 0,
        last_seen_generation: 2,
      },
    ]);
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
