import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDefinition, makeHost, makePolicy, makeViolation } from '@posturesync/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

const instance = 'pcrs-eu';
const at = (day: number) => `2024-06-${String(day).padStart(2, '0')}T00:00:00.000Z`;
const scope = (runId: number, day: number) => ({ instance, runId, generation: runId, now: at(day) });

interface ChangeRow {
  finding_uid: string;
  from_status: string | null;
  to_status: string;
  origin: string;
  run_id: number | null;
  changed_at: string | null;
  seen_at: string;
}

function changes(store: SqliteStore): ChangeRow[] {
  return store.database
    .prepare(
      'SELECT finding_uid, from_status, to_status, origin, run_id, changed_at, seen_at FROM status_changes ORDER BY id',
    )
    .all() as ChangeRow[];
}

function createRun(store: SqliteStore, day: number): number {
  return store.createRun({
    instance,
    connectorId: 'fake',
    configFingerprint: 'f',
    generation: null,
    resumedFromRunId: null,
    full: false,
    startedAt: at(day),
  }).id;
}

let store: SqliteStore;
beforeEach(() => {
  store = SqliteStore.open(':memory:');
});
afterEach(() => store.close());

describe('issue 14: status change log written with the finding', () => {
  it('logs first sight, then only real changes, with the source time and the time we saw it', () => {
    store.upsertRecords(scope(1, 1), {
      violations: [
        makeViolation('h1', 'p1', 'c1', 'failed', { sourceLastModified: '2024-05-20T10:00:00.000Z' }),
        makeViolation('h2', 'p1', 'c1', 'passed'),
      ],
    });
    expect(changes(store)).toEqual([
      {
        finding_uid: 'h1:p1:c1',
        from_status: null,
        to_status: 'failed',
        origin: 'first-seen',
        run_id: 1,
        changed_at: '2024-05-20T10:00:00.000Z',
        seen_at: at(1),
      },
      {
        finding_uid: 'h2:p1:c1',
        from_status: null,
        to_status: 'passed',
        origin: 'first-seen',
        run_id: 1,
        // No modified date from the source: the evaluation date is the best it says.
        changed_at: '2024-05-01T06:00:12.000Z',
        seen_at: at(1),
      },
    ]);

    // The same statuses again (a later run, or a resumed run writing a batch twice): nothing.
    store.upsertRecords(scope(2, 2), {
      violations: [makeViolation('h1', 'p1', 'c1', 'failed'), makeViolation('h2', 'p1', 'c1', 'passed')],
    });
    store.upsertRecords(scope(2, 2), {
      violations: [makeViolation('h1', 'p1', 'c1', 'failed'), makeViolation('h2', 'p1', 'c1', 'passed')],
    });
    expect(changes(store)).toHaveLength(2);

    const fixed = makeViolation('h1', 'p1', 'c1', 'passed', {
      sourceLastModified: '2024-06-02T12:00:00.000Z',
    });
    store.upsertRecords(scope(3, 3), { violations: [fixed] });
    store.upsertRecords(scope(3, 3), { violations: [fixed] });
    expect(changes(store).slice(2)).toEqual([
      {
        finding_uid: 'h1:p1:c1',
        from_status: 'failed',
        to_status: 'passed',
        origin: 'changed',
        run_id: 3,
        changed_at: '2024-06-02T12:00:00.000Z',
        seen_at: at(3),
      },
    ]);
  });

  it('the same finding twice in one batch is compared once, as the table keeps the last copy', () => {
    store.upsertRecords(scope(1, 1), { violations: [makeViolation('h1', 'p1', 'c1', 'failed')] });
    store.upsertRecords(scope(2, 2), {
      violations: [makeViolation('h1', 'p1', 'c1', 'passed'), makeViolation('h1', 'p1', 'c1', 'failed')],
    });
    expect(changes(store)).toHaveLength(1);
  });

  it('a status category change alone is a change too', () => {
    store.upsertRecords(scope(1, 1), { violations: [makeViolation('h1', 'p1', 'c1', 'unknown')] });
    store.upsertRecords(scope(2, 2), {
      violations: [makeViolation('h1', 'p1', 'c1', 'unknown', { statusCategory: 'closed' })],
    });
    const last = store.database
      .prepare('SELECT from_category, to_category, origin FROM status_changes ORDER BY id DESC LIMIT 1')
      .get();
    expect(last).toEqual({ from_category: 'open', to_category: 'closed', origin: 'changed' });
  });

  it('closing as absent logs exactly one change, by the closing run; seeing it again logs its return', () => {
    store.upsertRecords(scope(1, 1), {
      violations: [makeViolation('h1', 'p1', 'c1', 'failed'), makeViolation('h2', 'p1', 'c1', 'passed')],
    });
    store.upsertRecords(scope(2, 2), { violations: [makeViolation('h2', 'p1', 'c1', 'passed')] });
    expect(store.closeUnseen(instance, [{ policyUid: 'p1' }], 2, at(2), 2)).toBe(1);
    // A second closing pass (e.g. an overlapping deferred scope) finds nothing open to close.
    expect(store.closeUnseen(instance, [{ policyUid: 'p1' }], 2, at(2), 2)).toBe(0);
    expect(changes(store).slice(2)).toEqual([
      {
        finding_uid: 'h1:p1:c1',
        from_status: 'failed',
        to_status: 'absent',
        origin: 'absent',
        run_id: 2,
        changed_at: null,
        seen_at: at(2),
      },
    ]);
    store.upsertRecords(scope(3, 3), { violations: [makeViolation('h1', 'p1', 'c1', 'passed')] });
    expect(changes(store).slice(3)).toEqual([
      expect.objectContaining({
        from_status: 'absent',
        to_status: 'passed',
        origin: 'reappeared',
        run_id: 3,
      }),
    ]);
    expect(
      store.database.prepare("SELECT closed_run_id FROM violations WHERE uid = 'h1:p1:c1'").get(),
    ).toEqual({ closed_run_id: null });
  });

  it('a rolled-back batch leaves no change behind', () => {
    expect(() =>
      store.transaction(() => {
        store.upsertRecords(scope(1, 1), { violations: [makeViolation('h1', 'p1', 'c1', 'failed')] });
        throw new Error('crash before commit');
      }),
    ).toThrow('crash before commit');
    expect(changes(store)).toEqual([]);
  });
});

