import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '@posturesync/core';
import { makeDefinition, makeHost, makePolicy, makeViolation } from '@posturesync/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrations } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

const scope = (runId: number, generation = runId, now = '2024-06-01T00:00:00.000Z') => ({
  instance: 'pcrs-eu',
  runId,
  generation,
  now,
});

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'posturesync-store-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function names(store: SqliteStore, type: 'table' | 'view'): string[] {
  return (
    store.database.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as Array<{
      name: string;
    }>
  ).map((row) => row.name);
}

describe('issue 2: migrations', () => {
  it('creates every table and view, and reopening is idempotent', () => {
    const path = join(directory, 'nested', 'posturesync.db');
    const store = SqliteStore.open(path);
    expect(names(store, 'table')).toEqual(
      expect.arrayContaining([
        'hosts',
        'host_tags',
        'policies',
        'violation_definitions',
        'violations',
        'sync_runs',
        'connector_state',
        'quarantine',
        'sync_lock',
        'schema_migrations',
      ]),
    );
    expect(names(store, 'view')).toEqual([
      'v_changes',
      'v_failing_controls_by_severity',
      'v_findings',
      'v_hosts_by_failures',
      'v_latest_sync_runs',
      'v_mean_time_to_remediate',
      'v_pass_rate_trend',
      'v_policy_pass_rate',
      'v_remediation',
      'v_status_intervals',
    ]);
    expect(store.schemaVersion()).toBe(latestSchemaVersion);
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1);
    store.upsertRecords(scope(1), { hosts: [makeHost('1')] });
    store.close();

    const reopened = SqliteStore.open(path);
    const applied = reopened.database.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as {
      n: number;
    };
    // Not latestSchemaVersion: versions need not be contiguous on every branch (issue 14).
    expect(applied.n).toBe(migrations.length);
    expect(reopened.database.prepare('SELECT uid FROM hosts').all()).toEqual([{ uid: '1' }]);
    reopened.close();

    const readonly = SqliteStore.open(path, { readonly: true });
    expect(readonly.summary().hosts).toBe(1);
    expect(() => readonly.upsertRecords(scope(2), { hosts: [makeHost('2')] })).toThrow();
    readonly.close();
  });

  it('refuses a database written by a newer schema version with a StoreError', () => {
    const path = join(directory, 'future.db');
    SqliteStore.open(path).close();
    const raw = new Database(path);
    raw
      .prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)')
      .run(latestSchemaVersion + 1, 'from the future', new Date().toISOString());
    raw.close();
    expect(() => SqliteStore.open(path)).toThrow(StoreError);
    expect(() => SqliteStore.open(path)).toThrow(
      new RegExp(`schema version ${latestSchemaVersion + 1}.*upgrade posturesync`),
    );
    expect(() => SqliteStore.open(path, { readonly: true })).toThrow(StoreError);
  });

  it('read-only open of a missing file says what to do', () => {
    expect(() => SqliteStore.open(join(directory, 'missing.db'), { readonly: true })).toThrow(
      /run a sync first/,
    );
  });
});

describe('issue 7: write-path schema', () => {
  const indexes = (database: Database.Database) =>
    (
      database
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'violations' ORDER BY name",
        )
        .all() as Array<{ name: string }>
    ).map((row) => row.name);

  it('issue 7: a new database has 16 KiB pages and no violations status index', () => {
    const store = SqliteStore.open(join(directory, 'new.db'));
    expect(store.database.pragma('page_size', { simple: true })).toBe(16384);
    expect(indexes(store.database)).toEqual([
      'idx_violations_definition',
      'idx_violations_host',
      'idx_violations_policy',
      'sqlite_autoindex_violations_1',
    ]);
    store.close();
  });

  it('issue 7: a version-1 database is migrated in place: index dropped, data, page size and views kept', () => {
    const path = join(directory, 'v1.db');
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    raw.exec(migrations[0]!.sql);
    raw
      .prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (1, ?, ?)')
      .run(migrations[0]!.description, '2024-01-01T00:00:00.000Z');
    raw.close();

    const store = SqliteStore.open(path);
    expect(store.schemaVersion()).toBe(latestSchemaVersion);
    expect(indexes(store.database)).not.toContain('idx_violations_status');
    expect(store.database.pragma('page_size', { simple: true })).toBe(4096);
    store.upsertRecords(scope(1), {
      violations: [makeViolation('1', '7', '3', 'failed'), makeViolation('2', '7', '3', 'passed')],
    });
    expect(store.summary().openFailedResults).toBe(1);
    expect(store.failingControls().map((row) => row.failingResults)).toEqual([1]);
    store.close();
  });
});