describe('issue 14: migration 4 on an existing database', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'posturesync-history-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('seeds the current findings as first seen at migration time, stated as such', () => {
    const path = join(directory, 'v2.db');
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const migration of migrations.filter((entry) => entry.version <= 2)) {
      raw.exec(migration.sql);
      raw
        .prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.description, '2024-01-01T00:00:00.000Z');
    }
    const insert = raw.prepare(
      `INSERT INTO violations (connector_instance, uid, source_name, first_seen_run_id, last_seen_run_id,
         last_seen_generation, updated_at, host_uid, policy_uid, definition_uid, control_id, status,
         status_category, last_evaluated, source_last_modified, raw, closed_at)
       VALUES (?, ?, 'TEST', 1, 1, 1, '2024-05-01T00:00:00.000Z', ?, 'p1', 'p1:c1', 'c1', ?, ?,
         '2024-05-01T06:00:00.000Z', ?, '{}', ?)`,
    );
    insert.run(instance, 'a', 'h1', 'failed', 'open', '2024-04-01T00:00:00.000Z', null);
    insert.run(instance, 'b', 'h2', 'passed', 'closed', null, null);
    insert.run(instance, 'c', 'h3', 'failed', 'open', null, '2024-05-10T00:00:00.000Z');
    raw.close();

    const before = new Date().toISOString();
    const migrated = SqliteStore.open(path);
    try {
      const rows = changes(migrated);
      expect(rows.map(({ seen_at: _seen, ...row }) => row)).toEqual([
        {
          finding_uid: 'a',
          from_status: null,
          to_status: 'failed',
          origin: 'seeded-at-migration',
          run_id: null,
          changed_at: '2024-04-01T00:00:00.000Z',
        },
        {
          finding_uid: 'b',
          from_status: null,
          to_status: 'passed',
          origin: 'seeded-at-migration',
          run_id: null,
          changed_at: '2024-05-01T06:00:00.000Z',
        },
        {
          finding_uid: 'c',
          from_status: null,
          to_status: 'absent',
          origin: 'seeded-at-migration',
          run_id: null,
          changed_at: '2024-05-10T00:00:00.000Z',
        },
      ]);
      for (const row of rows) expect(row.seen_at >= before).toBe(true);
      // After the migration, the next write logs changes against the seeded state only.
      migrated.upsertRecords(scope(2, 2), {
        violations: [
          makeViolation('h1', 'p1', 'c1', 'failed', { uid: 'a' }),
          makeViolation('h2', 'p1', 'c1', 'failed', { uid: 'b' }),
        ],
      });
      expect(changes(migrated).slice(3)).toEqual([
        expect.objectContaining({
          finding_uid: 'b',
          from_status: 'passed',
          to_status: 'failed',
          origin: 'changed',
        }),
      ]);
    } finally {
      migrated.close();
    }
  });
});

describe('issue 14: posture snapshots and the analyst views', () => {
  function seedTwoRuns(): { first: number; second: number } {
    store.upsertRecords(scope(0, 1), {
      hosts: [makeHost('h1'), makeHost('h2')],
      policies: [makePolicy('p1')],
      definitions: [
        makeDefinition('p1', 'c1', { severity: 'critical' }),
        makeDefinition('p1', 'c2', { severity: 'low' }),
      ],
    });
    const first = createRun(store, 1);
    store.upsertRecords(scope(first, 1), {
      violations: [
        makeViolation('h1', 'p1', 'c1', 'failed', { sourceLastModified: '2024-05-25T00:00:00.000Z' }),
        makeViolation('h1', 'p1', 'c2', 'failed'),
        makeViolation('h2', 'p1', 'c1', 'failed'),
        makeViolation('h2', 'p1', 'c2', 'passed'),
      ],
    });
    store.recordPostureSnapshot(instance, first, at(1));
    const second = createRun(store, 5);
    store.upsertRecords(scope(second, 5), {
      violations: [
        makeViolation('h1', 'p1', 'c1', 'passed', { sourceLastModified: '2024-06-04T00:00:00.000Z' }),
        makeViolation('h1', 'p1', 'c2', 'failed'),
        makeViolation('h2', 'p1', 'c1', 'failed'),
      ],
    });
    store.closeUnseen(instance, [{ policyUid: 'p1' }], second, at(5), second);
    store.recordPostureSnapshot(instance, second, at(5));
    return { first, second };
  }

  it('snapshots count open findings per policy and failing ones per severity, keyed by run', () => {
    const { first, second } = seedTwoRuns();
    expect(store.passRateTrend()).toEqual([
      {
        instance,
        policyUid: 'p1',
        policyTitle: 'Policy p1',
        runId: first,
        at: at(1),
        passed: 1,
        failed: 3,
        error: 0,
        unknown: 0,
        total: 4,
        passRate: 0.25,
      },
      {
        instance,
        policyUid: 'p1',
        policyTitle: 'Policy p1',
        runId: second,
        at: at(5),
        passed: 1,
        failed: 2,
        error: 0,
        unknown: 0,
        total: 3,
        passRate: 0.3333,
      },
    ]);
    expect(
      store.database
        .prepare(
          'SELECT run_id, severity, failed, error FROM posture_snapshot_severities ORDER BY run_id, severity',
        )
        .all(),
    ).toEqual([
      { run_id: first, severity: 'critical', failed: 2, error: 0 },
      { run_id: first, severity: 'low', failed: 1, error: 0 },
      { run_id: second, severity: 'critical', failed: 1, error: 0 },
      { run_id: second, severity: 'low', failed: 1, error: 0 },
    ]);
    expect(store.passRateTrend({ policyUid: 'other' })).toEqual([]);
  });

  it('v_status_intervals answers "what was the status on date D"', () => {
    seedTwoRuns();
    const asOf = (date: string) =>
      store.database
        .prepare(
          `SELECT finding_uid, status FROM v_status_intervals
           WHERE valid_from <= ? AND (valid_until IS NULL OR valid_until > ?) ORDER BY finding_uid`,
        )
        .all(date, date);
    expect(asOf('2024-05-31T00:00:00.000Z')).toEqual([]);
    expect(asOf('2024-06-03T00:00:00.000Z')).toEqual([
      { finding_uid: 'h1:p1:c1', status: 'failed' },
      { finding_uid: 'h1:p1:c2', status: 'failed' },
      { finding_uid: 'h2:p1:c1', status: 'failed' },
      { finding_uid: 'h2:p1:c2', status: 'passed' },
    ]);
    expect(asOf('2024-06-06T00:00:00.000Z')).toEqual([
      { finding_uid: 'h1:p1:c1', status: 'passed' },
      { finding_uid: 'h1:p1:c2', status: 'failed' },
      { finding_uid: 'h2:p1:c1', status: 'failed' },
      { finding_uid: 'h2:p1:c2', status: 'absent' },
    ]);
  });

  it('v_remediation and v_mean_time_to_remediate measure failed -> passed from the source dates', () => {
    seedTwoRuns();
    expect(
      store.database
        .prepare(
          'SELECT finding_uid, host_name, severity, failed_since, fixed_at, days_open, failing_when_first_seen FROM v_remediation',
        )
        .all(),
    ).toEqual([
      {
        finding_uid: 'h1:p1:c1',
        host_name: 'host-h1.example.test',
        severity: 'critical',
        failed_since: '2024-05-25T00:00:00.000Z',
        fixed_at: '2024-06-04T00:00:00.000Z',
        days_open: 10,
        failing_when_first_seen: 1,
      },
    ]);
    expect(store.database.prepare('SELECT * FROM v_mean_time_to_remediate').all()).toEqual([
      {
        connector_instance: instance,
        policy_uid: 'p1',
        policy_title: 'Policy p1',
        severity: 'critical',
        fixes: 1,
        mean_days_to_remediate: 10,
        min_days: 10,
        max_days: 10,
      },
    ]);
  });

  it('v_findings is one flat row per finding; v_changes joins names; statusChanges filters and limits', () => {
    const { second } = seedTwoRuns();
    const finding = store.database
      .prepare("SELECT * FROM v_findings WHERE finding_uid = 'h2:p1:c2'")
      .get() as Record<string, unknown>;
    expect(finding).toMatchObject({
      connector_instance: instance,
      host_name: 'host-h2.example.test',
      ip: '10.0.0.1',
      policy_title: 'Policy p1',
      control_statement: 'Control c2',
      severity: 'low',
      status: 'passed',
      reported: 0,
      closed_reason: 'absent-from-complete-sync',
    });
    const recent = store.statusChanges({ sinceRunId: second });
    expect(recent.map((change) => [change.findingUid, change.from, change.to, change.origin])).toEqual([
      ['h2:p1:c2', 'passed', 'absent', 'absent'],
      ['h1:p1:c1', 'failed', 'passed', 'changed'],
    ]);
    expect(recent[1]).toMatchObject({
      hostName: 'host-h1.example.test',
      policyTitle: 'Policy p1',
      runId: second,
    });
    expect(store.statusChanges({ since: at(5) })).toHaveLength(2);
    expect(store.statusChanges({ limit: 1 })).toHaveLength(1);
    expect(store.statusChanges({ instance: 'other' })).toEqual([]);
  });
});