describe('issue 2: upserts', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = SqliteStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('is idempotent: the same batch twice gives the same rows with last_seen updated', () => {
    const records = {
      hosts: [makeHost('1'), makeHost('2')],
      policies: [makePolicy('p1')],
      definitions: [makeDefinition('p1', 'c1')],
      violations: [makeViolation('1', 'p1', 'c1', 'failed'), makeViolation('2', 'p1', 'c1', 'passed')],
    };
    expect(store.upsertRecords(scope(1), records)).toEqual({
      hosts: 2,
      policies: 1,
      definitions: 1,
      violations: 2,
    });
    const before = store.database.prepare('SELECT * FROM violations ORDER BY uid').all() as Array<
      Record<string, unknown>
    >;
    store.upsertRecords(scope(2, 2, '2024-06-02T00:00:00.000Z'), records);
    const after = store.database.prepare('SELECT * FROM violations ORDER BY uid').all() as Array<
      Record<string, unknown>
    >;
    expect(after).toHaveLength(2);
    for (const [index, row] of after.entries()) {
      expect(row.first_seen_run_id).toBe(1);
      expect(row.last_seen_run_id).toBe(2);
      expect(row.last_seen_generation).toBe(2);
      expect(row.updated_at).toBe('2024-06-02T00:00:00.000Z');
      const { last_seen_run_id, last_seen_generation, updated_at, ...rest } = row;
      const { last_seen_run_id: a, last_seen_generation: b, updated_at: c, ...restBefore } = before[index]!;
      expect(rest).toEqual(restBefore);
    }
    for (const table of ['hosts', 'policies', 'violation_definitions']) {
      const count = store.database.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
      expect(count.n).toBe(table === 'hosts' ? 2 : 1);
    }
  });

  it('keeps two connector instances apart even with the same uids', () => {
    store.upsertRecords(scope(1), { hosts: [makeHost('1')] });
    store.upsertRecords(
      { ...scope(2), instance: 'report-us' },
      { hosts: [makeHost('1', { hostname: 'other' })] },
    );
    const rows = store.database
      .prepare('SELECT connector_instance, hostname FROM hosts ORDER BY connector_instance')
      .all();
    expect(rows).toEqual([
      { connector_instance: 'pcrs-eu', hostname: 'host-1.example.test' },
      { connector_instance: 'report-us', hostname: 'other' },
    ]);
  });

  it('stores missing values as SQL NULL, never as empty string or 0', () => {
    store.upsertRecords(scope(1), {
      hosts: [makeHost('1', { hostname: null, os: null, lastScanned: null, assetId: null })],
      policies: [makePolicy('p1', { locked: null, title: null })],
      definitions: [makeDefinition('p1', 'c1', { criticalityValue: null, deprecated: null })],
      violations: [makeViolation('1', 'p1', 'c1', 'error', { evidence: null, previousStatus: null })],
    });
    const nulls = (sql: string) => store.database.prepare(sql).get();
    expect(
      nulls(
        "SELECT typeof(hostname) AS a, typeof(os) AS b, typeof(last_scanned) AS c, typeof(asset_id) AS d FROM hosts WHERE uid = '1'",
      ),
    ).toEqual({ a: 'null', b: 'null', c: 'null', d: 'null' });
    expect(nulls('SELECT typeof(locked) AS a, typeof(title) AS b FROM policies')).toEqual({
      a: 'null',
      b: 'null',
    });
    expect(
      nulls('SELECT typeof(criticality_value) AS a, typeof(deprecated) AS b FROM violation_definitions'),
    ).toEqual({ a: 'null', b: 'null' });
    expect(
      nulls(
        'SELECT typeof(evidence) AS a, typeof(previous_status) AS b, typeof(first_failed) AS c, typeof(closed_at) AS d FROM violations',
      ),
    ).toEqual({ a: 'null', b: 'null', c: 'null', d: 'null' });
  });

  it('stores booleans as 0/1 and nested JSON as JSON text', () => {
    store.upsertRecords(scope(1), {
      policies: [makePolicy('p1', { locked: true }), makePolicy('p2', { locked: false })],
      violations: [makeViolation('1', 'p1', 'c1', 'failed', { evidence: { value: ['a', 1] } })],
    });
    expect(store.database.prepare('SELECT uid, locked FROM policies ORDER BY uid').all()).toEqual([
      { uid: 'p1', locked: 1 },
      { uid: 'p2', locked: 0 },
    ]);
    const row = store.database.prepare('SELECT evidence, raw FROM violations').get() as {
      evidence: string;
      raw: string;
    };
    expect(JSON.parse(row.evidence)).toEqual({ value: ['a', 1] });
    expect(JSON.parse(row.raw)).toEqual({ id: '1:p1:c1' });
  });

  it('stores dates as ISO-8601 UTC text', () => {
    store.upsertRecords(scope(1), {
      violations: [makeViolation('1', 'p1', 'c1', 'failed', { lastFailed: '2024-05-01T06:00:12.000Z' })],
    });
    const row = store.database
      .prepare('SELECT typeof(last_failed) AS type, last_failed, updated_at FROM violations')
      .get() as Record<string, string>;
    expect(row.type).toBe('text');
    expect(row.last_failed).toBe('2024-05-01T06:00:12.000Z');
    expect(row.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('round-trips IDs above 2^53 exactly as strings', () => {
    const big = '9007199254740993123';
    store.upsertRecords(scope(1), {
      hosts: [makeHost(big, { assetId: '9007199254740993' })],
      violations: [makeViolation(big, '18446744073709551615', '9007199254740995', 'failed', { uid: big })],
    });
    const host = store.database.prepare('SELECT uid, typeof(uid) AS type, asset_id FROM hosts').get();
    expect(host).toEqual({ uid: big, type: 'text', asset_id: '9007199254740993' });
    const violation = store.database
      .prepare('SELECT uid, host_uid, policy_uid, control_id FROM violations')
      .get();
    expect(violation).toEqual({
      uid: big,
      host_uid: big,
      policy_uid: '18446744073709551615',
      control_id: '9007199254740995',
    });
  });

  it('replaces host tags on every upsert of the host', () => {
    store.upsertRecords(scope(1), { hosts: [makeHost('1', { tags: ['linux', 'prod', 'dmz'] })] });
    store.upsertRecords(scope(2), { hosts: [makeHost('1', { tags: ['linux', 'staging'] })] });
    const tags = store.database.prepare('SELECT tag FROM host_tags ORDER BY tag').all();
    expect(tags).toEqual([{ tag: 'linux' }, { tag: 'staging' }]);
    store.upsertRecords(scope(3), { hosts: [makeHost('1', { tags: [] })] });
    expect(store.database.prepare('SELECT COUNT(*) AS n FROM host_tags').get()).toEqual({ n: 0 });
  });
});

describe('issue 2: views and summaries', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = SqliteStore.open(':memory:');
    // Hand-made estate: 3 hosts, 2 policies, policy p1 has controls c1 (critical) and c2 (low).
    store.upsertRecords(scope(1), {
      hosts: [makeHost('h1'), makeHost('h2'), makeHost('h3')],
      policies: [makePolicy('p1', { title: 'CIS Linux' }), makePolicy('p2', { title: 'PCI' })],
      definitions: [
        makeDefinition('p1', 'c1', { severity: 'critical', criticalityValue: 5 }),
        makeDefinition('p1', 'c2', { severity: 'low', criticalityValue: 2 }),
        makeDefinition('p2', 'c1', { severity: 'critical', criticalityValue: 5 }),
      ],
      violations: [
        makeViolation('h1', 'p1', 'c1', 'failed'),
        makeViolation('h2', 'p1', 'c1', 'failed'),
        makeViolation('h3', 'p1', 'c1', 'passed'),
        makeViolation('h1', 'p1', 'c2', 'failed'),
        makeViolation('h2', 'p1', 'c2', 'error'),
        makeViolation('h3', 'p1', 'c2', 'passed'),
        makeViolation('h1', 'p2', 'c1', 'failed'),
        makeViolation('h2', 'p2', 'c1', 'passed'),
      ],
    });
    // A closed finding must not count anywhere.
    store.upsertRecords(scope(1), { violations: [makeViolation('h3', 'p2', 'c1', 'failed')] });
    store.database
      .prepare("UPDATE violations SET closed_at = '2024-06-01T00:00:00.000Z' WHERE uid = 'h3:p2:c1'")
      .run();
  });
  afterEach(() => store.close());

  it('v_policy_pass_rate counts passed / failed / error per policy over open findings', () => {
    expect(store.policyPassRates()).toEqual([
      {
        instance: 'pcrs-eu',
        policyUid: 'p1',
        policyTitle: 'CIS Linux',
        passed: 2,
        failed: 3,
        error: 1,
        unknown: 0,
        total: 6,
        passRate: 0.3333,
      },
      {
        instance: 'pcrs-eu',
        policyUid: 'p2',
        policyTitle: 'PCI',
        passed: 1,
        failed: 1,
        error: 0,
        unknown: 0,
        total: 2,
        passRate: 0.5,
      },
    ]);
  });

  it('v_failing_controls_by_severity counts failing hosts per severity and control', () => {
    expect(store.failingControls()).toEqual([
      {
        instance: 'pcrs-eu',
        severity: 'critical',
        controlId: 'c1',
        statement: 'Control c1',
        policies: 2,
        failingHosts: 2,
        failingResults: 3,
      },
      {
        instance: 'pcrs-eu',
        severity: 'low',
        controlId: 'c2',
        statement: 'Control c2',
        policies: 1,
        failingHosts: 1,
        failingResults: 1,
      },
    ]);
  });

  it('v_hosts_by_failures orders hosts by open failing results', () => {
    expect(store.hostsByFailures().map((row) => [row.hostUid, row.failing, row.errors, row.total])).toEqual([
      ['h1', 3, 0, 3],
      ['h2', 1, 1, 3],
      ['h3', 0, 0, 2],
    ]);
  });

  it('summary() combines hosts, pass rates, severities and last runs', () => {
    const first = store.createRun({
      instance: 'pcrs-eu',
      connectorId: 'test',
      configFingerprint: 'x',
      generation: null,
      resumedFromRunId: null,
      full: false,
      startedAt: '2024-06-01T00:00:00.000Z',
    });
    const second = store.createRun({
      instance: 'pcrs-eu',
      connectorId: 'test',
      configFingerprint: 'x',
      generation: first.generation,
      resumedFromRunId: first.id,
      full: false,
      startedAt: '2024-06-01T01:00:00.000Z',
    });
    expect(second.generation).toBe(first.id);
    const summary = store.summary();
    expect(summary.hosts).toBe(3);
    expect(summary.hostsByInstance).toEqual([{ instance: 'pcrs-eu', hosts: 3 }]);
    expect(summary.openFailedResults).toBe(4);
    expect(summary.policies).toHaveLength(2);
    expect(summary.failingBySeverity).toEqual([
      { severity: 'critical', controls: 1, failingResults: 3 },
      { severity: 'low', controls: 1, failingResults: 1 },
    ]);
    expect(summary.lastRuns.map((run) => [run.id, run.resumedFromRunId, run.outcome])).toEqual([
      [second.id, first.id, 'running'],
    ]);
    expect(store.history({ limit: 5 }).map((run) => run.id)).toEqual([second.id, first.id]);
    expect(store.history({ instance: 'nope', limit: 5 })).toEqual([]);
  });
});

describe('issue 6: closing unseen findings', () => {
  it('closes only open findings of the scope that the generation did not see', () => {
    const store = SqliteStore.open(':memory:');
    store.upsertRecords(scope(1), {
      violations: [
        makeViolation('h1', 'p1', 'c1', 'failed'),
        makeViolation('h2', 'p1', 'c1', 'failed', { network: 'dmz' }),
        makeViolation('h3', 'p1', 'c1', 'failed'),
        makeViolation('h1', 'p2', 'c1', 'failed'),
      ],
    });
    store.upsertRecords(scope(2), { violations: [makeViolation('h1', 'p1', 'c1', 'failed')] });
    // Host filter: only h2 may be closed.
    expect(
      store.closeUnseen('pcrs-eu', [{ policyUid: 'p1', hostUids: ['h2'] }], 2, '2024-06-03T00:00:00.000Z'),
    ).toBe(1);
    // Network filter: nothing left in dmz; the other instance is untouched.
    expect(store.closeUnseen('pcrs-eu', [{ policyUid: 'p1', network: 'dmz' }], 2)).toBe(0);
    expect(store.closeUnseen('other-instance', [{ policyUid: 'p1' }], 2)).toBe(0);
    expect(store.closeUnseen('pcrs-eu', [{ policyUid: 'p1' }], 2)).toBe(1);
    const rows = store.database
      .prepare('SELECT uid, closed_reason, stale, status_category FROM violations ORDER BY uid')
      .all();
    expect(rows).toEqual([
      { uid: 'h1:p1:c1', closed_reason: null, stale: 0, status_category: 'open' },
      { uid: 'h1:p2:c1', closed_reason: null, stale: 0, status_category: 'open' },
      { uid: 'h2:p1:c1', closed_reason: 'absent-from-complete-sync', stale: 1, status_category: 'open' },
      { uid: 'h3:p1:c1', closed_reason: 'absent-from-complete-sync', stale: 1, status_category: 'open' },
    ]);
    // Seen again later: the finding is live again.
    store.upsertRecords(scope(3), {
      violations: [makeViolation('h2', 'p1', 'c1', 'failed', { network: 'dmz' })],
    });
    expect(
      store.database.prepare("SELECT closed_at, stale FROM violations WHERE uid = 'h2:p1:c1'").get(),
    ).toEqual({
      closed_at: null,
      stale: 0,
    });
    store.close();
  });
});

describe('issue 6: quarantine and state', () => {
  it('stores quarantined records and connector state', () => {
    const store = SqliteStore.open(':memory:');
    const run = store.createRun({
      instance: 'pcrs-eu',
      connectorId: 'test',
      configFingerprint: 'f',
      generation: null,
      resumedFromRunId: null,
      full: false,
      startedAt: '2024-06-01T00:00:00.000Z',
    });
    store.insertQuarantine([
      {
        runId: run.id,
        instance: 'pcrs-eu',
        entity: 'violations',
        position: 'postureInfo policy 1 record 7',
        reason: 'firstFailed: Invalid ISO datetime',
        raw: { id: 7, firstFailDate: 'yesterday' },
      },
    ]);
    expect(store.quarantined({ runId: run.id })).toEqual([
      expect.objectContaining({
        entity: 'violations',
        position: 'postureInfo policy 1 record 7',
        raw: { id: 7, firstFailDate: 'yesterday' },
      }),
    ]);
    const cyclic: Record<string, unknown> = { id: 8n };
    cyclic.self = cyclic;
    store.insertQuarantine([
      { runId: run.id, instance: 'pcrs-eu', entity: 'hosts', position: 'x', reason: 'y', raw: cyclic },
    ]);
    expect(store.quarantined({ runId: run.id })[1]!.raw).toMatchObject({ unserializable: '[object Object]' });
    store.insertQuarantine([
      { runId: run.id, instance: 'pcrs-eu', entity: 'hosts', position: 'x', reason: 'y', raw: { id: 9n } },
    ]);
    expect(store.quarantined({ runId: run.id })[2]!.raw).toEqual({ id: '9' });
    expect(store.getState('pcrs-eu')).toBeNull();
    store.putState('pcrs-eu', 'test', {
      generation: run.generation,
      inProgress: true,
      runId: run.id,
      connector: { cursor: 3 },
      pendingScopes: [{ policyUid: 'p1' }],
      warningCount: 2,
    });
    expect(store.getState('pcrs-eu')).toEqual({
      generation: run.generation,
      inProgress: true,
      runId: run.id,
      connector: { cursor: 3 },
      pendingScopes: [{ policyUid: 'p1' }],
      warningCount: 2,
      tainted: { all: false, policies: [] },
      deferredScopes: [],
    });
    store.close();
  });
});
